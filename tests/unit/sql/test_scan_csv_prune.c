/* test_scan_csv_prune.c - the CSV scanner's column pruning and fast path
 * (src/sql/scan_csv_fast.c, scan_csv.c): Spark's rule that with
 * spark.sql.csv.parser.columnPruning a row is malformed only by the columns
 * the query reads (the 2.4 migration guide's "id,name" / "1234" example), the
 * corrupt-record column turning pruning off (CSVScan), pruned columns made
 * null in bulk, and lines with and without quoted tokens giving the same
 * rows. */
#include <criterion/criterion.h>

#include "sql/scan_csv.h"
#include "sql/scan_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct prune_run {
    spate_arena *a;
    sp_sql_csv_scanner *s;
    sp_colbatch *b;
    int64_t rows;
    char err[1024];
} prune_run;

/* Scans text (schema; mode; the fields named in req read, "*": all) into
 * a batch of cap rows. */
static void scan(prune_run *r, const char *schema, const char *mode, const char *req,
                 const char *text, int64_t cap)
{
    memset(r, 0, sizeof *r);
    r->a = spate_arena_new();
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(r->a, schema, &te);
    cr_assert_not_null(t, "%s", te.message);
    sp_sql_csv_options o;
    sp_sql_csv_options_init(&o);
    const char *k[] = {"mode"}, *v[] = {mode};
    cr_assert(sp_sql_csv_options_parse(&o, k, v, 1, r->err, sizeof r->err), "%s", r->err);
    r->s = sp_sql_csv_scanner_new(t, &o, r->err, sizeof r->err);
    cr_assert_not_null(r->s, "%s", r->err);
    if (strcmp(req, "*")) {
        bool need[16] = {false};
        for (int i = 0; i < t->nfields; i++)
            need[i] = strstr(req, t->fields[i].name) != NULL;
        sp_sql_csv_scanner_require(r->s, need);
    }
    r->b = sp_sql_csv_batch_new(r->s, r->a, cap);
    size_t used;
    r->rows = sp_sql_csv_scan(r->s, r->b, text, strlen(text), &used, r->err, sizeof r->err);
}

static void done(prune_run *r)
{
    sp_sql_csv_scanner_free(r->s);
    spate_arena_destroy(r->a);
}

/* Row row of column col as text: "<null>", a string, or an INT. */
static const char *cell(const prune_run *r, int col, int64_t row, char *buf, size_t cap)
{
    const sp_column *c = &r->b->cols[col];
    if (!sp_column_valid(c, row)) return "<null>";
    if (c->type == SP_COL_UTF8)
        snprintf(buf, cap, "%.*s", c->offsets[row + 1] - c->offsets[row],
                 c->chars + c->offsets[row]);
    else
        snprintf(buf, cap, "%d", sp_column_i32(c)[row]);
    return buf;
}

/* Rows joined as "a|b;a|b;" over every column. */
static void rows_text(const prune_run *r, char *out, size_t cap)
{
    size_t w = 0;
    char buf[256];
    out[0] = '\0';
    for (int64_t i = 0; i < r->b->length; i++)
        for (int j = 0; j < r->b->ncols; j++)
            w += (size_t)snprintf(out + w, cap - w, "%s%c", cell(r, j, i, buf, sizeof buf),
                                  j + 1 < r->b->ncols ? '|' : ';');
}

