/* test_value.c - constructors, deep copy, conversions, eq/hash/cmp. */
#include <criterion/criterion.h>

#include <spate/value.h>

#include <math.h>
#include <string.h>

static spate_arena *A;
static void setup(void) { A = spate_arena_new(); }
static void teardown(void) { spate_arena_destroy(A); }

TestSuite(value, .init = setup, .fini = teardown);

Test(value, cstr_and_str_eq)
{
    spate_value v = spate_cstr("hello");
    cr_assert_eq(v.type, SPATE_STR);
    cr_assert_eq(v.len, 5);
    cr_assert(spate_str_eq(v, "hello"));
    cr_assert(!spate_str_eq(v, "hell"));
    cr_assert(!spate_str_eq(spate_i64(1), "1"));
    cr_assert(spate_str_eq(spate_str("", 0), ""));
}

Test(value, str_copy_is_nul_terminated_and_independent)
{
    char buf[] = "abc";
    spate_value v = spate_str_copy(A, buf, 3);
    buf[0] = 'x';
    cr_assert(spate_str_eq(v, "abc"));
    cr_assert_eq(v.u.s[3], '\0');
}

Test(value, constructors)
{
    spate_value t = spate_tuple2(A, spate_cstr("k"), spate_i64(2));
    cr_assert_eq(t.type, SPATE_TUPLE);
    cr_assert_eq(t.len, 2);
    cr_assert(spate_str_eq(spate_key(t), "k"));
    cr_assert_eq(spate_val(t).u.i, 2);
    spate_value t3 = spate_tuple3(A, spate_i64(1), spate_i64(2), spate_i64(3));
    cr_assert_eq(t3.len, 3);
    cr_assert_eq(spate_item(t3, 2).u.i, 3);
    spate_value s = spate_some(A, spate_i64(7));
    cr_assert_eq(s.type, SPATE_SOME);
    cr_assert_eq(spate_item(s, 0).u.i, 7);
    spate_value l = spate_list_of(A, NULL, 3);
    cr_assert_eq(l.type, SPATE_LIST);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(spate_item(l, i).type, SPATE_NULL);
    spate_items_mut(l)[1] = spate_i64(5);
    cr_assert_eq(spate_item(l, 1).u.i, 5);
    spate_value e = spate_array_of(A, NULL, 0);
    cr_assert_eq(e.type, SPATE_ARRAY);
    cr_assert_eq(e.len, 0);
    spate_value b = spate_bytes_copy(A, "hi", 2);
    cr_assert_eq(b.type, SPATE_BYTES);
    cr_assert_eq(memcmp(b.u.bytes, "hi", 2), 0);
}

Test(value, str_printf_short_and_long)
{
    spate_value v = spate_str_printf(A, "%s-%d", "batch", 42);
    cr_assert(spate_str_eq(v, "batch-42"));
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    spate_value w = spate_str_printf(A, "<%s>", big);
    cr_assert_eq(w.len, 1001);
    cr_assert_eq(w.u.s[0], '<');
    cr_assert_eq(w.u.s[1000], '>');
}

Test(value, deep_copy)
{
    spate_arena *b = spate_arena_new();
    char key[] = "key";
    spate_value inner = spate_list_of(b, (spate_value[]){spate_str(key, 3), spate_f64(1.5)}, 2);
    spate_value v = spate_tuple2(b, spate_some(b, spate_str(key, 3)), inner);
    spate_value c = spate_value_copy(A, v);
    key[0] = 'X';
    spate_arena_destroy(b); /* the copy must not point into b */
    cr_assert(spate_str_eq(spate_item(spate_key(c), 0), "key"));
    cr_assert(spate_str_eq(spate_item(spate_val(c), 0), "key"));
    cr_assert_eq(spate_item(spate_val(c), 1).u.f, 1.5);
}

Test(value, as_f64_and_as_i64)
{
    cr_assert_eq(spate_as_f64(spate_i64(3)), 3.0);
    cr_assert_eq(spate_as_f64(spate_f64(2.5)), 2.5);
    cr_assert_eq(spate_as_f64(spate_bool(true)), 1.0);
    cr_assert_eq(spate_as_f64(spate_timestamp(1000)), 1000.0);
    cr_assert_eq(spate_as_f64(spate_cstr("3")), 0.0);
    cr_assert_eq(spate_as_i64(spate_f64(2.9)), 2); /* truncated, as (long) 2.9 */
    cr_assert_eq(spate_as_i64(spate_f64(-2.9)), -2);
    cr_assert_eq(spate_as_i64(spate_f64(NAN)), 0); /* Java: (long) NaN == 0 */
    cr_assert_eq(spate_as_i64(spate_f64(1e300)), INT64_MAX);
    cr_assert_eq(spate_as_i64(spate_f64(-1e300)), INT64_MIN);
    cr_assert_eq(spate_as_i64(spate_none()), 0);
}

