/* scan_row.c - the part of the CSV and JSON scanners that is not syntax
 * (scan_int.h): the schema checked and mapped to columns, a field's text
 * converted to its column as Spark's UnivocityParser converters do, and a
 * row ended by the parse mode (FailureSafeParser: PERMISSIVE keeps the
 * partial row and the record in the corrupt column, DROPMALFORMED drops it,
 * FAILFAST stops with MALFORMED_RECORD_IN_PARSING). One task at a time. */
#include "sql/scan_int.h"

#include "base/errbuf.h"
#include "sql/datetime.h"
#include "sql/type_column.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static bool compile_fmt(const char *p, sp_dtf **out, char *err, size_t en)
{
    *out = NULL;
    if (!p || !*p) return true;
    *out = sp_dtf_compile(p, strlen(p), true, err, en);
    return *out != NULL;
}

static bool check_field(sp_sql_scan_base *s, const sp_sql_field *f, int i, const char *corrupt,
                        char *err, size_t en)
{
    sp_colspec spec;
    bool is_corrupt = corrupt && !strcmp(f->name, corrupt);
    if (is_corrupt && f->type->id != SP_SQL_STRING) {
        sp_errf(err, en,
                "[INVALID_CORRUPT_RECORD_TYPE] The column `%s` for corrupt records must have the "
                "nullable STRING type, but got a type of id %d.",
                f->name, (int)f->type->id);
        return false;
    }
    if (!sp_sql_type_is_atomic(f->type) || !sp_sql_type_column(f->type, &spec)) {
        sp_errf(err, en, "field %d `%s`: a primitive type expected (nested types are not read yet)",
                i, f->name);
        return false;
    }
    s->fields[i] = (sp_sql_scan_field){f->name, strlen(f->name), f->type->id, f->type->precision,
                                       f->type->scale};
    if (is_corrupt)
        s->corrupt = i;
    else
        s->data[s->ndata++] = i;
    return true;
}

bool sp_sql_scan_base_init(sp_sql_scan_base *s, const sp_sql_type *schema, sp_sql_parse_mode mode,
                           const char *corrupt, const char *date_fmt, const char *ts_fmt,
                           const char *ntz_fmt, const char *tz_name, char *err, size_t en)
{
    memset(s, 0, sizeof *s);
    s->corrupt = -1;
    s->mode = mode;
    if (!schema || schema->id != SP_SQL_STRUCT) {
        sp_errf(err, en, "the schema must be a STRUCT of fields");
        return false;
    }
    s->nfields = schema->nfields;
    s->fields = calloc((size_t)s->nfields + 1, sizeof *s->fields);
    s->data = calloc((size_t)s->nfields + 1, sizeof *s->data);
    if (!s->fields || !s->data) goto fail;
    for (int i = 0; i < s->nfields; i++)
        if (!check_field(s, &schema->fields[i], i, corrupt, err, en)) goto fail;
    s->tz = tz_name && *tz_name ? sp_tz_get(tz_name, err, en) : sp_tz_utc();
    if (!s->tz) goto fail;
    if (!compile_fmt(date_fmt, &s->date_fmt, err, en) ||
        !compile_fmt(ts_fmt, &s->ts_fmt, err, en) || !compile_fmt(ntz_fmt, &s->ntz_fmt, err, en))
        goto fail;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s->now_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    return true;
fail:
    sp_sql_scan_base_free(s);
    return false;
}

void sp_sql_scan_base_free(sp_sql_scan_base *s)
{
    free(s->fields);
    free(s->data);
    free(s->scratch);
    sp_dtf_free(s->date_fmt);
    sp_dtf_free(s->ts_fmt);
    sp_dtf_free(s->ntz_fmt);
    memset(s, 0, sizeof *s);
}

sp_colbatch *sp_sql_scan_batch_new(const sp_sql_scan_base *s, spate_arena *a, int64_t capacity)
{
    sp_colspec specs[s->nfields + 1];
    const char *names[s->nfields + 1];
    for (int i = 0; i < s->nfields; i++) {
        sp_sql_type_id id = s->fields[i].type;
        const sp_sql_type *t = id == SP_SQL_DECIMAL
                                   ? &(sp_sql_type){.id = SP_SQL_DECIMAL,
                                                    .precision = s->fields[i].precision,
                                                    .scale = s->fields[i].scale}
                                   : sp_sql_prim(id);
        sp_sql_type_column(t, &specs[i]);
        names[i] = s->fields[i].name;
    }
    return sp_colbatch_new_spec(a, s->nfields, specs, names, capacity);
}

char *sp_sql_scan_scratch(sp_sql_scan_base *s, const char *t, size_t n)
{
    if (n + 1 > s->scratch_cap) {
        size_t cap = s->scratch_cap ? s->scratch_cap : 256;
        while (cap < n + 1)
            cap *= 2;
        char *p = realloc(s->scratch, cap);
        if (!p) return NULL;
        s->scratch = p, s->scratch_cap = cap;
    }
    memcpy(s->scratch, t, n);
    s->scratch[n] = '\0';
    return s->scratch;
}

