/* duration.c - Spark's duration strings and Duration.toString.
 *
 * Accepted (units case-insensitive, blanks anywhere between tokens):
 *   "100"                       milliseconds, as Spark's timeStringAsMs
 *   "500ms" "5s" "3m" "3min" "2h" "1d" "2000us"      JavaUtils.timeStringAs suffixes
 *   "5 seconds" "1 hour" "3 minutes" "1 day" "1 week"  CalendarInterval words
 *   "interval 1 minute 30 seconds"                   a sum of parts, as Trigger intervals
 *   "Seconds(5)" "Milliseconds(500)" "Minutes(1)"    the Scala constructors
 * A duration is whole milliseconds: microseconds must be a multiple of 1000.
 * Negative durations, fractions and overflow are errors naming the position. */
#include <spate/core.h>

#include "base/errbuf.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct unit {
    const char *name;
    int64_t ms; /* 0 for microseconds */
} unit;

static const unit units[] = {
    {"us", 0},           {"micro", 0},        {"micros", 0},        {"microsecond", 0},
    {"microseconds", 0}, {"ms", 1},           {"milli", 1},         {"millis", 1},
    {"millisecond", 1},  {"milliseconds", 1}, {"s", 1000},          {"sec", 1000},
    {"second", 1000},    {"seconds", 1000},   {"m", 60000},         {"min", 60000},
    {"mins", 60000},     {"minute", 60000},   {"minutes", 60000},   {"h", 3600000},
    {"hour", 3600000},   {"hours", 3600000},  {"d", 86400000},      {"day", 86400000},
    {"days", 86400000},  {"week", 604800000}, {"weeks", 604800000},
};

#define EXPECTED_UNITS "expected us, ms, s, seconds, m, min, minutes, h, hours, d, days, weeks"

typedef struct parser {
    const char *text;
    size_t pos;
    char *errstr;
    size_t errstr_size;
} parser;

static spate_err fail(parser *p, const char *what)
{
    sp_errf(p->errstr, p->errstr_size, "invalid duration \"%s\": %s", p->text, what);
    return SPATE_ERR_INVALID_ARG;
}

/* "found "xyz" at position N" for the text at p->pos (up to 16 bytes). */
static spate_err fail_here(parser *p, const char *what)
{
    char msg[128];
    const char *s = p->text + p->pos;
    size_t n = strcspn(s, " \t\r\n");
    if (n == 0) n = 1;
    snprintf(msg, sizeof msg, "%s \"%.*s\" at position %zu", what, (int)(n > 16 ? 16 : n), s,
             p->pos);
    return fail(p, msg);
}

