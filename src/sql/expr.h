/* expr.h - resolved SQL expressions (sp_sql_expr) and their evaluation a
 * column batch at a time, with Spark 4.0's semantics.
 *
 * A node carries its result type, nullability, kind and children; the
 * analyzer makes nodes with the sp_sql_expr_* constructors below (in an
 * arena that outlives every evaluation) after it has inserted Spark's
 * implicit casts: the kernels expect both sides of arithmetic and
 * comparisons, the branches of CASE/coalesce/greatest and the list of IN to
 * have one type already (the constructors take the result type as given).
 *
 * Evaluation (expr_eval.c): sp_sql_expr_eval returns a new column of
 * batch->length rows made in ctx->arena (normally the batch's arena).
 * Predicates evaluate to a BOOLEAN column (value bits + validity: SQL's
 * three values); sp_sql_expr_select turns one into a selection vector (the
 * rows where it is TRUE), the cheap way to filter a batch.
 *
 * Errors (ANSI mode: overflow, division by zero, invalid casts) are not
 * aborts: the evaluation returns NULL and ctx->error holds Spark's message,
 * "[ARITHMETIC_OVERFLOW] integer overflow. ... SQLSTATE: 22003", naming
 * spate's key (SP_SQL_ANSI_CONF) where Spark names spark.sql.ansi.enabled.
 *
 * Threads: a built expression is immutable; any number of executor threads
 * may evaluate it at once, each with its own context. */
#ifndef SP_SQL_EXPR_H
#define SP_SQL_EXPR_H

#include "exec/colbatch.h"
#include "sql/coercion.h"
#include "sql/tz.h"
#include "sql/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sp_sql_expr_kind {
    SP_SQL_E_COLUMN,  /* input column by ordinal */
    SP_SQL_E_LITERAL, /* lit */
    SP_SQL_E_CAST,    /* CAST(child AS type); op SP_SQL_CAST_OP_TRY: TRY_CAST */
    SP_SQL_E_NEG,     /* -child */
    SP_SQL_E_ARITH,   /* op: sp_sql_arith_op */
    SP_SQL_E_CMP,     /* op: sp_sql_cmp_op */
    SP_SQL_E_AND,
    SP_SQL_E_OR,
    SP_SQL_E_NOT,
    SP_SQL_E_IS_NULL,
    SP_SQL_E_IS_NOT_NULL,
    SP_SQL_E_IN,    /* children[0] IN (children[1..n)), literals */
    SP_SQL_E_CASE,  /* WHEN c0 THEN v0 ... [ELSE e]: children c0,v0,c1,v1..[,e] */
    SP_SQL_E_LIKE,  /* children: value, pattern; escape */
    SP_SQL_E_RLIKE, /* children: value, pattern (PCRE2) */
    SP_SQL_E_FUNC,  /* op: sp_sql_func */
} sp_sql_expr_kind;

/* A CAST node's op: TRY_CAST casts with ANSI's rules, a value it cannot cast
 * becoming NULL instead of an error (errors of its argument still raise). */
enum { SP_SQL_CAST_OP_TRY = 1 };

typedef enum sp_sql_cmp_op {
    SP_SQL_CMP_EQ,
    SP_SQL_CMP_NE,
    SP_SQL_CMP_LT,
    SP_SQL_CMP_LE,
    SP_SQL_CMP_GT,
    SP_SQL_CMP_GE,
    SP_SQL_CMP_EQ_NULL_SAFE, /* <=> */
} sp_sql_cmp_op;

