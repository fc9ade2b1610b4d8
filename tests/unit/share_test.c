/*
 * A mirror set's share: slots go round-robin to the mirrors waiting (a
 * mirror with many workers waiting does not take every slot first), a
 * halt leaves the queue, blobs another repository copies are waited for
 * then mounted from it, and the set journal that --last finds instead
 * of its members.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "mirror.h"
#include "share.h"
#include "tap.h"

static const char	D[] = "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";

struct grab {
	struct mirror_share	*s;
	size_t			 member;
	atomic_int		*halt;
	char			*log;		/* members in the order served */
	pthread_mutex_t		*lock;
	int			 rc;
};

static void *
grab(void *arg)
{
	struct grab	*g = arg;
	size_t		 n;

	if ((g->rc = share_acquire(g->s, g->member, g->halt)) == -1)
		return NULL;
	pthread_mutex_lock(g->lock);
	n = strlen(g->log);
	g->log[n] = (char)('A' + g->member);
	pthread_mutex_unlock(g->lock);
	usleep(20 * 1000);
	share_release(g->s, g->member);
	return NULL;
}

/* One slot, held; 3 workers of A wait, then 1 of B: B is served second. */
static void
fair(void)
{
	struct mirror_share	*s;
	struct tm_err		 err;
	pthread_mutex_t		 lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_t		 t[4];
	struct grab		 g[4];
	atomic_int		 halt = 0;
	char			 log[8] = "";
	size_t			 a, b, i;

	s = mirror_share_new(1, NULL, &err);
	ok(s != NULL, "a share of 1 slot");
	ok(share_join(s, &a) == 0 && share_join(s, &b) == 0 && a != b,
	    "two members join");
	is_int(share_jobs(s), 1, "its jobs");
	is_int(share_acquire(s, a, &halt), 0, "A takes the only slot");
	for (i = 0; i < 4; i++) {
		g[i] = (struct grab){ s, i < 3 ? a : b, &halt, log, &lock, 0 };
		pthread_create(&t[i], NULL, grab, &g[i]);
		/* A's three queue up before B's one. */
		usleep(30 * 1000);
	}
	usleep(200 * 1000);
	share_release(s, a);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	is_str(log, "BAAA", "the freed slot goes to B's turn, not to A's "
	    "queue first");
	share_leave(s, a);
	share_leave(s, b);
	mirror_share_free(s);
}

/* A waiter leaves on a halt without a slot; a slot stays free. */
static void
halted(void)
{
	struct mirror_share	*s;
	struct tm_err		 err;
	pthread_mutex_t		 lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_t		 t;
	struct grab		 g;
	atomic_int		 halt = 0, none = 0;
	char			 log[8] = "";
	size_t			 a, b;

	s = mirror_share_new(1, NULL, &err);
	share_join(s, &a);
	share_join(s, &b);
	share_acquire(s, a, &none);
	g = (struct grab){ s, b, &halt, log, &lock, 0 };
	pthread_create(&t, NULL, grab, &g);
	usleep(50 * 1000);
	halt = 1;
	pthread_join(t, NULL);
	is_int(g.rc, -1, "a halted waiter gets no slot");
	share_release(s, a);
	is_int(share_acquire(s, a, &none), 0, "the slot is free again");
	share_release(s, a);
	mirror_share_free(s);
}

struct blobwait {
	struct mirror_share	*s;
	atomic_int		 cancel;
	char			 from[64];
	int			 rc;
	atomic_int		 returned;
};

static void *
blob_waiter(void *arg)
{
	struct blobwait	*w = arg;

	w->rc = share_blob_begin(w->s, "h:1", "lib/b", D, &w->cancel, w->from,
	    sizeof w->from);
	w->returned = 1;
	return NULL;
}

static void
blobs(void)
{
	struct mirror_share	*s;
	struct blobwait		 w;
	struct tm_err		 err;
	pthread_t		 t;
	atomic_int		 none = 0;
	char			 from[64] = "";

	s = mirror_share_new(4, NULL, &err);
	is_int(share_blob_begin(s, "h:1", "lib/a", D, &none, from, sizeof from),
	    0, "the first repository to want a blob copies it");
	memset(&w, 0, sizeof w);
	w.s = s;
	pthread_create(&t, NULL, blob_waiter, &w);
	usleep(100 * 1000);
	is_int(w.returned, 0, "another repository waits for that copy");
	share_blob_end(s, "h:1", "lib/a", D, 1);
	pthread_join(t, NULL);
	is_int(w.rc, 1, "then mounts it");
	is_str(w.from, "lib/a", "from the repository that has it");
	is_int(share_blob_begin(s, "other:2", "lib/b", D, &none, from,
	    sizeof from), 0, "another registry copies it itself");
	share_blob_end(s, "other:2", "lib/b", D, 0);
	is_int(share_blob_begin(s, "other:2", "lib/c", D, &none, from,
	    sizeof from), 0, "a failed copy is forgotten: the next copies");
	share_blob_end(s, "other:2", "lib/c", D, 1);
	mirror_share_free(s);
}

static void
set_journal(void)
{
	char			 dir[] = "/tmp/share_test.XXXXXX", mpath[4096],
				 spath[4096], found[4096], what[512];
	struct journal		*sj, *j;
	struct journal_set	 set;
	struct journal_data	 d;
	struct tm_err		 err;

	ok(mkdtemp(dir) != NULL, "a state directory");
	sj = journal_set_create(dir, spath, sizeof spath, &err);
	ok(sj != NULL, "a set journal");
	ok(journal_is_set(spath), "it reads as one");
	j = journal_create(dir, "src/r", "h:1", "lib/a", mpath, sizeof mpath,
	    &err);
	ok(j != NULL && journal_set_of(j, spath, &err) == 0 &&
	    journal_set_member(sj, mpath, "h:1", "lib/a", &err) == 0,
	    "a member joins it");
	journal_before(j, "t1", NULL, NULL, NULL, 0, &err);
	journal_ready(j, &err);
	journal_intent(j, "t1", D, &err);
	journal_close(j);
	ok(!journal_is_set(mpath), "the member is an ordinary journal");
	is_int(journal_read(mpath, &d, &err), 0, "readable");
	is_str(d.set, strrchr(spath, '/') + 1, "naming its set");
	journal_data_free(&d);
	is_int(journal_set_read(spath, &set, &err), 0, "the set reads back");
	is_int(set.n, 1, "with its member");
	is_str(set.members[0].path, mpath, "at its full path");
	is_str(set.members[0].repo, "lib/a", "and its repository");
	is_int(set.finished, 0, "unfinished");
	journal_set_free(&set);
	is_int(journal_find(dir, 0, found, sizeof found, &err), 1, "--last finds");
	is_str(found, spath, "the set, not its newer member");
	is_int(journal_find(dir, 1, found, sizeof found, &err), 1,
	    "an interrupted run is found");
	is_str(found, spath, "the set, again");
	is_int(journal_describe(spath, what, sizeof what), 0, "described");
	ok(strstr(what, "1 repository, 1 tag changed") != NULL, "as a set: %s",
	    what);
	is_int(journal_end(sj, "PARTIAL_MIRROR", &err), 0, "the set ends");
	journal_close(sj);
	is_int(journal_find(dir, 1, found, sizeof found, &err), 0,
	    "nothing interrupted is left (the member is the set's)");
	unlink(mpath);
	unlink(spath);
	rmdir(dir);
}

int
main(void)
{
	fair();
	halted();
	blobs();
	set_journal();
	return tap_done();
}
