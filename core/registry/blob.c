/*
 * The client's streamed blob copy (reg_blob_copy): the source's GET and
 * the destination's PUT side by side in one curl multi, checked against
 * the digest before the last byte is committed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "registry.h"
#include "httpparse.h"
#include "internal.h"
#include "manifest.h"
#include "request.h"
#include "upload.h"

/*
 * reg_blob_copy: the source GET and the destination PUT run side by side
 * in one curl multi, in this thread, through a bounded ring.  The GET's
 * writer pauses when the ring is full and the PUT's reader pauses when it
 * is empty; the loop unpauses each when the other side has made room or
 * data.  The PUT never sends the blob's last byte (or, chunked, its end)
 * until the whole GET arrived and hashed to the expected digest, so a
 * corrupt or truncated source can never commit at the destination.
 */

#define RING_SIZE	(2 * 1024 * 1024)
/*
 * curl's receive and send buffers during a copy, and the ring space the
 * GET waits for before it resumes: 16 KiB pieces cost a pause, a wake-up
 * and a syscall each and kept large blobs well below the wire's speed.
 */
#define XFER_BUF	(512 * 1024)
#define POLL_MS		100

enum { GET_ANSWER = 1 };	/* drive(): the GET answered non-2xx */

struct copy {
	struct reg_conn		*src;
	struct reg_conn		*dst;
	const char		*src_repo;
	const char		*dst_repo;
	const struct mf_desc	*blob;
	char			*object;	/* "blob sha256:..." */
	CURLM			*multi;

	char			*ring;
	size_t			 head;		/* read position */
	size_t			 used;
	EVP_MD_CTX		*md;
	int64_t			 received;	/* this attempt, from the GET */
	int64_t			 sent;		/* this attempt, to the PUT */

	struct http_resp	 get;
	int			 get_added, get_done, get_paused, get_long;
	CURLcode		 get_cc;
	int			 verified;	/* complete and the digest matched */

	char			*session;	/* upload session URL */
	struct http_resp	 put;
	struct curl_slist	*put_hdrs;
	int			 put_started, put_added, put_done, put_paused;
	CURLcode		 put_cc;
};

/*
 * Ring buffer.
 */

static size_t
ring_free(const struct copy *cp)
{
	return RING_SIZE - cp->used;
}

static void
ring_put(struct copy *cp, const char *p, size_t len)
{
	size_t	tail = (cp->head + cp->used) % RING_SIZE, first;

	first = RING_SIZE - tail < len ? RING_SIZE - tail : len;
	memcpy(cp->ring + tail, p, first);
	memcpy(cp->ring, p + first, len - first);
	cp->used += len;
}

static void
ring_get(struct copy *cp, char *p, size_t len)
{
	size_t	first = RING_SIZE - cp->head < len ? RING_SIZE - cp->head : len;

	memcpy(p, cp->ring + cp->head, first);
	memcpy(p + first, cp->ring, len - first);
	cp->head = (cp->head + len) % RING_SIZE;
	cp->used -= len;
}

/* What the PUT may send now: all but the last byte until verified. */
static size_t
put_avail(const struct copy *cp)
{
	size_t	avail = cp->used;

	if (!cp->verified && cp->blob->size > 0 &&
	    cp->sent + (int64_t)avail > cp->blob->size - 1)
		avail = (size_t)(cp->blob->size - 1 - cp->sent);
	return avail;
}

/*
 * Callbacks.
 */

static size_t
get_write(char *p, size_t size, size_t nitems, void *ud)
{
	struct copy	*cp = ud;
	size_t		 len = size * nitems;

	if (cp->get.status < 200 || cp->get.status >= 300)
		return http_body_write(p, size, nitems, &cp->get);
	if (cp->blob->size >= 0 && (cp->received + (int64_t)len > cp->blob->size ||
	    (cp->get.content_length >= 0 && cp->get.content_length != cp->blob->size))) {
		cp->get_long = 1;	/* too much, or announces the wrong size */
		return CURL_WRITEFUNC_ERROR;
	}
	if (ring_free(cp) < len) {
		cp->get_paused = 1;
		return CURL_WRITEFUNC_PAUSE;
	}
	ring_put(cp, p, len);
	if (EVP_DigestUpdate(cp->md, p, len) != 1)
		return CURL_WRITEFUNC_ERROR;
	cp->received += (int64_t)len;
	if (cp->src->progress != NULL)
		cp->src->progress(cp->src->progress_ud, (int64_t)len);
	return len;
}

