/* type_names.c - Spark's printed names of SQL types: simpleString,
 * catalogString, sql and a schema's DDL (see types.h). Any thread. */
#include "sql/types.h"

#include "base/arena.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Spark's spark.sql.debug.maxToStringFields default: simpleString of a
 * struct with more fields ends in "... N more fields". */
enum { MAX_TO_STRING_FIELDS = 25 };

typedef enum name_form { FORM_SIMPLE, FORM_CATALOG, FORM_SQL } name_form;

/* A growing string on the heap; the result is copied into the arena. */
typedef struct strbuf {
    char *p;
    size_t len, cap;
} strbuf;

static void sb_putn(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 64;
        b->p = sp_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(strbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

static const char *sb_finish(strbuf *b, spate_arena *a)
{
    const char *r = sp_arena_memdup(a, b->p ? b->p : "", b->len + 1);
    free(b->p);
    return r;
}

static const char *const PRIM_NAMES[] = {
    [SP_SQL_NULL] = "void",
    [SP_SQL_BOOLEAN] = "boolean",
    [SP_SQL_TINYINT] = "tinyint",
    [SP_SQL_SMALLINT] = "smallint",
    [SP_SQL_INT] = "int",
    [SP_SQL_BIGINT] = "bigint",
    [SP_SQL_FLOAT] = "float",
    [SP_SQL_DOUBLE] = "double",
    [SP_SQL_DECIMAL] = "decimal",
    [SP_SQL_STRING] = "string",
    [SP_SQL_BINARY] = "binary",
    [SP_SQL_DATE] = "date",
    [SP_SQL_TIMESTAMP] = "timestamp",
    [SP_SQL_TIMESTAMP_NTZ] = "timestamp_ntz",
};

/* QuotingUtils.quoteIfNeeded: [a-zA-Z0-9_]+ and not all digits stays bare,
 * anything else is backquoted with ` doubled. */
static void put_name(strbuf *b, const char *name)
{
    bool bare = *name != '\0', digits = true;
    for (const char *c = name; *c; c++) {
        if (!isalnum((unsigned char)*c) && *c != '_') bare = false;
        if (!isdigit((unsigned char)*c)) digits = false;
    }
    if (bare && !digits) {
        sb_puts(b, name);
        return;
    }
    sb_puts(b, "`");
    for (const char *c = name; *c; c++)
        *c == '`' ? sb_puts(b, "``") : sb_putn(b, c, 1);
    sb_puts(b, "`");
}

/* " COMMENT '...'" with ' escaped as \' (escapeSingleQuotedString). */
static void put_comment(strbuf *b, const char *comment)
{
    if (!comment) return;
    sb_puts(b, " COMMENT '");
    for (const char *c = comment; *c; c++)
        *c == '\'' ? sb_puts(b, "\\'") : sb_putn(b, c, 1);
    sb_puts(b, "'");
}

static void put_type(strbuf *b, const sp_sql_type *t, name_form form);

static void put_field(strbuf *b, const sp_sql_field *f, name_form form)
{
    if (form != FORM_SQL) {
        sb_puts(b, f->name);
        sb_puts(b, ":");
        put_type(b, f->type, form);
        return;
    }
    put_name(b, f->name);
    sb_puts(b, ": ");
    put_type(b, f->type, form);
    if (!f->nullable) sb_puts(b, " NOT NULL");
    put_comment(b, f->comment);
}

static void put_struct(strbuf *b, const sp_sql_type *t, name_form form)
{
    sb_puts(b, form == FORM_SQL ? "STRUCT<" : "struct<");
    const char *sep = form == FORM_SQL ? ", " : ",";
    int shown = t->nfields;
    if (form == FORM_SIMPLE && t->nfields > MAX_TO_STRING_FIELDS) shown = MAX_TO_STRING_FIELDS - 1;
    for (int i = 0; i < shown; i++) {
        if (i) sb_puts(b, sep);
        put_field(b, &t->fields[i], form);
    }
    if (shown < t->nfields) { /* SparkStringUtils.truncatedString */
        char more[48];
        snprintf(more, sizeof more, ",... %d more fields", t->nfields - shown);
        sb_puts(b, more);
    }
    sb_puts(b, ">");
}

static void put_prim(strbuf *b, const sp_sql_type *t, name_form form)
{
    char tmp[32];
    if (t->id == SP_SQL_DECIMAL)
        snprintf(tmp, sizeof tmp, "decimal(%d,%d)", t->precision, t->scale);
    else
        snprintf(tmp, sizeof tmp, "%s", PRIM_NAMES[t->id]);
    if (form == FORM_SQL)
        for (char *c = tmp; *c; c++)
            *c = (char)toupper((unsigned char)*c);
    sb_puts(b, tmp);
}

static void put_type(strbuf *b, const sp_sql_type *t, name_form form)
{
    bool sql = form == FORM_SQL;
    switch (t->id) {
    case SP_SQL_ARRAY:
        sb_puts(b, sql ? "ARRAY<" : "array<");
        put_type(b, t->elem, form);
        sb_puts(b, ">");
        break;
    case SP_SQL_MAP:
        sb_puts(b, sql ? "MAP<" : "map<");
        put_type(b, t->elem, form);
        sb_puts(b, sql ? ", " : ",");
        put_type(b, t->value, form);
        sb_puts(b, ">");
        break;
    case SP_SQL_STRUCT:
        put_struct(b, t, form);
        break;
    default:
        put_prim(b, t, form);
    }
}

static const char *type_string(spate_arena *a, const sp_sql_type *t, name_form form)
{
    strbuf b = {0};
    put_type(&b, t, form);
    return sb_finish(&b, a);
}

const char *sp_sql_type_simple_string(spate_arena *a, const sp_sql_type *t)
{
    return type_string(a, t, FORM_SIMPLE);
}

const char *sp_sql_type_catalog_string(spate_arena *a, const sp_sql_type *t)
{
    return type_string(a, t, FORM_CATALOG);
}

const char *sp_sql_type_sql(spate_arena *a, const sp_sql_type *t)
{
    return type_string(a, t, FORM_SQL);
}

const char *sp_sql_schema_ddl(spate_arena *a, const sp_sql_type *schema)
{
    strbuf b = {0};
    for (int i = 0; schema->id == SP_SQL_STRUCT && i < schema->nfields; i++) {
        const sp_sql_field *f = &schema->fields[i];
        if (i) sb_puts(&b, ",");
        put_name(&b, f->name);
        sb_puts(&b, " ");
        put_type(&b, f->type, FORM_SQL);
        if (!f->nullable) sb_puts(&b, " NOT NULL");
        put_comment(&b, f->comment);
    }
    return sb_finish(&b, a);
}
