/* ui_cache.c - the server's answers to GET, each kept for SP_UI_CACHE_MS
 * (ui_app.h): a client polling as fast as it can gets copies, and the
 * model is read (under the app's mutex, which the engine's listener takes
 * too) at most once per path per window, however many requests come. The
 * engine's side never depends on the request rate. Runs on the server's
 * thread only (libmicrohttpd's one internal thread), so the cache itself
 * needs no lock. */
#include "ui/ui_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c) abort();
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

void sp_ui_cache_free(sp_ui_app *a)
{
    for (int i = 0; i < SP_UI_CACHE; i++) {
        free(a->cache[i].key);
        free(a->cache[i].body);
    }
    memset(a->cache, 0, sizeof a->cache);
}

int sp_ui_serve(sp_ui_app *a, const char *path, const char *status, char **body, const char **ctype,
                int64_t now_ms)
{
    char key[512];
    int n = snprintf(key, sizeof key, "%s?%s", path, status ? status : "");
    if (n < 0 || (size_t)n >= sizeof key) return sp_ui_route(a, path, status, body, ctype);
    sp_ui_cached *oldest = &a->cache[0];
    for (int i = 0; i < SP_UI_CACHE; i++) {
        sp_ui_cached *c = &a->cache[i];
        if (c->key && !strcmp(c->key, key) && now_ms - c->at_ms < SP_UI_CACHE_MS &&
            now_ms >= c->at_ms) {
            *body = copy(c->body, c->len);
            *ctype = c->ctype;
            return c->code;
        }
        if (!c->key || c->at_ms < oldest->at_ms) oldest = c;
    }
    for (int i = 0; i < SP_UI_CACHE; i++) /* a stale copy of this path goes first */
        if (a->cache[i].key && !strcmp(a->cache[i].key, key)) oldest = &a->cache[i];
    int code = sp_ui_route(a, path, status, body, ctype);
    free(oldest->key);
    free(oldest->body);
    size_t len = strlen(*body);
    *oldest = (sp_ui_cached){.key = copy(key, (size_t)n),
                             .code = code,
                             .ctype = *ctype,
                             .body = copy(*body, len),
                             .len = len,
                             .at_ms = now_ms};
    return code;
}
