/* parse_command.c - statements: the dispatch, SET (raw, as Spark's
 * SparkSqlParser reads it), EXPLAIN, SHOW TABLES, DESCRIBE. */
#include "sql/parser_int.h"

#include <string.h>

static bool key_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':';
}

/* s[*i..] is `quoted`: returns its content (`` -> `) and moves past it. */
static char *backquoted(sp_parser *p, const char *s, size_t n, size_t *i)
{
    char *out = spate_arena_alloc(p->arena, n + 1);
    size_t k = 0, j = *i + 1;
    for (; j < n; j++) {
        if (s[j] == '`') {
            if (j + 1 < n && s[j + 1] == '`') {
                out[k++] = '`';
                j++;
                continue;
            }
            out[k] = '\0';
            *i = j + 1;
            return out;
        }
        out[k++] = s[j];
    }
    return NULL;
}

static bool space(char c) { return (unsigned char)c <= ' '; }

/* Reads SET's remainder r[0..n) (trimmed): "", "-v", key, key=value, with
 * key [A-Za-z0-9_.:]+ or `quoted` and a value that may be `quoted`. */
static bool set_parts(sp_parser *p, const char *r, size_t n, sp_sql_node *set)
{
    if (n == 0) return true;
    if (n == 2 && r[0] == '-' && r[1] == 'v') {
        set->str = sp_p_copy(p, r, 2);
        return true;
    }
    size_t i = 0;
    if (r[0] == '`') {
        if (!(set->str = backquoted(p, r, n, &i))) return false;
    } else {
        while (i < n && key_byte(r[i]))
            i++;
        if (i == 0) return false;
        set->str = sp_p_copy(p, r, i);
    }
    while (i < n && space(r[i]))
        i++;
    if (i == n) return true;
    if (r[i] != '=') return false;
    i++;
    while (i < n && space(r[i]))
        i++;
    sp_sql_node *v = sp_p_node(p, SQL_LIT_STRING, (uint32_t)(r + i - p->text));
    if (i < n && r[i] == '`') {
        size_t j = i;
        char *q = backquoted(p, r, n, &j);
        if (q && j == n) {
            v->str = q;
            set->b = v;
            return true;
        }
    }
    v->str = sp_p_copy(p, r + i, n - i);
    v->end = (uint32_t)(r + n - p->text);
    set->b = v;
    return true;
}

/* SET: the rest of the statement, up to ';' outside backquotes, raw. */
sp_sql_node *sp_p_set(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_SET, CUR(p)->off);
    size_t start = CUR(p)->off + CUR(p)->len, end = start;
    bool quoted = false;
    for (; end < p->len && (quoted || p->text[end] != ';'); end++)
        if (p->text[end] == '`') quoted = !quoted;
    const char *r = p->text + start;
    size_t len = end - start;
    while (len && space(*r))
        r++, len--;
    while (len && space(r[len - 1]))
        len--;
    if (!set_parts(p, r, len, n)) sp_p_fail(p, n->off, "INVALID_SET_SYNTAX", NULL);
    sp_p_reset_at(p, end);
    p->prev_end = (uint32_t)(r + len - p->text);
    return sp_p_done(p, n);
}

static sp_sql_node *explain(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_EXPLAIN, CUR(p)->off);
    sp_p_advance(p);
    static const char *const modes[] = {"EXTENDED", "FORMATTED", "CODEGEN", "COST"};
    for (int i = 0; i < 4; i++)
        if (sp_p_accept_kw(p, modes[i])) {
            n->op = EXPLAIN_EXTENDED + i;
            break;
        }
    n->a = sp_p_statement(p);
    return sp_p_done(p, n);
}

static sp_sql_node *show(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_SHOW_TABLES, CUR(p)->off);
    sp_p_advance(p);
    sp_p_expect_kw(p, "TABLES");
    if (sp_p_accept_kw(p, "FROM") || sp_p_accept_kw(p, "IN")) sp_p_multipart(p, &n->list);
    if (sp_p_accept_kw(p, "LIKE") || CUR(p)->kind == TK_STRING) n->b = sp_p_string(p);
    return sp_p_done(p, n);
}

static sp_sql_node *describe(sp_parser *p)
{
    sp_sql_node *n = sp_p_node(p, SQL_DESCRIBE, CUR(p)->off);
    sp_p_advance(p);
    sp_p_accept_kw(p, "TABLE");
    if (sp_p_accept_kw(p, "EXTENDED") || sp_p_accept_kw(p, "FORMATTED")) n->flags |= SQL_F_EXTENDED;
    sp_p_multipart(p, &n->list);
    return sp_p_done(p, n);
}

sp_sql_node *sp_p_statement(sp_parser *p)
{
    sp_p_enter(p);
    sp_sql_node *s;
    if (sp_p_at_query(p, 0))
        s = sp_p_query(p);
    else if (sp_p_kw(p, 0, "CREATE"))
        s = sp_p_create(p);
    else if (sp_p_kw(p, 0, "INSERT"))
        s = sp_p_insert(p);
    else if (sp_p_kw(p, 0, "SET"))
        s = sp_p_set(p);
    else if (sp_p_kw(p, 0, "EXPLAIN"))
        s = explain(p);
    else if (sp_p_kw(p, 0, "SHOW"))
        s = show(p);
    else if (sp_p_kw(p, 0, "DESCRIBE") || sp_p_kw(p, 0, "DESC"))
        s = describe(p);
    else
        sp_p_syntax_error(p, CUR(p), "");
    sp_p_leave(p);
    return s;
}
