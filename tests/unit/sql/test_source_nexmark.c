/* test_source_nexmark.c - the `nexmark` source (src/sql/source_nexmark*.c)
 * through its ops: the schemas (Flink Nexmark's datagen table, the flat
 * kinds), offsets and limits, the 1:3:46 proportions and the ids of each
 * kind, partitions as disjoint ranges whose union is the one-partition read,
 * a restart from offsets, column pruning, and the options' errors. The
 * events themselves are compared with connect/nexmark_gen.h's. */
#include "test_source_util.h"

#include "base/arena.h"
#include "sql/source_nexmark_int.h"

/* ---- helpers ---- */

/* Column c's row r as text into buf at off (structs as {a,b,...}). */
static size_t fmt_col(const sp_column *c, int64_t r, char *buf, size_t off, size_t size)
{
    if (off >= size) return off;
    if (!sp_column_valid(c, r)) return off + (size_t)snprintf(buf + off, size - off, "null");
    switch (c->type) {
    case SP_COL_STRUCT:
        off += (size_t)snprintf(buf + off, size - off, "{");
        for (int i = 0; i < c->nchildren && off < size; i++) {
            if (i) off += (size_t)snprintf(buf + off, size - off, ",");
            off = fmt_col(&c->children[i], r, buf, off, size);
        }
        return off < size ? off + (size_t)snprintf(buf + off, size - off, "}") : off;
    case SP_COL_UTF8:
        return off + (size_t)snprintf(buf + off, size - off, "%.*s",
                                      c->offsets[r + 1] - c->offsets[r], c->chars + c->offsets[r]);
    case SP_COL_I32:
        return off + (size_t)snprintf(buf + off, size - off, "%d", sp_column_i32(c)[r]);
    case SP_COL_BOOL:
        return off + (size_t)snprintf(buf + off, size - off, "%d", sp_column_get_bool(c, r));
    default:
        return off + (size_t)snprintf(buf + off, size - off, "%" PRId64, sp_column_i64(c)[r]);
    }
}

typedef struct rows {
    char **row;
    int n, cap, batches;
    const bool *only; /* columns to format (NULL: all) */
    char sep;         /* between columns ('\0': '|') */
} rows;