typedef enum sp_sql_func {
    SP_SQL_F_COALESCE,
    SP_SQL_F_IF,
    SP_SQL_F_NVL,
    SP_SQL_F_NULLIF,
    SP_SQL_F_LENGTH,
    SP_SQL_F_UPPER,
    SP_SQL_F_LOWER,
    SP_SQL_F_TRIM,
    SP_SQL_F_LTRIM,
    SP_SQL_F_RTRIM,
    SP_SQL_F_SUBSTRING, /* str, pos[, len] */
    SP_SQL_F_CONCAT,
    SP_SQL_F_CONCAT_WS, /* sep, str... */
    SP_SQL_F_INSTR,
    SP_SQL_F_LPAD, /* str, len[, pad] */
    SP_SQL_F_RPAD,
    SP_SQL_F_REPLACE,        /* str, search[, replace] */
    SP_SQL_F_REGEXP_EXTRACT, /* str, regex[, idx] */
    SP_SQL_F_REGEXP_REPLACE, /* str, regex, rep */
    SP_SQL_F_ABS,
    SP_SQL_F_ROUND,  /* x[, scale] HALF_UP */
    SP_SQL_F_BROUND, /* x[, scale] HALF_EVEN */
    SP_SQL_F_FLOOR,
    SP_SQL_F_CEIL,
    SP_SQL_F_SQRT,
    SP_SQL_F_POW,
    SP_SQL_F_GREATEST,
    SP_SQL_F_LEAST,
    SP_SQL_F_YEAR, /* date fields: (DATE) -> INT */
    SP_SQL_F_MONTH,
    SP_SQL_F_DAYOFMONTH,
    SP_SQL_F_HOUR, /* time fields: (TIMESTAMP) -> INT, in the session zone */
    SP_SQL_F_MINUTE,
    SP_SQL_F_SECOND,
    SP_SQL_F_DATE_ADD, /* (DATE, INT) -> DATE */
    SP_SQL_F_DATE_SUB,
    SP_SQL_F_DATEDIFF, /* (DATE end, DATE start) -> INT */
    SP_SQL_F_QUARTER,  /* more date fields: (DATE) -> INT */
    SP_SQL_F_DAYOFYEAR,
    SP_SQL_F_DAYOFWEEK,
    SP_SQL_F_WEEKDAY,
    SP_SQL_F_ADD_MONTHS,        /* (DATE, INT) -> DATE */
    SP_SQL_F_LAST_DAY,          /* (DATE) -> DATE */
    SP_SQL_F_DATE_TRUNC,        /* (STRING level, TIMESTAMP) -> TIMESTAMP */
    SP_SQL_F_TRUNC,             /* (DATE, STRING level) -> DATE */
    SP_SQL_F_CURRENT_TIMESTAMP, /* () -> TIMESTAMP: ctx->now_us */
    SP_SQL_F_CURRENT_DATE,      /* () -> DATE in the session zone */
    SP_SQL_F_TO_TIMESTAMP,      /* (STRING|DATE|TIMESTAMP, STRING fmt) -> TIMESTAMP */
    SP_SQL_F_TO_DATE,           /* (STRING|DATE|TIMESTAMP, STRING fmt) -> DATE */
    SP_SQL_F_UNIX_TIMESTAMP,    /* (STRING|DATE|TIMESTAMP, STRING fmt) -> BIGINT */
    SP_SQL_F_FROM_UNIXTIME,     /* (BIGINT, STRING fmt) -> STRING */
    SP_SQL_F_DATE_FORMAT,       /* (TIMESTAMP, STRING fmt) -> STRING */
    SP_SQL_F_FROM_UTC_TS,       /* from_utc_timestamp(TIMESTAMP, STRING zone) */
    SP_SQL_F_TO_UTC_TS,         /* to_utc_timestamp(TIMESTAMP, STRING zone) */
    SP_SQL_F_TRY_TO_TIMESTAMP,  /* to_timestamp giving NULL for bad text, ANSI or not */
    SP_SQL_F_FROM_JSON,         /* (STRING) -> the STRUCT e->type (the schema argument) */
    SP_SQL_F_TO_JSON,           /* (STRUCT) -> STRING */
    SP_SQL_F_GET_JSON_OBJECT,   /* (STRING json, STRING path) -> STRING */
    SP_SQL_F_SPLIT,             /* (STRING, STRING regex, INT limit) -> ARRAY<STRING> */
    SP_SQL_F_SIZE,              /* (ARRAY|MAP) -> INT */
    SP_SQL_F_ELEMENT_AT,        /* (ARRAY, INT) 1-based, (MAP, key) */
    SP_SQL_F_SUBSCRIPT,         /* a[i] 0-based, m[key] */
    SP_SQL_F_GET_FIELD,         /* s.f: ordinal is the field */
    SP_SQL_F_ARRAY,             /* (x...) -> ARRAY */
    SP_SQL_F_NAMED_STRUCT,      /* (x...) -> STRUCT, the names in the type */
    SP_SQL_F_MAP,               /* (k, v, ...) -> MAP */
    SP_SQL_F_ARRAY_CONTAINS,    /* (ARRAY, x) -> BOOLEAN */
    SP_SQL_F_WINDOW_START,      /* __window_start(ts, slide_us, start_us) -> TIMESTAMP */
    SP_SQL_F_WINDOW_END,        /* __window_end(start, size_us) -> TIMESTAMP */
    SP_SQL_F_WINDOW_STARTS,     /* __window_starts(ts, size_us, slide_us, start_us) -> ARRAY */
    SP_SQL_F_SESSION_END,       /* __session_end(ts, gap_us or gap STRING) -> TIMESTAMP */
    SP_SQL_F_TS_ADD_INTERVAL,   /* __ts_add_interval(ts, months, us) -> ts's type */
    SP_SQL_F_COUNT_
} sp_sql_func;

