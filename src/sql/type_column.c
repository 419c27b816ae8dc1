/* type_column.c - SQL types to column types (see type_column.h). */
#include "sql/type_column.h"

#include "base/arena.h"

static const sp_coltype COLUMN_OF[] = {
    [SP_SQL_BOOLEAN] = SP_COL_BOOL,
    [SP_SQL_TINYINT] = SP_COL_I8,
    [SP_SQL_SMALLINT] = SP_COL_I16,
    [SP_SQL_INT] = SP_COL_I32,
    [SP_SQL_BIGINT] = SP_COL_I64,
    [SP_SQL_FLOAT] = SP_COL_F32,
    [SP_SQL_DOUBLE] = SP_COL_F64,
    [SP_SQL_DECIMAL] = SP_COL_DECIMAL128,
    [SP_SQL_STRING] = SP_COL_UTF8,
    [SP_SQL_BINARY] = SP_COL_BINARY,
    [SP_SQL_DATE] = SP_COL_DATE32,
    [SP_SQL_TIMESTAMP] = SP_COL_TIMESTAMP,
    [SP_SQL_TIMESTAMP_NTZ] = SP_COL_TIMESTAMP_NTZ,
};

bool sp_sql_type_column(const sp_sql_type *t, sp_colspec *out)
{
    if (t->id == SP_SQL_NULL || t->id >= SP_SQL_ARRAY) return false;
    *out = (sp_colspec){COLUMN_OF[t->id], 0, 0};
    if (t->id == SP_SQL_DECIMAL) out->precision = t->precision, out->scale = t->scale;
    return true;
}

static void tree_of(spate_arena *a, const sp_sql_type *t, sp_coltree *out)
{
    if (!sp_sql_type_tree(a, t, out)) *out = (sp_coltree){.spec = {.type = SP_COL_BOOL}};
}

bool sp_sql_type_tree(spate_arena *a, const sp_sql_type *t, sp_coltree *out)
{
    *out = (sp_coltree){.spec = {.type = SP_COL_BOOL}};
    if (t->id < SP_SQL_ARRAY) return sp_sql_type_column(t, &out->spec);
    int n = t->id == SP_SQL_ARRAY ? 1 : t->id == SP_SQL_MAP ? 2 : t->nfields;
    sp_coltree *kids = spate_arena_alloc(a, sizeof *kids * (size_t)(n ? n : 1));
    out->nchildren = n;
    out->children = kids;
    if (t->id == SP_SQL_ARRAY) {
        out->spec.type = SP_COL_LIST;
        tree_of(a, t->elem, &kids[0]);
    } else if (t->id == SP_SQL_MAP) {
        out->spec.type = SP_COL_MAP;
        tree_of(a, t->elem, &kids[0]);
        tree_of(a, t->value, &kids[1]);
    } else {
        out->spec.type = SP_COL_STRUCT;
        const char **names = spate_arena_alloc(a, sizeof *names * (size_t)(n ? n : 1));
        for (int i = 0; i < n; i++) {
            tree_of(a, t->fields[i].type, &kids[i]);
            names[i] = t->fields[i].name;
        }
        out->names = names;
    }
    return true;
}

sp_colbatch *sp_sql_batch_new(spate_arena *a, const sp_sql_type *schema, int64_t capacity)
{
    int n = schema->nfields;
    sp_coltree *trees = spate_arena_alloc(a, sizeof *trees * (size_t)(n ? n : 1));
    const char **names = spate_arena_alloc(a, sizeof *names * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        tree_of(a, schema->fields[i].type, &trees[i]);
        names[i] = schema->fields[i].name;
    }
    return sp_colbatch_new_tree(a, n, trees, names, capacity);
}
