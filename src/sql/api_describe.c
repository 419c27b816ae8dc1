/* api_describe.c - what a public dataframe says about itself and how it
 * names itself: isStreaming, schema (DDL), explain, createOrReplaceTempView,
 * and joins (made through hidden views so the analyzer's own JOIN rules
 * apply). Any thread: plan-making calls take the session's API lock. */
#include "sql/analyzer_int.h"
#include "sql/api_int.h"

#include "base/arena.h"
#include "sql/parser.h"
#include "sql/physical.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool spate_dataframe_is_streaming(const spate_dataframe *df) { return df && df->plan->streaming; }

const char *spate_dataframe_schema(spate_dataframe *df)
{
    if (!df) return NULL;
    pthread_mutex_lock(&df->ss->mu);
    if (!df->ddl)
        df->ddl = sp_sql_schema_ddl(df->scope->arena, sp_plan_schema(df->scope->arena, df->plan));
    pthread_mutex_unlock(&df->ss->mu);
    return df->ddl;
}

const char *spate_dataframe_plan_string(spate_dataframe *df)
{
    if (!df) return NULL;
    pthread_mutex_lock(&df->ss->mu);
    if (!df->tree) {
        const char *t = sp_plan_tree_string(df->scope->arena, df->plan);
        size_t n = strlen(t);
        while (n && t[n - 1] == '\n')
            n--;
        char *c = spate_arena_alloc(df->scope->arena, n + 1);
        memcpy(c, t, n);
        c[n] = '\0';
        df->tree = c;
    }
    pthread_mutex_unlock(&df->ss->mu);
    return df->tree;
}

spate_err spate_dataframe_explain(spate_dataframe *df, FILE *out)
{
    if (!df || !out) return SPATE_ERR_INVALID_ARG;
    fprintf(out, "== Analyzed Logical Plan ==\n%s\n\n", spate_dataframe_plan_string(df));
    fflush(out);
    return SPATE_OK;
}

spate_err sp_api_put_view(spate_session *ss, sp_api_scope *sc, const char *name,
                          const sp_plan *plan)
{
    sp_catalog_table t = {.kind = SP_TABLE_VIEW, .name = name, .plan = plan, .text = ""};
    spate_err e = sp_catalog_put(ss->s->catalog, &t, true);
    if (e != SPATE_OK || !sc->drop_views) return e;
    if (sc->nviews == sc->capviews) {
        sc->capviews = sc->capviews ? 2 * sc->capviews : 4;
        sc->views = realloc(sc->views, sizeof *sc->views * (size_t)sc->capviews);
        if (!sc->views) abort();
    }
    sc->views[sc->nviews++] = sp_api_strdup(sc, name);
    return SPATE_OK;
}

spate_err spate_dataframe_create_or_replace_temp_view(spate_dataframe *df, const char *name)
{
    if (!df || !name) return SPATE_ERR_INVALID_ARG;
    pthread_mutex_lock(&df->ss->mu);
    spate_err e = sp_api_put_view(df->ss, df->scope, name, df->plan);
    pthread_mutex_unlock(&df->ss->mu);
    if (e != SPATE_OK) sp_api_errorf(df->ss, "cannot register the view `%s`", name);
    return e;
}

/* Spark's JoinType names: case and underscores do not matter. */
static const struct {
    const char *name;
    int op;
} join_types[] = {
    {"inner", JOIN_INNER},      {"outer", JOIN_FULL},         {"full", JOIN_FULL},
    {"fullouter", JOIN_FULL},   {"leftouter", JOIN_LEFT},     {"left", JOIN_LEFT},
    {"rightouter", JOIN_RIGHT}, {"right", JOIN_RIGHT},        {"leftsemi", JOIN_LEFT_SEMI},
    {"semi", JOIN_LEFT_SEMI},   {"leftanti", JOIN_LEFT_ANTI}, {"anti", JOIN_LEFT_ANTI},
    {"cross", JOIN_CROSS},
};

