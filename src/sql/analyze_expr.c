/* analyze_expr.c - parse-tree expressions to resolved ones (expr.h) over a
 * scope's input: literals typed as Spark types them, columns, operators
 * with Spark's implicit casts (coercion.h), CAST, CASE, IN, BETWEEN,
 * LIKE/RLIKE, IS [NOT] NULL/TRUE/FALSE; function calls are analyze_func.c's.
 * Errors are Spark's DATATYPE_MISMATCH.* at the operator's node.
 * Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "sql/analyze_nested_int.h"

#include "sql/cast_rules.h"
#include "sql/datetime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

sp_sql_expr *sp_az_cast(sp_analyzer *az, sp_sql_expr *e, const sp_sql_type *t)
{
    if (!e || !t || sp_sql_type_equal_ignore_nullable(e->type, t)) return e;
    if (e->kind == SP_SQL_E_LITERAL && e->lit.is_null) return sp_sql_expr_lit_null(az->arena, t);
    return sp_sql_expr_cast(az->arena, e, t);
}

const char *sp_az_type_sql(sp_analyzer *az, const sp_sql_type *t)
{
    return sp_az_printf(az, "\"%s\"", sp_sql_type_sql(az->arena, t));
}

/* ---- literals ---- */

/* A decimal literal's digits ("12.50", "-3") as DECIMAL(p,s): BigDecimal's
 * precision (no leading zeros) and scale, Spark's max(p, s). */
static sp_sql_expr *decimal_lit(sp_analyzer *az, const sp_sql_node *n, sp_sql_error *err)
{
    const char *s = n->str;
    bool neg = *s == '-';
    if (neg) s++;
    unsigned __int128 v = 0;
    int digits = 0, scale = 0;
    bool frac = false;
    for (; *s; s++) {
        if (*s == '.') {
            frac = true;
            continue;
        }
        if (*s < '0' || *s > '9') break;
        v = v * 10 + (unsigned)(*s - '0');
        if (v || digits) digits++;
        if (frac) scale++;
        if (digits > SP_SQL_DECIMAL_MAX_PRECISION)
            return sp_az_fail(az, err, n->off, "INTERNAL_ERROR", "message",
                              "decimal literal out of range", NULL);
    }
    int p = digits > scale ? digits : scale;
    if (p < 1) p = 1;
    __int128 sv = neg ? -(__int128)v : (__int128)v;
    sp_sql_lit lit = {.dec_lo = (uint64_t)sv, .dec_hi = (int64_t)(sv >> 64)};
    return sp_sql_expr_literal(az->arena, sp_sql_decimal(az->arena, p, scale), lit);
}

static sp_sql_expr *int_lit(sp_analyzer *az, const sp_sql_node *n, sp_sql_error *err)
{
    errno = 0;
    long long v = strtoll(n->str, NULL, 10);
    if (errno == ERANGE) return decimal_lit(az, n, err);
    if (n->kind == SQL_LIT_BIGINT || v < INT32_MIN || v > INT32_MAX)
        return sp_sql_expr_lit_long(az->arena, v);
    if (n->kind == SQL_LIT_SMALLINT || n->kind == SQL_LIT_TINYINT) {
        sp_sql_lit lit = {.i = v};
        sp_sql_type_id id = n->kind == SQL_LIT_SMALLINT ? SP_SQL_SMALLINT : SP_SQL_TINYINT;
        return sp_sql_expr_literal(az->arena, sp_sql_prim(id), lit);
    }
    return sp_sql_expr_lit_int(az->arena, (int32_t)v);
}

/* DATE '...' / TIMESTAMP[_NTZ|_LTZ] '...' as a literal of that type (in
 * the session time zone), others as a cast of the string. */
