/* bench_agg.c - the SQL layer's hash aggregation (src/sql/agg.h) against a
 * plain C loop doing the same count, in the same run.
 *
 *   bench_agg [ROWS] [BATCH_ROWS]     (default 10000000 65536)
 *
 * Two queries over ROWS rows in column batches of BATCH_ROWS rows, in
 * memory:
 *   SELECT kind, count(*) GROUP BY kind  - a utf8 column, 8 distinct values
 *     ("click", "view", ...), pseudo-random order;
 *   SELECT id, count(*) GROUP BY id      - an int64 column, 100000 distinct
 *     values, pseudo-random order.
 * spate: sp_agg_table_add over every batch (one table, one thread), then
 * the groups' buffers read back. plain C: the same count with a switch on
 * the string (kind) or an array indexed by the value (id), the fastest a
 * hand-written loop does it.
 *
 * Prints rows/s of each (best of RUNS, timed in the thread's CPU time, as
 * the machine may be shared) and the ratio spate / plain C. Needs
 * the SQL layer's headers: CMakeLists.txt's SPATE_BENCH_MODULE_bench_agg
 * must be "sql"; without it the program only says so. */
#if __has_include("sql/agg.h")
#include "sql/agg.h"

#include <spate/spate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RUNS = 3, NKINDS = 8, NIDS = 100000 };

static const char *const KINDS[NKINDS] = {"click",  "view",   "purchase", "signup",
                                          "logout", "search", "share",    "like"};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* nb batches of two columns: kind (utf8), id (int64). */
static sp_colbatch **make_batches(spate_arena *a, int64_t rows, int64_t per, int *nb)
{
    *nb = (int)((rows + per - 1) / per);
    sp_colbatch **b = spate_arena_alloc(a, sizeof *b * (size_t)*nb);
    static const sp_coltype types[2] = {SP_COL_UTF8, SP_COL_I64};
    uint64_t seed = 42;
    for (int i = 0; i < *nb; i++) {
        int64_t n = rows - (int64_t)i * per < per ? rows - (int64_t)i * per : per;
        b[i] = sp_colbatch_new(a, 2, types, (const char *[]){"kind", "id"}, n);
        for (int64_t r = 0; r < n; r++) {
            uint64_t x = splitmix64(&seed);
            const char *k = KINDS[x % NKINDS];
            sp_column_append_str(b[i], 0, k, strlen(k));
            sp_column_i64(&b[i]->cols[1])[r] = (int64_t)((x >> 8) % NIDS);
        }
        sp_colbatch_set_length(b[i], n);
    }
    return b;
}

/* spate: count(*) grouped by column col; returns the total counted. */
static int64_t run_spate(sp_colbatch **b, int nb, int col)
{
    const sp_sql_type *kt = sp_sql_prim(col == 0 ? SP_SQL_STRING : SP_SQL_BIGINT);
    sp_agg_call call = {.fn = SP_AGG_COUNT, .type = sp_sql_prim(SP_SQL_BIGINT), .name = "count(1)"};
    sp_agg_table *t = sp_agg_table_new(1, &kt, 1, &call, true);
    char err[256];
    for (int i = 0; i < nb; i++) {
        const sp_column *keys[1] = {&b[i]->cols[col]}, *args[1] = {NULL};
        if (!sp_agg_table_add(t, keys, args, b[i]->length, NULL, 0, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            exit(1);
        }
    }
    spate_arena *a = spate_arena_new();
    int64_t total = 0;
    for (int64_t g = 0; g < sp_agg_table_ngroups(t); g++)
        total += sp_agg_table_buffer(t, g, a).u.items[0].u.i;
    spate_arena_destroy(a);
    sp_agg_table_free(t);
    return total;
}

static int kind_of(const char *s, int32_t n)
{
    switch (s[0]) {
    case 'c':
        return 0;
    case 'v':
        return 1;
    case 'p':
        return 2;
    case 's':
        return n == 6 && s[1] == 'i' ? 3 : (s[1] == 'e' ? 5 : 6);
    case 'l':
        return s[1] == 'o' ? 4 : 7;
    default:
        return -1;
    }
}

/* plain C: a switch on the string or an array indexed by the id. */
static int64_t run_plain(sp_colbatch **b, int nb, int col)
{
    static int64_t counts[NIDS];
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < nb; i++) {
        const sp_column *c = &b[i]->cols[col];
        int64_t n = b[i]->length;
        if (col == 0) {
            for (int64_t r = 0; r < n; r++) {
                int k = kind_of(c->chars + c->offsets[r], c->offsets[r + 1] - c->offsets[r]);
                counts[k < 0 ? NKINDS : k]++;
            }
        } else {
            const int64_t *v = sp_column_i64(c);
            for (int64_t r = 0; r < n; r++)
                counts[v[r]]++;
        }
    }
    int64_t total = 0;
    for (int i = 0; i < NIDS; i++)
        total += counts[i];
    return total;
}

static double best_rate(int64_t (*fn)(sp_colbatch **, int, int), sp_colbatch **b, int nb, int col,
                        int64_t rows)
{
    double best = 0;
    for (int run = 0; run < RUNS; run++) {
        double t0 = now_s();
        int64_t total = fn(b, nb, col);
        double dt = now_s() - t0;
        if (total != rows) {
            fprintf(stderr, "wrong total %lld\n", (long long)total);
            exit(1);
        }
        if (rows / dt > best) best = (double)rows / dt;
    }
    return best;
}

int main(int argc, char **argv)
{
    int64_t rows = argc > 1 ? atoll(argv[1]) : 10000000;
    int64_t per = argc > 2 ? atoll(argv[2]) : 65536;
    spate_arena *a = spate_arena_new();
    int nb;
    sp_colbatch **b = make_batches(a, rows, per, &nb);
    static const char *const what[2] = {"group by utf8 kind (8 values)",
                                        "group by int64 id (100k values)"};
    for (int col = 0; col < 2; col++) {
        double s = best_rate(run_spate, b, nb, col, rows);
        double p = best_rate(run_plain, b, nb, col, rows);
        printf("%-34s spate %7.1f M rows/s   plain C %7.1f M rows/s   ratio %.2f\n", what[col],
               s / 1e6, p / 1e6, s / p);
    }
    spate_arena_destroy(a);
    return 0;
}
#else
#include <stdio.h>

int main(void)
{
    puts("bench_agg: needs the SQL layer's headers (set SPATE_BENCH_MODULE_bench_agg to sql in "
         "CMakeLists.txt)");
    return 0;
}
#endif
