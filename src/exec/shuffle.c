/* shuffle.c - the wide operators. A shuffle runs in two stages, as Spark's:
 * map tasks (one per parent partition) push their elements through the narrow
 * chain into per-output-partition buckets (combining per key first for
 * reduceByKey/combineByKey), then reduce tasks (one per output partition) merge
 * the buckets of every map task. Buckets live in malloc'd vectors freed after
 * the reduce stage; outputs are owned by the shuffled RDD's scope. */
#include "exec/shuffle.h"

#include "exec/rdd_impl.h"

#include "base/arena.h"
#include "base/vmap.h"
#include "exec/combine_cache.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct sp_shuffle {
    sh_kind kind;
    spate_rdd *in[2];
    int nin;
    spate_map_fn create;
    spate_reduce_fn merge_value, merge_comb;
    spate_map_fn key_fn;
    void *ud;
    bool ascending;
    sh_partition_fn partition; /* NULL: hash */
    void *partition_ud;
    /* while running */
    int nmap, nout;
    sp_vvec *buckets;    /* [nmap * nout] */
    spate_value *bounds; /* sort: nout - 1 range bounds */
} sp_shuffle;

static spate_err shuffle_run(spate_rdd *r);

/* Once run, a shuffle's output partitions are vectors in memory. */
static const sp_rdd_ops SHUFFLED_OPS = {.name = "ShuffledRDD",
                                        .compute = sp_rdd_compute_parts,
                                        .prepare = shuffle_run,
                                        .flags = SP_RDD_IN_MEMORY | SP_RDD_WIDE};

spate_rdd *sp_shuffle_new(sh_kind kind, spate_rdd *a, spate_rdd *b, int nparts, const sh_funcs *f)
{
    if (!a || (kind == SH_COGROUP && !b)) return NULL;
    /* Spark's default partitioner (no spark.default.parallelism): the larger
     * parent's count. An explicit count is kept as given. */
    if (nparts <= 0) nparts = b && b->nparts > a->nparts ? b->nparts : a->nparts;
    if (nparts <= 0) nparts = 1;
    sp_scope *scope = b ? sp_scope_shorter(a->scope, b->scope) : a->scope;
    spate_rdd *deps[2] = {a, b};
    spate_rdd *r = sp_rdd_new(scope, &SHUFFLED_OPS, nparts, deps, b ? 2 : 1, sizeof(sp_shuffle));
    sp_shuffle *s = r->state;
    s->kind = kind;
    s->in[0] = a;
    s->in[1] = b;
    s->nin = b ? 2 : 1;
    if (f) {
        s->create = f->create;
        s->merge_value = f->merge_value;
        s->merge_comb = f->merge_comb;
        s->key_fn = f->key_fn;
        s->ud = f->ud;
        s->ascending = f->ascending;
        s->partition = f->partition;
        s->partition_ud = f->partition_ud;
    }
    return r;
}

static inline int bucket_of(uint64_t h, int nout)
{
    uint32_t x = (uint32_t)(h >> 32), n = (uint32_t)nout;
    /* x % n; a mask when n is a power of two (the same result without a
     * division, which costs ~25 cycles per element on the map side) */
    return (int)((n & (n - 1)) == 0 ? x & (n - 1) : x % n);
}

int sp_shuffle_hash_partition(spate_value key, int nparts)
{
    return bucket_of(spate_value_hash(key), nparts);
}

/* ---- map side ---- */

/* A value that points at no memory (copying it is the identity). */
static inline bool is_scalar(spate_value v)
{
    return v.type <= SPATE_F64 || v.type == SPATE_TIMESTAMP || v.type == SPATE_NONE;
}

/* Short string keys (a stock symbol, a word) are cached too: the key's
 * length and bytes (up to 16) stand in for a scalar's bits, so a hit costs no
 * hash, no probe and no memcmp call. These lines are 4-way set associative,
 * keys seen often first in their set (80 stock symbols thrashed 64
 * direct-mapped lines). A line keeps the map's copy of its key (the incoming
 * key may be recycled scratch memory). Same rules as combine_cache.h: the
 * map gets every key at its first sight, merges run in the same order on the
 * same combiners. */
