/* show_cast.c - values as show() prints them (show_cast.h): Spark's
 * ToPrettyString over scalar cells of column batches and over the nested
 * sp_sql_showval. */
#include "sql/show_cast.h"

#include "sql/datetime.h"
#include "sql/java_num.h"

#include <inttypes.h>
#include <stdio.h>

static void put_i64(sp_sql_sbuf *b, int64_t v)
{
    char s[24];
    int n = snprintf(s, sizeof s, "%" PRId64, v);
    sp_sql_sbuf_put(b, s, (size_t)n);
}

void sp_sql_show_binary(sp_sql_sbuf *b, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    sp_sql_sbuf_put(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        char s[3] = {' ', hex[p[i] >> 4], hex[p[i] & 15]};
        sp_sql_sbuf_put(b, i ? s : s + 1, i ? 3 : 2);
    }
    sp_sql_sbuf_put(b, "]", 1);
}

/* Arrays "[a, b]", structs "{a, b}": a NULL item prints "NULL". */
static void put_items(sp_sql_sbuf *b, const sp_sql_showval *v, const sp_tz *tz, char open,
                      char close)
{
    sp_sql_sbuf_put(b, &open, 1);
    for (size_t i = 0; i < v->u.list.n; i++) {
        if (i) sp_sql_sbuf_put(b, ", ", 2);
        sp_sql_show_value(b, &v->u.list.items[i], tz);
    }
    sp_sql_sbuf_put(b, &close, 1);
}

/* Maps "{k1 -> v1, k2 -> NULL}". */
static void put_map(sp_sql_sbuf *b, const sp_sql_showval *v, const sp_tz *tz)
{
    sp_sql_sbuf_put(b, "{", 1);
    for (size_t i = 0; i < v->u.list.n; i++) {
        if (i) sp_sql_sbuf_put(b, ", ", 2);
        sp_sql_show_value(b, &v->u.list.items[2 * i], tz);
        sp_sql_sbuf_put(b, " -> ", 4);
        sp_sql_show_value(b, &v->u.list.items[2 * i + 1], tz);
    }
    sp_sql_sbuf_put(b, "}", 1);
}

/* The scalar kinds with a fixed-size text. */
static size_t scalar_text(const sp_sql_showval *v, const sp_tz *tz, char *s)
{
    switch (v->kind) {
    case SP_SQL_SV_FLOAT:
        return sp_sql_java_float_str(v->u.f, s);
    case SP_SQL_SV_DOUBLE:
        return sp_sql_java_double_str(v->u.d, s);
    case SP_SQL_SV_DECIMAL:
        return sp_sql_decimal_plain_str(v->u.dec.lo, v->u.dec.hi, v->u.dec.scale, s);
    case SP_SQL_SV_DATE:
        return sp_sql_date_to_string(v->u.days, s);
    case SP_SQL_SV_TIMESTAMP:
        return sp_sql_ts_to_string(v->u.us, tz ? tz : sp_tz_utc(), s);
    case SP_SQL_SV_TIMESTAMP_NTZ:
        return sp_sql_ntz_to_string(v->u.us, s);
    default:
        return 0;
    }
}

void sp_sql_show_value(sp_sql_sbuf *b, const sp_sql_showval *v, const sp_tz *tz)
{
    char s[SP_SQL_JAVA_NUM_MAX > SP_SQL_DT_STR_MAX ? SP_SQL_JAVA_NUM_MAX : SP_SQL_DT_STR_MAX];
    switch (v->kind) {
    case SP_SQL_SV_NULL:
        sp_sql_sbuf_put(b, "NULL", 4);
        return;
    case SP_SQL_SV_BOOL:
        sp_sql_sbuf_puts(b, v->u.b ? "true" : "false");
        return;
    case SP_SQL_SV_INT:
        put_i64(b, v->u.i);
        return;
    case SP_SQL_SV_STRING:
        sp_sql_sbuf_put(b, v->u.str.p, v->u.str.n);
        return;
    case SP_SQL_SV_BINARY:
        sp_sql_show_binary(b, (const uint8_t *)v->u.str.p, v->u.str.n);
        return;
    case SP_SQL_SV_ARRAY:
        put_items(b, v, tz, '[', ']');
        return;
    case SP_SQL_SV_STRUCT:
        put_items(b, v, tz, '{', '}');
        return;
    case SP_SQL_SV_MAP:
        put_map(b, v, tz);
        return;
    default:
        sp_sql_sbuf_put(b, s, scalar_text(v, tz, s));
        return;
    }
}

