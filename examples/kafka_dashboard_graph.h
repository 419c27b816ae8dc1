/* kafka_dashboard_graph.h - the stock-orders dashboard on Kafka: the graph of
 * orders_dashboard_graph.h (the same three metrics, built by the same
 * functions) between a Kafka direct stream and a Kafka output:
 *
 *   val stream = KafkaUtils.createDirectStream[String, String](ssc, PreferConsistent,
 *       Subscribe[String, String](Array(inputTopic), kafkaParams))   // earliest
 *   val orders = stream.flatMap(record => parse(record.value))       // "Wrong line format"
 *   orders.cache()
 *   ... numPerType, top5clList, topStocks as in the file dashboard ...
 *   buySellList.union(top5clList).union(topStocks).repartition(1)
 *       .foreachRDD(_.foreach(m => producer.send(outputTopic, key = m._1, value = m.toString)))
 *
 * One message per metric line: value the line exactly as the file dashboard
 * writes it ("(BUYS,List(5074))"), key the metric name ("BUYS", "SELLS",
 * "TOP5CLIENTS", "TOP5STOCKS"), so that each metric goes to one partition
 * and stays in batch order there.
 *
 * Input: the Kafka params say auto.offset.reset=earliest, so the first start
 * reads the topic from its beginning; a restart resumes from the checkpoint
 * (the direct stream's offset ranges are checkpointed, not committed to the
 * group). A record whose value is not an order (a malformed line, a null
 * value) is reported ("Wrong line format at orders-2 offset 17 (partition
 * 2): <value>"), counted in the context's bad records, and skipped.
 *
 * Output: at-least-once by default, as Spark's Kafka sink (a batch re-run
 * after a crash writes its lines again); exactly-once with a transactional
 * id: each batch's lines are one Kafka transaction, committed before the
 * batch is, and a batch re-run after a crash whose transaction committed is
 * skipped (kafka_txn.h). Consumers then read with isolation.level
 * read_committed, and every message carries the headers spate.batch.time
 * (the batch's time in ms) and spate.transactional.id.
 *
 * Header-only (static inline) so the example and bench/bench_kafka.c build
 * the same graph. */
#ifndef SPATE_EXAMPLES_KAFKA_DASHBOARD_GRAPH_H
#define SPATE_EXAMPLES_KAFKA_DASHBOARD_GRAPH_H

#include <spate/spate.h>

#include <stdio.h>

#include "orders_dashboard_graph.h"
#include "orders_parse.h"

typedef struct kdash_graph_opts {
    const char *brokers;          /* bootstrap.servers */
    const char *input_topic;      /* the orders, one per record value */
    const char *output_topic;     /* one message per metric line */
    const char *group_id;         /* the input's group.id */
    const char *transactional_id; /* NULL: at-least-once output */
    spate_duration window;        /* TOP5STOCKS' window, a multiple of the batch */
} kdash_graph_opts;

/* flatMap callback: a consumer record -> the order in its value, or nothing
 * (reported and counted) when the value is not one. */
static inline void kdash_record_to_order(spate_task *t, spate_value rec, spate_sink *out, void *ud)
{
    (void)ud;
    spate_value v = spate_kafka_record_value(rec);
    orders_rec o;
    if (v.type == SPATE_STR && orders_parse_line(v.u.s, v.len, &o)) {
        spate_sink_push(out, orders_to_value(spate_task_arena(t), &o));
        return;
    }
    char what[320];
    spate_value topic = spate_kafka_record_topic(rec);
    snprintf(what, sizeof what, "Wrong line format at %.*s-%d offset %lld",
             topic.type == SPATE_STR ? (int)topic.len : 1,
             topic.type == SPATE_STR ? topic.u.s : "?", (int)spate_kafka_record_partition(rec),
             (long long)spate_kafka_record_offset(rec));
    spate_task_bad_record(t, what, v.type == SPATE_STR ? v : spate_cstr("null"));
}

/* A metric line's key: its name, the tuple's first element. */
static inline spate_value kdash_metric_name(spate_task *t, spate_value metric, void *ud)
{
    (void)t, (void)ud;
    return spate_key(metric);
}

/* Sets key = value pairs (a NULL-terminated list; a NULL value is skipped).
 * False with the reason on stderr. */
static inline bool kdash_params_set(spate_kafka_params *p, const char *const *kv)
{
    char err[256];
    for (int i = 0; kv[i]; i += 2) {
        if (!kv[i + 1]) continue;
        if (spate_kafka_params_set(p, kv[i], kv[i + 1], err, sizeof err) != SPATE_OK) {
            fprintf(stderr, "kafka params: %s\n", err);
            return false;
        }
    }
    return true;
}

/* The orders of the input topic, read from its beginning on the first start. */
static inline spate_stream *kdash_orders(spate_ctx *ssc, const kdash_graph_opts *o)
{
    spate_kafka_params *p = spate_kafka_params_new();
    const char *const kv[] = {"bootstrap.servers",
                              o->brokers,
                              "group.id",
                              o->group_id,
                              "auto.offset.reset",
                              "earliest",
                              "key.deserializer",
                              "string",
                              "value.deserializer",
                              "string",
                              NULL};
    if (!kdash_params_set(p, kv)) {
        spate_kafka_params_destroy(p);
        return NULL;
    }
    const char *topics[] = {o->input_topic};
    spate_stream *records =
        spate_kafka_direct_stream(ssc, p, spate_kafka_subscribe(topics, 1, NULL, 0));
    return spate_stream_flat_map(records, kdash_record_to_order, NULL);
}

/* writeToKafka(outputTopic): key the metric name, value the line. */
static inline spate_err kdash_write_metrics(spate_stream *metrics, const kdash_graph_opts *o)
{
    spate_kafka_params *p = spate_kafka_params_new();
    const char *const kv[] = {"bootstrap.servers", o->brokers, "transactional.id",
                              o->transactional_id, NULL};
    if (!metrics || !kdash_params_set(p, kv)) {
        spate_kafka_params_destroy(p);
        return SPATE_ERR_INVALID_ARG;
    }
    return spate_stream_write_to_kafka(metrics, p, o->output_topic, kdash_metric_name, NULL, NULL);
}

/* Defines the whole graph on ssc. Returns SPATE_OK, or an error with the
 * reason in spate_ctx_last_error(ssc) (or on stderr for a Kafka parameter).
 * Program thread, before start. */
static inline spate_err kdash_define_graph(spate_ctx *ssc, const kdash_graph_opts *o)
{
    spate_stream *orders = kdash_orders(ssc, o);
    if (!orders) return SPATE_ERR_INVALID_ARG;
    if (spate_stream_cache(orders) != SPATE_OK) return SPATE_ERR_STATE;
    spate_stream *buy_sell = dash_buy_sell_list(orders);
    spate_stream *clients = dash_top5_clients_list(orders);
    spate_stream *stocks = dash_top5_stocks_list(orders, o->window);
    spate_stream *all = spate_stream_union(spate_stream_union(buy_sell, clients), stocks);
    return kdash_write_metrics(spate_stream_repartition(all, 1), o);
}

#endif
