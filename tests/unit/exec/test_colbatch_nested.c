/* test_colbatch_nested.c - list, struct and map columns (exec/colbatch.h)
 * against Arrow's "Columnar Format": a list is int32 offsets (length + 1)
 * into one child of all elements, a struct has its own validity and one
 * child per field of its length, a map is a list of a non-null struct
 * "entries" of a non-null "key" and "value"; formats "+l", "+s", "+m"; the
 * child grows as elements are appended; take, concat and reset keep the
 * layout; the export hands out the children. */
#include "base/arena.h"
#include "exec/colbatch.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const sp_coltree I64 = {.spec = {.type = SP_COL_I64}};
static const sp_coltree I32 = {.spec = {.type = SP_COL_I32}};
static const sp_coltree UTF8 = {.spec = {.type = SP_COL_UTF8}};

/* rows: lists of int64; n[i] < 0 is a null row. */
static void append_lists(sp_colbatch *b, int col, const int64_t *const *rows, const int *n,
                         int nrows)
{
    sp_column *c = &b->cols[col];
    for (int r = 0; r < nrows; r++) {
        int k = n[r] < 0 ? 0 : n[r];
        int64_t first = sp_col_list_begin(b, c, k);
        for (int i = 0; i < k; i++)
            sp_column_i64(&c->children[0])[first + i] = rows[r][i];
        sp_col_list_end(c, k);
        if (n[r] < 0) sp_col_set_null(b, c, c->str_rows - 1);
    }
}

static const int64_t R0[] = {1, 2, 3}, R3[] = {4};
static const int64_t *const ROWS[] = {R0, NULL, NULL, R3};
static const int NROW[] = {3, -1, 0, 1};

static sp_colbatch *list_batch(spate_arena *a, int64_t cap)
{
    sp_coltree t = {.spec = {.type = SP_COL_LIST}, .nchildren = 1, .children = &I64};
    const char *name = "xs";
    sp_colbatch *b = sp_colbatch_new_tree(a, 1, &t, &name, cap);
    append_lists(b, 0, ROWS, NROW, 4);
    sp_colbatch_set_length(b, 4);
    return b;
}

/* Row r of list column c as "[1,2]" or "null". */
static void list_text(const sp_column *c, int64_t r, char *buf)
{
    if (!sp_column_valid(c, r)) {
        strcpy(buf, "null");
        return;
    }
    char *p = buf + sprintf(buf, "[");
    for (int32_t i = c->offsets[r]; i < c->offsets[r + 1]; i++)
        p += sprintf(p, "%s%lld", i > c->offsets[r] ? "," : "",
                     (long long)sp_column_i64(&c->children[0])[i]);
    strcpy(p, "]");
}

Test(colbatch_nested, list_is_offsets_into_one_child)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = list_batch(a, 4);
    const sp_column *c = &b->cols[0];
    static const int32_t want[] = {0, 3, 3, 3, 4};
    for (int i = 0; i < 5; i++)
        cr_expect_eq(c->offsets[i], want[i], "offsets[%d]", i);
    cr_expect_eq(sp_col_elements(c, 4), 4);
    cr_expect_eq(c->null_count, 1);
    cr_expect_str_eq(c->format, "+l");
    cr_expect_str_eq(c->children[0].name, "element");
    char buf[64];
    static const char *const text[] = {"[1,2,3]", "null", "[]", "[4]"};
    for (int r = 0; r < 4; r++) {
        list_text(c, r, buf);
        cr_expect_str_eq(buf, text[r]);
    }
    cr_expect_eq(sp_colbatch_get(b, 0, 0).type, SPATE_NULL);
    spate_arena_destroy(a);
}

Test(colbatch_nested, take_and_concat_copy_element_ranges)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = list_batch(a, 4);
    static const int32_t sel[] = {3, 0, 1, 0};
    sp_colbatch *t = sp_colbatch_take(b, sel, 4, a);
    char buf[64];
    static const char *const took[] = {"[4]", "[1,2,3]", "null", "[1,2,3]"};
    for (int r = 0; r < 4; r++) {
        list_text(&t->cols[0], r, buf);
        cr_expect_str_eq(buf, took[r], "take row %d", r);
    }
    const sp_colbatch *two[] = {b, t};
    sp_colbatch *cat = sp_colbatch_concat(two, 2, a);
    cr_assert_eq(cat->length, 8);
    cr_expect_eq(cat->cols[0].null_count, 2);
    static const char *const all[] = {"[1,2,3]", "null",    "[]",   "[4]",
                                      "[4]",     "[1,2,3]", "null", "[1,2,3]"};
    for (int r = 0; r < 8; r++) {
        list_text(&cat->cols[0], r, buf);
        cr_expect_str_eq(buf, all[r], "concat row %d", r);
    }
    spate_arena_destroy(a);
}

