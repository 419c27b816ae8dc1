/* agg_table.c - the hash table of a hash aggregation (agg.h): open
 * addressing over key hashes computed a column at a time, groups numbered
 * densely in order of arrival, keys stored by column (strings copied into
 * the table's arena once per new group), and each call's accumulators as
 * arrays indexed by group (agg_funcs.c). NULL keys group together; FLOAT and
 * DOUBLE keys are normalized (-0.0 is 0.0, every NaN one NaN). The probe
 * hash is the table's own; sp_agg_table_hash computes spate_value_hash of
 * the key once per call, not per row. Two fast paths: one integral key
 * over a range under DIRECT_MAX is looked up in an array indexed by the
 * value (direct mode, left for hashing when a key falls far outside), and
 * one string key without nulls is hashed and probed in one pass, keys of
 * up to 8 bytes compared as one word. A table belongs to one thread. */
#include "sql/agg_int.h"

#include "base/arena.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

enum { CHUNK = 1024, DIRECT_MAX = 1 << 20 };
enum { K_INT, K_BOOL, K_F64, K_DEC, K_STR, K_BYTES };

typedef struct keycol {
    int kind;
    int64_t *i;      /* K_INT, K_BOOL, K_F64 (bits of the normalized double) */
    sp_i128 *dec;    /* K_DEC */
    const char **s;  /* K_STR, K_BYTES: in the table's arena */
    uint32_t *len;   /* K_STR, K_BYTES */
    uint64_t *pk;    /* K_STR, K_BYTES of <= 8 bytes: the bytes as one word */
    uint8_t *isnull; /* 1: the group's key is NULL */
} keycol;

struct sp_agg_table {
    int nkeys, naggs;
    bool ansi;
    keycol *kc;
    sp_agg_acc *accs;
    spate_arena *arena;
    int64_t ngroups, gcap;
    uint64_t *gh;    /* probe hash per group */
    uint64_t *slots; /* (hash >> 32) << 32 | (group + 1); 0: empty */
    uint64_t mask;
    /* direct mode (one integral key over a range under DIRECT_MAX): group
     * + 1 of key v at dmap[v - dlo], no hashing nor probing */
    bool direct, dset;
    int64_t dlo, dhi, dnull; /* dnull: the NULL key's group, -1 none */
    int32_t *dmap;
    uint64_t h[CHUNK], hk[CHUNK];
    int32_t rows[CHUNK], gid[CHUNK];
    bool dense; /* rows[] is rows[0] + 0, 1, 2... */
};

static int key_kind(const sp_sql_type *t)
{
    switch (t->id) {
    case SP_SQL_BOOLEAN:
        return K_BOOL;
    case SP_SQL_FLOAT:
    case SP_SQL_DOUBLE:
        return K_F64;
    case SP_SQL_DECIMAL:
        return K_DEC;
    case SP_SQL_STRING:
        return K_STR;
    case SP_SQL_BINARY:
        return K_BYTES;
    default:
        return K_INT;
    }
}

sp_agg_table *sp_agg_table_new(int nkeys, const sp_sql_type *const *key_types, int naggs,
                               const sp_agg_call *aggs, bool ansi)
{
    sp_agg_table *t = sp_xcalloc(1, sizeof *t);
    t->nkeys = nkeys;
    t->naggs = naggs;
    t->ansi = ansi;
    t->arena = spate_arena_new();
    t->kc = sp_xcalloc((size_t)nkeys + 1, sizeof *t->kc);
    for (int k = 0; k < nkeys; k++)
        t->kc[k].kind = key_kind(key_types[k]);
    t->accs = sp_xcalloc((size_t)naggs + 1, sizeof *t->accs);
    for (int i = 0; i < naggs; i++)
        sp_agg_acc_init(&t->accs[i], &aggs[i]);
    t->mask = 1023;
    t->slots = sp_xcalloc(t->mask + 1, sizeof *t->slots);
    t->direct = nkeys == 1 && (t->kc[0].kind == K_INT || t->kc[0].kind == K_BOOL);
    t->dnull = -1;
    return t;
}

