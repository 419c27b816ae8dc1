/* coercion.h - Spark 4.0's type coercion: the common type of two or more
 * types (findTightestCommonType, findWiderTypeForTwo, findWiderCommonType:
 * UNION, CASE, IN, coalesce, greatest/least), the type two sides of a
 * comparison are compared in, the decimal precision rules
 * (DecimalPrecision) and the result type of the arithmetic operators, each
 * in ANSI mode (spate.sql.ansi.enabled, default true) or not, given as a
 * parameter.
 *
 * Results are singletons or made in arena a; NULL means "no such type" (the
 * caller reports Spark's DATATYPE_MISMATCH for the expression it holds).
 * Any thread. */
#ifndef SP_SQL_COERCION_H
#define SP_SQL_COERCION_H

#include "sql/types.h"

/* findTightestCommonType: widening without losing precision. */
const sp_sql_type *sp_sql_tightest_common_type(spate_arena *a, const sp_sql_type *x,
                                               const sp_sql_type *y, bool ansi);
/* findWiderTypeForTwo: tightest, then decimal widening, then string
 * promotion (non-ANSI: to STRING; ANSI: the string becomes the other side's
 * type, BIGINT for integrals, DOUBLE for FLOAT/DOUBLE), then nested types. */
const sp_sql_type *sp_sql_wider_type(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y,
                                     bool ansi);
/* findWiderCommonType over types[0..n): folds sp_sql_wider_type from NULL
 * (void). n == 0 gives void. */
const sp_sql_type *sp_sql_wider_common_type(spate_arena *a, const sp_sql_type *const *types, int n,
                                            bool ansi);
/* The type both sides of =, <, <=>, ... are cast to (non-ANSI:
 * findCommonTypeForBinaryComparison, then tightest, then decimal widening;
 * ANSI: the wider type). */
const sp_sql_type *sp_sql_comparison_type(spate_arena *a, const sp_sql_type *x,
                                          const sp_sql_type *y, bool ansi);

/* ---- decimals (decimal_rules.c) ---- */

/* DecimalType.forType: TINYINT (3,0), SMALLINT (5,0), INT (10,0), BIGINT
 * (20,0), FLOAT (14,7), DOUBLE (30,15), a DECIMAL itself; else NULL. */
const sp_sql_type *sp_sql_decimal_for_type(spate_arena *a, const sp_sql_type *t);
/* DecimalType.bounded: (min(p, 38), min(s, 38)). */
const sp_sql_type *sp_sql_decimal_bounded(spate_arena *a, int precision, int scale);
/* DecimalType.adjustPrecisionScale: past 38 digits, keep the integral digits
 * and cut the scale down to no less than min(scale, 6). */
const sp_sql_type *sp_sql_decimal_adjust(spate_arena *a, int precision, int scale);
/* isWiderThan / isTighterThan of decimal d against a DECIMAL or an integral
 * type (through sp_sql_decimal_for_type); false for anything else. */
bool sp_sql_decimal_wider_than(const sp_sql_type *d, const sp_sql_type *other);
bool sp_sql_decimal_tighter_than(const sp_sql_type *d, const sp_sql_type *other);
/* widerDecimalType: integral digits and scale of both, bounded. */
const sp_sql_type *sp_sql_decimal_wider(spate_arena *a, const sp_sql_type *x, const sp_sql_type *y);

typedef enum sp_sql_arith_op {
    SP_SQL_OP_ADD,
    SP_SQL_OP_SUB,
    SP_SQL_OP_MUL,
    SP_SQL_OP_DIV,     /* '/' */
    SP_SQL_OP_MOD,     /* '%' */
    SP_SQL_OP_PMOD,    /* pmod() */
    SP_SQL_OP_INT_DIV, /* DIV */
} sp_sql_arith_op;

/* The result of op over two DECIMALs (spark.sql.decimalOperations.
 * allowPrecisionLoss, default true, as allow_loss). INT_DIV gives BIGINT. */
const sp_sql_type *sp_sql_decimal_result(spate_arena *a, sp_sql_arith_op op, const sp_sql_type *x,
                                         const sp_sql_type *y, bool allow_loss);
/* The result type of x op y after Spark's implicit casts: numeric types
 * widen (INT + BIGINT is BIGINT; ANSI: INT + FLOAT is DOUBLE), '/' on
 * non-decimals is DOUBLE, DIV is BIGINT, an integral meeting a DECIMAL
 * becomes sp_sql_decimal_for_type, a DECIMAL meeting FLOAT/DOUBLE becomes
 * DOUBLE; a STRING side is DOUBLE (non-ANSI), or BIGINT/DOUBLE/the other
 * DECIMAL (ANSI). NULL (void) takes the other side's type. NULL when Spark
 * refuses the operands (BOOLEAN, DATE, BINARY, nested types...). The caller
 * applies DecimalType.fromLiteral to integer literals first if it wants
 * Spark's exact literal typing. */
const sp_sql_type *sp_sql_arith_result_type(spate_arena *a, sp_sql_arith_op op,
                                            const sp_sql_type *x, const sp_sql_type *y, bool ansi,
                                            bool allow_loss);

#endif