Test(colbatch_nested, reset_reuses_the_column)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = list_batch(a, 4);
    sp_colbatch_reset(b);
    cr_expect_eq(b->cols[0].null_count, 0);
    cr_expect_null(b->cols[0].validity);
    static const int64_t r[] = {7, 8};
    static const int64_t *const rows[] = {r};
    static const int n[] = {2};
    append_lists(b, 0, rows, n, 1);
    sp_colbatch_set_length(b, 1);
    char buf[64];
    list_text(&b->cols[0], 0, buf);
    cr_expect_str_eq(buf, "[7,8]");
    spate_arena_destroy(a);
}

/* struct<a: int, s: string> with rows {1, x}, null, {3, null}. */
static sp_colbatch *struct_batch(spate_arena *a)
{
    static const sp_coltree fields[] = {{.spec = {.type = SP_COL_I32}},
                                        {.spec = {.type = SP_COL_UTF8}}};
    static const char *const names[] = {"a", "s"};
    sp_coltree t = {
        .spec = {.type = SP_COL_STRUCT}, .nchildren = 2, .children = fields, .names = names};
    sp_colbatch *b = sp_colbatch_new_tree(a, 1, &t, NULL, 3);
    sp_column *c = &b->cols[0], *fa = &c->children[0], *fs = &c->children[1];
    sp_column_i32(fa)[0] = 1, sp_col_append_bytes(b, fs, "x", 1);
    sp_column_i32(fa)[1] = 0, sp_col_append_bytes(b, fs, "", 0), sp_col_set_null(b, c, 1);
    sp_column_i32(fa)[2] = 3, sp_col_append_bytes(b, fs, "", 0), sp_col_set_null(b, fs, 2);
    sp_colbatch_set_length(b, 3);
    return b;
}

Test(colbatch_nested, struct_children_have_its_length_and_own_validity)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = struct_batch(a);
    const sp_column *c = &b->cols[0];
    cr_expect_str_eq(c->format, "+s");
    cr_expect_eq(c->nchildren, 2);
    cr_expect_str_eq(c->children[0].name, "a");
    cr_expect_str_eq(c->children[1].name, "s");
    cr_expect_eq(c->null_count, 1);
    cr_expect_eq(c->children[1].null_count, 1);
    cr_expect(!sp_column_valid(c, 1) && sp_column_valid(&c->children[1], 1));
    static const int32_t sel[] = {2, 0};
    sp_colbatch *t = sp_colbatch_take(b, sel, 2, a);
    const sp_column *tc = &t->cols[0];
    cr_expect_eq(sp_column_i32(&tc->children[0])[0], 3);
    cr_expect(!sp_column_valid(&tc->children[1], 0));
    cr_expect_eq(sp_column_i32(&tc->children[0])[1], 1);
    cr_expect_eq(tc->children[1].chars[tc->children[1].offsets[1]], 'x');
    cr_expect_str_eq(tc->children[1].name, "s");
    spate_arena_destroy(a);
}

/* map<string, int> rows {a -> 1, b -> 2}, {}. */
static sp_colbatch *map_batch(spate_arena *a)
{
    const sp_coltree kv[] = {UTF8, I32};
    sp_coltree t = {.spec = {.type = SP_COL_MAP}, .nchildren = 2, .children = kv};
    sp_colbatch *b = sp_colbatch_new_tree(a, 1, &t, NULL, 2);
    sp_column *m = &b->cols[0], *e = &m->children[0];
    int64_t first = sp_col_list_begin(b, m, 2);
    sp_col_append_bytes(b, &e->children[0], "a", 1);
    sp_col_append_bytes(b, &e->children[0], "b", 1);
    sp_column_i32(&e->children[1])[first] = 1;
    sp_column_i32(&e->children[1])[first + 1] = 2;
    sp_col_list_end(m, 2);
    sp_col_list_begin(b, m, 0);
    sp_col_list_end(m, 0);
    sp_colbatch_set_length(b, 2);
    return b;
}

