/* wide.c - the public by-key and shuffling RDD operations, built on shuffle.c. */
#include "exec/shuffle.h"

#include <spate/functions.h>

spate_rdd *spate_rdd_repartition(spate_rdd *r, int nparts)
{
    return sp_shuffle_new(SH_REPARTITION, r, NULL, nparts, NULL);
}

spate_rdd *spate_rdd_reduce_by_key(spate_rdd *r, spate_reduce_fn fn, void *ud, int nparts)
{
    sh_funcs f = {.merge_value = fn, .merge_comb = fn, .ud = ud};
    return sp_shuffle_new(SH_COMBINE, r, NULL, nparts, &f);
}

spate_rdd *spate_rdd_combine_by_key(spate_rdd *r, spate_map_fn create, spate_reduce_fn merge_value,
                                    spate_reduce_fn merge_combiners, void *ud, int nparts)
{
    sh_funcs f = {
        .create = create, .merge_value = merge_value, .merge_comb = merge_combiners, .ud = ud};
    return sp_shuffle_new(SH_COMBINE, r, NULL, nparts, &f);
}

spate_rdd *spate_rdd_group_by_key(spate_rdd *r, int nparts)
{
    return sp_shuffle_new(SH_GROUP, r, NULL, nparts, NULL);
}

spate_rdd *spate_rdd_cogroup(spate_rdd *a, spate_rdd *b, int nparts)
{
    return sp_shuffle_new(SH_COGROUP, a, b, nparts, NULL);
}

spate_rdd *spate_rdd_sort_by(spate_rdd *r, spate_map_fn key_fn, void *ud, bool ascending,
                             int nparts)
{
    sh_funcs f = {.key_fn = key_fn, .ud = ud, .ascending = ascending};
    return sp_shuffle_new(SH_SORT, r, NULL, nparts, &f);
}

/* ---- distinct: (x, null) combined by key, then the keys ---- */

static spate_value with_null(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), v, spate_null());
}

static spate_value keep_first(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)t, (void)b, (void)ud;
    return a;
}

spate_rdd *spate_rdd_distinct(spate_rdd *r, int nparts)
{
    spate_rdd *pairs = spate_rdd_map(r, with_null, NULL);
    return spate_rdd_map(spate_rdd_reduce_by_key(pairs, keep_first, NULL, nparts), spate_fn_key,
                         NULL);
}

/* ---- joins: cogroup, then the cross product of each key's two lists ---- */

typedef enum join_kind { JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL } join_kind;

static const join_kind JOIN_KINDS[] = {JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL};

static spate_value wrap(spate_arena *a, spate_value v, bool optional)
{
    return optional ? spate_some(a, v) : v;
}

static void join_expand(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    join_kind kind = *(const join_kind *)ud;
    spate_arena *a = spate_task_arena(t);
    spate_value k = spate_key(v), lists = spate_val(v);
    spate_value left = spate_item(lists, 0), right = spate_item(lists, 1);
    bool left_opt = kind == JOIN_RIGHT || kind == JOIN_FULL;
    bool right_opt = kind == JOIN_LEFT || kind == JOIN_FULL;
    if (left.len == 0 && right.len == 0) return;
    if (left.len == 0) {
        if (!left_opt) return;
        for (uint32_t j = 0; j < right.len; j++)
            spate_sink_push(out, spate_tuple2(a, k,
                                              spate_tuple2(a, spate_none(),
                                                           wrap(a, right.u.items[j], right_opt))));
        return;
    }
    for (uint32_t i = 0; i < left.len; i++) {
        spate_value lv = wrap(a, left.u.items[i], left_opt);
        if (right.len == 0 && right_opt)
            spate_sink_push(out, spate_tuple2(a, k, spate_tuple2(a, lv, spate_none())));
        for (uint32_t j = 0; j < right.len; j++)
            spate_sink_push(
                out, spate_tuple2(a, k, spate_tuple2(a, lv, wrap(a, right.u.items[j], right_opt))));
    }
}

static spate_rdd *join_of(spate_rdd *a, spate_rdd *b, int nparts, join_kind kind)
{
    return spate_rdd_flat_map(spate_rdd_cogroup(a, b, nparts), join_expand,
                              (void *)&JOIN_KINDS[kind]);
}

spate_rdd *spate_rdd_join(spate_rdd *a, spate_rdd *b, int nparts)
{
    return join_of(a, b, nparts, JOIN_INNER);
}

spate_rdd *spate_rdd_left_outer_join(spate_rdd *a, spate_rdd *b, int nparts)
{
    return join_of(a, b, nparts, JOIN_LEFT);
}

spate_rdd *spate_rdd_right_outer_join(spate_rdd *a, spate_rdd *b, int nparts)
{
    return join_of(a, b, nparts, JOIN_RIGHT);
}

spate_rdd *spate_rdd_full_outer_join(spate_rdd *a, spate_rdd *b, int nparts)
{
    return join_of(a, b, nparts, JOIN_FULL);
}
