/* source_kafka_offsets.c - the kafka source's offsets per partition as
 * Spark's JSON ({"orders":{"0":23,"1":-1}}, and the assign option's
 * {"orders":[0,1]}), and the split of a batch's ranges into tasks
 * (KafkaOffsetRangeCalculator). See source_kafka_int.h.
 *
 * Threads: any; each call uses only its arguments. */
#include "sql/source_kafka_int.h"

#include "base/arena.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_kofs_free(sp_kofs *m)
{
    for (int i = 0; i < m->n; i++)
        free(m->e[i].topic);
    free(m->e);
    *m = (sp_kofs){0};
}

static int entry_cmp(const char *topic, int32_t partition, const sp_kofs_entry *e)
{
    int c = strcmp(topic, e->topic);
    return c ? c : (partition > e->partition) - (partition < e->partition);
}

/* The index of (topic, partition), or where it would go (*found false). */
static int kofs_slot(const sp_kofs *m, const char *topic, int32_t partition, bool *found)
{
    int lo = 0, hi = m->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = entry_cmp(topic, partition, &m->e[mid]);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    *found = false;
    return lo;
}

void sp_kofs_put(sp_kofs *m, const char *topic, int32_t partition, int64_t offset)
{
    bool found;
    int i = kofs_slot(m, topic, partition, &found);
    if (found) {
        m->e[i].offset = offset;
        return;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->e = sp_xrealloc(m->e, sizeof *m->e * (size_t)m->cap);
    }
    memmove(&m->e[i + 1], &m->e[i], sizeof *m->e * (size_t)(m->n - i));
    m->e[i] = (sp_kofs_entry){sp_xstrdup(topic), partition, offset};
    m->n++;
}

const sp_kofs_entry *sp_kofs_find(const sp_kofs *m, const char *topic, int32_t partition)
{
    bool found;
    int i = kofs_slot(m, topic, partition, &found);
    return found ? &m->e[i] : NULL;
}

/* ---- a small reader for the two JSON shapes ---- */

typedef struct jr {
    const char *p;
} jr;

static void ws(jr *j)
{
    while (isspace((unsigned char)*j->p))
        j->p++;
}

static bool lit(jr *j, char c)
{
    ws(j);
    if (*j->p != c) return false;
    j->p++;
    return true;
}

/* A JSON string (escapes \" \\ \/ only: topic names are [A-Za-z0-9._-]) into
 * buf; false when it is not one or does not fit. */
static bool str(jr *j, char *buf, size_t size)
{
    if (!lit(j, '"')) return false;
    size_t n = 0;
    for (; *j->p && *j->p != '"'; j->p++) {
        char c = *j->p;
        if (c == '\\') {
            c = *++j->p;
            if (c != '"' && c != '\\' && c != '/') return false;
        }
        if (n + 1 >= size) return false;
        buf[n++] = c;
    }
    if (*j->p != '"') return false;
    j->p++;
    buf[n] = '\0';
    return true;
}

static bool num(jr *j, int64_t *out)
{
    ws(j);
    const char *s = j->p;
    if (*s == '-') s++;
    if (!isdigit((unsigned char)*s)) return false;
    char *end;
    errno = 0;
    long long v = strtoll(j->p, &end, 10);
    if (errno) return false;
    j->p = end;
    *out = v;
    return true;
}

/* A partition number written as a JSON string ("0") or number. */
static bool partition_key(jr *j, int32_t *out)
{
    char buf[16];
    int64_t v;
    if (!str(j, buf, sizeof buf)) return false;
    jr k = {buf};
    if (!num(&k, &v) || *k.p || v < 0 || v > INT32_MAX) return false;
    *out = (int32_t)v;
    return true;
}

/* {"t":<inner>,...} where inner is parsed by fn for topic. */
static bool topics_object(jr *j, sp_kofs *out, bool (*fn)(jr *, const char *, sp_kofs *))
{
    if (!lit(j, '{')) return false;
    if (lit(j, '}')) return true;
    do {
        char topic[256];
        if (!str(j, topic, sizeof topic) || !topic[0] || !lit(j, ':') || !fn(j, topic, out))
            return false;
    } while (lit(j, ','));
    return lit(j, '}');
}

