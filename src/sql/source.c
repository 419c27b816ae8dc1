/* source.c - resolving and opening streaming sources: the table of formats,
 * Spark's DATA_SOURCE_NOT_FOUND for any other, the definition's copies of
 * the options, and the option helpers every format uses (source_int.h). */
#include "sql/source_int.h"
#include "sql/source_nexmark_int.h"

#include "base/arena.h"
#include "base/conf.h"
#include "sql/sql_error.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const sp_source_format formats[] = {
    {"csv", sp_source_file_resolve, sp_source_file_open},
    {"json", sp_source_file_resolve, sp_source_file_open},
    {"text", sp_source_file_resolve, sp_source_file_open},
    {"rate", sp_source_rate_resolve, sp_source_rate_open},
    {"rate-micro-batch", sp_source_rmb_resolve, sp_source_rmb_open},
    {"socket", sp_source_socket_resolve, sp_source_socket_open},
    {"memory", NULL, sp_source_memory_open},
    {"nexmark", sp_source_nexmark_resolve, sp_source_nexmark_open},
    {"kafka", sp_source_kafka_resolve, sp_source_kafka_open},
};

static const sp_source_format *find_format(const char *name)
{
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(formats[i].name, name)) return &formats[i];
    return NULL;
}

/* Spark's message for a format no provider has. */
static void not_found(const char *format, char *errstr, size_t n)
{
    sp_sql_error e;
    sp_sql_error_init(&e);
    sp_sql_error_set(&e, "DATA_SOURCE_NOT_FOUND", "provider", format, NULL);
    char *msg = sp_sql_error_message(&e);
    snprintf(errstr, n, "%s", msg);
    free(msg);
    sp_sql_error_clear(&e);
}

/* A definition holding copies of the format and options. Caller's thread. */
static sp_source_def *def_new(const char *format, const char *const *keys, const char *const *vals,
                              size_t nopts)
{
    spate_arena *a = spate_arena_new();
    sp_source_def *d = spate_arena_alloc(a, sizeof *d);
    memset(d, 0, sizeof *d);
    d->arena = a;
    size_t i = 0;
    for (; format[i] && i + 1 < sizeof d->format; i++)
        d->format[i] = (char)tolower((unsigned char)format[i]);
    d->format[i] = '\0';
    d->nopts = nopts;
    d->keys = spate_arena_alloc(a, (nopts + 1) * sizeof *d->keys);
    d->vals = spate_arena_alloc(a, (nopts + 1) * sizeof *d->vals);
    for (i = 0; i < nopts; i++) {
        d->keys[i] = sp_arena_memdup(a, keys[i], strlen(keys[i]) + 1);
        d->vals[i] = sp_arena_memdup(a, vals[i] ? vals[i] : "", strlen(vals[i] ? vals[i] : "") + 1);
    }
    return d;
}

sp_source_def *sp_source_resolve(const char *format, const sp_sql_type *user_schema,
                                 const char *const *keys, const char *const *vals, size_t n,
                                 const spate_conf *conf, char *errstr, size_t errstr_size)
{
    sp_source_def *d = def_new(format ? format : "", keys, vals, n);
    const sp_source_format *f = find_format(d->format);
    if (!f || !f->resolve || strlen(format) >= sizeof d->format) {
        not_found(format ? format : "", errstr, errstr_size);
        sp_source_def_free(d);
        return NULL;
    }
    if (!f->resolve(d, user_schema, conf, errstr, errstr_size)) {
        sp_source_def_free(d);
        return NULL;
    }
    return d;
}

void sp_source_def_free(sp_source_def *d)
{
    if (d) spate_arena_destroy(d->arena);
}

sp_source *sp_source_open(const sp_source_def *def, const sp_source_env *env, char *errstr,
                          size_t errstr_size)
{
    const sp_source_format *f = find_format(def->format);
    if (!f) {
        not_found(def->format, errstr, errstr_size);
        return NULL;
    }
    return f->open(def, env, errstr, errstr_size);
}

const char *sp_source_opt(const sp_source_def *d, const char *key)
{
    for (size_t i = d->nopts; i-- > 0;)
        if (!strcasecmp(d->keys[i], key)) return d->vals[i];
    return NULL;
}

bool sp_source_check_keys(const sp_source_def *d, const char *const *allowed, const char *what,
                          char *errstr, size_t n)
{
    for (size_t i = 0; i < d->nopts; i++) {
        bool ok = false;
        for (const char *const *k = allowed; *k && !ok; k++)
            ok = !strcasecmp(*k, d->keys[i]);
        if (ok) continue;
        size_t off = (size_t)snprintf(errstr, n, "Unknown option '%s' for the %s source: it takes",
                                      d->keys[i], what);
        for (const char *const *k = allowed; *k && off < n; k++)
            off += (size_t)snprintf(errstr + off, n - off, "%s %s", k == allowed ? "" : ",", *k);
        return false;
    }
    return true;
}

/* Java's Long.parseLong: optional sign, decimal digits, no spaces. */
static bool parse_long(const char *s, int64_t *out)
{
    if (!*s || isspace((unsigned char)*s)) return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

bool sp_source_opt_long(const sp_source_def *d, const char *key, int64_t dflt, int64_t *out,
                        char *errstr, size_t n)
{
    const char *v = sp_source_opt(d, key);
    *out = dflt;
    if (!v) return true;
    if (parse_long(v, out)) return true;
    snprintf(errstr, n, "Invalid value '%s' for option '%s': expected a long", v, key);
    return false;
}

bool sp_source_opt_bool(const sp_source_def *d, const char *key, bool dflt, bool *out, char *errstr,
                        size_t n)
{
    const char *v = sp_source_opt(d, key);
    *out = dflt;
    if (!v) return true;
    if (!strcasecmp(v, "true") || !strcasecmp(v, "false")) {
        *out = !strcasecmp(v, "true");
        return true;
    }
    snprintf(errstr, n, "Invalid value '%s' for option '%s', must be 'true' or 'false'", v, key);
    return false;
}

int sp_source_default_partitions(const spate_conf *conf)
{
    const char *m = conf ? spate_conf_get(conf, "spate.master") : NULL;
    int t = sp_conf_master_threads(m ? m : "local[*]");
    return t > 0 ? t : 1;
}

char *sp_source_long_json(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return sp_xstrdup(buf);
}

bool sp_source_parse_long(const char *json, int64_t *out)
{
    while (isspace((unsigned char)*json))
        json++;
    char buf[32];
    size_t len = strlen(json);
    while (len > 0 && isspace((unsigned char)json[len - 1]))
        len--;
    if (len == 0 || len >= sizeof buf) return false;
    memcpy(buf, json, len);
    buf[len] = '\0';
    return parse_long(buf, out);
}
