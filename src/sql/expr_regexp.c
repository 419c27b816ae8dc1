/* expr_regexp.c - RLIKE, regexp_extract and regexp_replace over columns,
 * with PCRE2 for java.util.regex (Spark's RLike, RegExpExtract,
 * RegExpReplace):
 *   s RLIKE p                 a match anywhere in s (Matcher.find)
 *   regexp_extract(s, p, i)   group i of the first match ("" when there is
 *                             none, or the group did not take part); an i
 *                             past the groups is INVALID_PARAMETER_VALUE
 *   regexp_replace(s, p, r)   every match replaced by r, read as Java's
 *                             appendReplacement reads it ($n, ${name}, \x)
 * A NULL argument gives NULL. A pattern is compiled once per batch while it
 * stays the same (a constant: once). Any thread with its own context. */
#include "sql/expr_regex_int.h"

#include "base/arena.h"
#include "sql/show_buf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *cell(const sp_column *c, int64_t r, size_t *n)
{
    *n = (size_t)(c->offsets[r + 1] - c->offsets[r]);
    return c->chars + c->offsets[r];
}

static sp_column *rlike(const sp_column *s, const sp_column *p, sp_sql_vec *v, sp_sql_eval_ctx *ctx)
{
    sp_sql_regex x = {.fn = "rlike"};
    for (int64_t r = 0; r < v->n; r++) {
        if (!sp_column_valid(s, r) || !sp_column_valid(p, r)) {
            sp_sql_vec_null(v, r);
            continue;
        }
        size_t n, pn;
        const char *str = cell(s, r, &n), *pat = cell(p, r, &pn);
        PCRE2_SIZE *ov;
        if (!sp_sql_regex_compile(&x, pat, pn, ctx, r)) break;
        sp_column_set_bool(v->c, r, sp_sql_regex_find(&x, str, n, 0, &ov));
    }
    sp_sql_regex_free(&x);
    return ctx->failed ? NULL : sp_sql_vec_done(v);
}

/* Group idx of the first match of row r into v. */
static bool extract_row(sp_sql_regex *x, sp_sql_vec *v, const char *s, size_t n, int64_t idx,
                        sp_sql_eval_ctx *ctx, int64_t r)
{
    uint32_t groups = 0;
    pcre2_pattern_info(x->re, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (idx < 0 || idx > (int64_t)groups) {
        sp_sql_raise(ctx, r, "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX", "22023",
                     "The value of parameter(s) `idx` in `regexp_extract` is invalid: Expects "
                     "group index between 0 and %u, but got %lld.",
                     groups, (long long)idx);
        return false;
    }
    PCRE2_SIZE *ov;
    if (!sp_sql_regex_find(x, s, n, 0, &ov) || ov[2 * idx] == PCRE2_UNSET) {
        sp_sql_vec_str(v, "", 0);
        return true;
    }
    sp_sql_vec_str(v, s + ov[2 * idx], ov[2 * idx + 1] - ov[2 * idx]);
    return true;
}

/* Appends replacement rep for the current match (Java's appendReplacement:
 * $n takes the most digits naming a group, ${name} a named group, \x is x). */
static void put_replacement(sp_sql_sbuf *out, const sp_sql_regex *x, const char *s,
                            const PCRE2_SIZE *ov, const char *rep, size_t rn)
{
    uint32_t groups = 0;
    pcre2_pattern_info(x->re, PCRE2_INFO_CAPTURECOUNT, &groups);
    for (size_t i = 0; i < rn; i++) {
        if (rep[i] == '\\' && i + 1 < rn) {
            sp_sql_sbuf_put(out, &rep[++i], 1);
            continue;
        }
        if (rep[i] != '$' || i + 1 >= rn) {
            sp_sql_sbuf_put(out, &rep[i], 1);
            continue;
        }
        int g = -1;
        if (rep[i + 1] == '{') {
            const char *close = memchr(rep + i + 2, '}', rn - i - 2);
            if (close) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(close - rep - i - 2), rep + i + 2);
                g = pcre2_substring_number_from_name(x->re, (PCRE2_SPTR)name);
                i = (size_t)(close - rep);
            }
        } else if (isdigit((unsigned char)rep[i + 1])) {
            g = rep[++i] - '0';
            while (i + 1 < rn && isdigit((unsigned char)rep[i + 1]) &&
                   g * 10 + (rep[i + 1] - '0') <= (int)groups)
                g = g * 10 + (rep[++i] - '0');
        }
        if (g >= 0 && g <= (int)groups && ov[2 * g] != PCRE2_UNSET)
            sp_sql_sbuf_put(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
    }
}

/* Every match of s replaced by rep, into out. */
static void replace_all(sp_sql_regex *x, const char *s, size_t n, const char *rep, size_t rn,
                        sp_sql_sbuf *out)
{
    size_t pos = 0, copied = 0;
    PCRE2_SIZE *ov;
    while (sp_sql_regex_find(x, s, n, pos, &ov)) {
        sp_sql_sbuf_put(out, s + copied, ov[0] - copied);
        put_replacement(out, x, s, ov, rep, rn);
        copied = ov[1];
        pos = ov[1] > ov[0] ? ov[1]
                            : ov[1] + (ov[1] < n ? sp_sql_utf8_len((unsigned char)s[ov[1]]) : 1);
        if (ov[1] == ov[0] && ov[1] < n) { /* a zero-width match keeps the next char */
            sp_sql_sbuf_put(out, s + ov[1], pos - ov[1]);
            copied = pos;
        }
    }
    if (copied < n) sp_sql_sbuf_put(out, s + copied, n - copied);
}

static sp_column *regexp_func(const sp_sql_expr *e, sp_column *const *a, sp_sql_vec *v,
                              sp_sql_eval_ctx *ctx)
{
    bool extract = e->op == SP_SQL_F_REGEXP_EXTRACT;
    sp_sql_regex x = {.fn = extract ? "regexp_extract" : "regexp_replace"};
    sp_sql_sbuf out = {0};
    int nargs = e->nchildren;
    for (int64_t r = 0; r < v->n; r++) {
        bool null = false;
        for (int i = 0; i < nargs; i++)
            null = null || !sp_column_valid(a[i], r);
        if (null) {
            sp_sql_vec_str_null(v, r);
            continue;
        }
        size_t n, pn, rn = 0;
        const char *s = cell(a[0], r, &n), *p = cell(a[1], r, &pn), *rep = NULL;
        if (!sp_sql_regex_compile(&x, p, pn, ctx, r)) break;
        if (extract) {
            int64_t idx = nargs > 2 ? sp_sql_col_int(a[2], r) : 1;
            if (!extract_row(&x, v, s, n, idx, ctx, r)) break;
            continue;
        }
        rep = cell(a[2], r, &rn);
        sp_sql_sbuf_clear(&out);
        replace_all(&x, s, n, rep, rn, &out);
        sp_sql_vec_str(v, out.p ? out.p : "", out.len);
    }
    sp_sql_sbuf_free(&out);
    sp_sql_regex_free(&x);
    return ctx->failed ? NULL : sp_sql_vec_done(v);
}

sp_column *sp_sql_eval_regexp(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *a[3] = {NULL, NULL, NULL};
    for (int i = 0; i < e->nchildren && i < 3; i++)
        if (!(a[i] = sp_sql_expr_eval(e->children[i], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    if (e->kind == SP_SQL_E_RLIKE) return rlike(a[0], a[1], &v, ctx);
    return regexp_func(e, a, &v, ctx);
}
