/* source_batch.c - column batches for the sources: an empty batch of a
 * schema's columns, and a deep copy of a batch (the memory stream copies
 * what is added and what is read). Any thread; each call uses only its
 * arguments. */
#include "sql/source_int.h"

#include "sql/type_column.h"

#include <string.h>

sp_colbatch *sp_source_batch_new(const sp_sql_type *schema, spate_arena *a, int64_t capacity)
{
    int n = schema->nfields;
    sp_colspec specs[n > 0 ? n : 1];
    const char *names[n > 0 ? n : 1];
    for (int i = 0; i < n; i++) {
        if (!sp_sql_type_column(schema->fields[i].type, &specs[i])) return NULL;
        names[i] = schema->fields[i].name;
    }
    return sp_colbatch_new_spec(a, n, specs, names, capacity > 0 ? capacity : 1);
}

static void copy_column(const sp_colbatch *src, sp_colbatch *dst, int c)
{
    const sp_column *s = &src->cols[c];
    sp_column *d = &dst->cols[c];
    int64_t n = src->length;
    if (sp_coltype_is_varlen(s->type)) {
        for (int64_t r = 0; r < n; r++)
            sp_column_append_bytes(dst, c, s->chars + s->offsets[r],
                                   (size_t)(s->offsets[r + 1] - s->offsets[r]));
    } else if (s->type == SP_COL_BOOL) {
        memcpy(d->values, s->values, (size_t)(n + 7) / 8);
    } else {
        memcpy(d->values, s->values, (size_t)n * sp_coltype_width(s->type));
    }
    if (s->validity)
        for (int64_t r = 0; r < n; r++)
            if (!sp_column_valid(s, r)) sp_column_set_null(dst, c, r);
}

sp_colbatch *sp_source_batch_copy(const sp_colbatch *b, spate_arena *a)
{
    sp_colspec specs[b->ncols > 0 ? b->ncols : 1];
    const char *names[b->ncols > 0 ? b->ncols : 1];
    for (int c = 0; c < b->ncols; c++) {
        specs[c] = (sp_colspec){b->cols[c].type, b->cols[c].precision, b->cols[c].scale};
        names[c] = b->cols[c].name;
    }
    sp_colbatch *d = sp_colbatch_new_spec(a, b->ncols, specs, names, b->length > 0 ? b->length : 1);
    for (int c = 0; c < b->ncols; c++)
        copy_column(b, d, c);
    sp_colbatch_set_length(d, b->length);
    return d;
}
