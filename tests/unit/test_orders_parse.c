/* test_orders_parse.c - the orders example's parser (examples/orders_parse.h)
 * does what the book's Scala flatMap does: line.split(","), a lenient
 * SimpleDateFormat("yyyy-MM-dd HH:mm:ss") in local time, toLong, toInt,
 * toDouble, s(6) == "B" || s(6) == "S"; anything that throws makes the line a
 * bad record ("Wrong line format"). The fast path must decide every line as
 * the general one does: a differential test feeds both random lines, each in
 * a buffer of exactly its length (so ASan sees any read past the line). */
#include <criterion/criterion.h>

#include "../../examples/orders_parse.h"

#include "base/log.h"
#include "exec/scope.h"
#include "exec/task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The line parse() read last: the symbol borrows its bytes. */
static char *LAST;
static void free_last(void)
{
    free(LAST);
    LAST = NULL;
}

TestSuite(orders_parse, .fini = free_last);

/* Epoch ms of a local wall-clock time, as SimpleDateFormat reads it. */
static int64_t local_ms(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s,
                    .tm_isdst = -1};
    return (int64_t)mktime(&tm) * 1000;
}

/* Parses text, copied into a buffer of exactly its length (kept until the
 * next call: the symbol points into it). */
static bool parse(const char *text, orders_rec *o)
{
    size_t n = strlen(text);
    free_last();
    LAST = malloc(n ? n : 1);
    memcpy(LAST, text, n);
    memset(o, 0, sizeof *o);
    return orders_parse_line(LAST, n, o);
}

Test(orders_parse, a_usual_line_gives_every_typed_field)
{
    orders_rec o;
    cr_assert(parse("2016-03-22 20:25:28,1,80,EPE,710,51.00,B", &o));
    cr_expect_eq(o.time_ms, local_ms(2016, 3, 22, 20, 25, 28));
    cr_expect_eq(o.order_id, 1);
    cr_expect_eq(o.client_id, 80);
    cr_expect_eq(o.symbol_len, 3);
    cr_expect(!memcmp(o.symbol, "EPE", 3));
    cr_expect_eq(o.amount, 710);
    cr_expect_eq(o.price, 51.0);
    cr_expect(o.buy);
    cr_assert(parse("2016-03-22 20:25:29,4999999,7,GOOGL,3,99.99,S", &o));
    cr_expect_eq(o.time_ms, local_ms(2016, 3, 22, 20, 25, 29));
    cr_expect_eq(o.order_id, 4999999);
    cr_expect_eq(o.price, 99.99);
    cr_expect(!o.buy);
}

typedef struct num_case {
    const char *line;
    int64_t order_id, amount;
    double price;
} num_case;

/* Long.parseLong, Integer.parseInt and Double.parseDouble accept these. */
Test(orders_parse, numbers_parse_as_java_does)
{
    static const num_case cases[] = {
        {"2016-03-22 20:25:28,1234567890123456,1,A,2147483647,0.5,B", 1234567890123456, 2147483647,
         0.5},
        {"2016-03-22 20:25:28,9223372036854775807,1,A,1,1,B", INT64_MAX, 1, 1.0},
        {"2016-03-22 20:25:28,-9223372036854775808,1,A,-2147483648,-1.25,B", INT64_MIN, INT32_MIN,
         -1.25},
        {"2016-03-22 20:25:28,+7,1,A,+3,+2.5,S", 7, 3, 2.5},
        {"2016-03-22 20:25:28,007,1,A,0010,000.10,S", 7, 10, 0.1},
        {"2016-03-22 20:25:28,1,1,A,1,1e3,S", 1, 1, 1000.0},
        {"2016-03-22 20:25:28,1,1,A,1, 2.5 ,S", 1, 1, 2.5},
        {"2016-03-22 20:25:28,1,1,A,1,.5,S", 1, 1, 0.5},
        {"2016-03-22 20:25:28,1,1,A,1,5.,S", 1, 1, 5.0},
        {"2016-03-22 20:25:28,1,1,A,1,2.5d,S", 1, 1, 2.5},
        {"2016-03-22 20:25:28,1,1,A,1,12345678.125,S", 1, 1, 12345678.125},
        {"2016-03-22 20:25:28,1,1,A,1,0.1234567890123456789,S", 1, 1, 0.1234567890123456789},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        orders_rec o;
        cr_assert(parse(cases[i].line, &o), "%s", cases[i].line);
        cr_expect_eq(o.order_id, cases[i].order_id, "%s", cases[i].line);
        cr_expect_eq(o.amount, cases[i].amount, "%s", cases[i].line);
        cr_expect_eq(o.price, cases[i].price, "%s", cases[i].line);
    }
}

