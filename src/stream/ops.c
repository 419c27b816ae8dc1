/* ops.c - DStream transformations. Each derived stream holds an op: the
 * callbacks the user gave and an apply function that builds the batch's RDD
 * from the parents' RDDs with the matching spate_rdd_* operation, as Spark's
 * MappedDStream, ShuffledDStream, TransformedDStream... do.
 *
 * A parent with no RDD for the batch (an input's compute returned NULL,
 * Spark's None) is passed on by the element-wise ops (Spark's MappedDStream
 * and friends return None too: outputs skip the batch), but fails the batch
 * for the ops Spark builds as a UnionDStream or a TransformedDStream, which
 * throw on it: union, transform, transformWith, ssc.transform and what Spark
 * makes of transform/transformWith (repartition, count, cogroup, the joins). */
#include "stream/ctx_impl.h"

#include <spate/functions.h>

#include "base/arena.h"

#include <stdlib.h>

typedef struct op op;
typedef spate_rdd *(*apply_fn)(op *o, spate_rdd **in, int nin, int64_t t);

typedef spate_rdd *(*binary_rdd_fn)(spate_rdd *a, spate_rdd *b, int nparts);

typedef union op_fn {
    spate_map_fn map;
    spate_flat_map_fn flat_map;
    spate_filter_fn filter;
    spate_map_partitions_fn map_parts;
    spate_reduce_fn reduce;
    spate_transform_fn transform;
    spate_transform2_fn transform2;
    spate_transform_n_fn transform_n;
    binary_rdd_fn binary;
} op_fn;

/* What a parent without an RDD for the batch does to the op. */
typedef enum missing_rule {
    MISSING_PASSES_ON,       /* no RDD either (Spark's map, filter, reduceByKey...) */
    MISSING_FAILS_UNION,     /* UnionDStream's exception */
    MISSING_FAILS_TRANSFORM, /* TransformedDStream's exception */
} missing_rule;

struct op {
    apply_fn apply;
    op_fn f;
    spate_reduce_fn merge_value, merge_comb;
    void *ud;
    int nparts;
    missing_rule missing;
    bool user_fn; /* apply calls a user transform function, which may return NULL */
};

static spate_rdd *parent_missing(const op *o, int64_t t, sp_batch *b)
{
    /* A parent that failed the batch itself keeps its message (first wins). */
    if (o->missing == MISSING_FAILS_UNION)
        sp_batch_fail(b, SPATE_ERR_STATE,
                      "Could not generate RDD from a parent for unifying at time %lld ms",
                      (long long)t);
    else if (o->missing == MISSING_FAILS_TRANSFORM)
        sp_batch_fail(b, SPATE_ERR_STATE, "Couldn't generate RDD from parent at time %lld ms",
                      (long long)t);
    return NULL;
}

static spate_rdd *compute_op(spate_stream *s, int64_t t, sp_batch *b)
{
    op *o = s->impl;
    spate_rdd *in[SP_MAX_PARENTS];
    for (int i = 0; i < s->nparents; i++) {
        in[i] = sp_stream_get_or_compute(s->parents[i], t, b);
        if (!in[i]) return parent_missing(o, t, b);
    }
    spate_rdd *r = o->apply(o, in, s->nparents, t);
    if (!r && o->user_fn)
        sp_batch_fail(b, SPATE_ERR_USER,
                      "Transform function must not return null. Return an empty RDD "
                      "(spate_rdd_empty_like) instead to represent no element as the result "
                      "of transformation (batch %lld ms)",
                      (long long)t);
    else if (!r)
        sp_batch_fail(b, SPATE_ERR_STATE, "%s could not make the RDD of batch %lld ms",
                      s->ops->name, (long long)t);
    return r;
}

static void destroy_op(spate_stream *s) { free(s->impl); }

static const sp_stream_ops OP_OPS = {
    .name = "TransformedDStream", .compute = compute_op, .destroy = destroy_op};

static op *new_op(apply_fn apply, void *ud, int nparts)
{
    op *o = sp_xcalloc(1, sizeof *o);
    o->apply = apply;
    o->ud = ud;
    o->nparts = nparts;
    return o;
}