static sp_sql_expr *typed_lit(sp_analyzer *az, const sp_sql_node *n, sp_sql_error *err)
{
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_type_parse(az->arena, n->str, &te);
    if (!t || !n->a)
        return sp_az_fail(az, err, n->off, "INTERNAL_ERROR", "message", te.message, NULL);
    const char *v = n->a->str;
    size_t len = n->a->slen;
    sp_sql_lit lit = {.str = v, .len = len};
    bool ok = true;
    if (t->id == SP_SQL_DATE) {
        int32_t d = 0;
        ok = sp_sql_string_to_date(v, len, &d);
        lit = (sp_sql_lit){.i = d};
    } else if (t->id == SP_SQL_TIMESTAMP) {
        ok = sp_sql_string_to_ts(v, len, az->tz ? az->tz : sp_tz_utc(), 0, &lit.i);
        lit.str = NULL;
        lit.len = 0;
    } else if (t->id == SP_SQL_TIMESTAMP_NTZ) {
        ok = sp_sql_string_to_ntz(v, len, false, &lit.i);
        lit.str = NULL;
        lit.len = 0;
    } else {
        sp_sql_expr *s = sp_sql_expr_literal(az->arena, sp_sql_prim(SP_SQL_STRING), lit);
        return sp_az_cast(az, s, t);
    }
    if (!ok)
        return sp_az_fail(az, err, n->off, "INVALID_TYPED_LITERAL", "valueType",
                          sp_az_type_sql(az, t), "value", sp_az_printf(az, "'%.*s'", (int)len, v),
                          NULL);
    return sp_sql_expr_literal(az->arena, t, lit);
}

static sp_sql_expr *literal(sp_analyzer *az, const sp_sql_node *n, sp_sql_error *err)
{
    switch (n->kind) {
    case SQL_LIT_INT:
    case SQL_LIT_BIGINT:
    case SQL_LIT_SMALLINT:
    case SQL_LIT_TINYINT:
        return int_lit(az, n, err);
    case SQL_LIT_DECIMAL:
    case SQL_LIT_BIGDEC:
        return decimal_lit(az, n, err);
    case SQL_LIT_EXPONENT:
    case SQL_LIT_DOUBLE:
        return sp_sql_expr_lit_double(az->arena, strtod(n->str, NULL));
    case SQL_LIT_FLOAT: {
        sp_sql_lit lit = {.d = (double)strtof(n->str, NULL)};
        return sp_sql_expr_literal(az->arena, sp_sql_prim(SP_SQL_FLOAT), lit);
    }
    case SQL_LIT_STRING: {
        sp_sql_lit lit = {.str = n->str, .len = n->slen};
        return sp_sql_expr_literal(az->arena, sp_sql_prim(SP_SQL_STRING), lit);
    }
    case SQL_LIT_BOOL:
        return sp_sql_expr_lit_bool(az->arena, n->op != 0);
    case SQL_LIT_NULL:
        return sp_sql_expr_lit_null(az->arena, sp_sql_prim(SP_SQL_NULL));
    default:
        return typed_lit(az, n, err);
    }
}

/* ---- operators ---- */

static void *diff_types(sp_analyzer *az, const sp_sql_node *n, const sp_sql_type *x,
                        const sp_sql_type *y, sp_sql_error *err)
{
    return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "sqlExpr",
                      sp_az_sql_expr(az, n), "left", sp_az_type_sql(az, x), "right",
                      sp_az_type_sql(az, y), NULL);
}

static void *wrong_type(sp_analyzer *az, const sp_sql_node *n, const char *input,
                        const sp_sql_type *t, sp_sql_error *err)
{
    return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE", "sqlExpr",
                      sp_az_sql_expr(az, n), "inputType", input, "actualDataType",
                      sp_az_type_sql(az, t), NULL);
}

/* A BOOLEAN operand: void and (implicitly) strings are cast. */
static sp_sql_expr *as_bool(sp_analyzer *az, sp_sql_expr *e)
{
    if (e->type->id == SP_SQL_NULL || e->type->id == SP_SQL_STRING)
        return sp_az_cast(az, e, sp_sql_prim(SP_SQL_BOOLEAN));
    return e;
}