Test(value, eq_is_structural_and_typed)
{
    char a[] = "abc", b[] = "abc";
    cr_assert(spate_value_eq(spate_str(a, 3), spate_str(b, 3)));
    cr_assert(!spate_value_eq(spate_str(a, 3), spate_str(b, 2)));
    cr_assert(!spate_value_eq(spate_i64(1), spate_f64(1.0))); /* 1L and 1.0 are different keys */
    cr_assert(!spate_value_eq(spate_i64(1), spate_timestamp(1)));
    cr_assert(spate_value_eq(spate_null(), spate_null()));
    cr_assert(!spate_value_eq(spate_null(), spate_none()));
    cr_assert(spate_value_eq(spate_f64(NAN), spate_f64(NAN)));
    cr_assert(spate_value_eq(spate_f64(0.0), spate_f64(-0.0)));
    spate_value t1 = spate_tuple2(A, spate_str(a, 3), spate_i64(1));
    spate_value t2 = spate_tuple2(A, spate_str(b, 3), spate_i64(1));
    spate_value t3 = spate_tuple2(A, spate_str(b, 3), spate_i64(2));
    cr_assert(spate_value_eq(t1, t2));
    cr_assert(!spate_value_eq(t1, t3));
    cr_assert(spate_value_eq(spate_some(A, t1), spate_some(A, t2)));
    spate_value l1 = spate_list_of(A, (spate_value[]){spate_i64(1), spate_i64(2)}, 2);
    spate_value l2 = spate_list_of(A, (spate_value[]){spate_i64(1)}, 1);
    cr_assert(!spate_value_eq(l1, l2));
    cr_assert(!spate_value_eq(l1, spate_array_of(A, l1.u.items, 2)));
}

Test(value, hash_consistent_with_eq)
{
    char a[] = "word", b[] = "word";
    cr_assert_eq(spate_value_hash(spate_str(a, 4)), spate_value_hash(spate_str(b, 4)));
    cr_assert_eq(spate_value_hash(spate_f64(0.0)), spate_value_hash(spate_f64(-0.0)));
    cr_assert_eq(spate_value_hash(spate_f64(NAN)), spate_value_hash(spate_f64(-NAN)));
    spate_value t1 = spate_tuple2(A, spate_str(a, 4), spate_i64(1));
    spate_value t2 = spate_tuple2(A, spate_str(b, 4), spate_i64(1));
    cr_assert_eq(spate_value_hash(t1), spate_value_hash(t2));
    /* Different values should (almost always) hash differently. */
    cr_assert_neq(spate_value_hash(spate_i64(1)), spate_value_hash(spate_i64(2)));
    cr_assert_neq(spate_value_hash(spate_i64(1)), spate_value_hash(spate_f64(1.0)));
    cr_assert_neq(spate_value_hash(spate_str(a, 4)), spate_value_hash(spate_bytes_copy(A, a, 4)));
    cr_assert_neq(spate_value_hash(t1),
                  spate_value_hash(spate_tuple2(A, spate_i64(1), spate_str(a, 4))));
    cr_assert_neq(spate_value_hash(spate_bool(true)), spate_value_hash(spate_bool(false)));
}

Test(value, cmp_orders_numbers_across_types)
{
    cr_assert_lt(spate_value_cmp(spate_i64(1), spate_f64(1.5)), 0);
    cr_assert_gt(spate_value_cmp(spate_f64(2.5), spate_i64(2)), 0);
    cr_assert_lt(spate_value_cmp(spate_i64(-3), spate_i64(2)), 0);
    cr_assert_lt(spate_value_cmp(spate_f64(1e300), spate_f64(NAN)), 0); /* NaN last */
    cr_assert_eq(spate_value_cmp(spate_f64(NAN), spate_f64(NAN)), 0);
    /* Equal by value but different types: ordered, never 0 (cmp == 0 iff eq). */
    cr_assert_neq(spate_value_cmp(spate_i64(1), spate_f64(1.0)), 0);
    cr_assert_eq(spate_value_cmp(spate_i64(1), spate_f64(1.0)),
                 -spate_value_cmp(spate_f64(1.0), spate_i64(1)));
    /* Large longs compare exactly against doubles. */
    cr_assert_lt(spate_value_cmp(spate_i64(INT64_MAX), spate_f64(9223372036854775808.0)), 0);
    cr_assert_gt(spate_value_cmp(spate_i64(9007199254740993), spate_f64(9007199254740992.0)), 0);
}

Test(value, cmp_strings_tuples_lists)
{
    cr_assert_lt(spate_value_cmp(spate_cstr("ab"), spate_cstr("abc")), 0);
    cr_assert_lt(spate_value_cmp(spate_cstr("abc"), spate_cstr("abd")), 0);
    cr_assert_eq(spate_value_cmp(spate_cstr("x"), spate_cstr("x")), 0);
    cr_assert_gt(spate_value_cmp(spate_cstr("\xff"), spate_cstr("a")), 0); /* bytewise unsigned */
    spate_value t1 = spate_tuple2(A, spate_cstr("a"), spate_i64(2));
    spate_value t2 = spate_tuple2(A, spate_cstr("a"), spate_i64(10));
    cr_assert_lt(spate_value_cmp(t1, t2), 0);
    spate_value l1 = spate_list_of(A, (spate_value[]){spate_i64(1)}, 1);
    spate_value l2 = spate_list_of(A, (spate_value[]){spate_i64(1), spate_i64(0)}, 2);
    cr_assert_lt(spate_value_cmp(l1, l2), 0);
    cr_assert_lt(spate_value_cmp(spate_bool(false), spate_bool(true)), 0);
    cr_assert_lt(spate_value_cmp(spate_timestamp(1), spate_timestamp(2)), 0);
    /* Different kinds order by type tag. */
    cr_assert_lt(spate_value_cmp(spate_null(), spate_i64(0)), 0);
    cr_assert_gt(spate_value_cmp(spate_cstr(""), spate_f64(1.0)), 0);
}
