/* conf.h - the option table behind spate_conf ("config as data").
 *
 * Every option is declared once in sp_conf_options[] (conf_table.c) with its
 * type, default, range and documentation. spate_conf_set checks values
 * against it; docs/configuration.md is generated from it by
 * sp_conf_write_markdown (`spate config --markdown`); a unit test keeps the
 * two equal.
 *
 * Keys: "spark.x" is read as "spate.x". Keys under "kafka." and "user." are
 * not declared: they are kept as given (the Kafka connector passes "kafka.*"
 * to librdkafka without the prefix) and read with spate_conf_get or
 * sp_conf_foreach_prefix.
 *
 * Values: spate_conf_get returns the value as set, except that booleans read
 * back as "true"/"false" and enums in the table's spelling. The typed getters
 * return the parsed value: INT and SIZE (bytes) via spate_conf_get_i64, DOUBLE
 * via spate_conf_get_f64, BOOL via spate_conf_get_bool, DURATION (ms) via
 * spate_conf_get_duration (spate_conf_get_i64 also works for it). Reading a
 * key the table does not declare is SPATE_ERR_NOT_FOUND, never a silent 0;
 * the engine reads its own options with sp_conf_i64 and friends below.
 *
 * Locality: a spate_conf is not thread-safe; the table is immutable. */
#ifndef SP_CONF_H
#define SP_CONF_H

#include <spate/core.h>

#include <stdio.h>

typedef enum sp_conf_type {
    SP_CONF_STRING,
    SP_CONF_INT,
    SP_CONF_DOUBLE,
    SP_CONF_BOOL,
    SP_CONF_DURATION, /* Spark's forms: "200ms", "2s", "1 minute"; plain numbers are ms */
    SP_CONF_SIZE,     /* bytes: "32m", "1g", "512k", "100b"; plain numbers are bytes */
    SP_CONF_ENUM,     /* one of `allowed` ("a|b|c"), matched case-insensitively */
} sp_conf_type;

typedef struct sp_conf_opt {
    const char *name; /* "spate.streaming.blockInterval" */
    sp_conf_type type;
    const char *def;     /* the default, in the same syntax a user writes */
    int64_t min, max;    /* INT, DURATION (ms), SIZE (bytes): the inclusive range */
    double dmin, dmax;   /* DOUBLE: the inclusive range */
    const char *allowed; /* ENUM: "system|manual" */
    /* STRING: extra validation, NULL for none; fills errstr on failure. */
    bool (*check)(const char *value, char *errstr, size_t errstr_size);
    const char *range_doc; /* replaces the generated Range column when non-NULL */
    const char *doc;       /* one or two sentences, Markdown */
} sp_conf_opt;

extern const sp_conf_opt sp_conf_options[];
extern const size_t sp_conf_noptions;

/* The declared option for key ("spark." accepted for "spate."), or NULL. */
const sp_conf_opt *sp_conf_find(const char *key);

/* Parses a byte size as Spark's byteStringAs: "32m", "1g", "512k", "100b",
 * "1kb"..."1pb" (case-insensitive, 1k = 1024); a plain number is bytes. */
spate_err sp_conf_parse_size(const char *text, int64_t *out, char *errstr, size_t errstr_size);

/* The thread count a master string asks for: "local" -> 1, "local[N]" -> N,
 * "local[*]" -> the number of online CPUs. -1 when the master is invalid. */
int sp_conf_master_threads(const char *master);

/* Calls fn for each key set under prefix (e.g. "kafka."), in the order set. */
void sp_conf_foreach_prefix(const spate_conf *conf, const char *prefix,
                            void (*fn)(const char *key, const char *value, void *ud), void *ud);

/* The engine's reads of the options it declares: the value set in conf, or
 * the table's default when conf is NULL (so no default is written twice).
 * The key must be in the table with a type the getter reads (see
 * spate_conf_get_i64): anything else is a programming error and aborts with
 * the key's name. Any thread (conf itself is not locked: read it where it is
 * not being set). */
int64_t sp_conf_i64(const spate_conf *conf, const char *key);
double sp_conf_f64(const spate_conf *conf, const char *key);
bool sp_conf_bool(const spate_conf *conf, const char *key);
spate_duration sp_conf_duration(const spate_conf *conf, const char *key);

/* Writes docs/configuration.md: a Markdown table of every option (name, type,
 * default, range, description). */
void sp_conf_write_markdown(FILE *out);

#endif
