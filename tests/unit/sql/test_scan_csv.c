/* test_scan_csv.c - the CSV scanner (src/sql/scan_csv.c, scan_row.c,
 * scan_mode.c, scan_values.c) and the reader options (scan_options.c): facts
 * from Spark's CSVSuite and UnivocityParserSuite (tokens, nulls, parse modes,
 * the FAILFAST message), table-driven. */
#include <criterion/criterion.h>

#include "sql/scan_csv.h"
#include "sql/scan_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct scan_run {
    spate_arena *a;
    sp_sql_csv_scanner *s;
    sp_colbatch *b;
    int64_t rows;
    char err[1024];
} scan_run;

/* Scans text with schema and options "k=v&k=v" into r. */
static void run(scan_run *r, const char *schema, const char *opts, const char *text)
{
    memset(r, 0, sizeof *r);
    r->a = spate_arena_new();
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(r->a, schema, &te);
    cr_assert_not_null(t, "%s", te.message);
    sp_sql_csv_options o;
    sp_sql_csv_options_init(&o);
    const char *keys[16], *vals[16];
    int n = 0;
    char *copy = strdup(opts), *save = NULL;
    for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        *eq = '\0';
        keys[n] = kv, vals[n++] = eq + 1;
    }
    cr_assert(sp_sql_csv_options_parse(&o, keys, vals, n, r->err, sizeof r->err), "%s", r->err);
    free(copy);
    r->s = sp_sql_csv_scanner_new(t, &o, r->err, sizeof r->err);
    cr_assert_not_null(r->s, "%s", r->err);
    r->b = sp_sql_csv_batch_new(r->s, r->a, 64);
    size_t used;
    r->rows = sp_sql_csv_scan(r->s, r->b, text, strlen(text), &used, r->err, sizeof r->err);
}

static void done(scan_run *r)
{
    sp_sql_csv_scanner_free(r->s);
    spate_arena_destroy(r->a);
}

