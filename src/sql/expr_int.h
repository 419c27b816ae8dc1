/* expr_int.h - what the expression kernels (expr_*.c) share: output
 * columns, error raising, value formatting and the 128-bit decimal helpers.
 * Private to src/sql/. Any thread, with its own sp_sql_eval_ctx. */
#ifndef SP_SQL_EXPR_INT_H
#define SP_SQL_EXPR_INT_H

#include "sql/expr.h"

#include <stdarg.h>

__extension__ typedef __int128 sp_i128;

/* An output column under construction: a one-column batch in ctx->arena. */
typedef struct sp_sql_vec {
    sp_colbatch *b;
    sp_column *c;
    int64_t n;
} sp_sql_vec;

/* A column of n rows for SQL type t (void: BOOLEAN). */
void sp_sql_vec_new(sp_sql_eval_ctx *ctx, const sp_sql_type *t, int64_t n, sp_sql_vec *v);
/* Same with a physical type (and decimal precision/scale). */
void sp_sql_vec_new_spec(sp_sql_eval_ctx *ctx, sp_colspec spec, int64_t n, sp_sql_vec *v);
static inline void sp_sql_vec_null(sp_sql_vec *v, int64_t row) { sp_column_set_null(v->b, 0, row); }
/* Appends a string row (varlen columns are filled in row order). */
static inline void sp_sql_vec_str(sp_sql_vec *v, const char *s, size_t n)
{
    sp_column_append_bytes(v->b, 0, s, n);
}
/* Appends a null string row. */
static inline void sp_sql_vec_str_null(sp_sql_vec *v, int64_t row)
{
    sp_column_append_bytes(v->b, 0, "", 0);
    sp_column_set_null(v->b, 0, row);
}
/* Finishes v (sets the length) and returns its column. */
sp_column *sp_sql_vec_done(sp_sql_vec *v);

/* Whether errors at row count (CASE/IF/AND/OR evaluate branches only for
 * the rows that take them; other rows' errors give NULL). */
static inline bool sp_sql_row_active(const sp_sql_eval_ctx *ctx, int64_t row)
{
    return !ctx->active || ((ctx->active[row >> 3] >> (row & 7)) & 1);
}
/* Raises "[cls] <fmt...> SQLSTATE: state" in ctx if row is active and
 * returns true (the caller stops), else returns false (the caller writes
 * NULL). */
bool sp_sql_raise(sp_sql_eval_ctx *ctx, int64_t row, const char *cls, const char *state,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* [ARITHMETIC_OVERFLOW] with Spark's message ("integer overflow") and the
 * try_ function hint ("try_add", or NULL). */
bool sp_sql_raise_overflow(sp_sql_eval_ctx *ctx, int64_t row, const char *msg, const char *hint);

/* [NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] for value (plain string) not
 * fitting DECIMAL(p,s). */
bool sp_sql_raise_dec_range(sp_sql_eval_ctx *ctx, int64_t r, const char *value, int p, int s);

/* Row values read through the column's type, for the kernels' slow paths. */
int64_t sp_sql_col_int(const sp_column *c, int64_t row);
double sp_sql_col_double(const sp_column *c, int64_t row);
/* Stores v in row r of an integer column of any width (already range-checked). */
static inline void sp_sql_put_int(sp_column *c, int64_t r, int64_t v)
{
    switch (c->type) {
    case SP_COL_I8:
        sp_column_i8(c)[r] = (int8_t)v;
        break;
    case SP_COL_I16:
        sp_column_i16(c)[r] = (int16_t)v;
        break;
    case SP_COL_I32:
        sp_column_i32(c)[r] = (int32_t)v;
        break;
    default:
        sp_column_i64(c)[r] = v;
    }
}
sp_i128 sp_sql_col_dec(const sp_column *c, int64_t row);
void sp_sql_col_set_dec(sp_column *c, int64_t row, sp_i128 v);
static inline const char *sp_sql_col_str(const sp_column *c, int64_t row, size_t *n)
{
    *n = (size_t)(c->offsets[row + 1] - c->offsets[row]);
    return c->chars + c->offsets[row];
}

/* ---- formatting (expr_numfmt.c) ---- */

/* Java's Double.toString / Float.toString (shortest digits that read back,
 * "1.0E10", "0.1", "1.0E-5", "NaN", "-Infinity"). out: 32 bytes. */
size_t sp_sql_format_double(double d, char *out);
size_t sp_sql_format_float(float f, char *out);
/* A decimal's plain string ("-1.50", "0.001"). out: 48 bytes. */
size_t sp_sql_format_decimal(sp_i128 v, int scale, char *out);
/* round()/bround() of a double as Spark does it: on the decimal digits of
 * Double.toString, HALF_UP (or HALF_EVEN), to scale (may be negative). */
double sp_sql_round_double(double x, int scale, bool half_even);
/* 10^k for 0 <= k <= 38. */
sp_i128 sp_sql_pow10(int k);
/* Whether |v| fits in precision digits. */
bool sp_sql_dec_fits(sp_i128 v, int precision);
/* v (scale from) rescaled to scale to, rounding HALF_UP (or HALF_EVEN);
 * false on overflow of 128 bits. */
bool sp_sql_dec_rescale(sp_i128 v, int from, int to, bool half_even, sp_i128 *out);

/* ---- kernels, one per family; each returns NULL with ctx->failed ---- */
sp_column *sp_sql_eval_arith(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_neg(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_cmp(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_in(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_logic(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_cast(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_cond(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_string(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_math(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
/* expr_datetime.c: year ... second, date_add, date_sub, datediff, quarter
 * ... last_day, trunc, date_trunc, current_*; it hands to_timestamp, to_date,
 * unix_timestamp to expr_datetime_parse.c and from_unixtime, date_format to
 * expr_datetime_format.c. */
sp_column *sp_sql_eval_datetime(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_dt_parse(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_dt_format(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
/* Raises a complete Spark message ("[COND] ... SQLSTATE: x") as
 * sp_sql_raise does. */
bool sp_sql_raise_msg(sp_sql_eval_ctx *ctx, int64_t row, const char *msg);
/* Arrays, maps and structs (expr_array.c, expr_struct.c, expr_map.c). */
sp_column *sp_sql_eval_nested(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
/* expr_window.c: the time windows window() in GROUP BY is rewritten into. */
sp_column *sp_sql_eval_window(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
/* expr_json.c: from_json, to_json, get_json_object. */
sp_column *sp_sql_eval_json(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_like(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);
sp_column *sp_sql_eval_regexp(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);

/* Three-way comparison of row i of x and row j of y (same physical type);
 * strings in binary UTF-8 order, doubles with NaN greatest and -0.0 == 0.0
 * (Spark's SQLOrderingUtil). */
int sp_sql_cmp_rows(const sp_column *x, int64_t i, const sp_column *y, int64_t j);
/* Evaluates e for the rows set in mask only (others' errors give NULL):
 * ctx->active is mask ANDed with the caller's for the call. */
sp_column *sp_sql_eval_masked(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx,
                              const uint8_t *mask);

#endif
