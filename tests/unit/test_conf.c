/* test_conf.c - spate_conf against the option table, with Spark's defaults
 * and names, and docs/configuration.md kept equal to the table. */
#include <criterion/criterion.h>

#include <spate/core.h>

#include "base/conf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static spate_conf *C;
static char err[512];
static void setup(void)
{
    C = spate_conf_new();
    err[0] = '\0';
}
static void teardown(void) { spate_conf_destroy(C); }

TestSuite(conf, .init = setup, .fini = teardown);

static void set_ok(const char *k, const char *v)
{
    spate_err rc = spate_conf_set(C, k, v, err, sizeof err);
    cr_assert_eq(rc, SPATE_OK, "%s=%s: %s", k, v, err);
}

/* The public typed getters, asserting that the read succeeds. */
#define DEFINE_GETTER(name, type, fn)                                                              \
    static type name(const char *key)                                                              \
    {                                                                                              \
        type v;                                                                                    \
        spate_err rc = fn(C, key, &v);                                                             \
        cr_assert_eq(rc, SPATE_OK, "%s: %s", key, spate_err_str(rc));                              \
        return v;                                                                                  \
    }
DEFINE_GETTER(get_i64, int64_t, spate_conf_get_i64)
DEFINE_GETTER(get_f64, double, spate_conf_get_f64)
DEFINE_GETTER(get_bool, bool, spate_conf_get_bool)
DEFINE_GETTER(get_duration, spate_duration, spate_conf_get_duration)

static void set_bad(const char *k, const char *v, spate_err want, const char *msg)
{
    spate_err rc = spate_conf_set(C, k, v, err, sizeof err);
    cr_assert_eq(rc, want, "%s=%s gave %d (%s)", k, v, rc, err);
    cr_assert(strstr(err, msg), "message \"%s\" lacks \"%s\"", err, msg);
}

Test(conf, spark_defaults)
{
    cr_assert_str_eq(spate_conf_get(C, "spate.master"), "local[*]");
    cr_assert_str_eq(spate_conf_get(C, "spate.app.name"), "spate");
    cr_assert_eq(get_i64("spate.default.parallelism"), 0);
    cr_assert_str_eq(spate_conf_get(C, "spate.streaming.clock"), "system");
    cr_assert_eq(get_duration("spate.streaming.blockInterval"), 200);
    cr_assert_eq(get_duration("spate.streaming.receiverRestartDelay"), 2000);
    cr_assert(!get_bool("spate.streaming.stopGracefullyOnShutdown"));
    cr_assert(get_bool("spate.streaming.stopSparkContextByDefault"));
    cr_assert_eq(get_i64("spate.streaming.concurrentJobs"), 1);
    cr_assert_eq(get_duration("spate.streaming.fileStream.minRememberDuration"), 60000);
    cr_assert_eq(get_i64("spate.files.maxPartitionBytes"), 32 << 20);
    cr_assert_eq(get_i64("spate.streaming.receiver.maxRate"), 0);
    cr_assert(!get_bool("spate.streaming.receiver.writeAheadLog.enable"));
    cr_assert(!get_bool("spate.streaming.backpressure.enabled"));
    cr_assert_eq(get_i64("spate.streaming.backpressure.initialRate"), 0);
    cr_assert_eq(get_f64("spate.streaming.backpressure.pid.proportional"), 1.0);
    cr_assert_eq(get_f64("spate.streaming.backpressure.pid.integral"), 0.2);
    cr_assert_eq(get_f64("spate.streaming.backpressure.pid.minRate"), 100.0);
    cr_assert_eq(get_i64("spate.streaming.kafka.maxRatePerPartition"), 0);
    cr_assert_eq(get_i64("spate.streaming.kafka.minRatePerPartition"), 1);
    cr_assert_str_eq(spate_conf_get(C, "spate.log.level"), "WARN");
    cr_assert_eq(get_duration("spate.streaming.gracefulStopTimeout"), 0);
}

Test(conf, spark_names_map_to_spate)
{
    set_ok("spark.streaming.backpressure.enabled", "true");
    cr_assert(get_bool("spate.streaming.backpressure.enabled"));
    cr_assert(get_bool("spark.streaming.backpressure.enabled"));
    cr_assert_str_eq(spate_conf_get(C, "spark.streaming.backpressure.enabled"), "true");
}

