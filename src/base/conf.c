/* conf.c - spate_conf: values checked against the option table
 * (conf_table.c), plus free-form "kafka." and "user." keys. */
#include "base/conf.h"

#include "base/arena.h"
#include "base/errbuf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct slot {
    char *str; /* the value as read back (malloc'd) */
    int64_t i; /* INT, SIZE, DURATION, BOOL, ENUM (index) */
    double d;  /* DOUBLE */
} slot;

typedef struct extra {
    char *key, *value;
} extra;

struct spate_conf {
    slot *slots; /* one per sp_conf_options[] row */
    extra *extras;
    size_t nextras, cap;
};

enum { MAX_KEY = 256 };

/* "spark.x" -> "spate.x" in buf; returns the key to look up. */
static const char *map_key(const char *key, char buf[MAX_KEY])
{
    if (strncmp(key, "spark.", 6) != 0 || strlen(key) >= MAX_KEY) return key;
    memcpy(buf, "spate.", 6);
    strcpy(buf + 6, key + 6);
    return buf;
}

const sp_conf_opt *sp_conf_find(const char *key)
{
    char buf[MAX_KEY];
    if (!key) return NULL;
    key = map_key(key, buf);
    for (size_t i = 0; i < sp_conf_noptions; i++)
        if (strcmp(sp_conf_options[i].name, key) == 0) return &sp_conf_options[i];
    return NULL;
}

static bool is_extra_key(const char *key)
{
    return (strncmp(key, "kafka.", 6) == 0 && key[6]) || (strncmp(key, "user.", 5) == 0 && key[5]);
}

/* ---- sizes ---------------------------------------------------------------- */

static int size_shift(const char *u, size_t n)
{
    static const char letters[] = "bkmgtp";
    if (n == 0) return 0;
    if (n > 2 || (n == 2 && tolower((unsigned char)u[1]) != 'b')) return -1;
    const char *p = strchr(letters, tolower((unsigned char)u[0]));
    if (!p || *p == '\0' || (n == 2 && p == letters)) return -1;
    return (int)(p - letters) * 10;
}

spate_err sp_conf_parse_size(const char *text, int64_t *out, char *errstr, size_t errstr_size)
{
    const char *s = text ? text : "";
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    if (!isdigit((unsigned char)s[i])) {
        sp_errf(errstr, errstr_size,
                "invalid size \"%s\": expected a number at position %zu (e.g. 32m, 1g, 512k)", s,
                i);
        return SPATE_ERR_INVALID_ARG;
    }
    int64_t n = 0;
    for (; isdigit((unsigned char)s[i]); i++) {
        if (n > (INT64_MAX - 9) / 10) goto too_large;
        n = n * 10 + (s[i] - '0');
    }
    size_t at = i;
    while (isspace((unsigned char)s[at]))
        at++;
    size_t ul = 0;
    while (isalpha((unsigned char)s[at + ul]))
        ul++;
    int shift = size_shift(s + at, ul);
    size_t end = at + ul;
    while (isspace((unsigned char)s[end]))
        end++;
    if (shift < 0 || s[end]) {
        size_t bad = shift < 0 ? at : end;
        sp_errf(errstr, errstr_size,
                "invalid size \"%s\": unexpected \"%s\" at position %zu (expected a unit b, k, "
                "m, g, t or p)",
                s, s + bad, bad);
        return SPATE_ERR_INVALID_ARG;
    }
    if (shift && n > (INT64_MAX >> shift)) goto too_large;
    *out = n << shift;
    return SPATE_OK;
too_large:
    sp_errf(errstr, errstr_size, "invalid size \"%s\": too large", s);
    return SPATE_ERR_INVALID_ARG;
}

/* ---- parsing one value ---------------------------------------------------- */

static spate_err bad_value(const sp_conf_opt *o, const char *v, const char *expected, char *errstr,
                           size_t errstr_size)
{
    sp_errf(errstr, errstr_size, "invalid value \"%s\" for %s: expected %s", v, o->name, expected);
    return SPATE_ERR_INVALID_ARG;
}

static spate_err parse_int(const sp_conf_opt *o, const char *v, slot *s, char *e, size_t es)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == v || *end || errno || !(isdigit((unsigned char)*v) || *v == '-' || *v == '+'))
        return bad_value(o, v, "an integer", e, es);
    s->i = n;
    return SPATE_OK;
}

static spate_err parse_double(const sp_conf_opt *o, const char *v, slot *s, char *e, size_t es)
{
    char *end;
    double d = strtod(v, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == v || *end || !isfinite(d)) return bad_value(o, v, "a number", e, es);
    if (d < o->dmin || d > o->dmax) {
        char exp[96];
        snprintf(exp, sizeof exp, "a number in %g .. %g", o->dmin, o->dmax);
        return bad_value(o, v, exp, e, es);
    }
    s->d = d;
    return SPATE_OK;
}

