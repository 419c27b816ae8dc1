/* colbatch.h - column batches: typed vectors with validity bitmaps, laid out
 * as the Arrow C Data Interface describes (so a batch goes to another tool
 * without a copy: sp_colbatch_export), and the way tasks pass them from one
 * operator to the next (sp_sink_push_batch, sp_rdd_map_batches).
 *
 * Layout (Arrow's "Physical memory layout"):
 * - validity: NULL when every row is valid, else a bitmap, bit i (least
 *   significant bit first) of byte i / 8 is 1 when row i is valid;
 * - bool: values bit-packed the same way; int32, int64, float64, timestamp
 *   (int64 microseconds since the epoch, UTC): one element per row;
 * - utf8: int32 offsets (length + 1 of them, offsets[0] = 0), row i is
 *   chars[offsets[i], offsets[i + 1]);
 * - list: int32 offsets (length + 1), row i is elements [offsets[i],
 *   offsets[i + 1]) of its one child column; struct: its own validity and
 *   one child column per field, each of the struct's length; map: a list
 *   whose child is a struct "entries" of "key" (never null) and "value".
 * Every buffer is 64-byte aligned and padded to a multiple of 64 bytes, and
 * comes from the batch's arena (a task's or a scope's memory): building a
 * batch mallocs nothing per row.
 *
 * Threads: a batch is built and read by one task at a time; once built it is
 * immutable and any thread may read it while its arena lives. */
#ifndef SP_COLBATCH_H
#define SP_COLBATCH_H

#include <spate/arrow.h>
#include <spate/value.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/rdd_ops.h"

typedef enum sp_coltype {
    SP_COL_BOOL,
    SP_COL_I32,
    SP_COL_I64,
    SP_COL_F64,
    SP_COL_UTF8,
    SP_COL_TIMESTAMP, /* int64 microseconds since the epoch, UTC */
    SP_COL_I8,
    SP_COL_I16,
    SP_COL_F32,
    SP_COL_DATE32,        /* int32 days since the epoch */
    SP_COL_DECIMAL128,    /* 16-byte little-endian two's complement, unscaled */
    SP_COL_BINARY,        /* as utf8: offsets and bytes */
    SP_COL_TIMESTAMP_NTZ, /* int64 microseconds, no time zone */
    SP_COL_LIST,          /* offsets into one child column of elements */
    SP_COL_STRUCT,        /* one child column per field */
    SP_COL_MAP,           /* a list of struct<key, value> */
} sp_coltype;

/* A column's type with the decimal's precision (1..38) and scale (0..p);
 * both 0 for the other types. */
typedef struct sp_colspec {
    sp_coltype type;
    uint8_t precision, scale;
} sp_colspec;

/* A column's whole type: a nested type names its children, a list 1 (the
 * element), a map 2 (key, value), a struct one per field with the fields'
 * names in names (NULL: "f0", "f1"...). A primitive type has none. */
typedef struct sp_coltree {
    sp_colspec spec;
    int nchildren;
    const struct sp_coltree *children;
    const char *const *names;
} sp_coltree;

/* Spark's DecimalType.SYSTEM_DEFAULT, a decimal128 column made by
 * sp_colbatch_new (which takes no precision). */
enum { SP_COL_DECIMAL_DEFAULT_PRECISION = 38, SP_COL_DECIMAL_DEFAULT_SCALE = 18 };

/* utf8 and binary: offsets into one buffer of bytes. */
static inline bool sp_coltype_is_varlen(sp_coltype t)
{
    return t == SP_COL_UTF8 || t == SP_COL_BINARY;
}

/* list, struct and map: columns with child columns (colbatch_nested.c). */
static inline bool sp_coltype_is_nested(sp_coltype t)
{
    return t == SP_COL_LIST || t == SP_COL_STRUCT || t == SP_COL_MAP;
}

/* Bytes of one row of a fixed-width column type (0: bit-packed bool, or
 * varlen utf8 and binary). */
size_t sp_coltype_width(sp_coltype t);

enum { SP_COLBATCH_ALIGN = 64 };

typedef struct sp_column {
    sp_coltype type;
    const char *name;  /* the batch's copy */
    uint8_t *validity; /* NULL: no null row */
    void *values;      /* see above; utf8, binary: NULL */
    int32_t *offsets;  /* utf8, binary, list, map */
    char *chars;       /* utf8, binary */
    int64_t null_count;
    int64_t chars_cap;        /* utf8, binary: bytes chars holds */
    int64_t str_rows;         /* utf8, binary, list, map: rows appended */
    uint8_t *spare_validity;  /* a bitmap kept for reuse after sp_colbatch_reset */
    uint8_t precision, scale; /* decimal128 */
    char format[16];          /* the Arrow format string ("d:10,2") */
    int64_t capacity;         /* rows the buffers hold (a list's child grows) */
    int nchildren;            /* list 1, map 1 (the entries struct), struct: fields */
    struct sp_column *children;
} sp_column;

