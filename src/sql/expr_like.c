/* expr_like.c - x LIKE pattern [ESCAPE c]: '%' any run of characters, '_'
 * one character (UTF-8), the escape character makes the next one literal.
 * A greedy matcher with one backtrack point (the last '%'): linear for
 * typical patterns, no allocation. Any thread with its own context. */
#include "sql/expr_int.h"

static size_t next_char(const char *s, size_t n, size_t i)
{
    for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
        ;
    return i;
}

static bool like(const char *s, size_t n, const char *p, size_t m, char esc)
{
    size_t i = 0, j = 0, star_j = (size_t)-1, star_i = 0;
    while (i < n) {
        if (j < m && p[j] == '%') {
            star_j = ++j;
            star_i = i;
            continue;
        }
        if (j < m) {
            bool lit = p[j] == esc && j + 1 < m;
            size_t pj = lit ? j + 1 : j;
            if (!lit && p[j] == '_') {
                i = next_char(s, n, i);
                j++;
                continue;
            }
            if (p[pj] == s[i]) {
                i++;
                j = pj + 1;
                continue;
            }
        }
        if (star_j == (size_t)-1) return false;
        star_i = next_char(s, n, star_i);
        i = star_i;
        j = star_j;
    }
    while (j < m && p[j] == '%')
        j++;
    return j == m;
}

sp_column *sp_sql_eval_like(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    sp_column *p = x ? sp_sql_expr_eval(e->children[1], in, ctx) : NULL;
    if (!p) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    for (int64_t r = 0; r < v.n; r++) {
        if (!sp_column_valid(x, r) || !sp_column_valid(p, r)) {
            sp_sql_vec_null(&v, r);
            continue;
        }
        size_t n, m;
        const char *s = sp_sql_col_str(x, r, &n), *pat = sp_sql_col_str(p, r, &m);
        sp_column_set_bool(v.c, r, like(s, n, pat, m, e->escape));
    }
    return sp_sql_vec_done(&v);
}