Test(conf, typed_values)
{
    set_ok("spate.streaming.blockInterval", "50ms");
    cr_assert_eq(get_duration("spate.streaming.blockInterval"), 50);
    cr_assert_str_eq(spate_conf_get(C, "spate.streaming.blockInterval"), "50ms");
    set_ok("spate.streaming.receiverRestartDelay", " 5 seconds ");
    cr_assert_eq(get_duration("spate.streaming.receiverRestartDelay"), 5000);
    set_ok("spate.files.maxPartitionBytes", "1g");
    cr_assert_eq(get_i64("spate.files.maxPartitionBytes"), 1LL << 30);
    set_ok("spate.files.maxPartitionBytes", "512 KB");
    cr_assert_eq(get_i64("spate.files.maxPartitionBytes"), 512 << 10);
    set_ok("spate.files.maxPartitionBytes", "1000");
    cr_assert_eq(get_i64("spate.files.maxPartitionBytes"), 1000);
    set_ok("spate.streaming.stopGracefullyOnShutdown", "TRUE"); /* Spark: toBoolean */
    cr_assert(get_bool("spate.streaming.stopGracefullyOnShutdown"));
    cr_assert_str_eq(spate_conf_get(C, "spate.streaming.stopGracefullyOnShutdown"), "true");
    set_ok("spate.streaming.clock", "Manual");
    cr_assert_str_eq(spate_conf_get(C, "spate.streaming.clock"), "manual");
    set_ok("spate.log.level", "debug");
    cr_assert_str_eq(spate_conf_get(C, "spate.log.level"), "DEBUG");
    set_ok("spate.streaming.backpressure.pid.integral", "0.5");
    cr_assert_eq(get_f64("spate.streaming.backpressure.pid.integral"), 0.5);
    set_ok("spate.streaming.receiver.maxRate", "10000");
    cr_assert_eq(get_i64("spate.streaming.receiver.maxRate"), 10000);
    set_ok("spate.app.name", "  my app ");
    cr_assert_str_eq(spate_conf_get(C, "spate.app.name"), "  my app "); /* strings as given */
}

Test(conf, master_forms)
{
    set_ok("spate.master", "local");
    set_ok("spate.master", "local[4]");
    set_ok("spate.master", "local[*]");
    set_bad("spate.master", "local[0]", SPATE_ERR_INVALID_ARG, "expected local, local[N]");
    set_bad("spate.master", "yarn", SPATE_ERR_INVALID_ARG,
            "invalid value \"yarn\" for spate.master");
    set_bad("spate.master", "local[2", SPATE_ERR_INVALID_ARG, "spate.master");
    set_bad("spate.master", "local[x]", SPATE_ERR_INVALID_ARG, "spate.master");
    cr_assert_eq(sp_conf_master_threads("local"), 1);
    cr_assert_eq(sp_conf_master_threads("local[3]"), 3);
    cr_assert_geq(sp_conf_master_threads("local[*]"), 1);
    cr_assert_eq(sp_conf_master_threads("local[]"), -1);
    cr_assert_eq(sp_conf_master_threads("spark://h:7077"), -1);
}

Test(conf, type_and_range_errors_name_key_value_and_expectation)
{
    set_bad("spate.streaming.concurrentJobs", "2", SPATE_ERR_INVALID_ARG,
            "invalid value \"2\" for spate.streaming.concurrentJobs: expected exactly 1");
    set_bad("spate.default.parallelism", "many", SPATE_ERR_INVALID_ARG,
            "invalid value \"many\" for spate.default.parallelism: expected an integer");
    set_bad("spate.default.parallelism", "-1", SPATE_ERR_INVALID_ARG, "expected 0 .. 65536");
    set_bad("spate.streaming.backpressure.enabled", "yes", SPATE_ERR_INVALID_ARG,
            "expected true or false");
    set_bad("spate.streaming.clock", "wall", SPATE_ERR_INVALID_ARG,
            "expected one of system|manual");
    set_bad("spate.streaming.blockInterval", "5 secs", SPATE_ERR_INVALID_ARG,
            "spate.streaming.blockInterval: invalid duration \"5 secs\": unknown unit \"secs\"");
    set_bad("spate.streaming.blockInterval", "0", SPATE_ERR_INVALID_ARG, "at least 1 ms");
    set_bad("spate.files.maxPartitionBytes", "12q", SPATE_ERR_INVALID_ARG, "invalid size \"12q\"");
    set_bad("spate.files.maxPartitionBytes", "0", SPATE_ERR_INVALID_ARG, "at least 1 bytes");
    set_bad("spate.streaming.backpressure.pid.integral", "-1", SPATE_ERR_INVALID_ARG,
            "expected a number in 0 ..");
    set_bad("spate.streaming.backpressure.pid.integral", "abc", SPATE_ERR_INVALID_ARG,
            "expected a number");
    set_bad("spate.streaming.kafka.minRatePerPartition", "0", SPATE_ERR_INVALID_ARG, "at least 1");
    set_bad("spate.streaming.receiver.maxRate", "99999999999999999999", SPATE_ERR_INVALID_ARG,
            "expected an integer");
    /* A failed set keeps the old value. */
    cr_assert_eq(get_i64("spate.streaming.concurrentJobs"), 1);
    cr_assert_eq(get_duration("spate.streaming.blockInterval"), 200);
}