void sp_agg_table_free(sp_agg_table *t)
{
    if (!t) return;
    for (int k = 0; k < t->nkeys; k++) {
        free(t->kc[k].i);
        free(t->kc[k].dec);
        free(t->kc[k].s);
        free(t->kc[k].len);
        free(t->kc[k].pk);
        free(t->kc[k].isnull);
    }
    for (int i = 0; i < t->naggs; i++)
        sp_agg_acc_free(&t->accs[i]);
    free(t->kc);
    free(t->accs);
    free(t->gh);
    free(t->slots);
    free(t->dmap);
    spate_arena_destroy(t->arena);
    free(t);
}

void sp_agg_table_clear(sp_agg_table *t)
{
    t->ngroups = 0;
    memset(t->slots, 0, (t->mask + 1) * sizeof *t->slots);
    t->direct = t->nkeys == 1 && (t->kc[0].kind == K_INT || t->kc[0].kind == K_BOOL);
    t->dset = false;
    t->dnull = -1;
    spate_arena_destroy(t->arena);
    t->arena = spate_arena_new();
}

int64_t sp_agg_table_ngroups(const sp_agg_table *t) { return t->ngroups; }

static void grow_groups(sp_agg_table *t)
{
    int64_t cap = t->gcap ? t->gcap * 2 : 256;
    t->gh = sp_xrealloc(t->gh, (size_t)cap * sizeof *t->gh);
    for (int k = 0; k < t->nkeys; k++) {
        keycol *c = &t->kc[k];
        c->isnull = sp_xrealloc(c->isnull, (size_t)cap);
        if (c->kind == K_DEC)
            c->dec = sp_xrealloc(c->dec, (size_t)cap * sizeof *c->dec);
        else if (c->kind == K_STR || c->kind == K_BYTES) {
            c->s = sp_xrealloc(c->s, (size_t)cap * sizeof *c->s);
            c->len = sp_xrealloc(c->len, (size_t)cap * sizeof *c->len);
            c->pk = sp_xrealloc(c->pk, (size_t)cap * sizeof *c->pk);
        } else
            c->i = sp_xrealloc(c->i, (size_t)cap * sizeof *c->i);
    }
    for (int i = 0; i < t->naggs; i++)
        sp_agg_acc_reserve(&t->accs[i], cap);
    t->gcap = cap;
}

static inline uint64_t slot_entry(uint64_t hv, int64_t g)
{
    return (hv >> 32 << 32) | (uint64_t)(g + 1);
}

/* Slots for every group in a table of mask + 1 slots. */
static void fill_slots(sp_agg_table *t, uint64_t mask)
{
    free(t->slots);
    t->slots = sp_xcalloc(mask + 1, sizeof *t->slots);
    t->mask = mask;
    for (int64_t g = 0; g < t->ngroups; g++) {
        uint64_t s = t->gh[g] & mask;
        while (t->slots[s])
            s = (s + 1) & mask;
        t->slots[s] = slot_entry(t->gh[g], g);
    }
}

static void rehash(sp_agg_table *t) { fill_slots(t, t->mask * 2 + 1); }

/* ---- reading key values ---- */

static inline int64_t int_at(const sp_column *c, int64_t r)
{
    switch (c->type) {
    case SP_COL_I8:
        return sp_column_i8(c)[r];
    case SP_COL_I16:
        return sp_column_i16(c)[r];
    case SP_COL_I32:
    case SP_COL_DATE32:
        return sp_column_i32(c)[r];
    case SP_COL_BOOL:
        return sp_column_get_bool(c, r);
    case SP_COL_F32:
    case SP_COL_F64: {
        double d = c->type == SP_COL_F32 ? (double)sp_column_f32(c)[r] : sp_column_f64(c)[r];
        if (d == 0.0) d = 0.0;
        if (isnan(d)) d = NAN;
        int64_t bits;
        memcpy(&bits, &d, 8);
        return bits;
    }
    default:
        return sp_column_i64(c)[r];
    }
}

/* A string of len <= 8 bytes at chars[o] as one little-endian word, the
 * bytes past len zero (one load when the buffer has room past it). */
