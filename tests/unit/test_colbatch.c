/* test_colbatch.c - column batches (src/exec/colbatch.h) against the Arrow C
 * Data Interface spec ("The Arrow C data interface" and "Arrow Columnar
 * Format"): validity bitmaps in least-significant-bit order with exact null
 * counts, bit-packed booleans, utf8 as int32 offsets (length + 1, starting at
 * 0) into one character buffer, 64-byte aligned buffers, the format strings,
 * a struct array ("+s") per batch, and the release protocol: the consumer
 * releases the base once, the producer the children, a child moved out is
 * released by whoever holds it, and a released structure has release NULL.
 * Then batches through task sink chains: a sink that takes batches gets
 * them whole, any other gets one element per row. Last, the column types the
 * SQL layer adds: int8, int16, float32, date32, decimal128, binary and
 * timestamp without zone, their layouts, formats and export. */
#include "conformance_util.h"

#include "base/arena.h"
#include "exec/colbatch.h"
#include "exec/rdd.h"

#include <stdint.h>
#include <string.h>

static bool aligned64(const void *p) { return ((uintptr_t)p & 63) == 0; }

static sp_colbatch *batch_of(spate_arena *a, int n, const sp_coltype *types,
                             const char *const *names, int64_t cap)
{
    sp_colbatch *b = sp_colbatch_new(a, n, types, names, cap);
    cr_assert_not_null(b);
    return b;
}

Test(colbatch, validity_bitmap_is_lsb_first_with_exact_null_count)
{
    spate_arena *a = spate_arena_new();
    sp_coltype t = SP_COL_I64;
    sp_colbatch *b = batch_of(a, 1, &t, NULL, 20);
    sp_column *c = &b->cols[0];
    for (int64_t i = 0; i < 20; i++)
        sp_column_i64(c)[i] = i * 10;
    cr_expect_null(c->validity, "no bitmap before the first null");
    sp_column_set_null(b, 0, 0);
    sp_column_set_null(b, 0, 9);
    sp_column_set_null(b, 0, 9); /* twice: counted once */
    sp_column_set_null(b, 0, 19);
    sp_colbatch_set_length(b, 20);
    cr_assert_not_null(c->validity);
    cr_expect(aligned64(c->validity) && aligned64(c->values));
    cr_expect_eq(c->validity[0], 0xFE);        /* row 0 is bit 0 of byte 0 */
    cr_expect_eq(c->validity[1], 0xFD);        /* row 9 is bit 1 of byte 1 */
    cr_expect_eq(c->validity[2] & 0x0F, 0x07); /* row 19 is bit 3 of byte 2 */
    cr_expect_eq(c->null_count, 3);
    cr_expect(!sp_column_valid(c, 9) && sp_column_valid(c, 10));
    cr_expect_eq(sp_colbatch_get(b, 0, 0).type, SPATE_NULL);
    cr_expect_eq(sp_colbatch_get(b, 0, 7).u.i, 70);
    spate_arena_destroy(a);
}

Test(colbatch, booleans_are_bit_packed)
{
    spate_arena *a = spate_arena_new();
    sp_coltype t = SP_COL_BOOL;
    sp_colbatch *b = batch_of(a, 1, &t, NULL, 10);
    sp_column *c = &b->cols[0];
    bool want[10] = {true, false, true, true, false, false, false, false, true, true};
    for (int i = 0; i < 10; i++)
        sp_column_set_bool(c, i, want[i]);
    sp_column_set_bool(c, 2, false); /* clears its bit */
    sp_column_set_bool(c, 2, true);
    sp_colbatch_set_length(b, 10);
    const uint8_t *bits = c->values;
    cr_expect_eq(bits[0], 0x0D); /* 1011 0000 read LSB first */
    cr_expect_eq(bits[1] & 0x03, 0x03);
    for (int i = 0; i < 10; i++)
        cr_expect_eq(sp_colbatch_get(b, 0, i).u.b, want[i], "row %d", i);
    spate_arena_destroy(a);
}

