/* test_vmap.c - the value hash table used by shuffles and state. */
#include <criterion/criterion.h>

#include <spate/value.h>

#include "base/vmap.h"

#include <stdlib.h>

static spate_value *up(sp_vmap *m, spate_value k, bool *ins)
{
    return sp_vmap_upsert(m, k, spate_value_hash(k), ins);
}

Test(vmap, insert_find_update)
{
    sp_vmap m;
    sp_vmap_init(&m, 0);
    cr_assert_eq(sp_vmap_len(&m), 0);
    cr_assert_null(sp_vmap_find(&m, spate_i64(1), spate_value_hash(spate_i64(1))));
    bool ins;
    spate_value *v = up(&m, spate_cstr("a"), &ins);
    cr_assert(ins);
    cr_assert_eq(v->type, SPATE_NULL);
    *v = spate_i64(1);
    v = up(&m, spate_cstr("a"), &ins);
    cr_assert(!ins);
    cr_assert_eq(v->u.i, 1);
    v->u.i += 1;
    spate_value *f = sp_vmap_find(&m, spate_cstr("a"), spate_value_hash(spate_cstr("a")));
    cr_assert_not_null(f);
    cr_assert_eq(f->u.i, 2);
    cr_assert_eq(sp_vmap_len(&m), 1);
    up(&m, spate_cstr("b"), NULL); /* inserted may be NULL */
    cr_assert_eq(sp_vmap_len(&m), 2);
    sp_vmap_free(&m);
}

Test(vmap, many_keys_grow_and_iterate)
{
    sp_vmap m;
    sp_vmap_init(&m, 4);
    enum { N = 100000 };
    for (int64_t i = 0; i < N; i++) {
        bool ins;
        spate_value *v = up(&m, spate_i64(i), &ins);
        cr_assert(ins);
        *v = spate_i64(i * 2);
    }
    for (int64_t i = 0; i < N; i += 2)
        up(&m, spate_i64(i), NULL)->u.i += 1;
    cr_assert_eq(sp_vmap_len(&m), N);
    cr_assert_leq(m.len * 4, m.cap * 3);
    char *seen = calloc(N, 1);
    size_t it = 0, count = 0;
    spate_value key, *val;
    while (sp_vmap_next(&m, &it, &key, &val)) {
        cr_assert_eq(key.type, SPATE_I64);
        cr_assert_eq(val->u.i, key.u.i * 2 + (key.u.i % 2 == 0));
        cr_assert(!seen[key.u.i]);
        seen[key.u.i] = 1;
        count++;
    }
    cr_assert_eq(count, N);
    free(seen);
    sp_vmap_free(&m);
}

Test(vmap, colliding_hashes_are_told_apart_by_eq)
{
    sp_vmap m;
    sp_vmap_init(&m, 16);
    for (int64_t i = 0; i < 50; i++)
        *sp_vmap_upsert(&m, spate_i64(i), 42, NULL) = spate_i64(i);
    for (int64_t i = 0; i < 50; i++)
        cr_assert_eq(sp_vmap_find(&m, spate_i64(i), 42)->u.i, i);
    cr_assert_null(sp_vmap_find(&m, spate_i64(99), 42));
    /* hash 0 is a valid hash too */
    *sp_vmap_upsert(&m, spate_cstr("zero"), 0, NULL) = spate_i64(7);
    cr_assert_eq(sp_vmap_find(&m, spate_cstr("zero"), 0)->u.i, 7);
    sp_vmap_free(&m);
}

Test(vmap, one_shuffle_partition_does_not_cluster)
{
    /* Keys that agree in hash % 8, as in one partition of a hash shuffle. */
    sp_vmap m;
    sp_vmap_init(&m, 0);
    for (uint64_t i = 0; i < 20000; i++)
        *sp_vmap_upsert(&m, spate_i64((int64_t)i), i * 8, NULL) = spate_i64(1);
    cr_assert_eq(sp_vmap_len(&m), 20000);
    size_t longest = 0, run = 0;
    for (size_t i = 0; i < m.cap; i++) {
        run = m.entries[i].hash ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    cr_assert_lt(longest, 200, "longest probe run %zu", longest);
    sp_vmap_free(&m);
}

Test(vmap, remove_keeps_the_rest_findable)
{
    sp_vmap m;
    sp_vmap_init(&m, 0);
    enum { N = 5000 };
    for (int64_t i = 0; i < N; i++)
        *up(&m, spate_i64(i), NULL) = spate_i64(-i);
    for (int64_t i = 0; i < N; i += 3)
        cr_assert(sp_vmap_remove(&m, spate_i64(i), spate_value_hash(spate_i64(i))));
    cr_assert(!sp_vmap_remove(&m, spate_i64(0), spate_value_hash(spate_i64(0))));
    for (int64_t i = 0; i < N; i++) {
        spate_value *v = sp_vmap_find(&m, spate_i64(i), spate_value_hash(spate_i64(i)));
        if (i % 3 == 0)
            cr_assert_null(v);
        else
            cr_assert(v && v->u.i == -i, "key %lld", (long long)i);
    }
    cr_assert_eq(sp_vmap_len(&m), N - (N + 2) / 3);
    /* Removal with colliding hashes (one long run). */
    sp_vmap c;
    sp_vmap_init(&c, 64);
    for (int64_t i = 0; i < 30; i++)
        *sp_vmap_upsert(&c, spate_i64(i), 5, NULL) = spate_i64(i);
    for (int64_t i = 0; i < 30; i += 2)
        cr_assert(sp_vmap_remove(&c, spate_i64(i), 5));
    for (int64_t i = 1; i < 30; i += 2)
        cr_assert_eq(sp_vmap_find(&c, spate_i64(i), 5)->u.i, i);
    sp_vmap_free(&c);
    sp_vmap_clear(&m);
    cr_assert_eq(sp_vmap_len(&m), 0);
    cr_assert_null(sp_vmap_find(&m, spate_i64(1), spate_value_hash(spate_i64(1))));
    sp_vmap_free(&m);
}

Test(vmap, tuple_keys)
{
    spate_arena *a = spate_arena_new();
    sp_vmap m;
    sp_vmap_init(&m, 0);
    for (int i = 0; i < 100; i++) {
        spate_value k = spate_tuple2(a, spate_str_printf(a, "k%d", i % 10), spate_i64(i % 7));
        spate_value *v = up(&m, k, NULL);
        *v = spate_i64((v->type == SPATE_NULL ? 0 : v->u.i) + 1);
    }
    cr_assert_eq(sp_vmap_len(&m), 70); /* lcm(10, 7) */
    sp_vmap_free(&m);
    spate_arena_destroy(a);
}
