/*
 * The interrupted-run model: the journal a killed run left, kept or
 * rolled back on a thread.  UI thread only (the rollback thread reaches
 * it through its event queue).
 */
#ifndef TM_MODEL_INTERRUPTED_H
#define TM_MODEL_INTERRUPTED_H

#include <stddef.h>

#include "mirror.h"

/* What the unfinished journal says about its run. */
struct interrupted_offer {
	char	path[4096];
	char	started[40], source[512], host[256], repo[256];
	size_t	changed;	/* tags it changed before it stopped */
};

enum interrupted_news {
	IN_NONE,		/* no rollback going on */
	IN_PROGRESS,		/* still rolling back */
	IN_DONE,		/* rolled back */
	IN_FAILED		/* the rollback did not finish: see err */
};

/*
 * Look for an unfinished journal in state_dir: 1 found (o filled), 0
 * none, -1 unreadable (o->path and err filled).
 */
int	 interrupted_find(const char *state_dir, struct interrupted_offer *,
	    struct tm_err *);
/* Close the journal found as PARTIAL_MIRROR: 0, or -1 with err. */
int	 interrupted_keep(struct tm_err *);
/* Roll the journal found back on the engine's thread against dst: 0, or -1 with err. */
int	 interrupted_rollback(const struct reg_opts *dst, struct tm_err *);
/* The rollback's wake-up fd, -1 when none. */
int	 interrupted_fd(void);
int	 interrupted_busy(void);
/* Drain the rollback's events; restored and err say how it goes. */
enum interrupted_news interrupted_events(size_t *restored, struct tm_err *);
/* At exit: let a rollback in progress finish. */
void	 interrupted_wait(void);

#endif
