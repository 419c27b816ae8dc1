/* test_source_util.h - what the source tests share: a manual clock, an
 * environment, options from "k=v&k=v" text, and one run of a source's ops
 * (plan -> read every partition) collecting the rows as text. */
#ifndef TEST_SOURCE_UTIL_H
#define TEST_SOURCE_UTIL_H

#include <criterion/criterion.h>

#include "sql/source.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t tsu_now;
static int64_t tsu_clock(void *ud)
{
    (void)ud;
    return tsu_now;
}

static sp_source_env tsu_env(const char *ckpt)
{
    return (sp_source_env){.checkpoint_dir = ckpt, .now_ms = tsu_clock};
}

typedef struct tsu_opts {
    char buf[1024];
    const char *keys[32], *vals[32];
    size_t n;
} tsu_opts;

/* "k=v&k=v" (values may hold '='; "" for none). */
static void tsu_parse(tsu_opts *o, const char *text)
{
    snprintf(o->buf, sizeof o->buf, "%s", text);
    o->n = 0;
    char *save = NULL;
    for (char *kv = strtok_r(o->buf, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        cr_assert_not_null(eq, "option %s", kv);
        *eq = '\0';
        o->keys[o->n] = kv, o->vals[o->n++] = eq + 1;
    }
}

/* Resolves format with options text and schema DDL (NULL: none). */
static sp_source_def *tsu_resolve(const char *format, const char *schema, const char *opts,
                                  const spate_conf *conf, char *err, size_t errn)
{
    tsu_opts o;
    tsu_parse(&o, opts);
    spate_arena *a = spate_arena_new();
    const sp_sql_type *t = NULL;
    if (schema) {
        sp_sql_type_error te;
        t = sp_sql_schema_parse(a, schema, &te);
        cr_assert_not_null(t, "%s", te.message);
    }
    sp_source_def *d = sp_source_resolve(format, t, o.keys, o.vals, o.n, conf, err, errn);
    spate_arena_destroy(a);
    return d;
}

typedef struct tsu_rows {
    char **rows;
    int n, cap;
    int batches;
} tsu_rows;

/* Row r of b as "v1,v2" text. */
static void tsu_fmt(const sp_colbatch *b, int64_t r, char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int c = 0; c < b->ncols && off < size; c++) {
        const sp_column *col = &b->cols[c];
        const char *sep = c ? "," : "";
        if (!sp_column_valid(col, r)) {
            off += (size_t)snprintf(buf + off, size - off, "%s<null>", sep);
        } else if (col->type == SP_COL_UTF8) {
            int len = col->offsets[r + 1] - col->offsets[r];
            off += (size_t)snprintf(buf + off, size - off, "%s%.*s", sep, len,
                                    col->chars + col->offsets[r]);
        } else if (col->type == SP_COL_I32) {
            off += (size_t)snprintf(buf + off, size - off, "%s%d", sep, sp_column_i32(col)[r]);
        } else if (col->type == SP_COL_F64) {
            off += (size_t)snprintf(buf + off, size - off, "%s%g", sep, sp_column_f64(col)[r]);
        } else {
            off +=
                (size_t)snprintf(buf + off, size - off, "%s%" PRId64, sep, sp_column_i64(col)[r]);
        }
    }
}

static bool tsu_emit(sp_colbatch *b, void *ud)
{
    tsu_rows *rs = ud;
    rs->batches++;
    for (int64_t r = 0; r < b->length; r++) {
        char buf[512];
        tsu_fmt(b, r, buf, sizeof buf);
        if (rs->n == rs->cap) {
            rs->cap = rs->cap ? rs->cap * 2 : 64;
            rs->rows = realloc(rs->rows, (size_t)rs->cap * sizeof *rs->rows);
        }
        rs->rows[rs->n++] = strdup(buf);
    }
    return true;
}

static void tsu_rows_free(tsu_rows *rs)
{
    for (int i = 0; i < rs->n; i++)
        free(rs->rows[i]);
    free(rs->rows);
    memset(rs, 0, sizeof *rs);
}

/* Plans (start, end] and reads every partition into rs; returns the read
 * error (SPATE_OK) with the message in err; *nparts the partitions. */
static spate_err tsu_run(sp_source *s, const char *start, const char *end, tsu_rows *rs,
                         sp_source_counters *c, int *nparts, char *err, size_t errn)
{
    spate_arena *a = spate_arena_new();
    void **parts;
    int np = 0;
    spate_err e = s->ops->plan(s, start, end, a, &parts, &np, err, errn);
    if (nparts) *nparts = np;
    for (int i = 0; i < np && e == SPATE_OK; i++)
        e = s->ops->read(s, parts[i], a, tsu_emit, rs, c, err, errn);
    spate_arena_destroy(a);
    return e;
}

/* The latest offset from start as text in buf ("<none>" for NULL). */
static const char *tsu_latest(sp_source *s, const char *start, char *buf, size_t size)
{
    char *out = NULL, err[256];
    spate_err e = s->ops->latest(s, start, &out, err, sizeof err);
    cr_assert_eq(e, SPATE_OK, "%s", err);
    snprintf(buf, size, "%s", out ? out : "<none>");
    free(out);
    return buf;
}

static void tsu_expect_rows(const tsu_rows *rs, const char *const *want, int n)
{
    cr_assert_eq(rs->n, n, "rows %d, want %d", rs->n, n);
    for (int i = 0; i < n; i++)
        cr_expect_str_eq(rs->rows[i], want[i], "row %d", i);
}

#endif
