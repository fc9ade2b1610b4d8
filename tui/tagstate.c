/* Tag states in words and theme colours for the run and detail screens. */
#include "config.h"

#include "tagstate.h"

#include <stdio.h>

void
tag_state_text(const struct mirror_tag_info *ti, char *buf, size_t n)
{
	switch (ti->state) {
	case TAG_COPYING:
		if (ti->blobs_total > 0)
			snprintf(buf, n, "copying %d/%d blobs", ti->blobs_done,
			    ti->blobs_total);
		else
			snprintf(buf, n, "copying");
		break;
	case TAG_RETRYING:
		if (ti->retry_in >= 1)
			snprintf(buf, n, "retrying in %.0fs", ti->retry_in);
		else
			snprintf(buf, n, "retrying");
		break;
	case TAG_QUEUED:
		snprintf(buf, n, ti->action == TAG_ACT_DELETE ?
		    "queued (stale)" : "queued");
		break;
	default:
		snprintf(buf, n, "%s", tag_state_label(ti->state));
		break;
	}
}

enum theme_el
tag_state_el(enum tag_state s)
{
	switch (s) {
	case TAG_QUEUED:
		return EL_QUEUED;
	case TAG_COPYING:
	case TAG_PUSHING:
		return EL_ACTIVE;
	case TAG_RETRYING:
		return EL_RETRY;
	case TAG_DONE:
		return EL_OK;
	case TAG_UPTODATE:
		return EL_UPTODATE;
	case TAG_FAILED:
	case TAG_CONFLICT:
		return EL_FAILED;
	case TAG_STALE_DELETED:
	case TAG_CANCELLED:
	case TAG_SKIPPED:
		return EL_WARN;
	case TAG_ROLLED_BACK:
		return EL_HINT;
	}
	return EL_NORMAL;
}
