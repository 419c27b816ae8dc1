/* test_state_store.c - the partition state store of updateStateByKey and
 * mapWithState (src/state): owned copies, the index, the free list, the time
 * order, dirty tracking for delta checkpoints, and the checkpoint codec. */
#include <criterion/criterion.h>

#include <spate/value.h>

#include "base/arena.h"
#include "state/owned_value.h"
#include "state/state_ckpt.h"
#include "state/state_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sp_state_entry *put(sp_state_store *s, spate_value k, spate_value v)
{
    sp_state_entry *e = sp_state_upsert(s, k, sp_state_hash(k), NULL);
    sp_state_set(s, e, v);
    return e;
}

static sp_state_entry *find(sp_state_store *s, spate_value k)
{
    return sp_state_find(s, k, sp_state_hash(k));
}

static spate_value key_n(spate_arena *a, int i) { return spate_str_printf(a, "key-%d", i); }

Test(state_store, owned_copy_is_deep_and_independent)
{
    spate_arena *a = spate_arena_new();
    spate_value items[4] = {spate_cstr("x"), spate_str_copy(a, "", 0), spate_list_of(a, NULL, 0),
                            spate_some(a, spate_str_copy(a, "inner", 5))};
    spate_value v = spate_tuple_of(a, items, 4);
    char before[128], after[128];
    spate_value_format(v, before, sizeof before);
    size_t bytes;
    spate_value c = sp_owned_copy(v, &bytes);
    cr_assert_gt(bytes, 0);
    spate_arena_destroy(a); /* the copy must not point into the arena */
    spate_value_format(c, after, sizeof after);
    cr_expect_str_eq(after, before);
    cr_expect_eq(sp_owned_free(c), bytes);

    size_t none;
    spate_value s = sp_owned_copy(spate_i64(7), &none);
    cr_expect_eq(none, 0, "scalars take no block");
    cr_expect_eq(s.u.i, 7);
    cr_expect_eq(sp_owned_free(s), 0);
}

Test(state_store, insert_find_update_remove_many_string_keys)
{
    spate_arena *a = spate_arena_new();
    sp_state_store *s = sp_state_store_new(false);
    enum { N = 20000 };
    for (int i = 0; i < N; i++)
        put(s, key_n(a, i), spate_str_printf(a, "value-%d", i));
    cr_assert_eq(sp_state_store_len(s), N);
    for (int i = 0; i < N; i += 2)
        sp_state_remove(s, find(s, key_n(a, i)));
    cr_assert_eq(sp_state_store_len(s), N / 2);
    for (int i = 0; i < N; i++) {
        sp_state_entry *e = find(s, key_n(a, i));
        if (i % 2 == 0) {
            cr_assert_null(e, "key-%d was removed", i);
            continue;
        }
        cr_assert_not_null(e, "key-%d", i);
        char want[32];
        snprintf(want, sizeof want, "value-%d", i);
        cr_assert(spate_str_eq(e->val, want));
    }
    /* Removed entries are reused: memory stays flat when keys come back. */
    sp_state_mark_clean(s);
    size_t bytes = sp_state_store_bytes(s);
    for (int i = 0; i < N; i += 2)
        put(s, key_n(a, i), spate_str_printf(a, "value-%d", i));
    for (int i = 0; i < N; i += 2)
        sp_state_remove(s, find(s, key_n(a, i)));
    sp_state_mark_clean(s);
    cr_expect_leq(sp_state_store_bytes(s), bytes + 1024, "%zu then %zu", bytes,
                  sp_state_store_bytes(s));
    size_t it = 0, seen = 0;
    while (sp_state_next(s, &it))
        seen++;
    cr_expect_eq(seen, N / 2);
    sp_state_store_destroy(s);
    spate_arena_destroy(a);
}