static bool emit_rows(sp_colbatch *b, void *ud)
{
    rows *rs = ud;
    rs->batches++;
    for (int64_t r = 0; r < b->length; r++) {
        char buf[4096];
        size_t off = 0;
        buf[0] = '\0';
        for (int c = 0; c < b->ncols; c++) {
            if (rs->only && !rs->only[c]) continue;
            if (off)
                off += (size_t)snprintf(buf + off, sizeof buf - off, "%c", rs->sep ? rs->sep : '|');
            off = fmt_col(&b->cols[c], r, buf, off, sizeof buf);
        }
        if (rs->n == rs->cap) {
            rs->cap = rs->cap ? 2 * rs->cap : 256;
            rs->row = realloc(rs->row, (size_t)rs->cap * sizeof *rs->row);
        }
        rs->row[rs->n++] = strdup(buf);
    }
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A read's rows in text order: datagen rows come a kind at a time. */
static void rows_sort(rows *rs)
{
    if (rs->n) qsort(rs->row, (size_t)rs->n, sizeof *rs->row, cmp_str);
}

static void rows_free(rows *rs)
{
    for (int i = 0; i < rs->n; i++)
        free(rs->row[i]);
    free(rs->row);
}

static sp_source_def *resolve(const char *opts, char *err, size_t n)
{
    return tsu_resolve("nexmark", NULL, opts, NULL, err, n);
}

static sp_source *open_def(sp_source_def *d)
{
    char err[512] = "";
    sp_source_env env = tsu_env(NULL);
    sp_source *s = sp_source_open(d, &env, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    return s;
}

/* Reads (start, end] of a source of opts (required: the def's) into rs;
 * returns the partitions planned. */
static int read_range(const char *opts, const bool *required, const char *start, const char *end,
                      rows *rs)
{
    char err[512] = "";
    sp_source_def *d = resolve(opts, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    d->required = required;
    sp_source *s = open_def(d);
    sp_source_counters c = {0};
    int np = 0, before = rs->n;
    spate_arena *a = spate_arena_new();
    void **parts;
    cr_assert_eq(s->ops->plan(s, start, end, a, &parts, &np, err, sizeof err), SPATE_OK, "%s", err);
    for (int i = 0; i < np; i++)
        cr_assert_eq(s->ops->read(s, parts[i], a, emit_rows, rs, &c, err, sizeof err), SPATE_OK);
    cr_expect_eq(c.rows, rs->n - before);
    spate_arena_destroy(a);
    s->ops->close(s);
    sp_source_def_free(d);
    return np;
}

/* ---- schema ---- */

static const struct {
    const char *opts, *schema;
} schemas[] = {
    {"", "struct<event_type:int,person:struct<id:bigint,name:string,emailAddress:string,"
         "creditCard:string,city:string,state:string,dateTime:timestamp,extra:string>,"
         "auction:struct<id:bigint,itemName:string,description:string,initialBid:bigint,"
         "reserve:bigint,dateTime:timestamp,expires:timestamp,seller:bigint,category:bigint,"
         "extra:string>,bid:struct<auction:bigint,bidder:bigint,price:bigint,channel:string,"
         "url:string,dateTime:timestamp,extra:string>,dateTime:timestamp>"},
    {"kind=bid", "struct<auction:bigint,bidder:bigint,price:bigint,channel:string,url:string,"
                 "dateTime:timestamp,extra:string>"},
    {"kind=Auction", "struct<id:bigint,itemName:string,description:string,initialBid:bigint,"
                     "reserve:bigint,dateTime:timestamp,expires:timestamp,seller:bigint,"
                     "category:bigint,extra:string>"},
    {"kind=person", "struct<id:bigint,name:string,emailAddress:string,creditCard:string,"
                    "city:string,state:string,dateTime:timestamp,extra:string>"},
};

Test(source_nexmark, schemas)
{
    for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++) {
        char err[512] = "";
        sp_source_def *d = resolve(schemas[i].opts, err, sizeof err);
        cr_assert_not_null(d, "%s: %s", schemas[i].opts, err);
        spate_arena *a = spate_arena_new();
        cr_expect_str_eq(sp_sql_type_simple_string(a, d->schema), schemas[i].schema, "%s",
                         schemas[i].opts);
        spate_arena_destroy(a);
        sp_source_def_free(d);
    }
}

/* ---- options ---- */

static const struct {
    const char *opts, *error;
} bad_opts[] = {
    {"rowsPerSecond=5", "Unknown option 'rowsPerSecond' for the nexmark source"},
    {"rowsPerBatch=0", "The option 'rowsPerBatch' must be positive"},
    {"rowsPerBatch=x", "Invalid value 'x' for option 'rowsPerBatch': expected a long"},
    {"numPartitions=0", "The option 'numPartitions' must be positive"},
    {"maxEvents=-5", "The option 'maxEvents' must be non-negative"},
    {"eventsPerSecond=0", "The option 'eventsPerSecond' must be positive"},
    {"seed=1.5", "Invalid value '1.5' for option 'seed'"},
    {"kind=bids", "Invalid value 'bids' for option 'kind'"},
};

Test(source_nexmark, bad_options_name_the_option)
{
    for (size_t i = 0; i < sizeof bad_opts / sizeof *bad_opts; i++) {
        char err[512] = "";
        sp_source_def *d = resolve(bad_opts[i].opts, err, sizeof err);
        cr_expect_null(d, "%s", bad_opts[i].opts);
        cr_expect(strstr(err, bad_opts[i].error) != NULL, "%s: %s", bad_opts[i].opts, err);
        sp_source_def_free(d);
    }
    char err[512] = "";
    spate_arena *a = spate_arena_new();
    sp_sql_type_error te;
    tsu_opts o;
    tsu_parse(&o, "kind=bid");
    sp_source_def *d = sp_source_resolve("nexmark", sp_sql_schema_parse(a, "a INT", &te), o.keys,
                                         o.vals, o.n, NULL, err, sizeof err);
    cr_expect_null(d);
    cr_expect_str_eq(err, "The nexmark source does not support a user-specified schema.");
    spate_arena_destroy(a);
}

/* ---- offsets ---- */

Test(source_nexmark, offsets_are_event_numbers_within_max_events)
{
    char err[512] = "", o[64];
    sp_source_def *d = resolve("rowsPerBatch=400&maxEvents=1000&numPartitions=2", err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source *s = open_def(d);
    cr_expect_str_eq(tsu_latest(s, NULL, o, sizeof o), "400");
    cr_expect_str_eq(tsu_latest(s, "400", o, sizeof o), "800");
    cr_expect_str_eq(tsu_latest(s, "800", o, sizeof o), "1000");
    cr_expect_str_eq(tsu_latest(s, "1000", o, sizeof o), "1000"); /* no more */
    cr_expect_str_eq(s->ops->description(s),
                     "NexmarkStream[kind=all, rowsPerBatch=400, numPartitions=2, maxEvents=1000, "
                     "eventsPerSecond=10000000, seed=1]");
    char *bad = NULL;
    cr_expect_neq(s->ops->latest(s, "x", &bad, err, sizeof err), SPATE_OK);
    s->ops->close(s);
    sp_source_def_free(d);

    /* AvailableNow without maxEvents: one batch past where it starts */
    d = resolve("rowsPerBatch=100", err, sizeof err);
    s = open_def(d);
    s->ops->prepare_available_now(s);
    cr_expect_str_eq(tsu_latest(s, "50", o, sizeof o), "150");
    cr_expect_str_eq(tsu_latest(s, "150", o, sizeof o), "150");
    s->ops->close(s);
    sp_source_def_free(d);

    d = resolve("maxEvents=0", err, sizeof err);
    s = open_def(d);
    cr_expect_str_eq(tsu_latest(s, NULL, o, sizeof o), "<none>");
    s->ops->close(s);
    sp_source_def_free(d);
}

/* ---- rows ---- */

/* Every event of a 1000-event read is the generator's: the kind, its
 * struct (the others null), the ids; 20 people, 60 auctions, 920 bids. */
Test(source_nexmark, events_are_the_generators_in_proportion)
{
    rows rs = {0};
    read_range("numPartitions=1&seed=7", NULL, NULL, "1000", &rs);
    cr_assert_eq(rs.n, 1000);
    sp_nexmark_config cfg;
    sp_nexmark_config_default(&cfg);
    cfg.seed = 7;
    sp_nexmark_gen g;
    sp_nexmark_gen_init(&g, &cfg);
    int count[3] = {0, 0, 0};
    rows want_rows = {0};
    for (int n = 0; n < 1000; n++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_event(&g, (uint64_t)n, &ev);
        char want[4096];
        int64_t ts = sp_nexmark_gen_time(&g, (uint64_t)n) * 1000;
        if (ev.type == SP_NEXMARK_PERSON) {
            const sp_nexmark_person *p = &ev.u.person;
            cr_expect_eq(p->id, 1000 + count[0]);
            snprintf(want, sizeof want,
                     "0|{%" PRId64 ",%.*s,%.*s,%.*s,%.*s,%.*s,%" PRId64 ",%.*s}|null|null|%" PRId64,
                     p->id, (int)p->name.n, p->name.p, (int)p->email_address.n, p->email_address.p,
                     (int)p->credit_card.n, p->credit_card.p, (int)p->city.n, p->city.p,
                     (int)p->state.n, p->state.p, p->date_time * 1000, (int)p->extra.n, p->extra.p,
                     ts);
        } else if (ev.type == SP_NEXMARK_AUCTION) {
            const sp_nexmark_auction *a = &ev.u.auction;
            cr_expect_eq(a->id, 1000 + count[1]);
            snprintf(want, sizeof want,
                     "1|null|{%" PRId64 ",%.*s,%.*s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                     ",%" PRId64 ",%" PRId64 ",%.*s}|null|%" PRId64,
                     a->id, (int)a->item_name.n, a->item_name.p, (int)a->description.n,
                     a->description.p, a->initial_bid, a->reserve, a->date_time * 1000,
                     a->expires * 1000, a->seller, a->category, (int)a->extra.n, a->extra.p, ts);
        } else {
            const sp_nexmark_bid *b = &ev.u.bid;
            snprintf(want, sizeof want,
                     "2|null|null|{%" PRId64 ",%" PRId64 ",%" PRId64 ",%.*s,%.*s,%" PRId64
                     ",%.*s}|%" PRId64,
                     b->auction, b->bidder, b->price, (int)b->channel.n, b->channel.p,
                     (int)b->url.n, b->url.p, b->date_time * 1000, (int)b->extra.n, b->extra.p, ts);
        }
        count[ev.type]++;
        if (want_rows.n == want_rows.cap) {
            want_rows.cap = want_rows.cap ? 2 * want_rows.cap : 256;
            want_rows.row = realloc(want_rows.row, (size_t)want_rows.cap * sizeof *want_rows.row);
        }
        want_rows.row[want_rows.n++] = strdup(want);
    }
    /* a batch holds one kind: people, then auctions, then bids, each in
     * event order */
    cr_expect_eq(rs.batches, 3);
    rows_sort(&rs);
    rows_sort(&want_rows);
    for (int i = 0; i < 1000; i++)
        cr_expect_str_eq(rs.row[i], want_rows.row[i], "row %d", i);
    rows_free(&want_rows);
    cr_expect_eq(count[0], 20);
    cr_expect_eq(count[1], 60);
    cr_expect_eq(count[2], 920);
    rows_free(&rs);
}

/* Partitions split (start, end] into disjoint contiguous ranges: read in
 * partition order they give the one-partition rows, for each kind. */
Test(source_nexmark, partitions_union_is_the_single_partition_read)
{
    static const char *const kinds[] = {"", "&kind=bid", "&kind=auction", "&kind=person"};
    static const int parts[] = {2, 3, 7};
    for (size_t k = 0; k < 4; k++) {
        char opts[128];
        rows one = {0};
        snprintf(opts, sizeof opts, "numPartitions=1%s", kinds[k]);
        read_range(opts, NULL, "100", "2100", &one);
        rows_sort(&one);
        for (size_t p = 0; p < 3; p++) {
            rows many = {0};
            snprintf(opts, sizeof opts, "numPartitions=%d%s", parts[p], kinds[k]);
            cr_expect_eq(read_range(opts, NULL, "100", "2100", &many), parts[p]);
            rows_sort(&many);
            cr_assert_eq(many.n, one.n, "%s", opts);
            for (int i = 0; i < one.n; i++)
                cr_expect_str_eq(many.row[i], one.row[i], "%s row %d", opts, i);
            rows_free(&many);
        }
        rows_free(&one);
    }
}

/* A restart plans from the offset log: (0, 600] and then (600, 1000] read
 * the rows of (0, 1000]; a batch of more than SP_SOURCE_BATCH_ROWS events
 * comes in several batches with the same rows. */
Test(source_nexmark, restart_from_offsets_gives_the_same_rows)
{
    rows all = {0}, parts = {0};
    read_range("numPartitions=1", NULL, NULL, "1000", &all);
    read_range("numPartitions=1", NULL, NULL, "600", &parts);
    read_range("numPartitions=1", NULL, "600", "1000", &parts);
    cr_assert_eq(parts.n, 1000);
    rows_sort(&all);
    rows_sort(&parts);
    for (int i = 0; i < 1000; i++)
        cr_expect_str_eq(parts.row[i], all.row[i], "row %d", i);
    rows_free(&all);
    rows_free(&parts);

    rows big = {0}, piece = {0};
    read_range("numPartitions=1&kind=bid", NULL, NULL, "100000", &big);
    cr_expect_gt(big.batches, 1);
    read_range("numPartitions=1&kind=bid", NULL, "99000", "100000", &piece);
    cr_assert_eq(piece.n, 920);
    for (int i = 0; i < piece.n; i++)
        cr_expect_str_eq(piece.row[i], big.row[big.n - piece.n + i], "row %d", i);
    rows_free(&big);
    rows_free(&piece);
}

/* Pruning: the columns a plan reads have the values of a full read; the
 * others are null. */
static const struct {
    const char *kind;
    bool req[10];
} prunes[] = {
    {"", {true, false, false, true, false}},
    {"", {false, false, true, false, true}},
    {"", {false, true, false, false, false}},
    {"&kind=bid", {false, false, true, false, false, true, false}},
    {"&kind=bid", {true, false, false, false, true, false, false}},
    {"&kind=auction", {true, true, false, false, false, false, false, false, false, true}},
};

Test(source_nexmark, pruning_keeps_the_values_read)
{
    for (size_t i = 0; i < sizeof prunes / sizeof *prunes; i++) {
        char opts[128];
        snprintf(opts, sizeof opts, "numPartitions=2%s", prunes[i].kind);
        rows full = {.only = prunes[i].req}, pruned = {.only = prunes[i].req};
        read_range(opts, NULL, "10", "1510", &full);
        read_range(opts, prunes[i].req, "10", "1510", &pruned);
        cr_assert_eq(pruned.n, full.n);
        for (int r = 0; r < full.n; r++)
            cr_expect_str_eq(pruned.row[r], full.row[r], "case %zu row %d", i, r);
        rows_free(&full);
        rows_free(&pruned);
        /* the columns not read are null */
        bool rest[10];
        for (int c = 0; c < 10; c++)
            rest[c] = !prunes[i].req[c];
        rows others = {.only = rest};
        read_range(opts, prunes[i].req, "10", "20", &others);
        for (int r = 0; r < others.n; r++)
            cr_expect(strstr(others.row[r], "null") != NULL && !strpbrk(others.row[r], "{"),
                      "case %zu row %d: %s", i, r, others.row[r]);
        rows_free(&others);
    }
}

/* kind=bid's rows are the bid structs of the datagen rows. */
Test(source_nexmark, flat_kind_is_the_struct_of_that_kind)
{
    rows all = {.only = (const bool[]){false, false, false, true, false}}, flat = {.sep = ','};
    read_range("numPartitions=1", NULL, NULL, "500", &all);
    read_range("numPartitions=1&kind=bid", NULL, NULL, "500", &flat);
    int j = 0;
    for (int i = 0; i < all.n; i++) {
        if (!strcmp(all.row[i], "null")) continue;
        cr_assert_lt(j, flat.n);
        char want[4096];
        snprintf(want, sizeof want, "{%s}", flat.row[j++]);
        cr_expect_str_eq(all.row[i], want, "row %d", i);
    }
    cr_expect_eq(j, flat.n);
    cr_expect_eq(flat.n, 460);
    rows_free(&all);
    rows_free(&flat);
}

/* kind=person through the shared helpers: people 1000, 1001, ... at events
 * 0, 50, ..., named as the generator names them. */
Test(source_nexmark, person_ids_count_from_1000)
{
    char err[512] = "";
    sp_source_def *d = resolve("kind=person&numPartitions=3", err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source *s = open_def(d);
    tsu_rows rs = {0};
    sp_source_counters c = {0};
    int np = 0;
    cr_assert_eq(tsu_run(s, NULL, "150", &rs, &c, &np, err, sizeof err), SPATE_OK, "%s", err);
    cr_expect_eq(np, 3);
    cr_assert_eq(rs.n, 3);
    sp_nexmark_config cfg;
    sp_nexmark_config_default(&cfg);
    sp_nexmark_gen g;
    sp_nexmark_gen_init(&g, &cfg);
    for (int i = 0; i < 3; i++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_event(&g, (uint64_t)(50 * i), &ev);
        char want[64];
        snprintf(want, sizeof want, "%d,%.*s,", 1000 + i, (int)ev.u.person.name.n,
                 ev.u.person.name.p);
        cr_expect(!strncmp(rs.rows[i], want, strlen(want)), "%s vs %s", rs.rows[i], want);
    }
    (void)tsu_expect_rows;
    tsu_rows_free(&rs);
    s->ops->close(s);
    sp_source_def_free(d);
}

/* What the views' speed rests on: a datagen batch holds one kind of event,
 * and that kind's struct has no NULL (a filter on event_type keeps or drops
 * the batch whole; struct fields are read in place). */
static bool one_kind_emit(sp_colbatch *b, void *ud)
{
    int *kinds = ud;
    const sp_column *et = &b->cols[0];
    int t = sp_column_i32(et)[0];
    for (int64_t r = 1; r < b->length; r++)
        cr_expect_eq(sp_column_i32(et)[r], t, "row %" PRId64, r);
    cr_expect_eq(b->cols[1 + t].null_count, 0);
    cr_expect_eq(b->cols[1 + t].type, SP_COL_STRUCT);
    for (int o = 0; o < 3; o++)
        if (o != t) cr_expect_eq(b->cols[1 + o].null_count, b->length);
    kinds[t] += (int)b->length;
    return true;
}

Test(source_nexmark, datagen_batches_hold_one_kind)
{
    char err[512] = "";
    sp_source_def *d = resolve("numPartitions=2", err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    sp_source *s = open_def(d);
    spate_arena *a = spate_arena_new();
    void **parts;
    int np = 0, kinds[3] = {0, 0, 0};
    sp_source_counters c = {0};
    cr_assert_eq(s->ops->plan(s, "7", "200007", a, &parts, &np, err, sizeof err), SPATE_OK);
    for (int i = 0; i < np; i++)
        cr_assert_eq(s->ops->read(s, parts[i], a, one_kind_emit, kinds, &c, err, sizeof err),
                     SPATE_OK);
    cr_expect_eq(kinds[0], 4000);
    cr_expect_eq(kinds[1], 12000);
    cr_expect_eq(kinds[2], 184000);
    spate_arena_destroy(a);
    s->ops->close(s);
    sp_source_def_free(d);
}
