/* test_sql_error.c - SQL error values: Spark's message shape ("[COND] text
 * SQLSTATE: s"), sub-conditions appended after one space (an empty sub
 * message leaves Spark's double space), and the position/"== SQL ==" block
 * of ParseException.getMessage. */
#include "sql/sql_error.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Test(sql_error, sub_condition_messages)
{
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_sql_error_set(&e, "UNRESOLVED_COLUMN.WITH_SUGGESTION", "objectName", "`b`", "proposal",
                     "`a`, `c`", NULL);
    char *m = sp_sql_error_message(&e);
    cr_expect_str_eq(m, "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function "
                        "parameter with name `b` cannot be resolved. Did you mean one of the "
                        "following? [`a`, `c`]. SQLSTATE: 42703");
    free(m);
    sp_sql_error_set(&e, "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "objectName", "`b`", NULL);
    m = sp_sql_error_message(&e);
    cr_expect_str_eq(m, "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function "
                        "parameter with name `b` cannot be resolved.  SQLSTATE: 42703");
    free(m);
    cr_expect_str_eq(sp_sql_condition_sqlstate("UNRESOLVED_COLUMN.WITH_SUGGESTION"), "42703");
    cr_expect(sp_sql_condition_known("PARSE_SYNTAX_ERROR"));
    cr_expect(!sp_sql_condition_known("UNRESOLVED_COLUMN.NO_SUCH_SUB"));
    cr_expect(!sp_sql_condition_known("NO_SUCH_CONDITION"));
    sp_sql_error_clear(&e);
}

Test(sql_error, render_with_and_without_position)
{
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_sql_error_set(&e, "PARSE_SYNTAX_ERROR", "error", "'FORM'", "hint", "", NULL);
    char *r = sp_sql_error_render(&e, "SELECT 1");
    cr_expect_str_eq(r, "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'. SQLSTATE: 42601"
                        "\n== SQL ==\nSELECT 1");
    free(r);
    /* line 2, pos counted in code points; lines below the caret follow */
    const char *cmd = "SELECT 'é'\n  é FORM t\nWHERE 1\n\n";
    sp_sql_error_at(&e, cmd, strlen(cmd), strlen("SELECT 'é'\n  é "));
    cr_expect_eq(e.line, 2);
    cr_expect_eq(e.pos, 4);
    r = sp_sql_error_render(&e, cmd);
    cr_expect_str_eq(r,
                     "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'. SQLSTATE: 42601"
                     " (line 2, pos 4)\n\n== SQL ==\nSELECT 'é'\n  é FORM t\n----^^^\nWHERE 1\n");
    free(r);
    sp_sql_error_clear(&e);
    cr_expect(!sp_sql_error_is_set(&e));
}

/* Every condition the layer raises has a template, and every main one a
 * SQLSTATE of five characters. */
Test(sql_error, table_is_complete)
{
    for (size_t i = 0; i < sp_sql_conditions_count; i++) {
        const sp_sql_condition *c = &sp_sql_conditions[i];
        cr_expect(c->tmpl != NULL, "%s", c->main);
        if (!c->sub) cr_expect(c->sqlstate && strlen(c->sqlstate) == 5, "%s", c->main);
        char cond[128];
        snprintf(cond, sizeof cond, "%s%s%s", c->main, c->sub ? "." : "", c->sub ? c->sub : "");
        cr_expect(sp_sql_condition_known(cond), "%s", cond);
    }
}
