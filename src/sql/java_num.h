/* java_num.h - numbers as the JVM prints them, for show() and CAST to
 * STRING: Double.toString and Float.toString (JDK 19+: the shortest decimal
 * that rounds back to the value, the closest one when several are as short,
 * and with a single significant digit the closest of one or two digits, so
 * Double.MIN_VALUE prints 4.9E-324), and BigDecimal.toPlainString of a
 * decimal128.
 *
 *   1.0  100.0  0.001  1.0E-4  1.0E7  1.2345678E7  NaN  -Infinity  -0.0
 *
 * Pure functions: any thread; nothing allocates. */
#ifndef SP_SQL_JAVA_NUM_H
#define SP_SQL_JAVA_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Bytes enough for any string below, NUL included. */
#define SP_SQL_JAVA_NUM_MAX 48

/* Double.toString(d) into out; returns its length. */
size_t sp_sql_java_double_str(double d, char out[SP_SQL_JAVA_NUM_MAX]);
/* Float.toString(f) into out; returns its length. */
size_t sp_sql_java_float_str(float f, char out[SP_SQL_JAVA_NUM_MAX]);
/* The digits Double.toString prints for v > 0 (finite): digits[0..n) with
 * no trailing zero, value = digits[0].digits[1..n) x 10^*exp10. Returns n
 * (<= 17); digits has room for a NUL after them. For rounding on the
 * printed value, as Spark's round() does for doubles. */
int sp_sql_java_double_digits(double v, char digits[24], int *exp10);
/* new BigDecimal(unscaled, scale).toPlainString(), unscaled being the
 * 128-bit two's complement (hi:lo) of a decimal128 and scale 0..38:
 * "1.50", "-0.05", "0.00", "12". Returns the length. */
size_t sp_sql_decimal_plain_str(uint64_t lo, int64_t hi, int scale, char out[SP_SQL_JAVA_NUM_MAX]);

#endif
