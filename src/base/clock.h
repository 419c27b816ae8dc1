/* clock.h - the clock a context schedules batches by (see spate_clock_* in
 * core.h): system time, or a manual clock for tests. */
#ifndef SP_CLOCK_H
#define SP_CLOCK_H

#include <spate/core.h>

#include <time.h>

spate_clock *sp_clock_new(bool manual, int64_t start_ms);
void sp_clock_destroy(spate_clock *c);
bool sp_clock_is_manual(const spate_clock *c);
/* Blocks until now >= target_ms or sp_clock_interrupt; returns now. Any thread. */
int64_t sp_clock_wait_until(spate_clock *c, int64_t target_ms);
/* Wakes every waiter, and makes every later wait return at once (used when
 * the context stops, for good). */
void sp_clock_interrupt(spate_clock *c);
/* Milliseconds of real (monotonic) time, for timeouts and processing times. */
int64_t sp_monotonic_ms(void);
/* The CLOCK_REALTIME instant ms from now, for pthread_cond_timedwait on a
 * condition variable with the default clock. */
void sp_realtime_deadline(struct timespec *ts, int64_t ms);

#endif
