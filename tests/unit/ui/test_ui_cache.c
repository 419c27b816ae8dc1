/* test_ui_cache.c - the server's answers kept for SP_UI_CACHE_MS
 * (ui_cache.c): within the window a path gets the same answer however the
 * model changed, after it a fresh one; paths and ?status= are apart; more
 * paths than slots evict the oldest. */
#include "ui/ui_app.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void completed(sp_ui_stream *m, int64_t t)
{
    sp_ui_batch b = {.batch_time_ms = t, .submission_ms = t, .start_ms = t, .end_ms = t + 1};
    sp_ui_stream_submitted(m, &b);
    sp_ui_stream_completed(m, &b);
}

static char *serve(sp_ui_app *a, const char *path, const char *status, int64_t now, int *code)
{
    char *body;
    const char *ctype;
    *code = sp_ui_serve(a, path, status, &body, &ctype, now);
    return body;
}

Test(ui_cache, a_path_is_rendered_once_per_window)
{
    spate_conf *conf = spate_conf_new();
    sp_ui_app *a = sp_ui_app_new(conf, true);
    sp_ui_stream_init(&a->stream, 0, 1000, 8);
    char stats[128], batches[128];
    snprintf(stats, sizeof stats, "/api/v1/applications/%s/streaming/statistics", a->id);
    snprintf(batches, sizeof batches, "/api/v1/applications/%s/streaming/batches", a->id);
    int code;
    char *s0 = serve(a, stats, NULL, 10000, &code);
    cr_expect_eq(code, 200);
    cr_expect(strstr(s0, "\"numTotalCompletedBatches\":0"), "%s", s0);
    completed(&a->stream, 1000);
    char *s1 = serve(a, stats, NULL, 10000 + SP_UI_CACHE_MS - 1, &code);
    cr_expect_str_eq(s1, s0, "within the window: the same answer");
    char *q = serve(a, batches, "COMPLETED", 10000 + SP_UI_CACHE_MS - 1, &code);
    cr_expect(strstr(q, "\"batchId\":1000"), "another status is another answer: %s", q);
    char *s2 = serve(a, stats, NULL, 10000 + SP_UI_CACHE_MS, &code);
    cr_expect(strstr(s2, "\"numTotalCompletedBatches\":1"), "after it, fresh: %s", s2);
    char *nf = serve(a, "/nope", NULL, 10000, &code);
    cr_expect_eq(code, 404);
    free(nf);
    nf = serve(a, "/nope", NULL, 10001, &code);
    cr_expect_eq(code, 404, "a cached 404 keeps its code");
    for (int i = 0; i < 3 * SP_UI_CACHE; i++) { /* more paths than slots */
        char p[160];
        snprintf(p, sizeof p, "/api/v1/applications/%s/streaming/batches/%d", a->id,
                 i % 2 ? 1000 : i);
        char *b = serve(a, p, NULL, 20000 + i, &code);
        cr_expect_eq(code, i % 2 ? 200 : 404, "%s", p);
        free(b);
    }
    free(s0);
    free(s1);
    free(s2);
    free(q);
    free(nf);
    sp_ui_app_free(a);
    spate_conf_destroy(conf);
}