static spate_stream *unary(spate_stream *s, op *o) { return sp_stream_derive(s, &OP_OPS, o); }

/* ---- narrow ---- */

static spate_rdd *ap_map(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_map(in[0], o->f.map, o->ud);
}
static spate_rdd *ap_flat_map(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_flat_map(in[0], o->f.flat_map, o->ud);
}
static spate_rdd *ap_filter(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_filter(in[0], o->f.filter, o->ud);
}
static spate_rdd *ap_map_parts(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_map_partitions(in[0], o->f.map_parts, o->ud);
}
static spate_rdd *ap_glom(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)o, (void)n, (void)t;
    return spate_rdd_glom(in[0]);
}
static spate_rdd *ap_repartition(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_repartition(in[0], o->nparts);
}
static spate_rdd *ap_map_values(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_map_values(in[0], o->f.map, o->ud);
}
static spate_rdd *ap_flat_map_values(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_flat_map_values(in[0], o->f.flat_map, o->ud);
}
static spate_rdd *ap_union(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)o, (void)t;
    return spate_rdd_union_n(in, n);
}
static spate_rdd *ap_transform(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n;
    return o->f.transform(in[0], t, o->ud);
}
static spate_rdd *ap_transform2(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n;
    return o->f.transform2(in[0], in[1], t, o->ud);
}

static op *new_op_fn(apply_fn apply, op_fn f, void *ud, int nparts)
{
    op *o = new_op(apply, ud, nparts);
    o->f = f;
    return o;
}

spate_stream *spate_stream_map(spate_stream *s, spate_map_fn fn, void *ud)
{
    return unary(s, new_op_fn(ap_map, (op_fn){.map = fn}, ud, 0));
}
spate_stream *spate_stream_flat_map(spate_stream *s, spate_flat_map_fn fn, void *ud)
{
    return unary(s, new_op_fn(ap_flat_map, (op_fn){.flat_map = fn}, ud, 0));
}
spate_stream *spate_stream_filter(spate_stream *s, spate_filter_fn fn, void *ud)
{
    return unary(s, new_op_fn(ap_filter, (op_fn){.filter = fn}, ud, 0));
}
spate_stream *spate_stream_map_partitions(spate_stream *s, spate_map_partitions_fn fn, void *ud)
{
    return unary(s, new_op_fn(ap_map_parts, (op_fn){.map_parts = fn}, ud, 0));
}
spate_stream *spate_stream_glom(spate_stream *s) { return unary(s, new_op(ap_glom, NULL, 0)); }
spate_stream *spate_stream_repartition(spate_stream *s, int nparts)
{
    op *o = new_op(ap_repartition, NULL, nparts > 0 ? nparts : 1);
    o->missing = MISSING_FAILS_TRANSFORM; /* Spark: transform(_.repartition(n)) */
    return unary(s, o);
}
spate_stream *spate_stream_map_values(spate_stream *s, spate_map_fn fn, void *ud)
{
    return unary(s, new_op_fn(ap_map_values, (op_fn){.map = fn}, ud, 0));
}
spate_stream *spate_stream_flat_map_values(spate_stream *s, spate_flat_map_fn fn, void *ud)
{
    return unary(s, new_op_fn(ap_flat_map_values, (op_fn){.flat_map = fn}, ud, 0));
}
/* transform, transformWith, ssc.transform: Spark's TransformedDStream. */
static op *transform_op(apply_fn apply, op_fn f, void *ud)
{
    op *o = new_op_fn(apply, f, ud, 0);
    o->missing = MISSING_FAILS_TRANSFORM;
    o->user_fn = true;
    return o;
}

/* A NULL function would only crash at the first batch: refused at once. */
static bool has_fn(spate_stream *s, bool fn)
{
    if (s && !fn) sp_ctx_set_error(s->ctx, "transform: the transform function must not be NULL");
    return fn;
}