static bool eq(const char *t, size_t n, const char *z)
{
    return z && strlen(z) == n && !memcmp(t, z, n);
}

static bool put_fraction(sp_sql_scan_base *s, sp_column *c, sp_sql_type_id id, int64_t row,
                         const char *t, size_t n)
{
    double d;
    if (eq(t, n, s->nan))
        d = NAN;
    else if (eq(t, n, s->ninf))
        d = -INFINITY;
    else if (eq(t, n, s->pinf))
        d = INFINITY;
    else if (id == SP_SQL_FLOAT) {
        float f;
        if (!sp_sql_scan_float(t, n, &f)) return false;
        sp_column_f32(c)[row] = f;
        return true;
    } else if (!sp_sql_scan_double(t, n, &d))
        return false;
    if (id == SP_SQL_FLOAT)
        sp_column_f32(c)[row] = (float)d;
    else
        sp_column_f64(c)[row] = d;
    return true;
}

static bool put_datetime(sp_sql_scan_base *s, sp_column *c, sp_sql_type_id id, int64_t row,
                         const char *t, size_t n)
{
    if (id == SP_SQL_DATE) {
        int32_t days;
        bool ok = s->date_fmt ? sp_sql_to_date(s->date_fmt, t, n, s->tz, &days, NULL, 0)
                              : sp_sql_string_to_date(t, n, &days);
        if (ok) sp_column_date32(c)[row] = days;
        return ok;
    }
    int64_t us;
    bool ok;
    if (id == SP_SQL_TIMESTAMP)
        ok = s->ts_fmt ? sp_dtf_parse(s->ts_fmt, t, n, s->tz, &us, NULL, 0)
                       : sp_sql_string_to_ts(t, n, s->tz, s->now_us, &us);
    else
        ok = s->ntz_fmt ? sp_dtf_parse(s->ntz_fmt, t, n, sp_tz_utc(), &us, NULL, 0)
                        : sp_sql_string_to_ntz(t, n, false, &us);
    if (ok) sp_column_i64(c)[row] = us;
    return ok;
}

bool sp_sql_scan_put_text(sp_sql_scan_base *s, sp_colbatch *b, int f, int64_t row, const char *t,
                          size_t n)
{
    sp_column *c = &b->cols[f];
    const sp_sql_scan_field *fd = &s->fields[f];
    int64_t v;
    switch (fd->type) {
    case SP_SQL_STRING:
    case SP_SQL_BINARY:
        sp_column_append_bytes(b, f, t, n);
        return true;
    case SP_SQL_BOOLEAN:
        if (n == 4 && !strncasecmp(t, "true", 4))
            sp_column_set_bool(c, row, true);
        else if (n == 5 && !strncasecmp(t, "false", 5))
            sp_column_set_bool(c, row, false);
        else
            return false;
        return true;
    case SP_SQL_TINYINT:
        if (!sp_sql_scan_int(t, n, INT8_MIN, INT8_MAX, &v)) return false;
        sp_column_i8(c)[row] = (int8_t)v;
        return true;
    case SP_SQL_SMALLINT:
        if (!sp_sql_scan_int(t, n, INT16_MIN, INT16_MAX, &v)) return false;
        sp_column_i16(c)[row] = (int16_t)v;
        return true;
    case SP_SQL_INT:
        if (!sp_sql_scan_int(t, n, INT32_MIN, INT32_MAX, &v)) return false;
        sp_column_i32(c)[row] = (int32_t)v;
        return true;
    case SP_SQL_BIGINT:
        if (!sp_sql_scan_int(t, n, INT64_MIN, INT64_MAX, &v)) return false;
        sp_column_i64(c)[row] = v;
        return true;
    case SP_SQL_FLOAT:
    case SP_SQL_DOUBLE:
        return put_fraction(s, c, fd->type, row, t, n);
    case SP_SQL_DECIMAL: {
        uint64_t lo;
        int64_t hi;
        if (!sp_sql_scan_decimal(t, n, true, fd->precision, fd->scale, &lo, &hi)) return false;
        sp_column_set_decimal128(c, row, lo, hi);
        return true;
    }
    case SP_SQL_DATE:
    case SP_SQL_TIMESTAMP:
    case SP_SQL_TIMESTAMP_NTZ:
        return put_datetime(s, c, fd->type, row, t, n);
    default:
        return false;
    }
}

void sp_sql_scan_put_null(sp_colbatch *b, int f, int64_t row)
{
    if (sp_coltype_is_varlen(b->cols[f].type)) sp_column_append_bytes(b, f, "", 0);
    sp_column_set_null(b, f, row);
}

void sp_sql_scan_unset(sp_colbatch *b, int f, int64_t row)
{
    sp_column *c = &b->cols[f];
    uint8_t bit = (uint8_t)(1u << (row & 7));
    if (c->validity && !(c->validity[row >> 3] & bit)) {
        c->validity[row >> 3] |= bit;
        c->null_count--;
    }
    if (sp_coltype_is_varlen(c->type) && c->str_rows > row) c->str_rows = row;
}
