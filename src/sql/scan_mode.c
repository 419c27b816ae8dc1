/* scan_mode.c - ending a scanned row by the parse mode (Spark's
 * FailureSafeParser) and the FAILFAST error, whose record is the partial row
 * as InternalRow.toString prints it ("[2015,Chevy,Volt,null,null]": dates as
 * days, timestamps as microseconds). One task at a time. */
#include "sql/scan_int.h"

#include "base/errbuf.h"
#include "sql/java_num.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A float or double as Java's Float/Double.toString prints it. */
static int java_num(char *out, size_t cap, double v, bool is_float)
{
    char num[SP_SQL_JAVA_NUM_MAX];
    if (is_float)
        sp_sql_java_float_str((float)v, num);
    else
        sp_sql_java_double_str(v, num);
    return snprintf(out, cap, "%s", num);
}

static int value_str(char *out, size_t cap, const sp_sql_scan_base *s, const sp_colbatch *b, int f,
                     int64_t row)
{
    const sp_column *c = &b->cols[f];
    if (!sp_column_valid(c, row) || (sp_coltype_is_varlen(c->type) && c->str_rows <= row))
        return snprintf(out, cap, "null");
    switch (s->fields[f].type) {
    case SP_SQL_STRING:
    case SP_SQL_BINARY:
        return snprintf(out, cap, "%.*s", (int)(c->offsets[row + 1] - c->offsets[row]),
                        c->chars + c->offsets[row]);
    case SP_SQL_BOOLEAN:
        return snprintf(out, cap, sp_column_get_bool(c, row) ? "true" : "false");
    case SP_SQL_TINYINT:
        return snprintf(out, cap, "%d", sp_column_i8(c)[row]);
    case SP_SQL_SMALLINT:
        return snprintf(out, cap, "%d", sp_column_i16(c)[row]);
    case SP_SQL_INT:
    case SP_SQL_DATE:
        return snprintf(out, cap, "%" PRId32, sp_column_i32(c)[row]);
    case SP_SQL_FLOAT:
        return java_num(out, cap, sp_column_f32(c)[row], true);
    case SP_SQL_DOUBLE:
        return java_num(out, cap, sp_column_f64(c)[row], false);
    case SP_SQL_DECIMAL: {
        uint64_t lo;
        int64_t hi;
        char num[SP_SQL_JAVA_NUM_MAX];
        sp_column_get_decimal128(c, row, &lo, &hi);
        sp_sql_decimal_plain_str(lo, hi, s->fields[f].scale, num);
        return snprintf(out, cap, "%s", num);
    }
    default:
        return snprintf(out, cap, "%" PRId64, sp_column_i64(c)[row]);
    }
}

static void failfast_msg(const sp_sql_scan_base *s, const sp_colbatch *b, int64_t row, char *err,
                         size_t en)
{
    char rec[1024];
    size_t w = 0;
    rec[w++] = '[';
    for (int f = 0; f < s->nfields && w + 8 < sizeof rec; f++) {
        if (f) rec[w++] = ',';
        int n = value_str(rec + w, sizeof rec - w - 2, s, b, f, row);
        w += n > 0 ? (size_t)n : 0;
        if (w > sizeof rec - 8) w = sizeof rec - 8;
    }
    rec[w++] = ']';
    rec[w] = '\0';
    sp_errf(err, en,
            "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
            "record parsing: %s.\nParse Mode: FAILFAST. To process malformed records as null "
            "result, try setting the option 'mode' as 'PERMISSIVE'.  SQLSTATE: 22023",
            rec);
}

int sp_sql_scan_end_row(sp_sql_scan_base *s, sp_colbatch *b, int64_t row, bool bad, const char *rec,
                        size_t rec_len, char *errstr, size_t en)
{
    if (bad) s->malformed++;
    if (s->corrupt >= 0) {
        if (bad)
            sp_column_append_str(b, s->corrupt, rec, rec_len);
        else
            sp_sql_scan_put_null(b, s->corrupt, row);
    }
    if (!bad || s->mode == SP_SQL_MODE_PERMISSIVE) {
        sp_colbatch_set_length(b, row + 1);
        return 1;
    }
    if (s->mode == SP_SQL_MODE_FAILFAST) failfast_msg(s, b, row, errstr, en);
    for (int f = 0; f < s->nfields; f++)
        sp_sql_scan_unset(b, f, row);
    return s->mode == SP_SQL_MODE_FAILFAST ? -1 : 0;
}