Test(colbatch, utf8_offsets_start_at_zero_and_grow_past_the_first_buffer)
{
    spate_arena *a = spate_arena_new();
    sp_coltype t = SP_COL_UTF8;
    sp_colbatch *b = batch_of(a, 1, &t, NULL, 4);
    sp_column *c = &b->cols[0];
    sp_column_append_str(b, 0, "a", 1);
    sp_column_append_str(b, 0, "", 0);
    sp_column_append_str(b, 0, "", 0);
    sp_column_set_null(b, 0, 2);
    char big[300];
    memset(big, 'x', sizeof big); /* more than the 64 bytes first given */
    sp_column_append_str(b, 0, big, sizeof big);
    sp_colbatch_set_length(b, 4);
    int32_t want[5] = {0, 1, 1, 1, 301};
    for (int i = 0; i < 5; i++)
        cr_expect_eq(c->offsets[i], want[i], "offset %d", i);
    cr_expect(aligned64(c->offsets) && aligned64(c->chars));
    cr_expect_eq(c->null_count, 1);
    spate_value v = sp_colbatch_get(b, 0, 0);
    cr_expect(v.type == SPATE_STR && v.len == 1 && v.u.s[0] == 'a');
    cr_expect_eq(sp_colbatch_get(b, 0, 1).len, 0);
    cr_expect_eq(sp_colbatch_get(b, 0, 2).type, SPATE_NULL);
    v = sp_colbatch_get(b, 0, 3);
    cr_expect(v.len == 300 && memcmp(v.u.s, big, 300) == 0);
    spate_arena_destroy(a);
}

Test(colbatch, timestamps_are_microseconds_read_as_milliseconds_rounded_down)
{
    spate_arena *a = spate_arena_new();
    sp_coltype t[2] = {SP_COL_TIMESTAMP, SP_COL_I32};
    sp_colbatch *b = batch_of(a, 2, t, NULL, 2);
    sp_column_i64(&b->cols[0])[0] = 1500;
    sp_column_i64(&b->cols[0])[1] = -1500;
    sp_column_i32(&b->cols[1])[0] = -7;
    sp_column_i32(&b->cols[1])[1] = INT32_MAX;
    sp_colbatch_set_length(b, 2);
    spate_value v = sp_colbatch_get(b, 0, 0);
    cr_expect(v.type == SPATE_TIMESTAMP && v.u.i == 1);
    cr_expect_eq(sp_colbatch_get(b, 0, 1).u.i, -2);
    char *row = cu_format(sp_colbatch_row(b, 1, a));
    cr_expect_str_eq(row, "(1969-12-31 23:59:59.998,2147483647)");
    free(row);
    spate_arena_destroy(a);
}

/* One batch of every type: a (bool), b (int32), c (int64), d (double), e
 * (utf8), f (timestamp); 3 rows, row 1 null in c and e. */
static sp_colbatch *all_types(spate_arena *a)
{
    sp_coltype t[6] = {SP_COL_BOOL, SP_COL_I32,  SP_COL_I64,
                       SP_COL_F64,  SP_COL_UTF8, SP_COL_TIMESTAMP};
    const char *names[6] = {"a", "b", "c", "d", "e", "f"};
    sp_colbatch *b = batch_of(a, 6, t, names, 3);
    const char *strs[3] = {"x", "", "yz"};
    for (int i = 0; i < 3; i++) {
        sp_column_set_bool(&b->cols[0], i, i != 1);
        sp_column_i32(&b->cols[1])[i] = i;
        sp_column_i64(&b->cols[2])[i] = 100 + i;
        sp_column_f64(&b->cols[3])[i] = 0.5 * i;
        sp_column_append_str(b, 4, strs[i], strlen(strs[i]));
        sp_column_i64(&b->cols[5])[i] = 1000 * i;
    }
    sp_column_set_null(b, 2, 1);
    sp_column_set_null(b, 4, 1);
    sp_colbatch_set_length(b, 3);
    return b;
}

