/* bench_columnar.c - a columnar filter + projection through exec's column
 * batches against a plain C loop doing the same, in the same run.
 *
 *   bench_columnar [ROWS] [BATCH_ROWS]     (default 100000000 4096)
 *
 * The data: ROWS pseudo-random int64 values (signed, 40 bits, so the filter
 * keeps an unpredictable third) in memory, in column batches of BATCH_ROWS
 * rows. The query: SELECT v * 2 WHERE v % 3 = 0, and the sum and count of
 * what comes out (so neither side can skip work).
 *
 * spate: one task (local[1]) runs an RDD of the batches through a columnar
 * operator (sp_rdd_map_batches, defined here as the SQL layer will define
 * its own) into a sink that takes batches (push_batch). Per batch the
 * operator builds a selection vector of the rows that pass (a branch-free
 * loop), then writes the projection of the selected rows into an output
 * batch of its own (one per partition, reused), which it pushes.
 * plain C: for each row, if (v % 3 == 0) out[k++] = v * 2, over the same
 * batches' arrays into one reused buffer, summed the same way; and the same
 * loop written branch-free (the if costs a misprediction on a third of the
 * rows of random data, which the columnar kernel does not pay).
 *
 * Prints rows/s of each (best of RUNS), and the ratios; target: the columnar
 * path at >= 500 M rows/s on one thread. */
#include <spate/spate.h>

#include "exec/colbatch.h"
#include "exec/rdd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RUNS = 3 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* ---- the columnar operator --------------------------------------------- */

/* The rows of v[0..n) that are multiples of 3 and valid, as indices into sel.
 * No branch per row: every index is written, the count moves when it
 * passes. */
static size_t select_mod3(const int64_t *restrict v, const uint8_t *restrict valid, size_t n,
                          uint32_t *restrict sel)
{
    size_t k = 0;
    if (!valid) {
        for (size_t i = 0; i < n; i++) {
            sel[k] = (uint32_t)i;
            k += v[i] % 3 == 0;
        }
        return k;
    }
    for (size_t i = 0; i < n; i++) {
        sel[k] = (uint32_t)i;
        k += (v[i] % 3 == 0) & (valid[i >> 3] >> (i & 7));
    }
    return k;
}

static void project_times2(const int64_t *restrict v, const uint32_t *restrict sel, size_t k,
                           int64_t *restrict out)
{
    for (size_t j = 0; j < k; j++)
        out[j] = v[sel[j]] * 2;
}

/* One output batch and selection vector per partition, made by the
 * partition's first task and reused for every batch after. */
typedef struct filter_project {
    sp_colbatch **out;
    uint32_t **sel;
} filter_project;

static void filter_project_batch(spate_task *t, const sp_colbatch *in, spate_sink *out, void *ud)
{
    filter_project *fp = ud;
    int part = spate_task_partition(t);
    if (!fp->out[part] || fp->out[part]->capacity < in->length) {
        sp_coltype type = SP_COL_I64;
        const char *name = "v2";
        fp->out[part] = sp_colbatch_new(spate_task_arena(t), 1, &type, &name, in->length);
        fp->sel[part] = sp_colbatch_alloc(fp->out[part], sizeof(uint32_t) * (size_t)in->length);
    }
    sp_colbatch *b = fp->out[part];
    sp_colbatch_reset(b);
    const sp_column *c = &in->cols[0];
    size_t k = select_mod3(sp_column_i64(c), c->validity, (size_t)in->length, fp->sel[part]);
    project_times2(sp_column_i64(c), fp->sel[part], k, sp_column_i64(&b->cols[0]));
    sp_colbatch_set_length(b, (int64_t)k);
    sp_sink_push_batch(out, b);
}

/* ---- the consumer: sum and count of what arrives ------------------------ */

typedef struct sum_sink {
    spate_sink base;
    int64_t rows, sum;
} sum_sink;

static void sum_batch(spate_sink *self, const sp_colbatch *b)
{
    sum_sink *s = (sum_sink *)self;
    const int64_t *v = sp_column_i64(&b->cols[0]);
    int64_t sum = 0;
    for (int64_t i = 0; i < b->length; i++)
        sum += v[i];
    s->sum += sum;
    s->rows += b->length;
}

static void sum_value(spate_sink *self, spate_value v)
{
    sum_sink *s = (sum_sink *)self;
    s->sum += v.u.i;
    s->rows++;
}

typedef struct sum_job {
    spate_rdd *rdd;
    sum_sink sink;
} sum_job;

static void sum_task(spate_task *t, int part, void *ud)
{
    sum_job *j = ud;
    j->sink = (sum_sink){.base = {.push = sum_value, .push_batch = sum_batch, .task = t}};
    sp_rdd_compute(j->rdd, part, &j->sink.base);
}

/* ---- the plain loop ----------------------------------------------------- */

/* branch_free: the store happens every row and only the count depends on
 * the test (what the columnar kernel does), instead of an if per row. */
static void plain_loop(sp_colbatch *const *batches, size_t nb, int64_t *buf, bool branch_free,
                       int64_t *rows, int64_t *sum)
{
    int64_t r = 0, s = 0;
    for (size_t b = 0; b < nb; b++) {
        const int64_t *v = sp_column_i64(&batches[b]->cols[0]);
        size_t n = (size_t)batches[b]->length, k = 0;
        if (branch_free) {
            for (size_t i = 0; i < n; i++) {
                buf[k] = v[i] * 2;
                k += v[i] % 3 == 0;
            }
        } else {
            for (size_t i = 0; i < n; i++)
                if (v[i] % 3 == 0) buf[k++] = v[i] * 2;
        }
        for (size_t i = 0; i < k; i++)
            s += buf[i];
        r += (int64_t)k;
    }
    *rows = r;
    *sum = s;
}

