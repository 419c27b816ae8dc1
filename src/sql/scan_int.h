/* scan_int.h - what the CSV and JSON scanners share (scan_values.c: Java's
 * number syntax into typed values; scan_row.c: the schema, the conversion of
 * a field's text to its column, rows with parse modes and the corrupt-record
 * column). Private to src/sql/.
 *
 * Threads: a scanner and its sp_sql_scan_base belong to one task at a time. */
#ifndef SP_SQL_SCAN_INT_H
#define SP_SQL_SCAN_INT_H

#include "exec/colbatch.h"
#include "sql/datetime_format.h"
#include "sql/scan_options.h"
#include "sql/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Java's Long.parseLong syntax ([+-]digits) within [lo, hi]. */
bool sp_sql_scan_int(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out);
/* Java's Double.parseDouble / Float.parseFloat (white space <= ' ' trimmed,
 * "NaN", "[+-]Infinity", a trailing f/F/d/D; hexadecimal forms refused),
 * correctly rounded: exact fast path, strtod otherwise. */
bool sp_sql_scan_double(const char *s, size_t n, double *out);
bool sp_sql_scan_float(const char *s, size_t n, float *out);

/* 10^0 .. 10^22, each exact in a double. */
extern const double sp_sql_pow10_exact[23];

/* [+-]digits[.digits] of at most 19 digits whose value is exact in a
 * double (below 2^53) divided by an exact power of ten (at most 22 digits
 * after the point): one correctly rounded division, so the result is
 * Double.parseDouble's. False: the general path decides. */
static inline bool sp_sql_scan_double_simple(const char *s, size_t n, double *out)
{
    const char *p = s, *e = s + n, *d0;
    bool neg = false;
    unsigned d;
    uint64_t m = 0;
    if (p < e && (*p == '-' || *p == '+')) neg = *p++ == '-';
    for (d0 = p; p < e && (d = (unsigned)(*p - '0')) <= 9; p++)
        m = m * 10 + d;
    size_t nd = (size_t)(p - d0), frac = 0;
    if (p < e && *p == '.') {
        for (d0 = ++p; p < e && (d = (unsigned)(*p - '0')) <= 9; p++)
            m = m * 10 + d;
        frac = (size_t)(p - d0);
        nd += frac;
    }
    /* 1..19 digits (so frac <= 22 and m did not wrap), m below 2^53 */
    if (p != e || nd - 1 > 18 || m >> 53) return false;
    double v = frac ? (double)m / sp_sql_pow10_exact[frac] : (double)m;
    *out = neg ? -v : v;
    return true;
}

/* new java.math.BigDecimal(s) (commas removed first when strip_commas, as
 * Spark's en-US decimal parser does) rounded HALF_UP to scale; false when
 * the syntax is wrong or the value needs more than precision digits. */
bool sp_sql_scan_decimal(const char *s, size_t n, bool strip_commas, int precision, int scale,
                         uint64_t *lo, int64_t *hi);

typedef struct sp_sql_scan_field {
    const char *name;
    size_t name_len;
    sp_sql_type_id type;
    uint8_t precision, scale;
} sp_sql_scan_field;

typedef struct sp_sql_scan_base {
    int nfields;               /* the schema's, the corrupt column included */
    sp_sql_scan_field *fields; /* malloc'd */
    int corrupt;               /* the corrupt-record field, or -1 */
    int ndata;                 /* fields other than the corrupt one */
    int *data;                 /* malloc'd: data field i -> schema field */
    sp_sql_parse_mode mode;
    const sp_tz *tz;
    sp_dtf *date_fmt, *ts_fmt, *ntz_fmt; /* NULL: Spark's default casts */
    int64_t now_us;
    int64_t malformed;             /* malformed records met */
    const char *nan, *pinf, *ninf; /* CSV's spellings; NULL for JSON */
    char *scratch;                 /* malloc'd, grows: NUL-terminated copies */
    size_t scratch_cap;
} sp_sql_scan_base;

/* Checks schema (a STRUCT of primitive fields; the corrupt-record field, if
 * present, a STRING) and compiles the datetime formats ("" or NULL: none).
 * False with a message in errstr. */
bool sp_sql_scan_base_init(sp_sql_scan_base *s, const sp_sql_type *schema, sp_sql_parse_mode mode,
                           const char *corrupt, const char *date_fmt, const char *ts_fmt,
                           const char *ntz_fmt, const char *tz_name, char *errstr, size_t en);
void sp_sql_scan_base_free(sp_sql_scan_base *s);
/* A batch with the schema's columns and room for capacity rows, in a. */
sp_colbatch *sp_sql_scan_batch_new(const sp_sql_scan_base *s, spate_arena *a, int64_t capacity);

/* Converts text t of field f into row row of b (the UnivocityParser
 * converters); false when it does not convert (the field is left unset). */
bool sp_sql_scan_put_text(sp_sql_scan_base *s, sp_colbatch *b, int f, int64_t row, const char *t,
                          size_t n);
/* Field f of row row is null (an empty string first for utf8 and binary). */
void sp_sql_scan_put_null(sp_colbatch *b, int f, int64_t row);
/* Undoes what was put in field f of row row (a value or a null). */
void sp_sql_scan_unset(sp_colbatch *b, int f, int64_t row);
/* Ends row row (every data field put): a good row gets a null corrupt
 * column; a bad one follows the mode: PERMISSIVE keeps it with the record
 * in the corrupt column, DROPMALFORMED undoes it, FAILFAST undoes it and
 * writes Spark's message to errstr. Returns 1 (kept), 0 (dropped), -1
 * (FAILFAST). */
int sp_sql_scan_end_row(sp_sql_scan_base *s, sp_colbatch *b, int64_t row, bool bad, const char *rec,
                        size_t rec_len, char *errstr, size_t en);
/* A NUL-terminated copy of t in the scratch buffer. */
char *sp_sql_scan_scratch(sp_sql_scan_base *s, const char *t, size_t n);

#endif