static size_t
put_read(char *p, size_t size, size_t nitems, void *ud)
{
	struct copy	*cp = ud;
	size_t		 want = size * nitems, avail = put_avail(cp);

	if (avail == 0) {
		if (cp->verified)
			return 0;	/* end of a chunked upload */
		cp->put_paused = 1;
		return CURL_READFUNC_PAUSE;
	}
	if (want > avail)
		want = avail;
	ring_get(cp, p, want);
	cp->sent += (int64_t)want;
	return want;
}

/*
 * The two transfers.
 */

static void
transfer_stop(struct copy *cp, CURL *e, int *added)
{
	if (*added) {
		/* Removing a running transfer closes its connection. */
		curl_multi_remove_handle(cp->multi, e);
		*added = 0;
	}
}

static void
stop_all(struct copy *cp)
{
	transfer_stop(cp, cp->src->easy, &cp->get_added);
	transfer_stop(cp, cp->dst->easy, &cp->put_added);
	http_headers_free(cp->put_hdrs);
	cp->put_hdrs = NULL;
}

static int
side_err(struct reg_conn *c, struct copy *cp, struct tm_err *err)
{
	http_err_begin(c, cp->object, err);
	return -1;
}

/* Large buffers for one transfer (http_prepare resets them for the next). */
static void
big_buffers(CURL *e)
{
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, (long)XFER_BUF);
	curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, (long)XFER_BUF);
}

/* Start the PUT that completes the upload session. */
static int
put_start(struct copy *cp, struct tm_err *err)
{
	struct http_req	 rq = { .method = "PUT", .stream = 1,
			    .content_type = "application/octet-stream" };
	char		*url = NULL, *authz = NULL, *scope, *base;
	int		 rc = -1, own;

	cp->put_started = 1;
	scope = reg_scope(cp->dst_repo, "pull,push");
	base = http_url(cp->dst->reg, "/");
	url = reg_upload_put_url(cp->session, cp->blob->digest);
	if (scope == NULL || base == NULL || url == NULL) {
		side_err(cp->dst, cp, err);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto out;
	}
	own = http_same_origin(url, base);
	if (http_auth_for(cp->dst, scope, own, &authz, err) == -1)
		goto out;
	if (http_prepare(cp->dst, cp->dst->easy, "PUT", url, authz, &rq, &cp->put,
	    &cp->put_hdrs, err) == -1)
		goto out;
	big_buffers(cp->dst->easy);
	curl_easy_setopt(cp->dst->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(cp->dst->easy, CURLOPT_READFUNCTION, put_read);
	curl_easy_setopt(cp->dst->easy, CURLOPT_READDATA, cp);
	curl_easy_setopt(cp->dst->easy, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)cp->blob->size);
	if (curl_multi_add_handle(cp->multi, cp->dst->easy) != CURLM_OK) {
		side_err(cp->dst, cp, err);
		tm_err_set(err, TM_CAT_IO, "cannot start the upload");
		goto out;
	}
	cp->put_added = 1;
	rc = 0;
out:
	http_secret_free(authz);
	free(scope);
	free(base);
	free(url);
	return rc;
}

/* The GET finished with a 2xx: is it the blob we asked for? */
static int
get_verify(struct copy *cp, struct tm_err *err)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;
	char		got[TM_DIGEST_MAX + 1];
	static const char hex[] = "0123456789abcdef";

	if (cp->blob->size >= 0 && cp->received != cp->blob->size) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source sent %lld "
		    "bytes, expected %lld", (long long)cp->received,
		    (long long)cp->blob->size);
	}
	if (EVP_DigestFinal_ex(cp->md, md, &mdlen) != 1 || mdlen != 32) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "SHA-256 failed");
	}
	memcpy(got, "sha256:", 7);
	for (i = 0; i < mdlen; i++) {
		got[7 + 2 * i] = hex[md[i] >> 4];
		got[8 + 2 * i] = hex[md[i] & 15];
	}
	got[TM_DIGEST_MAX] = '\0';
	if (strcmp(got, cp->blob->digest) != 0) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source bytes hash to "
		    "%s, expected %s", got, cp->blob->digest);
	}
	cp->verified = 1;
	return 0;
}

