/* api_sort.c - orderBy / sort and limit of the public DataFrame API. The
 * dataframe is registered as a hidden view and the analyzer reads
 * "SELECT * FROM view ORDER BY <specs>" (or LIMIT n), so ORDER BY's own
 * rules apply; an error in the user's sort specs is moved back onto their
 * text. Any thread: under the session's API lock. */
#include "sql/api_int.h"

#include "base/arena.h"
#include "sql/parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Renders e against the user's part of text (from byte prefix on) when it
 * points there, else against text. */
static void report(spate_session *ss, sp_sql_error *e, const char *text, size_t prefix)
{
    const char *user = text + prefix;
    if (e->offset >= prefix) {
        sp_sql_error_at(e, user, strlen(user), e->offset - prefix);
        sp_api_error_take(ss, sp_session_error(e, user));
    } else {
        sp_api_error_take(ss, sp_session_error(e, text));
    }
}

/* df as a hidden view V, then the query "SELECT * FROM `V`<clause><user>",
 * errors in user reported against it. Caller holds the lock. */
static spate_dataframe *query_over(spate_dataframe *df, const char *clause, const char *user)
{
    spate_session *ss = df->ss;
    sp_api_scope *sc = df->scope;
    const char *view = sp_api_hidden_name(ss, sc);
    size_t prefix = strlen("SELECT * FROM ``") + strlen(view) + strlen(clause);
    size_t n = prefix + strlen(user) + 1;
    char *text = spate_arena_alloc(sc->arena, n);
    snprintf(text, n, "SELECT * FROM `%s`%s%s", view, clause, user);
    sp_sql_list stmts = {0};
    sp_sql_error e;
    sp_sql_error_init(&e);
    spate_dataframe *out = NULL;
    if (!sp_sql_parse(text, strlen(text), sc->arena, &stmts, &e) || stmts.n != 1) {
        if (!sp_sql_error_is_set(&e))
            sp_api_errorf(ss, "'%s' is not one sort specification list", user);
        else
            report(ss, &e, text, prefix);
        return NULL;
    }
    sp_api_put_view(ss, &(sp_api_scope){0}, view, df->plan);
    sp_analyzer az = sp_api_analyzer(ss, sc, text);
    sp_plan *p = sp_analyze_query(&az, stmts.items[0], &e);
    sp_catalog_drop(ss->s->catalog, view);
    if (p)
        out = sp_api_df(ss, sc, p, true);
    else
        report(ss, &e, text, prefix);
    return out;
}

spate_dataframe *spate_dataframe_order_by(spate_dataframe *df, const char *const *specs, size_t n)
{
    if (!df || !specs || !n) return NULL;
    size_t len = 1;
    for (size_t i = 0; i < n; i++) {
        if (!specs[i]) return NULL;
        len += strlen(specs[i]) + 2;
    }
    char *user = malloc(len);
    if (!user) abort();
    user[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(user, i ? ", " : "");
        strcat(user, specs[i]);
    }
    pthread_mutex_lock(&df->ss->mu);
    spate_dataframe *out = query_over(df, " ORDER BY ", user);
    pthread_mutex_unlock(&df->ss->mu);
    free(user);
    return out;
}

spate_dataframe *spate_dataframe_limit(spate_dataframe *df, int64_t n)
{
    if (!df) return NULL;
    if (n < 0) {
        sp_api_errorf(df->ss,
                      "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like expression "
                      "\"%lld\" is invalid. The limit expression must be equal to or greater "
                      "than 0, but got %lld. SQLSTATE: 42K0E",
                      (long long)n, (long long)n);
        return NULL;
    }
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)n);
    pthread_mutex_lock(&df->ss->mu);
    spate_dataframe *out = query_over(df, " LIMIT ", num);
    pthread_mutex_unlock(&df->ss->mu);
    return out;
}
