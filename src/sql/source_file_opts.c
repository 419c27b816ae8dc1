/* source_file_opts.c - resolving the file sources (csv, json, text): the
 * schema rule (required for csv and json, Spark's message; text reads
 * `value STRING`), the stream options of Spark's FileStreamOptions
 * (maxFilesPerTrigger, maxBytesPerTrigger, latestFirst, fileNameOnly,
 * maxFileAge, cleanSource, sourceArchiveDir) and the scanners' own options
 * (sql/scan_options.h), each checked with a message naming it and its value.
 *
 * Threads: any (pure functions of the definition). */
#include "sql/source_int.h"

#include "sql/scan_csv.h"
#include "sql/scan_json.h"
#include "sql/type_column.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The options every file format takes besides its parser's. */
#define STREAM_KEYS                                                                                \
    "path", "maxFilesPerTrigger", "maxBytesPerTrigger", "latestFirst", "fileNameOnly",             \
        "maxFileAge", "cleanSource", "sourceArchiveDir", "maxCachedFiles",                         \
        "discardCachedInputRatio", "pathGlobFilter", "ignoreMissingFiles"

static const char *const text_keys[] = {STREAM_KEYS, "wholetext", "lineSep", NULL};
/* Stream options the scanners do not know (they accept the others). */
static const char *const not_for_scanner[] = {"maxCachedFiles", "discardCachedInputRatio", NULL};

static const char *schema_required =
    "Schema must be specified when creating a streaming source DataFrame. If some files already "
    "exist in the directory, then depending on the file format you may be able to create a "
    "static DataFrame on that directory with 'spark.read.load(directory)' and infer schema from "
    "it.";

static bool positive(const sp_source_def *d, const char *key, int64_t *out, char *errstr, size_t n)
{
    const char *v = sp_source_opt(d, key);
    *out = 0;
    if (!v) return true;
    if (sp_source_parse_long(v, out) && *out > 0 &&
        (strcmp(key, "maxFilesPerTrigger") || *out <= INT32_MAX))
        return true;
    snprintf(errstr, n, "Invalid value '%s' for option '%s', must be a positive integer", v, key);
    return false;
}

/* JavaUtils.timeStringAsMs: a number with an optional unit (us, ms, s, m,
 * min, h, d); no unit means ms. */
static bool parse_age(const char *v, int64_t *ms)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"us", 0.001},  {"ms", 1},      {"s", 1000},     {"m", 60000},
                 {"min", 60000}, {"h", 3600000}, {"d", 86400000}, {"", 1}};
    while (isspace((unsigned char)*v))
        v++;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (end == v || x < 0) return false;
    while (isspace((unsigned char)*end))
        end++;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (!strcasecmp(end, units[i].unit)) {
            *ms = (int64_t)((double)x * units[i].ms);
            return true;
        }
    return false;
}

static bool stream_opts(const sp_source_def *d, sp_file_opts *o, char *errstr, size_t n)
{
    static const char *const disallowed[] = {"modifiedBefore", "modifiedAfter"};
    for (int i = 0; i < 2; i++)
        if (sp_source_opt(d, disallowed[i])) {
            snprintf(errstr, n, "option '%s' is not allowed in file stream sources", disallowed[i]);
            return false;
        }
    if (!positive(d, "maxFilesPerTrigger", &o->max_files, errstr, n) ||
        !positive(d, "maxBytesPerTrigger", &o->max_bytes, errstr, n) ||
        !sp_source_opt_bool(d, "latestFirst", false, &o->latest_first, errstr, n) ||
        !sp_source_opt_bool(d, "fileNameOnly", false, &o->file_name_only, errstr, n) ||
        !sp_source_opt_bool(d, "ignoreMissingFiles", false, &o->parse.ignore_missing_files, errstr,
                            n))
        return false;
    if (o->max_files && o->max_bytes) {
        snprintf(errstr, n,
                 "Options 'maxFilesPerTrigger' and 'maxBytesPerTrigger' can't be both "
                 "set at the same time");
        return false;
    }
    const char *age = sp_source_opt(d, "maxFileAge");
    o->max_file_age_ms = 7 * 86400000LL;
    if (age && !parse_age(age, &o->max_file_age_ms)) {
        snprintf(errstr, n,
                 "Invalid value '%s' for option 'maxFileAge': expected a time such as 7d", age);
        return false;
    }
    if (o->latest_first && (o->max_files || o->max_bytes)) o->max_file_age_ms = INT64_MAX;
    const char *clean = sp_source_opt(d, "cleanSource");
    o->clean = SP_CLEAN_OFF;
    if (clean && !strcasecmp(clean, "delete"))
        o->clean = SP_CLEAN_DELETE;
    else if (clean && !strcasecmp(clean, "archive"))
        o->clean = SP_CLEAN_ARCHIVE;
    else if (clean && strcasecmp(clean, "off")) {
        snprintf(errstr, n,
                 "Invalid mode for clean source option Some(%s). Must be one of ARCHIVE,DELETE,OFF",
                 clean);
        return false;
    }
    o->archive_dir = sp_source_opt(d, "sourceArchiveDir");
    if (o->clean == SP_CLEAN_ARCHIVE && (!o->archive_dir || !*o->archive_dir)) {
        snprintf(errstr, n, "Archive mode must be used with 'sourceArchiveDir' option.");
        return false;
    }
    o->glob_filter = sp_source_opt(d, "pathGlobFilter");
    o->path = sp_source_opt(d, "path");
    if (!o->path || !*o->path) {
        snprintf(errstr, n, "'path' is not specified");
        return false;
    }
    return true;
}