static inline uint64_t load_short(const sp_column *c, int32_t o, uint32_t len)
{
    uint64_t v = 0;
    if ((int64_t)o + 8 <= c->chars_cap) {
        memcpy(&v, c->chars + o, 8);
        /* no branch on len (8 of 1..8): the mask is shifted twice */
        return v & (~0ull >> (8 * (8 - len) - (len == 0)) >> (len == 0));
    }
    memcpy(&v, c->chars + o, len);
    return v;
}

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

/* hk[i]: the hash of key column c at rows[i] (NULL rows: one constant). */
static void hash_column(const sp_column *c, const int32_t *rows, int n, uint64_t *hk)
{
    if (sp_coltype_is_varlen(c->type)) {
        for (int i = 0; i < n; i++) {
            int32_t o = c->offsets[rows[i]];
            uint32_t len = (uint32_t)(c->offsets[rows[i] + 1] - o);
            hk[i] = len <= 8 ? (load_short(c, o, len) ^ len) * 0xff51afd7ed558ccdull
                             : XXH3_64bits(c->chars + o, len);
        }
    } else if (c->type == SP_COL_DECIMAL128) {
        for (int i = 0; i < n; i++) {
            sp_i128 d = sp_sql_col_dec(c, rows[i]);
            hk[i] = (uint64_t)d ^ mix((uint64_t)(d >> 64));
        }
    } else if (c->type == SP_COL_I64 || c->type == SP_COL_TIMESTAMP) {
        const int64_t *v = sp_column_i64(c);
        for (int i = 0; i < n; i++)
            hk[i] = (uint64_t)v[rows[i]];
    } else {
        for (int i = 0; i < n; i++)
            hk[i] = (uint64_t)int_at(c, rows[i]);
    }
    if (c->validity)
        for (int i = 0; i < n; i++)
            if (!sp_column_valid(c, rows[i])) hk[i] = 0x5bd1e9955bd1e995ull;
}

/* The probe hash of a one-column key whose column hash is hk (hash_rows
 * folds the same way). */
static inline uint64_t hash_one(uint64_t hk)
{
    return mix((0x9E3779B97F4A7C15ull ^ hk) * 0x9E3779B97F4A7C15ull);
}

/* h[i] of rows[0..n): every key column folded in, one column at a time. */
static void hash_rows(sp_agg_table *t, const sp_column *const *keys, int n)
{
    uint64_t *h = t->h, *hk = t->hk;
    for (int i = 0; i < n; i++)
        h[i] = 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < t->nkeys; k++) {
        hash_column(keys[k], t->rows, n, hk);
        for (int i = 0; i < n; i++)
            h[i] = (h[i] ^ hk[i]) * 0x9E3779B97F4A7C15ull;
    }
    for (int i = 0; i < n; i++)
        h[i] = mix(h[i]);
}

static inline bool key_eq(const sp_agg_table *t, const sp_column *const *keys, int64_t r, int64_t g)
{
    for (int k = 0; k < t->nkeys; k++) {
        const sp_column *c = keys[k];
        const keycol *kc = &t->kc[k];
        bool valid = sp_column_valid(c, r);
        if (!valid || kc->isnull[g]) {
            if (valid || !kc->isnull[g]) return false;
            continue;
        }
        if (sp_coltype_is_varlen(c->type)) {
            int32_t o = c->offsets[r];
            uint32_t len = (uint32_t)(c->offsets[r + 1] - o);
            if (len != kc->len[g]) return false;
            if (len <= 8 ? load_short(c, o, len) != kc->pk[g]
                         : memcmp(c->chars + o, kc->s[g], len) != 0)
                return false;
        } else if (c->type == SP_COL_DECIMAL128) {
            if (sp_sql_col_dec(c, r) != kc->dec[g]) return false;
        } else if (int_at(c, r) != kc->i[g])
            return false;
    }
    return true;
}

