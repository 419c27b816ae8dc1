/* test_progress.c - the progress report's JSON (src/sql/progress.c,
 * src/sql/json_out.c) against Spark 4.0's StreamingQueryStatusAndProgressSuite
 * ("StreamingQueryProgress - prettyJson": testProgress1, testProgress2,
 * testProgress5 without eventTime and observedMetrics, which spate does not
 * report yet): whole strings, pretty and compact. */
#include <criterion/criterion.h>

#include "base/arena.h"
#include "sql/json_out.h"
#include "sql/progress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ID[] = "ce011fdc-8762-4dcb-84eb-a77333e28109";
static const char RUN_ID[] = "88e2ff94-ede0-45a8-b687-6316fbef529a";

static void expect_json(const sp_progress *p, bool pretty, const char *want)
{
    char *got = sp_progress_json(p, pretty);
    cr_expect_str_eq(got, want);
    free(got);
}

static sp_progress base_progress(void)
{
    sp_progress p = {0};
    strcpy(p.id, ID);
    strcpy(p.run_id, RUN_ID);
    p.timestamp_ms = 1480971260827; /* 2016-12-05T20:54:20.827Z */
    p.batch_id = 2;
    p.num_input_rows = 678;
    p.ndurations = 1;
    p.durations[0] = (sp_progress_kv){"total", 0};
    p.sink_description = "sink";
    p.sink_num_output_rows = -1;
    return p;
}

static sp_progress_state_op op(const char *name, int64_t memory)
{
    return (sp_progress_state_op){.operator_name = name,
                                  .num_rows_total = 0,
                                  .num_rows_updated = 1,
                                  .all_updates_time_ms = 1,
                                  .num_rows_removed = 2,
                                  .all_removals_time_ms = 34,
                                  .commit_time_ms = 23,
                                  .memory_used_bytes = memory,
                                  .num_rows_dropped_by_watermark = 0,
                                  .num_shuffle_partitions = 2,
                                  .num_state_store_instances = 2};
}

static sp_progress_source source(double in_rate, double processed_rate)
{
    return (sp_progress_source){.description = "source",
                                .start_offset = "123",
                                .end_offset = "456",
                                .latest_offset = "789",
                                .num_input_rows = 678,
                                .input_rows_per_second = in_rate,
                                .processed_rows_per_second = processed_rate};
}

/* testProgress1: a name, customMetrics given unsorted come out sorted, an
 * infinite processing rate is left out. */
static sp_progress progress1(sp_progress_state_op *o, sp_progress_source *s)
{
    sp_progress p = base_progress();
    p.name = "myName";
    p.input_rows_per_second = 10.0;
    p.processed_rows_per_second = INFINITY;
    *o = op("op1", 3);
    o->ncustom = 3;
    o->custom[0] = (sp_progress_kv){"stateOnCurrentVersionSizeBytes", 2};
    o->custom[1] = (sp_progress_kv){"loadedMapCacheHitCount", 1};
    o->custom[2] = (sp_progress_kv){"loadedMapCacheMissCount", 0};
    *s = source(10.0, INFINITY);
    p.nstate_ops = 1;
    p.state_ops = o;
    p.nsources = 1;
    p.sources = s;
    return p;
}

