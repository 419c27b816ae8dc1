/* spate/value.h - the element model of DStreams and RDDs.
 *
 * A spate_value is a 16-byte tagged value passed by value. Scalars live inside it;
 * strings, bytes, tuples, lists and options point at memory owned by an arena
 * (normally the arena of the batch or of the task that made them) or at static
 * memory. A value is therefore valid as long as the memory it points at: values
 * handed to callbacks are valid until the batch they belong to is forgotten.
 */
#ifndef SPATE_VALUE_H
#define SPATE_VALUE_H

#include <spate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum spate_type {
    SPATE_NULL = 0,  /* Scala null */
    SPATE_BOOL,      /* u.b */
    SPATE_I64,       /* u.i (Int and Long both print as integers) */
    SPATE_F64,       /* u.f, printed as Java's Double.toString */
    SPATE_STR,       /* u.s, len bytes, not NUL-terminated */
    SPATE_BYTES,     /* u.bytes, len bytes; prints like Scala's Array(1, 2) */
    SPATE_TIMESTAMP, /* u.i milliseconds since the epoch; prints as java.sql.Timestamp */
    SPATE_TUPLE,     /* u.items, len >= 2 */
    SPATE_LIST,      /* u.items, len >= 0; prints as List(a, b) */
    SPATE_ARRAY,     /* u.items, len >= 0; what glom makes; prints as Array(a, b) */
    SPATE_SOME,      /* u.items points at exactly one value */
    SPATE_NONE,      /* Scala None */
} spate_type;

typedef struct spate_value {
    uint8_t type; /* a spate_type */
    uint32_t len; /* bytes of a string, elements of a tuple/list/array */
    union {
        bool b;
        int64_t i;
        double f;
        const char *s;
        const uint8_t *bytes;
        const struct spate_value *items;
    } u;
} spate_value;

/* An arena: bump allocation, everything freed at once by spate_arena_destroy.
 * Not thread-safe: one arena per thread (each task has its own). */
typedef struct spate_arena spate_arena;

SPATE_API spate_arena *spate_arena_new(void);
SPATE_API void spate_arena_destroy(spate_arena *a);
/* Returns 16-byte aligned memory valid until the arena is destroyed. Never NULL
 * (out of memory aborts the process with a message: see docs/architecture.md). */
SPATE_API void *spate_arena_alloc(spate_arena *a, size_t size);

/* Scalar constructors: no memory is allocated. */
static inline spate_value spate_null(void)
{
    spate_value v = {SPATE_NULL, 0, {.i = 0}};
    return v;
}
static inline spate_value spate_none(void)
{
    spate_value v = {SPATE_NONE, 0, {.i = 0}};
    return v;
}
static inline spate_value spate_bool(bool b)
{
    spate_value v = {SPATE_BOOL, 0, {.b = b}};
    return v;
}
static inline spate_value spate_i64(int64_t i)
{
    spate_value v = {SPATE_I64, 0, {.i = i}};
    return v;
}
static inline spate_value spate_f64(double f)
{
    spate_value v = {SPATE_F64, 0, {.f = f}};
    return v;
}
static inline spate_value spate_timestamp(int64_t ms)
{
    spate_value v = {SPATE_TIMESTAMP, 0, {.i = ms}};
    return v;
}
/* Borrows s: the caller keeps the bytes alive as long as the value is used. */
static inline spate_value spate_str(const char *s, size_t len)
{
    spate_value v = {SPATE_STR, (uint32_t)len, {.s = s}};
    return v;
}
/* Borrows a NUL-terminated string (static strings, typically). */
SPATE_API spate_value spate_cstr(const char *s);

/* Allocating constructors: the result lives in arena a. */
SPATE_API spate_value spate_str_copy(spate_arena *a, const char *s, size_t len);
SPATE_API spate_value spate_bytes_copy(spate_arena *a, const void *p, size_t len);
SPATE_API spate_value spate_tuple2(spate_arena *a, spate_value x, spate_value y);
SPATE_API spate_value spate_tuple3(spate_arena *a, spate_value x, spate_value y, spate_value z);
SPATE_API spate_value spate_some(spate_arena *a, spate_value x);
/* Makes a tuple/list/array of n elements copied from items (items may be NULL:
 * the elements are then SPATE_NULL, to be filled through spate_items_mut). */
SPATE_API spate_value spate_tuple_of(spate_arena *a, const spate_value *items, size_t n);
SPATE_API spate_value spate_list_of(spate_arena *a, const spate_value *items, size_t n);
SPATE_API spate_value spate_array_of(spate_arena *a, const spate_value *items, size_t n);
/* Writable elements of a tuple/list/array just made with items == NULL. */
static inline spate_value *spate_items_mut(spate_value v) { return (spate_value *)v.u.items; }
/* A printf-formatted string in arena a. */
SPATE_API spate_value spate_str_printf(spate_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Deep copy into arena a (strings, bytes and nested items too). */
SPATE_API spate_value spate_value_copy(spate_arena *a, spate_value v);

/* Accessors. spate_key/spate_val are the first and second element of a tuple
 * (the key and value of a pair); they return SPATE_NULL for anything else. */
static inline spate_value spate_key(spate_value v)
{
    return (v.type == SPATE_TUPLE && v.len >= 1) ? v.u.items[0] : spate_null();
}
static inline spate_value spate_val(spate_value v)
{
    return (v.type == SPATE_TUPLE && v.len >= 2) ? v.u.items[1] : spate_null();
}
static inline spate_value spate_item(spate_value v, size_t i)
{
    return (i < v.len && (v.type == SPATE_TUPLE || v.type == SPATE_LIST || v.type == SPATE_ARRAY ||
                          (v.type == SPATE_SOME && i == 0)))
               ? v.u.items[i]
               : spate_null();
}
/* A number as double (i64, f64, bool, timestamp), 0 otherwise. */
SPATE_API double spate_as_f64(spate_value v);
/* A number as int64 (f64 truncated), 0 otherwise. */
SPATE_API int64_t spate_as_i64(spate_value v);
/* True for SPATE_STR equal to the NUL-terminated s. */
SPATE_API bool spate_str_eq(spate_value v, const char *s);

/* Structural equality, a hash consistent with it, and a total order (numbers
 * by value across i64/f64, strings bytewise, tuples/lists lexicographically,
 * otherwise by type tag). */
SPATE_API bool spate_value_eq(spate_value a, spate_value b);
SPATE_API uint64_t spate_value_hash(spate_value v);
SPATE_API int spate_value_cmp(spate_value a, spate_value b);

/* Formats v exactly as Scala's toString would: (false,9969), List(1, 2),
 * Some(3), None, 1.0E10. Writes at most size-1 bytes plus NUL into buf and
 * returns the full length (like snprintf). */
SPATE_API size_t spate_value_format(spate_value v, char *buf, size_t size);
/* Formats into arena a and returns a NUL-terminated string. */
SPATE_API const char *spate_value_to_cstr(spate_arena *a, spate_value v, size_t *len_out);

#ifdef __cplusplus
}
#endif
#endif
