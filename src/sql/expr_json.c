/* expr_json.c - from_json and to_json over columns, through the JSON
 * reader and writer the file source and sink use, so a value reads and
 * prints as it would in a JSON file:
 *   from_json(s): each string is one JSON line scanned into the struct
 *   schema e->type, PERMISSIVE as Spark's JsonToStructs (a malformed
 *   document gives the fields it could read, the others NULL; a NULL or
 *   blank string gives NULL);
 *   to_json(struct): each row written as JacksonGenerator writes it (NULL
 *   fields left out); a NULL struct gives NULL.
 * get_json_object is expr_json_path.c's. Any thread, with its own context. */
#include "sql/expr_json_int.h"

#include "base/arena.h"
#include "sql/expr_nested_int.h"
#include "sql/scan_json.h"
#include "sql/sink_format.h"

#include <string.h>

static sp_column *from_json(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_sql_json_options o;
    sp_sql_json_options_init(&o);
    char err[256];
    sp_sql_json_scanner *sc = sp_sql_json_scanner_new(e->type, &o, err, sizeof err);
    if (!sc) {
        sp_sql_raise_msg(ctx, 0, err);
        return NULL;
    }
    sp_colbatch *b = sp_sql_json_batch_new(sc, ctx->arena, in->length ? in->length : 1);
    int64_t *at = spate_arena_alloc(ctx->arena, sizeof *at * (size_t)(in->length + 1));
    for (int64_t r = 0; r < in->length; r++) {
        at[r] = -1;
        if (!sp_column_valid(x, r)) continue;
        int64_t before = b->length;
        const char *s = x->chars + x->offsets[r];
        size_t n = (size_t)(x->offsets[r + 1] - x->offsets[r]);
        if (sp_sql_json_scan_line(sc, b, s, n, err, sizeof err) == 1) at[r] = before;
    }
    sp_sql_json_scanner_free(sc);
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, in->length, &v);
    for (int64_t r = 0; r < in->length; r++) {
        if (at[r] < 0) {
            sp_sql_col_null_slot(v.b, v.c, r);
            continue;
        }
        for (int j = 0; j < v.c->nchildren && j < b->ncols; j++)
            sp_sql_copy_cell(v.b, &v.c->children[j], r, &b->cols[j], at[r]);
    }
    return sp_sql_vec_done(&v);
}

/* The struct's fields as a batch of their own (the writer's input). */
static sp_colbatch *fields_batch(const sp_sql_type *t, sp_column *s, int64_t n, spate_arena *a)
{
    const sp_column **cols = spate_arena_alloc(a, sizeof *cols * (size_t)(s->nchildren + 1));
    const char **names = spate_arena_alloc(a, sizeof *names * (size_t)(s->nchildren + 1));
    for (int j = 0; j < s->nchildren; j++) {
        cols[j] = &s->children[j];
        names[j] = t->fields[j].name;
    }
    return sp_colbatch_view(a, n, s->nchildren, cols, names);
}

static sp_column *to_json(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    const sp_sql_expr *arg = e->children[0];
    sp_column *s = sp_sql_expr_eval(arg, in, ctx);
    if (!s) return NULL;
    char err[256];
    sp_sink_writer *w =
        sp_sink_writer_new(SP_SINK_FMT_JSON, NULL, NULL, 0, arg->type, ctx->tz, err, sizeof err);
    if (!w) {
        sp_sql_raise_msg(ctx, 0, err);
        return NULL;
    }
    sp_sql_sbuf out = {0};
    sp_sink_writer_rows(w, fields_batch(arg->type, s, in->length, ctx->arena), &out);
    sp_sink_writer_free(w);
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    const char *p = out.p ? out.p : "";
    for (int64_t r = 0; r < in->length; r++) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if (sp_column_valid(s, r))
            sp_sql_vec_str(&v, p, n);
        else
            sp_sql_vec_str_null(&v, r);
        p += n + (eol != NULL);
    }
    sp_sql_sbuf_free(&out);
    return sp_sql_vec_done(&v);
}

sp_column *sp_sql_eval_json(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    switch ((sp_sql_func)e->op) {
    case SP_SQL_F_FROM_JSON:
        return from_json(e, in, ctx);
    case SP_SQL_F_TO_JSON:
        return to_json(e, in, ctx);
    default:
        return sp_sql_eval_json_path(e, in, ctx);
    }
}