Test(colbatch, export_is_a_struct_array_over_the_batch_buffers)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = all_types(a);
    struct ArrowArray arr;
    struct ArrowSchema sch;
    cr_assert_eq(sp_colbatch_export(b, &arr, &sch), SPATE_OK);
    cr_expect_str_eq(sch.format, "+s");
    cr_expect_eq(sch.n_children, 6);
    cr_expect_eq(arr.length, 3);
    cr_expect_eq(arr.null_count, 0);
    cr_expect_eq(arr.offset, 0);
    cr_expect_eq(arr.n_buffers, 1);
    cr_expect_null(arr.buffers[0]);
    cr_expect_eq(arr.n_children, 6);
    cr_expect_null(arr.dictionary);
    const char *formats[6] = {"b", "i", "l", "g", "u", "tsu:UTC"};
    const char *names[6] = {"a", "b", "c", "d", "e", "f"};
    int64_t nulls[6] = {0, 0, 1, 0, 1, 0};
    for (int i = 0; i < 6; i++) {
        struct ArrowArray *c = arr.children[i];
        struct ArrowSchema *s = sch.children[i];
        cr_expect_str_eq(s->format, formats[i]);
        cr_expect_str_eq(s->name, names[i]);
        cr_expect_eq(s->flags, ARROW_FLAG_NULLABLE);
        cr_expect_eq(s->n_children, 0);
        cr_expect_eq(c->length, 3);
        cr_expect_eq(c->offset, 0);
        cr_expect_eq(c->null_count, nulls[i], "column %s", names[i]);
        cr_expect_eq(c->n_buffers, i == 4 ? 3 : 2);
        cr_expect_eq(c->n_children, 0);
        /* no copy: the batch's own buffers */
        cr_expect_eq(c->buffers[0], nulls[i] ? (const void *)b->cols[i].validity : NULL);
        if (i == 4) {
            cr_expect_eq(c->buffers[1], (const void *)b->cols[4].offsets);
            cr_expect_eq(c->buffers[2], (const void *)b->cols[4].chars);
        } else {
            cr_expect_eq(c->buffers[1], b->cols[i].values);
        }
        for (int64_t k = 0; k < c->n_buffers; k++)
            cr_expect(!c->buffers[k] || aligned64(c->buffers[k]));
    }
    const int32_t *offsets = arr.children[4]->buffers[1];
    cr_expect(offsets[0] == 0 && offsets[1] == 1 && offsets[2] == 1 && offsets[3] == 3);
    const uint8_t *valid = arr.children[2]->buffers[0];
    cr_expect_eq(valid[0] & 7, 5); /* rows 0 and 2 valid */
    cr_expect_eq(sp_colbatch_live_exports(b), 1);
    arr.release(&arr);
    sch.release(&sch);
    cr_expect_null(arr.release, "a released array has release NULL");
    cr_expect_null(sch.release);
    cr_expect_eq(sp_colbatch_live_exports(b), 0);
    spate_arena_destroy(a);
}

Test(colbatch, a_child_moved_out_outlives_its_released_parent)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = all_types(a);
    struct ArrowArray arr, moved;
    struct ArrowSchema sch, moved_schema;
    cr_assert_eq(sp_colbatch_export(b, &arr, &sch), SPATE_OK);
    /* The spec's move: copy the child, mark the original released. */
    moved = *arr.children[4];
    arr.children[4]->release = NULL;
    moved_schema = *sch.children[4];
    sch.children[4]->release = NULL;
    arr.release(&arr);
    sch.release(&sch);
    cr_expect_eq(sp_colbatch_live_exports(b), 1, "the moved child still reads the batch");
    cr_expect_not_null(moved.release);
    cr_expect_str_eq(moved_schema.name, "e");
    cr_expect_str_eq(moved_schema.format, "u");
    const int32_t *offsets = moved.buffers[1];
    const char *chars = moved.buffers[2];
    cr_expect(offsets[3] == 3 && memcmp(chars + offsets[2], "yz", 2) == 0);
    moved.release(&moved);
    moved_schema.release(&moved_schema);
    cr_expect_null(moved.release);
    cr_expect_eq(sp_colbatch_live_exports(b), 0);
    spate_arena_destroy(a);
}