enum { SHORT_KEY = 16, STR_SETS = 64, STR_WAYS = 4 };

typedef struct str_line {
    uint64_t bytes[2];
    sp_combine_line l;
} str_line;

typedef struct str_cache {
    str_line set[STR_SETS][STR_WAYS];
} str_cache;

static inline uint64_t load_u64(const char *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return x;
}

static inline uint64_t load_u32(const char *p)
{
    uint32_t x;
    memcpy(&x, p, sizeof x);
    return x;
}

/* When k is a short string, its bytes into b, without a call: overlapping
 * loads that cover every byte, so (length, b) tells equal keys apart. */
static inline bool short_str(spate_value k, uint64_t b[2])
{
    if (k.type != SPATE_STR || k.len > SHORT_KEY) return false;
    const char *p = k.u.s;
    uint32_t n = k.len;
    if (n >= 8) {
        b[0] = load_u64(p);
        b[1] = load_u64(p + n - 8);
    } else if (n >= 4) {
        b[0] = load_u32(p) | load_u32(p + n - 4) << 32;
        b[1] = 0;
    } else {
        b[0] = n ? (uint64_t)(uint8_t)p[0] | (uint64_t)(uint8_t)p[n / 2] << 8 |
                       (uint64_t)(uint8_t)p[n - 1] << 16
                 : 0;
        b[1] = 0;
    }
    return true;
}

static inline bool str_line_holds(const str_line *sl, const uint64_t b[2], uint32_t len)
{
    return sl->l.used && sl->l.key.len == len && sl->bytes[0] == b[0] && sl->bytes[1] == b[1];
}

/* The line holding the short string of bytes b (*hit), swapped one way
 * towards the front of its set (keys seen often end up first); else the
 * set's last line (*hit false), to be written back and replaced. */
static inline str_line *str_lookup(str_cache *c, const uint64_t b[2], uint32_t len, bool *hit)
{
    uint64_t x = (b[0] ^ (b[1] * 0xC2B2AE3D27D4EB4FULL) ^ len) * 0x9E3779B97F4A7C15ULL;
    str_line *set = c->set[x >> 58]; /* the top 6 bits: 64 sets */
    *hit = true;
    if (str_line_holds(&set[0], b, len)) return &set[0];
    for (int way = 1; way < STR_WAYS; way++) {
        if (!str_line_holds(&set[way], b, len)) continue;
        str_line found = set[way];
        set[way] = set[way - 1];
        set[way - 1] = found;
        return &set[way - 1];
    }
    *hit = false;
    return &set[STR_WAYS - 1];
}

typedef struct writer {
    spate_sink base;
    sp_shuffle *s;
    sp_vvec *buckets;        /* this map task's nout buckets */
    sp_vmap *maps;           /* combine: one per bucket */
    spate_arena *keep;       /* combine: where keys and combiners outlive the task */
    sp_combine_cache *cache; /* combine by hash: recent scalar keys (NULL: none) */
    str_cache *strs;         /* and recent short string keys */
    int rr;                  /* repartition: next round-robin bucket */
} writer;

/* The bucket of key k (hash h) by the shuffle's partitioner; -1 (and the
 * task fails) when a custom partitioner answers out of range. */
static int keyed_bucket(writer *w, spate_value k, uint64_t h)
{
    sp_shuffle *s = w->s;
    if (!s->partition) return bucket_of(h, s->nout);
    int b = s->partition(k, s->nout, s->partition_ud);
    if (b >= 0 && b < s->nout) return b;
    char text[128];
    spate_value_format(k, text, sizeof text);
    spate_task_fail(w->base.task, "partitioner returned partition %d for key %s, not in [0, %d)", b,
                    text, s->nout);
    return -1;
}

/* The task runs on scratch memory: keep copies of what the map holds. A
 * scalar is kept as it is (no call); a combiner that grows (a list) is copied
 * at each merge, the price of not keeping every element's garbage. */
static inline spate_value keep_value(writer *w, spate_value v)
{
    return is_scalar(v) ? v : spate_value_copy(w->keep, v);
}

