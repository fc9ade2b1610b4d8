/*
 * The share of a mirror set: copy slots handed round-robin to the
 * mirrors that wait for one, the set journal naming every mirror's
 * journal, and a table of the blobs each destination repository of the
 * run has, so another repository mounts them instead of copying.
 */
#include "config.h"

#include "mirror_share.h"
#include "share.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"

#define SHARE_BUCKETS	4096
#define SHARE_BLOBS_MAX	65536	/* beyond: copy, the table stops growing */

struct member {
	int		 used;
	unsigned	 waiting;	/* its workers waiting for a slot */
};

/* A destination repository of the run, interned. */
struct drepo {
	char		*host, *repo;
};

struct sblob {
	struct sblob	*next;
	size_t		 where;		/* the struct drepo that has it */
	int		 copying;	/* being copied there, not there yet */
	char		 digest[TM_DIGEST_MAX + 1];
};

struct mirror_share {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;		/* a slot or a blob changed */
	unsigned	 jobs, free_slots;
	struct member	*mem;
	size_t		 nmem, cursor;	/* the member whose turn is next */
	char		 state_dir[PATH_MAX];
	int		 have_dir;
	struct journal	*sj;		/* the set journal, once a member journals */
	char		 sj_path[PATH_MAX];
	atomic_int	 have_sj;
	struct drepo	*repos;
	size_t		 nrepos;
	struct sblob	*bucket[SHARE_BUCKETS];
	size_t		 nblobs;
};