Test(conf, unknown_keys)
{
    set_bad("spate.streaming.blockIntervall", "1s", SPATE_ERR_NOT_FOUND,
            "unknown option \"spate.streaming.blockIntervall\" (did you mean "
            "\"spate.streaming.blockInterval\"?)");
    set_bad("spark.streaming.backpresure.enabled", "true", SPATE_ERR_NOT_FOUND,
            "did you mean \"spate.streaming.backpressure.enabled\"");
    set_bad("completely.different", "1", SPATE_ERR_NOT_FOUND,
            "unknown option \"completely.different\"");
    set_bad("kafka.", "x", SPATE_ERR_NOT_FOUND, "unknown option");
    cr_assert_null(spate_conf_get(C, "no.such.key"));
}

Test(conf, reading_an_undeclared_key_is_an_error_not_a_default)
{
    int64_t i = 7;
    double d = 7;
    bool b = true;
    spate_duration t = 7;
    cr_assert_eq(spate_conf_get_i64(C, "no.such.key", &i), SPATE_ERR_NOT_FOUND);
    cr_assert_eq(spate_conf_get_f64(C, "spate.streaming.blockIntervall", &d), SPATE_ERR_NOT_FOUND);
    cr_assert_eq(spate_conf_get_bool(C, "kafka.missing", &b), SPATE_ERR_NOT_FOUND);
    cr_assert_eq(spate_conf_get_duration(C, "user.missing", &t), SPATE_ERR_NOT_FOUND);
    cr_assert(i == 7 && d == 7 && b && t == 7, "out parameters are untouched on error");
}

Test(conf, typed_getters_check_the_declared_type)
{
    bool b;
    spate_duration t;
    int64_t i;
    double d;
    cr_assert_eq(spate_conf_get_bool(C, "spate.streaming.blockInterval", &b),
                 SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_conf_get_duration(C, "spate.streaming.concurrentJobs", &t),
                 SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_conf_get_i64(C, "spate.streaming.backpressure.pid.integral", &i),
                 SPATE_ERR_INVALID_ARG);
    cr_assert_eq(spate_conf_get_i64(C, "spate.master", &i), SPATE_ERR_INVALID_ARG);
    /* Durations read as i64 in ms, sizes in bytes; integers read as f64. */
    cr_assert_eq(get_i64("spate.streaming.blockInterval"), 200);
    cr_assert_eq(spate_conf_get_f64(C, "spate.streaming.concurrentJobs", &d), SPATE_OK);
    cr_assert_eq(d, 1.0);
    set_ok("user.flag", "yes");
    cr_assert_eq(spate_conf_get_i64(C, "user.flag", &i), SPATE_ERR_INVALID_ARG);
    set_ok("user.wait", "3 seconds");
    cr_assert_eq(get_duration("user.wait"), 3000);
}

Test(conf, engine_reads_use_the_table_default_without_a_conf)
{
    cr_assert_eq(sp_conf_i64(NULL, "spate.files.maxPartitionBytes"), 32 << 20);
    cr_assert_eq(sp_conf_duration(NULL, "spate.streaming.blockInterval"), 200);
    cr_assert_eq(sp_conf_f64(NULL, "spate.streaming.backpressure.pid.minRate"), 100.0);
    cr_assert(!sp_conf_bool(NULL, "spate.streaming.backpressure.enabled"));
    set_ok("spate.streaming.blockInterval", "50ms");
    cr_assert_eq(sp_conf_duration(C, "spate.streaming.blockInterval"), 50);
}

Test(conf, engine_read_of_an_undeclared_key_aborts, .signal = SIGABRT)
{
    sp_conf_i64(C, "spate.streaming.noSuchOption");
}

static void collect(const char *k, const char *v, void *ud)
{
    char *out = ud;
    strcat(out, k);
    strcat(out, "=");
    strcat(out, v);
    strcat(out, ";");
}