/* The map slot of key k, inserted (*inserted) when new; NULL when the task
 * failed. Valid until the next call. */
static spate_value *combine_slot(writer *w, spate_value k, bool *inserted)
{
    sp_shuffle *s = w->s;
    uint64_t h = spate_value_hash(k);
    int b = s->partition ? keyed_bucket(w, k, h) : bucket_of(h, s->nout); /* no call when hashing */
    if (b < 0) return NULL;
    sp_vmap *m = &w->maps[b];
    spate_value *slot = sp_vmap_upsert(m, k, h, inserted);
    if (*inserted && !is_scalar(k)) sp_vmap_set_key(m, slot, spate_value_copy(w->keep, k));
    return slot;
}

/* Puts a cache line's combiner back into its key's map slot. */
static void write_back(writer *w, const sp_combine_line *line)
{
    bool inserted;
    spate_value *slot = combine_slot(w, line->key, &inserted);
    if (slot) *slot = line->comb;
}

/* The map's own key of the entry whose value slot is slot. */
static inline spate_value stored_key(const spate_value *slot)
{
    return ((const sp_vmap_entry *)((const char *)slot - offsetof(sp_vmap_entry, val)))->key;
}

static void write_combine(writer *w, spate_value v)
{
    sp_shuffle *s = w->s;
    spate_task *t = w->base.task;
    spate_value k = spate_key(v);
    sp_combine_line *line = w->cache ? sp_combine_cache_line(w->cache, k) : NULL;
    str_line *sl = NULL;
    uint64_t b[2];
    bool hit = line && sp_combine_line_holds(line, k);
    if (!line && w->strs && short_str(k, b)) {
        sl = str_lookup(w->strs, b, k.len, &hit);
        line = &sl->l;
    }
    if (hit) {
        line->comb = keep_value(w, s->merge_value(t, line->comb, spate_val(v), s->ud));
        return;
    }
    bool inserted;
    spate_value *slot = combine_slot(w, k, &inserted);
    if (!slot) return;
    spate_value c = inserted ? (s->create ? s->create(t, spate_val(v), s->ud) : spate_val(v))
                             : s->merge_value(t, *slot, spate_val(v), s->ud);
    *slot = c = keep_value(w, c);
    if (!line) return;
    if (sl) k = stored_key(slot);
    if (line->used) write_back(w, line); /* (slot is stale from here) */
    *line = (sp_combine_line){.key = k, .comb = c, .used = true};
    if (sl) memcpy(sl->bytes, b, sizeof b);
}

/* The push of a combining writer: no switch per element. */
static void combine_push(spate_sink *self, spate_value v) { write_combine((writer *)self, v); }

/* The buckets of the kinds whose output is their buckets end to end
 * (partitionBy, repartition) grow in the map task's arena - the shuffled
 * RDD's scope, warm memory from the arena chunk cache - instead of malloc'd
 * vectors that went back to the kernel and were faulted in again each batch
 * (mapWithState's 100 k pairs: 1.6 MB); a lone map task's buckets are the
 * output. The space a bucket outgrows stays in the arena until the scope
 * ends. Other kinds read their buckets once and free them. */
static inline bool arena_buckets(const sp_shuffle *s)
{
    return s->kind == SH_PARTITION_BY || s->kind == SH_REPARTITION;
}

static void bucket_push(writer *w, sp_vvec *b, spate_value v)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        spate_value *data = spate_arena_alloc(w->base.task->arena, sizeof *data * cap);
        if (b->len) memcpy(data, b->data, sizeof *data * b->len);
        b->data = data;
        b->cap = cap;
    }
    b->data[b->len++] = v;
}

