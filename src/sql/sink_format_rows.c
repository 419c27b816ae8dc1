/* sink_format_rows.c - rows of a column batch as CSV (Spark's
 * UnivocityGenerator over univocity's CsvWriter), JSON Lines (Spark's
 * JacksonGenerator) and text lines, appended to the caller's buffer.
 *
 * Threads: any thread, each with its own buffer; the writer is only read. */
#include "sql/sink_int.h"

#include <string.h>

static const char *col_name(const sp_sink_writer *w, const sp_colbatch *b, int i)
{
    return i < w->nnames ? w->names[i] : b->cols[i].name;
}

/* ---- CSV ---- */

static bool csv_needs_quotes(const sp_sink_writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == w->sep || (w->quote && s[i] == w->quote) || s[i] == '\n' || s[i] == '\r')
            return true;
    return false;
}

static void csv_field(const sp_sink_writer *w, const char *s, size_t n, sp_sql_sbuf *out)
{
    if (w->trim_leading)
        while (n && (unsigned char)*s <= ' ')
            s++, n--;
    if (w->trim_trailing)
        while (n && (unsigned char)s[n - 1] <= ' ')
            n--;
    if (!n) {
        sp_sql_sbuf_puts(out, w->empty_value);
        return;
    }
    if (!w->quote || (!w->quote_all && !csv_needs_quotes(w, s, n))) {
        sp_sql_sbuf_put(out, s, n);
        return;
    }
    sp_sql_sbuf_put(out, &w->quote, 1);
    size_t from = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == w->quote && w->escape_quotes) {
            sp_sql_sbuf_put(out, s + from, i - from);
            sp_sql_sbuf_put(out, &w->escape, 1);
            from = i;
        }
    sp_sql_sbuf_put(out, s + from, n - from);
    sp_sql_sbuf_put(out, &w->quote, 1);
}

static void csv_row(const sp_sink_writer *w, const sp_colbatch *b, int64_t r, sp_sql_sbuf *out)
{
    char buf[SP_SINK_VAL_MAX];
    for (int i = 0; i < b->ncols; i++) {
        const sp_column *c = &b->cols[i];
        if (i) sp_sql_sbuf_put(out, &w->sep, 1);
        if (!sp_column_valid(c, r)) {
            sp_sql_sbuf_puts(out, w->null_value);
            continue;
        }
        const char *s;
        size_t n;
        sp_sink_value_text(w, c, r, buf, &s, &n);
        csv_field(w, s, n, out);
    }
    sp_sql_sbuf_puts(out, w->line_sep);
}

/* ---- JSON ---- */

/* Jackson's string escaping: \" \\ and the control characters (\b \t \n
 * \f \r short, the others \u00XX in upper-case hex); nothing else. */
void sp_sink_json_str(const char *s, size_t n, sp_sql_sbuf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    sp_sql_sbuf_put(out, "\"", 1);
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        sp_sql_sbuf_put(out, s + from, i - from);
        from = i + 1;
        char esc[7] = {'\\', 0};
        const char *shorts = "\b\t\n\f\r\"\\", *letters = "btnfr\"\\";
        const char *p = ch ? strchr(shorts, ch) : NULL;
        if (p) {
            esc[1] = letters[p - shorts];
            sp_sql_sbuf_put(out, esc, 2);
        } else {
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[ch >> 4];
            esc[5] = hex[ch & 15];
            sp_sql_sbuf_put(out, esc, 6);
        }
    }
    sp_sql_sbuf_put(out, s + from, n - from);
    sp_sql_sbuf_put(out, "\"", 1);
}

/* Jackson's writeBinary: base64 (MIME without line breaks), quoted. */
static void json_base64(const unsigned char *p, size_t n, sp_sql_sbuf *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    sp_sql_sbuf_put(out, "\"", 1);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {t[v >> 18], t[(v >> 12) & 63], i + 1 < n ? t[(v >> 6) & 63] : '=',
                     i + 2 < n ? t[v & 63] : '='};
        sp_sql_sbuf_put(out, q, 4);
    }
    sp_sql_sbuf_put(out, "\"", 1);
}

static void json_value(const sp_sink_writer *w, const sp_column *c, int64_t r, sp_sql_sbuf *out);

/* A struct's fields as JacksonGenerator writes them: null fields left out
 * under ignoreNullFields. */
static void json_struct(const sp_sink_writer *w, const sp_column *c, int64_t r, sp_sql_sbuf *out)
{
    bool first = true;
    sp_sql_sbuf_put(out, "{", 1);
    for (int i = 0; i < c->nchildren; i++) {
        const sp_column *f = &c->children[i];
        bool valid = sp_column_valid(f, r);
        if (!valid && w->ignore_null_fields) continue;
        if (!first) sp_sql_sbuf_put(out, ",", 1);
        first = false;
        sp_sink_json_str(f->name, strlen(f->name), out);
        sp_sql_sbuf_put(out, ":", 1);
        if (valid)
            json_value(w, f, r, out);
        else
            sp_sql_sbuf_puts(out, "null");
    }
    sp_sql_sbuf_put(out, "}", 1);
}

