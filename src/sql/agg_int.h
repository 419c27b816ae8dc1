/* agg_int.h - what the aggregation files (agg_*.c) share: one call's
 * accumulators as arrays indexed by group (struct of arrays), row values in
 * the key/buffer encoding of agg.h, and the value order of min/max.
 * Private to src/sql/. A table and its accumulators belong to one thread. */
#ifndef SP_SQL_AGG_INT_H
#define SP_SQL_AGG_INT_H

#include "sql/agg.h"
#include "sql/expr_int.h"

/* The values of one group for collect_list/collect_set/count(DISTINCT). */
typedef struct sp_agg_vlist {
    spate_value *items; /* malloc'd; strings live in the table's arena */
    uint32_t n, cap;
} sp_agg_vlist;

/* The (group, value) pairs seen by a DISTINCT call or collect_set. */
typedef struct sp_agg_dset {
    uint64_t *h; /* hash | 1; 0: empty */
    int32_t *g;
    spate_value *v; /* copies in the table's arena */
    uint64_t mask;
    int64_t n;
} sp_agg_dset;

/* Adds (g, v) unless there: true (and *stored, v's copy made in a) when
 * new. */
bool sp_agg_dset_add(sp_agg_dset *s, int32_t g, spate_value v, spate_arena *a, spate_value *stored);
void sp_agg_dset_clear(sp_agg_dset *s);
void sp_agg_dset_free(sp_agg_dset *s);

enum { SP_AGG_HLL_P = 9, SP_AGG_HLL_M = 1 << SP_AGG_HLL_P }; /* relativeSD 0.05 */

/* One call's accumulators; only the arrays its function uses are made. */
typedef struct sp_agg_acc {
    sp_agg_call call;
    int64_t *cnt;      /* count; avg's count */
    int64_t *isum;     /* integral sum */
    double *dsum;      /* double sum; avg's double sum; moments' n */
    double *mean, *m2; /* moments */
    sp_i128 *dec;      /* decimal sum (avg's too) */
    uint8_t *has;      /* a value seen (sum/min/max); valueSet (first/last) */
    spate_value *val;  /* min/max/first/last */
    uint8_t **regs;    /* approx_count_distinct: SP_AGG_HLL_M registers */
    sp_agg_vlist *list;
    sp_agg_dset dset; /* count(DISTINCT), collect_set */
    int64_t cap;
} sp_agg_acc;

void sp_agg_acc_init(sp_agg_acc *acc, const sp_agg_call *call);
void sp_agg_acc_free(sp_agg_acc *acc);
/* Room for cap groups (cap only grows). */
void sp_agg_acc_reserve(sp_agg_acc *acc, int64_t cap);
/* Group g's accumulators to the empty state. */
void sp_agg_acc_new_group(sp_agg_acc *acc, int64_t g);
/* Adds rows[0..n) of arg (NULL: count(*)) to groups gid[0..n); strings
 * kept are copied into a. False with err on an ANSI overflow. */
bool sp_agg_acc_update(sp_agg_acc *acc, const sp_column *arg, const int32_t *rows,
                       const int32_t *gid, int n, spate_arena *a, bool ansi, char *err,
                       size_t err_size);
/* Group g's buffer element (agg.h's encoding), made in a. */
spate_value sp_agg_acc_buffer(const sp_agg_acc *acc, int64_t g, spate_arena *a);

/* Row row of c in the key encoding (SPATE_NULL when null); strings and
 * decimals point into the column, or are copied into a when a != NULL. */
spate_value sp_agg_col_value(const sp_column *c, int64_t row, spate_arena *a);
/* Orders two non-null values of one type (is_dec: 16-byte decimals):
 * numbers by value with NaN greatest and -0.0 == 0.0, strings bytewise. */
int sp_agg_value_cmp(spate_value x, spate_value y, bool is_dec);
/* Equality for grouping and DISTINCT (NaN == NaN, -0.0 == 0.0). */
bool sp_agg_value_eq(spate_value x, spate_value y);
sp_i128 sp_agg_dec_get(spate_value v);
/* Stores v (the encoding of sp_agg_col_value and of keys and buffers) in
 * row r of column col of b; varlen columns are appended, so rows go in
 * order. */
void sp_agg_put_value(sp_colbatch *b, int col, int64_t r, spate_value v);
/* A decimal sum stuck past 38 digits: no DECIMAL(38) holds it. */
#define SP_AGG_DEC_OVERFLOW ((sp_i128)((unsigned __int128)1 << 127))
/* x + y, SP_AGG_DEC_OVERFLOW on overflow (sticky). */
sp_i128 sp_agg_dec_add(sp_i128 x, sp_i128 y);
spate_value sp_agg_dec_make(spate_arena *a, sp_i128 v);
/* Spark's HLL++ register update with a value's 64-bit hash. */
void sp_agg_hll_add(uint8_t *regs, uint64_t hash);
/* Spark's XxHash64Function.hash of a non-null value of column c's type. */
uint64_t sp_agg_xxhash64(spate_value v, const sp_column *c, uint64_t seed);
/* The value's hash for HLL++: sp_agg_xxhash64 with seed 42. */
uint64_t sp_agg_hll_hash(spate_value v, const sp_column *c);
int64_t sp_agg_hll_estimate(const uint8_t *regs);

/* The [ARITHMETIC_OVERFLOW] long overflow message of an ANSI sum. */
void sp_agg_overflow_error(char *err, size_t err_size);

#endif