/* The scanner options of a csv or json source (the stream-only keys the
 * scanners do not know left out), checked by making a scanner. */
/* The zone the scanners read timestamps in when the timeZone option is not
 * given: the session's, as Spark's CSV and JSON readers do. */
static void session_zone(char *zone, size_t size, const spate_conf *conf)
{
    const char *z = conf ? spate_conf_get(conf, "spate.sql.session.timeZone") : NULL;
    if (!zone[0] && z) snprintf(zone, size, "%s", z);
}

static bool parser_opts(const sp_source_def *d, const spate_conf *conf, sp_file_opts *o,
                        char *errstr, size_t n)
{
    const char *keys[d->nopts + 1], *vals[d->nopts + 1];
    int k = 0;
    for (size_t i = 0; i < d->nopts; i++) {
        bool skip = false;
        for (const char *const *s = not_for_scanner; *s; s++)
            skip |= !strcasecmp(*s, d->keys[i]);
        if (!skip) keys[k] = d->keys[i], vals[k++] = d->vals[i];
    }
    sp_file_parse *p = &o->parse;
    if (p->kind == SP_FILE_CSV) {
        sp_sql_csv_options_init(&p->csv);
        if (!sp_sql_csv_options_parse(&p->csv, keys, vals, k, errstr, n)) return false;
        session_zone(p->csv.time_zone, sizeof p->csv.time_zone, conf);
        sp_sql_csv_scanner *s = sp_sql_csv_scanner_new(p->schema, &p->csv, errstr, n);
        sp_sql_csv_scanner_free(s);
        return s != NULL;
    }
    sp_sql_json_options_init(&p->json);
    if (!sp_sql_json_options_parse(&p->json, keys, vals, k, errstr, n)) return false;
    session_zone(p->json.time_zone, sizeof p->json.time_zone, conf);
    sp_sql_json_scanner *s = sp_sql_json_scanner_new(p->schema, &p->json, errstr, n);
    sp_sql_json_scanner_free(s);
    return s != NULL;
}

static bool text_opts(const sp_source_def *d, char *errstr, size_t n)
{
    if (!sp_source_check_keys(d, text_keys, "text", errstr, n)) return false;
    const char *whole = sp_source_opt(d, "wholetext"), *sep = sp_source_opt(d, "lineSep");
    if (whole && strcasecmp(whole, "false")) {
        snprintf(errstr, n, "Invalid value '%s' for option 'wholetext': only false is supported",
                 whole);
        return false;
    }
    if (sep && strcmp(sep, "\n")) {
        snprintf(errstr, n, "Invalid value '%s' for option 'lineSep': only \\n is supported", sep);
        return false;
    }
    return true;
}

bool sp_source_file_opts(const sp_source_def *d, const spate_conf *conf, sp_file_opts *o,
                         char *errstr, size_t n)
{
    memset(o, 0, sizeof *o);
    o->parse.kind = !strcmp(d->format, "csv")    ? SP_FILE_CSV
                    : !strcmp(d->format, "json") ? SP_FILE_JSON
                                                 : SP_FILE_TEXT;
    o->parse.schema = d->schema;
    if (o->parse.kind == SP_FILE_TEXT ? !text_opts(d, errstr, n)
                                      : !parser_opts(d, conf, o, errstr, n))
        return false;
    return stream_opts(d, o, errstr, n);
}

/* The schema a file source reads: the user's (csv, json: required), or
 * text's `value STRING`. */
static const sp_sql_type *file_schema(sp_source_def *d, const sp_sql_type *user,
                                      const spate_conf *conf, char *errstr, size_t n)
{
    if (!strcmp(d->format, "text")) {
        if (user && (user->nfields != 1 || user->fields[0].type->id != SP_SQL_STRING)) {
            snprintf(errstr, n,
                     "Text data source supports only a single column, and you have %d "
                     "columns.",
                     user->nfields);
            return NULL;
        }
        sp_sql_field f = {"value", sp_sql_prim(SP_SQL_STRING), true, NULL};
        if (user) f.name = user->fields[0].name;
        return sp_sql_struct(d->arena, &f, 1);
    }
    if (!user) {
        bool infer = false;
        if (conf) spate_conf_get_bool(conf, "spate.sql.streaming.schemaInference", &infer);
        if (infer) /* readers infer before; here there was no file to infer from */
            snprintf(errstr, n,
                     "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for %s. It must be "
                     "specified manually. SQLSTATE: 42KD9",
                     !strcmp(d->format, "csv") ? "CSV" : "JSON");
        else
            snprintf(errstr, n, "%s", schema_required);
        return NULL;
    }
    sp_sql_field f[user->nfields > 0 ? user->nfields : 1];
    for (int i = 0; i < user->nfields; i++) {
        sp_colspec cs;
        if (!sp_sql_type_column(user->fields[i].type, &cs)) {
            snprintf(errstr, n, "The %s source cannot read column `%s`: its type has no column yet",
                     d->format, user->fields[i].name);
            return NULL;
        }
        f[i] = user->fields[i];
        if (f[i].type->id == SP_SQL_DECIMAL) /* made in the caller's arena */
            f[i].type = sp_sql_decimal(d->arena, f[i].type->precision, f[i].type->scale);
    }
    return sp_sql_struct(d->arena, f, user->nfields);
}

bool sp_source_file_resolve(sp_source_def *d, const sp_sql_type *user_schema,
                            const spate_conf *conf, char *errstr, size_t n)
{
    d->schema = file_schema(d, user_schema, conf, errstr, n);
    if (!d->schema) return false;
    sp_file_opts o;
    return sp_source_file_opts(d, conf, &o, errstr, n);
}
