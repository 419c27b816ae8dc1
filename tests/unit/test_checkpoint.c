/* Checkpoints and recovery (Spark's StreamingContext.checkpoint,
 * DStream.checkpoint and getOrCreate): Spark's rules at start, interval
 * validation, the metadata file round trip, and crash recovery of a file
 * stream -> saveAsTextFiles pipeline: a child process runs it and is killed
 * (SIGKILL) in the middle of a batch, the parent restores it with
 * spate_ctx_get_or_create, and the output directories must equal those of an
 * uninterrupted run - none missing, none duplicated, same content. State is
 * exercised with a tiny stateful stream defined here (a running count with
 * save_state/load_state), and with updateStateByKey. Manual clock
 * throughout; no test sleeps to wait for a batch. */
#include "conformance_util.h"

#include "stream/ckpt/ckpt_int.h"
#include "stream/ckpt/ckpt_meta.h"
#include "stream/dstream_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BATCH = 1000, WAIT_MS = 20000 };
static const int64_t T0 = 100000; /* manual clock at the first start */

/* ---- files ----------------------------------------------------------------- */

static char *make_dir(void)
{
    char *dir = strdup("/tmp/spate-ckpt-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_dir(char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static char *sub(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *dir, const char *name, const char *text, int64_t mtime_ms)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = mtime_ms / 1000;
    ts[0].tv_nsec = ts[1].tv_nsec = (mtime_ms % 1000) * 1000000L;
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "utimensat %s", path);
}

/* Input file i (1-based) belongs to batch i: mtime inside (T0+(i-1)s, T0+is]. */
static void write_inputs(const char *dir, int from, int to)
{
    for (int i = from; i <= to; i++) {
        char name[32], text[96];
        snprintf(name, sizeof name, "in-%02d.txt", i);
        snprintf(text, sizeof text, "a%d x\nb%d y\nc%d x\n", i, i, i);
        write_text(dir, name, text, T0 + i * BATCH - 300);
    }
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return strdup("<unreadable>");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(m);
    fclose(f);
    return buf;
}

/* The lines of text sorted (for keyed outputs: the order of keys inside a
 * partition is the state store's, which a restored store need not keep). */
static char *sort_lines(char *text)
{
    char *items[1024];
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < 1024;
         l = strtok_r(NULL, "\n", &save))
        items[n++] = strdup(l);
    free(text);
    return cu_join(items, n, true);
}

typedef struct tree {
    bool sorted_lines;
    size_t root_len;
    char *entries[512];
    int n;
} tree;

static tree *current_tree;

static int tree_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    tree *t = current_tree;
    if (strlen(path) <= t->root_len || t->n == 512) return 0;
    const char *rel = path + t->root_len + 1;
    char *content = flag == FTW_F ? read_file(path) : strdup("");
    if (t->sorted_lines) content = sort_lines(content);
    char *e = malloc(strlen(rel) + strlen(content) + 32);
    sprintf(e, "%s%s [%s]", rel, S_ISDIR(st->st_mode) ? "/" : "", content);
    free(content);
    t->entries[t->n++] = e;
    return 0;
}

/* Every entry under dir (hidden ones too) with its content, sorted: two
 * runs' outputs are equal when these strings are. Malloc'd. */
static bool sorted_lines;

static char *describe_tree(const char *dir)
{
    tree t = {.root_len = strlen(dir), .sorted_lines = sorted_lines};
    current_tree = &t;
    nftw(dir, tree_entry, 16, FTW_PHYS);
    return cu_join(t.entries, (size_t)t.n, true);
}

static int count_entries(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name), sl = strlen(suffix);
        if (de->d_name[0] != '.' && l >= sl && strcmp(de->d_name + l - sl, suffix) == 0) n++;
    }
    closedir(d);
    return n;
}

/* ---- a tiny stateful stream: the running count of its parent's elements --- */

typedef struct running {
    int64_t total, saved;
    int saves_full, saves_delta, loads;
} running;

typedef struct running_job {
    running *st;
    spate_rdd *parent;
} running_job;

static spate_err running_prepare(spate_rdd *r, spate_value **parts, size_t *lens, void *ud)
{
    running_job *j = ud;
    int64_t n = 0;
    spate_err err = j->parent ? spate_rdd_count(j->parent, &n) : SPATE_OK;
    if (err) return err;
    j->st->total += n;
    parts[0] = spate_arena_alloc(sp_scope_arena(sp_rdd_scope(r)), sizeof **parts);
    parts[0][0] = spate_i64(j->st->total);
    lens[0] = 1;
    return SPATE_OK;
}

static spate_rdd *running_compute(spate_stream *s, int64_t t, sp_batch *b)
{
    running_job *j = spate_arena_alloc(sp_scope_arena(sp_batch_scope(b)), sizeof *j);
    j->st = s->impl;
    j->parent = sp_stream_get_or_compute(s->parents[0], t, b);
    return sp_rdd_prepared(sp_batch_scope(b), 1, &j->parent, 1, running_prepare, j);
}

