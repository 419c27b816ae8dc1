/* fuzz_sql_parser.c - libFuzzer target for the SQL parser: on any input it
 * never crashes or leaks, a success prints (the tree is well formed), and a
 * failure is a known error condition whose rendering has its "== SQL ==" block.
 * The same input is also parsed as a single expression.
 * Build and run: scripts/build-fuzz.sh --run */
#include "sql/parser.h"

#include <stdlib.h>
#include <string.h>

static void check_error(const sp_sql_error *err, const char *text)
{
    if (!sp_sql_error_is_set(err) || !sp_sql_condition_known(err->cond)) abort();
    char *r = sp_sql_error_render(err, text);
    if (r[0] != '[' || !strstr(r, "SQLSTATE: ") || !strstr(r, "\n== SQL ==\n")) abort();
    free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    spate_arena *a = spate_arena_new();
    sp_sql_error err;
    sp_sql_error_init(&err);
    sp_sql_list stmts;
    if (sp_sql_parse(text, size, a, &stmts, &err)) {
        if (stmts.n == 0) abort();
        for (uint32_t i = 0; i < stmts.n; i++)
            if (!sp_sql_node_sexpr(a, stmts.items[i])[0]) abort();
    } else {
        check_error(&err, text);
    }
    sp_sql_error_clear(&err);
    sp_sql_node *e = NULL;
    if (sp_sql_parse_expression(text, size, a, &e, &err)) {
        if (!e || !sp_sql_node_sexpr(a, e)[0]) abort();
    } else {
        check_error(&err, text);
    }
    sp_sql_error_clear(&err);
    spate_arena_destroy(a);
    free(text);
    return 0;
}
