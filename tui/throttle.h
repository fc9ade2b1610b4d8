/*
 * The demo's throttle: a relay on a free 127.0.0.1 port in front of one
 * of the demo's registries, served by a thread of its own, so a demo run
 * takes long enough to watch.  Every byte through it, either way and on
 * any connection, draws from one budget of rate bytes a second.
 *
 * It can also stage one transient failure: the first GET of one blob has
 * a byte of its body flipped on the way, so the tag that needs it fails
 * its first attempt (the bytes do not hash to the digest) and is copied
 * when the run tries it again.
 */
#ifndef TM_THROTTLE_H
#define TM_THROTTLE_H

#include "err.h"

struct throttle;

/*
 * Relay to 127.0.0.1:upstream at rate bytes a second (> 0); spoil: the
 * "REPO/blobs/DIGEST" whose first GET is spoilt, or NULL.  Main thread,
 * signals blocked (the relay's thread takes no signal either way).  NULL
 * with err when no socket or thread could be had.
 */
struct throttle	*throttle_start(int upstream, double rate, const char *spoil,
		    struct tm_err *);
/* The port it listens on, 127.0.0.1. */
int		 throttle_port(const struct throttle *);
/* Stop the thread, close every connection, free.  NULL is fine. */
void		 throttle_stop(struct throttle *);

#endif