/* split(",") ignores fields after the seventh; the symbol may be empty. */
Test(orders_parse, extra_fields_are_ignored_and_the_symbol_is_any_text)
{
    orders_rec o;
    cr_assert(parse("2016-03-22 20:25:28,1,2,,3,4.5,B,extra,fields", &o));
    cr_expect_eq(o.symbol_len, 0);
    cr_expect(o.buy);
    cr_assert(parse(
        "2016-03-22 20:25:28,1,2,a symbol; with.dots 1.5 and more than 32 bytes,3,4.5,S", &o));
    cr_expect_eq(o.symbol_len, strlen("a symbol; with.dots 1.5 and more than 32 bytes"));
    cr_expect_eq(o.price, 4.5);
}

/* SimpleDateFormat is lenient: any digit count, values roll over, text after
 * the seconds is ignored. */
Test(orders_parse, dates_are_read_leniently)
{
    orders_rec o;
    cr_assert(parse("2016-3-2 0:5:8,1,2,A,3,4.5,B", &o));
    cr_expect_eq(o.time_ms, local_ms(2016, 3, 2, 0, 5, 8));
    cr_assert(parse("2016-13-01 10:00:00,1,2,A,3,4.5,B", &o));
    cr_expect_eq(o.time_ms, local_ms(2017, 1, 1, 10, 0, 0));
    cr_assert(parse("2016-03-22 20:25:61,1,2,A,3,4.5,B", &o));
    cr_expect_eq(o.time_ms, local_ms(2016, 3, 22, 20, 26, 1));
    cr_assert(parse("2016-03-22 20:25:28.999,1,2,A,3,4.5,B", &o));
    cr_expect_eq(o.time_ms, local_ms(2016, 3, 22, 20, 25, 28));
}

/* Every way `spate gen orders --malformed` breaks a line, and more. */
Test(orders_parse, malformed_lines_are_refused)
{
    static const char *const bad[] = {
        "2016-03-22 20:25:28,1,80,EPE,710,51.00",           /* six fields */
        "2016-03-22 20:25:28,1,80,EPE,710",                 /* five */
        "2016-03-22 20:25:28;1;80;EPE;710;51.00;B",         /* another separator */
        "2016-03-22 20:25:28,1,80,EPE,abc,51.00,B",         /* amount not a number */
        "2016-03-22 20:25:28,1,80,EPE,99999999999,51.00,B", /* amount over Int */
        "2016-03-22 20:25:28,1,80,EPE,2147483648,51.00,B",  /* just over */
        "2016-03-22 20:25:28,1,80,EPE,710,1.2.3,B",         /* price */
        "2016-03-22 20:25:28,1,80,EPE,710,.,B",
        "2016-03-22 20:25:28,1,80,EPE,710,,B",
        "2016-03-22 20:25:28,1,80,EPE,710,51.00,X", /* kind */
        "2016-03-22 20:25:28,1,80,EPE,710,51.00,b",
        "2016-03-22 20:25:28,1,80,EPE,710,51.00,BUY",
        "2016-03-22 20:25:28,1,80,EPE,710,51.00,",
        "2016-03-22 20:25:28,1,80,EPE,710,51.00,S\r",
        "2016/03/22 20:25:28,1,80,EPE,710,51.00,B", /* dates */
        "22-03-2016 20:25,1,80,EPE,710,51.00,B",
        "yesterday,1,80,EPE,710,51.00,B",
        "2016-03-22 20:25:28,9223372036854775808,80,EPE,710,51.00,B", /* Long overflow */
        "2016-03-22 20:25:28,,80,EPE,710,51.00,B",
        "2016-03-22 20:25:28,1,8 0,EPE,710,51.00,B",
        "2016-03-22 20:25:28,1,-,EPE,710,51.00,B",
        "",
        "B",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        orders_rec o;
        cr_expect(!parse(bad[i], &o), "accepted: \"%s\"", bad[i]);
    }
}