static bool offsets_of_topic(jr *j, const char *topic, sp_kofs *out)
{
    if (!lit(j, '{')) return false;
    if (lit(j, '}')) return true;
    do {
        int32_t p;
        int64_t off;
        if (!partition_key(j, &p) || !lit(j, ':') || !num(j, &off)) return false;
        sp_kofs_put(out, topic, p, off);
    } while (lit(j, ','));
    return lit(j, '}');
}

static bool partitions_of_topic(jr *j, const char *topic, sp_kofs *out)
{
    if (!lit(j, '[')) return false;
    if (lit(j, ']')) return true;
    do {
        int64_t p;
        if (!num(j, &p) || p < 0 || p > INT32_MAX) return false;
        sp_kofs_put(out, topic, (int32_t)p, 0);
    } while (lit(j, ','));
    return lit(j, ']');
}

static bool parse_with(const char *json, sp_kofs *out, bool (*fn)(jr *, const char *, sp_kofs *),
                       const char *example, char *errstr, size_t n)
{
    sp_kofs_free(out);
    jr j = {json ? json : ""};
    bool ok = topics_object(&j, out, fn);
    ws(&j);
    if (ok && !*j.p) return true;
    sp_kofs_free(out);
    snprintf(errstr, n, "Expected e.g. %s, got %s", example, json ? json : "");
    return false;
}

bool sp_kofs_parse(const char *json, sp_kofs *out, char *errstr, size_t n)
{
    return parse_with(json, out, offsets_of_topic,
                      "{\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}", errstr, n);
}

bool sp_kofs_parse_partitions(const char *json, sp_kofs *out, char *errstr, size_t n)
{
    return parse_with(json, out, partitions_of_topic, "{\"topicA\":[0,1],\"topicB\":[0,1]}", errstr,
                      n);
}

char *sp_kofs_json(const sp_kofs *m)
{
    size_t cap = 64, len = 0;
    for (int i = 0; i < m->n; i++)
        cap += strlen(m->e[i].topic) + 48;
    char *s = sp_xmalloc(cap);
    s[len++] = '{';
    for (int i = 0; i < m->n; i++) {
        bool first_of_topic = i == 0 || strcmp(m->e[i - 1].topic, m->e[i].topic) != 0;
        if (first_of_topic)
            len += (size_t)snprintf(s + len, cap - len, "%s\"%s\":{", i ? "}," : "", m->e[i].topic);
        else
            s[len++] = ',';
        len += (size_t)snprintf(s + len, cap - len, "\"%d\":%" PRId64, (int)m->e[i].partition,
                                m->e[i].offset);
    }
    if (m->n) s[len++] = '}';
    s[len++] = '}';
    s[len] = '\0';
    return s;
}

/* ---- ranges into tasks ---- */

int sp_kafka_split_ranges(const sp_kafka_range *in, int n, int64_t min_partitions, spate_arena *a,
                          sp_kafka_range **out)
{
    int live = 0;
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        if (in[i].r.until_offset > in[i].r.from_offset) {
            live++;
            total += in[i].r.until_offset - in[i].r.from_offset;
        }
    bool split = min_partitions > 0 && live > 0 && live < min_partitions;
    int64_t count = 0;
    int64_t *pieces = spate_arena_alloc(a, sizeof *pieces * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        int64_t size = in[i].r.until_offset - in[i].r.from_offset;
        pieces[i] = size <= 0 ? 0 : 1;
        if (size > 0 && split) {
            double k = llround((double)size / (double)total * (double)min_partitions);
            pieces[i] = k < 1 ? 1 : (int64_t)k;
        }
        count += pieces[i];
    }
    *out = spate_arena_alloc(a, sizeof **out * (size_t)(count + 1));
    int k = 0;
    for (int i = 0; i < n; i++) {
        int64_t from = in[i].r.from_offset, size = in[i].r.until_offset - from;
        for (int64_t p = 0; p < pieces[i]; p++) {
            sp_kafka_range r = in[i];
            r.r.from_offset = from + (int64_t)((double)size * ((double)p / (double)pieces[i]));
            r.r.until_offset =
                from + (int64_t)((double)size * ((double)(p + 1) / (double)pieces[i]));
            (*out)[k++] = r;
        }
    }
    return k;
}
