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

static void trim(const char **s, size_t *n)
{
    while (*n && space(**s))
        (*s)++, (*n)--;
    while (*n && space((*s)[*n - 1]))
        (*n)--;
}

/* A whole key: `quoted` or [A-Za-z0-9_.:]+; NULL if it is neither. */
static char *config_key(sp_parser *p, const char *k, size_t n)
{
    if (n && k[0] == '`') {
        size_t i = 0;
        char *q = backquoted(p, k, n, &i);
        return q && i == n ? q : NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!key_byte(k[i])) return NULL;
    return n ? sp_p_copy(p, k, n) : NULL;
}

/* A `quoted` value followed by nothing but comments (which the lexer then
 * reads, as Spark's does: an unclosed one is an error); NULL otherwise. */
static char *quoted_value(sp_parser *p, const char *v, size_t n)
{
    size_t i = 0;
    char *q = n && v[0] == '`' ? backquoted(p, v, n, &i) : NULL;
    if (!q) return NULL;
    sp_sql_lexer lx;
    sp_sql_lexer_init(&lx, p->text, (size_t)(v + n - p->text));
    lx.pos = (size_t)(v + i - p->text);
    sp_sql_token t;
    sp_sql_lex_next(&lx, &t);
    if (t.kind != TK_EOF) return NULL;
    if (lx.unclosed_comment)
        sp_p_fail(p, lx.unclosed_comment_off, "UNCLOSED_BRACKETED_COMMENT", NULL);
    return q;
}

static char *dquoted(sp_parser *p, const char *s, size_t n)
{
    char *d = spate_arena_alloc(p->arena, n + 3);
    d[0] = '"';
    memcpy(d + 1, s, n);
    memcpy(d + 1 + n, "\"", 2);
    return d;
}

/* SET's remainder r[0..n), as SparkSqlParser reads it: "" (list), "-v",
 * key, or key = value; key is [A-Za-z0-9_.:]+ or `quoted`, the value is the
 * raw rest or `quoted`. A bad key before a quoted value is
 * INVALID_PROPERTY_KEY, any other shape INVALID_SET_SYNTAX. */
static void set_parts(sp_parser *p, const char *r, size_t n, sp_sql_node *set)
{
    if (n == 0) return;
    if (n == 2 && r[0] == '-' && r[1] == 'v') {
        set->str = sp_p_copy(p, r, 2);
        return;
    }
    size_t eq = 0;
    bool q = false;
    while (eq < n && (q || r[eq] != '='))
        q ^= r[eq++] == '`';
    const char *k = r, *v = r + eq + 1;
    size_t kn = eq, vn = eq < n ? n - eq - 1 : 0;
    trim(&k, &kn);
    trim(&v, &vn);
    set->str = config_key(p, k, kn);
    if (eq == n) {
        if (!set->str) sp_p_fail(p, set->off, "INVALID_SET_SYNTAX", NULL);
        return;
    }
    sp_sql_node *val = sp_p_node(p, SQL_LIT_STRING, (uint32_t)(v - p->text));
    val->end = (uint32_t)(v + vn - p->text);
    val->str = quoted_value(p, v, vn);
    if (val->str && !set->str)
        sp_p_fail(p, set->off, "INVALID_PROPERTY_KEY", "key", dquoted(p, k, kn), "value",
                  dquoted(p, val->str, strlen(val->str)), NULL);
    if (!set->str) sp_p_fail(p, set->off, "INVALID_SET_SYNTAX", NULL);
    if (!val->str) val->str = sp_p_copy(p, v, vn);
    set->b = val;
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
    trim(&r, &len);
    set_parts(p, r, len, n);
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
    if (sp_p_at_query(p, 0) || sp_p_op(p, 0, OP_LPAREN))
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
