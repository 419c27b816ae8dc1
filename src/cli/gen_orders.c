/* gen_orders.c - the stock orders generator (see gen_orders.h). */
#include "cli/gen_orders.h"

#include "base/datetime_text.h"
#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 80 tickers listed on US exchanges in March 2016; the first twelve are the
 * ones the book's orders.txt starts with. */
const char *const sp_gen_symbols[SP_GEN_NUM_SYMBOLS] = {
    "EPE",  "NFLX", "VALE", "SRPT", "BP",   "MNKD", "AMD",  "INTC", "TOT",  "BBL",  "EGO",  "NEM",
    "AAPL", "MSFT", "GOOG", "AMZN", "FB",   "TSLA", "IBM",  "ORCL", "CSCO", "QCOM", "NVDA", "TXN",
    "MU",   "HPQ",  "EMC",  "GE",   "F",    "GM",   "T",    "VZ",   "KO",   "PEP",  "MCD",  "WMT",
    "TGT",  "COST", "HD",   "LOW",  "NKE",  "DIS",  "JPM",  "BAC",  "C",    "WFC",  "GS",   "MS",
    "AXP",  "V",    "MA",   "PYPL", "XOM",  "CVX",  "COP",  "SLB",  "HAL",  "OXY",  "PBR",  "RDS",
    "BHP",  "RIO",  "GOLD", "AUY",  "KGC",  "ABX",  "SLW",  "CDE",  "HL",   "PAAS", "FCX",  "AA",
    "PFE",  "MRK",  "JNJ",  "ABBV", "GILD", "AMGN", "BIIB", "CELG",
};

/* ---- randomness and time ------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A uniform integer in [0, n) (Lemire's multiply-shift on the high 32 bits). */
static uint32_t rand_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(((splitmix64(state) >> 32) * (uint64_t)n) >> 32);
}

/* Formats naive seconds (a wall-clock time counted like UTC) as yyyy-MM-dd HH:mm:ss. */
static void format_date(int64_t sec, char out[20])
{
    sp_format_datetime(sec * 1000, false, out);
    out[19] = '\0';
}

static int64_t start_seconds(void)
{
    return sp_days_from_civil(2016, 3, 22) * 86400 + 20 * 3600 + 25 * 60 + 28;
}

void sp_gen_orders_init(sp_gen_orders *g, const sp_gen_orders_opts *opts)
{
    memset(g, 0, sizeof *g);
    g->opts = *opts;
    if (g->opts.per_second == 0) g->opts.per_second = 1;
    g->rng = opts->seed;
    g->bad_rng = opts->seed ^ 0x6A09E667F3BCC909ULL;
    g->next_id = 1;
    g->date_sec = -1;
}

/* ---- one line ------------------------------------------------------------ */

typedef struct field {
    const char *p;
    size_t n;
} field;

enum { F_TIME, F_ID, F_CLIENT, F_SYMBOL, F_AMOUNT, F_PRICE, F_KIND, NFIELDS };

/* Decimal digits of v written to the end of tmp[24]; sets f. */
static void u64_field(uint64_t v, char tmp[24], field *f)
{
    char *p = tmp + 24;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    f->p = p;
    f->n = (size_t)(tmp + 24 - p);
}

/* cents as "<units>.<two digits>" at the end of tmp[24]; sets f. */
static void price_field(uint32_t cents, char tmp[24], field *f)
{
    char *p = tmp + 24;
    *--p = (char)('0' + cents % 10);
    *--p = (char)('0' + cents / 10 % 10);
    *--p = '.';
    uint32_t units = cents / 100;
    do {
        *--p = (char)('0' + units % 10);
        units /= 10;
    } while (units);
    f->p = p;
    f->n = (size_t)(tmp + 24 - p);
}

static field lit(const char *s)
{
    field f = {s, strlen(s)};
    return f;
}

/* Breaks a line in one of twelve ways. Returns the separator to join with and
 * sets *nfields (fewer fields for the field-count cases). */
static char corrupt(field *f, int *nfields, uint64_t r)
{
    static const char *const bad_number[3] = {"abc", "99999999999", "1.2.3"};
    static const char *const bad_kind[3] = {"X", "b", "BUY"};
    static const char *const bad_date[3] = {"2016/03/22 20:25:28", "22-03-2016 20:25", "yesterday"};
    unsigned kind = (unsigned)(r % 4), variant = (unsigned)((r >> 8) % 3);
    switch (kind) {
    case 0: /* wrong field count */
        if (variant == 2) return ';';
        *nfields = variant == 0 ? NFIELDS - 1 : NFIELDS - 2;
        break;
    case 1: /* a number that does not parse (or overflows an Int) */
        f[variant == 2 ? F_PRICE : F_AMOUNT] = lit(bad_number[variant]);
        break;
    case 2:
        f[F_KIND] = lit(bad_kind[variant]);
        break;
    default:
        f[F_TIME] = lit(bad_date[variant]);
        break;
    }
    return ',';
}

