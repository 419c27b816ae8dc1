/* source_util.h - small helpers shared by the input streams of connect/:
 * reading options with a fallback, thread-safe strerror, monotonic time. */
#ifndef SP_SOURCE_UTIL_H
#define SP_SOURCE_UTIL_H

#include <spate/core.h>

#include <string.h>
#include <time.h>

/* The option's value, or dflt when the conf does not know the key (so a
 * source keeps working while an option is not yet in the conf table). */
static inline int64_t sp_conf_i64_or(const spate_conf *c, const char *key, int64_t dflt)
{
    return (c && spate_conf_get(c, key)) ? spate_conf_get_i64(c, key) : dflt;
}

static inline spate_duration sp_conf_duration_or(const spate_conf *c, const char *key,
                                                 spate_duration dflt)
{
    return (c && spate_conf_get(c, key)) ? spate_conf_get_duration(c, key) : dflt;
}

/* strerror that is safe on any thread (GNU strerror_r: _GNU_SOURCE is set by
 * the build). */
static inline const char *sp_strerror(int err, char *buf, size_t size)
{
    return strerror_r(err, buf, size);
}

/* Real time for rate limits and timeouts, never the context clock. */
static inline int64_t sp_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif
