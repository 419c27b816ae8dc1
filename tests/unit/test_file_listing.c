/* test_file_listing.c - the file connector's planning core on its own, with
 * no stream: Spark's rules for which files are new (hidden names, regular
 * files only, the modification-time window, names taken once), and the
 * position that carries the taken names across a restart. */
#include <criterion/criterion.h>

#include "base/fsutil.h"
#include "connect/file_listing.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/spate-file-listing-XXXXXX";
static sp_file_listing L;

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    sp_file_listing_init(&L, dir, NULL, NULL);
}

static void teardown(void)
{
    sp_file_listing_free(&L);
    sp_remove_tree(dir);
    strcpy(dir, "/tmp/spate-file-listing-XXXXXX");
}

TestSuite(file_listing, .init = setup, .fini = teardown);

/* A file of `size` bytes whose mtime is mtime_ms. */
static void make_file(const char *name, int size, int64_t mtime_ms)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < size; i++)
        fputc('x', f);
    fclose(f);
    struct timespec ts[2] = {{mtime_ms / 1000, (mtime_ms % 1000) * 1000000},
                             {mtime_ms / 1000, (mtime_ms % 1000) * 1000000}};
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* The names new in (after, until], joined by spaces. */
static const char *new_names(int64_t after, int64_t until)
{
    static char out[512];
    sp_listed_file *files;
    size_t n;
    cr_assert_eq(sp_file_listing_new_files(&L, after, until, &files, &n), 0);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(out, " ");
        strcat(out, files[i].name);
    }
    sp_listed_files_free(files, n);
    return out;
}

Test(file_listing, hidden_names_directories_and_the_time_window)
{
    make_file("b.txt", 3, 2000);
    make_file("a.txt", 1, 1500);
    make_file(".a.txt.crc", 1, 1500);
    make_file("_SUCCESS", 0, 1500);
    make_file("late.txt", 1, 5000);
    make_file("old.txt", 1, 1000);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/subdir", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    /* after < mtime <= until: old.txt sits on the threshold, late.txt after the batch. */
    cr_assert_str_eq(new_names(1000, 2000), "a.txt b.txt");
    cr_assert_str_eq(new_names(INT64_MIN, INT64_MAX), "a.txt b.txt late.txt old.txt");
}

Test(file_listing, sizes_mtimes_and_paths)
{
    make_file("a", 7, 1234);
    sp_listed_file *files;
    size_t n;
    cr_assert_eq(sp_file_listing_new_files(&L, 0, 2000, &files, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(files[0].size, 7);
    cr_assert_eq(files[0].mtime_ms, 1234);
    char want[600];
    snprintf(want, sizeof want, "%s/a", dir);
    cr_assert_str_eq(files[0].path, want);
    sp_listed_files_free(files, n);
}

Test(file_listing, a_taken_name_is_not_new_again_until_forgotten)
{
    make_file("a", 1, 1000);
    make_file("b", 1, 1000);
    sp_file_listing_take(&L, "a", 3000);
    sp_file_listing_take(&L, "a", 4000); /* taken once: the first time stays */
    cr_assert_str_eq(new_names(0, 5000), "b");
    sp_file_listing_forget_before(&L, 3000);
    cr_assert_str_eq(new_names(0, 5000), "b");
    sp_file_listing_forget_before(&L, 3001);
    cr_assert_str_eq(new_names(0, 5000), "a b");
}

static bool only_csv(const char *path, void *ud)
{
    (*(int *)ud)++;
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".csv") == 0;
}

Test(file_listing, the_filter_sees_full_paths_of_candidates_only)
{
    int calls = 0;
    sp_file_listing_free(&L);
    sp_file_listing_init(&L, dir, only_csv, &calls);
    make_file("x.csv", 1, 1000);
    make_file("y.json", 1, 1000);
    make_file("_z.csv", 1, 1000);
    cr_assert_str_eq(new_names(0, 2000), "x.csv");
    cr_assert_eq(calls, 2, "hidden names never reach the filter");
}

Test(file_listing, a_missing_directory_is_an_error)
{
    sp_file_listing_free(&L);
    sp_file_listing_init(&L, "/nonexistent/spate/dir", NULL, NULL);
    sp_listed_file *files;
    size_t n;
    cr_assert_eq(sp_file_listing_new_files(&L, 0, 1, &files, &n), -1);
    cr_assert_eq(n, 0);
}

Test(file_listing, the_position_round_trips_and_rejects_bad_names)
{
    sp_file_listing_take(&L, "b", 20);
    sp_file_listing_take(&L, "a", 10);
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_file_listing_save(&L, &w);
    sp_file_listing other;
    sp_file_listing_init(&other, dir, NULL, NULL);
    sp_ckpt_in in;
    sp_ckpt_in_init(&in, w.buf, w.len);
    cr_assert(sp_file_listing_load(&other, &in));
    cr_assert(sp_ckpt_in_done(&in));
    cr_assert_eq(other.ntaken, 2);
    cr_assert_str_eq(other.taken[0].name, "a");
    cr_assert_eq(other.taken[0].time, 10);
    cr_assert_str_eq(other.taken[1].name, "b");
    sp_file_listing_free(&other);
    sp_ckpt_out_free(&w);

    const char *bad[] = {"", "../etc/passwd"};
    for (int i = 0; i < 2; i++) {
        sp_ckpt_out_init(&w);
        sp_ckpt_put_u64(&w, 1);
        sp_ckpt_put_str(&w, bad[i]);
        sp_ckpt_put_i64(&w, 5);
        sp_ckpt_in_init(&in, w.buf, w.len);
        cr_assert_not(sp_file_listing_load(&L, &in), "name \"%s\" accepted", bad[i]);
        sp_ckpt_out_free(&w);
    }
}