Test(progress, spark_test_progress1_pretty)
{
    sp_progress_state_op o;
    sp_progress_source s;
    sp_progress p = progress1(&o, &s);
    expect_json(&p, true,
                "{\n"
                "  \"id\" : \"ce011fdc-8762-4dcb-84eb-a77333e28109\",\n"
                "  \"runId\" : \"88e2ff94-ede0-45a8-b687-6316fbef529a\",\n"
                "  \"name\" : \"myName\",\n"
                "  \"timestamp\" : \"2016-12-05T20:54:20.827Z\",\n"
                "  \"batchId\" : 2,\n"
                "  \"batchDuration\" : 0,\n"
                "  \"numInputRows\" : 678,\n"
                "  \"inputRowsPerSecond\" : 10.0,\n"
                "  \"durationMs\" : {\n"
                "    \"total\" : 0\n"
                "  },\n"
                "  \"stateOperators\" : [ {\n"
                "    \"operatorName\" : \"op1\",\n"
                "    \"numRowsTotal\" : 0,\n"
                "    \"numRowsUpdated\" : 1,\n"
                "    \"allUpdatesTimeMs\" : 1,\n"
                "    \"numRowsRemoved\" : 2,\n"
                "    \"allRemovalsTimeMs\" : 34,\n"
                "    \"commitTimeMs\" : 23,\n"
                "    \"memoryUsedBytes\" : 3,\n"
                "    \"numRowsDroppedByWatermark\" : 0,\n"
                "    \"numShufflePartitions\" : 2,\n"
                "    \"numStateStoreInstances\" : 2,\n"
                "    \"customMetrics\" : {\n"
                "      \"loadedMapCacheHitCount\" : 1,\n"
                "      \"loadedMapCacheMissCount\" : 0,\n"
                "      \"stateOnCurrentVersionSizeBytes\" : 2\n"
                "    }\n"
                "  } ],\n"
                "  \"sources\" : [ {\n"
                "    \"description\" : \"source\",\n"
                "    \"startOffset\" : 123,\n"
                "    \"endOffset\" : 456,\n"
                "    \"latestOffset\" : 789,\n"
                "    \"numInputRows\" : 678,\n"
                "    \"inputRowsPerSecond\" : 10.0\n"
                "  } ],\n"
                "  \"sink\" : {\n"
                "    \"description\" : \"sink\",\n"
                "    \"numOutputRows\" : -1\n"
                "  }\n"
                "}");
}

Test(progress, spark_test_progress1_compact)
{
    sp_progress_state_op o;
    sp_progress_source s;
    sp_progress p = progress1(&o, &s);
    expect_json(&p, false,
                "{\"id\":\"ce011fdc-8762-4dcb-84eb-a77333e28109\","
                "\"runId\":\"88e2ff94-ede0-45a8-b687-6316fbef529a\",\"name\":\"myName\","
                "\"timestamp\":\"2016-12-05T20:54:20.827Z\",\"batchId\":2,\"batchDuration\":0,"
                "\"numInputRows\":678,\"inputRowsPerSecond\":10.0,\"durationMs\":{\"total\":0},"
                "\"stateOperators\":[{\"operatorName\":\"op1\",\"numRowsTotal\":0,"
                "\"numRowsUpdated\":1,\"allUpdatesTimeMs\":1,\"numRowsRemoved\":2,"
                "\"allRemovalsTimeMs\":34,\"commitTimeMs\":23,\"memoryUsedBytes\":3,"
                "\"numRowsDroppedByWatermark\":0,\"numShufflePartitions\":2,"
                "\"numStateStoreInstances\":2,\"customMetrics\":{\"loadedMapCacheHitCount\":1,"
                "\"loadedMapCacheMissCount\":0,\"stateOnCurrentVersionSizeBytes\":2}}],"
                "\"sources\":[{\"description\":\"source\",\"startOffset\":123,"
                "\"endOffset\":456,\"latestOffset\":789,\"numInputRows\":678,"
                "\"inputRowsPerSecond\":10.0}],"
                "\"sink\":{\"description\":\"sink\",\"numOutputRows\":-1}}");
}

/* testProgress2: name null, NaN and -Infinity rates left out, no
 * customMetrics. */
