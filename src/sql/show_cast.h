/* show_cast.h - each value as Dataset.show() prints it: Spark's
 * ToPrettyString, the cast to STRING made for display (Spark 4.0):
 *
 *   NULL   true   42   1.0E10   0.001   NaN   -0.0   1.50 (decimals plain,
 *   with their scale)   strings as they are   [01 02 FF] (binary, the
 *   default spark.sql.binaryOutputStyle)   2026-12-07   2026-12-07 14:11:03.123
 *   (timestamps in the session time zone, the fraction's trailing zeros
 *   trimmed)   [1, 2, NULL]   {a -> 1, b -> NULL}   {1, a} (struct)
 *
 * Integers print as Java's toString, floats and doubles as Float.toString
 * and Double.toString (sql/java_num.h).
 *
 * Nested values: sp_sql_show_cell reads list, map and struct columns
 * itself, recursively; sp_sql_showval, a small recursive value of this
 * module's own, gives the same text for values that are not in columns.
 *
 * Threads: pure functions over the caller's buffer; any thread. */
#ifndef SP_SQL_SHOW_CAST_H
#define SP_SQL_SHOW_CAST_H

#include "exec/colbatch.h"
#include "sql/show_buf.h"
#include "sql/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sp_sql_sv_kind {
    SP_SQL_SV_NULL,
    SP_SQL_SV_BOOL,
    SP_SQL_SV_INT, /* tinyint, smallint, int, bigint */
    SP_SQL_SV_FLOAT,
    SP_SQL_SV_DOUBLE,
    SP_SQL_SV_DECIMAL,
    SP_SQL_SV_STRING, /* UTF-8 bytes */
    SP_SQL_SV_BINARY,
    SP_SQL_SV_DATE,
    SP_SQL_SV_TIMESTAMP,     /* µs since the epoch, UTC, shown in the zone */
    SP_SQL_SV_TIMESTAMP_NTZ, /* µs of wall time */
    SP_SQL_SV_ARRAY,         /* list.items[0..n) */
    SP_SQL_SV_MAP,           /* list.items[2i] -> list.items[2i + 1], i < n */
    SP_SQL_SV_STRUCT,        /* list.items[0..n): the fields in order */
} sp_sql_sv_kind;

/* A value to show; it points at the caller's memory and owns nothing. */
typedef struct sp_sql_showval {
    sp_sql_sv_kind kind;
    union {
        bool b;
        int64_t i;
        float f;
        double d;
        struct {
            uint64_t lo; /* unscaled 128-bit two's complement */
            int64_t hi;
            int scale;
        } dec;
        struct {
            const char *p;
            size_t n;
        } str; /* string, binary */
        int32_t days;
        int64_t us;
        struct {
            const struct sp_sql_showval *items;
            size_t n;
        } list;
    } u;
} sp_sql_showval;

/* Appends v as show() prints it (a NULL value, top-level or nested, is
 * "NULL"). tz: the session time zone, for TIMESTAMP values. */
void sp_sql_show_value(sp_sql_sbuf *b, const sp_sql_showval *v, const sp_tz *tz);
/* Appends row row of column c as show() prints it. */
void sp_sql_show_cell(sp_sql_sbuf *b, const sp_column *c, int64_t row, const sp_tz *tz);
/* Appends n bytes as Spark's default binary display: "[01 02 FF]", "[]". */
void sp_sql_show_binary(sp_sql_sbuf *b, const uint8_t *p, size_t n);

#endif
