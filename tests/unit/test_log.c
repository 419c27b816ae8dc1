/* test_log.c - log records in log4j's console layout, as Spark prints them:
 * "26/11/21 14:40:03 WARN FileInputDStream: message". */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "base/log.h"

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
