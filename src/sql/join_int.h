/* join_int.h - what the join files (join_*.c) share: the built table and
 * the key hashing and comparison both sides use. Private to src/sql/. */
#ifndef SP_SQL_JOIN_INT_H
#define SP_SQL_JOIN_INT_H

#include "sql/agg_int.h"
#include "sql/join.h"

struct sp_join_table {
    spate_arena *arena;
    sp_colbatch *rows; /* the build rows, then one all-null row */
    int32_t null_row;  /* its index */
    int nkeys;
    sp_column **keys;      /* over rows */
    const bool *null_safe; /* per key (the spec's) */
    uint64_t mask;
    int32_t *head; /* first row of a hash bucket, -1: none */
    int32_t *next; /* next row of the same bucket, -1: none */
};

/* The hash of row's key over key columns keys; *has_null when a key
 * that is not null_safe is NULL (then the row matches nothing). */
uint64_t sp_join_row_hash(const sp_column *const *keys, const bool *null_safe, int nkeys,
                          int64_t row, bool *has_null);
/* Whether row rx of keys x and row ry of keys y are equal, key by key. */
bool sp_join_keys_equal(const sp_column *const *x, int64_t rx, const sp_column *const *y,
                        int64_t ry, int nkeys);

#endif