Test(colbatch_nested, map_is_a_list_of_entries)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *b = map_batch(a);
    const sp_column *m = &b->cols[0];
    cr_expect_str_eq(m->format, "+m");
    cr_assert_eq(m->nchildren, 1);
    cr_expect_str_eq(m->children[0].name, "entries");
    cr_expect_str_eq(m->children[0].children[0].name, "key");
    cr_expect_str_eq(m->children[0].children[1].name, "value");
    cr_expect_eq(m->offsets[1], 2);
    cr_expect_eq(m->offsets[2], 2);
    sp_coltree t = sp_column_tree(m, a);
    cr_expect_eq(t.spec.type, SP_COL_MAP);
    cr_expect_eq(t.nchildren, 2);
    cr_expect_eq(t.children[0].spec.type, SP_COL_UTF8);
    cr_expect_eq(t.children[1].spec.type, SP_COL_I32);
    spate_arena_destroy(a);
}

/* A list of lists of strings: the grandchild grows too. */
Test(colbatch_nested, list_of_lists_grows_every_level)
{
    spate_arena *a = spate_arena_new();
    sp_coltree inner = {.spec = {.type = SP_COL_LIST}, .nchildren = 1, .children = &UTF8};
    sp_coltree outer = {.spec = {.type = SP_COL_LIST}, .nchildren = 1, .children = &inner};
    sp_colbatch *b = sp_colbatch_new_tree(a, 1, &outer, NULL, 1);
    sp_column *o = &b->cols[0], *in = &o->children[0], *s = &in->children[0];
    sp_col_list_begin(b, o, 100);
    for (int i = 0; i < 100; i++) {
        sp_col_list_begin(b, in, 3);
        for (int j = 0; j < 3; j++)
            sp_col_append_bytes(b, s, "abc", (size_t)j);
        sp_col_list_end(in, 3);
    }
    sp_col_list_end(o, 100);
    sp_colbatch_set_length(b, 1);
    cr_expect_eq(in->offsets[100], 300);
    cr_expect_eq(s->offsets[300], 300);
    const sp_colbatch *two[] = {b, b};
    sp_colbatch *cat = sp_colbatch_concat(two, 2, a);
    const sp_column *ci = &cat->cols[0].children[0];
    cr_expect_eq(cat->cols[0].offsets[2], 200);
    cr_expect_eq(ci->offsets[200], 600);
    cr_expect_eq(ci->children[0].offsets[600], 600);
    spate_arena_destroy(a);
}

Test(colbatch_nested, export_hands_out_the_children)
{
    spate_arena *a = spate_arena_new();
    sp_colbatch *lb = list_batch(a, 4), *sb = struct_batch(a), *mb = map_batch(a);
    const sp_column *cols[] = {&lb->cols[0], &sb->cols[0], &mb->cols[0]};
    sp_colbatch *b = sp_colbatch_view(a, 2, 3, cols, NULL);
    struct ArrowArray arr;
    struct ArrowSchema sch;
    cr_assert_eq(sp_colbatch_export(b, &arr, &sch), SPATE_OK);
    cr_assert_eq(arr.n_children, 3);
    struct ArrowArray *l = arr.children[0], *s = arr.children[1], *m = arr.children[2];
    cr_expect_eq(l->n_buffers, 2);
    cr_expect_eq(l->buffers[1], lb->cols[0].offsets);
    cr_expect_eq(l->n_children, 1);
    cr_expect_eq(l->children[0]->length, 3, "two list rows use three elements");
    cr_expect_eq(s->n_buffers, 1);
    cr_expect_eq(s->n_children, 2);
    cr_expect_eq(s->children[1]->length, 2);
    cr_expect_eq(s->children[1]->n_buffers, 3);
    cr_expect_eq(m->children[0]->n_children, 2);
    cr_expect_eq(m->children[0]->length, 2);
    cr_expect_str_eq(sch.children[0]->format, "+l");
    cr_expect_str_eq(sch.children[0]->children[0]->format, "l");
    cr_expect_str_eq(sch.children[0]->children[0]->name, "element");
    cr_expect_str_eq(sch.children[1]->format, "+s");
    cr_expect_str_eq(sch.children[1]->children[1]->name, "s");
    cr_expect_str_eq(sch.children[1]->children[1]->format, "u");
    struct ArrowSchema *ms = sch.children[2];
    cr_expect_str_eq(ms->format, "+m");
    cr_expect_str_eq(ms->children[0]->format, "+s");
    cr_expect_eq(ms->children[0]->flags & ARROW_FLAG_NULLABLE, 0, "entries not null");
    cr_expect_eq(ms->children[0]->children[0]->flags & ARROW_FLAG_NULLABLE, 0, "keys not null");
    cr_expect_neq(ms->children[0]->children[1]->flags & ARROW_FLAG_NULLABLE, 0);
    /* A grandchild moved out outlives the base. */
    struct ArrowArray moved = *l->children[0];
    l->children[0]->release = NULL;
    arr.release(&arr);
    cr_expect_eq(sp_colbatch_live_exports(b), 1);
    moved.release(&moved);
    cr_expect_eq(sp_colbatch_live_exports(b), 0);
    sch.release(&sch);
    spate_arena_destroy(a);
}

