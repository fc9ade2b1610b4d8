/*
 * The blob set that makes a layer shared by many tags copy once: claims,
 * waits, failures and many threads over shared blobs.
 */
#include "config.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blobset.h"
#include "tap.h"

static const char	A[] = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char	B[] = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

struct waiter {
	struct blobset	*s;
	const char	*digest;
	atomic_int	*cancel;
	enum bs_claim	 got;
	struct tm_err	 err;
	atomic_int	 returned;
};

static void *
wait_claim(void *arg)
{
	struct waiter	*w = arg;

	w->got = blobset_claim(w->s, w->digest, w->cancel, &w->err);
	w->returned = 1;
	return NULL;
}

static void
test_wait_for_holder(void)
{
	struct blobset	*s = blobset_new();
	struct waiter	 w = { s, A, NULL, BS_FAILED, { 0 }, 0 };
	struct tm_err	 err;
	pthread_t	 t;

	is_int(blobset_claim(s, A, NULL, &err), BS_MINE, "first claim copies");
	pthread_create(&t, NULL, wait_claim, &w);
	usleep(100000);
	ok(!w.returned, "a second claim waits while the first copies");
	blobset_finish(s, A, NULL);
	pthread_join(t, NULL);
	is_int(w.got, BS_DONE, "then takes the result: done, no second copy");
	is_int(blobset_claim(s, A, NULL, &err), BS_DONE, "later claims see it done");
	is_int(blobset_done_count(s), 1, "one blob done");
	blobset_free(s);
}

static void
test_failure_shared(void)
{
	struct blobset	*s = blobset_new();
	struct tm_err	 err, bad;

	tm_err_clear(&bad);
	bad.http = 500;
	tm_err_set(&bad, TM_CAT_SERVER_ERROR, "boom");
	is_int(blobset_claim(s, B, NULL, &err), BS_MINE, "claim");
	blobset_finish(s, B, &bad);
	tm_err_clear(&err);
	is_int(blobset_claim(s, B, NULL, &err), BS_FAILED, "a failed blob fails the next claim this round");
	ok(err.cat == TM_CAT_SERVER_ERROR && err.http == 500 && strcmp(err.msg, "boom") == 0,
	    "with the original error");
	blobset_forget_failures(s);
	is_int(blobset_claim(s, B, NULL, &err), BS_MINE, "the next round tries it again");
	blobset_finish(s, B, NULL);
	blobset_free(s);
}

static void
test_cancel(void)
{
	struct blobset	*s = blobset_new();
	atomic_int	 cancel = 0;
	struct waiter	 w = { s, A, &cancel, BS_DONE, { 0 }, 0 };
	struct tm_err	 err;
	pthread_t	 t;

	blobset_claim(s, A, NULL, &err);
	pthread_create(&t, NULL, wait_claim, &w);
	usleep(50000);
	cancel = 1;
	pthread_join(t, NULL);
	ok(w.got == BS_FAILED && w.err.cat == TM_CAT_CANCELLED,
	    "a waiter gives up on cancel");
	blobset_finish(s, A, NULL);
	blobset_free(s);
}

struct racer {
	struct blobset	*s;
	int		 mine;
};

static void *
race(void *arg)
{
	struct racer	*r = arg;
	struct tm_err	 err;
	char		 d[80];
	int		 i;

	for (i = 0; i < 200; i++) {
		snprintf(d, sizeof d, "sha256:%064d", i);
		if (blobset_claim(r->s, d, NULL, &err) == BS_MINE) {
			r->mine++;
			usleep(100);
			blobset_finish(r->s, d, NULL);
		}
	}
	return NULL;
}

static void
test_race(void)
{
	struct blobset	*s = blobset_new();
	struct racer	 r[8];
	pthread_t	 t[8];
	int		 i, total = 0;

	for (i = 0; i < 8; i++) {
		r[i].s = s;
		r[i].mine = 0;
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		total += r[i].mine;
	}
	is_int(total, 200, "8 threads over 200 shared blobs: each copied exactly once");
	is_int(blobset_done_count(s), 200, "all 200 done");
	blobset_free(s);
}

/* A kept manifest comes back byte for byte with its media type. */
static void
test_keep(void)
{
	struct blobset	*s = blobset_new();
	struct tm_err	 e;
	char		*data, type[128];
	size_t		 len;

	blobset_claim(s, "m:sha256:k", NULL, &e);
	blobset_keep(s, "m:sha256:k", "{\"a\":1}", 7,
	    "application/vnd.oci.image.manifest.v1+json");
	blobset_finish(s, "m:sha256:k", NULL);
	ok(blobset_data(s, "m:sha256:k", &data, &len, type, sizeof type),
	    "a kept manifest is found");
	is_int((int)len, 7, "...its length");
	is_str(data, "{\"a\":1}", "...its bytes");
	is_str(type, "application/vnd.oci.image.manifest.v1+json",
	    "...its media type");
	free(data);
	ok(!blobset_data(s, "m:sha256:other", &data, &len, type, sizeof type),
	    "nothing kept under another key");
	blobset_free(s);
}

/*
 * Memory per entry: a 10,000-tag run holds ~30,000 of them until it ends,
 * so an entry is its key and a few words (it carried a 672-byte error and
 * a 128-byte media type each: 27 MiB at 10,000 tags).
 */
static void
test_small_entries(void)
{
	struct blobset	*s = blobset_new();
	struct tm_err	 e;
	struct mallinfo2 before, after;
	char		 key[BS_KEY_MAX + 1];
	size_t		 i, per;

	before = mallinfo2();
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "sha256:%064zx", i);
		blobset_claim(s, key, NULL, &e);
		blobset_finish(s, key, NULL);
	}
	after = mallinfo2();
	per = (after.uordblks - before.uordblks) / 10000;
	ok(per <= 192, "a done blob costs %zu bytes of heap (at most 192)", per);
	is_int((int)blobset_done_count(s), 10000, "...and all 10,000 are done");
	blobset_free(s);
}

int
main(void)
{
	test_wait_for_holder();
	test_failure_shared();
	test_cancel();
	test_race();
	test_keep();
	test_small_entries();
	return tap_done();
}
