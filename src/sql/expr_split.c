/* expr_split.c - split(str, regex, limit) (StringSplit over UTF8String.
 * split): Java's String.split with PCRE2 for java.util.regex. A limit > 0
 * gives at most limit pieces, the last one the rest of the string; a limit
 * <= 0 splits everywhere and keeps trailing empty strings (Spark turns
 * Java's 0 into -1); an empty regex splits into characters, and a
 * one-character regex that is no metacharacter by memchr (as Java's own
 * fast path). The pattern of a constant regex is compiled once per batch.
 * Any thread with its own context. */
#include "sql/expr_nested_int.h"
#include "sql/expr_regex_int.h"

#include <string.h>

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
    for (size_t i = 0; i < n; i += sp_sql_utf8_len((unsigned char)s[i]))
        chars++;
    int64_t pieces = limit > chars || limit <= 0 ? chars : limit;
    size_t i = 0;
    for (int64_t p = 0; p + 1 < pieces; p++) {
        size_t w = sp_sql_utf8_len((unsigned char)s[i]);
        piece(v, s + i, w, &count);
        i += w;
    }
    piece(v, s + i, n - i, &count);
    return count;
}

/* Java's Pattern.split(input, limit) with limit != 0. */
static int64_t split_regex(sp_sql_vec *v, sp_sql_regex *sp, const char *s, size_t n, int64_t limit)
{
    size_t idx = 0, pos = 0;
    int64_t count = 0;
    PCRE2_SIZE *ov;
    while ((limit <= 0 || count < limit - 1) && sp_sql_regex_find(sp, s, n, pos, &ov)) {
        size_t ms = ov[0], me = ov[1];
        pos = me > ms ? me : me + (me < n ? sp_sql_utf8_len((unsigned char)s[me]) : 1);
        if (idx == 0 && ms == 0 && me == 0) continue; /* no leading "" for a zero-width match */
        piece(v, s + idx, ms - idx, &count);
        idx = me;
    }
    piece(v, s + idx, n - idx, &count);
    return count;
}

/* Java's String.split fast path: a one-character pattern that is no regex
 * metacharacter matches itself only, so memchr finds the pieces. */
static bool literal_byte(const char *p, size_t pn)
{
    return pn == 1 && (unsigned char)p[0] < 0x80 && !strchr(".$|()[{^?*+\\", p[0]);
}

static int64_t split_byte(sp_sql_vec *v, char c, const char *s, size_t n, int64_t limit)
{
    size_t idx = 0;
    int64_t count = 0;
    const char *m;
    while ((limit <= 0 || count < limit - 1) && (m = memchr(s + idx, c, n - idx))) {
        piece(v, s + idx, (size_t)(m - s) - idx, &count);
        idx = (size_t)(m - s) + 1;
    }
    piece(v, s + idx, n - idx, &count);
    return count;
}

static bool split_row(sp_sql_vec *v, sp_sql_regex *sp, const sp_column *str, const sp_column *re,
                      int64_t limit, int64_t r, sp_sql_eval_ctx *ctx)
{
    const char *s = str->chars + str->offsets[r], *p = re->chars + re->offsets[r];
    size_t n = (size_t)(str->offsets[r + 1] - str->offsets[r]);
    size_t pn = (size_t)(re->offsets[r + 1] - re->offsets[r]);
    sp_col_list_begin(v->b, v->c, 0);
    int64_t count;
    if (pn == 0 && n > 0) {
        count = split_chars(v, s, n, limit);
    } else if (literal_byte(p, pn)) {
        count = split_byte(v, p[0], s, n, limit);
    } else {
        if (!sp_sql_regex_compile(sp, p, pn, ctx, r)) return false;
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
    sp_sql_regex sp = {.fn = "split"};
    for (int64_t r = 0; r < in->length && !ctx->failed; r++) {
        bool null = !sp_column_valid(str, r) || !sp_column_valid(re, r) ||
                    (lim && !sp_column_valid(lim, r));
        if (null || !split_row(&v, &sp, str, re, lim ? sp_sql_col_int(lim, r) : -1, r, ctx))
            sp_sql_col_null_slot(v.b, v.c,
                                 r); /* (a bad pattern on a row whose errors do not count) */
    }
    sp_sql_regex_free(&sp);
    return ctx->failed ? NULL : sp_sql_vec_done(&v);
}
