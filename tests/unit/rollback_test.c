/*
 * Rollback's per-tag decision (rollback_decide): what it does with each
 * tag from the journal's record and what the destination has now.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rollback.h"
#include "tap.h"

#define OLD	"sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define OURS	"sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define OTHER	"sha256:3333333333333333333333333333333333333333333333333333333333333333"

static struct journal_tag
record(int had, int changed)
{
	struct journal_tag	jt;

	memset(&jt, 0, sizeof jt);
	snprintf(jt.name, sizeof jt.name, "1.0");
	jt.had = had;
	jt.changed = changed;
	snprintf(jt.prev_digest, sizeof jt.prev_digest, "%s", had ? OLD : "");
	snprintf(jt.new_digest, sizeof jt.new_digest, "%s", OURS);
	return jt;
}

int
main(void)
{
	struct journal_tag	jt;

	jt = record(1, 0);
	is_int(rollback_decide(&jt, 1, OURS), P_SKIP,
	    "a tag the run did not change is skipped");
	jt = record(1, 1);
	is_int(rollback_decide(&jt, -1, ""), P_FAILED,
	    "a tag whose HEAD failed cannot be decided");
	is_int(rollback_decide(&jt, 1, OLD), P_KEEP,
	    "already at its previous digest: kept");
	is_int(rollback_decide(&jt, 1, OURS), P_PUT,
	    "at this run's digest, existed before: put back");
	is_int(rollback_decide(&jt, 1, OTHER), P_CONFLICT,
	    "at a third digest: someone else moved it");
	is_int(rollback_decide(&jt, 0, ""), P_CONFLICT,
	    "gone though it existed before and the run wrote it: a conflict");
	jt = record(0, 1);
	is_int(rollback_decide(&jt, 1, OURS), P_REMOVE,
	    "at this run's digest, new with the run: removed again");
	is_int(rollback_decide(&jt, 0, ""), P_KEEP,
	    "new with the run and absent now: as before");
	is_int(rollback_decide(&jt, 1, OTHER), P_CONFLICT,
	    "new with the run, now elsewhere: left alone");
	return tap_done();
}
