/* test_functions.c - the built-in callbacks behave as the Scala lambdas they
 * replace: _ + _ on Longs wraps, math.min/max, line.split(" "), (w, 1L). */
#include <criterion/criterion.h>

#include <spate/functions.h>

#include "base/log.h"
#include "exec/scope.h"
#include "exec/task.h"

#include <math.h>
#include <string.h>

static sp_exec E;
static sp_scope *S;
static spate_task T;
static sp_vvec OUT;
static sp_collect_sink SINK;

static void setup(void)
{
    sp_log_set_level(SP_LOG_OFF); /* failures are expected here */
    sp_exec_init(&E, 1, 1);
    S = sp_scope_new(&E);
    T = (spate_task){.scope = S, .arena = sp_scope_arena(S), .partition = 0};
    OUT = (sp_vvec){0};
    sp_collect_sink_init(&SINK, &T, &OUT);
}

static void teardown(void)
{
    sp_vvec_free(&OUT);
    sp_scope_destroy(S);
    sp_exec_destroy(&E);
}

TestSuite(functions, .init = setup, .fini = teardown);

static void assert_failed_with(const char *text)
{
    char msg[512] = "";
    cr_assert(spate_task_failed(&T));
    cr_assert_neq(sp_scope_error(S, msg, sizeof msg), SPATE_OK);
    cr_assert(strstr(msg, text), "\"%s\" lacks \"%s\"", msg, text);
}

Test(functions, sum_longs_and_doubles)
{
    spate_value r = spate_fn_sum(&T, spate_i64(2), spate_i64(3), NULL);
    cr_assert_eq(r.type, SPATE_I64);
    cr_assert_eq(r.u.i, 5);
    r = spate_fn_sum(&T, spate_i64(INT64_MAX), spate_i64(1), NULL); /* Long wraps */
    cr_assert_eq(r.u.i, INT64_MIN);
    r = spate_fn_sum(&T, spate_i64(1), spate_f64(0.5), NULL);
    cr_assert_eq(r.type, SPATE_F64);
    cr_assert_eq(r.u.f, 1.5);
    r = spate_fn_subtract(&T, spate_i64(INT64_MIN), spate_i64(1), NULL);
    cr_assert_eq(r.u.i, INT64_MAX);
    r = spate_fn_subtract(&T, spate_f64(1.0), spate_i64(3), NULL);
    cr_assert_eq(r.u.f, -2.0);
    cr_assert(!spate_task_failed(&T));
}

Test(functions, sum_of_non_numbers_fails_the_task)
{
    spate_fn_sum(&T, spate_cstr("a"), spate_i64(1), NULL);
    assert_failed_with("spate_fn_sum: expected numbers (Long or Double), got String and Long");
}

Test(functions, min_max_like_math_min_max)
{
    cr_assert_eq(spate_fn_min(&T, spate_i64(3), spate_i64(-2), NULL).u.i, -2);
    cr_assert_eq(spate_fn_max(&T, spate_i64(3), spate_i64(-2), NULL).u.i, 3);
    spate_value r = spate_fn_max(&T, spate_i64(3), spate_f64(2.5), NULL);
    cr_assert_eq(r.type, SPATE_F64);
    cr_assert_eq(r.u.f, 3.0);
    cr_assert(isnan(spate_fn_min(&T, spate_f64(NAN), spate_f64(1), NULL).u.f));
    cr_assert(isnan(spate_fn_max(&T, spate_f64(1), spate_f64(NAN), NULL).u.f));
    cr_assert(signbit(spate_fn_min(&T, spate_f64(0.0), spate_f64(-0.0), NULL).u.f));
    cr_assert(!signbit(spate_fn_max(&T, spate_f64(-0.0), spate_f64(0.0), NULL).u.f));
    cr_assert(!spate_task_failed(&T));
    spate_fn_max(&T, spate_none(), spate_i64(1), NULL);
    assert_failed_with("spate_fn_max");
}

