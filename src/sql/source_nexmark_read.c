/* source_nexmark_read.c - the `nexmark` source's reads: a partition's event
 * numbers generated (connect/nexmark_gen.h, random access, so partitions are
 * independent) straight into column batches. Each record's fields are
 * described once by a table of (kind, offset) so one loop fills a STRUCT's
 * children or a flat kind's columns; strings are appended with an inlined
 * copy. Columns the plan does not read (sp_source_def.required) are made all
 * null after the loop, and an event whose record no read column needs is
 * not generated at all (its type and time are functions of its number).
 *
 * Threads: executor threads; each call uses its own generator. */
#include "sql/source_nexmark_int.h"

#include "base/arena.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef enum { F_I64, F_TS, F_STR } fkind;

typedef struct nx_field {
    uint8_t kind;
    uint8_t off;
} nx_field;

#define P(k, f)                                                                                    \
    {                                                                                              \
        k, offsetof(sp_nexmark_person, f)                                                          \
    }
#define A(k, f)                                                                                    \
    {                                                                                              \
        k, offsetof(sp_nexmark_auction, f)                                                         \
    }
#define B(k, f)                                                                                    \
    {                                                                                              \
        k, offsetof(sp_nexmark_bid, f)                                                             \
    }
static const nx_field person_f[] = {P(F_I64, id),          P(F_STR, name), P(F_STR, email_address),
                                    P(F_STR, credit_card), P(F_STR, city), P(F_STR, state),
                                    P(F_TS, date_time),    P(F_STR, extra)};
static const nx_field auction_f[] = {
    A(F_I64, id),       A(F_STR, item_name), A(F_STR, description), A(F_I64, initial_bid),
    A(F_I64, reserve),  A(F_TS, date_time),  A(F_TS, expires),      A(F_I64, seller),
    A(F_I64, category), A(F_STR, extra)};
static const nx_field bid_f[] = {B(F_I64, auction), B(F_I64, bidder), B(F_I64, price),
                                 B(F_STR, channel), B(F_STR, url),    B(F_TS, date_time),
                                 B(F_STR, extra)};
#undef P
#undef A
#undef B

static const nx_field *const kind_fields[3] = {person_f, auction_f, bid_f};
static const int kind_nfields[3] = {8, 10, 7};

/* Appends s to utf8 column c (grown in b's arena as
 * sp_col_append_bytes does). */
static inline void put_str(sp_colbatch *b, sp_column *c, sp_nexmark_str s)
{
    int64_t at = c->offsets[c->str_rows];
    if (at + (int64_t)s.n > c->chars_cap) {
        int64_t cap = c->chars_cap * 2;
        while (cap < at + (int64_t)s.n)
            cap *= 2;
        char *chars = sp_colbatch_alloc(b, (size_t)cap);
        memcpy(chars, c->chars, (size_t)at);
        c->chars = chars;
        c->chars_cap = cap;
    }
    memcpy(c->chars + at, s.p, s.n);
    c->offsets[++c->str_rows] = (int32_t)(at + (int64_t)s.n);
}

/* Row row of cols[0..nf) from record rec (req NULL: every field). */
static inline void put_fields(sp_colbatch *b, sp_column *cols, const nx_field *f, int nf,
                              const bool *req, const char *rec, int64_t row)
{
    for (int i = 0; i < nf; i++) {
        if (req && !req[i]) continue;
        int64_t v;
        switch (f[i].kind) {
        case F_I64:
            memcpy(&v, rec + f[i].off, sizeof v);
            sp_column_i64(&cols[i])[row] = v;
            break;
        case F_TS:
            memcpy(&v, rec + f[i].off, sizeof v);
            sp_column_i64(&cols[i])[row] = v * 1000;
            break;
        default: {
            sp_nexmark_str s;
            memcpy(&s, rec + f[i].off, sizeof s);
            put_str(b, &cols[i], s);
        }
        }
    }
}

/* Row row of a null struct's fields: empty strings, zero numbers. */
static inline void put_null_fields(sp_column *cols, const nx_field *f, int nf, int64_t row)
{
    for (int i = 0; i < nf; i++) {
        sp_column *c = &cols[i];
        if (f[i].kind == F_STR) {
            c->offsets[c->str_rows + 1] = c->offsets[c->str_rows];
            c->str_rows++;
        } else {
            sp_column_i64(c)[row] = 0;
        }
    }
}

