/* kafka_strategy.c - Subscribe, SubscribePattern and Assign (see
 * kafka_strategy.h). Patterns are PCRE2, anchored at both ends as Java's
 * Pattern.matcher(topic).matches() is. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "connect/kafka_strategy.h"

#include "base/arena.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct spate_consumer_strategy {
    sp_kafka_strategy_kind kind;
    char **topics; /* Subscribe: the topics; Assign: its partitions' topics, each once */
    int ntopics;
    char *pattern;
    pcre2_code *re;
    pcre2_match_data *md;
    spate_topic_partition *parts; /* Assign (topics point into `topics`) */
    int nparts;
    spate_topic_offset *offsets; /* topic strings owned */
    int noffsets;
    char *error;
    char *description;
};

/* ---- construction ---------------------------------------------------------- */

static spate_consumer_strategy *strategy_new(sp_kafka_strategy_kind kind)
{
    spate_consumer_strategy *s = sp_xcalloc(1, sizeof *s);
    s->kind = kind;
    return s;
}

static void set_error(spate_consumer_strategy *s, const char *msg)
{
    if (!s->error) s->error = sp_xstrdup(msg);
}

/* The topic's copy in s->topics (added when new). */
static const char *intern_topic(spate_consumer_strategy *s, const char *topic)
{
    for (int i = 0; i < s->ntopics; i++)
        if (!strcmp(s->topics[i], topic)) return s->topics[i];
    s->topics = sp_xrealloc(s->topics, sizeof *s->topics * (size_t)(s->ntopics + 1));
    return s->topics[s->ntopics++] = sp_xstrdup(topic);
}

static void copy_offsets(spate_consumer_strategy *s, const spate_topic_offset *offsets, int n)
{
    if (n < 0 || (n > 0 && !offsets)) {
        set_error(s, "the starting offsets are missing");
        return;
    }
    s->offsets = sp_xcalloc((size_t)n + 1, sizeof *s->offsets);
    for (int i = 0; i < n; i++) {
        if (!offsets[i].topic || offsets[i].partition < 0 || offsets[i].offset < 0) {
            set_error(s, "a starting offset needs a topic, a partition >= 0 and an offset >= 0");
            continue;
        }
        s->offsets[s->noffsets++] = (spate_topic_offset){sp_xstrdup(offsets[i].topic),
                                                         offsets[i].partition, offsets[i].offset};
    }
}

static void describe(spate_consumer_strategy *s)
{
    size_t cap = 64, len = 0;
    char *d = sp_xmalloc(cap);
    static const char *const names[] = {"Subscribe", "SubscribePattern", "Assign"};
    len += (size_t)snprintf(d, cap, "%s(", names[s->kind]);
    int n = s->kind == SP_KAFKA_ASSIGN ? s->nparts : s->kind == SP_KAFKA_SUBSCRIBE ? s->ntopics : 1;
    for (int i = 0; i < n; i++) {
        char item[300];
        if (s->kind == SP_KAFKA_ASSIGN)
            snprintf(item, sizeof item, "%s%s-%d", i ? ", " : "", s->parts[i].topic,
                     (int)s->parts[i].partition);
        else
            snprintf(item, sizeof item, "%s%s", i ? ", " : "",
                     s->kind == SP_KAFKA_SUBSCRIBE ? s->topics[i] : s->pattern);
        size_t k = strlen(item);
        if (len + k + 2 > cap) d = sp_xrealloc(d, cap = 2 * (len + k + 2));
        memcpy(d + len, item, k + 1);
        len += k;
    }
    memcpy(d + len, ")", 2);
    s->description = d;
}

spate_consumer_strategy *spate_kafka_subscribe(const char *const *topics, int n_topics,
                                               const spate_topic_offset *offsets, int n_offsets)
{
    spate_consumer_strategy *s = strategy_new(SP_KAFKA_SUBSCRIBE);
    if (n_topics <= 0 || !topics) set_error(s, "Subscribe: no topics given");
    for (int i = 0; topics && i < n_topics; i++) {
        if (topics[i] && *topics[i])
            intern_topic(s, topics[i]);
        else
            set_error(s, "Subscribe: a topic name is empty");
    }
    copy_offsets(s, offsets, n_offsets);
    describe(s);
    return s;
}

static void compile_pattern(spate_consumer_strategy *s, const char *pattern)
{
    int code;
    PCRE2_SIZE at;
    s->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                          PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF, &code, &at, NULL);
    if (!s->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        char buf[512];
        snprintf(buf, sizeof buf, "SubscribePattern: invalid pattern \"%s\" at offset %zu: %s",
                 pattern, (size_t)at, (const char *)msg);
        set_error(s, buf);
        return;
    }
    s->md = pcre2_match_data_create_from_pattern(s->re, NULL);
}