Test(colbatch, export_refuses_null_arguments)
{
    struct ArrowArray arr;
    struct ArrowSchema sch;
    cr_expect_eq(sp_colbatch_export(NULL, &arr, &sch), SPATE_ERR_INVALID_ARG);
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = all_types(a);
    cr_expect_eq(sp_colbatch_export(b, NULL, &sch), SPATE_ERR_INVALID_ARG);
    cr_expect_eq(sp_colbatch_live_exports(b), 0);
    spate_arena_destroy(a);
}

Test(colbatch, reset_keeps_the_buffers_and_forgets_the_rows)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = all_types(a);
    void *values = b->cols[2].values;
    sp_colbatch_reset(b);
    cr_expect_eq(b->length, 0);
    cr_expect_eq(b->cols[2].null_count, 0);
    cr_expect_null(b->cols[2].validity);
    cr_expect_eq(b->cols[2].values, values);
    sp_column_append_str(b, 4, "q", 1);
    cr_expect_eq(b->cols[4].offsets[1], 1);
    spate_arena_destroy(a);
}

/* ---- batches through sink chains --------------------------------------- */

/* Two partitions of two-column (int64, utf8) batches: partition p has batches
 * of rows (p * 10 + i, "r<i>") for i < 3, one batch per row pair. */
typedef struct batch_input {
    sp_colbatch *batch[2][2];
    sp_colbatch *const *parts[2];
    size_t counts[2];
} batch_input;

static spate_rdd *batch_rdd(spate_ctx *ssc, batch_input *in)
{
    spate_rdd *any = cu_range(ssc, 1, 1, 1); /* a scope of the context */
    sp_scope *scope = sp_rdd_scope(any);
    spate_arena *a = spate_rdd_arena(any);
    sp_coltype t[2] = {SP_COL_I64, SP_COL_UTF8};
    for (int p = 0; p < 2; p++) {
        for (int k = 0; k < 2; k++) {
            sp_colbatch *b = sp_colbatch_new(a, 2, t, NULL, 2);
            int rows = k == 0 ? 2 : 1;
            for (int i = 0; i < rows; i++) {
                int row = k * 2 + i;
                char s[16];
                snprintf(s, sizeof s, "r%d", row);
                sp_column_i64(&b->cols[0])[i] = p * 10 + row;
                sp_column_append_str(b, 1, s, strlen(s));
            }
            sp_colbatch_set_length(b, rows);
            in->batch[p][k] = b;
        }
        in->parts[p] = in->batch[p];
        in->counts[p] = 2;
    }
    return sp_rdd_from_batches(scope, 2, in->parts, in->counts);
}

Test(colbatch, a_value_sink_gets_one_element_per_row)
{
    for (int m = 0; m < CU_NMASTERS; m++) {
        spate_ctx *ssc = cu_ctx(CU_MASTERS[m], 1000);
        batch_input in;
        spate_rdd *r = batch_rdd(ssc, &in);
        char *got = cu_collect(r, false);
        cu_expect(got, "(0,r0); (1,r1); (2,r2); (10,r0); (11,r1); (12,r2)", false, CU_MASTERS[m]);
        free(got);
        got = cu_collect(spate_rdd_map(r, spate_fn_key, NULL), false); /* per-value operators */
        cu_expect(got, "0; 1; 2; 10; 11; 12", false, CU_MASTERS[m]);
        free(got);
        int64_t n;
        cr_expect_eq(spate_rdd_count(r, &n), SPATE_OK);
        cr_expect_eq(n, 6);
        spate_ctx_destroy(ssc);
    }
}

/* A columnar operator: the rows whose int64 is odd, as a new batch of that
 * column doubled (in the task's arena). */