struct sp_colbatch {
    spate_arena *arena;
    int64_t length;   /* rows */
    int64_t capacity; /* rows the fixed-width buffers hold */
    int ncols;
    sp_column *cols;
    atomic_int exports; /* exports not released yet */
};

/* A batch of ncols columns (types[i], names[i] copied; names may be NULL:
 * "c0", "c1"...) with room for capacity rows, length 0, in arena a. The batch
 * and its buffers live as long as a. */
sp_colbatch *sp_colbatch_new(spate_arena *a, int ncols, const sp_coltype *types,
                             const char *const *names, int64_t capacity);
/* The same with each column's precision and scale (decimal128 columns). */
sp_colbatch *sp_colbatch_new_spec(spate_arena *a, int ncols, const sp_colspec *specs,
                                  const char *const *names, int64_t capacity);
/* The same with nested columns. */
sp_colbatch *sp_colbatch_new_tree(spate_arena *a, int ncols, const sp_coltree *trees,
                                  const char *const *names, int64_t capacity);
/* Empties b for reuse (length 0, no nulls, no strings); keeps its buffers. */
void sp_colbatch_reset(sp_colbatch *b);
/* Sets the row count (<= capacity) once the columns are filled. For utf8
 * and binary columns every row up to n must have been appended. */
void sp_colbatch_set_length(sp_colbatch *b, int64_t n);
/* bytes of b's arena, 64-byte aligned, padded to whole 64 bytes, not zeroed. */
void *sp_colbatch_alloc(sp_colbatch *b, size_t bytes);

/* Marks row of column col null (the bitmap is made on the first null). The
 * value slot keeps whatever it holds (Arrow leaves it undefined). */
void sp_column_set_null(sp_colbatch *b, int col, int64_t row);
static inline bool sp_column_valid(const sp_column *c, int64_t row)
{
    return !c->validity || ((c->validity[row >> 3] >> (row & 7)) & 1);
}
static inline int32_t *sp_column_i32(const sp_column *c) { return (int32_t *)c->values; }
static inline int64_t *sp_column_i64(const sp_column *c) { return (int64_t *)c->values; }
static inline double *sp_column_f64(const sp_column *c) { return (double *)c->values; }
static inline int8_t *sp_column_i8(const sp_column *c) { return (int8_t *)c->values; }
static inline int16_t *sp_column_i16(const sp_column *c) { return (int16_t *)c->values; }
static inline float *sp_column_f32(const sp_column *c) { return (float *)c->values; }
static inline int32_t *sp_column_date32(const sp_column *c) { return (int32_t *)c->values; }
/* Row row of a decimal128 column: lo is the low 64 bits, hi the high 64
 * (sign included), stored little-endian. */
void sp_column_set_decimal128(sp_column *c, int64_t row, uint64_t lo, int64_t hi);
void sp_column_get_decimal128(const sp_column *c, int64_t row, uint64_t *lo, int64_t *hi);
static inline void sp_column_set_bool(sp_column *c, int64_t row, bool v)
{
    uint8_t *bits = c->values, bit = (uint8_t)(1u << (row & 7));
    bits[row >> 3] = v ? (uint8_t)(bits[row >> 3] | bit) : (uint8_t)(bits[row >> 3] & ~bit);
}
static inline bool sp_column_get_bool(const sp_column *c, int64_t row)
{
    return (((const uint8_t *)c->values)[row >> 3] >> (row & 7)) & 1;
}
/* Appends the next row (str_rows) of utf8 column col: len bytes of s
 * (copied; chars grow in the arena). A null row: append "" then set_null. */
void sp_column_append_str(sp_colbatch *b, int col, const char *s, size_t len);
/* The same for a binary (or utf8) column. */
void sp_column_append_bytes(sp_colbatch *b, int col, const void *p, size_t len);

/* ---- nested columns (colbatch_nested.c) ----
 * A list's (or map's) row: sp_col_list_begin makes room for n more elements
 * in its child and returns the index of the first; the caller fills the
 * child's rows [first, first + n) (appending, for utf8 and binary, lists and
 * maps; a map's child is the entries struct: key children[0], value
 * children[1]); sp_col_list_end closes the row with those n. A struct's
 * fields are its children, filled at the struct's own row (a null struct
 * still fills a slot: append "" to a string field). */