/* Arrays "[1,null]"; maps {"key":value} with the key's text as the name and
 * null values written (writeMapData). */
static void json_list(const sp_sink_writer *w, const sp_column *c, int64_t r, sp_sql_sbuf *out)
{
    bool map = c->type == SP_COL_MAP;
    const sp_column *e = &c->children[0], *v = map ? &e->children[1] : e;
    char buf[SP_SINK_VAL_MAX];
    sp_sql_sbuf_put(out, map ? "{" : "[", 1);
    for (int32_t i = c->offsets[r]; i < c->offsets[r + 1]; i++) {
        if (i > c->offsets[r]) sp_sql_sbuf_put(out, ",", 1);
        if (map) {
            const char *s;
            size_t n;
            sp_sink_value_text(w, &e->children[0], i, buf, &s, &n);
            sp_sink_json_str(s, n, out);
            sp_sql_sbuf_put(out, ":", 1);
        }
        if (sp_column_valid(v, i))
            json_value(w, v, i, out);
        else
            sp_sql_sbuf_puts(out, "null");
    }
    sp_sql_sbuf_put(out, map ? "}" : "]", 1);
}

/* A valid value of c at row r. */
static void json_value(const sp_sink_writer *w, const sp_column *c, int64_t r, sp_sql_sbuf *out)
{
    char buf[SP_SINK_VAL_MAX];
    if (c->type == SP_COL_BINARY) {
        json_base64((const unsigned char *)c->chars + c->offsets[r],
                    (size_t)(c->offsets[r + 1] - c->offsets[r]), out);
        return;
    }
    if (c->type == SP_COL_STRUCT) {
        json_struct(w, c, r, out);
        return;
    }
    if (c->type == SP_COL_LIST || c->type == SP_COL_MAP) {
        json_list(w, c, r, out);
        return;
    }
    const char *s;
    size_t n;
    if (sp_sink_value_text(w, c, r, buf, &s, &n) == SP_SINK_VT_BARE)
        sp_sql_sbuf_put(out, s, n);
    else
        sp_sink_json_str(s, n, out);
}

static void json_row(const sp_sink_writer *w, const sp_colbatch *b, int64_t r, sp_sql_sbuf *out)
{
    bool first = true;
    sp_sql_sbuf_put(out, "{", 1);
    for (int i = 0; i < b->ncols; i++) {
        const sp_column *c = &b->cols[i];
        bool valid = sp_column_valid(c, r);
        if (!valid && w->ignore_null_fields) continue;
        if (!first) sp_sql_sbuf_put(out, ",", 1);
        first = false;
        const char *name = col_name(w, b, i);
        sp_sink_json_str(name, strlen(name), out);
        sp_sql_sbuf_put(out, ":", 1);
        if (valid)
            json_value(w, c, r, out);
        else
            sp_sql_sbuf_puts(out, "null");
    }
    sp_sql_sbuf_put(out, "}", 1);
    sp_sql_sbuf_puts(out, w->line_sep);
}

/* ---- text ---- */

static void text_row(const sp_sink_writer *w, const sp_colbatch *b, int64_t r, sp_sql_sbuf *out)
{
    const sp_column *c = &b->cols[0];
    if (sp_column_valid(c, r))
        sp_sql_sbuf_put(out, c->chars + c->offsets[r], (size_t)(c->offsets[r + 1] - c->offsets[r]));
    sp_sql_sbuf_puts(out, w->line_sep);
}

void sp_sink_writer_begin(const sp_sink_writer *w, const sp_colbatch *b, sp_sql_sbuf *out)
{
    if (w->fmt != SP_SINK_FMT_CSV || !w->header) return;
    for (int i = 0; i < b->ncols; i++) {
        if (i) sp_sql_sbuf_put(out, &w->sep, 1);
        const char *name = col_name(w, b, i);
        csv_field(w, name, strlen(name), out);
    }
    sp_sql_sbuf_puts(out, w->line_sep);
}

void sp_sink_writer_rows(const sp_sink_writer *w, const sp_colbatch *b, sp_sql_sbuf *out)
{
    void (*row)(const sp_sink_writer *, const sp_colbatch *, int64_t, sp_sql_sbuf *) =
        w->fmt == SP_SINK_FMT_CSV    ? csv_row
        : w->fmt == SP_SINK_FMT_JSON ? json_row
                                     : text_row;
    if (w->fmt == SP_SINK_FMT_TEXT && (b->ncols < 1 || !sp_coltype_is_varlen(b->cols[0].type)))
        return;
    for (int64_t r = 0; r < b->length; r++)
        row(w, b, r, out);
}
