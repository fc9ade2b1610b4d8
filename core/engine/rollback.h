/*
 * Rollback's decision for one tag, from its journal record and what the
 * destination says now: the part of rollback that needs no registry (and
 * that tests/unit/rollback_test checks).  The rest of rollback is reached
 * through mirror.h.
 */
#ifndef TM_ROLLBACK_H
#define TM_ROLLBACK_H

#include "journal.h"

enum rb_plan {
	P_SKIP,		/* the run did not change it */
	P_KEEP,		/* already as before */
	P_PUT,		/* put the previous manifest back */
	P_REMOVE,	/* it did not exist before: remove it */
	P_CONFLICT,	/* someone else moved it */
	P_FAILED	/* the destination could not be asked */
};

/*
 * head: what HEAD said (1 the tag is at digest now, 0 absent, -1 error).
 * Any thread.
 */
enum rb_plan	rollback_decide(const struct journal_tag *, int head,
		    const char *now);

#endif
