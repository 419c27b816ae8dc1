/* test_entry_log.c - numbered entries (offsets/N, commits/N, checkpoint-<ms>):
 * written whole, once unless replaced, listed in order, the latest found,
 * old ones purged, damaged ones named. The facts follow Spark's
 * HDFSMetadataLogSuite (add refuses an existing batch, getLatest, purge). */
#include <criterion/criterion.h>

#include "base/fsutil.h"
#include "logs/entry_log.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[] = "/tmp/spate-entry-log-XXXXXX";
static char dir[512];
static sp_entry_log LOG;
static char err[512];

static void setup(void)
{
    cr_assert_not_null(mkdtemp(root));
    snprintf(dir, sizeof dir, "%s/offsets", root);
    sp_entry_log_init(&LOG, dir, "", "offsets", 1);
}

static void teardown(void)
{
    sp_remove_tree(root);
    strcpy(root, "/tmp/spate-entry-log-XXXXXX");
}

TestSuite(entry_log, .init = setup, .fini = teardown);

static spate_err write_entry(int64_t id, const char *text, bool replace)
{
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_str(&w, text);
    spate_err e = sp_entry_log_write(&LOG, id, &w, replace, err, sizeof err);
    sp_ckpt_out_free(&w);
    return e;
}

/* The text of entry id (static buffer), or NULL with err filled. */
static const char *read_entry(int64_t id, spate_err *rc)
{
    static char text[256];
    sp_ckpt_in in;
    *rc = sp_entry_log_read(&LOG, id, &in, err, sizeof err);
    if (*rc) return NULL;
    const void *p;
    size_t n;
    cr_assert(sp_ckpt_get_bytes(&in, &p, &n));
    snprintf(text, sizeof text, "%.*s", (int)n, (const char *)p);
    sp_ckpt_in_free(&in);
    return text;
}

static void expect_ids(const int64_t *want, int nwant)
{
    int64_t *ids;
    int n = sp_entry_log_list(&LOG, &ids);
    cr_assert_eq(n, nwant);
    for (int i = 0; i < n; i++)
        cr_assert_eq(ids[i], want[i], "ids[%d] = %lld, want %lld", i, (long long)ids[i],
                     (long long)want[i]);
    free(ids);
}

Test(entry_log, a_missing_directory_is_an_empty_log)
{
    int64_t latest = -7;
    expect_ids(NULL, 0);
    cr_assert_eq(sp_entry_log_latest(&LOG, &latest), SPATE_ERR_NOT_FOUND);
    cr_assert_eq(latest, -7);
    spate_err rc;
    cr_assert_null(read_entry(0, &rc));
    cr_assert_eq(rc, SPATE_ERR_NOT_FOUND);
}

Test(entry_log, entries_round_trip_and_list_in_numeric_order)
{
    int64_t order[] = {2, 0, 10, 1, 9};
    for (int i = 0; i < 5; i++) {
        char text[32];
        snprintf(text, sizeof text, "batch %lld", (long long)order[i]);
        cr_assert_eq(write_entry(order[i], text, false), SPATE_OK, "%s", err);
    }
    expect_ids((int64_t[]){0, 1, 2, 9, 10}, 5);
    int64_t latest;
    cr_assert_eq(sp_entry_log_latest(&LOG, &latest), SPATE_OK);
    cr_assert_eq(latest, 10, "10 sorts after 9 as a number, not as text");
    spate_err rc;
    cr_assert_str_eq(read_entry(9, &rc), "batch 9");
    char path[4200];
    sp_entry_log_path(&LOG, 9, path, sizeof path);
    cr_assert(strstr(path, "/offsets/9") != NULL, "%s", path);
}

Test(entry_log, an_entry_is_written_once_unless_replaced)
{
    cr_assert_eq(write_entry(3, "first", false), SPATE_OK, "%s", err);
    cr_assert_eq(write_entry(3, "second", false), SPATE_ERR_STATE);
    cr_assert(strstr(err, "already written") != NULL, "%s", err);
    spate_err rc;
    cr_assert_str_eq(read_entry(3, &rc), "first");
    cr_assert_eq(write_entry(3, "third", true), SPATE_OK, "%s", err);
    cr_assert_str_eq(read_entry(3, &rc), "third");
}

Test(entry_log, other_names_and_temporary_files_are_ignored)
{
    cr_assert_eq(write_entry(4, "x", false), SPATE_OK, "%s", err);
    const char *others[] = {".4.tmp", "4.crc", "x5", "00a", "notes.txt"};
    for (int i = 0; i < 5; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, others[i]);
        int fd = open(p, O_CREAT | O_WRONLY, 0644);
        cr_assert_geq(fd, 0);
        close(fd);
    }
    expect_ids((int64_t[]){4}, 1);
}

Test(entry_log, purge_deletes_the_entries_below_a_threshold)
{
    for (int64_t id = 0; id < 6; id++)
        cr_assert_eq(write_entry(id, "x", false), SPATE_OK, "%s", err);
    cr_assert_eq(sp_entry_log_purge(&LOG, 3), 3);
    expect_ids((int64_t[]){3, 4, 5}, 3);
    cr_assert_eq(sp_entry_log_purge(&LOG, 3), 0);
    cr_assert_eq(sp_entry_log_keep_latest(&LOG, 1), 2);
    expect_ids((int64_t[]){5}, 1);
    cr_assert_eq(sp_entry_log_keep_latest(&LOG, 4), 0);
}

/* Flips one byte of entry id's file at offset (from the end when negative). */
static void damage(int64_t id, long offset, bool truncate_instead)
{
    char path[4200];
    sp_entry_log_path(&LOG, id, path, sizeof path);
    char *buf;
    size_t len;
    cr_assert_eq(sp_read_whole(path, &buf, &len), 0);
    FILE *f = fopen(path, "wb");
    if (truncate_instead) {
        fwrite(buf, 1, len - 3, f);
    } else {
        buf[offset < 0 ? (long)len + offset : offset] ^= 0x20;
        fwrite(buf, 1, len, f);
    }
    fclose(f);
    free(buf);
}

Test(entry_log, a_damaged_entry_is_refused_with_its_name)
{
    cr_assert_eq(write_entry(7, "some offsets", false), SPATE_OK, "%s", err);
    cr_assert_eq(write_entry(8, "more offsets", false), SPATE_OK, "%s", err);
    damage(7, -2, false);
    damage(8, 0, true);
    for (int64_t id = 7; id <= 8; id++) {
        spate_err rc;
        cr_assert_null(read_entry(id, &rc));
        cr_assert_eq(rc, SPATE_ERR_CORRUPT, "entry %lld: %d (%s)", (long long)id, rc, err);
        char name[64];
        snprintf(name, sizeof name, "offsets/%lld", (long long)id);
        cr_assert(strstr(err, name) != NULL, "%s", err);
    }
}
