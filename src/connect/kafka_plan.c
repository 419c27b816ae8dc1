/* kafka_plan.c - per-partition rate limits of a direct stream's batch (see
 * kafka_plan.h). */
#include "connect/kafka_plan.h"

#include "base/arena.h"

#include <stdlib.h>

/* Records/s per partition, by lag share of the stream's rate; false when no
 * partition lags (Spark divides by a zero total lag and gets no limit). */
static bool backpressure_rates(const sp_kafka_rates *r, int64_t rate, const int64_t *current,
                               const int64_t *latest, int n, double *out)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += latest[i] > current[i] ? latest[i] - current[i] : 0;
    if (total == 0) return false;
    for (int i = 0; i < n; i++) {
        int64_t lag = latest[i] > current[i] ? latest[i] - current[i] : 0;
        double share = (double)lag / (double)total * (double)rate;
        int64_t cap = r->max_rate_per_partition;
        out[i] = cap > 0 && (double)cap < share ? (double)cap : share;
    }
    return true;
}

bool sp_kafka_max_messages(const sp_kafka_rates *r, const int64_t *current, const int64_t *latest,
                           int n, int64_t *max_msgs)
{
    if (n <= 0) return false;
    double *rates = sp_xcalloc((size_t)n, sizeof *rates);
    int64_t estimate = r->latest_rate > 0 ? r->latest_rate : r->initial_rate;
    bool limited;
    if (r->backpressure && estimate > 0) {
        limited = backpressure_rates(r, estimate, current, latest, n, rates);
    } else {
        for (int i = 0; i < n; i++)
            rates[i] = (double)r->max_rate_per_partition;
        limited = true;
    }
    double sum = 0;
    for (int i = 0; limited && i < n; i++)
        sum += rates[i];
    limited = limited && sum > 0;
    double secs = (double)r->batch_ms / 1000;
    for (int i = 0; limited && i < n; i++) {
        int64_t msgs = (int64_t)(secs * rates[i]);
        max_msgs[i] = msgs > r->min_rate_per_partition ? msgs : r->min_rate_per_partition;
    }
    free(rates);
    return limited;
}

void sp_kafka_clamp(const sp_kafka_rates *r, const int64_t *current, const int64_t *latest, int n,
                    int64_t *until)
{
    int64_t *max_msgs = n > 0 ? sp_xcalloc((size_t)n, sizeof *max_msgs) : NULL;
    bool limited = sp_kafka_max_messages(r, current, latest, n, max_msgs);
    for (int i = 0; i < n; i++) {
        int64_t cap = limited ? current[i] + max_msgs[i] : latest[i];
        until[i] = cap < latest[i] ? cap : latest[i];
    }
    free(max_msgs);
}