Test(scan_csv_prune, malformed_only_by_the_columns_read)
{
    static const struct {
        const char *mode, *req, *text;
        int64_t rows, malformed;
        const char *want; /* every column, pruned ones null */
    } cases[] = {
        /* Spark 2.4 migration guide: header "id,name", row "1234"; selecting
         * id gives 1234 under DROPMALFORMED (2.3 dropped it) */
        {"DROPMALFORMED", "id", "1234\n", 1, 0, "1234|<null>;"},
        {"DROPMALFORMED", "*", "1234\n", 0, 1, ""},
        {"FAILFAST", "id", "1,a,extra\n2\n", 2, 0, "1|<null>;2|<null>;"},
        {"PERMISSIVE", "name", "1\n2,b\n", 2, 0, "<null>|<null>;<null>|b;"},
        /* a bad value in a pruned column is not read */
        {"FAILFAST", "name", "x,a\n", 1, 0, "<null>|a;"},
        {"DROPMALFORMED", "id", "x,a\n5,b\n", 1, 1, "5|<null>;"},
        /* count(*): no column read, every record a row */
        {"FAILFAST", "", "x\n\ny,z,w\n", 2, 0, "<null>|<null>;<null>|<null>;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        prune_run r;
        char got[256];
        scan(&r, "id INT, name STRING", cases[i].mode, cases[i].req, cases[i].text, 16);
        cr_expect_eq(r.rows, cases[i].rows, "case %zu: %ld rows (%s)", i, (long)r.rows, r.err);
        cr_expect_eq(sp_sql_csv_malformed(r.s), cases[i].malformed, "case %zu", i);
        rows_text(&r, got, sizeof got);
        cr_expect_str_eq(got, cases[i].want, "case %zu", i);
        done(&r);
    }
}

Test(scan_csv_prune, reading_the_corrupt_column_turns_pruning_off)
{
    prune_run r;
    scan(&r, "a INT, b INT, _corrupt_record STRING", "PERMISSIVE", "a _corrupt_record",
         "1,x\n2,3\n4\n", 16);
    char got[256];
    rows_text(&r, got, sizeof got);
    cr_expect_eq(sp_sql_csv_malformed(r.s), 2);
    cr_expect_str_eq(got, "1|<null>|1,x;2|3|<null>;4|<null>|4;");
    done(&r);
}

Test(scan_csv_prune, pruned_columns_are_null_in_bulk)
{
    /* 300 rows through batches of 128: quoted lines (the general path), a
     * CRLF, a dropped row; the pruned columns all null with the right
     * null_count and empty strings. */
    char text[16384];
    size_t w = 0;
    for (int i = 0; i < 300; i++) {
        if (i % 37 == 5)
            w += (size_t)snprintf(text + w, sizeof text - w, "\"%d\",\"x,y\",%d\r\n", i, i);
        else if (i % 41 == 7)
            w += (size_t)snprintf(text + w, sizeof text - w, "bad,s,%d\n", i);
        else
            w += (size_t)snprintf(text + w, sizeof text - w, "%d,s%d,%d\n", i, i, i);
    }
    prune_run r;
    scan(&r, "a INT, s STRING, c INT", "DROPMALFORMED", "c", "", 1);
    sp_colbatch *b = sp_sql_csv_batch_new(r.s, r.a, 128);
    size_t off = 0, used;
    int64_t total = 0, want_c = 0;
    while (off < w) {
        sp_colbatch_reset(b);
        int64_t n = sp_sql_csv_scan(r.s, b, text + off, w - off, &used, r.err, sizeof r.err);
        cr_assert_geq(n, 0, "%s", r.err);
        off += used;
        for (int64_t i = 0; i < b->length; i++, want_c++)
            cr_assert_eq(sp_column_i32(&b->cols[2])[i], (int32_t)want_c, "row %ld",
                         (long)total + i);
        const sp_column *a = &b->cols[0], *s = &b->cols[1];
        cr_expect_eq(a->null_count, b->length);
        cr_expect_eq(s->null_count, b->length);
        cr_expect_eq(s->str_rows, b->length);
        cr_expect_eq(s->offsets[b->length], 0);
        for (int64_t i = 0; i < b->length; i++)
            cr_expect(!sp_column_valid(a, i) && !sp_column_valid(s, i));
        cr_expect_eq(b->cols[2].null_count, 0);
        total += b->length;
    }
    cr_expect_eq(total, 300, "the bad rows' c is read, so none is dropped");
    done(&r);
}

Test(scan_csv_prune, quoted_and_plain_lines_agree)
{
    static const struct {
        const char *plain, *quoted, *want;
    } cases[] = {
        {"1,ab,2\n", "\"1\",\"ab\",\"2\"\n", "1|ab|2;"},
        {"1,,2\r\n", "\"1\",,\"2\"\r\n", "1|<null>|2;"},
        {"1,ab,\n", "\"1\",\"ab\",\n", "1|ab|<null>;"},
        {"1,a\"b,3\n", "\"1\",\"a\\\"b\",3\n", "1|a\"b|3;"}, /* escape: \\ */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        prune_run p, q;
        char gp[128], gq[128];
        scan(&p, "a INT, s STRING, c INT", "PERMISSIVE", "*", cases[i].plain, 4);
        scan(&q, "a INT, s STRING, c INT", "PERMISSIVE", "*", cases[i].quoted, 4);
        rows_text(&p, gp, sizeof gp);
        rows_text(&q, gq, sizeof gq);
        cr_expect_str_eq(gp, cases[i].want, "plain %zu", i);
        cr_expect_str_eq(gq, cases[i].want, "quoted %zu", i);
        cr_expect_eq(sp_sql_csv_malformed(p.s), 0);
        done(&p);
        done(&q);
    }
}

Test(scan_csv_prune, tokens_across_64_byte_blocks)
{
    /* the fast tokenizer finds separators 64 bytes at a time */
    char text[4096], want[4096];
    size_t w = 0, v = 0;
    for (int i = 0; i < 40; i++) {
        char s[160];
        int n = (i * 37) % 150;
        memset(s, 'a' + i % 26, (size_t)n);
        s[n] = '\0';
        w += (size_t)snprintf(text + w, sizeof text - w, "%d,%s,%d\n", i, s, -i);
        v += (size_t)snprintf(want + v, sizeof want - v, "%d|%s|%d;", i, n ? s : "<null>", -i);
    }
    prune_run r;
    char got[4096];
    scan(&r, "a INT, s STRING, c INT", "FAILFAST", "*", text, 64);
    cr_assert_eq(r.rows, 40, "%s", r.err);
    rows_text(&r, got, sizeof got);
    cr_expect_str_eq(got, want);
    done(&r);
}

Test(scan_csv_prune, general_lines_between_fast_ones)
{
    /* A quoted token sends its line to the general tokenizer; the fast one
     * must resume at the next line, not at a separator inside the quotes. */
    static const char *const reqs[] = {"*", "a c"};
    for (size_t q = 0; q < sizeof reqs / sizeof *reqs; q++) {
        char text[8192], want[8192];
        size_t w = 0, v = 0;
        for (int i = 0; i < 60; i++) {
            char pad[100];
            int n = (i * 29) % 90;
            memset(pad, ',', (size_t)n);
            pad[n] = '\0';
            bool quoted = i % 3 == 0;
            if (quoted)
                w += (size_t)snprintf(text + w, sizeof text - w, "%d,\"x%s\",%d\n", i, pad, -i);
            else
                w += (size_t)snprintf(text + w, sizeof text - w, "%d,x,%d\n", i, -i);
            const char *str = q ? "<null>" : "x";
            v += (size_t)snprintf(want + v, sizeof want - v, "%d|%s%s|%d;", i, str,
                                  quoted && !q ? pad : "", -i);
        }
        prune_run r;
        char got[8192];
        scan(&r, "a INT, s STRING, c INT", "FAILFAST", reqs[q], text, 64);
        cr_assert_eq(r.rows, 60, "%s", r.err);
        rows_text(&r, got, sizeof got);
        cr_expect_str_eq(got, want, "required %s", reqs[q]);
        done(&r);
    }
}

Test(scan_csv_prune, integer_tokens_short_and_long)
{
    static const struct {
        const char *text, *want; /* INT column, then BIGINT */
    } cases[] = {
        {"+5,+5\n", "5|5;"},
        {"-0,-0\n", "0|0;"},
        {"123456789,-987654321\n", "123456789|-987654321;"},
        {"1234567890,12345678901\n", "1234567890|12345678901;"},
        {"-2147483648,-9223372036854775808\n", "-2147483648|-9223372036854775808;"},
        {"2147483648,9223372036854775808\n", "<null>|<null>;"},
        {"-,+\n", "<null>|<null>;"},
        {"1a,0x1\n", "<null>|<null>;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        prune_run r;
        scan(&r, "a INT, b BIGINT", "PERMISSIVE", "*", cases[i].text, 4);
        cr_assert_eq(r.rows, 1, "%s", r.err);
        char got[128], buf[64];
        const sp_column *b = &r.b->cols[1];
        if (sp_column_valid(b, 0))
            snprintf(buf, sizeof buf, "%lld", (long long)sp_column_i64(b)[0]);
        else
            snprintf(buf, sizeof buf, "<null>");
        snprintf(got, sizeof got, "%s|%s;", cell(&r, 0, 0, buf + 32, 32), buf);
        cr_expect_str_eq(got, cases[i].want, "%s", cases[i].text);
        done(&r);
    }
}

Test(scan_csv_prune, integers_and_simple_doubles)
{
    static const struct {
        const char *text;
        bool ok;
        int64_t want;
    } ints[] = {
        {"0", true, 0},
        {"-9223372036854775808", true, INT64_MIN},
        {"9223372036854775807", true, INT64_MAX},
        {"9223372036854775808", false, 0},
        {"999999999999999999", true, 999999999999999999},
        {"0000000000000000000000042", true, 42},
        {"-", false, 0},
        {"+", false, 0},
        {"", false, 0},
        {"12a", false, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        int64_t v = -1;
        bool ok = sp_sql_scan_int(ints[i].text, strlen(ints[i].text), INT64_MIN, INT64_MAX, &v);
        cr_expect_eq(ok, ints[i].ok, "%s", ints[i].text);
        if (ok) cr_expect_eq(v, ints[i].want, "%s", ints[i].text);
    }
    int64_t v;
    cr_expect(!sp_sql_scan_int("2147483648", 10, INT32_MIN, INT32_MAX, &v));
    cr_expect(sp_sql_scan_int("-2147483648", 11, INT32_MIN, INT32_MAX, &v) && v == INT32_MIN);
    /* Double.parseDouble on the forms the fast path takes, and its edges */
    static const char *const dbl[] = {
        "44.99",
        "-0",
        "1.",
        "+.5",
        "0.1",
        "9007199254740991",
        "9007199254740993",
        "1234567890123456789",
        "0.0000000000000000000001",
        "0.00000000000000000000001",
        "123.456e1",
        "1.5 ",
    };
    for (size_t i = 0; i < sizeof dbl / sizeof *dbl; i++) {
        double d;
        cr_assert(sp_sql_scan_double(dbl[i], strlen(dbl[i]), &d), "%s", dbl[i]);
        double want = strtod(dbl[i], NULL);
        cr_expect(!memcmp(&d, &want, sizeof d), "%s: %.17g vs %.17g", dbl[i], d, want);
    }
    double d;
    cr_expect(!sp_sql_scan_double(".", 1, &d));
    cr_expect(!sp_sql_scan_double("1.2.3", 5, &d));
    cr_expect(!sp_sql_scan_double("--1", 3, &d));
}
