/*
 * The preflight: before a run plans anything, ask both registries the few
 * questions that decide whether it can work at all (reachable, TLS, auth,
 * the source's tags readable, pushes allowed on the destination), on
 * registries of its own with a short connect timeout and two attempts, so
 * a wrong port or host fails in seconds with one error naming the side,
 * the host and the cause, instead of every tag retrying it.
 *
 * Delete rights are not asked: distribution can only answer them by
 * deleting something.  A stale-tag delete or a rollback that is refused
 * says so when it happens.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pool.h"

#define PREFLIGHT_ATTEMPTS	2
/*
 * Seconds for the TCP connect and the TLS handshake together.  A refused
 * port fails at once whatever this is; a handshake on a slow or loaded
 * machine (or under valgrind: 7 s measured) must not pass for a dead
 * registry.
 */
#define PREFLIGHT_CONNECT	10
#define PREFLIGHT_RETRY_BASE	0.25
#define PREFLIGHT_RETRY_CAP	1.0

static struct registry *
quick_registry(const char *host, const struct reg_opts *o, struct tm_err *err)
{
	struct reg_opts	q = *o;

	q.max_attempts = PREFLIGHT_ATTEMPTS;
	q.connect_timeout = PREFLIGHT_CONNECT;
	q.retry_base = PREFLIGHT_RETRY_BASE;
	q.retry_cap = PREFLIGHT_RETRY_CAP;
	return registry_new(host, &q, err);
}

int
preflight_init(struct mirror *m, const struct mirror_opts *o,
    struct tm_err *err)
{
	if ((m->pre_src = quick_registry(m->src.api_host, &o->src_reg,
	    err)) == NULL ||
	    (m->pre_dst = quick_registry(m->dst.api_host, &o->dst_reg,
	    err)) == NULL)
		return -1;
	return 0;
}

/* The first page of tags is enough to know they can be read. */
static int
first_page(void *ud, const char *const *tags, size_t n)
{
	(void)ud;
	(void)tags;
	(void)n;
	return 1;
}

/* A read-only registry answers a push with 405 (distribution: UNSUPPORTED). */
static void
explain_push(struct tm_err *e)
{
	char	msg[sizeof e->msg];

	if (e->http != 405 && strcmp(e->code, "UNSUPPORTED") != 0)
		return;
	memcpy(msg, e->msg, sizeof msg);
	tm_err_set(e, e->cat, "pushes refused (a read-only registry?): %s",
	    msg);
}

/* What a side is asked after the ping. */
enum ask {
	ASK_NOTHING,
	ASK_TAGS,
	ASK_PUSH
};

static int
check_side(struct mirror *m, struct registry *reg, const char *repo,
    enum ask ask, struct tm_err *err)
{
	struct reg_conn	*c;
	int		 rc = -1;

	if ((c = reg_conn_new(reg, err)) == NULL)
		return -1;
	reg_conn_set_cancel(c, &m->cancel);
	if ((rc = reg_ping(c, err)) == -1)
		goto out;
	if (ask == ASK_TAGS)
		rc = reg_list_tags(c, repo, first_page, NULL, NULL, err);
	else if (ask == ASK_PUSH && (rc = reg_push_check(c, repo, err)) == -1) {
		/*
		 * Only a refusal stops the run here; a 5xx or a slow answer to
		 * the test upload is the tags' to meet, with their retries.
		 */
		if (!engine_refusal(err)) {
			tm_err_clear(err);
			rc = 0;
		} else
			explain_push(err);
	}
out:
	reg_conn_free(c);
	return rc;
}

/* One side's check: pool_run's items 0 (the source) and 1 (the destination). */
struct side {
	struct mirror	*m;
	struct registry	*reg;
	const char	*repo;
	enum ask	 ask;
	int		 rc;
	struct tm_err	 err;
};

static void
side_one(void *ud, size_t worker, size_t item)
{
	struct side	*s = (struct side *)ud + item;

	(void)worker;
	tm_err_clear(&s->err);
	s->rc = check_side(s->m, s->reg, s->repo, s->ask, &s->err);
}

/*
 * Both sides at once (their round trips overlap), the source's error
 * first as when they ran in turn.  The run's registries then start with
 * what these learned: scheme, challenge, tokens.
 */
int
preflight_run(struct mirror *m, struct tm_err *err)
{
	struct side	sides[2] = {
		{ m, m->pre_src, m->src.repo, ASK_TAGS, 0, { 0 } },
		/* A dry run pushes nothing: reachability and auth are its
		 * question. */
		{ m, m->pre_dst, m->dst.repo,
		    m->opts.dry_run ? ASK_NOTHING : ASK_PUSH, 0, { 0 } },
	};
	size_t		k;

	pool_run(2, 2, side_one, sides, NULL);
	for (k = 0; k < 2; k++)
		if (sides[k].rc == -1) {
			*err = sides[k].err;
			return -1;
		}
	registry_learn(m->sreg, m->pre_src);
	registry_learn(m->dreg, m->pre_dst);
	return 0;
}