/* A zeroed bitmap of rows bits in b's arena. */
static uint8_t *zero_bits(sp_colbatch *b, int64_t rows)
{
    size_t n = (size_t)((rows + 7) / 8);
    uint8_t *p = sp_colbatch_alloc(b, n);
    memset(p, 0, n ? n : 1);
    return p;
}

/* Makes rows [0, rows) of c (nothing written yet) all null, children too.
 * A nested column becomes a stand-in bool column of nulls (as
 * sp_colbatch_concat and sp_sql_type_tree know them): no operator reads it,
 * and copying it (a filter's sp_colbatch_take) costs a bit per row instead
 * of a call per field and row. */
static void fill_null(sp_colbatch *b, sp_column *c, int64_t rows)
{
    c->validity = zero_bits(b, rows);
    c->null_count = rows;
    if (sp_coltype_is_nested(c->type) || c->type == SP_COL_BOOL) {
        c->type = SP_COL_BOOL;
        c->nchildren = 0;
        c->children = NULL;
        c->offsets = NULL;
        c->values = zero_bits(b, rows);
        snprintf(c->format, sizeof c->format, "%s", sp_coltype_arrow_format(SP_COL_BOOL));
    } else if (sp_coltype_is_varlen(c->type)) {
        int32_t at = c->offsets[c->str_rows];
        for (int64_t r = c->str_rows + 1; r <= rows; r++)
            c->offsets[r] = at;
        c->str_rows = rows;
    }
}

/* The kind of event number n (sp_nx_locate's rule). */
static inline int event_type(const sp_nexmark_config *cfg, int64_t total, uint64_t n)
{
    int64_t off = (cfg->first_event_id + (int64_t)n) % total;
    if (off < cfg->person_proportion) return SP_NEXMARK_PERSON;
    return off < (int64_t)cfg->person_proportion + cfg->auction_proportion ? SP_NEXMARK_AUCTION
                                                                           : SP_NEXMARK_BID;
}

enum { NX_MAX_STR = 32, NX_FIRST_GUESS = 256 };

/* A read's running state. */
typedef struct nx_reader {
    sp_nexmark_gen gen;
    const sp_nx_part *p;
    const bool *req; /* NULL: all */
    int64_t total;
    uint64_t next;                   /* the next event number */
    int64_t str_per_row[NX_MAX_STR]; /* bytes a row took in the last batch */
} nx_reader;

static bool need(const nx_reader *r, int col) { return !r->req || r->req[col]; }

/* The string columns a batch fills (top-level ones read, the fields of the
 * STRUCTs read), at most max, in a fixed order. */
static int str_columns(const nx_reader *r, sp_colbatch *b, sp_column **out, int max)
{
    int n = 0;
    for (int i = 0; i < b->ncols; i++) {
        sp_column *c = &b->cols[i];
        if (!need(r, i)) continue;
        if (sp_coltype_is_varlen(c->type) && n < max) out[n++] = c;
        for (int j = 0; c->type == SP_COL_STRUCT && j < c->nchildren; j++)
            if (sp_coltype_is_varlen(c->children[j].type) && n < max) out[n++] = &c->children[j];
    }
    return n;
}

/* Gives each string column room for cap rows of what the last batch's rows
 * took (and a margin), so that appends do not regrow and copy. */
static void reserve_strings(nx_reader *r, sp_colbatch *b, int64_t cap)
{
    sp_column *cols[NX_MAX_STR];
    int n = str_columns(r, b, cols, NX_MAX_STR);
    for (int i = 0; i < n; i++) {
        int64_t per = r->str_per_row[i] ? r->str_per_row[i] : NX_FIRST_GUESS;
        int64_t want = cap * per + 64;
        sp_column *c = cols[i];
        if (c->str_rows != 0 || c->chars_cap >= want) continue;
        c->chars = sp_colbatch_alloc(b, (size_t)want);
        c->chars_cap = want;
    }
}

/* Learns each string column's bytes per row from a batch of k rows. */
static void learn_strings(nx_reader *r, sp_colbatch *b, int64_t k)
{
    sp_column *cols[NX_MAX_STR];
    int n = str_columns(r, b, cols, NX_MAX_STR);
    for (int i = 0; i < n && k > 0; i++)
        r->str_per_row[i] = cols[i]->offsets[cols[i]->str_rows] / k * 9 / 8 + 8;
}

