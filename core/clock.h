/*
 * The monotonic clock, for timeouts, backoff, rates and redraw pacing:
 * never the wall clock, which can jump.  Any thread.
 */
#ifndef TM_CLOCK_H
#define TM_CLOCK_H

#include <stdint.h>

/* Seconds since an arbitrary fixed point. */
double	tm_now(void);
/* The same in milliseconds. */
int64_t	tm_now_ms(void);

#endif
