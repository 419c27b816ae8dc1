/* sql_error.c - setting, filling and rendering SQL errors (sql_error.h). */
#include "sql/sql_error.h"

#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable malloc'd string. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 128;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = sp_xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

void sp_sql_error_init(sp_sql_error *e) { memset(e, 0, sizeof *e); }

void sp_sql_error_clear(sp_sql_error *e)
{
    for (int i = 0; i < e->nparams; i++) {
        free(e->names[i]);
        free(e->values[i]);
    }
    memset(e, 0, sizeof *e);
}

void sp_sql_error_param(sp_sql_error *e, const char *name, const char *value)
{
    if (e->nparams >= SP_SQL_ERR_MAX_PARAMS) return;
    e->names[e->nparams] = sp_xstrdup(name);
    e->values[e->nparams] = sp_xstrdup(value ? value : "null");
    e->nparams++;
}

void sp_sql_error_set(sp_sql_error *e, const char *cond, ...)
{
    sp_sql_error_clear(e);
    snprintf(e->cond, sizeof e->cond, "%s", cond);
    va_list ap;
    va_start(ap, cond);
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name) break;
        const char *value = va_arg(ap, const char *);
        sp_sql_error_param(e, name, value);
    }
    va_end(ap);
}

void sp_sql_error_at(sp_sql_error *e, const char *text, size_t len, size_t off)
{
    if (off > len) off = len;
    int line = 1, pos = 0;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            line++;
            pos = 0;
        } else if ((c & 0xC0) != 0x80) {
            pos++; /* count code points, as ANTLR's char stream does */
        }
    }
    e->has_pos = true;
    e->line = line;
    e->pos = pos;
    e->offset = off;
}

const char *sp_sql_error_param_get(const sp_sql_error *e, const char *name)
{
    for (int i = 0; i < e->nparams; i++)
        if (strcmp(e->names[i], name) == 0) return e->values[i];
    return NULL;
}

/* Finds the rows of cond: main (always) and sub (when cond has one). */
static bool lookup(const char *cond, const sp_sql_condition **main, const sp_sql_condition **sub)
{
    const char *dot = strchr(cond, '.');
    size_t mlen = dot ? (size_t)(dot - cond) : strlen(cond);
    *main = *sub = NULL;
    for (size_t i = 0; i < sp_sql_conditions_count; i++) {
        const sp_sql_condition *c = &sp_sql_conditions[i];
        if (strlen(c->main) != mlen || strncmp(c->main, cond, mlen) != 0) continue;
        if (!c->sub)
            *main = c;
        else if (dot && strcmp(c->sub, dot + 1) == 0)
            *sub = c;
    }
    return *main && (!dot || *sub);
}

const char *sp_sql_condition_sqlstate(const char *cond)
{
    const sp_sql_condition *m, *s;
    lookup(cond, &m, &s);
    return m ? m->sqlstate : NULL;
}

bool sp_sql_condition_known(const char *cond)
{
    const sp_sql_condition *m, *s;
    return lookup(cond, &m, &s);
}

/* Appends tmpl with each "<name>" replaced by its parameter; a placeholder
 * without a parameter stays as written. */
static void fill(sbuf *b, const char *tmpl, const sp_sql_error *e)
{
    const char *p = tmpl;
    while (*p) {
        const char *lt = strchr(p, '<');
        if (!lt) break;
        const char *q = lt + 1;
        while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
               *q == '_' || *q == '-')
            q++;
        sb_addn(b, p, (size_t)(lt - p));
        const char *value = NULL;
        if (*q == '>' && q > lt + 1) {
            for (int i = 0; i < e->nparams && !value; i++)
                if (strlen(e->names[i]) == (size_t)(q - lt - 1) &&
                    strncmp(e->names[i], lt + 1, (size_t)(q - lt - 1)) == 0)
                    value = e->values[i];
        }
        if (value) {
            sb_add(b, value);
            p = q + 1;
        } else {
            sb_addn(b, lt, 1);
            p = lt + 1;
        }
    }
    sb_add(b, p);
}

char *sp_sql_error_message(const sp_sql_error *e)
{
    sbuf b = {0};
    const sp_sql_condition *m, *s;
    lookup(e->cond, &m, &s);
    sb_add(&b, "[");
    sb_add(&b, e->cond);
    sb_add(&b, "] ");
    if (m) {
        fill(&b, m->tmpl, e);
        if (s) {
            sb_add(&b, " ");
            fill(&b, s->tmpl, e);
        }
        if (m->sqlstate) {
            sb_add(&b, " SQLSTATE: ");
            sb_add(&b, m->sqlstate);
        }
    }
    return b.p;
}

/* Java's String.split("\n") on command, appended line by line with "\n":
 * lines [from, to) of the split, where trailing empty strings are dropped and
 * a text without "\n" is one line even when empty. */
static size_t split_lines(const char *cmd, const char **starts, size_t *lens, size_t max)
{
    size_t n = 0;
    const char *p = cmd;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (n < max) {
            starts[n] = p;
            lens[n] = len;
        }
        n++;
        if (!nl) break;
        p = nl + 1;
    }
    if (n > max) n = max;
    if (n > 1 || strchr(cmd, '\n'))
        while (n > 0 && lens[n - 1] == 0)
            n--;
    return n;
}

static void add_sql_block(sbuf *b, const sp_sql_error *e, const char *cmd)
{
    size_t count = 1;
    for (const char *p = cmd; *p; p++)
        count += *p == '\n';
    const char **starts = sp_xmalloc(count * sizeof *starts);
    size_t *lens = sp_xmalloc(count * sizeof *lens);
    size_t n = split_lines(cmd, starts, lens, count);
    sb_add(b, "\n== SQL ==\n");
    size_t above = (size_t)e->line < n ? (size_t)e->line : n;
    for (size_t i = 0; i < above; i++) {
        sb_addn(b, starts[i], lens[i]);
        sb_add(b, "\n");
    }
    for (int i = 0; i < e->pos; i++)
        sb_add(b, "-");
    sb_add(b, "^^^\n");
    for (size_t i = above; i < n; i++) {
        sb_addn(b, starts[i], lens[i]);
        sb_add(b, "\n");
    }
    free(starts);
    free(lens);
}

char *sp_sql_error_render(const sp_sql_error *e, const char *command)
{
    char *msg = sp_sql_error_message(e);
    sbuf b = {0};
    sb_add(&b, msg);
    free(msg);
    if (e->has_pos) {
        char where[64];
        snprintf(where, sizeof where, " (line %d, pos %d)\n", e->line, e->pos);
        sb_add(&b, where);
        if (command) add_sql_block(&b, e, command);
    } else if (command) {
        sb_add(&b, "\n== SQL ==\n");
        sb_add(&b, command);
    }
    return b.p;
}
