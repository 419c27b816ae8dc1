/* type_parse.c - DDL type strings and table schemas (Spark's
 * DataTypeParser.parseDataType / parseTableSchema): a small lexer and a
 * recursive descent over
 *   schema  := [column {',' column}]
 *   column  := name type [NOT NULL] [COMMENT 'text']
 *   type    := ARRAY '<' type '>' | MAP '<' type ',' type '>'
 *            | STRUCT ('<' [field {',' field}] '>' | '<>')
 *            | name ['(' int {',' int} ')']
 *   field   := name [':'] type [NOT NULL] [COMMENT 'text']
 * with Spark's aliases. Errors name the byte position and Spark's class.
 * Any thread; each call is independent. */
#include "sql/types.h"

#include "base/arena.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef enum tok_kind { T_END, T_WORD, T_QUOTED, T_INT, T_STRING, T_PUNCT, T_BAD } tok_kind;

typedef struct tok {
    tok_kind kind;
    int pos, len; /* bytes of the text */
} tok;

typedef struct parser {
    spate_arena *a;
    const char *text;
    int pos; /* the lexer's position */
    tok cur;
    sp_sql_type_error *err;
    bool failed;           /* a syntax error: parsing stops */
    sp_sql_type_error sem; /* the first error in a well-formed type */
    bool sem_failed;       /* reported only when the syntax is right, as Spark */
} parser;

enum { MAX_DEPTH = 64, MAX_PARAMS = 8 };

static int skip_space(const char *s, int i)
{
    for (;;) {
        if (isspace((unsigned char)s[i])) {
            i++;
        } else if (s[i] == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n')
                i++;
        } else if (s[i] == '/' && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            i = end ? (int)(end - s) + 2 : (int)strlen(s);
        } else {
            return i;
        }
    }
}

/* The end of a quoted token starting at i (quote q, doubled or \-escaped). */
static int quoted_end(const char *s, int i, char q, bool backslash)
{
    for (i++; s[i]; i++) {
        if (backslash && s[i] == '\\' && s[i + 1]) {
            i++;
        } else if (s[i] == q) {
            if (!backslash && s[i + 1] == q) {
                i++;
                continue;
            }
            return i + 1;
        }
    }
    return -1;
}

static void next(parser *p)
{
    const char *s = p->text;
    int i = skip_space(s, p->pos), j = i;
    tok_kind k;
    if (!s[i]) {
        k = T_END;
    } else if (isalnum((unsigned char)s[i]) || s[i] == '_') {
        bool digits = true;
        for (; isalnum((unsigned char)s[j]) || s[j] == '_'; j++)
            digits = digits && isdigit((unsigned char)s[j]);
        k = digits ? T_INT : T_WORD;
    } else if (s[i] == '`' || s[i] == '\'' || s[i] == '"') {
        j = quoted_end(s, i, s[i], s[i] != '`');
        k = j < 0 ? T_BAD : s[i] == '`' ? T_QUOTED : T_STRING;
        if (j < 0) j = (int)strlen(s);
    } else {
        j = i + (s[i] == '<' && s[i + 1] == '>' ? 2 : 1);
        k = T_PUNCT;
    }
    p->cur = (tok){k, i, j - i};
    p->pos = j;
}

