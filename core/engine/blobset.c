/*
 * The run's shared set of blobs and child manifests: which are being
 * copied by whom, which are done or failed, so each moves once however
 * many tags share it.
 */
#include "config.h"

#include "blobset.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ref.h"

#define BS_BUCKETS	1024
#define BS_DATA_MAX	(64 * 1024 * 1024)

enum bs_state { BS_PENDING, BS_OK, BS_BAD };

/*
 * One per blob and manifest of the run (3 a tag at 10,000 small tags):
 * what only some entries need is allocated apart, so an entry is its key
 * and a few words, not a 700-byte error and a media type each.
 */
struct bs_entry {
	struct bs_entry	*next;
	enum bs_state	 state;
	struct tm_err	*err;		/* when BS_BAD; NULL: out of memory */
	char		*data;		/* blobset_keep */
	char		*type;		/* with data */
	size_t		 len;
	char		 digest[BS_KEY_MAX + 1];
};

struct blobset {
	pthread_mutex_t	 lock;
	pthread_cond_t	 changed;
	struct bs_entry	*bucket[BS_BUCKETS];
	size_t		 done;
	size_t		 data_total;
};

struct blobset *
blobset_new(void)
{
	struct blobset	*s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	return s;
}

void
blobset_free(struct blobset *s)
{
	struct bs_entry	*e, *next;
	size_t		 i;

	if (s == NULL)
		return;
	for (i = 0; i < BS_BUCKETS; i++)
		for (e = s->bucket[i]; e != NULL; e = next) {
			next = e->next;
			free(e->err);
			free(e->data);
			free(e->type);
			free(e);
		}
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* FNV-1a over the hex: digests are uniform anyway. */
static size_t
bucket_of(const char *digest)
{
	unsigned long	h = 2166136261UL;

	for (; *digest != '\0'; digest++)
		h = (h ^ (unsigned char)*digest) * 16777619UL;
	return h % BS_BUCKETS;
}

static struct bs_entry *
lookup(struct blobset *s, const char *digest)
{
	struct bs_entry	*e;

	for (e = s->bucket[bucket_of(digest)]; e != NULL; e = e->next)
		if (strcmp(e->digest, digest) == 0)
			return e;
	return NULL;
}

/* Failed this round: the claim shares the reason. */
static void
failed_as(const struct bs_entry *e, struct tm_err *err)
{
	if (e->err != NULL)
		*err = *e->err;
	else {
		tm_err_clear(err);
		tm_err_set(err, TM_CAT_IO, "out of memory");
	}
}

enum bs_claim
blobset_claim(struct blobset *s, const char *digest, const atomic_int *cancel,
    struct tm_err *err)
{
	struct bs_entry	*e;
	struct timespec	 until;
	enum bs_claim	 rc;
	size_t		 b;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		if ((e = lookup(s, digest)) == NULL || e->state == BS_BAD) {
			if (e != NULL && (cancel == NULL || !*cancel)) {
				failed_as(e, err);
				rc = BS_FAILED;
				break;
			}
			if (cancel != NULL && *cancel)
				goto cancelled;
			if ((e = calloc(1, sizeof *e)) == NULL) {
				tm_err_set(err, TM_CAT_IO, "out of memory");
				rc = BS_FAILED;
				break;
			}
			snprintf(e->digest, sizeof e->digest, "%s", digest);
			b = bucket_of(digest);
			e->next = s->bucket[b];
			s->bucket[b] = e;
			e->state = BS_PENDING;
			rc = BS_MINE;
			break;
		}
		if (e->state == BS_OK) {
			rc = BS_DONE;
			break;
		}
		if (cancel != NULL && *cancel)
			goto cancelled;
		/* Pending in another worker; wake now and then for cancel. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->changed, &s->lock, &until);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;

cancelled:
	pthread_mutex_unlock(&s->lock);
	tm_err_clear(err);
	if (strncmp(digest, "m:", 2) == 0)
		snprintf(err->object, sizeof err->object, "manifest %s", digest + 2);
	else
		snprintf(err->object, sizeof err->object, "blob %s", digest);
	tm_err_set(err, TM_CAT_CANCELLED, "cancelled");
	return BS_FAILED;
}

void
blobset_finish(struct blobset *s, const char *digest, const struct tm_err *err)
{
	struct bs_entry	*e;

	pthread_mutex_lock(&s->lock);
	if ((e = lookup(s, digest)) != NULL && e->state == BS_PENDING) {
		if (err == NULL) {
			e->state = BS_OK;
			s->done++;
		} else {
			e->state = BS_BAD;
			if ((e->err = malloc(sizeof *e->err)) != NULL)
				*e->err = *err;
		}
	}
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

void
blobset_forget_failures(struct blobset *s)
{
	struct bs_entry	**pp, *e;
	size_t		  i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < BS_BUCKETS; i++)
		for (pp = &s->bucket[i]; (e = *pp) != NULL;) {
			if (e->state == BS_BAD) {
				*pp = e->next;
				s->data_total -= e->len;
				free(e->err);
				free(e->data);
				free(e->type);
				free(e);
			} else
				pp = &e->next;
		}
	pthread_mutex_unlock(&s->lock);
}

size_t
blobset_done_count(struct blobset *s)
{
	size_t	n;

	pthread_mutex_lock(&s->lock);
	n = s->done;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void
blobset_keep(struct blobset *s, const char *key, const void *data, size_t len,
    const char *type)
{
	struct bs_entry	*e;

	pthread_mutex_lock(&s->lock);
	if ((e = lookup(s, key)) != NULL && e->data == NULL &&
	    s->data_total + len <= BS_DATA_MAX &&
	    (e->type = strdup(type)) != NULL) {
		if ((e->data = malloc(len > 0 ? len : 1)) == NULL) {
			free(e->type);
			e->type = NULL;
		} else {
			memcpy(e->data, data, len);
			e->len = len;
			s->data_total += len;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

int
blobset_data(struct blobset *s, const char *key, char **data, size_t *len,
    char *type, size_t typelen)
{
	struct bs_entry	*e;
	int		 found = 0;

	*data = NULL;
	*len = 0;
	pthread_mutex_lock(&s->lock);
	if ((e = lookup(s, key)) != NULL && e->data != NULL &&
	    (*data = malloc(e->len + 1)) != NULL) {
		memcpy(*data, e->data, e->len);
		(*data)[e->len] = '\0';
		*len = e->len;
		snprintf(type, typelen, "%s", e->type);
		found = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}