static spate_err running_save(spate_stream *s, int64_t t, bool full, sp_ckpt_out *w)
{
    (void)t;
    running *st = s->impl;
    sp_ckpt_put_i64(w, full ? st->total : st->total - st->saved);
    st->saved = st->total;
    if (full)
        st->saves_full++;
    else
        st->saves_delta++;
    return SPATE_OK;
}

static spate_err running_load(spate_stream *s, int64_t t, bool full, sp_ckpt_in *r)
{
    (void)t;
    running *st = s->impl;
    int64_t v;
    if (!sp_ckpt_get_i64(r, &v)) return SPATE_ERR_CORRUPT;
    st->total = full ? v : st->total + v;
    st->saved = st->total;
    st->loads++;
    return SPATE_OK;
}

static void running_destroy(spate_stream *s) { free(s->impl); }

static const sp_stream_ops running_ops = {
    .name = "RunningCountDStream",
    .compute = running_compute,
    .destroy = running_destroy,
    .save_state = running_save,
    .load_state = running_load,
};

static spate_stream *running_count(spate_stream *parent)
{
    spate_stream *s = sp_stream_derive(parent, &running_ops, calloc(1, sizeof(running)));
    if (s) s->needs_checkpoint = true;
    return s;
}

/* ---- the pipeline -------------------------------------------------------- */

typedef enum mode {
    LINES,      /* the lines as they are */
    RUNNING,    /* the running count of lines (the stream above) */
    UPDATER,    /* (word, total count) by updateStateByKey */
    WINDOW,     /* the number of lines in a window of 3 batches */
    INV_WINDOW, /* (word, count) by reduceByKeyAndWindow with an inverse, 4 batches */
} mode;

typedef struct pipeline {
    const char *in, *out;
    int64_t crash_at;      /* the process kills itself in this batch; -1: never */
    bool crash_after_save; /* after the batch's output was written, else before */
    mode mode;
    int64_t interval;    /* the stateful stream's checkpoint interval (0: default) */
    spate_stream *state; /* the stateful stream of the last setup */
} pipeline;

static spate_err crash_hook(spate_rdd *rdd, int64_t time, void *ud)
{
    (void)rdd;
    const pipeline *p = ud;
    if (time == p->crash_at) kill(getpid(), SIGKILL);
    return SPATE_OK;
}

static void words_of(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)ud;
    const char *s = v.u.s;
    size_t n = v.len;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        if (j > i)
            spate_sink_push(
                out, spate_tuple2(spate_task_arena(t), spate_str(s + i, j - i), spate_i64(1)));
        i = j + 1;
    }
}

static spate_value add_counts(spate_task *t, spate_value values, spate_value state, void *ud)
{
    (void)ud;
    int64_t sum = state.type == SPATE_NONE ? 0 : state.u.items[0].u.i;
    for (uint32_t i = 0; i < values.len; i++)
        sum += values.u.items[i].u.i;
    return spate_some(spate_task_arena(t), spate_i64(sum));
}

static spate_stream *transform(spate_stream *lines, mode m)
{
    switch (m) {
    case LINES:
        return lines;
    case RUNNING:
        return running_count(lines);
    case UPDATER:
        return spate_stream_update_state_by_key(spate_stream_flat_map(lines, words_of, NULL),
                                                add_counts, NULL, 2);
    case WINDOW:
        return spate_stream_count(spate_stream_window(lines, 3 * BATCH, 0));
    case INV_WINDOW:
        return spate_stream_reduce_by_key_and_window(spate_stream_flat_map(lines, words_of, NULL),
                                                     spate_fn_sum, spate_fn_subtract, NULL, NULL,
                                                     4 * BATCH, 0, 2);
    }
    return NULL;
}

static spate_err setup_pipeline(spate_ctx *ssc, void *ud)
{
    pipeline *p = ud;
    spate_stream *s = transform(spate_text_file_stream(ssc, p->in), p->mode);
    p->state = s;
    if (s && p->interval) cr_assert_eq(spate_stream_checkpoint(s, p->interval), SPATE_OK);
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s/batch", p->out);
    if (!p->crash_after_save) spate_stream_foreach_rdd(s, crash_hook, p);
    spate_err err = spate_stream_save_as_text_files(s, prefix, "txt");
    if (p->crash_after_save) spate_stream_foreach_rdd(s, crash_hook, p);
    return err;
}

