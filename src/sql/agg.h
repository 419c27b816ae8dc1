/* agg.h - aggregate functions: their calls in a plan, Spark's result types,
 * and the hash aggregation of column batches into partial buffers that the
 * stateful aggregation merges into its state store.
 *
 * Flow of one streaming aggregation (the planner's, see docs/architecture.md):
 *   each input partition's task: sp_agg_table_add over its batches (keys and
 *   arguments evaluated by the caller) -> one partial buffer per group;
 *   each shuffle partition p: the groups g with sp_agg_table_hash(t, g) %
 *   nparts == p are merged (sp_agg_merge) into the state store's value of
 *   key sp_agg_table_key(t, g); the rows to emit are made by
 *   sp_agg_emit_row from a state entry's key and buffer.
 *
 * Keys and buffers as spate_value: a key is an SPATE_ARRAY of the group
 * values (NULL -> SPATE_NULL; integers, dates, timestamps -> SPATE_I64;
 * FLOAT/DOUBLE -> SPATE_F64 with -0.0 made 0.0 and every NaN one NaN, as
 * Spark normalizes grouping keys; DECIMAL -> 16 little-endian bytes;
 * STRING/BINARY -> SPATE_STR/SPATE_BYTES; BOOLEAN -> SPATE_BOOL), so it is
 * the state store's key and spate_value_hash groups it. A buffer is an
 * SPATE_ARRAY with one element per call (its encoding is agg.c's business:
 * count an I64, avg an ARRAY [sum, count], a decimal sum 16 bytes...).
 *
 * Threads: calls and types are immutable; a table is filled by one thread,
 * then its groups may be read (ngroups, hash, key, buffer) by several
 * threads at once: the shuffle partitions' tasks all read every table. */
#ifndef SP_SQL_AGG_H
#define SP_SQL_AGG_H

#include "exec/colbatch.h"
#include "sql/expr.h"
#include "sql/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sp_agg_fn {
    SP_AGG_COUNT, /* count(x) counts non-null x; count(*) / count(1): arg NULL */
    SP_AGG_SUM,
    SP_AGG_AVG,
    SP_AGG_MIN,
    SP_AGG_MAX,
    SP_AGG_FIRST,
    SP_AGG_LAST,
    SP_AGG_STDDEV_SAMP, /* stddev, std */
    SP_AGG_STDDEV_POP,
    SP_AGG_VAR_SAMP, /* variance */
    SP_AGG_VAR_POP,
    SP_AGG_APPROX_COUNT_DISTINCT,
    SP_AGG_COLLECT_LIST,
    SP_AGG_COLLECT_SET,
    SP_AGG_FN_COUNT_
} sp_agg_fn;

/* One aggregate call of a plan's AGGREGATE node. */
typedef struct sp_agg_call {
    sp_agg_fn fn;
    sp_sql_expr *arg;        /* over the aggregate's input; NULL for count(*) */
    bool distinct;           /* count(DISTINCT x) ... (static queries only) */
    bool ignore_nulls;       /* first/last(x, true), first(x) IGNORE NULLS */
    const sp_sql_type *type; /* the result type */
    bool nullable;           /* count: false; others true */
    const char *name;        /* Spark's column name: "count(1)", "sum(amount)" */
    int64_t expr_id;
} sp_agg_call;

/* The function called name (case-insensitive: count, sum, avg, mean, min,
 * max, first, first_value, last, last_value, stddev, std, stddev_samp,
 * stddev_pop, variance, var_samp, var_pop, approx_count_distinct,
 * collect_list, array_agg, collect_set). False when name is no aggregate. */
bool sp_agg_lookup(const char *name, sp_agg_fn *fn);
/* Spark's lower-case name of fn as printed in plans ("count", "avg"). */
const char *sp_agg_fn_name(sp_agg_fn fn);

/* The result type of fn over an argument of type arg (NULL for count(*)),
 * Spark's rules: count -> BIGINT; sum of integral -> BIGINT, of
 * DECIMAL(p,s) -> DECIMAL(min(38,p+10),s), of FLOAT/DOUBLE -> DOUBLE; avg of
 * DECIMAL(p,s) -> DECIMAL bounded from (p+4,s+4), of the others -> DOUBLE;
 * min/max/first/last -> the argument's type; stddev/variance -> DOUBLE;
 * approx_count_distinct -> BIGINT; collect_* -> ARRAY<arg>. NULL with
 * Spark's message in err ("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ...")
 * for an argument the function does not take (sum of a BOOLEAN is one; a
 * STRING is cast to DOUBLE, see sp_agg_input_type). */