static const char *str_at(const sp_colbatch *b, int col, int64_t row, char *buf)
{
    const sp_column *c = &b->cols[col];
    if (!sp_column_valid(c, row)) return "<null>";
    int n = c->offsets[row + 1] - c->offsets[row];
    memcpy(buf, c->chars + c->offsets[row], (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* Expected rows as strings: "<null>" for a null; values of int columns as
 * decimal text. */
static void expect_str_rows(scan_run *r, int nrows, int ncols, const char *const *cells)
{
    cr_assert_eq(r->rows, nrows, "rows %ld (err %s)", (long)r->rows, r->err);
    cr_assert_eq(r->b->length, nrows);
    char buf[256];
    for (int i = 0; i < nrows; i++)
        for (int j = 0; j < ncols; j++)
            cr_expect_str_eq(str_at(r->b, j, i, buf), cells[i * ncols + j], "row %d col %d", i, j);
}

Test(scan_csv, quotes_escapes_and_separators)
{
    static const struct {
        const char *opts, *text;
        const char *cells[4];
    } cases[] = {
        {"", "a,b", {"a", "b"}},
        {"", "\"a,b\",c", {"a,b", "c"}},
        {"", "\"x\\\"y\",z", {"x\"y", "z"}},          /* default escape: backslash */
        {"escape=\"", "\"c\"\"d\",e", {"c\"d", "e"}}, /* RFC 4180 with escape '"' */
        {"sep=;", "a;b,c", {"a", "b,c"}},
        {"sep=\\t", "a\tb", {"a", "b"}},
        {"sep=||", "a||b|c", {"a", "b|c"}}, /* a separator of two characters */
        {"quote=", "\"a,b", {"\"a", "b"}},  /* quoting off */
        {"quote='", "'a,b',c", {"a,b", "c"}},
        {"", " a , b ", {" a ", " b "}}, /* white space kept when reading */
        {"ignoreLeadingWhiteSpace=true&ignoreTrailingWhiteSpace=true", " a , b ", {"a", "b"}},
        {"", "\"a\\\\\",b", {"a\\", "b"}}, /* charToEscapeQuoteEscaping */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        scan_run r;
        run(&r, "x STRING, y STRING", cases[i].opts, cases[i].text);
        cr_expect_eq(sp_sql_csv_malformed(r.s), 0, "case %zu", i);
        expect_str_rows(&r, 1, 2, cases[i].cells);
        done(&r);
    }
}

Test(scan_csv, null_and_empty_values)
{
    scan_run r;
    /* an empty unquoted token is nullValue (univocity), a quoted one emptyValue */
    run(&r, "x STRING, y STRING", "", "a,\n\"\",b\n");
    expect_str_rows(&r, 2, 2, (const char *[]){"a", "<null>", "<null>", "b"});
    done(&r);
    run(&r, "x STRING, y STRING", "nullValue=-", "-,\n\"\",\"-\"\n");
    expect_str_rows(&r, 2, 2, (const char *[]){"<null>", "<null>", "", "<null>"});
    done(&r);
    run(&r, "x STRING, y STRING", "emptyValue=E", "\"\",x\n");
    expect_str_rows(&r, 1, 2, (const char *[]){"E", "x"});
    done(&r);
    run(&r, "x INT, y INT", "nullValue=null", "null,1\n,2\n");
    cr_expect_eq(r.rows, 2);
    cr_expect_not(sp_column_valid(&r.b->cols[0], 0));
    cr_expect_not(sp_column_valid(&r.b->cols[0], 1));
    cr_expect_eq(sp_column_i32(&r.b->cols[1])[1], 2);
    cr_expect_eq(sp_sql_csv_malformed(r.s), 0);
    done(&r);
}

Test(scan_csv, header_comments_and_blank_lines)
{
    scan_run r;
    run(&r, "x STRING, y STRING", "header=true&comment=#",
        "# comment\n\n   \nh1,h2\r\nv1,v2\r\n#x,y\nw1,w2");
    expect_str_rows(&r, 2, 2, (const char *[]){"v1", "v2", "w1", "w2"});
    sp_sql_csv_start_file(r.s); /* a second file has its own header */
    size_t used;
    const char *f2 = "h1,h2\nz1,z2\n";
    cr_expect_eq(sp_sql_csv_scan(r.s, r.b, f2, strlen(f2), &used, r.err, sizeof r.err), 1);
    cr_expect_eq(used, strlen(f2));
    char buf[64];
    cr_expect_str_eq(str_at(r.b, 0, 2, buf), "z1");
    done(&r);
}

typedef struct num_case {
    const char *type, *text;
    bool ok;
    double want; /* integers, doubles, decimals as unscaled / 10^scale */
} num_case;

static double cell_number(const sp_column *c, sp_sql_type_id id, int scale)
{
    switch (id) {
    case SP_SQL_TINYINT:
        return sp_column_i8(c)[0];
    case SP_SQL_SMALLINT:
        return sp_column_i16(c)[0];
    case SP_SQL_INT:
        return sp_column_i32(c)[0];
    case SP_SQL_BIGINT:
        return (double)sp_column_i64(c)[0];
    case SP_SQL_FLOAT:
        return sp_column_f32(c)[0];
    case SP_SQL_DOUBLE:
        return sp_column_f64(c)[0];
    case SP_SQL_BOOLEAN:
        return sp_column_get_bool(c, 0);
    case SP_SQL_DATE:
        return sp_column_date32(c)[0];
    case SP_SQL_DECIMAL: {
        uint64_t lo;
        int64_t hi;
        sp_column_get_decimal128(c, 0, &lo, &hi);
        return (double)(int64_t)lo / pow(10, scale);
    }
    default:
        return (double)sp_column_i64(c)[0];
    }
}

Test(scan_csv, conversions_as_univocity_parser)
{
    static const num_case cases[] = {
        {"INT", "42", true, 42},
        {"INT", "+7", true, 7},
        {"INT", "-2147483648", true, -2147483648.0},
        {"INT", "2147483648", false, 0},
        {"INT", " 1", false, 0}, /* Integer.parseInt keeps no white space */
        {"INT", "1.0", false, 0},
        {"TINYINT", "127", true, 127},
        {"TINYINT", "128", false, 0},
        {"SMALLINT", "-32768", true, -32768},
        {"BIGINT", "9223372036854775807", true, 9223372036854775807.0},
        {"BIGINT", "9223372036854775808", false, 0},
        {"DOUBLE", "1.5e3", true, 1500},
        {"DOUBLE", " 2.5 ", true, 2.5}, /* Double.parseDouble trims */
        {"DOUBLE", "1d", true, 1},
        {"DOUBLE", ".5", true, 0.5},
        {"DOUBLE", "Inf", true, INFINITY}, /* positiveInf */
        {"DOUBLE", "-Inf", true, -INFINITY},
        {"DOUBLE", "Infinity", true, INFINITY}, /* Java's own spelling */
        {"DOUBLE", "abc", false, 0},
        {"DOUBLE", "1e", false, 0},
        {"FLOAT", "3.25", true, 3.25},
        {"BOOLEAN", "TRUE", true, 1},
        {"BOOLEAN", "fAlSe", true, 0},
        {"BOOLEAN", "yes", false, 0},
        {"DECIMAL(10,2)", "\"1,000.555\"", true, 1000.56}, /* commas dropped, HALF_UP */
        {"DECIMAL(10,2)", "-0.005", true, -0.01},
        {"DECIMAL(10,2)", "1.5E2", true, 150},
        {"DECIMAL(4,2)", "100", false, 0}, /* needs precision 5 */
        {"DECIMAL(4,2)", "99.994", true, 99.99},
        {"DECIMAL(4,2)", "99.995", false, 0}, /* rounds to 100.00 */
        {"DATE", "2015-08-26", true, 16673},
        {"DATE", "2015-8-26", true, 16673}, /* Spark's default cast */
        {"DATE", "2015-13-01", false, 0},
        {"TIMESTAMP", "1970-01-01 00:00:01", true, 1e6},
        {"TIMESTAMP", "1970-01-01T00:00:01Z", true, 1e6},
        {"TIMESTAMP_NTZ", "1970-01-01 00:00:02", true, 2e6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        scan_run r;
        char schema[64];
        snprintf(schema, sizeof schema, "v %s", cases[i].type);
        run(&r, schema, "", cases[i].text);
        cr_assert_eq(r.rows, 1, "%s %s", cases[i].type, cases[i].text);
        const sp_column *c = &r.b->cols[0];
        bool valid = sp_column_valid(c, 0);
        cr_expect_eq(valid, cases[i].ok, "%s '%s'", cases[i].type, cases[i].text);
        cr_expect_eq(sp_sql_csv_malformed(r.s), cases[i].ok ? 0 : 1, "%s", cases[i].text);
        if (valid && cases[i].ok) {
            sp_sql_type_error te;
            const sp_sql_type *t = sp_sql_type_parse(r.a, cases[i].type, &te);
            double got = cell_number(c, t->id, t->scale);
            cr_expect(fabs(got - cases[i].want) < 1e-9 || got == cases[i].want, "%s '%s': %g",
                      cases[i].type, cases[i].text, got);
        }
        done(&r);
    }
}

Test(scan_csv, nan_inf_spellings_are_options)
{
    scan_run r;
    run(&r, "a DOUBLE, b DOUBLE, c DOUBLE", "nanValue=nn&positiveInf=pi&negativeInf=ni",
        "nn,pi,ni\nNaN,1,2\n");
    cr_expect_eq(r.rows, 2);
    const double *a = sp_column_f64(&r.b->cols[0]);
    cr_expect(isnan(a[0]) && isnan(a[1])); /* "NaN" is still Java's NaN */
    cr_expect_eq(sp_column_f64(&r.b->cols[1])[0], INFINITY);
    cr_expect_eq(sp_column_f64(&r.b->cols[2])[0], -INFINITY);
    done(&r);
}

Test(scan_csv, doubles_round_as_strtod)
{
    static const char *const texts[] = {
        "0.1",
        "0.3",
        "1e22",
        "1e23",
        "9007199254740993",
        "123456789012345678901234567890",
        "2.2250738585072014e-308",
        "4.9e-324",
        "1.7976931348623157e308",
        "1e400",
        "-0.0",
        "3.141592653589793238462643383279",
        "0.000001234",
        "8.5e-10",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        double d;
        cr_assert(sp_sql_scan_double(texts[i], strlen(texts[i]), &d), "%s", texts[i]);
        cr_expect_eq(d, strtod(texts[i], NULL), "%s", texts[i]);
    }
    srand(7);
    for (int i = 0; i < 20000; i++) {
        char t[40];
        snprintf(t, sizeof t, "%d.%de%d", rand() % 100000, rand(), rand() % 40 - 20);
        double d;
        cr_assert(sp_sql_scan_double(t, strlen(t), &d));
        cr_assert_eq(d, strtod(t, NULL), "%s", t);
        float f;
        cr_assert(sp_sql_scan_float(t, strlen(t), &f));
        cr_assert_eq(f, strtof(t, NULL), "%s", t);
    }
}

Test(scan_csv, permissive_keeps_partial_rows_and_the_record)
{
    scan_run r;
    /* CSVSuite: a malformed date and too few / too many tokens */
    run(&r, "a INT, b DATE, _corrupt_record STRING", "",
        "0,2013-111-11\n1,1983-08-04\n2\n3,1983-08-04,x\n");
    cr_assert_eq(r.rows, 4, "%s", r.err);
    cr_expect_eq(sp_sql_csv_malformed(r.s), 3);
    const sp_column *a = &r.b->cols[0], *b = &r.b->cols[1];
    char buf[64];
    cr_expect_eq(sp_column_i32(a)[0], 0);
    cr_expect_not(sp_column_valid(b, 0));
    cr_expect_str_eq(str_at(r.b, 2, 0, buf), "0,2013-111-11");
    cr_expect_eq(sp_column_date32(b)[1], 4963);
    cr_expect_str_eq(str_at(r.b, 2, 1, buf), "<null>");
    cr_expect_eq(sp_column_i32(a)[2], 2);
    cr_expect_not(sp_column_valid(b, 2));
    cr_expect_str_eq(str_at(r.b, 2, 2, buf), "2");
    cr_expect_eq(sp_column_i32(a)[3], 3); /* extra tokens dropped, record corrupt */
    cr_expect_eq(sp_column_date32(b)[3], 4963);
    cr_expect_str_eq(str_at(r.b, 2, 3, buf), "3,1983-08-04,x");
    done(&r);
    /* without the corrupt column the row is kept with nulls */
    run(&r, "a INT, b INT", "columnNameOfCorruptRecord=bad", "x,1\n");
    cr_expect_eq(r.rows, 1);
    cr_expect_not(sp_column_valid(&r.b->cols[0], 0));
    cr_expect_eq(sp_column_i32(&r.b->cols[1])[0], 1);
    done(&r);
}

Test(scan_csv, dropmalformed_drops_the_row)
{
    scan_run r;
    run(&r, "a INT, s STRING", "mode=dropMalformed", "1,x\nz,y\n2\n3,w,v\n4,q\n");
    expect_str_rows(&r, 2, 0, NULL);
    char buf[16];
    cr_expect_eq(sp_column_i32(&r.b->cols[0])[0], 1);
    cr_expect_eq(sp_column_i32(&r.b->cols[0])[1], 4);
    cr_expect_str_eq(str_at(r.b, 1, 1, buf), "q");
    cr_expect_eq(r.b->cols[0].null_count, 0);
    cr_expect_eq(sp_sql_csv_malformed(r.s), 3);
    done(&r);
}

Test(scan_csv, failfast_message_is_sparks)
{
    scan_run r;
    /* CSVSuite "test for FAILFAST parsing mode" over cars.csv */
    run(&r, "year STRING, make STRING, model STRING, comment STRING, blank STRING",
        "header=true&mode=FAILFAST",
        "year,make,model,comment,blank\n\"2012\",\"Tesla\",\"S\",\"No comment\",\n"
        "1997,Ford,E350,\"Go get one now they are going fast\",\n2015,Chevy,Volt\n");
    cr_expect_eq(r.rows, SP_SQL_SCAN_ERROR);
    cr_expect_str_eq(r.err,
                     "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                     "detected in record parsing: [2015,Chevy,Volt,null,null].\nParse Mode: "
                     "FAILFAST. To process malformed records as null result, try setting the "
                     "option 'mode' as 'PERMISSIVE'.  SQLSTATE: 22023");
    cr_expect_eq(r.b->length, 2);
    done(&r);
    run(&r, "a INT, b DOUBLE, c DECIMAL(5,2)", "mode=failfast", "1,2.5,3.1\nx,1e10,0.5\n");
    cr_expect_eq(r.rows, SP_SQL_SCAN_ERROR);
    cr_expect(strstr(r.err, "record parsing: [null,1.0E10,0.50]."), "%s", r.err);
    done(&r);
}

Test(scan_csv, datetime_formats)
{
    scan_run r;
    run(&r, "d DATE, t TIMESTAMP", "dateFormat=dd/MM/yyyy&timestampFormat=dd/MM/yyyy HH:mm",
        "26/08/2015,26/08/2015 18:00\n2015-08-26,2015-08-26 18:00\n");
    cr_assert_eq(r.rows, 2);
    cr_expect_eq(sp_column_date32(&r.b->cols[0])[0], 16673);
    cr_expect_eq(sp_column_i64(&r.b->cols[1])[0], (16673 * 86400LL + 18 * 3600) * 1000000LL);
    cr_expect_not(sp_column_valid(&r.b->cols[0], 1)); /* a format set: no fallback */
    cr_expect_not(sp_column_valid(&r.b->cols[1], 1));
    cr_expect_eq(sp_sql_csv_malformed(r.s), 1);
    done(&r);
    run(&r, "t TIMESTAMP", "timeZone=America/Los_Angeles", "1970-01-01 00:00:00\n");
    cr_expect_eq(sp_column_i64(&r.b->cols[0])[0], 8 * 3600 * 1000000LL);
    done(&r);
}

Test(scan_csv, full_batch_stops_and_resumes)
{
    spate_arena *a = spate_arena_new();
    sp_sql_type_error te;
    sp_sql_csv_options o;
    sp_sql_csv_options_init(&o);
    char err[256];
    sp_sql_csv_scanner *s =
        sp_sql_csv_scanner_new(sp_sql_schema_parse(a, "a INT", &te), &o, err, sizeof err);
    sp_colbatch *b = sp_sql_csv_batch_new(s, a, 2);
    const char *text = "1\n2\n3\n";
    size_t used;
    cr_expect_eq(sp_sql_csv_scan(s, b, text, strlen(text), &used, err, sizeof err), 2);
    cr_expect_eq(used, 4);
    sp_colbatch_reset(b);
    cr_expect_eq(sp_sql_csv_scan(s, b, text + used, strlen(text) - used, &used, err, sizeof err),
                 1);
    cr_expect_eq(sp_column_i32(&b->cols[0])[0], 3);
    sp_sql_csv_scanner_free(s);
    spate_arena_destroy(a);
}

Test(scan_csv, option_errors_name_the_option)
{
    static const struct {
        const char *key, *value, *want;
    } cases[] = {
        {"sepp", ",", "unknown option 'sepp'"},
        {"sep", "", "Delimiter cannot be empty string"},
        {"quote", "ab", "quote cannot be more than one character"},
        {"header", "yes", "header flag can be true or false"},
        {"mode", "lenient", "option 'mode'"},
        {"multiLine", "true", "not supported"},
        {"maxColumns", "x", "maxColumns should be an integer"},
        {"encoding", "UTF-16", "only UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sp_sql_csv_options o;
        sp_sql_csv_options_init(&o);
        char err[256] = "";
        cr_expect_not(
            sp_sql_csv_options_parse(&o, &cases[i].key, &cases[i].value, 1, err, sizeof err), "%s",
            cases[i].key);
        cr_expect(strstr(err, cases[i].want), "%s: %s", cases[i].key, err);
    }
    sp_sql_csv_options o;
    sp_sql_csv_options_init(&o);
    const char *k[] = {"SEP", "Header", "path", "inferSchema"}, *v[] = {"|", "TRUE", "/x", "false"};
    char err[256];
    cr_expect(sp_sql_csv_options_parse(&o, k, v, 4, err, sizeof err), "%s", err);
    cr_expect_eq(o.sep[0], '|');
    cr_expect(o.header);
}
