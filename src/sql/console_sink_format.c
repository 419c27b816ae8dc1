/* console_sink_format.c - the console sink's per-batch text and its
 * options (console_sink_format.h). */
#include "sql/console_sink_format.h"

#include "base/errbuf.h"
#include "sql/show.h"

#include <inttypes.h>
#include <limits.h>
#include <strings.h>

#define RULE "-------------------------------------------\n"

sp_sql_console_opts sp_sql_console_opts_default(void)
{
    return (sp_sql_console_opts){SP_SQL_SHOW_DEFAULT_ROWS, true};
}

/* Java's Integer.parseInt(s): an optional sign, then one or more ASCII
 * digits, within int's range. */
static bool java_parse_int(const char *s, int *out)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    if (!*s) return false;
    long long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (*s - '0');
        if (v > (long long)INT_MAX + 1) return false;
    }
    if (neg) v = -v;
    if (v > INT_MAX || v < INT_MIN) return false;
    *out = (int)v;
    return true;
}

/* The value of the last key equal to name in any case, or NULL. */
static const char *lookup(const char *name, const char *const *keys, const char *const *vals,
                          size_t n)
{
    const char *v = NULL;
    for (size_t i = 0; i < n; i++)
        if (keys[i] && strcasecmp(keys[i], name) == 0) v = vals[i];
    return v;
}

bool sp_sql_console_opts_parse(sp_sql_console_opts *o, const char *const *keys,
                               const char *const *vals, size_t n, char *errstr, size_t errstr_size)
{
    sp_sql_console_opts r = sp_sql_console_opts_default();
    const char *rows = lookup("numRows", keys, vals, n);
    const char *trunc = lookup("truncate", keys, vals, n);
    if (rows && !java_parse_int(rows, &r.num_rows)) {
        sp_errf(errstr, errstr_size,
                "Invalid value for the console sink's option numRows: For input string: \"%s\"",
                rows);
        return false;
    }
    if (trunc) {
        if (strcasecmp(trunc, "true") == 0) {
            r.truncate = true;
        } else if (strcasecmp(trunc, "false") == 0) {
            r.truncate = false;
        } else {
            sp_errf(errstr, errstr_size,
                    "Invalid value for the console sink's option truncate: "
                    "%s is not a boolean string.",
                    trunc);
            return false;
        }
    }
    *o = r;
    return true;
}

void sp_sql_console_format(sp_sql_sbuf *out, int64_t batch_id, const sp_colbatch *const *batches,
                           size_t nbatches, const sp_sql_console_opts *o, const sp_tz *tz)
{
    char head[160];
    int k = snprintf(head, sizeof head, RULE "Batch: %" PRId64 "\n" RULE, batch_id);
    sp_sql_sbuf_put(out, head, (size_t)k);
    int truncate = o->truncate ? SP_SQL_SHOW_DEFAULT_TRUNCATE : 0;
    sp_sql_show_string_batches(out, batches, nbatches, o->num_rows, truncate, false, tz);
    sp_sql_sbuf_put(out, "\n", 1);
}

int sp_sql_console_write(FILE *f, int64_t batch_id, const sp_colbatch *const *batches,
                         size_t nbatches, const sp_sql_console_opts *o, const sp_tz *tz)
{
    sp_sql_sbuf text = {0};
    sp_sql_console_format(&text, batch_id, batches, nbatches, o, tz);
    size_t w = fwrite(text.p, 1, text.len, f);
    int rc = w == text.len && fflush(f) == 0 ? 0 : -1;
    sp_sql_sbuf_free(&text);
    return rc;
}
