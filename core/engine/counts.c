/*
 * The run's totals kept as tags change (m->counts), so mirror_totals
 * copies them instead of walking every tag under the lock on each draw.
 * Every writer of a tag's state, err, action or bytes calls this around
 * its change; it calls nothing back, so any engine file may.
 */
#include "config.h"

#include "internal.h"

/* The count of tags in state st, as mirror_totals groups states. */
static size_t *
state_count(struct mirror_totals *t, enum tag_state st)
{
	switch (st) {
	case TAG_QUEUED:
	case TAG_RETRYING:
		return &t->queued;
	case TAG_COPYING:
	case TAG_PUSHING:
		return &t->active;
	case TAG_DONE:
		return &t->done;
	case TAG_UPTODATE:
		return &t->uptodate;
	case TAG_FAILED:
		return &t->failed;
	case TAG_CANCELLED:
		return &t->cancelled;
	case TAG_SKIPPED:
		return &t->skipped;
	case TAG_STALE_DELETED:
		return &t->deleted;
	case TAG_CONFLICT:
		return &t->conflicts;
	case TAG_ROLLED_BACK:
		return &t->rolled_back;
	}
	return &t->queued;
}

/*
 * Under m->lock.  Unsigned counts go down by adding (size_t)-1: modular,
 * and every -1 follows the +1 that counted the tag in.
 */
void
engine_count_tag(struct mirror *m, size_t i, int sign)
{
	const struct mirror_tag_info	*x = &m->tags[i].i;
	struct mirror_totals		*t = &m->counts;
	size_t				 d = sign > 0 ? 1 : (size_t)-1;

	*state_count(t, x->state) += d;
	if (x->state == TAG_FAILED || x->state == TAG_CONFLICT)
		t->failed_by_cat[x->err.cat] += d;
	if (x->action == TAG_ACT_DELETE)
		t->stale += d;
	t->bytes_total += sign * x->bytes_total;
	t->bytes_placed += sign * x->bytes_done;
}
