/* ui_env.c - the Environment: the effective configuration a UI was started
 * with (every declared option's value, default or set, and the other keys
 * set, such as kafka.*), sorted by key, with secrets redacted as Spark's
 * spark.redaction.regex default does ("(?i)secret|password|token|
 * access[.]?key" on the key or the value gives "*********(redacted)").
 * Captured once when the UI starts (the thread starting it); immutable
 * after, so the server reads it without the lock. */
#include "ui/ui_app.h"

#include "base/conf.h"

#include <spate/spate.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool has_ci(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (!strncasecmp(s, word, n)) return true;
    return false;
}

bool sp_ui_redacted(const char *key, const char *value)
{
    static const char *const words[] = {"secret", "password", "token", "accesskey", "access.key"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (has_ci(key, words[i]) || (value && has_ci(value, words[i]))) return true;
    return false;
}

static void add(sp_ui_env *e, const char *key, const char *value)
{
    for (int i = 0; i < e->n; i++)
        if (!strcmp(e->keys[i], key)) return;
    e->keys = realloc(e->keys, sizeof *e->keys * (size_t)(e->n + 1));
    e->values = realloc(e->values, sizeof *e->values * (size_t)(e->n + 1));
    if (!e->keys || !e->values) abort();
    e->keys[e->n] = strdup(key);
    e->values[e->n] = strdup(sp_ui_redacted(key, value) ? "*********(redacted)"
                             : value                    ? value
                                                        : "");
    if (!e->keys[e->n] || !e->values[e->n]) abort();
    e->n++;
}

static void add_set(const char *key, const char *value, void *ud) { add(ud, key, value); }

static int by_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void sp_ui_env_capture(sp_ui_env *e, const spate_conf *conf)
{
    memset(e, 0, sizeof *e);
    sp_conf_foreach_prefix(conf, "", add_set, e);
    for (size_t i = 0; i < sp_conf_noptions; i++)
        add(e, sp_conf_options[i].name, spate_conf_get(conf, sp_conf_options[i].name));
    /* Sort the pairs by key: an index sort keeps keys and values together. */
    char **pairs = malloc(sizeof *pairs * (size_t)(2 * e->n + 1));
    if (!pairs) abort();
    for (int i = 0; i < e->n; i++)
        pairs[2 * i] = e->keys[i], pairs[2 * i + 1] = e->values[i];
    qsort(pairs, (size_t)e->n, 2 * sizeof *pairs, by_key);
    for (int i = 0; i < e->n; i++)
        e->keys[i] = pairs[2 * i], e->values[i] = pairs[2 * i + 1];
    free(pairs);
}

void sp_ui_env_free(sp_ui_env *e)
{
    for (int i = 0; i < e->n; i++) {
        free(e->keys[i]);
        free(e->values[i]);
    }
    free(e->keys);
    free(e->values);
    memset(e, 0, sizeof *e);
}

void sp_ui_json_environment(sp_ui_buf *b, const sp_ui_env *e)
{
    sp_ui_buf_printf(b, "{\"runtime\":{\"spateVersion\":\"%s\"},\"sparkProperties\":[",
                     SPATE_VERSION_STRING);
    for (int i = 0; i < e->n; i++) {
        sp_ui_buf_puts(b, i ? ",[" : "[");
        sp_ui_buf_json_str(b, e->keys[i]);
        sp_ui_buf_puts(b, ",");
        sp_ui_buf_json_str(b, e->values[i]);
        sp_ui_buf_puts(b, "]");
    }
    sp_ui_buf_puts(b, "],\"hadoopProperties\":[],\"systemProperties\":[],"
                      "\"metricsProperties\":[],\"classpathEntries\":[],\"resourceProfiles\":[]}");
}