/* Flink's datagen rows: event_type, person, auction, bid, dateTime. Fills
 * up to cap events into b; returns the rows made. */
static int64_t fill_all(nx_reader *r, sp_colbatch *b, int64_t cap)
{
    sp_column *cols = b->cols;
    uint8_t *valid[3] = {NULL, NULL, NULL};
    bool gen_kind[3];
    for (int t = 0; t < 3; t++) {
        gen_kind[t] = need(r, 1 + t);
        if (gen_kind[t]) valid[t] = zero_bits(b, cap);
    }
    int32_t *et = need(r, 0) ? sp_column_i32(&cols[0]) : NULL;
    int64_t *dt = need(r, 4) ? sp_column_i64(&cols[4]) : NULL;
    int64_t k = 0;
    for (; k < cap && r->next < r->p->end; k++, r->next++) {
        int t = event_type(r->p->cfg, r->total, r->next);
        sp_nexmark_event ev;
        int64_t ts;
        if (gen_kind[t]) {
            sp_nexmark_gen_event(&r->gen, r->next, &ev);
            put_fields(b, cols[1 + t].children, kind_fields[t], kind_nfields[t], NULL,
                       (const char *)&ev.u, k);
            valid[t][k >> 3] |= (uint8_t)(1u << (k & 7));
            ts = sp_nexmark_gen_time(&r->gen, r->next);
        } else {
            ts = sp_nexmark_gen_time(&r->gen, r->next);
        }
        for (int o = 0; o < 3; o++)
            if (o != t && gen_kind[o])
                put_null_fields(cols[1 + o].children, kind_fields[o], kind_nfields[o], k);
        if (et) et[k] = t;
        if (dt) dt[k] = ts * 1000;
    }
    for (int t = 0; t < 3; t++) {
        sp_column *s = &cols[1 + t];
        if (!gen_kind[t]) {
            fill_null(b, s, k);
            continue;
        }
        int64_t valid_rows = 0;
        for (int64_t i = 0; i < k; i++)
            valid_rows += (valid[t][i >> 3] >> (i & 7)) & 1;
        s->validity = valid[t];
        s->null_count = k - valid_rows;
    }
    if (!et) fill_null(b, &cols[0], k);
    if (!dt) fill_null(b, &cols[4], k);
    return k;
}

/* One kind's flat rows: up to cap events of that kind into b; returns the
 * rows made. */
static int64_t fill_kind(nx_reader *r, sp_colbatch *b, int64_t cap)
{
    int kind = r->p->kind;
    const nx_field *f = kind_fields[kind];
    int nf = kind_nfields[kind];
    int64_t k = 0;
    for (; k < cap && r->next < r->p->end; r->next++) {
        if (event_type(r->p->cfg, r->total, r->next) != kind) continue;
        sp_nexmark_event ev;
        sp_nexmark_gen_event(&r->gen, r->next, &ev);
        put_fields(b, b->cols, f, nf, r->req, (const char *)&ev.u, k);
        k++;
    }
    for (int i = 0; i < nf; i++)
        if (!need(r, i)) fill_null(b, &b->cols[i], k);
    return k;
}

spate_err sp_source_nexmark_read(const sp_nx_part *p, const sp_source_def *def, bool reuse,
                                 spate_arena *a, sp_source_emit_fn emit, void *ud,
                                 sp_source_counters *c)
{
    if (p->start >= p->end) return SPATE_OK;
    nx_reader r = {.p = p, .req = def->required, .next = p->start};
    sp_nexmark_gen_init(&r.gen, p->cfg);
    r.total = r.gen.total;
    uint64_t events = p->end - p->start;
    int64_t cap = events < SP_SOURCE_BATCH_ROWS ? (int64_t)events : SP_SOURCE_BATCH_ROWS;
    sp_colbatch *b = NULL;
    while (r.next < p->end) {
        if (b && reuse)
            sp_colbatch_reset(b);
        else
            b = sp_source_batch_new(def->schema, a, cap);
        reserve_strings(&r, b, cap);
        int64_t k = p->kind == SP_NX_KIND_ALL ? fill_all(&r, b, cap) : fill_kind(&r, b, cap);
        if (k == 0) break;
        learn_strings(&r, b, k);
        sp_colbatch_set_length(b, k);
        c->rows += k;
        if (!emit(b, ud)) return SPATE_ERR_USER;
    }
    return SPATE_OK;
}