static sp_sql_expr *logic(sp_analyzer *az, const sp_sql_node *n, sp_sql_expr *x, sp_sql_expr *y,
                          sp_sql_error *err)
{
    x = as_bool(az, x);
    y = as_bool(az, y);
    bool xb = x->type->id == SP_SQL_BOOLEAN, yb = y->type->id == SP_SQL_BOOLEAN;
    if (!xb || !yb) {
        if (!sp_sql_type_equal_ignore_nullable(x->type, y->type))
            return diff_types(az, n, x->type, y->type, err);
        return wrong_type(az, n, "\"BOOLEAN\"", x->type, err);
    }
    return n->op == BIN_AND ? sp_sql_expr_and(az->arena, x, y) : sp_sql_expr_or(az->arena, x, y);
}

static sp_sql_expr *compare(sp_analyzer *az, const sp_sql_node *n, sp_sql_expr *x, sp_sql_expr *y,
                            sp_sql_error *err)
{
    const sp_sql_type *t = sp_sql_comparison_type(az->arena, x->type, y->type, az->ansi);
    if (!t) return diff_types(az, n, x->type, y->type, err);
    x = sp_az_cast(az, x, t);
    y = sp_az_cast(az, y, t);
    static const sp_sql_cmp_op ops[] = {
        [BIN_EQ] = SP_SQL_CMP_EQ,  [BIN_NSEQ] = SP_SQL_CMP_EQ_NULL_SAFE,
        [BIN_NEQ] = SP_SQL_CMP_EQ, [BIN_LT] = SP_SQL_CMP_LT,
        [BIN_LE] = SP_SQL_CMP_LE,  [BIN_GT] = SP_SQL_CMP_GT,
        [BIN_GE] = SP_SQL_CMP_GE,
    };
    sp_sql_expr *c = sp_sql_expr_cmp(az->arena, ops[n->op], x, y);
    return n->op == BIN_NEQ ? sp_sql_expr_not(az->arena, c) : c;
}

/* DecimalType.fromLiteral for an integral literal meeting a DECIMAL. */
static sp_sql_expr *lit_to_decimal(sp_analyzer *az, sp_sql_expr *e, const sp_sql_expr *other)
{
    if (e->kind != SP_SQL_E_LITERAL || e->lit.is_null || !sp_sql_type_is_integral(e->type) ||
        other->type->id != SP_SQL_DECIMAL)
        return e;
    unsigned long long v =
        e->lit.i < 0 ? 0ull - (unsigned long long)e->lit.i : (unsigned long long)e->lit.i;
    int digits = 1;
    while (v >= 10) {
        v /= 10;
        digits++;
    }
    return sp_az_cast(az, e, sp_sql_decimal(az->arena, digits, 0));
}

static const char *arith_input(sp_sql_arith_op op)
{
    switch (op) {
    case SP_SQL_OP_ADD:
    case SP_SQL_OP_SUB:
        return "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or "
               "\"INTERVAL\")";
    case SP_SQL_OP_DIV:
        return "(\"DOUBLE\" or \"DECIMAL\")";
    case SP_SQL_OP_INT_DIV:
        return "(\"BIGINT\" or \"DECIMAL\")";
    default:
        return "\"NUMERIC\"";
    }
}

/* An operand cast for a result of type t: a DECIMAL result keeps decimal
 * operands and makes others decimals; otherwise the operand becomes t (DIV:
 * BIGINT unless decimals are involved). */