static spate_err parse_bool(const sp_conf_opt *o, const char *v, slot *s, char *e, size_t es)
{
    if (strcasecmp(v, "true") == 0)
        s->i = 1;
    else if (strcasecmp(v, "false") == 0)
        s->i = 0;
    else
        return bad_value(o, v, "true or false", e, es);
    return SPATE_OK;
}

static spate_err parse_enum(const sp_conf_opt *o, const char *v, slot *s, char *e, size_t es)
{
    const char *p = o->allowed;
    size_t vl = strlen(v);
    for (int idx = 0; *p; idx++) {
        size_t n = strcspn(p, "|");
        if (n == vl && strncasecmp(p, v, n) == 0) {
            s->i = idx;
            return SPATE_OK;
        }
        p += n + (p[n] == '|');
    }
    char exp[160];
    snprintf(exp, sizeof exp, "one of %s", o->allowed);
    return bad_value(o, v, exp, e, es);
}

/* The canonical spelling of enum value idx. */
static char *enum_name(const sp_conf_opt *o, int64_t idx)
{
    const char *p = o->allowed;
    for (; idx > 0; idx--)
        p += strcspn(p, "|") + 1;
    size_t n = strcspn(p, "|");
    char *s = sp_xmalloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static spate_err check_range(const sp_conf_opt *o, const char *v, int64_t n, char *e, size_t es)
{
    if (n >= o->min && n <= o->max) return SPATE_OK;
    const char *unit = o->type == SP_CONF_DURATION ? " ms"
                       : o->type == SP_CONF_SIZE   ? " bytes"
                                                   : "";
    char exp[128];
    if (o->min == o->max)
        snprintf(exp, sizeof exp, "exactly %lld%s", (long long)o->min, unit);
    else if (o->max == INT64_MAX)
        snprintf(exp, sizeof exp, "at least %lld%s", (long long)o->min, unit);
    else
        snprintf(exp, sizeof exp, "%lld .. %lld%s", (long long)o->min, (long long)o->max, unit);
    return bad_value(o, v, exp, e, es);
}

static spate_err parse_typed(const sp_conf_opt *o, const char *v, slot *s, char *e, size_t es)
{
    char msg[256];
    spate_err err = SPATE_OK;
    switch (o->type) {
    case SP_CONF_STRING:
        if (o->check && !o->check(v, e, es)) return SPATE_ERR_INVALID_ARG;
        return SPATE_OK;
    case SP_CONF_INT:
        err = parse_int(o, v, s, e, es);
        break;
    case SP_CONF_DOUBLE:
        return parse_double(o, v, s, e, es);
    case SP_CONF_BOOL:
        return parse_bool(o, v, s, e, es);
    case SP_CONF_ENUM:
        return parse_enum(o, v, s, e, es);
    case SP_CONF_DURATION:
    case SP_CONF_SIZE:
        err = o->type == SP_CONF_DURATION ? spate_duration_parse(v, &s->i, msg, sizeof msg)
                                          : sp_conf_parse_size(v, &s->i, msg, sizeof msg);
        if (err) sp_errf(e, es, "%s: %s", o->name, msg);
        break;
    }
    return err ? err : check_range(o, v, s->i, e, es);
}

/* Parses v for option o into a fresh slot (str malloc'd). */
static spate_err parse_value(const sp_conf_opt *o, const char *v, slot *s, char *e, size_t es)
{
    char *trimmed = NULL;
    if (o->type != SP_CONF_STRING) {
        while (isspace((unsigned char)*v))
            v++;
        size_t n = strlen(v);
        while (n && isspace((unsigned char)v[n - 1]))
            n--;
        trimmed = sp_xmalloc(n + 1);
        memcpy(trimmed, v, n);
        trimmed[n] = '\0';
        v = trimmed;
    }
    *s = (slot){0};
    spate_err err = parse_typed(o, v, s, e, es);
    if (err) {
        free(trimmed);
        return err;
    }
    if (o->type == SP_CONF_BOOL) {
        free(trimmed);
        s->str = sp_xstrdup(s->i ? "true" : "false");
    } else if (o->type == SP_CONF_ENUM) {
        free(trimmed);
        s->str = enum_name(o, s->i);
    } else {
        s->str = trimmed ? trimmed : sp_xstrdup(v);
    }
    return SPATE_OK;
}

/* ---- the conf object ------------------------------------------------------ */

spate_conf *spate_conf_new(void)
{
    spate_conf *c = sp_xcalloc(1, sizeof *c);
    c->slots = sp_xcalloc(sp_conf_noptions, sizeof *c->slots);
    for (size_t i = 0; i < sp_conf_noptions; i++) {
        const sp_conf_opt *o = &sp_conf_options[i];
        if (parse_value(o, o->def, &c->slots[i], NULL, 0) != SPATE_OK) {
            fprintf(stderr, "spate: bad default for %s in conf_table.c\n", o->name);
            abort(); /* a programming error, caught by the unit tests */
        }
    }
    return c;
}

void spate_conf_destroy(spate_conf *c)
{
    if (!c) return;
    for (size_t i = 0; i < sp_conf_noptions; i++)
        free(c->slots[i].str);
    for (size_t i = 0; i < c->nextras; i++) {
        free(c->extras[i].key);
        free(c->extras[i].value);
    }
    free(c->slots);
    free(c->extras);
    free(c);
}

spate_conf *spate_conf_dup(const spate_conf *c)
{
    spate_conf *d = sp_xcalloc(1, sizeof *d);
    d->slots = sp_xcalloc(sp_conf_noptions, sizeof *d->slots);
    for (size_t i = 0; i < sp_conf_noptions; i++) {
        d->slots[i] = c->slots[i];
        d->slots[i].str = sp_xstrdup(c->slots[i].str);
    }
    d->cap = d->nextras = c->nextras;
    d->extras = sp_xcalloc(d->cap ? d->cap : 1, sizeof *d->extras);
    for (size_t i = 0; i < c->nextras; i++) {
        d->extras[i].key = sp_xstrdup(c->extras[i].key);
        d->extras[i].value = sp_xstrdup(c->extras[i].value);
    }
    return d;
}

static extra *find_extra(const spate_conf *c, const char *key)
{
    for (size_t i = 0; i < c->nextras; i++)
        if (strcmp(c->extras[i].key, key) == 0) return &c->extras[i];
    return NULL;
}

static void set_extra(spate_conf *c, const char *key, const char *value)
{
    extra *x = find_extra(c, key);
    if (x) {
        free(x->value);
        x->value = sp_xstrdup(value);
        return;
    }
    if (c->nextras == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->extras = sp_xrealloc(c->extras, c->cap * sizeof *c->extras);
    }
    c->extras[c->nextras++] = (extra){sp_xstrdup(key), sp_xstrdup(value)};
}

/* Edit distance, case-insensitive, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[MAX_KEY + 1];
    if (la >= MAX_KEY || lb >= MAX_KEY) return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t sub =
                diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[lb];
}

static spate_err unknown_key(const char *key, const char *mapped, char *e, size_t es)
{
    const char *best = NULL;
    size_t best_d = 4; /* suggest only near misses */
    for (size_t i = 0; i < sp_conf_noptions; i++) {
        size_t d = distance(mapped, sp_conf_options[i].name);
        if (d < best_d) best_d = d, best = sp_conf_options[i].name;
    }
    if (best)
        sp_errf(e, es, "unknown option \"%s\" (did you mean \"%s\"?)", key, best);
    else
        sp_errf(e, es,
                "unknown option \"%s\" (see docs/configuration.md; free-form keys go under "
                "\"kafka.\" or \"user.\")",
                key);
    return SPATE_ERR_NOT_FOUND;
}