Test(functions, maps)
{
    spate_value w = spate_cstr("spark");
    spate_value p = spate_fn_pair_with_one(&T, w, NULL);
    char buf[64];
    spate_value_format(p, buf, sizeof buf);
    cr_assert_str_eq(buf, "(spark,1)");
    cr_assert(spate_value_eq(spate_fn_key(&T, p, NULL), w));
    cr_assert_eq(spate_fn_value(&T, p, NULL).u.i, 1);
    spate_value_format(spate_fn_swap(&T, p, NULL), buf, sizeof buf);
    cr_assert_str_eq(buf, "(1,spark)");
    cr_assert(spate_value_eq(spate_fn_identity(&T, p, NULL), p));
    cr_assert_eq(spate_fn_one(&T, w, NULL).u.i, 1);
    spate_value s = spate_fn_to_string(&T, p, NULL);
    cr_assert(spate_str_eq(s, "(spark,1)"));
    cr_assert_eq(spate_fn_to_string(&T, w, NULL).u.s, w.u.s); /* strings pass through */
    cr_assert(!spate_task_failed(&T));
    spate_fn_key(&T, w, NULL);
    assert_failed_with("spate_fn_key: expected a pair (k, v), got a String");
}

static void split(const char *s, void (*fn)(spate_task *, spate_value, spate_sink *, void *),
                  const char *want)
{
    OUT.len = 0;
    fn(&T, spate_cstr(s), &SINK.base, NULL);
    char got[256] = "";
    for (size_t i = 0; i < OUT.len; i++) {
        cr_assert_eq(OUT.data[i].type, SPATE_STR);
        /* Pieces borrow the input: no copies. */
        cr_assert(OUT.data[i].u.s >= s && OUT.data[i].u.s <= s + strlen(s));
        strcat(got, "[");
        strncat(got, OUT.data[i].u.s, OUT.data[i].len);
        strcat(got, "]");
    }
    cr_assert_str_eq(got, want, "split of \"%s\"", s);
}

Test(functions, split_words_is_scala_split_on_space)
{
    split("a b c", spate_fn_split_words, "[a][b][c]");
    split("a  b", spate_fn_split_words, "[a][][b]"); /* empty piece kept */
    split(" a", spate_fn_split_words, "[][a]");      /* leading empty kept */
    split("a b  ", spate_fn_split_words, "[a][b]");  /* trailing empties dropped */
    split("", spate_fn_split_words, "[]");           /* "".split(" ") == Array("") */
    split("   ", spate_fn_split_words, "");          /* "   ".split(" ") is empty */
    split("word", spate_fn_split_words, "[word]");
    split("a\tb", spate_fn_split_words, "[a\tb]"); /* only spaces split */
}

Test(functions, split_whitespace_drops_empties)
{
    split("  a \t b\n c  ", spate_fn_split_whitespace, "[a][b][c]");
    split("", spate_fn_split_whitespace, "");
    split(" \t ", spate_fn_split_whitespace, "");
    split("one", spate_fn_split_whitespace, "[one]");
}

Test(functions, split_of_non_string_fails)
{
    spate_fn_split_words(&T, spate_i64(1), &SINK.base, NULL);
    assert_failed_with("spate_fn_split_words: expected a String, got a Long");
}

Test(functions, flatten)
{
    spate_arena *a = T.arena;
    spate_value l = spate_list_of(a, (spate_value[]){spate_i64(1), spate_i64(2)}, 2);
    spate_fn_flatten(&T, l, &SINK.base, NULL);
    spate_fn_flatten(&T, spate_some(a, spate_i64(3)), &SINK.base, NULL);
    spate_fn_flatten(&T, spate_none(), &SINK.base, NULL);
    spate_fn_flatten(&T, spate_tuple2(a, spate_i64(4), spate_i64(5)), &SINK.base, NULL);
    cr_assert_eq(OUT.len, 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(OUT.data[i].u.i, (int64_t)i + 1);
    cr_assert(!spate_task_failed(&T));
    spate_fn_flatten(&T, spate_i64(1), &SINK.base, NULL);
    assert_failed_with("spate_fn_flatten");
}

Test(functions, non_empty)
{
    cr_assert(spate_fn_non_empty(&T, spate_cstr("x"), NULL));
    cr_assert(!spate_fn_non_empty(&T, spate_cstr(""), NULL));
    cr_assert(!spate_fn_non_empty(&T, spate_i64(1), NULL));
}
