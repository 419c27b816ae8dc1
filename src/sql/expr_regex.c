/* expr_regex.c - compiling and matching a java.util.regex pattern with
 * PCRE2 for the kernels that take one (expr_regex_int.h). */
#include "sql/expr_regex_int.h"

#include <string.h>

void sp_sql_regex_free(sp_sql_regex *x)
{
    if (x->re) pcre2_code_free(x->re);
    if (x->md) pcre2_match_data_free(x->md);
    x->re = NULL;
    x->md = NULL;
}

bool sp_sql_regex_compile(sp_sql_regex *x, const char *p, size_t n, sp_sql_eval_ctx *ctx, int64_t r)
{
    if (x->re && x->pat_len == n && memcmp(x->pat, p, n) == 0) return true;
    sp_sql_regex_free(x);
    int code;
    PCRE2_SIZE off;
    x->re = pcre2_compile((PCRE2_SPTR)p, n, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
    if (!x->re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        sp_sql_raise(ctx, r, "INVALID_PARAMETER_VALUE.PATTERN", "22023",
                     "The value of parameter(s) `regexp` in `%s` is invalid: '%.*s' (%s at %zu).",
                     x->fn, (int)n, p, (const char *)msg, (size_t)off);
        return false;
    }
    x->md = pcre2_match_data_create_from_pattern(x->re, NULL);
    x->pat = p;
    x->pat_len = n;
    return true;
}

bool sp_sql_regex_find(sp_sql_regex *x, const char *s, size_t n, size_t pos, PCRE2_SIZE **ov)
{
    if (pos > n || pcre2_match(x->re, (PCRE2_SPTR)s, n, pos, 0, x->md, NULL) < 0) return false;
    *ov = pcre2_get_ovector_pointer(x->md);
    return true;
}