Test(state_store, dirty_tracking_lists_changes_and_removals_since_clean)
{
    sp_state_store *s = sp_state_store_new(false);
    put(s, spate_cstr("k1"), spate_i64(1));
    put(s, spate_cstr("k2"), spate_i64(2));
    cr_expect_eq(sp_state_ndirty(s), 2);
    sp_state_mark_clean(s);
    cr_expect_eq(sp_state_ndirty(s), 0);

    put(s, spate_cstr("k1"), spate_i64(1));
    cr_expect_eq(sp_state_ndirty(s), 0, "the same state is no change");
    put(s, spate_cstr("k1"), spate_i64(10));
    put(s, spate_cstr("k1"), spate_i64(11));
    cr_expect_eq(sp_state_ndirty(s), 1, "listed once");
    sp_state_remove(s, find(s, spate_cstr("k2")));
    cr_expect_eq(sp_state_ntombstones(s), 1, "k2 was saved before: the delta removes it");
    cr_expect(spate_str_eq(sp_state_tombstone(s, 0), "k2"));
    put(s, spate_cstr("k3"), spate_i64(3));
    cr_expect_eq(sp_state_ndirty(s), 2);
    sp_state_remove(s, find(s, spate_cstr("k3")));
    cr_expect_eq(sp_state_ntombstones(s), 1, "k3 was never saved: no tombstone");
    cr_expect_eq(sp_state_ndirty(s), 1);
    cr_expect(spate_str_eq(sp_state_dirty_entry(s, 0)->key, "k1"));
    sp_state_touch(s, find(s, spate_cstr("k1")), 5000, true);
    cr_expect_eq(sp_state_ndirty(s), 1);
    sp_state_mark_clean(s);
    sp_state_touch(s, find(s, spate_cstr("k1")), 6000, false);
    cr_expect_eq(sp_state_ndirty(s), 0, "a time that is not saved state is no change");
    sp_state_store_destroy(s);
}

Test(state_store, time_order_finds_the_idle_keys_first)
{
    sp_state_store *s = sp_state_store_new(true);
    const char *keys[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++)
        sp_state_touch(s, put(s, spate_cstr(keys[i]), spate_i64(i)), 1000 * (i + 1), false);
    cr_expect(spate_str_eq(sp_state_oldest(s)->key, "a"));
    sp_state_touch(s, find(s, spate_cstr("a")), 4000, false);
    cr_expect(spate_str_eq(sp_state_oldest(s)->key, "b"));
    sp_state_remove(s, find(s, spate_cstr("b")));
    cr_expect(spate_str_eq(sp_state_oldest(s)->key, "c"));
    sp_state_remove(s, find(s, spate_cstr("c")));
    cr_expect(spate_str_eq(sp_state_oldest(s)->key, "a"));
    sp_state_remove(s, find(s, spate_cstr("a")));
    cr_expect_null(sp_state_oldest(s));
    sp_state_store_destroy(s);
}

/* ---- the checkpoint codec ---- */

static int place_by_first_char(spate_value key, void *ud)
{
    int n = *(const int *)ud;
    return key.type == SPATE_STR && key.len ? (unsigned char)key.u.s[0] % n : 0;
}

/* "key=state@time" of every entry, sorted, joined by spaces. Malloc'd. */
static char *dump(sp_state_store **stores, int n)
{
    char **items = NULL;
    size_t count = 0;
    for (int p = 0; p < n; p++) {
        size_t it = 0;
        sp_state_entry *e;
        while ((e = sp_state_next(stores[p], &it))) {
            char k[64], v[64];
            spate_value_format(e->key, k, sizeof k);
            spate_value_format(e->val, v, sizeof v);
            items = realloc(items, (count + 1) * sizeof *items);
            if (asprintf(&items[count++], "%s=%s@%lld", k, v, (long long)e->time) < 0) abort();
        }
    }
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
            char *x = items[j];
            items[j] = items[j - 1];
            items[j - 1] = x;
        }
    size_t len = 1;
    for (size_t i = 0; i < count; i++)
        len += strlen(items[i]) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; i < count; i++) {
        if (i) strcat(out, " ");
        strcat(out, items[i]);
        free(items[i]);
    }
    free(items);
    return out;
}

