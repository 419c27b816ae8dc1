/* sql_orders.c - the orders dashboard's metrics (seed 004) with the
 * Structured Streaming DataFrame API, without event time: orders per kind,
 * and the top 5 clients by amount * price, both in complete mode to the
 * console, reading every CSV file of a directory once (Trigger.AvailableNow).
 *
 *   build/spate gen orders --count 2000 --out /tmp/orders --files 4 --interval 0s
 *   build/examples/sql_orders /tmp/orders
 *
 * The Scala original:
 *   val orders = spark.readStream.format("csv")
 *     .schema("time TIMESTAMP, orderId BIGINT, clientId BIGINT, symbol STRING, " +
 *             "amount INT, price DOUBLE, kind STRING")
 *     .load(dir)
 *   orders.groupBy("kind").agg(count("*").as("orders"))
 *     .writeStream.format("console").outputMode("complete")
 *     .trigger(Trigger.AvailableNow()).start().awaitTermination()
 *   orders.createOrReplaceTempView("orders")
 *   spark.sql("SELECT clientId, sum(amount * price) AS total FROM orders " +
 *             "GROUP BY clientId ORDER BY total DESC LIMIT 5")
 *     .writeStream.format("console").outputMode("complete")
 *     .trigger(Trigger.AvailableNow()).start().awaitTermination()
 *
 * The two queries run one after the other so that their console blocks do
 * not interleave. Exits 0, 1 when a query fails (the message on stderr), 2
 * on a usage error. */
#include <spate/spate.h>

#include <stdio.h>

static int fail(spate_session *s, const char *what)
{
    fprintf(stderr, "sql_orders: %s: %s\n", what, spate_session_last_error(s));
    spate_session_free(s);
    return 1;
}

/* Starts df to the console in complete mode with Trigger.AvailableNow and
 * waits until it has read everything. */
static int run_to_console(spate_dataframe *df, const char *name)
{
    spate_stream_writer *w = spate_dataframe_write_stream(df);
    if (!w || spate_stream_writer_format(w, "console") != SPATE_OK ||
        spate_stream_writer_output_mode(w, "complete") != SPATE_OK ||
        spate_stream_writer_trigger(w, "availableNow") != SPATE_OK ||
        spate_stream_writer_query_name(w, name) != SPATE_OK)
        return -1;
    spate_query *q = spate_stream_writer_start(w);
    if (!q) return -1;
    return spate_query_await_termination(q, -1) == SPATE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sql_orders <input directory>\n");
        return 2;
    }
    char err[512];
    spate_session *s = spate_session_new(NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "sql_orders: %s\n", err);
        return 1;
    }
    spate_stream_reader *r = spate_session_read_stream(s);
    spate_stream_reader_format(r, "csv");
    spate_stream_reader_schema(r, "time TIMESTAMP, orderId BIGINT, clientId BIGINT, "
                                  "symbol STRING, amount INT, price DOUBLE, kind STRING");
    spate_dataframe *orders = spate_stream_reader_load(r, argv[1]);
    if (!orders) return fail(s, "readStream");

    spate_grouped_data *by_kind = spate_dataframe_group_by(orders, (const char *[]){"kind"}, 1);
    spate_dataframe *kinds = spate_grouped_agg(by_kind, (const char *[]){"count(*) AS orders"}, 1);
    if (!kinds || run_to_console(kinds, "orders_by_kind") != 0) return fail(s, "orders by kind");

    if (spate_dataframe_create_or_replace_temp_view(orders, "orders") != SPATE_OK)
        return fail(s, "createOrReplaceTempView");
    spate_dataframe *top = spate_session_sql(s, "SELECT clientId, sum(amount * price) AS total "
                                                "FROM orders GROUP BY clientId "
                                                "ORDER BY total DESC LIMIT 5");
    if (!top || run_to_console(top, "top_clients") != 0) return fail(s, "top clients");
    spate_session_free(s);
    return 0;
}