/* Failures of a finished transfer, named after its side. */
static int
get_failed(struct copy *cp, struct tm_err *err)
{
	side_err(cp->src, cp, err);
	if (cp->get_long && cp->get.content_length >= 0 &&
	    cp->get.content_length != cp->blob->size)
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source announces "
		    "%lld bytes, expected %lld", (long long)cp->get.content_length,
		    (long long)cp->blob->size);
	if (cp->get_long)
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source sent more "
		    "than the blob's %lld bytes", (long long)cp->blob->size);
	return http_curl_err(cp->src, cp->get_cc, &cp->get, err);
}

static int
put_failed(struct copy *cp, struct tm_err *err)
{
	side_err(cp->dst, cp, err);
	if (cp->put_cc != CURLE_OK)
		return http_curl_err(cp->dst, cp->put_cc, &cp->put, err);
	if (!cp->verified)
		return tm_err_set(err, TM_CAT_PROTOCOL, "upload ended before "
		    "the blob was complete");
	return http_status_err(&cp->put, err);
}

static void
collect(struct copy *cp)
{
	CURLMsg	*msg;
	int	 left;

	while ((msg = curl_multi_info_read(cp->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		if (msg->easy_handle == cp->src->easy) {
			cp->get_done = 1;
			cp->get_cc = msg->data.result;
			transfer_stop(cp, cp->src->easy, &cp->get_added);
		} else if (msg->easy_handle == cp->dst->easy) {
			cp->put_done = 1;
			cp->put_cc = msg->data.result;
			transfer_stop(cp, cp->dst->easy, &cp->put_added);
		}
	}
}

static int
get_ok(const struct copy *cp)
{
	return cp->get_cc == CURLE_OK && cp->get.status >= 200 && cp->get.status < 300;
}

/*
 * Run the GET (already added) and, once it answers 2xx, the PUT.
 * 0 the blob is at the destination; GET_ANSWER the GET answered
 * something else (redirect, 401, error: see cp->get); -1 err filled.
 */
static int
drive(struct copy *cp, struct tm_err *err)
{
	int	running;

	for (;;) {
		if (curl_multi_perform(cp->multi, &running) != CURLM_OK) {
			stop_all(cp);
			side_err(cp->dst, cp, err);
			return tm_err_set(err, TM_CAT_IO, "curl multi failed");
		}
		collect(cp);
		if (cp->get_done && !get_ok(cp)) {
			stop_all(cp);
			if (!cp->put_started && http_answered(cp->get_cc, &cp->get))
				return GET_ANSWER;
			return get_failed(cp, err);
		}
		if (cp->get_done && !cp->verified && get_verify(cp, err) == -1) {
			stop_all(cp);
			return -1;
		}
		if (cp->put_done) {
			stop_all(cp);
			if (cp->put_cc != CURLE_OK || !cp->verified ||
			    cp->put.status < 200 || cp->put.status >= 300)
				return put_failed(cp, err);
			if (cp->put.digest[0] != '\0' &&
			    strcmp(cp->put.digest, cp->blob->digest) != 0) {
				side_err(cp->dst, cp, err);
				return tm_err_set(err, TM_CAT_DIGEST_MISMATCH,
				    "registry stored it as %s", cp->put.digest);
			}
			return 0;
		}
		if (!cp->put_started && cp->get.status >= 200 && cp->get.status < 300 &&
		    put_start(cp, err) == -1) {
			stop_all(cp);
			return -1;
		}
		/* Unpausing may call the callbacks at once: clear flags first. */
		if (cp->get_paused && cp->get_added && ring_free(cp) >= XFER_BUF) {
			cp->get_paused = 0;
			curl_easy_pause(cp->src->easy, CURLPAUSE_CONT);
		}
		if (cp->put_paused && cp->put_added && (put_avail(cp) > 0 || cp->verified)) {
			cp->put_paused = 0;
			curl_easy_pause(cp->dst->easy, CURLPAUSE_CONT);
		}
		curl_multi_poll(cp->multi, NULL, 0, POLL_MS, NULL);
	}
}

/* Back to a clean slate for another GET (after a redirect, a 401, a failure). */
static void
transfers_reset(struct copy *cp)
{
	/* Progress counts bytes once: take back what this GET reported. */
	if (cp->received > 0 && cp->src->progress != NULL)
		cp->src->progress(cp->src->progress_ud, -cp->received);
	cp->head = cp->used = 0;
	cp->received = cp->sent = 0;
	cp->get_done = cp->get_paused = cp->get_long = cp->verified = 0;
	cp->put_started = cp->put_done = cp->put_paused = 0;
	cp->get_cc = cp->put_cc = CURLE_OK;
	http_resp_free(&cp->put);
}

/* An attempt failed: tidy its upload session away. */
static void
session_cancel(struct copy *cp)
{
	if (cp->session != NULL) {
		reg_upload_cancel(cp->dst, cp->session, cp->dst_repo);
		free(cp->session);
		cp->session = NULL;
	}
}

/* Start the GET of the blob from url (authz for its origin, or NULL). */
static int
get_start(struct copy *cp, const char *url, const char *authz,
    struct curl_slist **hdrs, struct tm_err *err)
{
	struct http_req	rq = { .method = "GET", .object = cp->object };

	transfers_reset(cp);
	if (EVP_DigestInit_ex(cp->md, EVP_sha256(), NULL) != 1) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "SHA-256 failed");
	}
	if (http_prepare(cp->src, cp->src->easy, "GET", url, authz, &rq, &cp->get,
	    hdrs, err) == -1)
		return -1;
	big_buffers(cp->src->easy);
	curl_easy_setopt(cp->src->easy, CURLOPT_WRITEFUNCTION, get_write);
	curl_easy_setopt(cp->src->easy, CURLOPT_WRITEDATA, cp);
	if (curl_multi_add_handle(cp->multi, cp->src->easy) != CURLM_OK) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "cannot start the download");
	}
	cp->get_added = 1;
	return 0;
}

