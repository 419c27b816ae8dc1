/* cmd_sql.c - `spate sql`: statements from -e, a file or an interactive
 * shell (libedit), run in one session; then the streaming queries they
 * started run until they end (Once, AvailableNow) or SIGINT/SIGTERM stops
 * them gracefully. Exit status: 0, 1 when a statement or a query failed, 2
 * for a usage error. Main thread. */
#include "cli/cli.h"

#include "base/fsutil.h"
#include "base/log.h"
#include "sql/session.h"

#include <editline/readline.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void usage(void)
{
    fprintf(stderr, "usage: spate sql [--conf key=value]... [-d name=value]... "
                    "[-e 'STATEMENTS' | FILE]\n");
}

enum { MAX_DEFINES = 32 };

/* The -d name=value pairs (spark-sql's --hivevar): ${name} in the text is
 * replaced by value before parsing. */
typedef struct defines {
    char *names[MAX_DEFINES], *values[MAX_DEFINES];
    int n;
} defines;

/* text with each ${name} of d replaced (malloc'd); unknown ones stay. */
static char *substitute(const char *text, const defines *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f) return NULL;
    for (const char *p = text; *p;) {
        int hit = -1;
        for (int i = 0; i < d->n && hit < 0 && p[0] == '$' && p[1] == '{'; i++) {
            size_t k = strlen(d->names[i]);
            if (!strncmp(p + 2, d->names[i], k) && p[2 + k] == '}') hit = i;
        }
        if (hit < 0) {
            fputc(*p++, f);
            continue;
        }
        fputs(d->values[hit], f);
        p += strlen(d->names[hit]) + 3;
    }
    fclose(f);
    return out;
}

/* Parses the options into conf and the statement source. */
static int parse_args(int argc, char **argv, spate_conf *conf, defines *d, const char **text,
                      const char **file)
{
    for (int i = 1; i < argc; i++) {
        char why[512];
        if (!strcmp(argv[i], "--conf") && i + 1 < argc) {
            char *kv = argv[++i], *eq = strchr(kv, '=');
            if (!eq) {
                fprintf(stderr, "spate sql: --conf wants key=value, got '%s'\n", kv);
                return SP_EXIT_USAGE;
            }
            *eq = '\0';
            if (spate_conf_set(conf, kv, eq + 1, why, sizeof why) != SPATE_OK) {
                fprintf(stderr, "spate sql: %s\n", why);
                return SP_EXIT_USAGE;
            }
            /* the session's queries log through the process default */
            if (!strcmp(kv, "spate.log.level")) sp_log_set_level(sp_log_level_parse(eq + 1));
        } else if ((!strcmp(argv[i], "-d") || !strcmp(argv[i], "--define")) && i + 1 < argc) {
            char *kv = argv[++i], *eq = strchr(kv, '=');
            if (!eq || d->n == MAX_DEFINES) {
                fprintf(stderr, "spate sql: -d wants name=value, got '%s'\n", kv);
                return SP_EXIT_USAGE;
            }
            *eq = '\0';
            d->names[d->n] = kv;
            d->values[d->n++] = eq + 1;
        } else if (!strcmp(argv[i], "-e") && i + 1 < argc) {
            *text = argv[++i];
        } else if (argv[i][0] != '-' && !*file) {
            *file = argv[i];
        } else {
            usage();
            return SP_EXIT_USAGE;
        }
    }
    return SP_EXIT_OK;
}

/* Waits for the queries, stopping them on a signal; 1 when one failed. */
static int wait_queries(sp_session *s)
{
    while (!sp_session_await_all(s, 100))
        if (stop_signal) {
            fprintf(stderr, "spate sql: stopping the queries (signal %d)\n", (int)stop_signal);
            sp_session_stop_all(s);
        }
    int rc = SP_EXIT_OK;
    for (int i = 0; i < sp_session_nqueries(s); i++) {
        char *ex = sp_query_exception(sp_session_query(s, i));
        if (ex) {
            fprintf(stderr, "spate sql: query %s failed: %s\n", sp_query_id(sp_session_query(s, i)),
                    ex);
            rc = SP_EXIT_FAIL;
        }
        free(ex);
    }
    return rc;
}

static bool run_text(sp_session *s, const char *raw, const defines *d)
{
    char *err = NULL, *text = substitute(raw, d);
    bool ok = text && sp_session_run(s, text, stdout, &err);
    free(text);
    if (!ok) fprintf(stderr, "%s\n", err ? err : "error");
    free(err);
    fflush(stdout);
    return ok;
}

/* The shell: lines gathered until one ends with ';', then run. */
static void shell(sp_session *s, const defines *d)
{
    char *stmt = NULL;
    size_t len = 0;
    for (char *line; !stop_signal && (line = readline(stmt ? "       > " : "spate-sql> "));) {
        size_t n = strlen(line);
        stmt = realloc(stmt, len + n + 2);
        if (!stmt) abort();
        memcpy(stmt + len, line, n);
        len += n;
        stmt[len++] = '\n';
        stmt[len] = '\0';
        free(line);
        const char *end = stmt + len;
        while (end > stmt && (end[-1] == '\n' || end[-1] == ' '))
            end--;
        if (end == stmt || end[-1] != ';') continue;
        add_history(stmt);
        run_text(s, stmt, d);
        free(stmt);
        stmt = NULL;
        len = 0;
    }
    free(stmt);
}

int sp_cmd_sql(int argc, char **argv)
{
    spate_conf *conf = spate_conf_new();
    const char *text = NULL, *file = NULL;
    defines d = {0};
    int rc = parse_args(argc, argv, conf, &d, &text, &file);
    char *buf = NULL, why[512] = "";
    size_t len = 0;
    if (rc == SP_EXIT_OK && file && sp_read_whole(file, &buf, &len) != 0) {
        fprintf(stderr, "spate sql: cannot read %s: %m\n", file);
        rc = SP_EXIT_FAIL;
    }
    if (buf) { /* sp_read_whole does not end the text */
        buf = realloc(buf, len + 1);
        if (!buf) abort();
        buf[len] = '\0';
    }
    sp_session *s = rc == SP_EXIT_OK ? sp_session_new(conf, why, sizeof why) : NULL;
    if (rc == SP_EXIT_OK && !s) {
        fprintf(stderr, "spate sql: %s\n", why);
        rc = SP_EXIT_USAGE;
    }
    if (s) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        if (text || buf)
            rc = run_text(s, text ? text : buf, &d) ? SP_EXIT_OK : SP_EXIT_FAIL;
        else
            shell(s, &d);
        if (rc == SP_EXIT_OK)
            rc = wait_queries(s);
        else
            sp_session_stop_all(s);
        sp_session_free(s);
    }
    free(buf);
    spate_conf_destroy(conf);
    return rc;
}