static void reload(sp_state_store **into, int n, sp_ckpt_out *w, bool full)
{
    sp_ckpt_in r;
    sp_ckpt_in_init(&r, w->buf, w->len);
    char err[256] = "";
    cr_assert_eq(sp_state_load(into, n, full, &r, place_by_first_char, &n, err, sizeof err),
                 SPATE_OK, "%s", err);
    cr_expect(sp_ckpt_in_done(&r), "the whole record is read");
}

Test(state_store, full_then_deltas_with_removals_round_trip)
{
    enum { N = 2 };
    int n = N;
    sp_state_store *src[N], *dst[N];
    for (int p = 0; p < N; p++) {
        src[p] = sp_state_store_new(true);
        dst[p] = sp_state_store_new(true);
    }
    spate_arena *a = spate_arena_new();
    /* State lives where the partitioner puts it. */
#define PUT(k, v, t)                                                                               \
    sp_state_touch(src[place_by_first_char(spate_cstr(k), &n)],                                    \
                   put(src[place_by_first_char(spate_cstr(k), &n)], spate_cstr(k), v), t, true)
#define DEL(k)                                                                                     \
    sp_state_remove(src[place_by_first_char(spate_cstr(k), &n)],                                   \
                    find(src[place_by_first_char(spate_cstr(k), &n)], spate_cstr(k)))
    PUT("a", spate_i64(1), 1000);
    PUT("b", spate_str_copy(a, "bee", 3), 1000);
    PUT("c", spate_tuple2(a, spate_i64(1), spate_cstr("x")), 1000);
    sp_ckpt_out full, d1, d2;
    sp_ckpt_out_init(&full);
    sp_state_save(src, N, true, &full);
    PUT("a", spate_i64(2), 2000);
    DEL("b");
    PUT("d", spate_f64(0.5), 2000);
    sp_ckpt_out_init(&d1);
    sp_state_save(src, N, false, &d1);
    DEL("d");
    PUT("b", spate_cstr("again"), 3000);
    PUT("e", spate_none(), 3000);
    DEL("e");
    sp_ckpt_out_init(&d2);
    sp_state_save(src, N, false, &d2);
    cr_expect_lt(d2.len, full.len + 64);

    put(dst[0], spate_cstr("stale"), spate_i64(0)); /* a full load replaces everything */
    reload(dst, N, &full, true);
    reload(dst, N, &d1, false);
    reload(dst, N, &d2, false);
    char *want = dump(src, N), *got = dump(dst, N);
    cr_expect_str_eq(got, want);
    cr_expect_str_eq(got, "a=2@2000 b=again@3000 c=(1,x)@1000");
    cr_expect(
        spate_str_eq(sp_state_oldest(dst[place_by_first_char(spate_cstr("c"), &n)])->key, "c"),
        "time order rebuilt");
    for (int p = 0; p < N; p++)
        cr_expect_eq(sp_state_ndirty(dst[p]) + sp_state_ntombstones(dst[p]), 0, "clean after load");
    free(want);
    free(got);

    sp_ckpt_in r;
    sp_ckpt_in_init(&r, d1.buf, d1.len - 3);
    char err[256] = "";
    cr_expect_eq(sp_state_load(dst, N, false, &r, place_by_first_char, &n, err, sizeof err),
                 SPATE_ERR_CORRUPT);
    cr_expect(strstr(err, "truncated"), "%s", err);
    sp_ckpt_in_init(&r, d1.buf, d1.len);
    cr_expect_eq(sp_state_load(dst, N, true, &r, place_by_first_char, &n, err, sizeof err),
                 SPATE_ERR_CORRUPT, "a delta is not a full snapshot");
    cr_expect(strstr(err, "a delta where a full snapshot was expected"), "%s", err);

    sp_ckpt_out_free(&full);
    sp_ckpt_out_free(&d1);
    sp_ckpt_out_free(&d2);
    for (int p = 0; p < N; p++) {
        sp_state_store_destroy(src[p]);
        sp_state_store_destroy(dst[p]);
    }
    spate_arena_destroy(a);
}