Test(progress, spark_test_progress2_pretty)
{
    sp_progress p = base_progress();
    p.input_rows_per_second = NAN;
    p.processed_rows_per_second = -INFINITY;
    sp_progress_state_op o = op("op2", 2);
    sp_progress_source s = source(NAN, -INFINITY);
    p.nstate_ops = 1;
    p.state_ops = &o;
    p.nsources = 1;
    p.sources = &s;
    expect_json(&p, true,
                "{\n"
                "  \"id\" : \"ce011fdc-8762-4dcb-84eb-a77333e28109\",\n"
                "  \"runId\" : \"88e2ff94-ede0-45a8-b687-6316fbef529a\",\n"
                "  \"name\" : null,\n"
                "  \"timestamp\" : \"2016-12-05T20:54:20.827Z\",\n"
                "  \"batchId\" : 2,\n"
                "  \"batchDuration\" : 0,\n"
                "  \"numInputRows\" : 678,\n"
                "  \"durationMs\" : {\n"
                "    \"total\" : 0\n"
                "  },\n"
                "  \"stateOperators\" : [ {\n"
                "    \"operatorName\" : \"op2\",\n"
                "    \"numRowsTotal\" : 0,\n"
                "    \"numRowsUpdated\" : 1,\n"
                "    \"allUpdatesTimeMs\" : 1,\n"
                "    \"numRowsRemoved\" : 2,\n"
                "    \"allRemovalsTimeMs\" : 34,\n"
                "    \"commitTimeMs\" : 23,\n"
                "    \"memoryUsedBytes\" : 2,\n"
                "    \"numRowsDroppedByWatermark\" : 0,\n"
                "    \"numShufflePartitions\" : 2,\n"
                "    \"numStateStoreInstances\" : 2\n"
                "  } ],\n"
                "  \"sources\" : [ {\n"
                "    \"description\" : \"source\",\n"
                "    \"startOffset\" : 123,\n"
                "    \"endOffset\" : 456,\n"
                "    \"latestOffset\" : 789,\n"
                "    \"numInputRows\" : 678\n"
                "  } ],\n"
                "  \"sink\" : {\n"
                "    \"description\" : \"sink\",\n"
                "    \"numOutputRows\" : -1\n"
                "  }\n"
                "}");
}

/* testProgress5: Kafka's offsets (pretty-printed by the source, four-space
 * indent) re-indented, durationMs sorted, no state operators, Double.toString
 * rates. */
static sp_progress progress5(sp_progress_source *s)
{
    sp_progress p = base_progress();
    p.name = "KafkaMetricsTest";
    p.timestamp_ms = 1758607200000; /* 2025-09-23T06:00:00.000Z */
    p.batch_id = 1250;
    p.batch_duration_ms = 111255;
    p.num_input_rows = 800000;
    p.input_rows_per_second = 75291.2831516931;
    p.processed_rows_per_second = 71906.88058963642;
    static const sp_progress_kv durations[] = {
        {"triggerExecution", 111255}, {"addBatch", 110481}, {"commitBatch", 410},
        {"commitOffsets", 107},       {"getBatch", 0},      {"latestOffset", 2},
        {"queryPlanning", 179},       {"walCommit", 74}};
    p.ndurations = 8;
    memcpy(p.durations, durations, sizeof durations);
    *s = (sp_progress_source){
        .description = "KafkaV2[Subscribe[bigdata_omsTrade_cdc]]",
        .start_offset =
            "{\n    \"bigdata_omsTrade_cdc\" : {\n        \"0\" : 18424809459\n    }\n}",
        .end_offset = "{\"bigdata_omsTrade_cdc\":{\"0\":18432809459}}",
        .latest_offset =
            "{\n    \"bigdata_omsTrade_cdc\" : {\n        \"0\" : 18703750728\n    }\n}",
        .num_input_rows = 800000,
        .input_rows_per_second = 75291.2831516931,
        .processed_rows_per_second = 71906.88058963642};
    p.nsources = 1;
    p.sources = s;
    p.sink_description = "DeltaSink[s3://<masked-storage>/delta-source]";
    return p;
}