static int64_t new_group(sp_agg_table *t, const sp_column *const *keys, int64_t r, uint64_t hv)
{
    if (t->ngroups == t->gcap) grow_groups(t);
    int64_t g = t->ngroups++;
    t->gh[g] = hv;
    for (int k = 0; k < t->nkeys; k++) {
        const sp_column *c = keys[k];
        keycol *kc = &t->kc[k];
        kc->isnull[g] = !sp_column_valid(c, r);
        if (sp_coltype_is_varlen(c->type)) {
            int32_t o = kc->isnull[g] ? 0 : c->offsets[r];
            uint32_t len = kc->isnull[g] ? 0 : (uint32_t)(c->offsets[r + 1] - o);
            kc->s[g] = len ? sp_arena_memdup(t->arena, c->chars + o, len) : "";
            kc->len[g] = len;
            kc->pk[g] = len <= 8 ? load_short(c, o, len) : 0;
        } else if (c->type == SP_COL_DECIMAL128)
            kc->dec[g] = kc->isnull[g] ? 0 : sp_sql_col_dec(c, r);
        else
            kc->i[g] = kc->isnull[g] ? 0 : int_at(c, r);
    }
    for (int i = 0; i < t->naggs; i++)
        sp_agg_acc_new_group(&t->accs[i], g);
    return g;
}

/* gid[i] of rows[0..n): the group of each row, made when new. The slot
 * holds the hash's high half, so a probe reads the group's key only when
 * that matches; slots a few rows ahead are prefetched. */
static void find_groups(sp_agg_table *t, const sp_column *const *keys, int n)
{
    enum { AHEAD = 8 };
    for (int i = 0; i < n; i++) {
        if (i + AHEAD < n) __builtin_prefetch(&t->slots[t->h[i + AHEAD] & t->mask]);
        uint64_t hv = t->h[i], s = hv & t->mask, tag = hv >> 32;
        int64_t r = t->rows[i];
        for (;;) {
            uint64_t e = t->slots[s];
            if (!e) {
                int64_t g = new_group(t, keys, r, hv);
                t->slots[s] = slot_entry(hv, g);
                t->gid[i] = (int32_t)g;
                if ((uint64_t)t->ngroups * 2 > t->mask) rehash(t);
                break;
            }
            int64_t g = (int64_t)(uint32_t)e - 1;
            if (e >> 32 == tag && key_eq(t, keys, r, g)) {
                t->gid[i] = (int32_t)g;
                break;
            }
            s = (s + 1) & t->mask;
        }
    }
}

/* ---- direct mode ---- */

/* Back to hashing: every group into the slots. */
static void leave_direct(sp_agg_table *t)
{
    uint64_t mask = t->mask;
    while ((uint64_t)t->ngroups * 2 > mask)
        mask = mask * 2 + 1;
    fill_slots(t, mask);
    t->direct = false;
}

/* The map widened to hold [lo, hi] (with room to spare); false when the
 * range is too wide for it. */
static bool direct_range(sp_agg_table *t, int64_t lo, int64_t hi)
{
    if (t->dset && lo >= t->dlo && hi <= t->dhi) return true;
    if (t->dset) {
        lo = lo < t->dlo ? lo : t->dlo;
        hi = hi > t->dhi ? hi : t->dhi;
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span >= DIRECT_MAX) return false;
    int64_t pad = (int64_t)(span / 2) + 64, plo, phi;
    if (span + 2 * (uint64_t)pad < DIRECT_MAX && !__builtin_sub_overflow(lo, pad, &plo) &&
        !__builtin_add_overflow(hi, pad, &phi)) {
        lo = plo;
        hi = phi;
    }
    free(t->dmap);
    t->dmap = sp_xcalloc((size_t)((uint64_t)hi - (uint64_t)lo) + 1, sizeof *t->dmap);
    t->dlo = lo;
    t->dhi = hi;
    t->dset = true;
    for (int64_t g = 0; g < t->ngroups; g++)
        if (!t->kc[0].isnull[g]) t->dmap[t->kc[0].i[g] - lo] = (int32_t)(g + 1);
    return true;
}

