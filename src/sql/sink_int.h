/* sink_int.h - what the sink files (sink*.c) share: the kinds of sink, the
 * option lookup, error text and each sink's constructor. Included only by
 * src/sql/sink*.c (and the sql layer's unit tests).
 *
 * Threads: as sink.h (the query's thread). */
#ifndef SP_SQL_SINK_INT_H
#define SP_SQL_SINK_INT_H

#include "sql/sink.h"

#include <stdarg.h>

typedef enum sp_sink_kind {
    SP_SINK_CONSOLE,
    SP_SINK_MEMORY,
    SP_SINK_CSV,
    SP_SINK_JSON,
    SP_SINK_TEXT,
    SP_SINK_NOOP,
    SP_SINK_FOREACH_BATCH,
    SP_SINK_FOREACH,
    SP_SINK_KAFKA,
} sp_sink_kind;

/* The kind of a format name (case-insensitive), -1 when unknown. */
int sp_sink_kind_of(const char *format);
static inline bool sp_sink_kind_is_file(int k)
{
    return k == SP_SINK_CSV || k == SP_SINK_JSON || k == SP_SINK_TEXT;
}
/* The value of option key in d (the last one given, keys in any case), or
 * NULL. */
const char *sp_sink_opt(const sp_sink_def *d, const char *key);
/* printf into errstr (always terminated when size > 0). */
void sp_sink_errf(char *errstr, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Each kind's running sink (sink_<kind>.c); NULL with errstr. */
sp_sink *sp_sink_console_open(const sp_sink_def *d, const sp_sql_type *schema,
                              const sp_sink_env *env, char *errstr, size_t errstr_size);
sp_sink *sp_sink_memory_open(const sp_sink_def *d, const sp_sql_type *schema,
                             const sp_sink_env *env, char *errstr, size_t errstr_size);
sp_sink *sp_sink_noop_open(const sp_sink_def *d, const sp_sql_type *schema);
sp_sink *sp_sink_foreach_batch_open(const sp_sink_def *d, const sp_sql_type *schema);
sp_sink *sp_sink_foreach_open(const sp_sink_def *d, const sp_sql_type *schema);
sp_sink *sp_sink_file_open(const sp_sink_def *d, const sp_sql_type *schema, const sp_sink_env *env,
                           char *errstr, size_t errstr_size);
sp_sink *sp_sink_kafka_open(const sp_sink_def *d, const sp_sql_type *schema, char *errstr,
                            size_t errstr_size);
/* The kafka sink's option checks without a schema (sink_kafka.c): Spark's
 * refusals of kafka.key/value.serializer, kafka.bootstrap.servers. */
bool sp_sink_kafka_check(const sp_sink_def *d, char *errstr, size_t n);

/* ---- the file writers (sink_format.c, sink_format_rows.c) ---- */

#include "sql/datetime_format.h"
#include "sql/sink_format.h"

enum { SP_SINK_OPT_MAX = 64 };

struct sp_sink_writer {
    sp_sink_fmt fmt;
    char sep, quote, escape;
    bool header, quote_all, escape_quotes, trim_leading, trim_trailing, ignore_null_fields;
    char null_value[SP_SINK_OPT_MAX], empty_value[SP_SINK_OPT_MAX], line_sep[SP_SINK_OPT_MAX];
    sp_dtf *date_fmt, *ts_fmt, *ntz_fmt;
    const sp_tz *tz;
    int nnames;
    char **names; /* the schema's column names (NULL: the batch's) */
};

/* How JSON writes a value's text: bare (numbers, booleans) or quoted. */
typedef enum sp_sink_vt { SP_SINK_VT_BARE, SP_SINK_VT_QUOTED } sp_sink_vt;
enum { SP_SINK_VAL_MAX = 256 };
/* The text of row of column c (valid, not binary): *s, *n point into the
 * batch (strings) or buf. */
sp_sink_vt sp_sink_value_text(const sp_sink_writer *w, const sp_column *c, int64_t row,
                              char buf[SP_SINK_VAL_MAX], const char **s, size_t *n);
/* Java's BigDecimal.toString of a decimal128 (unscaled hi:lo, scale). */
size_t sp_sink_decimal_str(uint64_t lo, int64_t hi, int scale, char *out);

/* Jackson's quoted string: \" \\ and control characters escaped. */
void sp_sink_json_str(const char *s, size_t n, sp_sql_sbuf *out);

/* ---- the file sink (sink_file.c) ---- */

#include "sql/file_sink_log.h"

/* The first step of a file sink's batch: writes the part files of
 * batches[0..n) (one per non-empty batch, and always one for batch 0) into
 * the sink's directory and
 * gives their statuses (made in a). The second step, the log entry, is
 * sp_file_sink_log_add; tests call this one alone to stand for a crash
 * between the two. s must be a csv, json or text sink. */
spate_err sp_sink_file_write_parts(sp_sink *s, const sp_colbatch *const *batches, size_t n,
                                   spate_arena *a, sp_sink_file_status **files, size_t *nfiles,
                                   char *errstr, size_t errstr_size);
/* The sink's directory as an absolute path. */
const char *sp_sink_file_dir(const sp_sink *s);

#endif