static spate_conf *test_conf(const char *snapshot_every)
{
    spate_conf *conf = spate_conf_new();
    char err[256];
    cr_assert_eq(spate_conf_set(conf, "spate.streaming.clock", "manual", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.master", "local[2]", err, sizeof err), 0);
    cr_assert_eq(spate_conf_set(conf, "spate.log.level", "OFF", err, sizeof err), 0);
    if (snapshot_every)
        cr_assert_eq(spate_conf_set(conf, "spate.streaming.checkpoint.snapshotEvery",
                                    snapshot_every, err, sizeof err),
                     0, "%s", err);
    return conf;
}

static spate_ctx *get_or_create(const char *ckpt, pipeline *p, const char *snapshot_every)
{
    char err[512];
    spate_ctx *ssc = spate_ctx_get_or_create(ckpt, test_conf(snapshot_every), BATCH, setup_pipeline,
                                             p, err, sizeof err);
    cr_assert_not_null(ssc, "getOrCreate: %s", err);
    return ssc;
}

/* Starts ssc (a new one at T0) and runs its batches up to number `last`. A
 * restored context runs the batches up to its clock's time by itself (again
 * or for the down time): they are waited for with the later ones. */
static void run_until(spate_ctx *ssc, int last)
{
    if (spate_ctx_get_state(ssc) == SPATE_CTX_INITIALIZED) {
        if (!spate_ctx_recovered(ssc)) spate_clock_set(spate_ctx_clock(ssc), T0);
        cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    }
    spate_clock *clock = spate_ctx_clock(ssc);
    int64_t now = spate_clock_now(clock);
    for (int i = 1; i <= last; i++) {
        int64_t t = T0 + i * BATCH;
        if (t < now || (t == now && i < last)) continue;
        if (t > now) spate_clock_set(clock, t);
        cr_assert_eq(spate_ctx_await_batch(ssc, t, WAIT_MS), SPATE_OK, "batch %lld ms: %s",
                     (long long)t, spate_ctx_last_error(ssc));
    }
}

/* An uninterrupted run of batches 1..n into p->out; returns its output tree. */
static char *reference_run(pipeline p, int n, const char *snapshot_every)
{
    char *ckpt = make_dir();
    p.crash_at = -1;
    spate_ctx *ssc = get_or_create(ckpt, &p, snapshot_every);
    run_until(ssc, n);
    spate_ctx_destroy(ssc);
    remove_dir(ckpt);
    return describe_tree(p.out);
}

/* Runs the pipeline in a child process that is killed in batch crash_batch
 * (before or after that batch's output, as p says). */
static void crashing_run(pipeline p, const char *ckpt, int crash_batch, const char *snapshot_every)
{
    p.crash_at = T0 + crash_batch * BATCH;
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char err[512];
        spate_ctx *ssc = spate_ctx_get_or_create(ckpt, test_conf(snapshot_every), BATCH,
                                                 setup_pipeline, &p, err, sizeof err);
        if (!ssc) _exit(10);
        if (!spate_ctx_recovered(ssc)) spate_clock_set(spate_ctx_clock(ssc), T0);
        if (spate_ctx_start(ssc) != SPATE_OK) _exit(11);
        int64_t now = spate_clock_now(spate_ctx_clock(ssc));
        for (int64_t t = now + BATCH; t <= p.crash_at; t += BATCH) {
            spate_clock_set(spate_ctx_clock(ssc), t);
            if (spate_ctx_await_batch(ssc, t, WAIT_MS) != SPATE_OK) _exit(12);
        }
        spate_ctx_await_batch(ssc, p.crash_at, WAIT_MS); /* a re-run batch may be the one */
        _exit(13); /* the crash batch completed: it should have killed us */
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the child should die by SIGKILL in batch %d (status %d)", crash_batch, status);
}

/* ---- Spark's rules at start ----------------------------------------------- */

Test(checkpoint, directory_required_by_stateful_streams)
{
    spate_ctx *ssc = cu_ctx("local[1]", BATCH);
    spate_stream *q = spate_queue_stream(ssc, true, NULL);
    cr_assert_eq(spate_stream_print(running_count(q), 10), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_ERR_INVALID_ARG);
    cr_expect_str_eq(spate_ctx_last_error(ssc), "The checkpoint directory has not been set. "
                                                "Please set it by StreamingContext.checkpoint().");
    char *dir = make_dir();
    char *nested = sub(dir, "a/b/c");
    cr_assert_eq(spate_ctx_checkpoint(ssc, nested), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    struct stat st;
    cr_assert(stat(nested, &st) == 0 && S_ISDIR(st.st_mode), "the directory is created");
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_ERR_STATE, "not after start");
    spate_ctx_destroy(ssc);
    free(nested);
    remove_dir(dir);
}

Test(checkpoint, directory_required_by_checkpoint_interval)
{
    /* Spark: a DStream with a checkpoint interval needs the directory too. */
    spate_ctx *ssc = cu_ctx("local[1]", BATCH);
    spate_stream *m = spate_stream_map(spate_queue_stream(ssc, true, NULL), times_three, NULL);
    cr_assert_eq(spate_stream_checkpoint(m, 5 * BATCH), SPATE_OK);
    cr_assert_eq(spate_stream_print(m, 10), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_ERR_INVALID_ARG);
    cr_expect(strstr(spate_ctx_last_error(ssc), "checkpoint directory has not been set"));
    spate_ctx_destroy(ssc);
}

Test(checkpoint, directory_errors)
{
    spate_ctx *ssc = cu_ctx("local[1]", BATCH);
    cr_assert_eq(spate_ctx_checkpoint(ssc, ""), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_ctx_checkpoint(ssc, NULL), SPATE_ERR_INVALID_ARG);
    char *dir = make_dir();
    write_text(dir, "file", "x", T0);
    char *under_file = sub(dir, "file/ckpt");
    cr_assert_eq(spate_ctx_checkpoint(ssc, under_file), SPATE_ERR_IO);
    cr_expect(strstr(spate_ctx_last_error(ssc), under_file), "names the directory: %s",
              spate_ctx_last_error(ssc));
    spate_ctx_destroy(ssc);
    free(under_file);
    remove_dir(dir);
}

typedef struct interval_case {
    int64_t interval;
    spate_err want;
    const char *message; /* a part of it */
} interval_case;

Test(checkpoint, interval_must_be_positive_multiple_of_slide)
{
    static const interval_case cases[] = {
        {0, SPATE_ERR_INVALID_ARG,
         "has been set to 0 ms which is lower than its slide time "
         "(1000 ms). Please set it to at least 1000 ms."},
        {-2000, SPATE_ERR_INVALID_ARG, "lower than its slide time"},
        {500, SPATE_ERR_INVALID_ARG,
         "The checkpoint interval for RunningCountDStream has been "
         "set to 500 ms which is lower than its slide time"},
        {1500, SPATE_ERR_INVALID_ARG,
         "has been set to 1500 ms which is not a multiple of its "
         "slide time (1000 ms). Please set it to a multiple of "
         "1000 ms."},
        {1000, SPATE_OK, ""},
        {7000, SPATE_OK, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        spate_ctx *ssc = cu_ctx("local[1]", BATCH);
        spate_stream *s = running_count(spate_queue_stream(ssc, true, NULL));
        cr_assert_eq(spate_stream_checkpoint(s, cases[i].interval), cases[i].want, "interval %lld",
                     (long long)cases[i].interval);
        cr_expect(strstr(spate_ctx_last_error(ssc), cases[i].message), "interval %lld: %s",
                  (long long)cases[i].interval, spate_ctx_last_error(ssc));
        if (!cases[i].want) cr_expect_eq(s->checkpoint_interval, cases[i].interval);
        spate_ctx_destroy(ssc);
    }
    cr_assert_eq(spate_stream_checkpoint(NULL, 1000), SPATE_ERR_INVALID_ARG);
}

Test(checkpoint, interval_cannot_change_after_start)
{
    char *dir = make_dir();
    spate_ctx *ssc = cu_ctx("local[1]", BATCH);
    spate_stream *s = running_count(spate_queue_stream(ssc, true, NULL));
    cr_assert_eq(spate_stream_print(s, 1), SPATE_OK);
    cr_assert_eq(spate_ctx_checkpoint(ssc, dir), SPATE_OK);
    cr_assert_eq(spate_ctx_start(ssc), SPATE_OK, "%s", spate_ctx_last_error(ssc));
    cr_assert_eq(spate_stream_checkpoint(s, 2000), SPATE_ERR_STATE);
    cr_expect_str_eq(spate_ctx_last_error(ssc), "Cannot change checkpoint interval of a DStream "
                                                "after streaming context has started");
    spate_ctx_destroy(ssc);
    remove_dir(dir);
}

Test(checkpoint, default_interval_is_smallest_multiple_of_slide_over_10s)
{
    static const int64_t cases[][2] = {{1000, 10000},  {3000, 12000}, {4000, 12000}, {10000, 10000},
                                       {15000, 15000}, {7, 10003},    {200, 10000}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_expect_eq(sp_ckpt_default_interval(cases[i][0]), cases[i][1], "slide %lld",
                     (long long)cases[i][0]);
}

/* ---- metadata files -------------------------------------------------------- */

static sp_ckpt_blob blob(int stream, const char *text)
{
    return (sp_ckpt_blob){stream, strdup(text), strlen(text)};
}

static void sample_meta(sp_ckpt_meta *m)
{
    *m = (sp_ckpt_meta){.time = 9000,
                        .batch = 1000,
                        .zero_time = 0,
                        .restart = 6000,
                        .last_completed = 8000,
                        .fingerprint = 0x123456789abcdefULL};
    m->graph = strdup("stream 0: FileInputDStream() slide=1000\n");
    m->conf = calloc(2, sizeof *m->conf);
    m->conf[0] = (sp_ckpt_kv){strdup("spate.master"), strdup("local[2]")};
    m->conf[1] = (sp_ckpt_kv){strdup("user.x"), strdup("")};
    m->nconf = 2;
    sp_ckpt_chain *c = sp_ckpt_meta_chain(m, 3, true);
    sp_ckpt_chain_add(c, 3000, true);
    sp_ckpt_chain_add(c, 6000, false);
    sp_ckpt_meta_add_pending(m, 9000);
    for (int64_t t = 7000; t <= 9000; t += 1000) {
        sp_ckpt_blob *v = calloc(2, sizeof *v);
        v[0] = blob(0, t == 8000 ? "" : "files of a batch");
        v[1] = blob(1, "\x01\x02");
        sp_ckpt_meta_set_inputs(m, t, v, 2);
    }
    sp_ckpt_blob *pos = calloc(1, sizeof *pos);
    pos[0] = blob(0, "position");
    sp_ckpt_meta_set_positions(m, pos, 1);
}

static char *encoded(const sp_ckpt_meta *m, size_t *len)
{
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_meta_encode(m, &w);
    *len = w.len;
    return w.buf;
}

Test(checkpoint, metadata_round_trip)
{
    char *dir = make_dir();
    sp_ckpt_meta m, back;
    sample_meta(&m);
    char err[512];
    cr_assert_eq(sp_ckpt_meta_write(dir, &m, err, sizeof err), SPATE_OK, "%s", err);
    char *path = sub(dir, "checkpoint-9000");
    cr_assert_eq(sp_ckpt_meta_read(path, &back, err, sizeof err), SPATE_OK, "%s", err);
    size_t la, lb;
    char *a = encoded(&m, &la), *b = encoded(&back, &lb);
    cr_assert(la == lb && memcmp(a, b, la) == 0, "what is read encodes to what was written");
    cr_expect_eq(back.restart, 6000);
    cr_expect_eq(back.nbatches, 3);
    cr_expect_eq(back.batches[1].time, 8000);
    cr_expect_eq(back.batches[1].v[0].len, 0);
    cr_expect_eq(back.chains[0].stream, 3);
    cr_expect_eq(back.chains[0].n, 2);
    cr_expect(back.chains[0].v[0].full && !back.chains[0].v[1].full);
    cr_expect_str_eq(back.conf[1].key, "user.x");
    /* edits: inputs replaced and dropped in time order, pending removed */
    sp_ckpt_meta_drop_inputs(&back, 7000);
    cr_expect_eq(back.nbatches, 2);
    cr_expect_eq(back.batches[0].time, 8000);
    sp_ckpt_meta_remove_pending(&back, 9000);
    cr_expect_eq(back.npending, 0);
    free(a);
    free(b);
    free(path);
    sp_ckpt_meta_free(&m);
    sp_ckpt_meta_free(&back);
    remove_dir(dir);
}

Test(checkpoint, metadata_latest_and_pruning)
{
    char *dir = make_dir();
    int64_t t;
    cr_assert_eq(sp_ckpt_meta_latest(dir, &t), SPATE_ERR_NOT_FOUND);
    sp_ckpt_meta m;
    sample_meta(&m);
    char err[512];
    for (int i = 1; i <= 14; i++) {
        m.time = i * 1000;
        cr_assert_eq(sp_ckpt_meta_write(dir, &m, err, sizeof err), SPATE_OK, "%s", err);
    }
    write_text(dir, "checkpoint-99000.tmp-1-2", "partial", T0); /* a temporary: ignored */
    cr_assert_eq(sp_ckpt_meta_latest(dir, &t), SPATE_OK);
    cr_expect_eq(t, 14000);
    sp_ckpt_meta_prune(dir, SP_CKPT_KEEP_METADATA);
    cr_expect_eq(count_entries(dir, ""), SP_CKPT_KEEP_METADATA + 1);
    char *oldest = sub(dir, "checkpoint-5000"), *deleted = sub(dir, "checkpoint-4000");
    cr_expect_eq(access(oldest, F_OK), 0);
    cr_expect_neq(access(deleted, F_OK), 0);
    free(oldest);
    free(deleted);
    sp_ckpt_meta_free(&m);
    remove_dir(dir);
}

/* ---- recovery of a file stream -> saveAsTextFiles pipeline ---------------- */

typedef struct dirs {
    char *in, *ref, *out, *ckpt;
} dirs;

static dirs make_dirs(void) { return (dirs){make_dir(), make_dir(), make_dir(), make_dir()}; }

static void remove_dirs(dirs *d)
{
    remove_dir(d->in);
    remove_dir(d->ref);
    remove_dir(d->out);
    remove_dir(d->ckpt);
}

/* How many of the newest metadata checkpoints check_recovery removes after
 * the crash (as a user would damaged ones). */
static int drop_newest_metadata;

/* Reference run, crash in batch `crash`, recovery (down for `down` batch
 * intervals), then the outputs of batches 1..n must equal the reference. */
static void check_recovery(pipeline p, int n, int crash, int down, const char *snapshot_every)
{
    dirs d = make_dirs();
    write_inputs(d.in, 1, n);
    sorted_lines = p.mode == UPDATER || p.mode == INV_WINDOW;
    p.in = d.in;
    p.out = d.ref;
    char *want = reference_run(p, n, snapshot_every);
    p.out = d.out;
    crashing_run(p, d.ckpt, crash, snapshot_every);
    int64_t newest;
    cr_assert_eq(sp_ckpt_meta_latest(d.ckpt, &newest), SPATE_OK);
    for (int i = 0; i < drop_newest_metadata; i++) {
        char path[4200];
        sp_ckpt_meta_path(path, sizeof path, d.ckpt, newest);
        cr_assert_eq(unlink(path), 0);
        cr_assert_eq(sp_ckpt_meta_latest(d.ckpt, &newest), SPATE_OK);
    }
    spate_ctx *ssc = get_or_create(d.ckpt, &p, snapshot_every);
    cr_assert(spate_ctx_recovered(ssc));
    cr_expect_eq(spate_clock_now(spate_ctx_clock(ssc)), newest,
                 "a manual clock restarts at the checkpoint's time");
    if (down) spate_clock_set(spate_ctx_clock(ssc), T0 + (crash + down) * BATCH);
    run_until(ssc, n);
    spate_ctx_destroy(ssc);
    char *got = describe_tree(d.out);
    cr_expect_str_eq(got, want, "outputs after recovery differ:\n got  %s\n want %s", got, want);
    free(got);
    free(want);
    remove_dirs(&d);
}

Test(checkpoint, recovery_reruns_the_pending_batch_exactly_once, .timeout = 60)
{
    check_recovery((pipeline){0}, 6, 3, 0, NULL);
}

Test(checkpoint, recovery_rewrites_output_of_a_batch_killed_after_saving, .timeout = 60)
{
    check_recovery((pipeline){.crash_after_save = true}, 6, 3, 0, NULL);
}

Test(checkpoint, recovery_runs_the_batches_of_the_down_time, .timeout = 60)
{
    check_recovery((pipeline){0}, 8, 2, 4, NULL);
}

Test(checkpoint, pending_batch_reruns_with_the_same_files, .timeout = 60)
{
    dirs d = make_dirs();
    write_inputs(d.in, 1, 5);
    pipeline p = {.in = d.in, .out = d.out};
    crashing_run(p, d.ckpt, 3, NULL);
    /* A file that arrives late with a time inside batch 3: batch 3 did not
     * take it before the crash, so its re-run must not either. */
    write_text(d.in, "in-03-late.txt", "late\n", T0 + 3 * BATCH - 100);
    spate_ctx *ssc = get_or_create(d.ckpt, &p, NULL);
    run_until(ssc, 4);
    spate_ctx_destroy(ssc);
    char *b3 = sub(d.out, "batch-103000.txt"), *b4 = sub(d.out, "batch-104000.txt");
    char *got3 = describe_tree(b3), *got4 = describe_tree(b4);
    cr_expect_str_eq(got3, "_SUCCESS []; part-00000 [a3 x\nb3 y\nc3 x\n]");
    cr_expect(strstr(got4, "a4 x") && strstr(got4, "late"),
              "the late file is taken by the next batch: %s", got4);
    free(got3);
    free(got4);
    free(b3);
    free(b4);
    remove_dirs(&d);
}

Test(checkpoint, metadata_follows_every_batch, .timeout = 60)
{
    dirs d = make_dirs();
    write_inputs(d.in, 1, 3);
    pipeline p = {.in = d.in, .out = d.out, .crash_at = -1};
    spate_ctx *ssc = get_or_create(d.ckpt, &p, NULL);
    cr_assert(!spate_ctx_recovered(ssc));
    run_until(ssc, 3);
    int64_t t;
    cr_assert_eq(sp_ckpt_meta_latest(d.ckpt, &t), SPATE_OK);
    cr_expect_eq(t, T0 + 3 * BATCH);
    char path[4200], err[512];
    sp_ckpt_meta_path(path, sizeof path, d.ckpt, t);
    sp_ckpt_meta m;
    cr_assert_eq(sp_ckpt_meta_read(path, &m, err, sizeof err), SPATE_OK, "%s", err);
    cr_expect_eq(m.zero_time, T0);
    cr_expect_eq(m.batch, BATCH);
    cr_expect_eq(m.npending, 0);
    cr_expect_eq(m.last_completed, T0 + 3 * BATCH);
    cr_expect_eq(m.restart, T0 + 3 * BATCH, "without state, the restart point is the last batch");
    cr_expect_eq(m.nchains, 0);
    cr_expect_eq(m.npositions, 1);
    bool manual = false;
    for (int i = 0; i < m.nconf; i++)
        manual |=
            !strcmp(m.conf[i].key, "spate.streaming.clock") && !strcmp(m.conf[i].value, "manual");
    cr_expect(manual, "the conf's set keys are saved");
    cr_expect(strstr(m.graph, "FileInputDStream") && strstr(m.graph, "saveAsTextFiles"), "%s",
              m.graph);
    sp_ckpt_meta_free(&m);
    spate_ctx_destroy(ssc);
    remove_dirs(&d);
}

/* ---- state ------------------------------------------------------------------ */

Test(checkpoint, stateful_recovery_restarts_from_the_data_checkpoint, .timeout = 60)
{
    /* Data checkpoints every 3 batches: the crash in batch 8 restarts from
     * the state of batch 6, runs 7 (completed before) and 8 (pending) again. */
    check_recovery((pipeline){.mode = RUNNING, .interval = 3 * BATCH}, 10, 8, 0, "2");
}

Test(checkpoint, stateful_recovery_with_down_time_and_default_interval, .timeout = 60)
{
    check_recovery((pipeline){.mode = RUNNING}, 14, 11, 2, NULL);
}

Test(checkpoint, state_files_full_every_n_deltas_and_pruned, .timeout = 60)
{
    dirs d = make_dirs();
    write_inputs(d.in, 1, 21);
    pipeline p = {.in = d.in, .out = d.out, .crash_at = -1, .mode = RUNNING, .interval = 3000};
    spate_ctx *ssc = get_or_create(d.ckpt, &p, "2");
    run_until(ssc, 21);
    running *st = p.state->impl;
    /* batches 3..21 every 3: full, delta, delta, full, delta, delta, full */
    cr_expect_eq(st->saves_full, 3);
    cr_expect_eq(st->saves_delta, 4);
    /* The kept metadata files (batches 12..21) name the files from 12 on. */
    static const struct {
        const char *name;
        bool exists;
    } files[] = {{"103000.full", false}, {"106000.delta", false}, {"109000.delta", false},
                 {"112000.full", true},  {"115000.delta", true},  {"118000.delta", true},
                 {"121000.full", true}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/state/%d/%s", d.ckpt, p.state->id, files[i].name);
        cr_expect_eq(access(path, F_OK) == 0, files[i].exists, "%s should %sexist", files[i].name,
                     files[i].exists ? "" : "not ");
    }
    spate_ctx_destroy(ssc);
    remove_dirs(&d);
}

Test(checkpoint, update_state_by_key_recovery, .timeout = 60)
{
    check_recovery((pipeline){.mode = UPDATER, .interval = 3 * BATCH}, 10, 8, 1, "2");
}

Test(checkpoint, window_recovery, .timeout = 60)
{
    check_recovery((pipeline){.mode = WINDOW}, 9, 7, 0, NULL);
}

Test(checkpoint, inverse_window_recovery, .timeout = 60)
{
    check_recovery((pipeline){.mode = INV_WINDOW, .interval = 2 * BATCH}, 10, 7, 1, NULL);
}

/* ---- refusals ------------------------------------------------------------------ */

/* Runs the pipeline p for n batches with checkpoints in ckpt, then destroys
 * the context as a crash would leave it (no graceful stop). */
static void run_and_drop(pipeline p, const char *ckpt, int n, const char *snapshot_every)
{
    p.crash_at = -1;
    spate_ctx *ssc = get_or_create(ckpt, &p, snapshot_every);
    run_until(ssc, n);
    spate_ctx_destroy(ssc);
}

static spate_ctx *try_recover(const char *ckpt, pipeline *p, char *err, size_t size)
{
    err[0] = '\0';
    return spate_ctx_get_or_create(ckpt, test_conf(NULL), BATCH, setup_pipeline, p, err, size);
}

Test(checkpoint, fingerprint_mismatch_is_refused, .timeout = 60)
{
    dirs d = make_dirs();
    write_inputs(d.in, 1, 2);
    pipeline p = {.in = d.in, .out = d.out};
    run_and_drop(p, d.ckpt, 2, NULL);
    struct {
        pipeline p;
        const char *diff;
    } cases[] = {
        {{.in = d.in, .out = d.out, .mode = RUNNING},
         "the checkpoint has \"output 0: foreachRDD(stream 0)\", setup defined \"stream 1: "
         "RunningCountDStream(0) slide=1000\""},
        {{.in = d.in, .out = d.ref}, "prefix="},
    };
    char err[1024];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        spate_ctx *ssc = try_recover(d.ckpt, &cases[i].p, err, sizeof err);
        cr_expect_null(ssc, "case %zu: a different graph must be refused", i);
        if (ssc) spate_ctx_destroy(ssc);
        cr_expect(strstr(err, "the graph defined by setup differs from the checkpoint's"), "%s",
                  err);
        cr_expect(strstr(err, d.ckpt) && strstr(err, cases[i].diff), "case %zu: %s", i, err);
    }
    spate_ctx *ssc = try_recover(d.ckpt, &p, err, sizeof err);
    cr_expect_not_null(ssc, "the same graph recovers: %s", err);
    spate_ctx_destroy(ssc);
    remove_dirs(&d);
}

static size_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return (size_t)st.st_size;
}

static char *slurp(const char *path, size_t *n)
{
    *n = file_size(path);
    char *buf = malloc(*n + 1);
    FILE *f = fopen(path, "rb");
    cr_assert_eq(fread(buf, 1, *n, f), *n);
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(buf, 1, n, f), n);
    fclose(f);
}

typedef enum damage { TRUNCATE, FLIP_BIT, REMOVE, EMPTY, GARBAGE } damage;

/* Damages the file at path, expects getOrCreate to fail naming it with
 * `problem`, then puts the file back. */
static void expect_damage_refused(const char *ckpt, pipeline *p, const char *path, damage how,
                                  const char *problem)
{
    size_t n;
    char *orig = slurp(path, &n);
    switch (how) {
    case TRUNCATE:
        spit(path, orig, n - 3);
        break;
    case FLIP_BIT: {
        char *copy = malloc(n);
        memcpy(copy, orig, n);
        copy[n - 2] ^= 0x10;
        spit(path, copy, n);
        free(copy);
        break;
    }
    case REMOVE:
        unlink(path);
        break;
    case EMPTY:
        spit(path, "", 0);
        break;
    case GARBAGE: {
        static const char text[] = "not a checkpoint at all: a text file longer than a header";
        spit(path, text, sizeof text - 1);
        break;
    }
    }
    char err[1024];
    spate_ctx *ssc = try_recover(ckpt, p, err, sizeof err);
    cr_expect_null(ssc, "damage %d of %s must be refused", how, path);
    if (ssc) spate_ctx_destroy(ssc);
    cr_expect(strstr(err, path) && strstr(err, problem),
              "damage %d: want \"%s\" and the path in: %s", how, problem, err);
    spit(path, orig, n);
    free(orig);
}

Test(checkpoint, damaged_metadata_is_refused_naming_the_file, .timeout = 60)
{
    dirs d = make_dirs();
    write_inputs(d.in, 1, 3);
    pipeline p = {.in = d.in, .out = d.out};
    run_and_drop(p, d.ckpt, 3, NULL);
    char path[4200];
    sp_ckpt_meta_path(path, sizeof path, d.ckpt, T0 + 3 * BATCH);
    expect_damage_refused(d.ckpt, &p, path, TRUNCATE, "truncated");
    expect_damage_refused(d.ckpt, &p, path, FLIP_BIT, "checksum mismatch");
    expect_damage_refused(d.ckpt, &p, path, EMPTY, "truncated");
    expect_damage_refused(d.ckpt, &p, path, GARBAGE, "bad magic");
    char err[1024];
    spate_ctx *ssc = try_recover(d.ckpt, &p, err, sizeof err);
    cr_expect_not_null(ssc, "the undamaged checkpoint recovers: %s", err);
    spate_ctx_destroy(ssc);
    remove_dirs(&d);
}

Test(checkpoint, damaged_state_is_refused_naming_the_file, .timeout = 60)
{
    dirs d = make_dirs();
    write_inputs(d.in, 1, 6);
    pipeline p = {.in = d.in, .out = d.out, .mode = RUNNING, .interval = 3 * BATCH};
    run_and_drop(p, d.ckpt, 6, NULL);
    char full[4200], delta[4200];
    sp_ckpt_state_path(full, sizeof full, d.ckpt, 1, T0 + 3 * BATCH, true);
    sp_ckpt_state_path(delta, sizeof delta, d.ckpt, 1, T0 + 6 * BATCH, false);
    expect_damage_refused(d.ckpt, &p, delta, TRUNCATE, "truncated");
    expect_damage_refused(d.ckpt, &p, full, FLIP_BIT, "checksum mismatch");
    expect_damage_refused(d.ckpt, &p, delta, REMOVE, "is missing");
    char err[1024];
    spate_ctx *ssc = try_recover(d.ckpt, &p, err, sizeof err);
    cr_assert_not_null(ssc, "the undamaged checkpoint recovers: %s", err);
    running *st = p.state->impl;
    cr_expect_eq(st->loads, 2, "the full snapshot and the delta after it");
    cr_expect_eq(st->total, 18, "3 lines in each of the 6 batches");
    spate_ctx_destroy(ssc);
    remove_dirs(&d);
}

Test(checkpoint, the_previous_metadata_file_recovers_too, .timeout = 60)
{
    /* Data checkpoints every batch, a full snapshot every other one (1, 3,
     * ... 9): without the 3 newest files the one of batch 8 is used, which
     * names 7.full and 8.delta, older than the newest file's snapshot. */
    drop_newest_metadata = 3;
    check_recovery((pipeline){.mode = RUNNING, .interval = BATCH}, 13, 11, 0, "1");
}

Test(checkpoint, a_restarted_context_keeps_the_state_older_files_name, .timeout = 60)
{
    /* Data checkpoints every batch, a full one every other (1, 3, 5, 7...).
     * The first run crashes in batch 7 and leaves metadata files 1..7; the
     * restarted one re-runs 7 and crashes in 8. Without the 4 newest
     * metadata files, the first run's file of batch 4 is used: it names
     * 3.full and 4.delta, which the restarted process must have kept
     * although its own files only name 5 and later. */
    dirs d = make_dirs();
    write_inputs(d.in, 1, 10);
    sorted_lines = false;
    pipeline p = {.in = d.in, .out = d.ref, .mode = RUNNING, .interval = BATCH};
    char *want = reference_run(p, 10, "1");
    p.out = d.out;
    crashing_run(p, d.ckpt, 7, "1");
    crashing_run(p, d.ckpt, 8, "1");
    int64_t newest;
    for (int i = 0; i < 4; i++) {
        char path[4200];
        cr_assert_eq(sp_ckpt_meta_latest(d.ckpt, &newest), SPATE_OK);
        sp_ckpt_meta_path(path, sizeof path, d.ckpt, newest);
        cr_assert_eq(unlink(path), 0);
    }
    spate_ctx *ssc = get_or_create(d.ckpt, &p, "1");
    cr_expect_eq(spate_clock_now(spate_ctx_clock(ssc)), T0 + 4 * BATCH);
    run_until(ssc, 10);
    spate_ctx_destroy(ssc);
    char *got = describe_tree(d.out);
    cr_expect_str_eq(got, want, "outputs after recovery differ:\n got  %s\n want %s", got, want);
    free(got);
    free(want);
    remove_dirs(&d);
}

Test(checkpoint, stateful_recovery_before_the_first_data_checkpoint, .timeout = 60)
{
    /* Default interval 10 s: no state saved yet, every batch runs again
     * from the zero time with the input it had. */
    check_recovery((pipeline){.mode = RUNNING}, 7, 5, 0, NULL);
}