struct mirror_share *
mirror_share_new(unsigned jobs, const char *state_dir, struct tm_err *err)
{
	struct mirror_share	*s;

	tm_err_clear(err);
	if ((s = calloc(1, sizeof *s)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	s->jobs = s->free_slots = jobs == 0 ? 8 : jobs > 64 ? 64 : jobs;
	if (state_dir != NULL && *state_dir != '\0') {
		if (snprintf(s->state_dir, sizeof s->state_dir, "%s",
		    state_dir) >= (int)sizeof s->state_dir) {
			free(s);
			tm_err_set(err, TM_CAT_USAGE, "state directory path too long");
			return NULL;
		}
		s->have_dir = 1;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cv, NULL);
	return s;
}

void
mirror_share_free(struct mirror_share *s)
{
	struct sblob	*b, *next;
	size_t		 i;

	if (s == NULL)
		return;
	journal_close(s->sj);
	for (i = 0; i < SHARE_BUCKETS; i++)
		for (b = s->bucket[i]; b != NULL; b = next) {
			next = b->next;
			free(b);
		}
	for (i = 0; i < s->nrepos; i++) {
		free(s->repos[i].host);
		free(s->repos[i].repo);
	}
	free(s->repos);
	free(s->mem);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const char *
mirror_share_journal(const struct mirror_share *s)
{
	return atomic_load(&((struct mirror_share *)s)->have_sj) ?
	    s->sj_path : NULL;
}

int
mirror_share_end(struct mirror_share *s, enum mirror_status st,
    struct tm_err *err)
{
	int	rc = 0;

	tm_err_clear(err);
	pthread_mutex_lock(&s->lock);
	if (s->sj != NULL) {
		rc = journal_end(s->sj, mirror_status_name(st), err);
		journal_close(s->sj);
		s->sj = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

unsigned
share_jobs(const struct mirror_share *s)
{
	return s->jobs;
}

const char *
share_state_dir(const struct mirror_share *s)
{
	return s->have_dir ? s->state_dir : NULL;
}

int
share_join(struct mirror_share *s, size_t *member)
{
	struct member	*v;
	size_t		 i;
	int		 rc = 0;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nmem && s->mem[i].used; i++)
		;
	if (i == s->nmem) {
		if ((v = realloc(s->mem, (s->nmem + 1) * sizeof *v)) == NULL)
			rc = -1;
		else {
			s->mem = v;
			s->nmem++;
		}
	}
	if (rc == 0) {
		s->mem[i].used = 1;
		s->mem[i].waiting = 0;
		*member = i;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void
share_leave(struct mirror_share *s, size_t member)
{
	pthread_mutex_lock(&s->lock);
	s->mem[member].used = 0;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->lock);
}

/* Under the lock: the waiting member whose turn it is. */
static size_t
turn(const struct mirror_share *s)
{
	size_t	k, i;

	for (k = 0; k < s->nmem; k++) {
		i = (s->cursor + k) % s->nmem;
		if (s->mem[i].used && s->mem[i].waiting > 0)
			return i;
	}
	return s->nmem;
}

/* Under the lock: wait for a change, or 100 ms (to see a halt). */
static void
nap(struct mirror_share *s)
{
	struct timespec	until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 100L * 1000 * 1000;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&s->cv, &s->lock, &until);
}

int
share_acquire(struct mirror_share *s, size_t member, const atomic_int *halt)
{
	int	rc = -1;

	pthread_mutex_lock(&s->lock);
	s->mem[member].waiting++;
	while (!*halt) {
		if (s->free_slots > 0 && turn(s) == member) {
			s->free_slots--;
			s->cursor = (member + 1) % s->nmem;
			rc = 0;
			break;
		}
		nap(s);
	}
	s->mem[member].waiting--;
	/* The next member's waiter may take a slot left free. */
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void
share_release(struct mirror_share *s, size_t member)
{
	(void)member;
	pthread_mutex_lock(&s->lock);
	s->free_slots++;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->lock);
}

/* Under the lock: the set journal, created in the state directory. */
static struct journal *
set_journal(struct mirror_share *s, struct tm_err *err)
{
	char	path[PATH_MAX];

	if (s->sj == NULL && !s->have_sj &&
	    (s->sj = journal_set_create(share_state_dir(s), path, sizeof path,
	    err)) != NULL) {
		memcpy(s->sj_path, path, sizeof path);
		atomic_store(&s->have_sj, 1);
	}
	if (s->sj == NULL && s->have_sj)
		tm_err_set(err, TM_CAT_USAGE, "the set run has ended");
	return s->sj;
}

int
share_journal_member(struct mirror_share *s, const char *path,
    const char *host, const char *repo, char *set, size_t n,
    struct tm_err *err)
{
	struct journal	*sj;
	int		 rc = -1;

	pthread_mutex_lock(&s->lock);
	if ((sj = set_journal(s, err)) != NULL &&
	    (rc = journal_set_member(sj, path, host, repo, err)) == 0)
		snprintf(set, n, "%s", s->sj_path);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* --- blobs --------------------------------------------------------------- */

static size_t
bucket_of(const char *digest, const char *host)
{
	size_t	h = 5381;

	for (; *digest != '\0'; digest++)
		h = h * 33 + (unsigned char)*digest;
	for (; *host != '\0'; host++)
		h = h * 33 + (unsigned char)*host;
	return h % SHARE_BUCKETS;
}

/* Under the lock: host/repo's index, interned; nrepos when out of memory. */
static size_t
repo_index(struct mirror_share *s, const char *host, const char *repo)
{
	struct drepo	*v;
	size_t		 i;

	for (i = 0; i < s->nrepos; i++)
		if (strcmp(s->repos[i].host, host) == 0 &&
		    strcmp(s->repos[i].repo, repo) == 0)
			return i;
	if ((v = realloc(s->repos, (s->nrepos + 1) * sizeof *v)) == NULL)
		return s->nrepos;
	s->repos = v;
	v[i].host = strdup(host);
	v[i].repo = strdup(repo);
	if (v[i].host == NULL || v[i].repo == NULL) {
		free(v[i].host);
		free(v[i].repo);
		return s->nrepos;
	}
	return s->nrepos++;
}

/* Under the lock: digest's entry on host, or NULL. */
static struct sblob *
find_blob(struct mirror_share *s, const char *host, const char *digest)
{
	struct sblob	*b;

	for (b = s->bucket[bucket_of(digest, host)]; b != NULL; b = b->next)
		if (strcmp(b->digest, digest) == 0 &&
		    strcmp(s->repos[b->where].host, host) == 0)
			return b;
	return NULL;
}

/* Under the lock: a new entry for digest in repository where. */
static void
add_blob(struct mirror_share *s, size_t where, const char *digest,
    int copying)
{
	struct sblob	*b;
	size_t		 k;

	if (where == s->nrepos || s->nblobs >= SHARE_BLOBS_MAX ||
	    (b = calloc(1, sizeof *b)) == NULL)
		return;
	snprintf(b->digest, sizeof b->digest, "%s", digest);
	b->where = where;
	b->copying = copying;
	k = bucket_of(digest, s->repos[where].host);
	b->next = s->bucket[k];
	s->bucket[k] = b;
	s->nblobs++;
}

int
share_blob_begin(struct mirror_share *s, const char *host, const char *repo,
    const char *digest, const atomic_int *cancel, char *from, size_t n)
{
	struct sblob	*b;
	size_t		 me;
	int		 rc = 0;

	pthread_mutex_lock(&s->lock);
	me = repo_index(s, host, repo);
	/* Another repository copying it: wait, then mount from there. */
	while ((b = find_blob(s, host, digest)) != NULL && b->copying &&
	    b->where != me && !*cancel)
		nap(s);
	if (b == NULL)
		add_blob(s, me, digest, 1);
	else if (!b->copying && b->where != me) {
		snprintf(from, n, "%s", s->repos[b->where].repo);
		rc = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void
share_blob_end(struct mirror_share *s, const char *host, const char *repo,
    const char *digest, int present)
{
	struct sblob	*b, **pp;
	size_t		 me;

	pthread_mutex_lock(&s->lock);
	me = repo_index(s, host, repo);
	b = find_blob(s, host, digest);
	if (b == NULL && present)
		add_blob(s, me, digest, 0);
	else if (b != NULL && b->copying && b->where == me && present)
		b->copying = 0;
	else if (b != NULL && b->copying && b->where == me) {
		/* The copy failed: forget it, a waiter copies it itself. */
		for (pp = &s->bucket[bucket_of(digest, host)]; *pp != b;
		    pp = &(*pp)->next)
			;
		*pp = b->next;
		free(b);
		s->nblobs--;
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->lock);
}