static void writer_push(spate_sink *self, spate_value v)
{
    writer *w = (writer *)self;
    sp_shuffle *s = w->s;
    switch (s->kind) {
    case SH_REPARTITION:
        bucket_push(w, &w->buckets[w->rr], v);
        w->rr = (w->rr + 1) % s->nout;
        break;
    case SH_COMBINE:
        write_combine(w, v);
        break;
    case SH_GROUP:
    case SH_COGROUP:
    case SH_PARTITION_BY: {
        spate_value k = spate_key(v);
        int b = s->partition ? keyed_bucket(w, k, 0) : bucket_of(spate_value_hash(k), s->nout);
        if (b < 0) break;
        if (arena_buckets(s))
            bucket_push(w, &w->buckets[b], v);
        else
            sp_vvec_push(&w->buckets[b], v);
        break;
    }
    case SH_SORT:
        sp_vvec_push(&w->buckets[0], s->key_fn ? s->key_fn(self->task, v, s->ud) : v);
        sp_vvec_push(&w->buckets[0], v);
        break;
    }
}

/* Turns the per-bucket hash maps into flat (key, combiner) runs. */
static void flush_combiners(writer *w)
{
    for (int b = 0; b < w->s->nout; b++) {
        sp_vmap *m = &w->maps[b];
        size_t it = 0;
        spate_value key, *val;
        while (sp_vmap_next(m, &it, &key, &val)) {
            sp_vvec_push(&w->buckets[b], key);
            sp_vvec_push(&w->buckets[b], *val);
        }
        sp_vmap_free(m);
    }
}

static void map_task(spate_task *t, int m, void *ud)
{
    sp_shuffle *s = ud;
    int side = 0, part = m;
    if (part >= s->in[0]->nparts) {
        part -= s->in[0]->nparts;
        side = 1;
    }
    writer w = {.base = {.push = writer_push, .task = t}, .s = s};
    w.buckets = &s->buckets[(size_t)m * (size_t)s->nout];
    w.rr = part % s->nout;
    if (s->kind == SH_COMBINE) {
        w.maps = sp_xcalloc((size_t)s->nout, sizeof *w.maps);
        for (int b = 0; b < s->nout; b++)
            sp_vmap_init(&w.maps[b], 64);
        w.keep = t->arena;
        w.base.push = combine_push;
        if (!s->partition) {
            w.cache = sp_xcalloc(1, sizeof *w.cache);
            w.strs = sp_xcalloc(1, sizeof *w.strs);
        }
        sp_task_begin_transient(t);
    }
    sp_rdd_compute(s->in[side], part, &w.base);
    if (w.maps) {
        sp_task_end_transient(t, w.keep);
        for (int i = 0; w.cache && i < SP_COMBINE_CACHE_LINES; i++)
            if (w.cache->line[i].used) write_back(&w, &w.cache->line[i]);
        for (int i = 0; w.strs && i < STR_SETS * STR_WAYS; i++) {
            str_line *sl = &w.strs->set[i / STR_WAYS][i % STR_WAYS];
            if (sl->l.used) write_back(&w, &sl->l);
        }
        free(w.cache);
        free(w.strs);
        flush_combiners(&w);
        free(w.maps);
    }
}

/* ---- reduce side ---- */

typedef struct out_part {
    spate_value **parts;
    size_t *lens;
} out_part;

static void emit_output(spate_rdd *r, int b, sp_vvec *out)
{
    sp_scope_own(r->scope, out->data);
    r->parts[b] = out->data;
    r->lens[b] = out->len;
}

/* The buckets of partition b end to end (they are in the scope's arenas).
 * One map task's bucket is taken as it is (no copy). */
static void reduce_concat(spate_task *t, spate_rdd *r, int b)
{
    sp_shuffle *s = r->state;
    if (s->nmap == 1) {
        r->parts[b] = s->buckets[b].data;
        r->lens[b] = s->buckets[b].len;
        return;
    }
    size_t n = 0;
    for (int m = 0; m < s->nmap; m++)
        n += s->buckets[(size_t)m * (size_t)s->nout + (size_t)b].len;
    spate_value *out = spate_arena_alloc(t->arena, sizeof *out * (n ? n : 1));
    n = 0;
    for (int m = 0; m < s->nmap; m++) {
        sp_vvec *in = &s->buckets[(size_t)m * (size_t)s->nout + (size_t)b];
        if (in->len) memcpy(out + n, in->data, sizeof *in->data * in->len);
        n += in->len;
    }
    r->parts[b] = out;
    r->lens[b] = n;
}

