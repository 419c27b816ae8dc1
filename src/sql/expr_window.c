/* expr_window.c - the functions window() in GROUP BY is rewritten into
 * (analyze_window.c), as Spark's TimeWindowing computes windows: a window
 * of the given slide starts at start_us + k * slide_us and lasts size_us.
 * __window_start(ts, slide, start): the start of the latest window holding
 * ts (a tumbling window, slide = size); __window_end(start, size);
 * __window_starts(ts, size, slide, start): the starts of every window
 * holding ts, latest first (Spark's Expand order). A NULL argument gives
 * NULL. Any thread with its own context. */
#include "sql/civil.h"
#include "sql/datetime_funcs.h"
#include "sql/tz.h"
#include "sql/expr_int.h"
#include "sql/expr_nested_int.h"

#include <spate/core.h>

#include <string.h>

static int64_t last_start(int64_t ts, int64_t slide, int64_t start)
{
    return ts - sp_sql_floormod(ts - start, slide);
}

static bool all_valid(sp_column *const *a, int k, int64_t r)
{
    for (int i = 0; i < k; i++)
        if (!sp_column_valid(a[i], r)) return false;
    return true;
}

static sp_column *starts(const sp_sql_expr *e, sp_column *const *a, int64_t n, sp_sql_eval_ctx *ctx)
{
    sp_sql_vec v;
    sp_sql_vec_new_type(ctx, e->type, n, &v);
    for (int64_t r = 0; r < n; r++) {
        if (!all_valid(a, 4, r)) {
            sp_sql_col_null_slot(v.b, v.c, r);
            continue;
        }
        int64_t ts = sp_column_i64(a[0])[r], size = sp_sql_col_int(a[1], r);
        int64_t slide = sp_sql_col_int(a[2], r),
                last = last_start(ts, slide, sp_sql_col_int(a[3], r));
        int64_t k = 0;
        while (last - k * slide > ts - size) /* [s, s + size) holds ts */
            k++;
        int64_t first = sp_col_list_begin(v.b, v.c, k);
        int64_t *o = sp_column_i64(&v.c->children[0]);
        for (int64_t i = 0; i < k; i++)
            o[first + i] = last - i * slide;
        sp_col_list_end(v.c, k);
    }
    return sp_sql_vec_done(&v);
}

/* A session gap of row r in µs: a BIGINT, or a string as Spark's
 * interval text ("10 seconds"); <= 0 when missing or not a duration. */
static int64_t gap_us(const sp_column *g, int64_t r)
{
    if (g->type != SP_COL_UTF8) return sp_sql_col_int(g, r);
    char text[128], why[128];
    int32_t len = g->offsets[r + 1] - g->offsets[r];
    if (len <= 0 || len >= (int32_t)sizeof text) return 0;
    memcpy(text, g->chars + g->offsets[r], (size_t)len);
    text[len] = 0;
    spate_duration ms = 0;
    return spate_duration_parse(text, &ms, why, sizeof why) == SPATE_OK ? ms * 1000 : 0;
}

/* __session_end(ts, gap): ts + gap, NULL for a gap that is not positive
 * (Spark filters such events out of session windows). */
static sp_column *session_end(const sp_sql_expr *e, sp_column *const *a, int64_t n,
                              sp_sql_eval_ctx *ctx)
{
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, n, &v);
    int64_t *o = sp_column_i64(v.c);
    for (int64_t r = 0; r < n; r++) {
        int64_t gap = all_valid(a, 2, r) ? gap_us(a[1], r) : 0;
        if (gap <= 0) {
            sp_sql_vec_null(&v, r);
            continue;
        }
        o[r] = sp_column_i64(a[0])[r] + gap;
    }
    return sp_sql_vec_done(&v);
}

/* ts + months (to the local date, the day clamped) + us; a TIMESTAMP's
 * local date in zone tz, a TIMESTAMP_NTZ's as it is. False on overflow. */
static bool add_interval(int64_t ts, int64_t months, int64_t us, const sp_tz *tz, bool ntz,
                         int64_t *out)
{
    if (months) {
        sp_sql_dt_fields f;
        if (ntz) {
            sp_sql_fields_from_us(ts, &f);
            f.offset_s = 0;
        } else {
            sp_tz_utc_to_local(tz, ts, &f);
        }
        int64_t local = ts + (int64_t)f.offset_s * 1000000;
        int64_t day = sp_sql_floordiv(local, INT64_C(86400000000));
        int32_t moved;
        if (day < INT32_MIN || day > INT32_MAX ||
            !sp_sql_add_months((int32_t)day, (int32_t)months, &moved))
            return false;
        local += ((int64_t)moved - day) * INT64_C(86400000000);
        if (ntz)
            ts = local;
        else if (!sp_tz_local_to_utc_prefer(tz, local, f.offset_s, &ts))
            return false;
    }
    return !__builtin_add_overflow(ts, us, out);
}

/* __ts_add_interval(ts, months, us): NULL on overflow, as Spark without
 * ANSI's checks on datetime arithmetic. */
static sp_column *ts_add_interval(const sp_sql_expr *e, sp_column *const *a, int64_t n,
                                  sp_sql_eval_ctx *ctx)
{
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, n, &v);
    int64_t *o = sp_column_i64(v.c);
    bool ntz = e->type->id == SP_SQL_TIMESTAMP_NTZ;
    for (int64_t r = 0; r < n; r++)
        if (!all_valid(a, 3, r) || !add_interval(sp_column_i64(a[0])[r], sp_sql_col_int(a[1], r),
                                                 sp_sql_col_int(a[2], r), ctx->tz, ntz, &o[r]))
            sp_sql_vec_null(&v, r);
    return sp_sql_vec_done(&v);
}

sp_column *sp_sql_eval_window(const sp_sql_expr *e, const sp_colbatch *in, sp_sql_eval_ctx *ctx)
{
    sp_column *a[4];
    int k = e->nchildren < 4 ? e->nchildren : 4;
    for (int i = 0; i < k; i++)
        if (!(a[i] = sp_sql_expr_eval(e->children[i], in, ctx))) return NULL;
    if (e->op == SP_SQL_F_WINDOW_STARTS) return starts(e, a, in->length, ctx);
    if (e->op == SP_SQL_F_SESSION_END) return session_end(e, a, in->length, ctx);
    if (e->op == SP_SQL_F_TS_ADD_INTERVAL) return ts_add_interval(e, a, in->length, ctx);
    sp_sql_vec v;
    sp_sql_vec_new(ctx, e->type, in->length, &v);
    int64_t *o = sp_column_i64(v.c);
    for (int64_t r = 0; r < in->length; r++) {
        if (!all_valid(a, k, r)) {
            sp_sql_vec_null(&v, r);
            continue;
        }
        int64_t t = sp_column_i64(a[0])[r];
        o[r] = e->op == SP_SQL_F_WINDOW_START
                   ? last_start(t, sp_sql_col_int(a[1], r), sp_sql_col_int(a[2], r))
                   : t + sp_sql_col_int(a[1], r);
    }
    return sp_sql_vec_done(&v);
}