static size_t join_fields(const field *f, int nfields, char sep, char *buf)
{
    char *p = buf;
    for (int i = 0; i < nfields; i++) {
        if (i) *p++ = sep;
        memcpy(p, f[i].p, f[i].n);
        p += f[i].n;
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

static void update_date(sp_gen_orders *g, uint64_t id)
{
    int64_t sec = start_seconds() + (int64_t)((id - 1) / g->opts.per_second);
    if (sec != g->date_sec) {
        format_date(sec, g->date);
        g->date_sec = sec;
    }
}

size_t sp_gen_orders_line(sp_gen_orders *g, char *buf)
{
    char id[24], client[24], amount[24], price[24];
    field f[NFIELDS];
    uint64_t oid = g->next_id++;
    update_date(g, oid);
    f[F_TIME].p = g->date;
    f[F_TIME].n = 19;
    u64_field(oid, id, &f[F_ID]);
    u64_field(1 + rand_below(&g->rng, 100), client, &f[F_CLIENT]);
    f[F_SYMBOL] = lit(sp_gen_symbols[rand_below(&g->rng, SP_GEN_NUM_SYMBOLS)]);
    u64_field(1 + rand_below(&g->rng, 1000), amount, &f[F_AMOUNT]);
    price_field(100 + rand_below(&g->rng, 9901), price, &f[F_PRICE]); /* 1.00 .. 100.00 */
    f[F_KIND] = lit((splitmix64(&g->rng) >> 63) ? "B" : "S");

    int nfields = NFIELDS;
    char sep = ',';
    double u = (double)(splitmix64(&g->bad_rng) >> 11) * 0x1.0p-53;
    if (u < g->opts.malformed) sep = corrupt(f, &nfields, splitmix64(&g->bad_rng));
    return join_fields(f, nfields, sep, buf);
}

/* ---- output -------------------------------------------------------------- */

int sp_gen_orders_write(sp_gen_orders *g, int fd, uint64_t n)
{
    enum { BUF = 1 << 20 };
    char *buf = malloc(BUF);
    if (!buf) return -1;
    size_t len = 0;
    int rc = 0;
    for (uint64_t i = 0; i < n && rc == 0; i++) {
        if (BUF - len < SP_GEN_LINE_MAX) {
            rc = sp_write_all(fd, buf, len) ? 0 : -1;
            len = 0;
        }
        len += sp_gen_orders_line(g, buf + len);
    }
    if (rc == 0) rc = sp_write_all(fd, buf, len) ? 0 : -1;
    int saved = errno;
    free(buf);
    errno = saved;
    return rc;
}

/* ---- split and send ----------------------------------------------------- */

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Writes one file as a dot-file then renames it into place. */
static int write_one_file(sp_gen_orders *g, const char *dir, uint64_t index, uint64_t lines,
                          char *final_path, size_t final_size, char *errstr, size_t errstr_size)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/.orders-%05llu.txt.tmp", dir, (unsigned long long)index);
    snprintf(final_path, final_size, "%s/orders-%05llu.txt", dir, (unsigned long long)index);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(errstr, errstr_size, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    int rc = sp_gen_orders_write(g, fd, lines);
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, final_path) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        snprintf(errstr, errstr_size, "cannot write %s: %s", final_path, strerror(saved));
        unlink(tmp);
    }
    return rc;
}

int sp_gen_orders_split(sp_gen_orders *g, const char *dir, uint64_t files, uint64_t lines_per_file,
                        int64_t interval_ms, void *progress, char *errstr, size_t errstr_size)
{
    if (sp_mkdirs(dir) != 0) {
        snprintf(errstr, errstr_size, "cannot create directory %s: %s", dir, strerror(errno));
        return -1;
    }
    char path[4200];
    for (uint64_t i = 1; i <= files; i++) {
        if (i > 1 && interval_ms > 0) sleep_ms(interval_ms);
        if (write_one_file(g, dir, i, lines_per_file, path, sizeof path, errstr, errstr_size))
            return -1;
        if (progress) {
            fprintf((FILE *)progress, "spate gen: wrote %s (%llu lines)\n", path,
                    (unsigned long long)lines_per_file);
            fflush((FILE *)progress);
        }
    }
    return 0;
}
