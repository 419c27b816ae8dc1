/* test_vstore_defer.c - a state store whose durability is left to the
 * query (sp_vstore_defer_sync, src/state/vstore.c; the query's syncfs before
 * its commit entry is in src/sql/query_run.c): the files are the same and
 * load from a fresh store, and purging keeps the version before the last
 * commit, whose files were made durable by the previous batch. */
#include <criterion/criterion.h>

#include <spate/value.h>

#include "state/vstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/spate-vdefer-XXXXXX");
    cr_assert_not_null(mkdtemp(g_dir));
}

static void remove_dir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(vstore_defer, .init = make_dir, .fini = remove_dir);

static sp_vstore *open_store(bool defer)
{
    sp_vstore_conf conf = {1, 1}; /* a snapshot every other version; retain 1 */
    sp_vstore *v = sp_vstore_open(g_dir, &conf);
    sp_vstore_defer_sync(v, defer);
    return v;
}

/* Versions 1..n, key "a" = the version. */
static void commit_versions(sp_vstore *v, int64_t n)
{
    char err[512] = "";
    for (int64_t i = 1; i <= n; i++) {
        cr_assert_eq(sp_vstore_load(v, i - 1, err, sizeof err), SPATE_OK, "%s", err);
        sp_state_store *s = sp_vstore_store(v);
        spate_value k = spate_cstr("a");
        sp_state_set(s, sp_state_upsert(s, k, sp_state_hash(k), NULL), spate_i64(i));
        cr_assert_eq(sp_vstore_commit(v, err, sizeof err), SPATE_OK, "%s", err);
    }
}

static spate_err load_a(int64_t version, int64_t *a)
{
    char err[512] = "";
    sp_vstore *v = open_store(false);
    spate_err e = sp_vstore_load(v, version, err, sizeof err);
    if (e == SPATE_OK) {
        spate_value k = spate_cstr("a");
        sp_state_entry *en = sp_state_find(sp_vstore_store(v), k, sp_state_hash(k));
        *a = en ? en->val.u.i : -1;
    }
    sp_vstore_close(v);
    return e;
}

Test(vstore_defer, keeps_the_version_before_the_last_commit)
{
    static const struct {
        bool defer;
        spate_err load3;
    } cases[] = {
        /* version 4 writes a snapshot; retain 1 then drops what 3 needs */
        {false, SPATE_ERR_NOT_FOUND},
        {true, SPATE_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        make_dir();
        sp_vstore *v = open_store(cases[i].defer);
        commit_versions(v, 4);
        sp_vstore_close(v);
        int64_t a = 0;
        cr_expect_eq(load_a(4, &a), SPATE_OK);
        cr_expect_eq(a, 4);
        a = 0;
        cr_expect_eq(load_a(3, &a), cases[i].load3, "defer %d", cases[i].defer);
        if (cases[i].load3 == SPATE_OK) cr_expect_eq(a, 3);
        remove_dir();
    }
    make_dir(); /* for .fini */
}