/* ---- setup -------------------------------------------------------------- */

static spate_ctx *local1(void)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    if (spate_conf_set(conf, "spate.master", "local[1]", err, sizeof err) != SPATE_OK ||
        spate_conf_set(conf, "spate.log.level", "WARN", err, sizeof err) != SPATE_OK) {
        fprintf(stderr, "bench_columnar: %s\n", err);
        exit(1);
    }
    spate_ctx *ctx = spate_ctx_new(conf, 1000, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "bench_columnar: %s\n", err);
        exit(1);
    }
    return ctx;
}

static sp_colbatch **make_batches(spate_arena *a, int64_t rows, int64_t per, size_t *nb)
{
    *nb = (size_t)((rows + per - 1) / per);
    sp_colbatch **batches = malloc(sizeof *batches * (*nb ? *nb : 1));
    uint64_t seed = 42;
    sp_coltype type = SP_COL_I64;
    const char *name = "v";
    for (size_t b = 0; b < *nb; b++) {
        int64_t n = rows - (int64_t)b * per < per ? rows - (int64_t)b * per : per;
        batches[b] = sp_colbatch_new(a, 1, &type, &name, n);
        int64_t *v = sp_column_i64(&batches[b]->cols[0]);
        for (int64_t i = 0; i < n; i++)
            v[i] = (int64_t)(splitmix64(&seed) >> 24) - (1LL << 39);
        sp_colbatch_set_length(batches[b], n);
    }
    return batches;
}

int main(int argc, char **argv)
{
    int64_t rows = argc > 1 ? atoll(argv[1]) : 100000000;
    int64_t per = argc > 2 ? atoll(argv[2]) : 4096;
    if (rows <= 0 || per <= 0 || per > INT32_MAX) {
        fprintf(stderr, "usage: bench_columnar [ROWS] [BATCH_ROWS]\n");
        return 2;
    }
    spate_arena *data = spate_arena_new();
    size_t nb;
    sp_colbatch **batches = make_batches(data, rows, per, &nb);

    spate_ctx *ctx = local1();
    spate_rdd *any = spate_ctx_parallelize(ctx, NULL, 0, 1);
    sp_scope *scope = sp_rdd_scope(any);
    sp_colbatch *const *parts[1] = {batches};
    size_t counts[1] = {nb};
    sp_colbatch *outs[1] = {NULL};
    uint32_t *sels[1] = {NULL};
    filter_project fp = {.out = outs, .sel = sels};
    spate_rdd *r =
        sp_rdd_map_batches(sp_rdd_from_batches(scope, 1, parts, counts), filter_project_batch, &fp);

    double best_col = 1e30, best_plain = 1e30, best_free = 1e30;
    int64_t col_rows = 0, col_sum = 0, plain_rows = 0, plain_sum = 0, free_rows = 0, free_sum = 0;
    int64_t *buf = malloc(sizeof *buf * (size_t)per);
    for (int run = 0; run < RUNS; run++) {
        sum_job j = {.rdd = r};
        double t0 = now_s();
        if (sp_job_run(scope, 1, sum_task, &j) != SPATE_OK) {
            fprintf(stderr, "bench_columnar: the job failed\n");
            return 1;
        }
        double t1 = now_s();
        plain_loop(batches, nb, buf, false, &plain_rows, &plain_sum);
        double t2 = now_s();
        plain_loop(batches, nb, buf, true, &free_rows, &free_sum);
        double t3 = now_s();
        col_rows = j.sink.rows;
        col_sum = j.sink.sum;
        if (t1 - t0 < best_col) best_col = t1 - t0;
        if (t2 - t1 < best_plain) best_plain = t2 - t1;
        if (t3 - t2 < best_free) best_free = t3 - t2;
    }
    if (col_rows != plain_rows || col_sum != plain_sum || free_rows != plain_rows ||
        free_sum != plain_sum) {
        fprintf(stderr,
                "bench_columnar: results differ: spate %lld rows sum %lld, C %lld rows sum %lld\n",
                (long long)col_rows, (long long)col_sum, (long long)plain_rows,
                (long long)plain_sum);
        return 1;
    }
    double col_rate = (double)rows / best_col, plain_rate = (double)rows / best_plain;
    double free_rate = (double)rows / best_free;
    printf("%lld rows in batches of %lld, %lld pass (sum of v*2: %lld), best of %d\n",
           (long long)rows, (long long)per, (long long)col_rows, (long long)col_sum, RUNS);
    printf("RESULT name=columnar rows=%lld seconds=%.6f rows_per_s=%.0f\n", (long long)rows,
           best_col, col_rate);
    printf("RESULT name=plain_c rows=%lld seconds=%.6f rows_per_s=%.0f\n", (long long)rows,
           best_plain, plain_rate);
    printf("RESULT name=plain_c_branch_free rows=%lld seconds=%.6f rows_per_s=%.0f\n",
           (long long)rows, best_free, free_rate);
    printf("RESULT name=columnar_ratio ratio=%.2f branch_free_ratio=%.2f\n", col_rate / plain_rate,
           col_rate / free_rate);
    printf("columnar summary: %.0f M rows/s on one thread (%s the 500 M target), %.2fx a plain C "
           "loop (%.0f M rows/s), %.2fx a branch-free C loop (%.0f M rows/s)\n",
           col_rate / 1e6, col_rate >= 500e6 ? "meets" : "BELOW", col_rate / plain_rate,
           plain_rate / 1e6, col_rate / free_rate, free_rate / 1e6);
    free(buf);
    spate_ctx_destroy(ctx);
    spate_arena_destroy(data);
    free(batches);
    return 0;
}