spate_err spate_conf_set(spate_conf *c, const char *key, const char *value, char *errstr,
                         size_t errstr_size)
{
    if (!c || !key || !value) {
        sp_errf(errstr, errstr_size, "spate_conf_set: NULL %s",
                !c     ? "conf"
                : !key ? "key"
                       : "value");
        return SPATE_ERR_INVALID_ARG;
    }
    if (is_extra_key(key)) {
        set_extra(c, key, value);
        return SPATE_OK;
    }
    char buf[MAX_KEY];
    const sp_conf_opt *o = sp_conf_find(key);
    if (!o) return unknown_key(key, map_key(key, buf), errstr, errstr_size);
    slot s;
    spate_err err = parse_value(o, value, &s, errstr, errstr_size);
    if (err) return err;
    slot *dst = &c->slots[o - sp_conf_options];
    free(dst->str);
    *dst = s;
    return SPATE_OK;
}

static const slot *find_slot(const spate_conf *c, const char *key)
{
    const sp_conf_opt *o = c && key ? sp_conf_find(key) : NULL;
    return o ? &c->slots[o - sp_conf_options] : NULL;
}

const char *spate_conf_get(const spate_conf *c, const char *key)
{
    if (!c || !key) return NULL;
    if (is_extra_key(key)) {
        extra *x = find_extra(c, key);
        return x ? x->value : NULL;
    }
    const slot *s = find_slot(c, key);
    return s ? s->str : NULL;
}

/* The slot of a declared key whose type is one of `types` (a bit set of
 * 1 << sp_conf_type); for undeclared keys, the "user." value parsed by
 * parse_extra. SPATE_ERR_NOT_FOUND for a key neither declared nor set. */