int64_t sp_col_list_begin(sp_colbatch *b, sp_column *c, int64_t n);
void sp_col_list_end(sp_column *c, int64_t n);
/* Grows c (a child column) to hold rows rows, with a struct's fields. */
void sp_col_reserve(sp_colbatch *b, sp_column *c, int64_t rows);
/* sp_column_set_null and sp_column_append_bytes on any column, child or not. */
void sp_col_set_null(sp_colbatch *b, sp_column *c, int64_t row);
void sp_col_append_bytes(sp_colbatch *b, sp_column *c, const void *p, size_t len);
/* Row row of c (appended in order) as a null: a varlen or list row
 * appended empty, a struct's fields given slots. */
void sp_col_append_null(sp_colbatch *b, sp_column *c, int64_t row);
/* Copies rows [from, from + n) of src into rows [at, at + n) of dst (same
 * spec; dst holds at + n rows; a varlen or list dst has at rows appended). */
void sp_col_copy_rows(sp_colbatch *b, sp_column *dst, int64_t at, const sp_column *src,
                      int64_t from, int64_t n);
/* The type of c, children included (made in a): a new column like it. */
sp_coltree sp_column_tree(const sp_column *c, spate_arena *a);
/* Rows of a list's or map's child that its first `rows` rows use. */
static inline int64_t sp_col_elements(const sp_column *c, int64_t rows)
{
    return c->offsets[rows] - c->offsets[0];
}

/* The value of row of column col as a DStream element (strings and bytes
 * point into the batch; a timestamp, with or without zone, becomes
 * milliseconds, rounded down; int8/int16 widen to i64, float32 to f64; a
 * date32 is its day number as i64; a decimal128 is its value as f64, which
 * may round; a nested value is null: the SQL layer reads nested columns). */
spate_value sp_colbatch_get(const sp_colbatch *b, int col, int64_t row);
/* Row row as one element: the column's value for one column, else a tuple
 * (made in a). */
spate_value sp_colbatch_row(const sp_colbatch *b, int64_t row, spate_arena *a);

/* Hands b out as an Arrow struct array (format "+s", one child per column,
 * names and nullability in the schema) without copying any buffer. Fills the
 * caller's array and schema (both with release set); each must be released
 * once, on any thread. The buffers stay b's: b's arena must outlive every
 * export (sp_colbatch_live_exports says how many are unreleased).
 * Returns SPATE_ERR_INVALID_ARG on NULL arguments. */
spate_err sp_colbatch_export(sp_colbatch *b, struct ArrowArray *array, struct ArrowSchema *schema);
int sp_colbatch_live_exports(const sp_colbatch *b);
/* The Arrow format string of a column type ("b", "c", "s", "i", "l", "f",
 * "g", "u", "z", "tdD", "tsu:UTC", "tsu:"; decimal128: "d:38,18", Spark's
 * default; a column's own precision is in sp_column.format). */
const char *sp_coltype_arrow_format(sp_coltype t);

/* A new batch (in a) of the rows sel[0..n) of in, in that order: a
 * filter's selection applied. */
sp_colbatch *sp_colbatch_take(const sp_colbatch *in, const int32_t *sel, int64_t n, spate_arena *a);
/* One batch (in a) of the rows of batches[0..n) (n >= 1, all of the same
 * columns), in order; the columns are the first non-empty batch's, and a
 * column of another type in another batch (a stand-in, such as a bool
 * column for a nested type) gives NULL rows. */
sp_colbatch *sp_colbatch_concat(const sp_colbatch *const *batches, size_t n, spate_arena *a);
/* A batch of length rows whose columns are copies of the column structs
 * cols[0..ncols) (their buffers are shared, not copied: they must outlive
 * the view), renamed names[i] when names and names[i] are not NULL. A
 * projection's output. Not for sp_colbatch_reset or appending. */
sp_colbatch *sp_colbatch_view(spate_arena *a, int64_t length, int ncols,
                              const sp_column *const *cols, const char *const *names);

/* ---- batches through a task's sink chain ---- */

/* Hands batch b to out: its push_batch when it takes batches, else each row
 * as one element (sp_colbatch_row) through push. The batch stays the
 * caller's; the sink reads it before returning and keeps nothing of it
 * without copying (the caller may reset and refill it next). Executor
 * thread. */
void sp_sink_push_batch(spate_sink *out, const sp_colbatch *b);

/* A columnar narrow operator: fn gets each batch the parent pushes and pushes
 * batches (or values) into out. A value pushed by the parent fails the task
 * (columnar operators sit over sources that make batches). */
typedef void (*sp_batch_fn)(spate_task *t, const sp_colbatch *in, spate_sink *out, void *ud);
spate_rdd *sp_rdd_map_batches(spate_rdd *r, sp_batch_fn fn, void *ud);
/* An RDD of batches in memory: partition i pushes batches[i][0..counts[i]).
 * The arrays and batches must live as long as scope. */
spate_rdd *sp_rdd_from_batches(sp_scope *scope, int nparts, sp_colbatch *const *const *batches,
                               const size_t *counts);

#endif