/* A literal's value in its type's physical form: BOOLEAN b; TINYINT..BIGINT,
 * DATE, TIMESTAMP(_NTZ) i; FLOAT, DOUBLE d; DECIMAL the unscaled value in
 * dec_lo/dec_hi; STRING, BINARY str/len. */
typedef struct sp_sql_lit {
    bool is_null;
    bool b;
    int64_t i;
    double d;
    uint64_t dec_lo;
    int64_t dec_hi;
    const char *str;
    size_t len;
} sp_sql_lit;

typedef struct sp_sql_expr sp_sql_expr;
struct sp_sql_expr {
    sp_sql_expr_kind kind;
    const sp_sql_type *type;
    bool nullable;
    int op;           /* ARITH, CMP: the operator; FUNC: sp_sql_func */
    int ordinal;      /* COLUMN: the input column */
    const char *name; /* COLUMN: printed name; FUNC: Spark's function name */
    int64_t expr_id;  /* COLUMN: printed after '#' */
    sp_sql_lit lit;   /* LITERAL */
    const void *aux;  /* FUNC: what the analyzer prepared once (a constant
                         datetime pattern compiled: sp_dtf; a constant zone:
                         sp_tz), or NULL */
    char escape;      /* LIKE: the escape character ('\\' by default) */
    int nchildren;
    sp_sql_expr **children;
};

/* ---- construction (any thread; everything is made in a) ---- */

sp_sql_expr *sp_sql_expr_column(spate_arena *a, int ordinal, const char *name, int64_t expr_id,
                                const sp_sql_type *t, bool nullable);
/* A literal of type t; lit is copied (strings too). A NULL literal has
 * lit.is_null (its type may be void). */
sp_sql_expr *sp_sql_expr_literal(spate_arena *a, const sp_sql_type *t, sp_sql_lit lit);
sp_sql_expr *sp_sql_expr_lit_int(spate_arena *a, int32_t v);
sp_sql_expr *sp_sql_expr_lit_long(spate_arena *a, int64_t v);
sp_sql_expr *sp_sql_expr_lit_double(spate_arena *a, double v);
sp_sql_expr *sp_sql_expr_lit_string(spate_arena *a, const char *s);
sp_sql_expr *sp_sql_expr_lit_bool(spate_arena *a, bool v);
sp_sql_expr *sp_sql_expr_lit_null(spate_arena *a, const sp_sql_type *t);
sp_sql_expr *sp_sql_expr_cast(spate_arena *a, sp_sql_expr *child, const sp_sql_type *to);
sp_sql_expr *sp_sql_expr_neg(spate_arena *a, sp_sql_expr *child);
/* x op y with result type t (coercion.h's sp_sql_arith_result_type; the
 * caller has cast x and y: to t, or for DECIMAL to their own decimals). */
sp_sql_expr *sp_sql_expr_arith(spate_arena *a, sp_sql_arith_op op, sp_sql_expr *x, sp_sql_expr *y,
                               const sp_sql_type *t);