/* The blob's URL on the source and the source's origin.  0 or -1. */
static int
get_urls(struct copy *cp, char **url, char **base, struct tm_err *err)
{
	char	*path;

	if (asprintf(&path, "/v2/%s/blobs/%s", cp->src_repo, cp->blob->digest) == -1)
		path = NULL;
	*url = path != NULL ? http_url(cp->src->reg, path) : NULL;
	*base = http_url(cp->src->reg, "/");
	free(path);
	if (*url == NULL || *base == NULL) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	return 0;
}

/*
 * One attempt: an upload session on the destination, then the GET
 * (following redirects without Authorization when they leave the source,
 * one auth round on 401) streaming into the session's PUT.
 * 0, -1 (err filled; may be retried), -2 (err filled; final).
 */
static int
copy_attempt(struct copy *cp, const char *scope, struct tm_err *err)
{
	struct curl_slist	*hdrs = NULL;
	char			*url = NULL, *base = NULL, *authz = NULL;
	int			 hops = 0, authed = 0, rc = -1, own, next;

	if (get_urls(cp, &url, &base, err) == -1)
		goto out;
	/* Its request already had its own retries. */
	if ((cp->session = reg_upload_start(cp->dst, cp->dst_repo, cp->object, err)) == NULL) {
		rc = -2;
		goto out;
	}
	for (next = 1; next == 1;) {
		own = http_same_origin(url, base);
		if (http_auth_for(cp->src, scope, own, &authz, err) == -1) {
			rc = -2;
			break;
		}
		if (get_start(cp, url, authz, &hdrs, err) == -1)
			break;
		rc = drive(cp, err);
		http_headers_free(hdrs);
		hdrs = NULL;
		if (rc != GET_ANSWER)
			break;
		rc = -1;
		side_err(cp->src, cp, err);
		if ((next = http_follow(&cp->get, &url, &hops, err)) != 0)
			continue;
		if ((next = http_auth_retry(cp->src, scope, own, &cp->get, authz,
		    &authed, err)) == -1)
			rc = -2;
		else if (next == 0)
			http_status_err(&cp->get, err);
	}
out:
	http_headers_free(hdrs);
	http_secret_free(authz);
	free(url);
	free(base);
	return rc;
}

