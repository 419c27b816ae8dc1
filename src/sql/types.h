/* types.h - Spark SQL's data types (sp_sql_type): the primitive ones as static
 * singletons, DECIMAL(p,s), ARRAY, MAP and STRUCT made in an arena; equality;
 * Spark's printed names (simpleString, catalogString, sql); DDL parsing of a
 * type ("map<string, array<int>>") or a schema ("a INT, b STRING NOT NULL").
 *
 * Types are immutable once made: any thread may read one while the arena it
 * was made in lives (the singletons live forever). The coercion rules are in
 * coercion.h, which CASTs exist in cast_rules.h, the physical column of each
 * type in type_column.h. */
#ifndef SP_SQL_TYPES_H
#define SP_SQL_TYPES_H

#include <spate/value.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sp_sql_type_id {
    SP_SQL_NULL, /* Spark's NullType, printed "void" */
    SP_SQL_BOOLEAN,
    SP_SQL_TINYINT,
    SP_SQL_SMALLINT,
    SP_SQL_INT,
    SP_SQL_BIGINT,
    SP_SQL_FLOAT,
    SP_SQL_DOUBLE,
    SP_SQL_DECIMAL,
    SP_SQL_STRING,
    SP_SQL_BINARY,
    SP_SQL_DATE,
    SP_SQL_TIMESTAMP,     /* an instant, µs since the epoch (TIMESTAMP_LTZ) */
    SP_SQL_TIMESTAMP_NTZ, /* a wall-clock time without a zone */
    SP_SQL_ARRAY,
    SP_SQL_MAP,
    SP_SQL_STRUCT,
} sp_sql_type_id;

enum {
    SP_SQL_DECIMAL_MAX_PRECISION = 38,
    SP_SQL_DECIMAL_DEFAULT_PRECISION = 10, /* DECIMAL alone is DECIMAL(10,0) */
    SP_SQL_DECIMAL_MIN_ADJUSTED_SCALE = 6,
};

typedef struct sp_sql_type sp_sql_type;

typedef struct sp_sql_field {
    const char *name;
    const sp_sql_type *type;
    bool nullable;
    const char *comment; /* NULL: none */
} sp_sql_field;

struct sp_sql_type {
    sp_sql_type_id id;
    uint8_t precision, scale;   /* DECIMAL */
    bool contains_null;         /* ARRAY: containsNull; MAP: valueContainsNull */
    const sp_sql_type *elem;    /* ARRAY: element; MAP: key */
    const sp_sql_type *value;   /* MAP: value */
    int nfields;                /* STRUCT */
    const sp_sql_field *fields; /* STRUCT */
};

/* The primitive types: static singletons (id < SP_SQL_ARRAY, not DECIMAL). */
const sp_sql_type *sp_sql_prim(sp_sql_type_id id);
/* DECIMAL(p,s) made in a (1 <= p <= 38, 0 <= s <= p asserted; the parser
 * checks user input first). */
const sp_sql_type *sp_sql_decimal(spate_arena *a, int precision, int scale);
const sp_sql_type *sp_sql_array(spate_arena *a, const sp_sql_type *elem, bool contains_null);
const sp_sql_type *sp_sql_map(spate_arena *a, const sp_sql_type *key, const sp_sql_type *value,
                              bool value_contains_null);
/* fields[0..n) are copied (names and comments too). */
const sp_sql_type *sp_sql_struct(spate_arena *a, const sp_sql_field *fields, int n);

/* Spark's ==: same type, nullability, names and comments. */
bool sp_sql_type_equal(const sp_sql_type *x, const sp_sql_type *y);
/* Spark's sameType: equal ignoring nullability (field names still compared,
 * case-sensitively). */
bool sp_sql_type_equal_ignore_nullable(const sp_sql_type *x, const sp_sql_type *y);

bool sp_sql_type_is_integral(const sp_sql_type *t);   /* TINYINT..BIGINT */
bool sp_sql_type_is_fractional(const sp_sql_type *t); /* FLOAT, DOUBLE, DECIMAL */
bool sp_sql_type_is_numeric(const sp_sql_type *t);    /* integral or fractional */
bool sp_sql_type_is_atomic(const sp_sql_type *t);     /* not NULL, ARRAY, MAP, STRUCT */
bool sp_sql_type_is_datetime(const sp_sql_type *t);   /* DATE, TIMESTAMP, TIMESTAMP_NTZ */

/* Spark's names, made in a. simpleString and catalogString differ only for
 * structs of more than 25 fields (simpleString truncates); sql is the
 * upper-case form of DESCRIBE, error messages and explain output:
 *   simple/catalog: "int", "decimal(10,2)", "array<int>", "map<string,int>",
 *                   "struct<a:int,b:string>"
 *   sql:            "INT", "DECIMAL(10,2)", "ARRAY<INT>", "MAP<STRING, INT>",
 *                   "STRUCT<a: INT NOT NULL COMMENT 'x', `b c`: STRING>" */
const char *sp_sql_type_simple_string(spate_arena *a, const sp_sql_type *t);
const char *sp_sql_type_catalog_string(spate_arena *a, const sp_sql_type *t);
const char *sp_sql_type_sql(spate_arena *a, const sp_sql_type *t);
/* A schema (a STRUCT) as DDL: "a INT NOT NULL,`b c` STRING COMMENT 'x'"
 * (StructType.toDDL: names backquoted only when needed). */
const char *sp_sql_schema_ddl(spate_arena *a, const sp_sql_type *schema);

/* An error of this module: Spark's error class ("PARSE_SYNTAX_ERROR",
 * "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION"), the message without the
 * "[CLASS] " prefix, and the byte position in the parsed text (-1: none).
 * Plain data, so the SQL error renderer can convert it. */
typedef struct sp_sql_type_error {
    char error_class[64];
    char message[512];
    int position;
} sp_sql_type_error;

/* "[CLASS] message" into buf (always terminated). */
void sp_sql_type_error_format(const sp_sql_type_error *e, char *buf, size_t size);

/* Parses one data type (DataTypeParser.parseDataType): Spark's names and
 * aliases, case-insensitive; CHAR(n)/VARCHAR(n) read as STRING (Spark's
 * default). Returns the type (made in a) or NULL with *err filled. */
const sp_sql_type *sp_sql_type_parse(spate_arena *a, const char *text, sp_sql_type_error *err);
/* Parses a DDL table schema "a INT, b STRING NOT NULL COMMENT 'x'" into a
 * STRUCT (StructType.fromDDL). "" is the empty struct. */
const sp_sql_type *sp_sql_schema_parse(spate_arena *a, const char *text, sp_sql_type_error *err);

#endif