static void skip_blanks(parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static size_t word_len(const char *s)
{
    size_t n = 0;
    while (isalpha((unsigned char)s[n]))
        n++;
    return n;
}

static bool word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Digits at p->pos into *out; errors for signs, fractions and overflow. */
static spate_err parse_number(parser *p, int64_t *out)
{
    const char *s = p->text;
    if (s[p->pos] == '-') return fail_here(p, "negative durations are not allowed:");
    if (!isdigit((unsigned char)s[p->pos])) return fail_here(p, "expected a number, found");
    size_t start = p->pos;
    int64_t n = 0;
    for (; isdigit((unsigned char)s[p->pos]); p->pos++) {
        int d = s[p->pos] - '0';
        if (n > (INT64_MAX - d) / 10) {
            p->pos = start;
            return fail_here(p, "number too large:");
        }
        n = n * 10 + d;
    }
    if (s[p->pos] == '.' && isdigit((unsigned char)s[p->pos + 1])) {
        p->pos = start;
        return fail_here(p, "fractions are not supported (use a smaller unit, e.g. 1500ms):");
    }
    *out = n;
    return SPATE_OK;
}

static const unit *find_unit(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (word_is(s, n, units[i].name)) return &units[i];
    return NULL;
}

/* n of unit u in milliseconds, checking exactness and overflow. */
static spate_err to_ms(parser *p, size_t at, int64_t n, const unit *u, int64_t *out)
{
    p->pos = at;
    if (u->ms == 0) {
        if (n % 1000) return fail_here(p, "durations are whole milliseconds, not");
        *out = n / 1000;
    } else {
        if (n > INT64_MAX / u->ms) return fail_here(p, "duration too large:");
        *out = n * u->ms;
    }
    return SPATE_OK;
}

/* One "<number> [unit]" part; *bare is set when the unit is missing. */
static spate_err parse_part(parser *p, int64_t *ms, bool *bare)
{
    size_t at = p->pos;
    int64_t n;
    spate_err err = parse_number(p, &n);
    if (err) return err;
    skip_blanks(p);
    size_t wl = word_len(p->text + p->pos);
    *bare = wl == 0;
    if (*bare) {
        *ms = n;
        return SPATE_OK;
    }
    const unit *u = find_unit(p->text + p->pos, wl);
    if (!u) {
        char msg[256];
        snprintf(msg, sizeof msg, "unknown unit \"%.*s\" at position %zu (" EXPECTED_UNITS ")",
                 (int)(wl > 24 ? 24 : wl), p->text + p->pos, p->pos);
        return fail(p, msg);
    }
    size_t end = p->pos + wl;
    err = to_ms(p, at, n, u, ms);
    p->pos = end;
    return err;
}

/* "Seconds(5)": returns true when the text has that shape (result in *err). */
static bool parse_scala(parser *p, spate_duration *out, spate_err *err)
{
    static const unit ctors[] = {{"Milliseconds", 1}, {"Seconds", 1000}, {"Minutes", 60000}};
    const char *s = p->text + p->pos;
    size_t wl = word_len(s), i = 0;
    size_t k = wl;
    while (isspace((unsigned char)s[k]))
        k++;
    if (wl == 0 || s[k] != '(') return false;
    while (i < 3 && !word_is(s, wl, ctors[i].name))
        i++;
    if (i == 3) {
        *err = fail_here(p, "unknown constructor (expected Milliseconds, Seconds or Minutes):");
        return true;
    }
    p->pos += k + 1;
    skip_blanks(p);
    int64_t n;
    size_t at = p->pos;
    if ((*err = parse_number(p, &n))) return true;
    skip_blanks(p);
    if (p->text[p->pos] != ')') {
        *err = fail_here(p, "expected \")\", found");
        return true;
    }
    p->pos++;
    skip_blanks(p);
    if (p->text[p->pos]) {
        *err = fail_here(p, "unexpected text");
        return true;
    }
    *err = to_ms(p, at, n, &ctors[i], out);
    return true;
}

static spate_err parse_parts(parser *p, spate_duration *out)
{
    int64_t total = 0;
    for (int parts = 0; p->text[p->pos]; parts++) {
        if (parts && !isdigit((unsigned char)p->text[p->pos]) && p->text[p->pos] != '-')
            return fail_here(p, "unexpected text");
        size_t at = p->pos;
        int64_t ms = 0;
        bool bare = false;
        spate_err err = parse_part(p, &ms, &bare);
        if (err) return err;
        skip_blanks(p);
        if (bare && (parts || p->text[p->pos])) {
            p->pos = at;
            return fail_here(p, "missing unit after");
        }
        if (ms > INT64_MAX - total) {
            p->pos = at;
            return fail_here(p, "duration too large at");
        }
        total += ms;
    }
    *out = total;
    return SPATE_OK;
}

spate_err spate_duration_parse(const char *text, spate_duration *out, char *errstr,
                               size_t errstr_size)
{
    parser p = {text ? text : "", 0, errstr, errstr_size};
    skip_blanks(&p);
    if (!p.text[p.pos]) return fail(&p, "empty (expected e.g. \"5 seconds\", \"500ms\", \"1min\")");
    spate_duration d = 0;
    spate_err err;
    if (parse_scala(&p, &d, &err)) {
        if (!err) *out = d;
        return err;
    }
    size_t wl = word_len(p.text + p.pos);
    if (word_is(p.text + p.pos, wl, "interval")) {
        p.pos += wl;
        skip_blanks(&p);
        if (!p.text[p.pos]) return fail(&p, "nothing after \"interval\"");
    }
    err = parse_parts(&p, &d);
    if (!err) *out = d;
    return err;
}

const char *spate_duration_format(spate_duration d, char *buf, size_t size)
{
    if (buf && size) snprintf(buf, size, "%" PRId64 " ms", d);
    return buf;
}