Test(conf, kafka_and_user_keys_kept_as_given)
{
    set_ok("kafka.bootstrap.servers", "localhost:9092");
    set_ok("kafka.group.id", "g1");
    set_ok("user.threshold", "42");
    set_ok("kafka.group.id", "g2");
    cr_assert_str_eq(spate_conf_get(C, "kafka.group.id"), "g2");
    cr_assert_eq(get_i64("user.threshold"), 42);
    cr_assert_null(spate_conf_get(C, "kafka.missing"));
    char seen[256] = "";
    sp_conf_foreach_prefix(C, "kafka.", collect, seen);
    cr_assert_str_eq(seen, "kafka.bootstrap.servers=localhost:9092;kafka.group.id=g2;");
}

Test(conf, dup_is_deep)
{
    set_ok("spate.app.name", "one");
    set_ok("user.x", "1");
    spate_conf *d = spate_conf_dup(C);
    set_ok("spate.app.name", "two");
    set_ok("user.x", "2");
    cr_assert_str_eq(spate_conf_get(d, "spate.app.name"), "one");
    cr_assert_str_eq(spate_conf_get(d, "user.x"), "1");
    spate_conf_destroy(d);
}

Test(conf, size_parser)
{
    int64_t n;
    cr_assert_eq(sp_conf_parse_size("32m", &n, err, sizeof err), SPATE_OK);
    cr_assert_eq(n, 32 << 20);
    cr_assert_eq(sp_conf_parse_size("1k", &n, err, sizeof err), SPATE_OK);
    cr_assert_eq(n, 1024);
    cr_assert_eq(sp_conf_parse_size("7b", &n, err, sizeof err), SPATE_OK);
    cr_assert_eq(n, 7);
    cr_assert_eq(sp_conf_parse_size("2TB", &n, err, sizeof err), SPATE_OK);
    cr_assert_eq(n, 2LL << 40);
    cr_assert_eq(sp_conf_parse_size("8191p", &n, err, sizeof err), SPATE_OK);
    cr_assert_eq(sp_conf_parse_size("8192000p", &n, err, sizeof err), SPATE_ERR_INVALID_ARG);
    cr_assert(strstr(err, "too large"));
    cr_assert_eq(sp_conf_parse_size("-1m", &n, err, sizeof err), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(sp_conf_parse_size("1bb", &n, err, sizeof err), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(sp_conf_parse_size("1.5g", &n, err, sizeof err), SPATE_ERR_INVALID_ARG);
    cr_assert_eq(sp_conf_parse_size("", &n, err, sizeof err), SPATE_ERR_INVALID_ARG);
}

Test(conf, table_is_well_formed)
{
    for (size_t i = 0; i < sp_conf_noptions; i++) {
        const sp_conf_opt *o = &sp_conf_options[i];
        cr_assert_eq(strncmp(o->name, "spate.", 6), 0, "%s", o->name);
        cr_assert(o->doc && *o->doc, "%s has no doc", o->name);
        cr_assert_eq(sp_conf_find(o->name), o);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(o->name, sp_conf_options[j].name, "duplicate %s", o->name);
        /* The default passes the option's own checks. */
        set_ok(o->name, o->def);
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) buf = realloc(buf, cap = cap ? cap * 2 : 8192);
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

/* docs/configuration.md under $SPATE_ROOT, the cwd, or the source tree. */
static char *read_docs(size_t *len)
{
    char path[4096];
    const char *root = getenv("SPATE_ROOT");
    if (root) {
        snprintf(path, sizeof path, "%s/docs/configuration.md", root);
        return read_file(path, len);
    }
    char *s = read_file("docs/configuration.md", len);
    if (s) return s;
    const char *here = __FILE__, *cut = strstr(here, "tests/unit/test_conf.c");
    if (!cut) return NULL;
    snprintf(path, sizeof path, "%.*sdocs/configuration.md", (int)(cut - here), here);
    return read_file(path, len);
}

Test(conf, docs_configuration_md_is_generated_from_the_table)
{
    char *gen = NULL;
    size_t gen_len = 0, doc_len = 0;
    FILE *mem = open_memstream(&gen, &gen_len);
    sp_conf_write_markdown(mem);
    fclose(mem);
    char *doc = read_docs(&doc_len);
    cr_assert_not_null(doc, "docs/configuration.md not found (set SPATE_ROOT to the repo)");
    cr_assert(doc_len == gen_len && memcmp(doc, gen, gen_len) == 0,
              "docs/configuration.md is stale: regenerate it with `spate config --markdown > "
              "docs/configuration.md`");
    for (size_t i = 0; i < sp_conf_noptions; i++)
        cr_assert(strstr(gen, sp_conf_options[i].name));
    free(doc);
    free(gen);
}
