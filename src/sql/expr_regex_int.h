/* expr_regex_int.h - a PCRE2 pattern compiled for java.util.regex, shared
 * by the kernels that take one (expr_regexp.c, expr_split.c): compiled
 * once while a column repeats the same pattern, Spark's
 * INVALID_PARAMETER_VALUE.PATTERN for one that does not compile. Private
 * to src/sql/. One evaluation (one thread) owns a regex. */
#ifndef SP_SQL_EXPR_REGEX_INT_H
#define SP_SQL_EXPR_REGEX_INT_H

#include "sql/expr_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

typedef struct sp_sql_regex {
    pcre2_code *re;
    pcre2_match_data *md;
    const char *pat; /* the compiled pattern's text (in its column) */
    size_t pat_len;
    const char *fn; /* Spark's name of the function, for errors */
} sp_sql_regex;

/* Compiles pattern p (n bytes) into x unless it is x's already; false with
 * the error raised in ctx at row r. */
bool sp_sql_regex_compile(sp_sql_regex *x, const char *p, size_t n, sp_sql_eval_ctx *ctx,
                          int64_t r);
/* The first match in s[0..n) from pos: its ovector in *ov (false: none). */
bool sp_sql_regex_find(sp_sql_regex *x, const char *s, size_t n, size_t pos, PCRE2_SIZE **ov);
void sp_sql_regex_free(sp_sql_regex *x);
/* Bytes of the UTF-8 character starting with byte c. */
static inline size_t sp_sql_utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

#endif
