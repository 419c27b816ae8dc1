/* show.c - Dataset.showString's layout (show.h): the grid of cell texts,
 * the table with its separators and alignment, the vertical records and
 * the footer. The cells' text comes from show_cast.c, escaped and cut by
 * show_text.c. */
#include "sql/show.h"
#include "sql/show_int.h"

#include "base/arena.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Spark's ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH - 1: the most rows
 * showString shows. */
#define SHOW_MAX_ROWS (2147483632 - 1)

/* Writes the text of cell (row, col) of the caller's data into raw. */
typedef void (*cell_fn)(const void *ud, int64_t row, int col, sp_sql_sbuf *raw);

/* The header and the shown rows as display texts: cell k = r * ncols + c
 * (r = 0 the names) is text.p[off[k] .. off[k + 1]), width[k] wide. */
typedef struct grid {
    int ncols;
    int64_t nrows; /* data rows */
    sp_sql_sbuf text;
    size_t *off;
    int64_t *width;
} grid;

static void grid_build(grid *g, int ncols, const char *const *names, int64_t nrows, int truncate,
                       cell_fn fn, const void *ud)
{
    size_t cells = (size_t)(nrows + 1) * (size_t)ncols;
    *g = (grid){.ncols = ncols, .nrows = nrows};
    g->off = sp_xmalloc((cells + 1) * sizeof *g->off);
    g->width = sp_xmalloc((cells + 1) * sizeof *g->width);
    sp_sql_sbuf raw = {0};
    size_t k = 0;
    for (int64_t r = 0; r <= nrows; r++) {
        for (int c = 0; c < ncols; c++, k++) {
            g->off[k] = g->text.len;
            if (r == 0) {
                sp_sql_show_cell_text(&g->text, names[c], strlen(names[c]), 0);
            } else {
                sp_sql_sbuf_clear(&raw);
                fn(ud, r - 1, c, &raw);
                sp_sql_show_cell_text(&g->text, sp_sql_sbuf_str(&raw), raw.len, truncate);
            }
            g->width[k] = sp_sql_show_half_width(g->text.p + g->off[k], g->text.len - g->off[k]);
        }
    }
    g->off[k] = g->text.len;
    sp_sql_sbuf_free(&raw);
}

static void grid_free(grid *g)
{
    sp_sql_sbuf_free(&g->text);
    free(g->off);
    free(g->width);
}

static void put_cell(sp_sql_sbuf *out, const grid *g, size_t k)
{
    sp_sql_sbuf_put(out, g->text.p + g->off[k], g->off[k + 1] - g->off[k]);
}

/* "+---+-----+\n" */
static void put_sep(sp_sql_sbuf *out, const int64_t *colw, int ncols)
{
    sp_sql_sbuf_put(out, "+", 1);
    for (int c = 0; c < ncols; c++) {
        if (c) sp_sql_sbuf_put(out, "+", 1);
        sp_sql_sbuf_fill(out, '-', (size_t)colw[c]);
    }
    sp_sql_sbuf_put(out, "+\n", 2);
}

/* The table: separator, names, separator, rows, separator. */
static void put_table(sp_sql_sbuf *out, const grid *g, int truncate)
{
    int64_t *colw = sp_xmalloc(((size_t)g->ncols + 1) * sizeof *colw);
    for (int c = 0; c < g->ncols; c++) {
        colw[c] = 3;
        for (int64_t r = 0; r <= g->nrows; r++) {
            int64_t w = g->width[(size_t)r * (size_t)g->ncols + (size_t)c];
            if (w > colw[c]) colw[c] = w;
        }
    }
    put_sep(out, colw, g->ncols);
    for (int64_t r = 0; r <= g->nrows; r++) {
        sp_sql_sbuf_put(out, "|", 1);
        for (int c = 0; c < g->ncols; c++) {
            size_t k = (size_t)r * (size_t)g->ncols + (size_t)c;
            size_t pad = (size_t)(colw[c] - g->width[k]);
            if (c) sp_sql_sbuf_put(out, "|", 1);
            if (truncate > 0) sp_sql_sbuf_fill(out, ' ', pad);
            put_cell(out, g, k);
            if (truncate <= 0) sp_sql_sbuf_fill(out, ' ', pad);
        }
        sp_sql_sbuf_put(out, "|\n", 2);
        if (r == 0) put_sep(out, colw, g->ncols);
    }
    put_sep(out, colw, g->ncols);
    free(colw);
}