static int
copy_run(struct copy *cp, struct tm_err *err)
{
	struct reg_conn	*failed;
	char		*scope = reg_scope(cp->src_repo, "pull");
	int		 attempt, max = http_max_attempts(cp->src), rc = -1;
	double		 waited = 0, retry_after;

	if (http_max_attempts(cp->dst) > max)
		max = http_max_attempts(cp->dst);
	if (scope == NULL) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	for (attempt = 1;; attempt++) {
		cp->src->stalled = cp->dst->stalled = 0;
		if ((rc = copy_attempt(cp, scope, err)) == 0)
			break;
		retry_after = cp->put.retry_after >= 0 ? cp->put.retry_after :
		    cp->get.retry_after;
		session_cancel(cp);
		transfers_reset(cp);
		/* A final failure inside (the upload POST) counted its own. */
		err->attempts = rc == -2 && err->attempts > 0 ?
		    attempt - 1 + err->attempts : attempt;
		err->waited = waited;
		if (rc == -2 || cp->src->stalled || cp->dst->stalled ||
		    !http_retryable(err) || attempt >= max) {
			rc = -1;
			break;
		}
		/* The hook and the sleep belong to the side that failed. */
		failed = err->side == cp->dst->reg->opts.side &&
		    err->side != cp->src->reg->opts.side ? cp->dst : cp->src;
		if (http_backoff(failed, attempt, retry_after, err) == -1)
			break;
		waited = err->waited;
	}
	free(cp->session);
	cp->session = NULL;
	free(scope);
	return rc;
}

int
reg_blob_copy(struct reg_conn *src, const char *src_repo, struct reg_conn *dst,
    const char *dst_repo, const struct mf_desc *blob, struct tm_err *err)
{
	struct copy	 cp;
	char		 empty[TM_DIGEST_MAX + 1];
	int		 rc = -1;

	memset(&cp, 0, sizeof cp);
	cp.src = src;
	cp.dst = dst;
	cp.src_repo = src_repo;
	cp.dst_repo = dst_repo;
	cp.blob = blob;
	if (asprintf(&cp.object, "blob %s", blob->digest) == -1)
		cp.object = NULL;
	if (src == dst || !tm_digest_valid(blob->digest) || cp.object == NULL) {
		http_err_begin(src, cp.object != NULL ? cp.object : "blob", err);
		tm_err_set(err, TM_CAT_USAGE, src == dst ? "source and destination "
		    "need separate connections" : "invalid blob digest");
		free(cp.object);
		return -1;
	}
	/* Nothing to stream: the empty blob's digest is known. */
	if (blob->size == 0) {
		mf_digest("", 0, empty);
		if (strcmp(empty, blob->digest) != 0) {
			http_err_begin(src, cp.object, err);
			tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "a 0-byte blob cannot "
			    "have digest %s", blob->digest);
		} else
			rc = reg_blob_put(dst, dst_repo, "", 0, blob->digest, err);
		free(cp.object);
		return rc;
	}
	/* The source's scheme must be known before we build its blob URL. */
	if (atomic_load(&src->reg->scheme) == HTTP_SCHEME_UNKNOWN &&
	    reg_ping(src, err) == -1) {
		free(cp.object);
		return -1;
	}
	if (dst->multi == NULL && (dst->multi = curl_multi_init()) != NULL)
		/* One connection per transfer: pausing one must not stall the other. */
		curl_multi_setopt(dst->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
	cp.multi = dst->multi;
	cp.ring = malloc(RING_SIZE);
	cp.md = EVP_MD_CTX_new();
	if (cp.multi == NULL || cp.ring == NULL || cp.md == NULL) {
		http_err_begin(src, cp.object, err);
		tm_err_set(err, TM_CAT_IO, "out of memory");
	} else
		rc = copy_run(&cp, err);
	http_resp_free(&cp.get);
	http_resp_free(&cp.put);
	EVP_MD_CTX_free(cp.md);
	free(cp.ring);
	free(cp.object);
	return rc;
}
