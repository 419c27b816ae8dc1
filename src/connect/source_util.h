/* source_util.h - small helpers shared by the connectors:
 * thread-safe strerror, monotonic time. */
#ifndef SP_SOURCE_UTIL_H
#define SP_SOURCE_UTIL_H

#include <spate/core.h>

#include <string.h>
#include <time.h>

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