Test(progress, spark_test_progress5_kafka_offsets_pretty)
{
    sp_progress_source s;
    sp_progress p = progress5(&s);
    expect_json(&p, true,
                "{\n"
                "  \"id\" : \"ce011fdc-8762-4dcb-84eb-a77333e28109\",\n"
                "  \"runId\" : \"88e2ff94-ede0-45a8-b687-6316fbef529a\",\n"
                "  \"name\" : \"KafkaMetricsTest\",\n"
                "  \"timestamp\" : \"2025-09-23T06:00:00.000Z\",\n"
                "  \"batchId\" : 1250,\n"
                "  \"batchDuration\" : 111255,\n"
                "  \"numInputRows\" : 800000,\n"
                "  \"inputRowsPerSecond\" : 75291.2831516931,\n"
                "  \"processedRowsPerSecond\" : 71906.88058963642,\n"
                "  \"durationMs\" : {\n"
                "    \"addBatch\" : 110481,\n"
                "    \"commitBatch\" : 410,\n"
                "    \"commitOffsets\" : 107,\n"
                "    \"getBatch\" : 0,\n"
                "    \"latestOffset\" : 2,\n"
                "    \"queryPlanning\" : 179,\n"
                "    \"triggerExecution\" : 111255,\n"
                "    \"walCommit\" : 74\n"
                "  },\n"
                "  \"stateOperators\" : [ ],\n"
                "  \"sources\" : [ {\n"
                "    \"description\" : \"KafkaV2[Subscribe[bigdata_omsTrade_cdc]]\",\n"
                "    \"startOffset\" : {\n"
                "      \"bigdata_omsTrade_cdc\" : {\n"
                "        \"0\" : 18424809459\n"
                "      }\n"
                "    },\n"
                "    \"endOffset\" : {\n"
                "      \"bigdata_omsTrade_cdc\" : {\n"
                "        \"0\" : 18432809459\n"
                "      }\n"
                "    },\n"
                "    \"latestOffset\" : {\n"
                "      \"bigdata_omsTrade_cdc\" : {\n"
                "        \"0\" : 18703750728\n"
                "      }\n"
                "    },\n"
                "    \"numInputRows\" : 800000,\n"
                "    \"inputRowsPerSecond\" : 75291.2831516931,\n"
                "    \"processedRowsPerSecond\" : 71906.88058963642\n"
                "  } ],\n"
                "  \"sink\" : {\n"
                "    \"description\" : \"DeltaSink[s3://<masked-storage>/delta-source]\",\n"
                "    \"numOutputRows\" : -1\n"
                "  }\n"
                "}");
}

Test(progress, spark_test_progress5_compact)
{
    sp_progress_source s;
    sp_progress p = progress5(&s);
    p.nsources = 0;   /* "sources":[] */
    p.ndurations = 0; /* an empty durationMs is left out */
    p.sink_num_output_rows = 800000;
    expect_json(&p, false,
                "{\"id\":\"ce011fdc-8762-4dcb-84eb-a77333e28109\","
                "\"runId\":\"88e2ff94-ede0-45a8-b687-6316fbef529a\","
                "\"name\":\"KafkaMetricsTest\",\"timestamp\":\"2025-09-23T06:00:00.000Z\","
                "\"batchId\":1250,\"batchDuration\":111255,\"numInputRows\":800000,"
                "\"inputRowsPerSecond\":75291.2831516931,"
                "\"processedRowsPerSecond\":71906.88058963642,\"stateOperators\":[],"
                "\"sources\":[],\"sink\":{\"description\":"
                "\"DeltaSink[s3://<masked-storage>/delta-source]\",\"numOutputRows\":800000}}");
}

/* Spark 4.0 writes rates through Double.toString (4.1's SPARK-53491 rounds
 * them to one decimal instead). */
Test(progress, rates_print_as_java_doubles)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {6.923076923076923E8, "6.923076923076923E8"},
        {83.33333333333333, "83.33333333333333"},
        {0.3835826620636747, "0.3835826620636747"},
        {1.0E-4, "1.0E-4"},
        {120.0, "120.0"},
        {0.0, "0.0"},
        {1.0E7, "1.0E7"},
        {9999999.0, "9999999.0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_progress p = base_progress();
        p.ndurations = 0;
        p.input_rows_per_second = cases[i].v;
        p.processed_rows_per_second = NAN;
        char *got = sp_progress_json(&p, false);
        char want[128];
        snprintf(want, sizeof want, "\"numInputRows\":678,\"inputRowsPerSecond\":%s,\"state",
                 cases[i].want);
        cr_expect_neq(strstr(got, want), NULL, "%s in %s", cases[i].want, got);
        free(got);
    }
}