static void reduce_combine(spate_task *t, spate_rdd *r, int b)
{
    sp_shuffle *s = r->state;
    sp_vmap m;
    sp_vmap_init(&m, 64);
    for (int mi = 0; mi < s->nmap; mi++) {
        sp_vvec *in = &s->buckets[(size_t)mi * (size_t)s->nout + (size_t)b];
        for (size_t i = 0; i + 1 < in->len; i += 2) {
            bool inserted;
            spate_value *slot =
                sp_vmap_upsert(&m, in->data[i], spate_value_hash(in->data[i]), &inserted);
            *slot = inserted ? in->data[i + 1] : s->merge_comb(t, *slot, in->data[i + 1], s->ud);
        }
    }
    sp_vvec out = {0};
    size_t it = 0;
    spate_value key, *val;
    while (sp_vmap_next(&m, &it, &key, &val))
        sp_vvec_push(&out, spate_tuple2(t->arena, key, *val));
    sp_vmap_free(&m);
    emit_output(r, b, &out);
}

/* groupByKey and cogroup: key -> group index; a group holds one value list per side. */
typedef struct group {
    spate_value key;
    sp_vvec side[2];
} group;

static void add_to_group(sp_vmap *m, group **groups, size_t *n, size_t *cap, spate_value v,
                         int side)
{
    spate_value k = spate_key(v);
    bool inserted;
    spate_value *slot = sp_vmap_upsert(m, k, spate_value_hash(k), &inserted);
    if (inserted) {
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *groups = sp_xrealloc(*groups, *cap * sizeof **groups);
        }
        memset(&(*groups)[*n], 0, sizeof **groups);
        (*groups)[*n].key = k;
        *slot = spate_i64((int64_t)(*n)++);
    }
    sp_vvec_push(&(*groups)[slot->u.i].side[side], spate_val(v));
}

static spate_value group_value(spate_task *t, sp_shuffle *s, group *g)
{
    spate_value a = spate_list_of(t->arena, g->side[0].data, g->side[0].len);
    if (s->kind == SH_GROUP) return a;
    spate_value b = spate_list_of(t->arena, g->side[1].data, g->side[1].len);
    return spate_tuple2(t->arena, a, b);
}

static void reduce_group(spate_task *t, spate_rdd *r, int b)
{
    sp_shuffle *s = r->state;
    sp_vmap m;
    sp_vmap_init(&m, 64);
    group *groups = NULL;
    size_t n = 0, cap = 0;
    for (int mi = 0; mi < s->nmap; mi++) {
        int side = mi >= s->in[0]->nparts ? 1 : 0;
        sp_vvec *in = &s->buckets[(size_t)mi * (size_t)s->nout + (size_t)b];
        for (size_t i = 0; i < in->len; i++)
            add_to_group(&m, &groups, &n, &cap, in->data[i], side);
    }
    sp_vvec out = {0};
    for (size_t i = 0; i < n; i++) {
        sp_vvec_push(&out, spate_tuple2(t->arena, groups[i].key, group_value(t, s, &groups[i])));
        sp_vvec_free(&groups[i].side[0]);
        sp_vvec_free(&groups[i].side[1]);
    }
    free(groups);
    sp_vmap_free(&m);
    emit_output(r, b, &out);
}

/* ---- sort ---- */

typedef struct sort_item {
    spate_value key, value;
    size_t seq; /* keeps the sort stable */
} sort_item;