sp_sql_expr *sp_sql_expr_cmp(spate_arena *a, sp_sql_cmp_op op, sp_sql_expr *x, sp_sql_expr *y);
sp_sql_expr *sp_sql_expr_and(spate_arena *a, sp_sql_expr *x, sp_sql_expr *y);
sp_sql_expr *sp_sql_expr_or(spate_arena *a, sp_sql_expr *x, sp_sql_expr *y);
sp_sql_expr *sp_sql_expr_not(spate_arena *a, sp_sql_expr *x);
sp_sql_expr *sp_sql_expr_is_null(spate_arena *a, sp_sql_expr *x, bool negated);
/* x IN (list[0..n)) (list: literals of x's type). */
sp_sql_expr *sp_sql_expr_in(spate_arena *a, sp_sql_expr *x, sp_sql_expr *const *list, int n);
/* x BETWEEN lo AND hi, desugared as Spark does: lo <= x AND x <= hi. */
sp_sql_expr *sp_sql_expr_between(spate_arena *a, sp_sql_expr *x, sp_sql_expr *lo, sp_sql_expr *hi);
/* CASE WHEN conds[i] THEN vals[i] ... ELSE els (NULL: none) END, type t. */
sp_sql_expr *sp_sql_expr_case(spate_arena *a, sp_sql_expr *const *conds, sp_sql_expr *const *vals,
                              int n, sp_sql_expr *els, const sp_sql_type *t);
/* x LIKE pattern ESCAPE esc; x RLIKE pattern. */
sp_sql_expr *sp_sql_expr_like(spate_arena *a, sp_sql_expr *x, sp_sql_expr *pattern, char esc);
sp_sql_expr *sp_sql_expr_rlike(spate_arena *a, sp_sql_expr *x, sp_sql_expr *pattern);
/* fn(args[0..n)) with result type t (NULL: the function's own rule, see
 * expr.c's func_type: the first argument's type for most). */
sp_sql_expr *sp_sql_expr_func(spate_arena *a, sp_sql_func fn, sp_sql_expr *const *args, int n,
                              const sp_sql_type *t);
/* Spark's name of fn ("coalesce", "regexp_replace"). */
const char *sp_sql_func_name(sp_sql_func fn);

/* Spark's plan string of e, made in a: "(a#1 + 1)", "CAST(x#2 AS BIGINT)",
 * "isnotnull(b#3)", "(a#1 = 2)", "CASE WHEN (a#1 > 0) THEN 1 ELSE 0 END". */
const char *sp_sql_expr_print(spate_arena *a, const sp_sql_expr *e);

/* ---- evaluation ---- */

typedef struct sp_sql_eval_ctx {
    const sp_tz *tz;       /* session time zone (NULL: UTC) */
    bool ansi;             /* spate.sql.ansi.enabled */
    int64_t now_us;        /* current_timestamp of the query */
    spate_arena *arena;    /* where result columns go (per batch) */
    const uint8_t *active; /* internal: rows whose errors count (NULL: all) */
    /* The batch's built join tables, by sp_join_spec.index (join.h). */
    struct sp_join_table *const *joins;
    /* Where WATERMARK steps record the event times they see (event_time.h);
     * NULL: nowhere. */
    struct sp_event_time_obs *event_time;
    bool failed;
    char error_class[64]; /* "ARITHMETIC_OVERFLOW" */
    char error[1024];     /* "[ARITHMETIC_OVERFLOW] ... SQLSTATE: 22003" */
} sp_sql_eval_ctx;

/* A context for one batch: zone tz (NULL: UTC), ansi, results in a. */
void sp_sql_eval_ctx_init(sp_sql_eval_ctx *ctx, spate_arena *a, const sp_tz *tz, bool ansi);

/* Evaluates e over the rows of in: a new column of in->length rows (made
 * in ctx->arena), or NULL with ctx->failed and ctx->error set. The column's
 * type is the physical type of e->type (type_column.h); a void result is a
 * BOOLEAN column of nulls. */
sp_column *sp_sql_expr_eval(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx);

/* Evaluates predicate e (BOOLEAN) and returns the rows where it is TRUE
 * (neither FALSE nor NULL) in ascending order, *n of them, made in
 * ctx->arena; NULL with ctx->failed on error. */
int32_t *sp_sql_expr_select(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx,
                            int64_t *n);

#endif