const sp_sql_type *sp_agg_result_type(spate_arena *a, sp_agg_fn fn, const sp_sql_type *arg,
                                      bool ansi, char *err, size_t err_size);
/* The same with the message naming the call and its argument as Spark
 * prints them ("sum(b)", "b"; NULL: "fn(x)", "x"):
 *   [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "sum(b)" due to
 *   data type mismatch: The first parameter requires the ("NUMERIC" or "ANSI
 *   INTERVAL") type, however "b" has the type "BOOLEAN". SQLSTATE: 42K09
 * (added with agg_types.c). */
const sp_sql_type *sp_agg_result_type_named(spate_arena *a, sp_agg_fn fn, const sp_sql_type *arg,
                                            bool ansi, const char *call_sql, const char *arg_sql,
                                            char *err, size_t err_size);
/* The type Spark implicitly casts fn's argument to (the analyzer inserts the
 * CAST): sum/avg take numbers as they are and STRING or NULL as DOUBLE (in
 * ANSI mode too: AnsiTypeCoercion casts strings to any primitive);
 * stddev/variance take every number, STRING and NULL as DOUBLE; min/max
 * anything but a MAP; the others anything. NULL when fn does not take arg. */
const sp_sql_type *sp_agg_input_type(sp_agg_fn fn, const sp_sql_type *arg);

/* ---- hash aggregation of batches ---- */

typedef struct sp_agg_table sp_agg_table;

/* A table grouping by nkeys columns of key_types, computing calls
 * aggs[0..naggs) (copied; the calls' types must outlive the table). ansi:
 * integral sums overflow with ARITHMETIC_OVERFLOW instead of wrapping. */
sp_agg_table *sp_agg_table_new(int nkeys, const sp_sql_type *const *key_types, int naggs,
                               const sp_agg_call *aggs, bool ansi);
void sp_agg_table_free(sp_agg_table *t);
/* Forgets every group, keeping the memory for reuse. */
void sp_agg_table_clear(sp_agg_table *t);

/* Adds the rows of a batch: keys[k] is group column k, args[i] the
 * evaluated argument of call i (NULL for count(*)); all of nrows rows. sel
 * (NULL: every row) lists the rows to add, nsel of them. No malloc per row.
 * Returns false with the message in err on an ANSI overflow. */
bool sp_agg_table_add(sp_agg_table *t, const sp_column *const *keys, const sp_column *const *args,
                      int64_t nrows, const int32_t *sel, int64_t nsel, char *err, size_t err_size);
int64_t sp_agg_table_ngroups(const sp_agg_table *t);
/* Group g's key hash: spate_value_hash(sp_agg_table_key(t, g, a)), without
 * making the key. The exchange partitions by it. */
uint64_t sp_agg_table_hash(const sp_agg_table *t, int64_t g);
/* Group g's key and partial buffer, made in a. */
spate_value sp_agg_table_key(const sp_agg_table *t, int64_t g, spate_arena *a);
spate_value sp_agg_table_buffer(const sp_agg_table *t, int64_t g, spate_arena *a);

/* The buffer of aggs over no row (count 0, sums null...). */
spate_value sp_agg_empty_buffer(const sp_agg_call *aggs, int naggs, spate_arena *a);
/* into merged with add (both buffers of aggs), made in a (into may be
 * SPATE_NULL: no buffer yet, then add is the result). False with the
 * message in err on an ANSI overflow. */
bool sp_agg_merge(const sp_agg_call *aggs, int naggs, spate_value into, spate_value add,
                  spate_arena *a, spate_value *out, bool ansi, char *err, size_t err_size);

/* The output batch of an aggregation: the key columns (key_names, their
 * physical types) then one column per call (named by the calls), room for
 * capacity rows, in a. */
sp_colbatch *sp_agg_output_batch(spate_arena *a, int nkeys, const sp_sql_type *const *key_types,
                                 const char *const *key_names, int naggs, const sp_agg_call *aggs,
                                 int64_t capacity);
/* Appends one row to out (made by sp_agg_output_batch, with room): the key's
 * values, then each call's final value from buffer (avg = sum / count, with
 * Spark's decimal rounding; variance of one row NULL for samp...). False
 * with the message in err when a final value fails (decimal overflow in
 * ANSI mode). */
bool sp_agg_emit_row(sp_colbatch *out, int nkeys, const sp_sql_type *const *key_types,
                     spate_value key, int naggs, const sp_agg_call *aggs, spate_value buffer,
                     bool ansi, char *err, size_t err_size);

#endif
