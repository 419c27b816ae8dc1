/* source_nexmark_read.c - the `nexmark` source's reads: a partition's event
 * numbers generated (connect/nexmark_gen.h, random access, so partitions are
 * independent) straight into column batches. Datagen rows come a kind at a
 * time (the partition's people, then its auctions, then its bids, each in
 * event order), so a batch's own struct has no NULL: the views' filter on
 * event_type keeps or drops a batch whole and their fields are read in
 * place, with no copy. Each record's fields are described once by a table
 * of (kind, offset) so one loop fills a STRUCT's children or a flat kind's
 * columns; strings are appended with an inlined copy into room reserved
 * from the previous batch's sizes. Columns the plan does not read
 * (sp_source_def.required) are made all null after the loop (a nested one as
 * a bool stand-in), and a record no read column needs is not generated (its
 * kind and time are functions of its number).
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

enum { NX_MAX_STR = 32, NX_FIRST_GUESS = 256 };

/* A read's running state. */
typedef struct nx_reader {
    sp_nexmark_gen gen;
    const sp_nx_part *p;
    const bool *req; /* NULL: all */
    int64_t total;
    int kind;       /* the kind being read (datagen rows: 0, 1, 2 in turn) */
    uint64_t next;  /* the next event number */
    int64_t off;    /* its place in the cycle of kinds: (first id + next) % total */
    int64_t lo, hi; /* the kind's places in the cycle: [lo, hi) */
    int64_t str_per_row[NX_MAX_STR]; /* bytes a row took in the last batch */
} nx_reader;

static bool need(const nx_reader *r, int col) { return !r->req || r->req[col]; }

/* Starts reading kind t at event number n: the places of the kinds in each
 * cycle of events are sp_nx_locate's (people first, then auctions, bids). */
static void start_kind(nx_reader *r, int t, uint64_t n)
{
    const sp_nexmark_config *c = r->p->cfg;
    int64_t pa = (int64_t)c->person_proportion + c->auction_proportion;
    r->kind = t;
    r->next = n;
    r->off = (c->first_event_id + (int64_t)n) % r->total;
    r->lo = t == SP_NEXMARK_PERSON ? 0 : t == SP_NEXMARK_AUCTION ? c->person_proportion : pa;
    r->hi = t == SP_NEXMARK_PERSON ? c->person_proportion : t == SP_NEXMARK_AUCTION ? pa : r->total;
}

/* Moves to the next event of the kind at or after r->next, without
 * looking at the others; false when it is past the partition's end. */
static inline bool seek_kind(nx_reader *r)
{
    if (r->off < r->lo) {
        r->next += (uint64_t)(r->lo - r->off);
        r->off = r->lo;
    } else if (r->off >= r->hi) {
        r->next += (uint64_t)(r->total - r->off + r->lo);
        r->off = r->lo;
    }
    return r->next < r->p->end;
}

/* Past the current event. */
static inline void step(nx_reader *r)
{
    r->next++;
    if (++r->off == r->total) r->off = 0;
}

/* The string columns a batch fills (the flat columns read, or the fields
 * of the struct of the kind being read when the plan reads it), at most
 * max, in a fixed order. */