spate_stream *spate_stream_transform(spate_stream *s, spate_transform_fn fn, void *ud)
{
    if (!has_fn(s, fn != NULL)) return NULL;
    return unary(s, transform_op(ap_transform, (op_fn){.transform = fn}, ud));
}
spate_stream *spate_stream_transform_with(spate_stream *a, spate_stream *b, spate_transform2_fn fn,
                                          void *ud)
{
    if (!has_fn(a, fn != NULL)) return NULL;
    return sp_stream_derive2(a, b, &OP_OPS,
                             transform_op(ap_transform2, (op_fn){.transform2 = fn}, ud));
}

/* Spark's requirements on the streams of ssc.union and ssc.transform (what:
 * "union" or "transform"), with its messages. A NULL stream (a failed step
 * earlier in the caller's chain) gives false and keeps that step's error. */
static bool check_streams(spate_ctx *ssc, spate_stream **streams, int n, const char *what)
{
    if (n < 1 || !streams) {
        sp_ctx_set_error(ssc, "requirement failed: List of DStreams to %s is empty", what);
        return false;
    }
    if (n > SP_MAX_PARENTS) {
        sp_ctx_set_error(ssc, "%s of %d streams: at most %d at once (nest them for more)", what, n,
                         SP_MAX_PARENTS);
        return false;
    }
    for (int i = 0; i < n; i++)
        if (!streams[i]) return false;
    for (int i = 0; i < n; i++) {
        if (streams[i]->ctx != ssc) {
            sp_ctx_set_error(ssc, "requirement failed: Some of the DStreams have different "
                                  "contexts");
            return false;
        }
        if (streams[i]->slide != streams[0]->slide) {
            sp_ctx_set_error(ssc, "requirement failed: Some of the DStreams have different "
                                  "slide durations");
            return false;
        }
    }
    return true;
}

/* A stream over n parents; takes o (freed on failure). */
static spate_stream *derive_n(spate_ctx *ssc, spate_stream **streams, int n, op *o,
                              const char *what)
{
    if (!ssc || !check_streams(ssc, streams, n, what)) {
        free(o);
        return NULL;
    }
    spate_stream *s = sp_stream_derive(streams[0], &OP_OPS, o);
    for (int i = 1; s && i < n; i++)
        s->parents[s->nparents++] = streams[i];
    return s;
}

static spate_rdd *ap_transform_n(op *o, spate_rdd **in, int n, int64_t t)
{
    return o->f.transform_n(in, n, t, o->ud);
}

spate_stream *spate_ctx_transform(spate_ctx *ssc, spate_stream **streams, int n,
                                  spate_transform_n_fn fn, void *ud)
{
    if (ssc && !fn) {
        sp_ctx_set_error(ssc, "transform: the transform function must not be NULL");
        return NULL;
    }
    return derive_n(ssc, streams, n, transform_op(ap_transform_n, (op_fn){.transform_n = fn}, ud),
                    "transform");
}

spate_stream *spate_ctx_union(spate_ctx *ssc, spate_stream **streams, int n)
{
    op *o = new_op(ap_union, NULL, 0);
    o->missing = MISSING_FAILS_UNION;
    return derive_n(ssc, streams, n, o, "union");
}

spate_stream *spate_stream_union(spate_stream *a, spate_stream *b)
{
    if (!a || !b) return NULL;
    spate_stream *two[2] = {a, b};
    return spate_ctx_union(a->ctx, two, 2);
}

/* ---- by key ---- */

static spate_rdd *ap_reduce_by_key(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_reduce_by_key(in[0], o->f.reduce, o->ud, o->nparts);
}
static spate_rdd *ap_group_by_key(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_group_by_key(in[0], o->nparts);
}
static spate_rdd *ap_combine_by_key(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_combine_by_key(in[0], o->f.map, o->merge_value, o->merge_comb, o->ud,
                                    o->nparts);
}