/* ---- the fast path decides as the general one ------------------------------ */

static uint64_t rng_state = 42;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static size_t below(size_t n) { return (size_t)(rnd() % n); }

static size_t put_digits(char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('0' + below(10));
    return n;
}

/* A line of plausible shape: field lengths drawn wide around the usual ones. */
static size_t random_line(char *buf)
{
    size_t n = (size_t)sprintf(buf, "2016-03-%02d %02d:%02d:%02d,", 1 + (int)below(28),
                               (int)below(24), (int)below(60), (int)below(60));
    n += put_digits(buf + n, 1 + below(below(4) ? 8 : 20));
    buf[n++] = ',';
    n += put_digits(buf + n, 1 + below(below(4) ? 3 : 20));
    buf[n++] = ',';
    for (size_t k = below(below(8) ? 6 : 40); k > 0; k--)
        buf[n++] = (char)('A' + below(26));
    buf[n++] = ',';
    n += put_digits(buf + n, 1 + below(below(4) ? 4 : 12));
    buf[n++] = ',';
    n += put_digits(buf + n, below(7));
    if (below(8)) buf[n++] = '.';
    n += put_digits(buf + n, below(below(4) ? 3 : 12));
    buf[n++] = ',';
    buf[n++] = below(2) ? 'B' : 'S';
    if (!below(8)) n += (size_t)sprintf(buf + n, ",%d", (int)below(100));
    return n;
}

/* Breaks a line a little: a byte replaced, removed or inserted. */
static size_t mutate(char *buf, size_t n)
{
    static const char pool[] = ",.-+0123456789eEdfBS :/\r x";
    char c = pool[below(sizeof pool - 1)];
    size_t at = below(n + 1);
    switch (below(3)) {
    case 0:
        if (at < n) buf[at] = c;
        break;
    case 1:
        if (at < n) memmove(buf + at, buf + at + 1, n - at - 1), n--;
        break;
    default:
        memmove(buf + at + 1, buf + at, n - at);
        buf[at] = c;
        n++;
    }
    return n;
}

static bool same_rec(const orders_rec *a, const orders_rec *b)
{
    return a->time_ms == b->time_ms && a->order_id == b->order_id && a->client_id == b->client_id &&
           a->symbol == b->symbol && a->symbol_len == b->symbol_len && a->amount == b->amount &&
           !memcmp(&a->price, &b->price, sizeof a->price) && a->buy == b->buy;
}

