/* expr_cast_int.h - what the CAST kernels (expr_cast*.c) share: string
 * parsing and value text. Private to src/sql/. Pure functions; any thread. */
#ifndef SP_SQL_EXPR_CAST_INT_H
#define SP_SQL_EXPR_CAST_INT_H

#include "sql/expr_int.h"

/* Drops leading and trailing bytes <= ' ' (Spark's trimAll). */
void sp_sql_trim_ctl(const char **s, size_t *n);
/* UTF8String.toLong: [+-]digits, with a fraction of digits when
 * allow_fraction (non-ANSI; truncated). false if malformed or out of range. */
bool sp_sql_parse_long(const char *s, size_t n, bool allow_fraction, int64_t *out);
/* Spark's string to double: Java's parseDouble plus "inf", "infinity" and
 * "nan" in any case. */
bool sp_sql_parse_double(const char *s, size_t n, double *out);
/* t, true, y, yes, 1 / f, false, n, no, 0, any case. */
bool sp_sql_parse_bool(const char *s, size_t n, bool *out);
/* A decimal string into DECIMAL(precision, scale), HALF_UP: 0 ok,
 * 1 malformed, 2 does not fit. */
int sp_sql_parse_decimal(const char *s, size_t n, int precision, int scale, sp_i128 *out);
/* Row r of c as CAST(... AS STRING) writes it: *p points at the text
 * (buf, 64 bytes, or the column's own bytes), the length is returned. */
size_t sp_sql_value_text(const sp_column *c, int64_t r, const sp_tz *tz, char *buf, const char **p);

#endif
