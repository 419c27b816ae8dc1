/* agg_table.c - the hash table of a hash aggregation (agg.h): open
 * addressing over key hashes computed a column at a time, groups numbered
 * densely in order of arrival, keys stored by column (strings copied into
 * the table's arena once per new group), and each call's accumulators as
 * arrays indexed by group (agg_funcs.c). NULL keys group together; FLOAT and
 * DOUBLE keys are normalized (-0.0 is 0.0, every NaN one NaN). The probe
 * hash is the table's own; sp_agg_table_hash computes spate_value_hash of
 * the key once per call, not per row. A table belongs to one thread. */
#include "sql/agg_int.h"

#include "base/arena.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

enum { CHUNK = 1024 };
enum { K_INT, K_BOOL, K_F64, K_DEC, K_STR, K_BYTES };

typedef struct keycol {
    int kind;
    int64_t *i;      /* K_INT, K_BOOL, K_F64 (bits of the normalized double) */
    sp_i128 *dec;    /* K_DEC */
    const char **s;  /* K_STR, K_BYTES: in the table's arena */
    uint32_t *len;   /* K_STR, K_BYTES */
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
    uint32_t *slots; /* group + 1; 0: empty */
    uint64_t mask;
    spate_value *scratch; /* nkeys, for sp_agg_table_hash */
    uint8_t (*decbuf)[16];
    uint64_t h[CHUNK], hk[CHUNK];
    int32_t rows[CHUNK], gid[CHUNK];
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
    t->scratch = sp_xcalloc((size_t)nkeys + 1, sizeof *t->scratch);
    t->decbuf = sp_xcalloc((size_t)nkeys + 1, sizeof *t->decbuf);
    t->mask = 1023;
    t->slots = sp_xcalloc(t->mask + 1, sizeof *t->slots);
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
        free(t->kc[k].isnull);
    }
    for (int i = 0; i < t->naggs; i++)
        sp_agg_acc_free(&t->accs[i]);
    free(t->kc);
    free(t->accs);
    free(t->gh);
    free(t->slots);
    free(t->scratch);
    free(t->decbuf);
    spate_arena_destroy(t->arena);
    free(t);
}

void sp_agg_table_clear(sp_agg_table *t)
{
    t->ngroups = 0;
    memset(t->slots, 0, (t->mask + 1) * sizeof *t->slots);
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
        } else
            c->i = sp_xrealloc(c->i, (size_t)cap * sizeof *c->i);
    }
    for (int i = 0; i < t->naggs; i++)
        sp_agg_acc_reserve(&t->accs[i], cap);
    t->gcap = cap;
}

static void rehash(sp_agg_table *t)
{
    uint64_t mask = t->mask * 2 + 1;
    free(t->slots);
    t->slots = sp_xcalloc(mask + 1, sizeof *t->slots);
    t->mask = mask;
    for (int64_t g = 0; g < t->ngroups; g++) {
        uint64_t s = t->gh[g] & mask;
        while (t->slots[s])
            s = (s + 1) & mask;
        t->slots[s] = (uint32_t)(g + 1);
    }
}

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
            hk[i] = XXH3_64bits(c->chars + o, (size_t)(c->offsets[rows[i] + 1] - o));
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
            if (len != kc->len[g] || memcmp(c->chars + o, kc->s[g], len) != 0) return false;
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
        } else if (c->type == SP_COL_DECIMAL128)
            kc->dec[g] = kc->isnull[g] ? 0 : sp_sql_col_dec(c, r);
        else
            kc->i[g] = kc->isnull[g] ? 0 : int_at(c, r);
    }
    for (int i = 0; i < t->naggs; i++)
        sp_agg_acc_new_group(&t->accs[i], g);
    return g;
}

/* gid[i] of rows[0..n): the group of each row, made when new. */
static void find_groups(sp_agg_table *t, const sp_column *const *keys, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t hv = t->h[i], s = hv & t->mask;
        int64_t r = t->rows[i];
        for (;;) {
            uint32_t e = t->slots[s];
            if (!e) {
                int64_t g = new_group(t, keys, r, hv);
                t->slots[s] = (uint32_t)(g + 1);
                t->gid[i] = (int32_t)g;
                if ((uint64_t)t->ngroups * 2 > t->mask) rehash(t);
                break;
            }
            if (t->gh[e - 1] == hv && key_eq(t, keys, r, e - 1)) {
                t->gid[i] = (int32_t)(e - 1);
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
    for (int64_t base = 0; base < total; base += CHUNK) {
        int n = (int)(total - base < CHUNK ? total - base : CHUNK);
        for (int i = 0; i < n; i++)
            t->rows[i] = sel ? sel[base + i] : (int32_t)(base + i);
        if (t->nkeys == 0) {
            if (t->ngroups == 0) new_group(t, keys, 0, 0);
            memset(t->gid, 0, (size_t)n * sizeof t->gid[0]);
        } else {
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

uint64_t sp_agg_table_hash(const sp_agg_table *t, int64_t g)
{
    for (int k = 0; k < t->nkeys; k++)
        t->scratch[k] = key_value(t, k, g, NULL, t->decbuf[k]);
    spate_value key = {SPATE_ARRAY, (uint32_t)t->nkeys, {.items = t->scratch}};
    return spate_value_hash(key);
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