static int cmp_items_asc(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    int c = spate_value_cmp(x->key, y->key);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_items_desc(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    int c = spate_value_cmp(y->key, x->key);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Ascending range partition of key, mirrored for a descending sort so that
 * partition 0 holds the largest keys. */
static int range_of(const sp_shuffle *s, spate_value key)
{
    if (s->nout == 1) return 0;
    int lo = 0, hi = s->nout - 1; /* first bound >= key */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (spate_value_cmp(s->bounds[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return s->ascending ? lo : s->nout - 1 - lo;
}

static void reduce_sort(spate_rdd *r, int b)
{
    sp_shuffle *s = r->state;
    sort_item *items = NULL;
    size_t n = 0, cap = 0, seq = 0;
    for (int mi = 0; mi < s->nmap; mi++) {
        sp_vvec *in = &s->buckets[(size_t)mi * (size_t)s->nout];
        for (size_t i = 0; i + 1 < in->len; i += 2, seq++) {
            if (range_of(s, in->data[i]) != b) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                items = sp_xrealloc(items, cap * sizeof *items);
            }
            items[n++] = (sort_item){in->data[i], in->data[i + 1], seq};
        }
    }
    if (n > 1) qsort(items, n, sizeof *items, s->ascending ? cmp_items_asc : cmp_items_desc);
    sp_vvec out = {0};
    for (size_t i = 0; i < n; i++)
        sp_vvec_push(&out, items[i].value);
    free(items);
    emit_output(r, b, &out);
}

static int cmp_values(const void *a, const void *b)
{
    return spate_value_cmp(*(const spate_value *)a, *(const spate_value *)b);
}

/* Range bounds from every key (the map outputs are in memory already, so an
 * exact split costs one sort of the keys - cheaper than Spark's sampling job). */
static void compute_bounds(spate_rdd *r)
{
    sp_shuffle *s = r->state;
    sp_vvec keys = {0};
    for (int mi = 0; mi < s->nmap; mi++) {
        sp_vvec *in = &s->buckets[(size_t)mi * (size_t)s->nout];
        for (size_t i = 0; i + 1 < in->len; i += 2)
            sp_vvec_push(&keys, in->data[i]);
    }
    if (keys.len > 1) qsort(keys.data, keys.len, sizeof *keys.data, cmp_values);
    s->bounds = spate_arena_alloc(sp_scope_arena(r->scope), sizeof *s->bounds * (size_t)s->nout);
    for (int i = 0; i < s->nout - 1; i++) {
        size_t at = keys.len * (size_t)(i + 1) / (size_t)s->nout;
        s->bounds[i] = keys.len ? keys.data[at < keys.len ? at : keys.len - 1] : spate_null();
    }
    sp_vvec_free(&keys);
}

static void reduce_task(spate_task *t, int b, void *ud)
{
    spate_rdd *r = ud;
    switch (((sp_shuffle *)r->state)->kind) {
    case SH_REPARTITION:
    case SH_PARTITION_BY:
        reduce_concat(t, r, b);
        break;
    case SH_COMBINE:
        reduce_combine(t, r, b);
        break;
    case SH_GROUP:
    case SH_COGROUP:
        reduce_group(t, r, b);
        break;
    case SH_SORT:
        reduce_sort(r, b);
        break;
    }
}

static void free_buckets(sp_shuffle *s)
{
    for (size_t i = 0; !arena_buckets(s) && i < (size_t)s->nmap * (size_t)s->nout; i++)
        sp_vvec_free(&s->buckets[i]);
    free(s->buckets);
    s->buckets = NULL;
}

/* The shuffle's prepare (its inputs are prepared): the map stage, then the
 * reduce stage into the output partitions. */
static spate_err shuffle_run(spate_rdd *r)
{
    sp_shuffle *s = r->state;
    spate_err err = SPATE_OK;
    for (int i = 0; i < s->nin && !err; i++)
        err = sp_rdd_prepare(s->in[i]);
    if (err) return err;
    s->nout = r->nparts;
    s->nmap = s->in[0]->nparts + (s->nin > 1 ? s->in[1]->nparts : 0);
    s->buckets = sp_xcalloc((size_t)s->nmap * (size_t)s->nout + 1, sizeof *s->buckets);
    err = sp_job_run(r->scope, s->nmap, map_task, s);
    if (!err) {
        spate_arena *a = sp_scope_arena(r->scope);
        r->parts = spate_arena_alloc(a, sizeof *r->parts * (size_t)r->nparts);
        r->lens = spate_arena_alloc(a, sizeof *r->lens * (size_t)r->nparts);
        if (s->kind == SH_SORT && s->nout > 1) compute_bounds(r);
        err = sp_job_run(r->scope, r->nparts, reduce_task, r);
    }
    free_buckets(s);
    return err;
}