static spate_err typed_slot(const spate_conf *c, const char *key, unsigned types, sp_conf_type want,
                            slot *out)
{
    if (!c || !key) return SPATE_ERR_INVALID_ARG;
    const sp_conf_opt *o = sp_conf_find(key);
    if (o) {
        if (!(types & (1u << o->type))) return SPATE_ERR_INVALID_ARG;
        *out = c->slots[o - sp_conf_options];
        if (o->type == SP_CONF_DOUBLE && want != SP_CONF_DOUBLE) out->i = (int64_t)out->d;
        if (o->type != SP_CONF_DOUBLE && want == SP_CONF_DOUBLE) out->d = (double)out->i;
        return SPATE_OK;
    }
    const char *v = is_extra_key(key) ? spate_conf_get(c, key) : NULL;
    if (!v) return SPATE_ERR_NOT_FOUND;
    sp_conf_opt as = {.name = key,
                      .type = want,
                      .min = INT64_MIN,
                      .max = INT64_MAX,
                      .dmin = -INFINITY,
                      .dmax = INFINITY};
    slot parsed = {0};
    spate_err e = parse_value(&as, v, &parsed, NULL, 0);
    free(parsed.str);
    if (e) return SPATE_ERR_INVALID_ARG;
    *out = parsed;
    out->str = NULL;
    return SPATE_OK;
}

#define TYPE_BIT(t) (1u << (t))

spate_err spate_conf_get_i64(const spate_conf *c, const char *key, int64_t *out)
{
    slot s;
    spate_err e = typed_slot(
        c, key, TYPE_BIT(SP_CONF_INT) | TYPE_BIT(SP_CONF_SIZE) | TYPE_BIT(SP_CONF_DURATION),
        SP_CONF_INT, &s);
    if (!e) *out = s.i;
    return e;
}

spate_err spate_conf_get_f64(const spate_conf *c, const char *key, double *out)
{
    slot s;
    spate_err e = typed_slot(
        c, key, TYPE_BIT(SP_CONF_DOUBLE) | TYPE_BIT(SP_CONF_INT) | TYPE_BIT(SP_CONF_SIZE),
        SP_CONF_DOUBLE, &s);
    if (!e) *out = s.d;
    return e;
}

spate_err spate_conf_get_bool(const spate_conf *c, const char *key, bool *out)
{
    slot s;
    spate_err e = typed_slot(c, key, TYPE_BIT(SP_CONF_BOOL), SP_CONF_BOOL, &s);
    if (!e) *out = s.i != 0;
    return e;
}

spate_err spate_conf_get_duration(const spate_conf *c, const char *key, spate_duration *out)
{
    slot s;
    spate_err e = typed_slot(c, key, TYPE_BIT(SP_CONF_DURATION), SP_CONF_DURATION, &s);
    if (!e) *out = s.i;
    return e;
}

/* The defaults of every option, parsed once: what the engine reads when it
 * has no conf. Never destroyed (process lifetime, immutable after once). */
static spate_conf *defaults;
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static void make_defaults(void) { defaults = spate_conf_new(); }

static const spate_conf *conf_or_defaults(const spate_conf *c)
{
    if (c) return c;
    pthread_once(&defaults_once, make_defaults);
    return defaults;
}

/* A failed read here is a key the engine uses without declaring it, or with
 * another type: a programming error that the unit tests exercise. */
static void engine_read(spate_err e, const char *key)
{
    if (e == SPATE_OK) return;
    fprintf(stderr,
            "spate: option %s is read as a type it is not declared with, or is not in "
            "conf_table.c (%s)\n",
            key, spate_err_str(e));
    abort();
}

int64_t sp_conf_i64(const spate_conf *c, const char *key)
{
    int64_t v = 0;
    engine_read(spate_conf_get_i64(conf_or_defaults(c), key, &v), key);
    return v;
}

double sp_conf_f64(const spate_conf *c, const char *key)
{
    double v = 0;
    engine_read(spate_conf_get_f64(conf_or_defaults(c), key, &v), key);
    return v;
}

bool sp_conf_bool(const spate_conf *c, const char *key)
{
    bool v = false;
    engine_read(spate_conf_get_bool(conf_or_defaults(c), key, &v), key);
    return v;
}

spate_duration sp_conf_duration(const spate_conf *c, const char *key)
{
    spate_duration v = 0;
    engine_read(spate_conf_get_duration(conf_or_defaults(c), key, &v), key);
    return v;
}

void sp_conf_foreach_prefix(const spate_conf *c, const char *prefix,
                            void (*fn)(const char *key, const char *value, void *ud), void *ud)
{
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < c->nextras; i++)
        if (strncmp(c->extras[i].key, prefix, pl) == 0)
            fn(c->extras[i].key, c->extras[i].value, ud);
}
