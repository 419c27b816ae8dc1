/* expr_datetime_format.c - from_unixtime(secs, fmt) and date_format(ts, fmt)
 * over columns: each row formatted in the session time zone with a pattern
 * compiled once (e->aux, a constant format) or per distinct row value. The
 * analyzer made the first argument BIGINT (from_unixtime) or TIMESTAMP
 * (date_format) and the second STRING. NULL in, NULL out; seconds whose
 * microseconds overflow give NULL. Any thread, with its own context. */
#include "sql/expr_datetime_int.h"

#include "base/arena.h"

/* Formats row r of x with f into buf (cap bytes); false for NULL. */
static bool format_row(sp_sql_func fn, const sp_dtf *f, const sp_column *x, int64_t r,
                       const sp_tz *tz, char *buf, size_t cap, size_t *len)
{
    int64_t val = sp_column_i64(x)[r];
    if (fn == SP_SQL_F_FROM_UNIXTIME) return sp_sql_from_unixtime(f, val, tz, buf, cap, len);
    *len = sp_dtf_format(f, val, tz, buf, cap);
    return true;
}

/* A buffer of at least need bytes: the stack one or one from the arena. */
static char *buffer(sp_sql_eval_ctx *ctx, char *stack, size_t stack_cap, size_t need, char **big,
                    size_t *big_cap)
{
    if (need <= stack_cap) return stack;
    if (need > *big_cap) {
        *big = spate_arena_alloc(ctx->arena, need);
        *big_cap = need;
    }
    return *big;
}

static bool format_rows(const sp_sql_expr *e, const sp_column *x, const sp_column *fmt,
                        sp_sql_vec *v, sp_sql_eval_ctx *ctx)
{
    sp_sql_func fn = (sp_sql_func)e->op;
    const sp_tz *tz = ctx->tz ? ctx->tz : sp_tz_utc();
    sp_sql_dtf_cache cache = {0};
    char stack[256], *big = NULL;
    size_t big_cap = 0;
    bool ok = true;
    for (int64_t r = 0; r < v->n; r++) {
        bool bad = false;
        const sp_dtf *f = NULL;
        size_t len = 0;
        char *buf = NULL;
        if (sp_column_valid(x, r) &&
            (f = sp_sql_dtf_for_row(e, fmt, r, false, &cache, ctx, &bad))) {
            size_t cap = sp_dtf_max_len(f) + 1;
            buf = buffer(ctx, stack, sizeof stack, cap, &big, &big_cap);
            if (!format_row(fn, f, x, r, tz, buf, cap, &len)) buf = NULL;
        } else if (bad && ctx->failed) {
            ok = false;
            break;
        }
        if (buf)
            sp_sql_vec_str(v, buf, len);
        else
            sp_sql_vec_str_null(v, r);
    }
    sp_sql_dtf_cache_free(&cache);
    return ok;
}

sp_column *sp_sql_eval_dt_format(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *x = sp_sql_expr_eval(e->children[0], in, ctx);
    if (!x) return NULL;
    sp_column *fmt = NULL;
    if (e->nchildren > 1 && !(fmt = sp_sql_expr_eval(e->children[1], in, ctx))) return NULL;
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    if (!format_rows(e, x, fmt, &v, ctx)) return NULL;
    return sp_sql_vec_done(&v);
}
