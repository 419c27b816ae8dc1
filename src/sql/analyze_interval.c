/* analyze_interval.c - datetime arithmetic with interval literals, as
 * Spark's TimeAdd / DateAddInterval / DateAddYMInterval:
 *
 *   ts +/- INTERVAL ...   (TIMESTAMP, TIMESTAMP_NTZ)  -> the same type
 *   date +/- INTERVAL n DAY / MONTH / YEAR            -> DATE
 *   date +/- INTERVAL with hours or less              -> TIMESTAMP
 *   INTERVAL ... + ts / date                          (the same)
 *
 * Months are added to the local date (the day clamped to the month's
 * length), then the rest in microseconds; a timestamp's months in the
 * session time zone. Intervals are literals only (INTERVAL '10' SECOND,
 * INTERVAL 1 HOUR 30 MINUTES, INTERVAL '2 days'): spate has no interval
 * columns, so an interval elsewhere is refused. Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "base/arena.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MONTHS_PER_YEAR = 12 };
static const int64_t US_PER_DAY = INT64_C(86400000000);

/* Microseconds per unit of sp_sql_unit from UNIT_WEEK on. */
static const int64_t unit_us[] = {
    [UNIT_WEEK] = INT64_C(604800000000),
    [UNIT_DAY] = INT64_C(86400000000),
    [UNIT_HOUR] = INT64_C(3600000000),
    [UNIT_MINUTE] = 60000000,
    [UNIT_SECOND] = 1000000,
    [UNIT_MILLISECOND] = 1000,
    [UNIT_MICROSECOND] = 1,
};

static const char *const unit_names[] = {
    [UNIT_YEAR] = "year",
    [UNIT_MONTH] = "month",
    [UNIT_WEEK] = "week",
    [UNIT_DAY] = "day",
    [UNIT_HOUR] = "hour",
    [UNIT_MINUTE] = "minute",
    [UNIT_SECOND] = "second",
    [UNIT_MILLISECOND] = "millisecond",
    [UNIT_MICROSECOND] = "microsecond",
};

static void add_unit(int unit, long long n, sp_az_interval *iv)
{
    if (unit == UNIT_YEAR)
        iv->months += (int32_t)(n * MONTHS_PER_YEAR);
    else if (unit == UNIT_MONTH)
        iv->months += (int32_t)n;
    else
        iv->us += (int64_t)n * unit_us[unit];
}

/* The unit a word names (singular or plural), or 0. */
static int unit_of(const char *w, size_t len)
{
    if (len > 1 && (w[len - 1] == 's' || w[len - 1] == 'S')) len--;
    for (int u = UNIT_YEAR; u <= UNIT_MICROSECOND; u++)
        if (strlen(unit_names[u]) == len && strncasecmp(w, unit_names[u], len) == 0) return u;
    return 0;
}

bool sp_az_interval_text(const char *text, sp_az_interval *iv)
{
    memset(iv, 0, sizeof *iv);
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (strncasecmp(p, "interval", 8) == 0 && (isspace((unsigned char)p[8]) || !p[8])) p += 8;
    int parts = 0;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p) break;
        char *end;
        long long n = strtoll(p, &end, 10);
        if (end == p || !isspace((unsigned char)*end)) return false;
        p = end;
        while (isspace((unsigned char)*p))
            p++;
        const char *w = p;
        while (isalpha((unsigned char)*p))
            p++;
        int u = unit_of(w, (size_t)(p - w));
        if (!u || (*p && !isspace((unsigned char)*p))) return false;
        add_unit(u, n, iv);
        parts++;
    }
    return parts > 0;
}

bool sp_az_is_interval_literal(const sp_sql_node *n)
{
    return n && (n->kind == SQL_INTERVAL ||
                 (n->kind == SQL_LIT_TYPED && n->str && !strcmp(n->str, "INTERVAL")));
}

