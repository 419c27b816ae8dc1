/* test_log.c - log records in log4j's console layout, as Spark prints them:
 * "26/11/21 14:40:03 WARN FileInputDStream: message", through the process
 * default logger or the one bound to the thread (a context's: see also
 * test_ctx_services.c). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "base/log.h"

#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

static void redirect(void) { cr_redirect_stderr(); }

static void read_stderr(char *buf, size_t size)
{
    fflush(stderr);
    FILE *f = cr_get_redirected_stderr();
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
}

Test(log, log4j_layout_and_level_filter, .init = redirect)
{
    sp_log_set_level(SP_LOG_WARN);
    sp_log(SP_LOG_INFO, "JobScheduler", "not shown");
    sp_log(SP_LOG_WARN, "FileInputDStream", "skipped %d files", 2);
    sp_log(SP_LOG_ERROR, "Executor", "boom");
    char buf[512];
    read_stderr(buf, sizeof buf);
    regex_t re;
    cr_assert_eq(regcomp(&re,
                         "^[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} WARN "
                         "FileInputDStream: skipped 2 files\n"
                         "[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} ERROR Executor: "
                         "boom\n$",
                         REG_EXTENDED),
                 0);
    cr_assert_eq(regexec(&re, buf, 0, NULL, 0), 0, "got: %s", buf);
    regfree(&re);
}

Test(log, long_records_are_whole, .init = redirect)
{
    sp_log_set_level(SP_LOG_DEBUG);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sp_log(SP_LOG_DEBUG, "C", "%s|end", big);
    char buf[4096];
    read_stderr(buf, sizeof buf);
    cr_assert(strstr(buf, " DEBUG C: xxx"));
    cr_assert(strstr(buf, "x|end\n"));
}

Test(log, off_prints_nothing, .init = redirect)
{
    sp_log_set_level(SP_LOG_OFF);
    sp_log(SP_LOG_ERROR, "C", "hidden");
    char buf[64];
    read_stderr(buf, sizeof buf);
    cr_assert_str_eq(buf, "");
}

Test(log, level_parse)
{
    cr_assert_eq(sp_log_level_parse("warn"), SP_LOG_WARN);
    cr_assert_eq(sp_log_level_parse("DEBUG"), SP_LOG_DEBUG);
    cr_assert_eq(sp_log_level_parse("Off"), SP_LOG_OFF);
    cr_assert_eq(sp_log_level_parse("verbose"), -1);
    cr_assert_eq(sp_log_level_parse(NULL), -1);
}

/* ---- loggers: a thread's binding, callbacks, the process default --------- */

typedef struct seen {
    int n;
    char last[128];
} seen;

static void keep(spate_log_level level, const char *component, const char *message, void *ud)
{
    seen *s = ud;
    s->n++;
    snprintf(s->last, sizeof s->last, "%d %s: %s", (int)level, component, message);
}

static void *log_unbound(void *arg)
{
    (void)arg;
    sp_log(SP_LOG_ERROR, "Other", "from an unbound thread");
    return NULL;
}

/* A bound logger takes its thread's records, with its own level; other
 * threads and the process default are untouched; unbinding goes back. */
Test(log, bound_logger_takes_only_its_threads_records, .init = redirect)
{
    sp_log_set_level(SP_LOG_WARN);
    sp_logger *lg = sp_logger_new(SP_LOG_DEBUG);
    seen s = {0};
    sp_logger_set_callback(lg, keep, &s);
    cr_assert_null(sp_log_bind(lg));
    sp_log(SP_LOG_DEBUG, "Mine", "x=%d", 7);
    cr_expect_eq(s.n, 1, "DEBUG passes the bound logger's level");
    cr_expect_str_eq(s.last, "0 Mine: x=7");
    cr_expect_eq(sp_log_get_level(), SP_LOG_DEBUG, "the bound logger's level");
    pthread_t th;
    pthread_create(&th, NULL, log_unbound, NULL);
    pthread_join(th, NULL);
    cr_expect_eq(s.n, 1, "another thread's record is not the logger's");
    sp_logger_set_level(lg, SP_LOG_OFF);
    sp_log(SP_LOG_ERROR, "Mine", "hidden");
    cr_expect_eq(s.n, 1, "OFF");
    cr_expect_eq(sp_log_bind(NULL), lg);
    sp_log(SP_LOG_WARN, "Default", "to stderr");
    sp_log_to(lg, SP_LOG_ERROR, "Mine", "explicit but OFF");
    sp_logger_set_level(lg, SP_LOG_INFO);
    sp_log_to(lg, SP_LOG_INFO, "Mine", "explicit");
    cr_expect_str_eq(s.last, "1 Mine: explicit");
    sp_logger_destroy(lg);
    char buf[512];
    read_stderr(buf, sizeof buf);
    cr_expect(strstr(buf, " ERROR Other: from an unbound thread\n"), "%s", buf);
    cr_expect(strstr(buf, " WARN Default: to stderr\n"), "%s", buf);
    cr_expect_null(strstr(buf, "Mine"), "%s", buf);
}