static void odd_doubled(spate_task *t, const sp_colbatch *in, spate_sink *out, void *ud)
{
    (void)ud;
    sp_coltype type = SP_COL_I64;
    sp_colbatch *b = sp_colbatch_new(spate_task_arena(t), 1, &type, NULL, in->length);
    const int64_t *v = sp_column_i64(&in->cols[0]);
    int64_t *w = sp_column_i64(&b->cols[0]), n = 0;
    for (int64_t i = 0; i < in->length; i++) {
        w[n] = v[i] * 2;
        n += v[i] & 1;
    }
    sp_colbatch_set_length(b, n);
    sp_sink_push_batch(out, b);
}

typedef struct batch_count_sink {
    spate_sink base;
    int64_t batches, rows, sum;
} batch_count_sink;

static void count_batch(spate_sink *self, const sp_colbatch *b)
{
    batch_count_sink *s = (batch_count_sink *)self;
    s->batches++;
    s->rows += b->length;
    for (int64_t i = 0; i < b->length; i++)
        s->sum += sp_column_i64(&b->cols[0])[i];
}

static void count_value(spate_sink *self, spate_value v)
{
    (void)self, (void)v;
    cr_assert_fail("a sink taking batches got an element");
}

typedef struct batch_job {
    spate_rdd *rdd;
    batch_count_sink sinks[2];
} batch_job;

static void batch_task(spate_task *t, int part, void *ud)
{
    batch_job *j = ud;
    j->sinks[part] =
        (batch_count_sink){.base = {.push = count_value, .push_batch = count_batch, .task = t}};
    sp_rdd_compute(j->rdd, part, &j->sinks[part].base);
}

Test(colbatch, a_columnar_operator_passes_batches_to_a_batch_sink)
{
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    batch_input in;
    spate_rdd *r = sp_rdd_map_batches(batch_rdd(ssc, &in), odd_doubled, NULL);
    batch_job j = {.rdd = r};
    cr_assert_eq(sp_rdd_prepare(r), SPATE_OK);
    cr_assert_eq(sp_job_run(sp_rdd_scope(r), 2, batch_task, &j), SPATE_OK);
    cr_expect_eq(j.sinks[0].batches, 2, "one batch out per batch in");
    cr_expect_eq(j.sinks[0].rows, 1);
    cr_expect_eq(j.sinks[0].sum, 2);
    cr_expect_eq(j.sinks[1].rows, 1);
    cr_expect_eq(j.sinks[1].sum, 22);
    char *got = cu_collect(r, false); /* and rows to an action */
    cu_expect(got, "2; 22", false, "collect");
    free(got);
    spate_ctx_destroy(ssc);
}

Test(colbatch, a_columnar_operator_given_elements_fails_the_task)
{
    spate_ctx *ssc = cu_ctx("local[1]", 1000);
    spate_rdd *r = sp_rdd_map_batches(cu_range(ssc, 1, 3, 1), odd_doubled, NULL);
    spate_value *out;
    size_t n;
    cr_expect_eq(spate_rdd_collect(r, &out, &n), SPATE_ERR_USER);
    cr_expect(strstr(spate_rdd_last_error(r), "not a column batch") != NULL, "%s",
              spate_rdd_last_error(r));
    spate_ctx_destroy(ssc);
}

Test(colbatch, rows_of_a_large_batch_survive_collect_and_recycle_in_count)
{
    spate_ctx *ssc = cu_ctx("local[2]", 1000);
    spate_rdd *any = cu_range(ssc, 1, 1, 1);
    sp_coltype t[2] = {SP_COL_I64, SP_COL_UTF8};
    enum { ROWS = 5000 };
    sp_colbatch *b = sp_colbatch_new(spate_rdd_arena(any), 2, t, NULL, ROWS);
    for (int i = 0; i < ROWS; i++) {
        char s[16];
        snprintf(s, sizeof s, "s%d", i);
        sp_column_i64(&b->cols[0])[i] = i;
        sp_column_append_str(b, 1, s, strlen(s));
    }
    sp_colbatch_set_length(b, ROWS);
    sp_colbatch *const one[1] = {b};
    sp_colbatch *const *parts[1] = {one};
    size_t counts[1] = {1};
    spate_rdd *r = sp_rdd_from_batches(sp_rdd_scope(any), 1, parts, counts);
    int64_t n;
    cr_expect_eq(spate_rdd_count(r, &n), SPATE_OK); /* a transient task: rows recycled */
    cr_expect_eq(n, ROWS);
    spate_value *out;
    size_t got;
    cr_assert_eq(spate_rdd_collect(r, &out, &got), SPATE_OK);
    cr_assert_eq(got, ROWS);
    for (int i = 0; i < ROWS; i += 999) {
        char want[32], *row = cu_format(out[i]);
        snprintf(want, sizeof want, "(%d,s%d)", i, i);
        cr_expect_str_eq(row, want);
        free(row);
    }
    spate_ctx_destroy(ssc);
}

