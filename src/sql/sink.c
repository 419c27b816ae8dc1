/* sink.c - the sinks' common part: output mode names, sp_sink_resolve (the
 * format and its options checked at analysis time, as Spark's
 * DataStreamWriter and DataSource.createSink do), Spark's output-mode
 * refusals and sp_sink_open's dispatch to each kind (sink_<kind>.c).
 *
 * Option keys are case-insensitive (Spark's CaseInsensitiveMap). Each sink
 * takes its own options plus the writer settings a SQL sink table may carry
 * (outputMode, trigger, checkpointLocation, queryName), which the query reads
 * and the sink ignores; any other key is an error naming it.
 *
 * rows_written is the query runtime's to keep (it adds each batch's output
 * rows after add_batch); the sinks leave it alone.
 *
 * Threads: the query's (or the analyzer's) thread; no shared state. */
#include "sql/sink_int.h"

#include "base/arena.h"
#include "sql/console_sink_format.h"
#include "sql/sink_format.h"
#include "sql/sql_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool sp_output_mode_parse(const char *s, sp_output_mode *m)
{
    static const char *const names[] = {"append", "complete", "update"};
    for (int i = 0; i < 3; i++)
        if (s && !strcasecmp(s, names[i])) {
            *m = (sp_output_mode)i;
            return true;
        }
    return false;
}

const char *sp_output_mode_name(sp_output_mode m)
{
    switch (m) {
    case SP_OUTPUT_APPEND:
        return "Append";
    case SP_OUTPUT_COMPLETE:
        return "Complete";
    case SP_OUTPUT_UPDATE:
        return "Update";
    }
    return "Append";
}

static const struct {
    const char *name;
    sp_sink_kind kind;
} kinds[] = {
    {"console", SP_SINK_CONSOLE},
    {"memory", SP_SINK_MEMORY},
    {"csv", SP_SINK_CSV},
    {"json", SP_SINK_JSON},
    {"text", SP_SINK_TEXT},
    {"noop", SP_SINK_NOOP},
    {"foreachBatch", SP_SINK_FOREACH_BATCH},
    {"foreach", SP_SINK_FOREACH},
    {"kafka", SP_SINK_KAFKA},
};

int sp_sink_kind_of(const char *format)
{
    for (size_t i = 0; format && i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcasecmp(format, kinds[i].name)) return (int)kinds[i].kind;
    return -1;
}

/* The options each kind takes (besides the writer settings). */
static const char *const console_opts[] = {"numRows", "truncate", NULL};
static const char *const csv_opts[] = {"path",
                                       "sep",
                                       "delimiter",
                                       "header",
                                       "quote",
                                       "escape",
                                       "quoteAll",
                                       "escapeQuotes",
                                       "nullValue",
                                       "emptyValue",
                                       "dateFormat",
                                       "timestampFormat",
                                       "timestampNTZFormat",
                                       "lineSep",
                                       "compression",
                                       "encoding",
                                       "charToEscapeQuoteEscaping",
                                       "ignoreLeadingWhiteSpace",
                                       "ignoreTrailingWhiteSpace",
                                       NULL};
static const char *const json_opts[] = {"path",
                                        "dateFormat",
                                        "timestampFormat",
                                        "timestampNTZFormat",
                                        "ignoreNullFields",
                                        "lineSep",
                                        "compression",
                                        "encoding",
                                        NULL};
static const char *const text_opts[] = {"path", "lineSep", "compression", NULL};
static const char *const no_opts[] = {NULL};
static const char *const writer_opts[] = {"outputMode", "trigger", "checkpointLocation",
                                          "queryName", NULL};

static const char *const *kind_opts(int k)
{
    switch (k) {
    case SP_SINK_CONSOLE:
        return console_opts;
    case SP_SINK_CSV:
        return csv_opts;
    case SP_SINK_JSON:
        return json_opts;
    case SP_SINK_TEXT:
        return text_opts;
    default:
        return no_opts;
    }
}

static bool in_list(const char *const *list, const char *key)
{
    for (; *list; list++)
        if (!strcasecmp(*list, key)) return true;
    return false;
}

void sp_sink_errf(char *errstr, size_t size, const char *fmt, ...)
{
    if (!errstr || !size) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, size, fmt, ap);
    va_end(ap);
}

const char *sp_sink_opt(const sp_sink_def *d, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; i < d->nopts; i++)
        if (!strcasecmp(d->keys[i], key)) v = d->vals[i];
    return v;
}

/* An option the format does not take: "Unknown option 'x' for the csv sink
 * (its options: path, sep, ...)". */
static void unknown_option(const char *key, int k, const char *format, char *errstr, size_t size)
{
    char known[512] = "";
    size_t len = 0;
    for (const char *const *o = kind_opts(k); *o && len < sizeof known - 1; o++)
        len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", *o);
    if (!known[0])
        sp_sink_errf(errstr, size, "Unknown option '%s' for the %s sink: it takes no option.", key,
                     format);
    else
        sp_sink_errf(errstr, size, "Unknown option '%s' for the %s sink (its options: %s).", key,
                     format, known);
}