static void fail_at(parser *p, int pos, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A syntax error stops the parse; any other is kept in sem and the parse
 * goes on, so that a later syntax error wins, as in Spark (which parses
 * the whole text before it builds the types). */
static void fail_at(parser *p, int pos, const char *cls, const char *fmt, ...)
{
    bool syntax = strcmp(cls, "PARSE_SYNTAX_ERROR") == 0;
    if (p->failed || (!syntax && p->sem_failed)) return;
    sp_sql_type_error *e = syntax ? p->err : &p->sem;
    *(syntax ? &p->failed : &p->sem_failed) = true;
    snprintf(e->error_class, sizeof e->error_class, "%s", cls);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    e->position = pos;
}

/* [PARSE_SYNTAX_ERROR] at the current token. */
static void syntax_error(parser *p)
{
    if (p->cur.kind == T_END)
        fail_at(p, p->cur.pos, "PARSE_SYNTAX_ERROR", "Syntax error at or near end of input.");
    else
        fail_at(p, p->cur.pos, "PARSE_SYNTAX_ERROR", "Syntax error at or near '%.*s'.", p->cur.len,
                p->text + p->cur.pos);
}

static bool is_punct(const parser *p, const char *s)
{
    return p->cur.kind == T_PUNCT && (size_t)p->cur.len == strlen(s) &&
           memcmp(p->text + p->cur.pos, s, strlen(s)) == 0;
}

static bool is_word(const parser *p, const char *w)
{
    return p->cur.kind == T_WORD && (size_t)p->cur.len == strlen(w) &&
           strncasecmp(p->text + p->cur.pos, w, strlen(w)) == 0;
}

static bool expect_punct(parser *p, const char *s)
{
    if (!is_punct(p, s)) {
        syntax_error(p);
        return false;
    }
    next(p);
    return true;
}

/* The unquoted text of a quoted token (doubled quotes or backslash escapes
 * undone), in the arena. */
static const char *unquote(parser *p, tok t)
{
    const char *s = p->text + t.pos;
    char q = s[0], *out = spate_arena_alloc(p->a, (size_t)t.len), *o = out;
    for (int i = 1; i < t.len - 1; i++) {
        char c = s[i];
        if (q == '`' && c == '`') {
            i++;
        } else if (q != '`' && c == '\\') {
            c = s[++i];
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == '0' ? '\0' : c;
        }
        *o++ = c;
    }
    *o = '\0';
    return out;
}

/* An identifier (a word, keywords included, or a backquoted name). */
static const char *parse_name(parser *p)
{
    const char *name = NULL;
    if (p->cur.kind == T_WORD)
        name = sp_arena_memdup(p->a, p->text + p->cur.pos, (size_t)p->cur.len + 1);
    else if (p->cur.kind == T_QUOTED)
        name = unquote(p, p->cur);
    if (!name) {
        syntax_error(p);
        return NULL;
    }
    if (p->cur.kind == T_WORD) ((char *)name)[p->cur.len] = '\0';
    next(p);
    return name;
}

/* What a type in error stands for while the parse goes on. */
#define TYPE_IN_ERROR sp_sql_prim(SP_SQL_NULL)

typedef enum param_kind { P_NONE, P_DECIMAL, P_LENGTH } param_kind;

static const struct prim_name {
    const char *name;
    sp_sql_type_id id;
    param_kind params;
} PRIM_NAMES[] = {
    {"boolean", SP_SQL_BOOLEAN, P_NONE},
    {"tinyint", SP_SQL_TINYINT, P_NONE},
    {"byte", SP_SQL_TINYINT, P_NONE},
    {"smallint", SP_SQL_SMALLINT, P_NONE},
    {"short", SP_SQL_SMALLINT, P_NONE},
    {"int", SP_SQL_INT, P_NONE},
    {"integer", SP_SQL_INT, P_NONE},
    {"bigint", SP_SQL_BIGINT, P_NONE},
    {"long", SP_SQL_BIGINT, P_NONE},
    {"float", SP_SQL_FLOAT, P_NONE},
    {"real", SP_SQL_FLOAT, P_NONE},
    {"double", SP_SQL_DOUBLE, P_NONE},
    {"date", SP_SQL_DATE, P_NONE},
    {"timestamp", SP_SQL_TIMESTAMP, P_NONE},
    {"timestamp_ltz", SP_SQL_TIMESTAMP, P_NONE},
    {"timestamp_ntz", SP_SQL_TIMESTAMP_NTZ, P_NONE},
    {"string", SP_SQL_STRING, P_NONE},
    {"binary", SP_SQL_BINARY, P_NONE},
    {"void", SP_SQL_NULL, P_NONE},
    {"decimal", SP_SQL_DECIMAL, P_DECIMAL},
    {"dec", SP_SQL_DECIMAL, P_DECIMAL},
    {"numeric", SP_SQL_DECIMAL, P_DECIMAL},
    {"char", SP_SQL_STRING, P_LENGTH},
    {"character", SP_SQL_STRING, P_LENGTH},
    {"varchar", SP_SQL_STRING, P_LENGTH},
};

/* The type's text as Spark's toSQLType prints it: upper case, with the
 * parameters joined by ",": "UNKNOWN(1,2,3)". */
static void type_text(const parser *p, tok name, const tok *params, int n, char *buf, size_t size)
{
    int len = snprintf(buf, size, "%.*s", name.len, p->text + name.pos);
    for (int i = 0; i < n && len >= 0 && (size_t)len < size; i++)
        len += snprintf(buf + len, size - (size_t)len, "%s%.*s%s", i ? "," : "(", params[i].len,
                        p->text + params[i].pos, i == n - 1 ? ")" : "");
    for (char *c = buf; *c; c++)
        *c = (char)toupper((unsigned char)*c);
}

/* '(' int {',' int} ')' after a type name; returns the count (-1: error). */
static int parse_params(parser *p, tok *params)
{
    int n = 0;
    if (!is_punct(p, "(")) return 0;
    next(p);
    for (;;) {
        if (p->cur.kind != T_INT || n == MAX_PARAMS) {
            syntax_error(p);
            return -1;
        }
        params[n++] = p->cur;
        next(p);
        if (!is_punct(p, ",")) break;
        next(p);
    }
    return expect_punct(p, ")") ? n : -1;
}

static long param_value(const parser *p, tok t)
{
    long v = 0;
    for (int i = 0; i < t.len && v < 100000; i++)
        v = v * 10 + (p->text[t.pos + i] - '0');
    return v;
}

static const sp_sql_type *make_decimal(parser *p, int pos, long prec, long scale, const char *text)
{
    if (prec > SP_SQL_DECIMAL_MAX_PRECISION) {
        fail_at(p, pos, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
                "Decimal precision %ld exceeds max precision %d.", prec,
                SP_SQL_DECIMAL_MAX_PRECISION);
        return TYPE_IN_ERROR;
    }
    if (scale > prec) {
        fail_at(p, pos, "_LEGACY_ERROR_TEMP_1228",
                "Decimal scale (%ld) cannot be greater than precision (%ld).", scale, prec);
        return TYPE_IN_ERROR;
    }
    if (prec < 1) { /* Spark takes DECIMAL(0); spate's columns need a digit */
        fail_at(p, pos, "UNSUPPORTED_DATATYPE", "Unsupported data type \"%s\".", text);
        return TYPE_IN_ERROR;
    }
    return sp_sql_decimal(p->a, (int)prec, (int)scale);
}

static const sp_sql_type *parse_primitive(parser *p)
{
    tok name = p->cur, params[MAX_PARAMS];
    if (name.kind != T_WORD) {
        syntax_error(p);
        return NULL;
    }
    next(p);
    int n = parse_params(p, params);
    if (n < 0) return NULL;
    char text[128];
    type_text(p, name, params, n, text, sizeof text);
    const struct prim_name *m = NULL;
    for (size_t i = 0; i < sizeof PRIM_NAMES / sizeof PRIM_NAMES[0]; i++)
        if (strlen(PRIM_NAMES[i].name) == (size_t)name.len &&
            strncasecmp(PRIM_NAMES[i].name, p->text + name.pos, (size_t)name.len) == 0)
            m = &PRIM_NAMES[i];
    if (m && m->params == P_LENGTH && n == 0) {
        fail_at(p, name.pos, "DATATYPE_MISSING_SIZE",
                "DataType \"%s\" requires a length parameter, for example \"%s\"(10). Please "
                "specify the length.",
                text, text);
        return TYPE_IN_ERROR;
    }
    if (m && m->params == P_DECIMAL && n <= 2)
        return make_decimal(p, name.pos, n ? param_value(p, params[0]) : 10,
                            n == 2 ? param_value(p, params[1]) : 0, text);
    if (!m || m->params == P_DECIMAL || (m->params == P_NONE && n) ||
        (m->params == P_LENGTH && n != 1)) {
        fail_at(p, name.pos, "UNSUPPORTED_DATATYPE", "Unsupported data type \"%s\".", text);
        return TYPE_IN_ERROR;
    }
    return sp_sql_prim(m->id);
}

static const sp_sql_type *parse_type(parser *p, int depth);

/* [NOT NULL] [COMMENT 'text'] after a column's or a field's type. */
static void parse_column_tail(parser *p, sp_sql_field *f)
{
    f->nullable = true;
    if (is_word(p, "not")) {
        next(p);
        if (!is_word(p, "null")) {
            syntax_error(p);
            return;
        }
        next(p);
        f->nullable = false;
    }
    if (is_word(p, "comment")) {
        next(p);
        if (p->cur.kind != T_STRING) {
            syntax_error(p);
            return;
        }
        f->comment = unquote(p, p->cur);
        next(p);
    }
}

/* Fields up to the closing token ('>' for STRUCT, the end for a schema),
 * into a STRUCT. colon: a field's ':' is allowed (STRUCT's fields). */
static const sp_sql_type *parse_fields(parser *p, bool in_struct, int depth)
{
    int n = 0, cap = 8;
    sp_sql_field *fields = spate_arena_alloc(p->a, sizeof *fields * (size_t)cap);
    while (!p->failed && !(in_struct ? is_punct(p, ">") : p->cur.kind == T_END)) {
        if (n && !expect_punct(p, ",")) break;
        if (n == cap) {
            sp_sql_field *more = spate_arena_alloc(p->a, sizeof *more * (size_t)cap * 2);
            memcpy(more, fields, sizeof *fields * (size_t)n);
            fields = more, cap *= 2;
        }
        sp_sql_field *f = &fields[n++];
        *f = (sp_sql_field){.name = parse_name(p)};
        if (p->failed) break;
        if (in_struct && is_punct(p, ":")) next(p);
        f->type = parse_type(p, depth + 1);
        if (!p->failed) parse_column_tail(p, f);
    }
    return p->failed ? NULL : sp_sql_struct(p->a, fields, n);
}

static const sp_sql_type *parse_type(parser *p, int depth)
{
    if (depth > MAX_DEPTH) {
        fail_at(p, p->cur.pos, "PARSE_SYNTAX_ERROR",
                "Syntax error at or near '%.*s': nested "
                "too deeply.",
                p->cur.len, p->text + p->cur.pos);
        return NULL;
    }
    bool array = is_word(p, "array"), map = is_word(p, "map"), strct = is_word(p, "struct");
    if (!array && !map && !strct) return parse_primitive(p);
    next(p);
    if (strct && is_punct(p, "<>")) {
        next(p);
        return sp_sql_struct(p->a, NULL, 0);
    }
    if (!expect_punct(p, "<")) return NULL;
    const sp_sql_type *t = NULL, *k = NULL;
    if (strct) {
        t = parse_fields(p, true, depth);
    } else if (array) {
        k = parse_type(p, depth + 1);
        if (k) t = sp_sql_array(p->a, k, true);
    } else if ((k = parse_type(p, depth + 1)) && expect_punct(p, ",")) {
        const sp_sql_type *v = parse_type(p, depth + 1);
        if (v) t = sp_sql_map(p->a, k, v, true);
    }
    return t && expect_punct(p, ">") ? t : NULL;
}

static void start(parser *p, spate_arena *a, const char *text, sp_sql_type_error *err)
{
    *p = (parser){.a = a, .text = text, .err = err};
    *err = (sp_sql_type_error){.position = -1};
    next(p);
}

static const sp_sql_type *finish(parser *p, const sp_sql_type *t)
{
    if (t && !p->failed && p->cur.kind != T_END) syntax_error(p);
    if (!p->failed && p->sem_failed) *p->err = p->sem;
    return p->failed || p->sem_failed ? NULL : t;
}

const sp_sql_type *sp_sql_type_parse(spate_arena *a, const char *text, sp_sql_type_error *err)
{
    parser p;
    start(&p, a, text, err);
    return finish(&p, parse_type(&p, 0));
}

const sp_sql_type *sp_sql_schema_parse(spate_arena *a, const char *text, sp_sql_type_error *err)
{
    parser p;
    start(&p, a, text, err);
    return finish(&p, parse_fields(&p, false, 0));
}