static sp_sql_expr *arith_operand(sp_analyzer *az, sp_sql_expr *e, sp_sql_expr *other,
                                  const sp_sql_type *t, sp_sql_arith_op op)
{
    bool dec = e->type->id == SP_SQL_DECIMAL || other->type->id == SP_SQL_DECIMAL;
    if (t->id == SP_SQL_DECIMAL || (op == SP_SQL_OP_INT_DIV && dec)) {
        if (e->type->id == SP_SQL_DECIMAL) return e;
        const sp_sql_type *d = sp_sql_decimal_for_type(az->arena, e->type);
        if (!d) d = other->type->id == SP_SQL_DECIMAL ? other->type : t;
        return sp_az_cast(az, e, d);
    }
    if (op == SP_SQL_OP_DIV) return sp_az_cast(az, e, sp_sql_prim(SP_SQL_DOUBLE));
    return sp_az_cast(az, e, t);
}

sp_sql_expr *sp_az_arith(sp_analyzer *az, const sp_sql_node *n, sp_sql_arith_op op, sp_sql_expr *x,
                         sp_sql_expr *y, sp_sql_error *err)
{
    x = lit_to_decimal(az, x, y);
    y = lit_to_decimal(az, y, x);
    const sp_sql_type *t =
        sp_sql_arith_result_type(az->arena, op, x->type, y->type, az->ansi, true);
    if (!t) {
        if (!sp_sql_type_equal_ignore_nullable(x->type, y->type) && x->type->id != SP_SQL_NULL &&
            y->type->id != SP_SQL_NULL)
            return diff_types(az, n, x->type, y->type, err);
        const sp_sql_type *bad = x->type->id == SP_SQL_NULL ? y->type : x->type;
        return wrong_type(az, n, arith_input(op), bad, err);
    }
    sp_sql_expr *cx = arith_operand(az, x, y, t, op);
    sp_sql_expr *cy = arith_operand(az, y, x, t, op);
    return sp_sql_expr_arith(az->arena, op, cx, cy, t);
}

static sp_sql_expr *concat(sp_analyzer *az, sp_sql_expr *x, sp_sql_expr *y)
{
    sp_sql_expr *args[2] = {sp_az_cast(az, x, sp_sql_prim(SP_SQL_STRING)),
                            sp_az_cast(az, y, sp_sql_prim(SP_SQL_STRING))};
    return sp_sql_expr_func(az->arena, SP_SQL_F_CONCAT, args, 2, NULL);
}

static sp_sql_expr *binary(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                           sp_sql_error *err)
{
    if (sp_az_is_interval_literal(n->a) || sp_az_is_interval_literal(n->b))
        return sp_az_interval_arith(az, s, n, err);
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err);
    if (!x) return NULL;
    sp_sql_expr *y = sp_az_expr(az, s, n->b, err);
    if (!y) return NULL;
    switch (n->op) {
    case BIN_OR:
    case BIN_AND:
        return logic(az, n, x, y, err);
    case BIN_EQ ... BIN_GE:
        return compare(az, n, x, y, err);
    case BIN_ADD:
    case BIN_SUB:
    case BIN_MUL ... BIN_IDIV: {
        static const sp_sql_arith_op ops[] = {
            [BIN_ADD] = SP_SQL_OP_ADD, [BIN_SUB] = SP_SQL_OP_SUB, [BIN_MUL] = SP_SQL_OP_MUL,
            [BIN_DIV] = SP_SQL_OP_DIV, [BIN_MOD] = SP_SQL_OP_MOD, [BIN_IDIV] = SP_SQL_OP_INT_DIV,
        };
        return sp_az_arith(az, n, ops[n->op], x, y, err);
    }
    case BIN_CONCAT:
        return concat(az, x, y);
    default:
        return sp_az_fail(az, err, n->off, "INTERNAL_ERROR", "message",
                          "bitwise operators are not supported yet", NULL);
    }
}

