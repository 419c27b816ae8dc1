/* test_ui_inputs.c - the Streaming tab's per-input-stream rates (spate's
 * .../streaming/inputs: every input stream, receivers or not, with
 * ReceiverInfo's eventRates) and the output operations' times (Spark's
 * OutputOperationInfo) where the listener's batch times give them. */
#include "ui/ui_model.h"

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

/* A completed batch at t with records r0 in stream 0 ("FileInputDStream")
 * and r3 in stream 3 ("DirectKafkaInputDStream"), outputs output ops. */
static void batch(sp_ui_stream *m, int64_t t, int64_t r0, int64_t r3, int outputs, bool done)
{
    sp_ui_input in[2] = {{3, "DirectKafkaInputDStream", r3}, {0, "FileInputDStream", r0}};
    sp_ui_batch b = {.batch_time_ms = t,
                     .submission_ms = t,
                     .start_ms = t + 2,
                     .end_ms = done ? t + 52 : -1,
                     .records = r0 + r3,
                     .noutputs = outputs,
                     .inputs = in,
                     .ninputs = 2};
    sp_ui_stream_submitted(m, &b);
    sp_ui_stream_started(m, t, t + 2);
    if (done) sp_ui_stream_completed(m, &b);
}

Test(ui_inputs, each_input_stream_by_id_with_its_rates)
{
    sp_ui_stream m;
    sp_ui_stream_init(&m, 0, 500, 10);
    sp_ui_buf b = {0};
    sp_ui_json_inputs(&b, &m);
    char *s = sp_ui_buf_take(&b);
    cr_expect_str_eq(s, "[]", "no completed batch, no stream");
    free(s);
    batch(&m, 500, 10, 0, 1, true);
    batch(&m, 1000, 20, 5, 1, true);
    batch(&m, 1500, 99, 99, 1, false); /* processing: not in the rates */
    sp_ui_json_inputs(&b, &m);
    s = sp_ui_buf_take(&b);
    cr_expect_str_eq(s, "[{\"streamId\":0,\"streamName\":\"FileInputDStream\","
                        "\"eventRates\":[[500,20.0],[1000,40.0]],\"avgEventRate\":30.0},"
                        "{\"streamId\":3,\"streamName\":\"DirectKafkaInputDStream\","
                        "\"eventRates\":[[500,0.0],[1000,10.0]],\"avgEventRate\":5.0}]");
    free(s);
    sp_ui_stream_free(&m);
}

Test(ui_inputs, one_output_operation_takes_the_batch_times)
{
    sp_ui_stream m;
    sp_ui_stream_init(&m, 0, 500, 10);
    m.output_names = calloc(1, sizeof *m.output_names);
    m.output_names[0] = strdup("saveAsTextFiles");
    m.noutputs = 1;
    batch(&m, 500, 1, 1, 1, true);
    batch(&m, 1000, 1, 1, 1, false);
    static const struct {
        int64_t t;
        const char *want;
    } cases[] = {
        {500, "[{\"outputOpId\":0,\"name\":\"saveAsTextFiles\",\"description\":"
              "\"saveAsTextFiles\",\"startTime\":\"1970-01-01T00:00:00.502GMT\","
              "\"endTime\":\"1970-01-01T00:00:00.552GMT\",\"duration\":50,\"jobIds\":[]}]"},
        {1000, "[{\"outputOpId\":0,\"name\":\"saveAsTextFiles\",\"description\":"
               "\"saveAsTextFiles\",\"startTime\":\"1970-01-01T00:00:01.002GMT\","
               "\"jobIds\":[]}]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_ui_buf b = {0};
        sp_ui_json_operations(&b, &m, sp_ui_stream_find(&m, cases[i].t));
        char *s = sp_ui_buf_take(&b);
        cr_expect_str_eq(s, cases[i].want, "batch %lld", (long long)cases[i].t);
        free(s);
    }
    sp_ui_stream_free(&m);
}