spate_consumer_strategy *
spate_kafka_subscribe_pattern(const char *pattern, const spate_topic_offset *offsets, int n_offsets)
{
    spate_consumer_strategy *s = strategy_new(SP_KAFKA_SUBSCRIBE_PATTERN);
    s->pattern = sp_xstrdup(pattern ? pattern : "");
    if (!pattern)
        set_error(s, "SubscribePattern: no pattern given");
    else
        compile_pattern(s, pattern);
    copy_offsets(s, offsets, n_offsets);
    describe(s);
    return s;
}

spate_consumer_strategy *spate_kafka_assign(const spate_topic_partition *parts, int n_parts,
                                            const spate_topic_offset *offsets, int n_offsets)
{
    spate_consumer_strategy *s = strategy_new(SP_KAFKA_ASSIGN);
    if (n_parts <= 0 || !parts) set_error(s, "Assign: no partitions given");
    s->parts = sp_xcalloc((size_t)(n_parts > 0 ? n_parts : 0) + 1, sizeof *s->parts);
    for (int i = 0; parts && i < n_parts; i++) {
        if (!parts[i].topic || !*parts[i].topic || parts[i].partition < 0) {
            set_error(s, "Assign: a partition needs a topic and a number >= 0");
            continue;
        }
        const char *topic = intern_topic(s, parts[i].topic);
        if (!sp_kafka_strategy_wants(s, topic, parts[i].partition))
            s->parts[s->nparts++] = (spate_topic_partition){topic, parts[i].partition};
    }
    copy_offsets(s, offsets, n_offsets);
    describe(s);
    return s;
}

void spate_kafka_strategy_destroy(spate_consumer_strategy *s)
{
    if (!s) return;
    for (int i = 0; i < s->ntopics; i++)
        free(s->topics[i]);
    free(s->topics);
    for (int i = 0; i < s->noffsets; i++)
        free((char *)s->offsets[i].topic);
    free(s->offsets);
    free(s->parts);
    pcre2_match_data_free(s->md);
    pcre2_code_free(s->re);
    free(s->pattern);
    free(s->error);
    free(s->description);
    free(s);
}

/* ---- queries ------------------------------------------------------------------ */

sp_kafka_strategy_kind sp_kafka_strategy_kind_of(const spate_consumer_strategy *s)
{
    return s->kind;
}
const char *sp_kafka_strategy_error(const spate_consumer_strategy *s) { return s->error; }
const char *sp_kafka_strategy_describe(const spate_consumer_strategy *s) { return s->description; }

static bool pattern_matches(const spate_consumer_strategy *s, const char *topic)
{
    if (!s->re) return false;
    /* match data is per strategy: only the generator thread matches. */
    return pcre2_match(s->re, (PCRE2_SPTR)topic, PCRE2_ZERO_TERMINATED, 0, 0, s->md, NULL) >= 0;
}

bool sp_kafka_strategy_wants(const spate_consumer_strategy *s, const char *topic, int32_t partition)
{
    switch (s->kind) {
    case SP_KAFKA_SUBSCRIBE:
        for (int i = 0; i < s->ntopics; i++)
            if (!strcmp(s->topics[i], topic)) return true;
        return false;
    case SP_KAFKA_SUBSCRIBE_PATTERN:
        return pattern_matches(s, topic);
    case SP_KAFKA_ASSIGN:
        for (int i = 0; i < s->nparts; i++)
            if (s->parts[i].partition == partition && !strcmp(s->parts[i].topic, topic))
                return true;
        return false;
    }
    return false;
}

const char *const *sp_kafka_strategy_required_topics(const spate_consumer_strategy *s, int *n)
{
    *n = s->kind == SP_KAFKA_SUBSCRIBE_PATTERN ? 0 : s->ntopics;
    return (const char *const *)s->topics;
}

const spate_topic_partition *sp_kafka_strategy_assigned(const spate_consumer_strategy *s, int *n)
{
    *n = s->kind == SP_KAFKA_ASSIGN ? s->nparts : 0;
    return s->kind == SP_KAFKA_ASSIGN ? s->parts : NULL;
}

int64_t sp_kafka_strategy_start_offset(const spate_consumer_strategy *s, const char *topic,
                                       int32_t partition)
{
    for (int i = 0; i < s->noffsets; i++)
        if (s->offsets[i].partition == partition && !strcmp(s->offsets[i].topic, topic))
            return s->offsets[i].offset;
    return SP_KAFKA_NO_OFFSET;
}