/* ---- the column types of the SQL layer ---- */

/* One batch of the SQL layer's column types: g (int8), h (int16), i
 * (float32), j (date32), k (decimal128 10,2), l (binary), m (timestamp
 * without zone); 3 rows, row 1 null in k and l. */
static sp_colbatch *sql_types(spate_arena *a)
{
    sp_colspec s[7] = {{SP_COL_I8, 0, 0},           {SP_COL_I16, 0, 0},
                       {SP_COL_F32, 0, 0},          {SP_COL_DATE32, 0, 0},
                       {SP_COL_DECIMAL128, 10, 2},  {SP_COL_BINARY, 0, 0},
                       {SP_COL_TIMESTAMP_NTZ, 0, 0}};
    const char *names[7] = {"g", "h", "i", "j", "k", "l", "m"};
    sp_colbatch *b = sp_colbatch_new_spec(a, 7, s, names, 3);
    const uint8_t bytes[3][3] = {{0, 1, 255}, {0}, {7, 0, 0}};
    const size_t lens[3] = {3, 0, 1};
    for (int i = 0; i < 3; i++) {
        sp_column_i8(&b->cols[0])[i] = (int8_t)(-128 + i);
        sp_column_i16(&b->cols[1])[i] = (int16_t)(32767 - i);
        sp_column_f32(&b->cols[2])[i] = 0.25f * (float)i;
        sp_column_date32(&b->cols[3])[i] = -1 + i; /* 1969-12-31, 1970-01-01, 1970-01-02 */
        sp_column_append_bytes(b, 5, bytes[i], lens[i]);
        sp_column_i64(&b->cols[6])[i] = -1500 + 1000 * i;
    }
    sp_column_set_decimal128(&b->cols[4], 0, 12345, 0);           /* 123.45 */
    sp_column_set_decimal128(&b->cols[4], 2, (uint64_t)-250, -1); /* -2.50 */
    sp_column_set_null(b, 4, 1);
    sp_column_set_null(b, 5, 1);
    sp_colbatch_set_length(b, 3);
    return b;
}

Test(colbatch, sql_column_types_have_arrow_layouts)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = sql_types(a);
    for (int i = 0; i < 7; i++)
        cr_expect(aligned64(i == 5 ? (void *)b->cols[i].offsets : b->cols[i].values));
    /* decimal128: 16 bytes, little-endian two's complement */
    const uint8_t *d = b->cols[4].values;
    cr_expect(d[0] == 0x39 && d[1] == 0x30 && d[2] == 0 && d[15] == 0); /* 12345 = 0x3039 */
    for (int i = 32; i < 48; i++)
        cr_expect_eq(d[i], i == 32 ? 0x06 : 0xFF, "byte %d of -250", i - 32); /* -250 = ...FF06 */
    uint64_t lo;
    int64_t hi;
    sp_column_get_decimal128(&b->cols[4], 2, &lo, &hi);
    cr_expect(lo == (uint64_t)-250 && hi == -1);
    /* binary: offsets like utf8 */
    const sp_column *bin = &b->cols[5];
    cr_expect(bin->offsets[0] == 0 && bin->offsets[1] == 3 && bin->offsets[2] == 3 &&
              bin->offsets[3] == 4);
    cr_expect(memcmp(bin->chars, "\x00\x01\xff\x07", 4) == 0);
    /* as elements */
    cr_expect_eq(sp_colbatch_get(b, 0, 0).u.i, -128);
    cr_expect_eq(sp_colbatch_get(b, 1, 0).u.i, 32767);
    cr_expect(sp_colbatch_get(b, 2, 2).u.f == 0.5);
    cr_expect_eq(sp_colbatch_get(b, 3, 0).u.i, -1);
    spate_value dec = sp_colbatch_get(b, 4, 0);
    cr_expect(dec.type == SPATE_F64 && dec.u.f > 123.4499 && dec.u.f < 123.4501);
    cr_expect(sp_colbatch_get(b, 4, 2).u.f < -2.4999 && sp_colbatch_get(b, 4, 2).u.f > -2.5001);
    cr_expect_eq(sp_colbatch_get(b, 4, 1).type, SPATE_NULL);
    spate_value bytes = sp_colbatch_get(b, 5, 0);
    cr_expect(bytes.type == SPATE_BYTES && bytes.len == 3 && bytes.u.bytes[2] == 255);
    spate_value ts = sp_colbatch_get(b, 6, 0);
    cr_expect(ts.type == SPATE_TIMESTAMP && ts.u.i == -2);
    spate_arena_destroy(a);
}

