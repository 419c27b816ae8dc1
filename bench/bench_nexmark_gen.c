/* bench_nexmark_gen.c - events/s of the Nexmark generator
 * (connect/nexmark_gen.h) on one thread (per second of its CPU time): events only (the structs a
 * built-in source reads), and events formatted as JSON lines into memory
 * (what `spate gen nexmark` writes, without the write). Built by CMake
 * with connect's headers (SPATE_BENCH_MODULE_bench_nexmark_gen), run by
 * bench/nexmark_gen.sh and bench/nexmark.sh. Usage: bench_nexmark_gen [N]. */
#include "connect/nexmark_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A value of each event, so the compiler keeps the work. */
static int64_t touch(const sp_nexmark_event *ev)
{
    switch (ev->type) {
    case SP_NEXMARK_PERSON:
        return ev->u.person.id + ev->u.person.extra.n;
    case SP_NEXMARK_AUCTION:
        return ev->u.auction.reserve + ev->u.auction.extra.n;
    default:
        return ev->u.bid.price + ev->u.bid.channel.n;
    }
}

static void bench_events(const sp_nexmark_config *c, uint64_t n)
{
    sp_nexmark_gen g;
    sp_nexmark_gen_init(&g, c);
    int64_t sum = 0;
    double t0 = now_s();
    for (uint64_t i = 0; i < n; i++) {
        sp_nexmark_event ev;
        sp_nexmark_gen_next(&g, &ev);
        sum += touch(&ev);
    }
    double s = now_s() - t0;
    printf("events only:        %12.0f events/s  (%llu events in %.3f s, check %lld)\n", n / s,
           (unsigned long long)n, s, (long long)sum);
}

static void bench_json(const sp_nexmark_config *c, uint64_t n)
{
    enum { BUF = 1 << 20 };
    char *buf = malloc(BUF);
    if (!buf) return;
    sp_nexmark_gen g;
    sp_nexmark_fmt f;
    sp_nexmark_gen_init(&g, c);
    sp_nexmark_fmt_init(&f);
    size_t len = 0;
    uint64_t bytes = 0;
    double t0 = now_s();
    for (uint64_t i = 0; i < n; i++) {
        if (BUF - len < SP_NEXMARK_JSON_MAX) {
            bytes += len;
            len = 0;
        }
        sp_nexmark_event ev;
        sp_nexmark_gen_next(&g, &ev);
        len += sp_nexmark_json(&f, &ev, buf + len);
    }
    bytes += len;
    double s = now_s() - t0;
    printf("events + JSON:      %12.0f events/s  (%.0f MB/s, %.1f bytes/event)\n", n / s,
           bytes / s / 1e6, (double)bytes / n);
    free(buf);
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000;
    sp_nexmark_config c;
    sp_nexmark_config_default(&c);
    bench_events(&c, n);
    bench_json(&c, n);
    return 0;
}