static sp_sql_expr *unary(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                          sp_sql_error *err)
{
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err);
    if (!x) return NULL;
    if (n->op == UN_NOT) {
        x = as_bool(az, x);
        if (x->type->id != SP_SQL_BOOLEAN)
            return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "sqlExpr",
                              sp_az_sql_expr(az, n), "paramIndex", "first", "requiredType",
                              "\"BOOLEAN\"", "inputSql", sp_az_sql_expr(az, n->a), "inputType",
                              sp_az_type_sql(az, x->type), NULL);
        return sp_sql_expr_not(az->arena, x);
    }
    if (x->type->id == SP_SQL_STRING) x = sp_az_cast(az, x, sp_sql_prim(SP_SQL_DOUBLE));
    if (!sp_sql_type_is_numeric(x->type) && x->type->id != SP_SQL_NULL)
        return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "sqlExpr",
                          sp_az_sql_expr(az, n), "paramIndex", "first", "requiredType",
                          "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO "
                          "MONTH\" or \"INTERVAL\")",
                          "inputSql", sp_az_sql_expr(az, n->a), "inputType",
                          sp_az_type_sql(az, x->type), NULL);
    return n->op == UN_NEG ? sp_sql_expr_neg(az->arena, x) : x;
}

/* IS [NOT] NULL / TRUE / FALSE / UNKNOWN: the TRUE/FALSE forms are
 * null-safe equalities, as Spark's parser makes them. */
static sp_sql_expr *is(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                       sp_sql_error *err)
{
    sp_sql_expr *x = sp_az_expr(az, s, n->a, err);
    if (!x) return NULL;
    bool neg = (n->flags & SQL_F_NOT) != 0;
    if (n->op == IS_NULL || n->op == IS_UNKNOWN) return sp_sql_expr_is_null(az->arena, x, neg);
    x = as_bool(az, x);
    if (x->type->id != SP_SQL_BOOLEAN) {
        const sp_sql_type *b = sp_sql_prim(SP_SQL_BOOLEAN);
        return diff_types(az, n, x->type, b, err);
    }
    sp_sql_expr *v = sp_sql_expr_lit_bool(az->arena, n->op == IS_TRUE);
    sp_sql_expr *c = sp_sql_expr_cmp(az->arena, SP_SQL_CMP_EQ_NULL_SAFE, x, v);
    return neg ? sp_sql_expr_not(az->arena, c) : c;
}

static sp_sql_expr *expr_node(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                              sp_sql_error *err)
{
    switch (n->kind) {
    case SQL_LIT_INT ... SQL_LIT_TYPED:
        return literal(az, n, err);
    case SQL_COLUMN:
        return sp_az_column_path(az, s, n, err);
    case SQL_SUBSCRIPT:
        return sp_az_subscript(az, s, n, err);
    case SQL_FIELD:
        return sp_az_field(az, s, n, err);
    case SQL_ALIAS:
        return sp_az_expr(az, s, n->a, err);
    case SQL_UNARY:
        return unary(az, s, n, err);
    case SQL_BINARY:
        return binary(az, s, n, err);
    case SQL_IS:
        return is(az, s, n, err);
    case SQL_IN_LIST:
        return sp_az_in_list(az, s, n, err);
    case SQL_BETWEEN:
        return sp_az_between(az, s, n, err);
    case SQL_LIKE:
        return sp_az_like(az, s, n, err);
    case SQL_CASE:
        return sp_az_case(az, s, n, err);
    case SQL_CAST:
        return sp_az_cast_node(az, s, n, err);
    case SQL_FUNC:
        return sp_az_func(az, s, n, err);
    case SQL_SUBQUERY:
        return sp_az_scalar_ref(az, s, n, err);
    default:
        return sp_az_fail(
            az, err, n->off, "INTERNAL_ERROR", "message",
            sp_az_printf(az, "%s is not supported here yet", sp_sql_kind_name(n->kind)), NULL);
    }
}

sp_sql_expr *sp_az_expr(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                        sp_sql_error *err)
{
    sp_sql_expr *e = expr_node(az, s, n, err);
    return e ? sp_az_nested_guard(az, n, e, err) : NULL;
}