spate_stream *spate_stream_reduce_by_key(spate_stream *s, spate_reduce_fn fn, void *ud, int nparts)
{
    return unary(s, new_op_fn(ap_reduce_by_key, (op_fn){.reduce = fn}, ud, nparts));
}
spate_stream *spate_stream_group_by_key(spate_stream *s, int nparts)
{
    return unary(s, new_op(ap_group_by_key, NULL, nparts));
}
spate_stream *spate_stream_combine_by_key(spate_stream *s, spate_map_fn create,
                                          spate_reduce_fn merge_value,
                                          spate_reduce_fn merge_combiners, void *ud, int nparts)
{
    op *o = new_op_fn(ap_combine_by_key, (op_fn){.map = create}, ud, nparts);
    o->merge_value = merge_value;
    o->merge_comb = merge_combiners;
    return unary(s, o);
}

static spate_rdd *ap_binary(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return o->f.binary(in[0], in[1], o->nparts);
}

static spate_stream *binary(spate_stream *a, spate_stream *b, binary_rdd_fn fn, int nparts)
{
    op *o = new_op_fn(ap_binary, (op_fn){.binary = fn}, NULL, nparts);
    o->missing = MISSING_FAILS_TRANSFORM; /* Spark: transformWith(other, _.join(_)) */
    return sp_stream_derive2(a, b, &OP_OPS, o);
}

spate_stream *spate_stream_cogroup(spate_stream *a, spate_stream *b, int nparts)
{
    return binary(a, b, spate_rdd_cogroup, nparts);
}
spate_stream *spate_stream_join(spate_stream *a, spate_stream *b, int nparts)
{
    return binary(a, b, spate_rdd_join, nparts);
}
spate_stream *spate_stream_left_outer_join(spate_stream *a, spate_stream *b, int nparts)
{
    return binary(a, b, spate_rdd_left_outer_join, nparts);
}
spate_stream *spate_stream_right_outer_join(spate_stream *a, spate_stream *b, int nparts)
{
    return binary(a, b, spate_rdd_right_outer_join, nparts);
}
spate_stream *spate_stream_full_outer_join(spate_stream *a, spate_stream *b, int nparts)
{
    return binary(a, b, spate_rdd_full_outer_join, nparts);
}

/* ---- reduce, count, countByValue: as Spark builds them from by-key steps ---- */

static spate_value keyed_by_null(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), spate_null(), v);
}

/* reduce: map(x => (null, x)).reduceByKey(f, 1).map(_._2) */
static spate_rdd *ap_reduce(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    spate_rdd *keyed = spate_rdd_map(in[0], keyed_by_null, NULL);
    return spate_rdd_map(spate_rdd_reduce_by_key(keyed, o->f.reduce, o->ud, 1), spate_fn_value,
                         NULL);
}

spate_stream *spate_stream_reduce(spate_stream *s, spate_reduce_fn fn, void *ud)
{
    return unary(s, new_op_fn(ap_reduce, (op_fn){.reduce = fn}, ud, 1));
}

/* count: ones, plus a single zero so an empty batch counts 0, summed. */
static spate_rdd *ap_count(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)o, (void)n, (void)t;
    spate_value zero = spate_i64(0);
    spate_rdd *ones = spate_rdd_map(in[0], spate_fn_one, NULL);
    spate_rdd *with_zero = spate_rdd_union(ones, spate_rdd_parallelize_like(in[0], &zero, 1, 1));
    spate_rdd *keyed = spate_rdd_map(with_zero, keyed_by_null, NULL);
    return spate_rdd_map(spate_rdd_reduce_by_key(keyed, spate_fn_sum, NULL, 1), spate_fn_value,
                         NULL);
}

spate_stream *spate_stream_count(spate_stream *s)
{
    op *o = new_op(ap_count, NULL, 1);
    o->missing = MISSING_FAILS_TRANSFORM; /* Spark: map(...).transform(_.union(zero))... */
    return unary(s, o);
}

static spate_rdd *ap_count_by_value(op *o, spate_rdd **in, int n, int64_t t)
{
    (void)n, (void)t;
    return spate_rdd_reduce_by_key(spate_rdd_map(in[0], spate_fn_pair_with_one, NULL), spate_fn_sum,
                                   NULL, o->nparts);
}

spate_stream *spate_stream_count_by_value(spate_stream *s, int nparts)
{
    return unary(s, new_op(ap_count_by_value, NULL, nparts));
}