Test(progress, timestamps_are_utc_with_milliseconds)
{
    static const struct {
        int64_t ms;
        const char *want;
    } cases[] = {{0, "1970-01-01T00:00:00.000Z"},
                 {-1, "1969-12-31T23:59:59.999Z"},
                 {1480971260827, "2016-12-05T20:54:20.827Z"},
                 {951782400005, "2000-02-29T00:00:00.005Z"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_progress p = base_progress();
        p.timestamp_ms = cases[i].ms;
        char *got = sp_progress_json(&p, false);
        char want[96];
        snprintf(want, sizeof want, "\"timestamp\":\"%s\",", cases[i].want);
        cr_expect_neq(strstr(got, want), NULL, "%s in %s", cases[i].want, got);
        free(got);
    }
}

/* SourceProgress.tryParse: offsets that are JSON are re-written in the
 * report's layout (json4s parses integers as BigInt, other numbers as
 * doubles); text that is not JSON becomes a string; escapes as Jackson's. */
Test(progress, embedded_offsets_and_string_escapes)
{
    static const struct {
        const char *offset;
        const char *pretty, *compact;
    } cases[] = {
        {"{}", "{ }", "{}"},
        {" [1, 2.50,\t-0, 1e2] ", "[ 1, 2.5, 0, 100.0 ]", "[1,2.5,0,100.0]"},
        {"{\"a\":[],\"b\":{\"c\":true,\"d\":null}}",
         "{\n      \"a\" : [ ],\n      \"b\" : {\n        \"c\" : true,\n        \"d\" : null\n"
         "      }\n    }",
         "{\"a\":[],\"b\":{\"c\":true,\"d\":null}}"},
        {"[{\"x\":1},{\"y\":2}]", "[ {\n      \"x\" : 1\n    }, {\n      \"y\" : 2\n    } ]",
         "[{\"x\":1},{\"y\":2}]"},
        {"\"s\\u00e9\\ud83d\\ude00\\/\"", "\"s\xc3\xa9\xf0\x9f\x98\x80/\"",
         "\"s\xc3\xa9\xf0\x9f\x98\x80/\""},
        {"abc", "\"abc\"", "\"abc\""},
        {"{\"a\":1", "\"{\\\"a\\\":1\"", "\"{\\\"a\\\":1\""},
        {"01", "\"01\"", "\"01\""},
        {"1 2", "\"1 2\"", "\"1 2\""},
        {"", "\"\"", "\"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_progress p = base_progress();
        sp_progress_source s = {.description = "q\"\\\n\t\x01/", .start_offset = cases[i].offset};
        p.nsources = 1;
        p.sources = &s;
        for (int pretty = 0; pretty <= 1; pretty++) {
            char *got = sp_progress_json(&p, pretty);
            char want[512];
            snprintf(want, sizeof want,
                     pretty ? "\"description\" : \"q\\\"\\\\\\n\\t\\u0001/\",\n    "
                              "\"startOffset\" : %s,\n    \"endOffset\" : null,"
                            : "\"description\":\"q\\\"\\\\\\n\\t\\u0001/\","
                              "\"startOffset\":%s,\"endOffset\":null,",
                     pretty ? cases[i].pretty : cases[i].compact);
            cr_expect_neq(strstr(got, want), NULL, "case %zu: want %s in %s", i, want, got);
            free(got);
        }
    }
}

Test(progress, copy_is_deep)
{
    sp_progress_state_op o;
    sp_progress_source s;
    sp_progress p = progress1(&o, &s);
    char name[] = "myName", offset[] = "{\"t\":{\"0\":5}}", opname[] = "op1";
    p.name = name;
    s.end_offset = offset;
    o.operator_name = opname;
    char *before = sp_progress_json(&p, true);
    spate_arena *a = spate_arena_new();
    sp_progress *c = sp_progress_copy(a, &p);
    memset(name, 'x', 3);
    memset(offset, ' ', sizeof offset - 1);
    memset(opname, 'y', 3);
    o.num_rows_total = 99;
    s.num_input_rows = 99;
    char *after = sp_progress_json(c, true);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
    spate_arena_destroy(a);
}

/* Offsets nested deeper than the writer keeps are written as a string,
 * never cut short. */
Test(progress, deeply_nested_offset_is_a_string)
{
    char deep[2 * 100 + 2];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    sp_progress p = base_progress();
    sp_progress_source s = {.description = "d", .start_offset = deep};
    p.nsources = 1;
    p.sources = &s;
    char *got = sp_progress_json(&p, false);
    char want[256];
    snprintf(want, sizeof want, "\"startOffset\":\"%s\",", deep);
    cr_expect_neq(strstr(got, want), NULL, "%s", got);
    free(got);
    s.start_offset = "[[[[1]]]]";
    got = sp_progress_json(&p, true);
    cr_expect_neq(strstr(got, "\"startOffset\" : [ [ [ [ 1 ] ] ] ],"), NULL, "%s", got);
    free(got);
}
