/* gen_orders.h - the stock orders generator behind `spate gen orders`.
 *
 * Makes the lines of the stock-orders example (Spark in Action, ch. 6):
 *
 *     2016-03-22 20:25:28,1,80,EPE,710,51.00,B
 *     time,orderId,clientId,symbol,amount,price,B|S
 *
 * Deterministic: the same options give the same bytes. Every field comes from
 * one splitmix64 sequence seeded by `seed`; the choice of malformed lines (and
 * how they are broken) comes from a second sequence, so the well-formed lines
 * of a run with --malformed are the same lines as those of a clean run.
 *
 * Event time starts at 2016-03-22 20:25:28 (a wall-clock time, read as local
 * time like SimpleDateFormat does) and advances by one second every
 * `per_second` orders: order n has time start + (n - 1) / per_second seconds.
 * Fixed rather than random so tests can compute an order's event time.
 *
 * Not thread-safe: one generator per thread. */
#ifndef SP_GEN_ORDERS_H
#define SP_GEN_ORDERS_H

#include <stddef.h>
#include <stdint.h>

/* The longest line the generator writes, newline included. */
enum { SP_GEN_LINE_MAX = 128 };
/* The number of ticker symbols orders are drawn from. */
enum { SP_GEN_NUM_SYMBOLS = 80 };

typedef struct sp_gen_orders_opts {
    uint64_t seed;
    double malformed;    /* fraction of broken lines, 0..1 */
    uint64_t per_second; /* orders per second of event time, >= 1 */
} sp_gen_orders_opts;

typedef struct sp_gen_orders {
    sp_gen_orders_opts opts;
    uint64_t rng;     /* splitmix64 state of the fields */
    uint64_t bad_rng; /* splitmix64 state of the malformed choices */
    uint64_t next_id; /* orderId of the next line */
    int64_t date_sec; /* naive seconds of the cached date text, -1 none */
    char date[20];    /* "yyyy-MM-dd HH:mm:ss" of date_sec */
} sp_gen_orders;

/* The ticker symbols, SP_GEN_NUM_SYMBOLS of them (static strings). */
extern const char *const sp_gen_symbols[SP_GEN_NUM_SYMBOLS];

void sp_gen_orders_init(sp_gen_orders *g, const sp_gen_orders_opts *opts);
/* Writes the next line, '\n' included, into buf (SP_GEN_LINE_MAX bytes, not
 * NUL-terminated) and returns its length. */
size_t sp_gen_orders_line(sp_gen_orders *g, char *buf);
/* Writes the next n lines to fd through a large buffer, retrying short writes.
 * Returns 0, or -1 with errno set when a write failed. */
int sp_gen_orders_write(sp_gen_orders *g, int fd, uint64_t n);

/* Splits the output into files: `files` files of lines_per_file lines each,
 * named <dir>/orders-00001.txt..., each written as a dot-file in dir and then
 * renamed (readers never see half a file), one every interval_ms (a sleep
 * between files). dir is created when missing. progress (may be NULL) gets a
 * line per file. Returns 0, or -1 with a message in errstr. */
int sp_gen_orders_split(sp_gen_orders *g, const char *dir, uint64_t files, uint64_t lines_per_file,
                        int64_t interval_ms, void *progress /* FILE* */, char *errstr,
                        size_t errstr_size);

#endif