Test(orders_parse, the_fast_path_decides_every_line_as_the_general_one)
{
    char tmp[256];
    long fast = 0, total = 0, bad = 0;
    for (int i = 0; i < 300000; i++) {
        size_t n = random_line(tmp);
        for (int m = (int)below(4) - 1; m > 0; m--)
            n = mutate(tmp, n);
        char *line = malloc(n ? n : 1); /* exactly the line: ASan catches overreads */
        memcpy(line, tmp, n);
        orders_rec a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        bool ok_a = orders_parse_line(line, n, &a), ok_b = orders_parse_line_general(line, n, &b);
        cr_assert_eq(ok_a, ok_b, "decided differently: \"%.*s\"", (int)n, line);
        if (ok_a) cr_assert(same_rec(&a, &b), "parsed differently: \"%.*s\"", (int)n, line);
#ifdef ORDERS_HAVE_FAST_PATH
        orders_rec c;
        if (orders_parse_line_fast(line, n, &c)) {
            fast++;
            cr_assert(ok_b && same_rec(&c, &b), "fast path differs: \"%.*s\"", (int)n, line);
        }
#endif
        bad += !ok_b;
        total++;
        free(line);
    }
    cr_log_info("%ld lines, %ld bad, %ld by the fast path", total, bad, fast);
#ifdef ORDERS_HAVE_FAST_PATH
    /* (about a fifth: the others are broken or of unusual shapes on purpose) */
    cr_expect_gt(fast, total / 10, "the fast path took only %ld of %ld lines", fast, total);
#endif
}

/* The usual lines of `spate gen orders` all take the fast path. */
Test(orders_parse, generated_lines_take_the_fast_path)
{
#ifdef ORDERS_HAVE_FAST_PATH
    static const char *const lines[] = {
        "2016-03-22 20:25:28,1,57,RDS,972,44.99,S",
        "2016-03-22 20:25:28,2,100,FCX,1000,100.00,B",
        "2016-03-23 01:13:55,4999999,1,BRK.B,1,1.00,S",
        "2016-03-22 20:25:28,123456789012,1,A,1,1.00,S",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        orders_rec o;
        cr_expect(orders_parse_line_fast(lines[i], strlen(lines[i]), &o), "%s", lines[i]);
    }
#endif
}

/* ---- the flatMap callback ------------------------------------------------- */

static void flat_map_env(sp_exec *e, sp_scope **s, spate_task *t, sp_vvec *out,
                         sp_collect_sink *sink)
{
    sp_log_set_level(SP_LOG_OFF); /* bad records are logged */
    sp_exec_init(e, 1, 1);
    *s = sp_scope_new(e);
    *t = (spate_task){.scope = *s, .arena = sp_scope_arena(*s), .partition = 0};
    *out = (sp_vvec){0};
    sp_collect_sink_init(sink, t, out);
}

Test(orders_parse, the_callback_emits_a_typed_7_tuple_or_a_bad_record)
{
    sp_exec e;
    sp_scope *s;
    spate_task t;
    sp_vvec out;
    sp_collect_sink sink;
    flat_map_env(&e, &s, &t, &out, &sink);
    orders_parse_fn(&t, spate_cstr("2016-03-22 20:25:28,1,80,EPE,710,51.00,B"), &sink.base, NULL);
    orders_parse_fn(&t, spate_cstr("2016-03-22 20:25:28,1,80,EPE,710,51.00,X"), &sink.base, NULL);
    orders_parse_fn(&t, spate_i64(3), &sink.base, NULL);
    cr_assert_eq(out.len, 1);
    cr_expect_eq(atomic_load(&e.bad_records), 2);
    spate_value v = out.data[0];
    cr_assert_eq(v.type, SPATE_TUPLE);
    cr_assert_eq(v.len, ORDER_NFIELDS);
    char text[128];
    spate_value_format(spate_item(v, ORDER_TIME), text, sizeof text);
    cr_expect_str_eq(text, "2016-03-22 20:25:28.0"); /* java.sql.Timestamp */
    static const uint8_t types[ORDER_NFIELDS] = {SPATE_TIMESTAMP, SPATE_I64, SPATE_I64, SPATE_STR,
                                                 SPATE_I64,       SPATE_F64, SPATE_BOOL};
    for (int i = 0; i < ORDER_NFIELDS; i++)
        cr_expect_eq(spate_item(v, (size_t)i).type, types[i], "field %d", i);
    spate_value_format(v, text, sizeof text);
    cr_expect_str_eq(text, "(2016-03-22 20:25:28.0,1,80,EPE,710,51.0,true)");
    sp_vvec_free(&out);
    sp_scope_destroy(s);
    sp_exec_destroy(&e);
}
