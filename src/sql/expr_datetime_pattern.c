/* expr_datetime_pattern.c - datetime patterns for the expression kernels: a
 * compiled pattern copied into the plan's arena (the analyzer compiles a
 * constant format once; every task thread then reads the same immutable
 * copy), the per-row pattern of a non-constant format with a one-entry
 * cache, and raising a complete Spark message. Any thread. */
#include "sql/dtf_int.h"
#include "sql/expr_datetime_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const sp_dtf *sp_sql_dtf_in_arena(spate_arena *a, const sp_dtf *f)
{
    sp_dtf *c = spate_arena_alloc(a, sizeof *c);
    *c = *f;
    size_t tlen = 1;
    for (int i = 0; i < f->nops; i++)
        if (f->ops[i].letter == DTF_LIT && (size_t)f->ops[i].lit_off + f->ops[i].lit_len > tlen)
            tlen = (size_t)f->ops[i].lit_off + f->ops[i].lit_len;
    c->text = spate_arena_alloc(a, tlen);
    memcpy(c->text, f->text, tlen);
    c->ops = spate_arena_alloc(a, sizeof *c->ops * (size_t)(f->nops + 1));
    if (f->nops) memcpy(c->ops, f->ops, sizeof *c->ops * (size_t)f->nops);
    return c;
}

bool sp_sql_raise_msg(sp_sql_eval_ctx *ctx, int64_t row, const char *msg)
{
    if (!sp_sql_row_active(ctx, row)) return false;
    if (ctx->failed) return true;
    ctx->failed = true;
    const char *end = msg[0] == '[' ? strchr(msg, ']') : NULL;
    int n = end ? (int)(end - msg - 1) : 0;
    snprintf(ctx->error_class, sizeof ctx->error_class, "%.*s", n, msg + 1);
    snprintf(ctx->error, sizeof ctx->error, "%s", msg);
    return true;
}

const sp_dtf *sp_sql_dtf_for_row(const sp_sql_expr *e, const sp_column *fmt, int64_t r,
                                 bool parsing, sp_sql_dtf_cache *cache, sp_sql_eval_ctx *ctx,
                                 bool *bad)
{
    *bad = false;
    if (e->aux) return e->aux;
    if (!fmt || !sp_column_valid(fmt, r)) return NULL;
    size_t n;
    const char *s = sp_sql_col_str(fmt, r, &n);
    if (cache->f && cache->len == n && memcmp(cache->text, s, n) == 0) return cache->f;
    sp_sql_dtf_cache_free(cache);
    char err[1024];
    sp_dtf *f = sp_dtf_compile(s, n, parsing, err, sizeof err);
    if (!f) {
        *bad = true;
        sp_sql_raise_msg(ctx, r, err);
        return NULL;
    }
    cache->text = malloc(n + 1);
    if (!cache->text) abort();
    memcpy(cache->text, s, n);
    cache->len = n;
    cache->f = f;
    return f;
}

void sp_sql_dtf_cache_free(sp_sql_dtf_cache *cache)
{
    sp_dtf_free(cache->f);
    free(cache->text);
    memset(cache, 0, sizeof *cache);
}
