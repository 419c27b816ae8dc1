/* expr_split.c - split(str, regex, limit) (StringSplit over UTF8String.
 * split): Java's String.split with PCRE2 for java.util.regex. A limit > 0
 * gives at most limit pieces, the last one the rest of the string; a limit
 * <= 0 splits everywhere and keeps trailing empty strings (Spark turns
 * Java's 0 into -1); an empty regex splits into characters, and a
 * one-character regex that is no metacharacter by memchr (as Java's own
 * fast path). The pattern of a constant regex is compiled once per batch;
 * a literal pattern or limit is read from the expression, not made into a
 * column. The byte path reserves room for a row's pieces once (at most its
 * bytes, one more piece than its bytes) and writes them without checks.
 * Any thread with its own context. */
#include "sql/expr_nested_int.h"
#include "sql/expr_regex_int.h"

#include <assert.h>
#include <stdint.h>
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

/* Room in the element column for n + 1 pieces holding n bytes: a row of
 * n bytes split at one byte never needs more. */
static sp_column *reserve_pieces(sp_sql_vec *v, size_t n)
{
    sp_column *el = &v->c->children[0];
    sp_col_reserve(v->b, el, el->str_rows + (int64_t)n + 1);
    int64_t at = el->offsets[el->str_rows];
    assert((int64_t)n <= INT32_MAX - at); /* Arrow's utf8 has 32-bit offsets */
    if (at + (int64_t)n > el->chars_cap) {
        int64_t cap = el->chars_cap > 64 ? el->chars_cap * 2 : 64;
        while (cap < at + (int64_t)n)
            cap *= 2;
        char *chars = sp_colbatch_alloc(v->b, (size_t)cap);
        if (at) memcpy(chars, el->chars, (size_t)at); /* the old buffer stays in the arena */
        el->chars = chars;
        el->chars_cap = cap;
    }
    return el;
}

static int64_t split_byte(sp_sql_vec *v, char c, const char *s, size_t n, int64_t limit)
{
    sp_column *el = reserve_pieces(v, n);
    int32_t *off = el->offsets + el->str_rows;
    char *out = el->chars + off[0];
    int64_t count = 0;
    size_t idx = 0;
    for (size_t i = 0; i < n && (limit <= 0 || count < limit - 1); i++) {
        if (s[i] != c) continue;
        memcpy(out, s + idx, i - idx);
        out += i - idx;
        off[count + 1] = off[count] + (int32_t)(i - idx);
        count++;
        idx = i + 1;
    }
    memcpy(out, s + idx, n - idx);
    off[count + 1] = off[count] + (int32_t)(n - idx);
    count++;
    el->str_rows += count;
    return count;
}

static bool split_row(sp_sql_vec *v, sp_sql_regex *sp, const char *s, size_t n, const char *p,
                      size_t pn, int64_t limit, int64_t r, sp_sql_eval_ctx *ctx)
{
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

/* The literal child k of e when it has type t, else NULL (computed per row). */
static const sp_sql_lit *literal(const sp_sql_expr *e, int k, sp_sql_type_id t)
{
    const sp_sql_expr *c = k < e->nchildren ? e->children[k] : NULL;
    return c && c->kind == SP_SQL_E_LITERAL && c->type->id == t ? &c->lit : NULL;
}

/* The text of row r of a string column. */
static const char *text(const sp_column *c, int64_t r, size_t *n)
{
    *n = (size_t)(c->offsets[r + 1] - c->offsets[r]);
    return c->chars + c->offsets[r];
}

sp_column *sp_sql_eval_split(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    const sp_sql_lit *pat = literal(e, 1, SP_SQL_STRING), *lim_lit = literal(e, 2, SP_SQL_INT);
    bool has_lim = e->nchildren > 2;
    sp_column *str = sp_sql_expr_eval(e->children[0], in, ctx);
    sp_column *re = str && !pat ? sp_sql_expr_eval(e->children[1], in, ctx) : NULL;
    sp_column *lim = str && (pat || re) && has_lim && !lim_lit
                         ? sp_sql_expr_eval(e->children[2], in, ctx)
                         : NULL;
    if (!str || (!pat && !re) || (has_lim && !lim_lit && !lim)) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    sp_sql_regex sp = {.fn = "split"};
    for (int64_t r = 0; r < in->length && !ctx->failed; r++) {
        bool null = !sp_column_valid(str, r) || (pat ? pat->is_null : !sp_column_valid(re, r)) ||
                    (lim_lit ? lim_lit->is_null : lim && !sp_column_valid(lim, r));
        size_t n = 0, pn = 0;
        const char *s = null ? NULL : text(str, r, &n);
        const char *p = null ? NULL : pat ? pat->str : text(re, r, &pn);
        if (!null && pat) pn = pat->len;
        int64_t limit = lim_lit ? lim_lit->i : lim && !null ? sp_sql_col_int(lim, r) : -1;
        if (null || !split_row(&v, &sp, s, n, p, pn, limit, r, ctx))
            sp_sql_col_null_slot(v.b, v.c,
                                 r); /* (a bad pattern on a row whose errors do not count) */
    }
    sp_sql_regex_free(&sp);
    return ctx->failed ? NULL : sp_sql_vec_done(&v);
}
