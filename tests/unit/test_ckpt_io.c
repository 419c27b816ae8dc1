/* test_ckpt_io.c - checkpoint records and files: values survive a round trip,
 * and a truncated, bit-flipped or foreign file is refused with its name. */
#include <criterion/criterion.h>

#include "logs/ckpt_io.h"

#include <spate/value.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static spate_arena *A;
static char dir[] = "/tmp/spate-ckpt-io-XXXXXX";
static char path[256];

static void setup(void)
{
    A = spate_arena_new();
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/file", dir);
}

static void teardown(void)
{
    spate_arena_destroy(A);
    unlink(path);
    rmdir(dir);
    strcpy(dir, "/tmp/spate-ckpt-io-XXXXXX");
}

TestSuite(ckpt_io, .init = setup, .fini = teardown);

static spate_value sample(void)
{
    spate_value items[] = {
        spate_i64(-42),
        spate_f64(2.5),
        spate_cstr("héllo"),
        spate_bool(true),
        spate_timestamp(1458678328000),
        spate_none(),
        spate_some(A, spate_cstr("x")),
        spate_null(),
        spate_bytes_copy(A, "\0\1\2", 3),
        spate_list_of(A, NULL, 0),
    };
    spate_value pair = spate_tuple2(A, spate_i64(INT64_MIN), spate_i64(INT64_MAX));
    spate_value list = spate_list_of(A, items, sizeof items / sizeof *items);
    return spate_tuple2(A, pair, list);
}

Test(ckpt_io, values_and_integers_round_trip)
{
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_u64(&w, 300);
    sp_ckpt_put_i64(&w, -1);
    sp_ckpt_put_str(&w, "state");
    sp_ckpt_put_value(&w, sample());
    sp_ckpt_in in;
    sp_ckpt_in_init(&in, w.buf, w.len);
    uint64_t u;
    int64_t i;
    const char *s;
    spate_value v;
    cr_assert(sp_ckpt_get_u64(&in, &u) && u == 300);
    cr_assert(sp_ckpt_get_i64(&in, &i) && i == -1);
    cr_assert(sp_ckpt_get_str(&in, A, &s) && strcmp(s, "state") == 0);
    cr_assert(sp_ckpt_get_value(&in, A, &v));
    cr_assert(sp_ckpt_in_done(&in));
    cr_assert(spate_value_eq(v, sample()));
    cr_assert(!sp_ckpt_get_u64(&in, &u), "reading past the end fails");
    cr_assert(in.bad);
    sp_ckpt_out_free(&w);
}

Test(ckpt_io, a_cut_body_fails_without_reading_out_of_bounds)
{
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_value(&w, sample());
    for (size_t cut = 0; cut < w.len; cut++) {
        char *copy = malloc(cut + 1); /* exact size: ASan catches any overread */
        memcpy(copy, w.buf, cut);
        sp_ckpt_in in;
        sp_ckpt_in_init(&in, copy, cut);
        spate_value v;
        cr_assert(!sp_ckpt_get_value(&in, A, &v), "cut at %zu accepted", cut);
        free(copy);
    }
    sp_ckpt_out_free(&w);
}

static void write_sample_file(void)
{
    sp_ckpt_out w;
    sp_ckpt_out_init(&w);
    sp_ckpt_put_value(&w, sample());
    char err[512];
    cr_assert_eq(sp_ckpt_write_file(path, "state", 1, &w, err, sizeof err), SPATE_OK, "%s", err);
    sp_ckpt_out_free(&w);
}

static long file_size(void)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static spate_err read_back(char *err, size_t n)
{
    sp_ckpt_in in;
    spate_err e = sp_ckpt_read_file(path, "state", 1, &in, err, n);
    if (e == SPATE_OK) {
        spate_value v;
        cr_assert(sp_ckpt_get_value(&in, A, &v) && sp_ckpt_in_done(&in));
        cr_assert(spate_value_eq(v, sample()));
        sp_ckpt_in_free(&in);
    }
    return e;
}

Test(ckpt_io, file_round_trip_leaves_no_temporary_file)
{
    write_sample_file();
    char err[512] = "";
    cr_assert_eq(read_back(err, sizeof err), SPATE_OK, "%s", err);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dir);
    cr_assert_eq(system(cmd), 0, "only the file itself is in the directory");
}

Test(ckpt_io, truncated_files_are_named_and_refused)
{
    write_sample_file();
    long size = file_size();
    for (long cut = size - 1; cut >= 0; cut -= 7) {
        cr_assert_eq(truncate(path, cut), 0);
        char err[512] = "";
        cr_assert_eq(read_back(err, sizeof err), SPATE_ERR_CORRUPT, "cut %ld", cut);
        cr_assert(strstr(err, path) && strstr(err, "truncated"), "%s", err);
    }
}

Test(ckpt_io, every_flipped_bit_is_detected)
{
    write_sample_file();
    long size = file_size();
    for (long byte = 0; byte < size; byte++) {
        for (int bit = 0; bit < 8; bit += 3) {
            FILE *f = fopen(path, "r+b");
            fseek(f, byte, SEEK_SET);
            int c = fgetc(f);
            fseek(f, byte, SEEK_SET);
            fputc(c ^ (1 << bit), f);
            fclose(f);
            char err[512] = "";
            spate_err e = read_back(err, sizeof err);
            cr_assert_eq(e, SPATE_ERR_CORRUPT, "flip at byte %ld bit %d not detected", byte, bit);
            cr_assert(strstr(err, path), "%s", err);
            f = fopen(path, "r+b");
            fseek(f, byte, SEEK_SET);
            fputc(c, f);
            fclose(f);
        }
    }
}

Test(ckpt_io, wrong_kind_version_and_missing_file)
{
    write_sample_file();
    sp_ckpt_in in;
    char err[512] = "";
    cr_assert_eq(sp_ckpt_read_file(path, "metadata", 1, &in, err, sizeof err), SPATE_ERR_CORRUPT);
    cr_assert(strstr(err, "another kind"), "%s", err);
    cr_assert_eq(sp_ckpt_read_file(path, "state", 2, &in, err, sizeof err), SPATE_ERR_CORRUPT);
    cr_assert(strstr(err, "version"), "%s", err);
    unlink(path);
    cr_assert_eq(sp_ckpt_read_file(path, "state", 1, &in, err, sizeof err), SPATE_ERR_NOT_FOUND);
    cr_assert(strstr(err, path), "%s", err);
}