/* "-RECORD i---" then " name | value \n" per column. */
static void put_vertical(sp_sql_sbuf *out, const grid *g)
{
    int64_t namew = 3, dataw = 3;
    size_t cells = (size_t)(g->nrows + 1) * (size_t)g->ncols;
    for (size_t k = 0; k < cells; k++) {
        int64_t *w = k < (size_t)g->ncols ? &namew : &dataw;
        if (g->width[k] > *w) *w = g->width[k];
    }
    for (int64_t r = 1; r <= g->nrows; r++) {
        char head[40];
        int n = snprintf(head, sizeof head, "-RECORD %" PRId64, r - 1);
        sp_sql_sbuf_put(out, head, (size_t)n);
        if (namew + dataw + 5 > n) sp_sql_sbuf_fill(out, '-', (size_t)(namew + dataw + 5 - n));
        sp_sql_sbuf_put(out, "\n", 1);
        for (int c = 0; c < g->ncols; c++) {
            size_t k = (size_t)r * (size_t)g->ncols + (size_t)c;
            sp_sql_sbuf_put(out, " ", 1);
            put_cell(out, g, (size_t)c);
            sp_sql_sbuf_fill(out, ' ', (size_t)(namew - g->width[c]));
            sp_sql_sbuf_put(out, " | ", 3);
            put_cell(out, g, k);
            sp_sql_sbuf_fill(out, ' ', (size_t)(dataw - g->width[k]));
            sp_sql_sbuf_put(out, " \n", 2);
        }
        if (g->ncols == 0) sp_sql_sbuf_put(out, "\n", 1);
    }
}

/* showString over avail rows of the caller's data. */
static void show(sp_sql_sbuf *out, int ncols, const char *const *names, int64_t avail, int num_rows,
                 int truncate, bool vertical, cell_fn fn, const void *ud)
{
    int64_t n = num_rows < 0 ? 0 : num_rows > SHOW_MAX_ROWS ? SHOW_MAX_ROWS : num_rows;
    grid g;
    grid_build(&g, ncols, names, avail < n ? avail : n, truncate, fn, ud);
    if (vertical)
        put_vertical(out, &g);
    else
        put_table(out, &g, truncate);
    if (vertical && g.nrows == 0) {
        sp_sql_sbuf_puts(out, "(0 rows)\n");
    } else if (avail > n) {
        char foot[64];
        int k = snprintf(foot, sizeof foot, "only showing top %" PRId64 " %s\n", n,
                         n == 1 ? "row" : "rows");
        sp_sql_sbuf_put(out, foot, (size_t)k);
    }
    grid_free(&g);
}

typedef struct batch_src {
    const sp_colbatch *const *b;
    size_t n;
    const sp_tz *tz;
} batch_src;

/* Rows are asked for in order, so a linear walk over the batches is cheap
 * enough for the few rows show() prints. */
static void batch_cell(const void *ud, int64_t row, int col, sp_sql_sbuf *raw)
{
    const batch_src *s = ud;
    size_t i = 0;
    while (i + 1 < s->n && row >= s->b[i]->length)
        row -= s->b[i++]->length;
    sp_sql_show_cell(raw, &s->b[i]->cols[col], row, s->tz);
}

void sp_sql_show_string_batches(sp_sql_sbuf *out, const sp_colbatch *const *batches,
                                size_t nbatches, int num_rows, int truncate, bool vertical,
                                const sp_tz *tz)
{
    const sp_colbatch *b = batches[0];
    int64_t rows = 0;
    for (size_t i = 0; i < nbatches; i++)
        rows += batches[i]->length;
    const char **names = sp_xmalloc(((size_t)b->ncols + 1) * sizeof *names);
    for (int c = 0; c < b->ncols; c++)
        names[c] = b->cols[c].name ? b->cols[c].name : "";
    batch_src s = {batches, nbatches, tz};
    show(out, b->ncols, names, rows, num_rows, truncate, vertical, batch_cell, &s);
    free(names);
}

void sp_sql_show_string(sp_sql_sbuf *out, const sp_colbatch *b, int num_rows, int truncate,
                        bool vertical, const sp_tz *tz)
{
    sp_sql_show_string_batches(out, &b, 1, num_rows, truncate, vertical, tz);
}

typedef struct values_src {
    const sp_sql_showval *rows;
    int ncols;
    const sp_tz *tz;
} values_src;

static void values_cell(const void *ud, int64_t row, int col, sp_sql_sbuf *raw)
{
    const values_src *s = ud;
    sp_sql_show_value(raw, &s->rows[row * s->ncols + col], s->tz);
}

void sp_sql_show_string_values(sp_sql_sbuf *out, int ncols, const char *const *names,
                               const sp_sql_showval *rows, int64_t nrows, int num_rows,
                               int truncate, bool vertical, const sp_tz *tz)
{
    values_src s = {rows, ncols, tz};
    show(out, ncols, names, nrows, num_rows, truncate, vertical, values_cell, &s);
}