static bool join_kind(const char *how, int *op)
{
    char k[32];
    size_t n = 0;
    for (const char *c = how ? how : "inner"; *c && n + 1 < sizeof k; c++)
        if (*c != '_') k[n++] = (char)tolower((unsigned char)*c);
    k[n] = 0;
    for (size_t i = 0; i < sizeof join_types / sizeof *join_types; i++)
        if (!strcmp(k, join_types[i].name)) return *op = join_types[i].op, true;
    return false;
}

/* A table reference node to name aliased alias. */
static sp_sql_node *table_ref(spate_arena *a, const char *name, const char *alias)
{
    sp_sql_node *t = sp_sql_node_new(a, SQL_TABLE_REF, 0);
    sp_sql_node *part = sp_sql_node_new(a, SQL_NAME, 0);
    part->str = name;
    sp_sql_list_push(&t->list, a, part);
    t->str = alias;
    return t;
}

/* left JOIN right as `l` and `r`, ON cond (text) or USING using. */
static spate_dataframe *join(spate_dataframe *df, spate_dataframe *other, const char *on,
                             const char *using, const char *how)
{
    if (!df || !other || (!on && !using)) return NULL;
    spate_session *ss = df->ss;
    int op = 0;
    if (!join_kind(how, &op)) {
        sp_api_errorf(ss,
                      "[UNSUPPORTED_JOIN_TYPE] Unsupported join type '%s'. Supported join types "
                      "include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', "
                      "'leftouter', 'left', 'left_outer', 'rightouter', 'right', 'right_outer', "
                      "'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', "
                      "'cross'. SQLSTATE: 0A000",
                      how);
        return NULL;
    }
    pthread_mutex_lock(&ss->mu);
    /* a batch's scope wins: the result reads that batch's plan */
    sp_api_scope *sc = df->scope == &ss->root ? other->scope : df->scope;
    spate_arena *a = sc->arena;
    const char *ln = sp_api_hidden_name(ss, sc), *rn = sp_api_hidden_name(ss, sc);
    spate_dataframe *out = NULL;
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_sql_node *cond = NULL;
    const char *text = on; /* USING: no text of the user's to point into */
    if (on && !sp_sql_parse_expression(on, strlen(on), a, &cond, &e)) {
        sp_api_error_take(ss, sp_session_error(&e, on));
        pthread_mutex_unlock(&ss->mu);
        return NULL;
    }
    sp_api_put_view(ss, &(sp_api_scope){0}, ln, df->plan);
    sp_api_put_view(ss, &(sp_api_scope){0}, rn, other->plan);
    sp_sql_node *j = sp_sql_node_new(a, SQL_JOIN, 0);
    j->op = op;
    j->a = table_ref(a, ln, "l");
    j->b = table_ref(a, rn, "r");
    j->c = cond;
    if (using) {
        sp_sql_node *u = sp_sql_node_new(a, SQL_NAME, 0);
        u->str = sp_api_strdup(sc, using);
        sp_sql_list_push(&j->list, a, u);
    }
    sp_analyzer az = sp_api_analyzer(ss, sc, text);
    sp_plan *p = sp_az_relation(&az, j, NULL, &e);
    sp_catalog_drop(ss->s->catalog, ln);
    sp_catalog_drop(ss->s->catalog, rn);
    if (p)
        out = sp_api_df(ss, sc, p, true);
    else
        sp_api_error_take(ss, sp_session_error(&e, on));
    pthread_mutex_unlock(&ss->mu);
    return out;
}

spate_dataframe *spate_dataframe_join(spate_dataframe *df, spate_dataframe *other, const char *on,
                                      const char *how)
{
    return on ? join(df, other, on, NULL, how) : NULL;
}

spate_dataframe *spate_dataframe_join_using(spate_dataframe *df, spate_dataframe *other,
                                            const char *using_column, const char *how)
{
    return using_column ? join(df, other, NULL, using_column, how) : NULL;
}