/* list<struct<s: string, xs: list<int>>>: take copies every level's range. */
Test(colbatch_nested, take_copies_structs_of_lists_inside_lists)
{
    spate_arena *a = spate_arena_new();
    sp_coltree xs = {.spec = {.type = SP_COL_LIST}, .nchildren = 1, .children = &I32};
    const sp_coltree fields[] = {UTF8, xs};
    static const char *const names[] = {"s", "xs"};
    sp_coltree st = {
        .spec = {.type = SP_COL_STRUCT}, .nchildren = 2, .children = fields, .names = names};
    sp_coltree outer = {.spec = {.type = SP_COL_LIST}, .nchildren = 1, .children = &st};
    sp_colbatch *b = sp_colbatch_new_tree(a, 1, &outer, NULL, 3);
    sp_column *o = &b->cols[0], *e = &o->children[0], *s = &e->children[0], *l = &e->children[1];
    for (int r = 0; r < 3; r++) { /* row r: r structs {"r", [0..k)} with k = struct index */
        int64_t first = sp_col_list_begin(b, o, r);
        for (int k = 0; k < r; k++) {
            char c = (char)('a' + r);
            sp_col_append_bytes(b, s, &c, 1);
            int64_t f = sp_col_list_begin(b, l, k);
            for (int j = 0; j < k; j++)
                sp_column_i32(&l->children[0])[f + j] = 10 * r + j;
            sp_col_list_end(l, k);
        }
        (void)first;
        sp_col_list_end(o, r);
    }
    sp_colbatch_set_length(b, 3);
    static const int32_t sel[] = {2, 0, 1};
    sp_colbatch *t = sp_colbatch_take(b, sel, 3, a);
    const sp_column *to = &t->cols[0], *te = &to->children[0];
    const sp_column *ts = &te->children[0], *tl = &te->children[1];
    cr_expect_eq(to->offsets[1], 2);
    cr_expect_eq(to->offsets[2], 2);
    cr_expect_eq(to->offsets[3], 3);
    cr_expect_eq(ts->chars[ts->offsets[0]], 'c');
    cr_expect_eq(ts->chars[ts->offsets[2]], 'b');
    cr_expect_eq(tl->offsets[1] - tl->offsets[0], 0);
    cr_expect_eq(tl->offsets[2] - tl->offsets[1], 1);
    cr_expect_eq(sp_column_i32(&tl->children[0])[tl->offsets[1]], 20);
    cr_expect_eq(tl->offsets[3] - tl->offsets[2], 0);
    spate_arena_destroy(a);
}

/* concat: an empty batch of other column types adds nothing; a later
 * batch's column of another type (a bool stand-in of nulls) adds NULLs. */
Test(colbatch_nested, concat_takes_stand_in_columns_as_nulls)
{
    spate_arena *a = spate_arena_new();
    sp_coltype bt = SP_COL_BOOL;
    sp_colbatch *empty = sp_colbatch_new(a, 1, &bt, NULL, 1);
    sp_colbatch *nulls = sp_colbatch_new(a, 1, &bt, NULL, 1);
    sp_column_set_null(nulls, 0, 0);
    sp_colbatch_set_length(nulls, 1);
    sp_colbatch *lists = list_batch(a, 4);
    const sp_colbatch *in[] = {empty, lists, nulls};
    sp_colbatch *c = sp_colbatch_concat(in, 3, a);
    cr_assert_eq(c->length, 5);
    cr_expect_eq(c->cols[0].type, SP_COL_LIST);
    cr_expect_eq(c->cols[0].null_count, 2);
    cr_expect(!sp_column_valid(&c->cols[0], 4));
    cr_expect_eq(c->cols[0].offsets[5], 4);
    spate_arena_destroy(a);
}
