/* api_rows.c - running a static public dataframe once (collect, show) and
 * the row accessor shared with foreach (spate_row: one row of a column
 * batch). collect and show run on the caller's thread, tasks on the
 * session's executors; a row is read by one thread at a time. */
#include "sql/api_int.h"

#include "sql/show.h"
#include "sql/show_buf.h"
#include "sql/show_cast.h"
#include "sql/static_exec.h"

#include <stdlib.h>
#include <string.h>

struct spate_rows {
    sp_batch_result r;
    bool has_result;
    int64_t n;
    spate_row *rows;
};

/* Runs df's plan: false with the last error set. */
static bool run(spate_dataframe *df, sp_batch_result *r)
{
    spate_session *ss = df->ss;
    if (df->plan->streaming) {
        sp_api_errorf(ss, "Queries with streaming sources must be executed with "
                          "writeStream.start();");
        return false;
    }
    sp_session *s = ss->s;
    if (sp_static_run(df->plan, s->pool, s->conf, s->tz, r) == SPATE_OK) return true;
    sp_api_errorf(ss, "%s", r->error);
    sp_batch_result_free(r);
    return false;
}

static bool is_empty_statement(const spate_dataframe *df)
{
    return df->plan->kind == SP_PLAN_VALUES && df->plan->nout == 0;
}

spate_rows *spate_dataframe_collect(spate_dataframe *df)
{
    if (!df) return NULL;
    spate_rows *rs = calloc(1, sizeof *rs);
    if (!rs) abort();
    if (is_empty_statement(df)) return rs;
    if (!run(df, &rs->r)) {
        free(rs);
        return NULL;
    }
    rs->has_result = true;
    for (size_t i = 0; i < rs->r.nbatches; i++)
        rs->n += rs->r.batches[i]->length;
    rs->rows = calloc((size_t)rs->n + 1, sizeof *rs->rows);
    if (!rs->rows) abort();
    int64_t k = 0;
    for (size_t i = 0; i < rs->r.nbatches; i++)
        for (int64_t j = 0; j < rs->r.batches[i]->length; j++)
            rs->rows[k++] = (spate_row){rs->r.batches[i], j, df->ss->s->tz};
    return rs;
}

spate_err spate_dataframe_show(spate_dataframe *df, int num_rows, bool truncate, FILE *out)
{
    if (!df || !out) return SPATE_ERR_INVALID_ARG;
    sp_sql_sbuf b = {0};
    if (is_empty_statement(df)) {
        sp_sql_show_string_values(&b, 0, NULL, NULL, 0, num_rows, truncate ? 20 : 0, false,
                                  df->ss->s->tz);
    } else {
        sp_batch_result r;
        if (!run(df, &r)) return SPATE_ERR_INVALID_ARG;
        sp_sql_show_string_batches(&b, (const sp_colbatch *const *)r.batches, r.nbatches, num_rows,
                                   truncate ? SP_SQL_SHOW_DEFAULT_TRUNCATE : 0, false,
                                   df->ss->s->tz);
        sp_batch_result_free(&r);
    }
    if (b.p) fputs(b.p, out);
    fputc('\n', out); /* Dataset.show is println(showString(...)) */
    fflush(out);
    sp_sql_sbuf_free(&b);
    return SPATE_OK;
}

int64_t spate_rows_count(const spate_rows *r) { return r ? r->n : 0; }

const spate_row *spate_rows_get(const spate_rows *r, int64_t i)
{
    return r && i >= 0 && i < r->n ? &r->rows[i] : NULL;
}

void spate_rows_free(spate_rows *r)
{
    if (!r) return;
    if (r->has_result) sp_batch_result_free(&r->r);
    free(r->rows);
    free(r);
}

spate_row sp_api_row(const sp_colbatch *b, int64_t row, const sp_tz *tz)
{
    return (spate_row){b, row, tz};
}

static bool col_ok(const spate_row *row, int col) { return row && col >= 0 && col < row->b->ncols; }

int spate_row_ncols(const spate_row *row) { return row ? row->b->ncols : 0; }

const char *spate_row_col_name(const spate_row *row, int col)
{
    return col_ok(row, col) ? row->b->cols[col].name : NULL;
}

bool spate_row_is_null(const spate_row *row, int col)
{
    return !col_ok(row, col) || !sp_column_valid(&row->b->cols[col], row->row);
}

spate_value spate_row_get(const spate_row *row, int col)
{
    if (spate_row_is_null(row, col)) return spate_null();
    return sp_colbatch_get(row->b, col, row->row);
}

int64_t spate_row_get_long(const spate_row *row, int col)
{
    return spate_row_is_null(row, col) ? 0 : spate_as_i64(spate_row_get(row, col));
}

double spate_row_get_double(const spate_row *row, int col)
{
    return spate_row_is_null(row, col) ? 0 : spate_as_f64(spate_row_get(row, col));
}

size_t spate_row_format(const spate_row *row, int col, char *buf, size_t size)
{
    if (!col_ok(row, col)) {
        if (size) buf[0] = '\0';
        return 0;
    }
    sp_sql_sbuf b = {0};
    sp_sql_show_cell(&b, &row->b->cols[col], row->row, row->tz);
    size_t n = b.len;
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        if (k) memcpy(buf, b.p, k);
        buf[k] = '\0';
    }
    sp_sql_sbuf_free(&b);
    return n;
}