/* find_direct for an int64 column without nulls: plain loops. */
static bool find_direct_i64(sp_agg_table *t, const sp_column *const *keys, int n)
{
    const int64_t *v = sp_column_i64(keys[0]);
    const int32_t *rows = t->rows;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    if (t->dense) {
        const int64_t *d = v + rows[0]; /* contiguous: the loop vectorizes */
        for (int i = 0; i < n; i++) {
            lo = d[i] < lo ? d[i] : lo;
            hi = d[i] > hi ? d[i] : hi;
        }
    } else {
        for (int i = 0; i < n; i++) {
            int64_t x = v[rows[i]];
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
    }
    if (n && !direct_range(t, lo, hi)) {
        leave_direct(t);
        return false;
    }
    int32_t *dmap = t->dmap; /* new_group leaves the map alone */
    int64_t dlo = t->dlo;
    for (int i = 0; i < n; i++) {
        int64_t x = v[rows[i]];
        int32_t *e = &dmap[x - dlo];
        if (!*e) *e = (int32_t)new_group(t, keys, rows[i], hash_one((uint64_t)x)) + 1;
        t->gid[i] = *e - 1;
    }
    return true;
}

/* gid[] by the direct map; false (and hashing from now on) when the
 * chunk's keys do not fit it. */
static bool find_direct(sp_agg_table *t, const sp_column *const *keys, int n)
{
    const sp_column *c = keys[0];
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    if (!c->validity && (c->type == SP_COL_I64 || c->type == SP_COL_TIMESTAMP))
        return find_direct_i64(t, keys, n);
    for (int i = 0; i < n; i++) {
        if (!sp_column_valid(c, t->rows[i])) continue;
        int64_t v = int_at(c, t->rows[i]);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (lo <= hi && !direct_range(t, lo, hi)) {
        leave_direct(t);
        return false;
    }
    for (int i = 0; i < n; i++) {
        int64_t r = t->rows[i];
        if (!sp_column_valid(c, r)) {
            if (t->dnull < 0) t->dnull = new_group(t, keys, r, hash_one(0x5bd1e9955bd1e995ull));
            t->gid[i] = (int32_t)t->dnull;
            continue;
        }
        int64_t v = int_at(c, r);
        int32_t *e = &t->dmap[v - t->dlo];
        if (!*e) *e = (int32_t)new_group(t, keys, r, hash_one((uint64_t)v)) + 1;
        t->gid[i] = *e - 1;
    }
    return true;
}

/* find_groups for one string key without nulls, hashing and probing in
 * one pass (the count-by-kind case). */
static void find_str1(sp_agg_table *t, const sp_column *const *keys, int n)
{
    const sp_column *c = keys[0];
    const keycol *kc = &t->kc[0];
    for (int i = 0; i < n; i++) {
        int64_t r = t->rows[i];
        int32_t o = c->offsets[r];
        uint32_t len = (uint32_t)(c->offsets[r + 1] - o);
        uint64_t w = len <= 8 ? load_short(c, o, len) : 0;
        uint64_t hv =
            hash_one(len <= 8 ? (w ^ len) * 0xff51afd7ed558ccdull : XXH3_64bits(c->chars + o, len));
        uint64_t s = hv & t->mask, tag = hv >> 32;
        for (;;) {
            uint64_t e = t->slots[s];
            if (!e) {
                int64_t g = new_group(t, keys, r, hv);
                t->slots[s] = slot_entry(hv, g);
                t->gid[i] = (int32_t)g;
                if ((uint64_t)t->ngroups * 2 > t->mask) rehash(t);
                break;
            }
            int64_t g = (int64_t)(uint32_t)e - 1;
            if (e >> 32 == tag && kc->len[g] == len &&
                (len <= 8 ? kc->pk[g] == w : memcmp(c->chars + o, kc->s[g], len) == 0)) {
                t->gid[i] = (int32_t)g;
                break;
            }
            s = (s + 1) & t->mask;
        }
    }
}

bool sp_agg_table_add(sp_agg_table *t, const sp_column *const *keys, const sp_column *const *args,
                      int64_t nrows, const int32_t *sel, int64_t nsel, char *err, size_t err_size)
{
    int64_t total = sel ? nsel : nrows;
    for (int k = 0; k < t->nkeys; k++)
        if (sp_coltype_is_nested(keys[k]->type)) { /* DISTINCT over an array, say */
            snprintf(err, err_size,
                     "[UNSUPPORTED_FEATURE] The feature is not supported: Grouping by ARRAY, MAP "
                     "or STRUCT values. SQLSTATE: 0A000");
            return false;
        }
    for (int64_t base = 0; base < total; base += CHUNK) {
        int n = (int)(total - base < CHUNK ? total - base : CHUNK);
        t->dense = !sel;
        if (sel)
            memcpy(t->rows, sel + base, (size_t)n * sizeof *sel);
        else
            for (int i = 0; i < n; i++)
                t->rows[i] = (int32_t)(base + i);
        if (t->nkeys == 0) {
            if (t->ngroups == 0) new_group(t, keys, 0, 0);
            memset(t->gid, 0, (size_t)n * sizeof t->gid[0]);
        } else if (t->nkeys == 1 && sp_coltype_is_varlen(keys[0]->type) && !keys[0]->validity) {
            find_str1(t, keys, n);
        } else if (!t->direct || !find_direct(t, keys, n)) {
            hash_rows(t, keys, n);
            find_groups(t, keys, n);
        }
        for (int c = 0; c < t->naggs; c++) {
            if (!sp_agg_acc_update(&t->accs[c], args ? args[c] : NULL, t->rows, t->gid, n, t->arena,
                                   t->ansi, err, err_size))
                return false;
        }
    }
    return true;
}

/* Group g's key element k; strings point into the table unless a. */
static spate_value key_value(const sp_agg_table *t, int k, int64_t g, spate_arena *a,
                             uint8_t *decbuf)
{
    const keycol *kc = &t->kc[k];
    if (kc->isnull[g]) return spate_null();
    switch (kc->kind) {
    case K_BOOL:
        return spate_bool(kc->i[g] != 0);
    case K_F64: {
        double d;
        memcpy(&d, &kc->i[g], 8);
        return spate_f64(d);
    }
    case K_DEC:
        if (a) return sp_agg_dec_make(a, kc->dec[g]);
        memcpy(decbuf, &kc->dec[g], 16);
        return (spate_value){SPATE_BYTES, 16, {.bytes = decbuf}};
    case K_STR:
        return a ? spate_str_copy(a, kc->s[g], kc->len[g]) : spate_str(kc->s[g], kc->len[g]);
    case K_BYTES:
        return a ? spate_bytes_copy(a, kc->s[g], kc->len[g])
                 : (spate_value){SPATE_BYTES, kc->len[g], {.bytes = (const uint8_t *)kc->s[g]}};
    default:
        return spate_i64(kc->i[g]);
    }
}

/* Any number of threads may hash groups of one table at once (the shuffle
 * partitions' tasks): the key is built in the caller's memory, never in the
 * table's. */
uint64_t sp_agg_table_hash(const sp_agg_table *t, int64_t g)
{
    enum { STACK = 16 };
    spate_value stack_items[STACK];
    uint8_t stack_dec[STACK][16];
    bool heap = t->nkeys > STACK;
    spate_value *items = heap ? sp_xcalloc((size_t)t->nkeys, sizeof *items) : stack_items;
    uint8_t(*dec)[16] = heap ? sp_xcalloc((size_t)t->nkeys, sizeof *dec) : stack_dec;
    for (int k = 0; k < t->nkeys; k++)
        items[k] = key_value(t, k, g, NULL, dec[k]);
    spate_value key = {SPATE_ARRAY, (uint32_t)t->nkeys, {.items = items}};
    uint64_t h = spate_value_hash(key);
    if (heap) {
        free(items);
        free(dec);
    }
    return h;
}

spate_value sp_agg_table_key(const sp_agg_table *t, int64_t g, spate_arena *a)
{
    spate_value key = spate_array_of(a, NULL, (size_t)t->nkeys);
    for (int k = 0; k < t->nkeys; k++)
        spate_items_mut(key)[k] = key_value(t, k, g, a, NULL);
    return key;
}

spate_value sp_agg_table_buffer(const sp_agg_table *t, int64_t g, spate_arena *a)
{
    spate_value buf = spate_array_of(a, NULL, (size_t)t->naggs);
    for (int i = 0; i < t->naggs; i++)
        spate_items_mut(buf)[i] = sp_agg_acc_buffer(&t->accs[i], g, a);
    return buf;
}