static sp_sink_def *def_new(const char *name, const char *const *keys, const char *const *vals,
                            size_t n)
{
    sp_sink_def *d = sp_xcalloc(1, sizeof *d);
    d->arena = spate_arena_new();
    snprintf(d->format, sizeof d->format, "%s", name);
    d->nopts = n;
    d->keys = spate_arena_alloc(d->arena, (n ? n : 1) * sizeof(char *));
    d->vals = spate_arena_alloc(d->arena, (n ? n : 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        d->keys[i] = sp_arena_memdup(d->arena, keys[i], strlen(keys[i]) + 1);
        d->vals[i] =
            sp_arena_memdup(d->arena, vals[i] ? vals[i] : "", strlen(vals[i] ? vals[i] : "") + 1);
    }
    return d;
}

/* Option values checked without a schema (the schema comes at open). */
static bool check_values(const sp_sink_def *d, int k, char *errstr, size_t size)
{
    if (k == SP_SINK_KAFKA) return sp_sink_kafka_check(d, errstr, size);
    if (k == SP_SINK_CONSOLE) {
        sp_sql_console_opts o = sp_sql_console_opts_default();
        return sp_sql_console_opts_parse(&o, (const char *const *)d->keys,
                                         (const char *const *)d->vals, d->nopts, errstr, size);
    }
    if (!sp_sink_kind_is_file(k)) return true;
    if (!sp_sink_opt(d, "path")) {
        sp_sink_errf(errstr, size, "'path' is not specified.");
        return false;
    }
    sp_sink_writer *w =
        sp_sink_writer_new(sp_sink_writer_fmt_of(k), (const char *const *)d->keys,
                           (const char *const *)d->vals, d->nopts, NULL, NULL, errstr, size);
    sp_sink_writer_free(w);
    return w != NULL;
}

sp_sink_def *sp_sink_resolve(const char *format, const char *const *keys, const char *const *vals,
                             size_t n, char *errstr, size_t errstr_size)
{
    int k = sp_sink_kind_of(format);
    if (k < 0 || k == SP_SINK_FOREACH || k == SP_SINK_FOREACH_BATCH) {
        sp_sink_errf(errstr, errstr_size,
                     "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: %s. Make sure the "
                     "provider name is correct and the package is properly registered and "
                     "compatible with your Spark version. SQLSTATE: 42K02",
                     format ? format : "");
        return NULL;
    }
    /* The kafka sink takes any key, as Spark's (a table may be a source too). */
    for (size_t i = 0; k != SP_SINK_KAFKA && i < n; i++)
        if (!in_list(kind_opts(k), keys[i]) && !in_list(writer_opts, keys[i])) {
            unknown_option(keys[i], k, kinds[k].name, errstr, errstr_size);
            return NULL;
        }
    sp_sink_def *d = def_new(kinds[k].name, keys, vals, n);
    if (!check_values(d, k, errstr, errstr_size)) {
        sp_sink_def_free(d);
        return NULL;
    }
    return d;
}

sp_sink_def *sp_sink_def_foreach_batch(sp_foreach_batch_fn fn, void *ud)
{
    sp_sink_def *d = def_new("foreachBatch", NULL, NULL, 0);
    d->foreach_batch = fn;
    d->foreach_batch_ud = ud;
    return d;
}

sp_sink_def *sp_sink_def_foreach(const sp_foreach_writer *w)
{
    sp_sink_def *d = def_new("foreach", NULL, NULL, 0);
    d->foreach = *w;
    return d;
}

void sp_sink_def_free(sp_sink_def *d)
{
    if (!d) return;
    spate_arena_destroy(d->arena);
    free(d);
}

/* Spark 4.0's DataSource.createSink for file formats:
 * STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE with the mode in lower case
 * and the format as the user named it. The memory sink takes update mode
 * as append (MemorySink's SupportsStreamingUpdateAsAppend; Spark's
 * MemorySinkSuite "registering as a table in Update output mode"). */
const char *sp_sink_check_mode(const sp_sink_def *d, sp_output_mode m)
{
#define REFUSE(fmt, mode)                                                                          \
    "[STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE] Invalid streaming output mode: " mode          \
    ". This output mode is not supported in Data Source " fmt ". SQLSTATE: 42KDE"
    static const char *const refusals[3][2] = {
        {REFUSE("csv", "complete"), REFUSE("csv", "update")},
        {REFUSE("json", "complete"), REFUSE("json", "update")},
        {REFUSE("text", "complete"), REFUSE("text", "update")},
    };
#undef REFUSE
    int k = sp_sink_kind_of(d->format);
    if (!sp_sink_kind_is_file(k) || m == SP_OUTPUT_APPEND) return NULL;
    int row = k == SP_SINK_CSV ? 0 : k == SP_SINK_JSON ? 1 : 2;
    return refusals[row][m == SP_OUTPUT_COMPLETE ? 0 : 1];
}

sp_sink *sp_sink_open(const sp_sink_def *def, const sp_sql_type *schema, const sp_sink_env *env,
                      char *errstr, size_t errstr_size)
{
    switch (sp_sink_kind_of(def->format)) {
    case SP_SINK_CONSOLE:
        return sp_sink_console_open(def, schema, env, errstr, errstr_size);
    case SP_SINK_MEMORY:
        return sp_sink_memory_open(def, schema, env, errstr, errstr_size);
    case SP_SINK_NOOP:
        return sp_sink_noop_open(def, schema);
    case SP_SINK_FOREACH_BATCH:
        return sp_sink_foreach_batch_open(def, schema);
    case SP_SINK_FOREACH:
        return sp_sink_foreach_open(def, schema);
    case SP_SINK_CSV:
    case SP_SINK_JSON:
    case SP_SINK_TEXT:
        return sp_sink_file_open(def, schema, env, errstr, errstr_size);
    case SP_SINK_KAFKA:
        return sp_sink_kafka_open(def, schema, errstr, errstr_size);
    default:
        break;
    }
    sp_sink_errf(errstr, errstr_size, "unknown sink format %s", def->format);
    return NULL;
}