bool sp_az_interval_of(const sp_sql_node *n, sp_az_interval *iv)
{
    memset(iv, 0, sizeof *iv);
    if (n->kind == SQL_LIT_TYPED) return n->a && n->a->str && sp_az_interval_text(n->a->str, iv);
    if (n->kind == SQL_LIT_STRING) return sp_az_interval_text(n->str, iv);
    if (n->kind != SQL_INTERVAL || n->op2) return false; /* no unit TO unit form */
    for (uint32_t i = 0; i < n->list.n; i++) {
        const sp_sql_node *part = n->list.items[i], *v = part->a;
        if (part->op < UNIT_YEAR || part->op > UNIT_MICROSECOND || !v || !v->str) return false;
        char *end;
        long long x = strtoll(v->str, &end, 10);
        if (*end || end == v->str) return false;
        add_unit(part->op, x, iv);
    }
    return true;
}

/* fn(x, literal) with result type t. */
static sp_sql_expr *call2(sp_analyzer *az, sp_sql_func fn, sp_sql_expr *x, sp_sql_expr *lit,
                          const sp_sql_type *t)
{
    sp_sql_expr *args[] = {x, lit};
    return sp_sql_expr_func(az->arena, fn, args, 2, t);
}

/* x (a DATE, TIMESTAMP or TIMESTAMP_NTZ) + iv. */
static sp_sql_expr *add_interval(sp_analyzer *az, sp_sql_expr *x, sp_az_interval iv)
{
    const sp_sql_type *date = sp_sql_prim(SP_SQL_DATE);
    if (x->type->id == SP_SQL_DATE && iv.us % US_PER_DAY == 0) { /* stays a DATE */
        if (iv.months)
            x = call2(az, SP_SQL_F_ADD_MONTHS, x, sp_sql_expr_lit_int(az->arena, iv.months), date);
        if (iv.us)
            x = call2(az, SP_SQL_F_DATE_ADD, x,
                      sp_sql_expr_lit_int(az->arena, (int32_t)(iv.us / US_PER_DAY)), date);
        return x;
    }
    if (x->type->id == SP_SQL_DATE) x = sp_az_cast(az, x, sp_sql_prim(SP_SQL_TIMESTAMP));
    sp_sql_expr *args[] = {x, sp_sql_expr_lit_long(az->arena, iv.months),
                           sp_sql_expr_lit_long(az->arena, iv.us)};
    return sp_sql_expr_func(az->arena, SP_SQL_F_TS_ADD_INTERVAL, args, 3, x->type);
}

sp_sql_expr *sp_az_interval_arith(sp_analyzer *az, const sp_az_scope *s, const sp_sql_node *n,
                                  sp_sql_error *err)
{
    bool left = sp_az_is_interval_literal(n->a), right = sp_az_is_interval_literal(n->b);
    const sp_sql_node *lit = right ? n->b : n->a, *other = right ? n->a : n->b;
    if ((left && right) || (left && n->op != BIN_ADD) || (n->op != BIN_ADD && n->op != BIN_SUB))
        return sp_az_fail(az, err, n->off, "UNSUPPORTED_FEATURE", "message",
                          sp_az_printf(az,
                                       "%s: spate has interval literals only as a term "
                                       "added to or subtracted from a date or timestamp",
                                       sp_az_sql_expr(az, n)),
                          NULL);
    sp_az_interval iv;
    if (!sp_az_interval_of(lit, &iv))
        return sp_az_fail(az, err, lit->off, "INVALID_INTERVAL_FORMAT", "input",
                          sp_az_sql_expr(az, lit), NULL);
    sp_sql_expr *x = sp_az_expr(az, s, other, err);
    if (!x) return NULL;
    if (x->type->id == SP_SQL_STRING) x = sp_az_cast(az, x, sp_sql_prim(SP_SQL_TIMESTAMP));
    sp_sql_type_id id = x->type->id;
    if (id != SP_SQL_DATE && id != SP_SQL_TIMESTAMP && id != SP_SQL_TIMESTAMP_NTZ)
        return sp_az_fail(az, err, n->off, "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "sqlExpr",
                          sp_az_sql_expr(az, n), "left",
                          right ? sp_az_type_sql(az, x->type) : "\"INTERVAL\"", "right",
                          right ? "\"INTERVAL\"" : sp_az_type_sql(az, x->type), NULL);
    if (n->op == BIN_SUB) {
        iv.months = -iv.months;
        iv.us = -iv.us;
    }
    return add_interval(az, x, iv);
}