/* Row row of c (valid) as a showval; strings point into the batch. */
static sp_sql_showval cell_value(const sp_column *c, int64_t row)
{
    sp_sql_showval v = {.kind = SP_SQL_SV_INT};
    switch (c->type) {
    case SP_COL_BOOL:
        v.kind = SP_SQL_SV_BOOL, v.u.b = sp_column_get_bool(c, row);
        break;
    case SP_COL_I8:
        v.u.i = sp_column_i8(c)[row];
        break;
    case SP_COL_I16:
        v.u.i = sp_column_i16(c)[row];
        break;
    case SP_COL_I32:
        v.u.i = sp_column_i32(c)[row];
        break;
    case SP_COL_I64:
        v.u.i = sp_column_i64(c)[row];
        break;
    case SP_COL_F32:
        v.kind = SP_SQL_SV_FLOAT, v.u.f = sp_column_f32(c)[row];
        break;
    case SP_COL_F64:
        v.kind = SP_SQL_SV_DOUBLE, v.u.d = sp_column_f64(c)[row];
        break;
    case SP_COL_DECIMAL128:
        v.kind = SP_SQL_SV_DECIMAL;
        sp_column_get_decimal128(c, row, &v.u.dec.lo, &v.u.dec.hi);
        v.u.dec.scale = c->scale;
        break;
    case SP_COL_UTF8:
    case SP_COL_BINARY:
        v.kind = c->type == SP_COL_UTF8 ? SP_SQL_SV_STRING : SP_SQL_SV_BINARY;
        v.u.str.p = c->chars + c->offsets[row];
        v.u.str.n = (size_t)(c->offsets[row + 1] - c->offsets[row]);
        break;
    case SP_COL_DATE32:
        v.kind = SP_SQL_SV_DATE, v.u.days = sp_column_date32(c)[row];
        break;
    case SP_COL_TIMESTAMP:
        v.kind = SP_SQL_SV_TIMESTAMP, v.u.us = sp_column_i64(c)[row];
        break;
    case SP_COL_TIMESTAMP_NTZ:
        v.kind = SP_SQL_SV_TIMESTAMP_NTZ, v.u.us = sp_column_i64(c)[row];
        break;
    case SP_COL_LIST:
    case SP_COL_STRUCT:
    case SP_COL_MAP:
        break; /* sp_sql_show_cell prints nested values itself */
    }
    return v;
}

/* A list's elements "[a, b]" or a map's entries "{k -> v}" of row row. */
static void show_list_cell(sp_sql_sbuf *b, const sp_column *c, int64_t row, const sp_tz *tz)
{
    bool map = c->type == SP_COL_MAP;
    const sp_column *e = &c->children[0];
    sp_sql_sbuf_put(b, map ? "{" : "[", 1);
    for (int32_t i = c->offsets[row]; i < c->offsets[row + 1]; i++) {
        if (i > c->offsets[row]) sp_sql_sbuf_put(b, ", ", 2);
        if (!map) {
            sp_sql_show_cell(b, e, i, tz);
            continue;
        }
        sp_sql_show_cell(b, &e->children[0], i, tz);
        sp_sql_sbuf_put(b, " -> ", 4);
        sp_sql_show_cell(b, &e->children[1], i, tz);
    }
    sp_sql_sbuf_put(b, map ? "}" : "]", 1);
}

void sp_sql_show_cell(sp_sql_sbuf *b, const sp_column *c, int64_t row, const sp_tz *tz)
{
    if (!sp_column_valid(c, row)) {
        sp_sql_sbuf_put(b, "NULL", 4);
        return;
    }
    if (c->type == SP_COL_LIST || c->type == SP_COL_MAP) {
        show_list_cell(b, c, row, tz);
        return;
    }
    if (c->type == SP_COL_STRUCT) { /* "{1, x}": the fields' values */
        sp_sql_sbuf_put(b, "{", 1);
        for (int i = 0; i < c->nchildren; i++) {
            if (i) sp_sql_sbuf_put(b, ", ", 2);
            sp_sql_show_cell(b, &c->children[i], row, tz);
        }
        sp_sql_sbuf_put(b, "}", 1);
        return;
    }
    sp_sql_showval v = cell_value(c, row);
    sp_sql_show_value(b, &v, tz);
}