Test(colbatch, sql_column_types_export_with_their_formats)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = sql_types(a);
    struct ArrowArray arr;
    struct ArrowSchema sch;
    cr_assert_eq(sp_colbatch_export(b, &arr, &sch), SPATE_OK);
    const char *formats[7] = {"c", "s", "f", "tdD", "d:10,2", "z", "tsu:"};
    const int64_t nulls[7] = {0, 0, 0, 0, 1, 1, 0};
    for (int i = 0; i < 7; i++) {
        struct ArrowArray *c = arr.children[i];
        cr_expect_str_eq(sch.children[i]->format, formats[i]);
        cr_expect_eq(c->null_count, nulls[i]);
        cr_expect_eq(c->n_buffers, i == 5 ? 3 : 2);
        cr_expect_eq(c->buffers[0], nulls[i] ? (const void *)b->cols[i].validity : NULL);
        if (i == 5) {
            cr_expect_eq(c->buffers[1], (const void *)b->cols[5].offsets);
            cr_expect_eq(c->buffers[2], (const void *)b->cols[5].chars);
        } else {
            cr_expect_eq(c->buffers[1], b->cols[i].values);
        }
    }
    /* the schema owns its strings: it outlives the batch's arena */
    arr.release(&arr);
    spate_arena_destroy(a);
    cr_expect_str_eq(sch.children[4]->format, "d:10,2");
    cr_expect_str_eq(sch.children[6]->name, "m");
    sch.release(&sch);
    cr_expect_null(sch.release);
}

Test(colbatch, format_strings_of_every_column_type)
{
    static const struct {
        sp_coltype t;
        const char *f;
    } F[] = {{SP_COL_BOOL, "b"},
             {SP_COL_I8, "c"},
             {SP_COL_I16, "s"},
             {SP_COL_I32, "i"},
             {SP_COL_I64, "l"},
             {SP_COL_F32, "f"},
             {SP_COL_F64, "g"},
             {SP_COL_UTF8, "u"},
             {SP_COL_BINARY, "z"},
             {SP_COL_DATE32, "tdD"},
             {SP_COL_TIMESTAMP, "tsu:UTC"},
             {SP_COL_TIMESTAMP_NTZ, "tsu:"},
             {SP_COL_DECIMAL128, "d:38,18"}};
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
        cr_expect_str_eq(sp_coltype_arrow_format(F[i].t), F[i].f);
    /* sp_colbatch_new makes a decimal128 column Spark's default (38,18) */
    spate_arena *a = spate_arena_new();
    sp_coltype t = SP_COL_DECIMAL128;
    sp_colbatch *b = batch_of(a, 1, &t, NULL, 1);
    cr_expect(b->cols[0].precision == 38 && b->cols[0].scale == 18);
    cr_expect_str_eq(b->cols[0].format, "d:38,18");
    spate_arena_destroy(a);
}
