/* expr_split.c - split(str, regex, limit) (StringSplit over UTF8String.
 * split): Java's String.split with PCRE2 for java.util.regex. A limit > 0
 * gives at most limit pieces, the last one the rest of the string; a limit
 * <= 0 splits everywhere and keeps trailing empty strings (Spark turns
 * Java's 0 into -1); an empty regex splits into characters. The pattern of
 * a constant regex is compiled once per batch. Any thread with its own
 * context. */
#include "sql/expr_nested_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

typedef struct splitter {
    pcre2_code *re;
    pcre2_match_data *md;
    const char *pat; /* the compiled pattern's text (in its column) */
    size_t pat_len;
} splitter;

/* Bytes of the UTF-8 character starting with byte c. */
static size_t char_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static void piece(sp_sql_vec *v, const char *s, size_t n, int64_t *count)
{
    sp_column *el = &v->c->children[0];
    sp_col_reserve(v->b, el, el->str_rows + 1);
    sp_col_append_bytes(v->b, el, s, n);
    (*count)++;
}

/* UTF8String.split's empty pattern: one piece per character, the last
 * holding the rest when limit cuts it short. */
static int64_t split_chars(sp_sql_vec *v, const char *s, size_t n, int64_t limit)
{
    int64_t chars = 0, count = 0;
    for (size_t i = 0; i < n; i += char_len((unsigned char)s[i]))
        chars++;
    int64_t pieces = limit > chars || limit <= 0 ? chars : limit;
    size_t i = 0;
    for (int64_t p = 0; p + 1 < pieces; p++) {
        size_t w = char_len((unsigned char)s[i]);
        piece(v, s + i, w, &count);
        i += w;
    }
    piece(v, s + i, n - i, &count);
    return count;
}

/* Java's Pattern.split(input, limit) with limit != 0. */
static int64_t split_regex(sp_sql_vec *v, const splitter *sp, const char *s, size_t n,
                           int64_t limit)
{
    size_t idx = 0, pos = 0;
    int64_t count = 0;
    while (pos <= n && (limit <= 0 || count < limit - 1)) {
        int rc = pcre2_match(sp->re, (PCRE2_SPTR)s, n, pos, 0, sp->md, NULL);
        if (rc < 0) break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sp->md);
        size_t ms = ov[0], me = ov[1];
        pos = me > ms ? me : me + (me < n ? char_len((unsigned char)s[me]) : 1);
        if (idx == 0 && ms == 0 && me == 0) continue; /* no leading "" for a zero-width match */
        piece(v, s + idx, ms - idx, &count);
        idx = me;
    }
    piece(v, s + idx, n - idx, &count);
    return count;
}

/* Compiles pattern p (n bytes) into sp unless it is compiled already;
 * false with the error raised at row r. */
static bool compile(splitter *sp, const char *p, size_t n, sp_sql_eval_ctx *ctx, int64_t r)
{
    if (sp->re && sp->pat_len == n && memcmp(sp->pat, p, n) == 0) return true;
    if (sp->re) pcre2_code_free(sp->re), pcre2_match_data_free(sp->md), sp->re = NULL;
    int code;
    PCRE2_SIZE off;
    sp->re =
        pcre2_compile((PCRE2_SPTR)p, n, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
    if (!sp->re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        sp_sql_raise(
            ctx, r, "INVALID_PARAMETER_VALUE.PATTERN", "22023",
            "The value of parameter(s) `regexp` in `split` is invalid: '%.*s' (%s at %zu).", (int)n,
            p, (const char *)msg, (size_t)off);
        return false;
    }
    sp->md = pcre2_match_data_create_from_pattern(sp->re, NULL);
    sp->pat = p;
    sp->pat_len = n;
    return true;
}

static bool split_row(sp_sql_vec *v, splitter *sp, const sp_column *str, const sp_column *re,
                      int64_t limit, int64_t r, sp_sql_eval_ctx *ctx)
{
    const char *s = str->chars + str->offsets[r], *p = re->chars + re->offsets[r];
    size_t n = (size_t)(str->offsets[r + 1] - str->offsets[r]);
    size_t pn = (size_t)(re->offsets[r + 1] - re->offsets[r]);
    sp_col_list_begin(v->b, v->c, 0);
    int64_t count;
    if (pn == 0 && n > 0) {
        count = split_chars(v, s, n, limit);
    } else {
        if (!compile(sp, p, pn, ctx, r)) return false;
        count = split_regex(v, sp, s, n, limit);
    }
    sp_col_list_end(v->c, count);
    return true;
}

sp_column *sp_sql_eval_split(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *str = sp_sql_expr_eval(e->children[0], in, ctx);
    sp_column *re = str ? sp_sql_expr_eval(e->children[1], in, ctx) : NULL;
    sp_column *lim = re && e->nchildren > 2 ? sp_sql_expr_eval(e->children[2], in, ctx) : NULL;
    if (!re || (e->nchildren > 2 && !lim)) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    splitter sp = {0};
    for (int64_t r = 0; r < in->length && !ctx->failed; r++) {
        bool null = !sp_column_valid(str, r) || !sp_column_valid(re, r) ||
                    (lim && !sp_column_valid(lim, r));
        if (null || !split_row(&v, &sp, str, re, lim ? sp_sql_col_int(lim, r) : -1, r, ctx))
            sp_sql_col_null_slot(v.b, v.c,
                                 r); /* (a bad pattern on a row whose errors do not count) */
    }
    if (sp.re) pcre2_code_free(sp.re), pcre2_match_data_free(sp.md);
    return ctx->failed ? NULL : sp_sql_vec_done(&v);
}