static int str_columns(const nx_reader *r, sp_colbatch *b, sp_column **out, int max)
{
    int n = 0;
    if (r->p->kind == SP_NX_KIND_ALL) {
        if (!need(r, 1 + r->kind)) return 0;
        sp_column *c = &b->cols[1 + r->kind];
        for (int j = 0; j < c->nchildren && n < max; j++)
            if (sp_coltype_is_varlen(c->children[j].type)) out[n++] = &c->children[j];
        return n;
    }
    for (int i = 0; i < b->ncols && n < max; i++)
        if (need(r, i) && sp_coltype_is_varlen(b->cols[i].type)) out[n++] = &b->cols[i];
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

/* Rows [0, rows) of c, the child of a null struct: empty strings, zero
 * numbers, the fields of a struct likewise. */
static void empty_rows(sp_colbatch *b, sp_column *c, int64_t rows)
{
    if (sp_coltype_is_varlen(c->type)) {
        fill_null(b, c, rows);
        c->validity = NULL;
        c->null_count = 0;
    } else if (c->type == SP_COL_STRUCT) {
        for (int i = 0; i < c->nchildren; i++)
            empty_rows(b, &c->children[i], rows);
    } else if (c->type != SP_COL_BOOL) {
        memset(c->values, 0, (size_t)rows * sp_coltype_width(c->type));
    }
}

/* Struct column c (read by the plan) null in rows [0, rows). */
static void null_struct(sp_colbatch *b, sp_column *c, int64_t rows)
{
    c->validity = zero_bits(b, rows);
    c->null_count = rows;
    for (int i = 0; i < c->nchildren; i++)
        empty_rows(b, &c->children[i], rows);
}

/* Flink's datagen rows (event_type, person, auction, bid, dateTime), one
 * kind of event per batch: up to cap events of kind r->kind from r->next on
 * into b; returns the rows made (0: none of that kind left). A batch of one
 * kind has no NULL in its own struct, so a view's filter on event_type
 * keeps or drops it whole (no copy) and its fields are read in place. */
static int64_t fill_all(nx_reader *r, sp_colbatch *b, int64_t cap)
{
    sp_column *cols = b->cols;
    int t = r->kind;
    bool gen = need(r, 1 + t);
    int32_t *et = need(r, 0) ? sp_column_i32(&cols[0]) : NULL;
    int64_t *dt = need(r, 4) ? sp_column_i64(&cols[4]) : NULL;
    sp_column *own = cols[1 + t].children;
    int64_t k = 0;
    for (; k < cap && seek_kind(r); step(r)) {
        if (gen) {
            sp_nexmark_event ev;
            sp_nexmark_gen_event(&r->gen, r->next, &ev);
            put_fields(b, own, kind_fields[t], kind_nfields[t], NULL, (const char *)&ev.u, k);
        }
        if (dt) dt[k] = sp_nexmark_gen_time(&r->gen, r->next) * 1000;
        k++;
    }
    if (k == 0) return 0;
    for (int o = 0; o < 3; o++) {
        if (!need(r, 1 + o))
            fill_null(b, &cols[1 + o], k);
        else if (o != t)
            null_struct(b, &cols[1 + o], k);
    }
    if (et)
        for (int64_t i = 0; i < k; i++)
            et[i] = t;
    else
        fill_null(b, &cols[0], k);
    if (!dt) fill_null(b, &cols[4], k);
    return k;
}

/* One kind's flat rows: up to cap events of that kind into b; returns the
 * rows made. */
static int64_t fill_kind(nx_reader *r, sp_colbatch *b, int64_t cap)
{
    int kind = r->kind;
    const nx_field *f = kind_fields[kind];
    int nf = kind_nfields[kind];
    int64_t k = 0;
    for (; k < cap && seek_kind(r); step(r)) {
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
    bool all = p->kind == SP_NX_KIND_ALL;
    for (int t = all ? 0 : (int)p->kind; t < (all ? 3 : (int)p->kind + 1); t++) {
        start_kind(&r, t, p->start);
        memset(r.str_per_row, 0, sizeof r.str_per_row);
        while (seek_kind(&r)) {
            if (b && reuse)
                sp_colbatch_reset(b);
            else
                b = sp_source_batch_new(def->schema, a, cap);
            reserve_strings(&r, b, cap);
            int64_t k = all ? fill_all(&r, b, cap) : fill_kind(&r, b, cap);
            if (k == 0) break;
            learn_strings(&r, b, k);
            sp_colbatch_set_length(b, k);
            c->rows += k;
            if (!emit(b, ud)) return SPATE_ERR_USER;
        }
    }
    return SPATE_OK;
}
