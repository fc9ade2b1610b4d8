/*
 * The client's streamed blob copy (reg_blob_copy): the source's GET and
 * the destination's upload side by side in one curl multi, checked
 * against the digest before the last byte is committed, each side
 * resumed where it broke.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "registry.h"
#include "clock.h"
#include "httpparse.h"
#include "internal.h"
#include "manifest.h"
#include "request.h"
#include "upload.h"

/*
 * reg_blob_copy: the source GET and the destination upload run side by
 * side in one curl multi, in this thread, through a bounded ring.  The
 * GET's writer pauses when the ring is full and the upload's reader
 * pauses when it is empty; the loop unpauses each when the other side has
 * made room or data.  The upload never sends the blob's last byte until
 * every byte was hashed to the expected digest, so a corrupt or
 * truncated source can never commit at the destination.
 *
 * Either side may break mid-way and each resumes on its own.  A GET cut
 * at byte N goes on with "Range: bytes=N-", the SHA-256 state carried on,
 * while the upload waits, paused; a source that ignores Range sends the
 * whole blob again and the bytes we hold are skipped.  An upload cut
 * mid-way (blobs of RESUME_MIN and more go up as a PATCH and a closing
 * PUT) asks the registry how much it holds, D, and goes on from there
 * with a PATCH.  Their ring also keeps the last KEEP_SENT bytes already
 * sent (what was in flight when the link broke; KEEP_MAX copies at once),
 * so D is usually still in it and the GET runs on untouched; else the GET
 * resumes at D, and bytes [D, hashed) of it are not hashed again (the
 * hash cannot be rewound): the registry's own digest check at the
 * closing PUT covers them.  A registry that cannot say (distribution 2.x drops a session
 * whose size moved past its signed state) starts over: a new session,
 * the GET from byte 0, the hash from scratch.
 */

#define RING_SIZE	(2 * 1024 * 1024)	/* fetched, not yet sent */
/*
 * Sent and kept for a resumed upload: what curl's and the kernel's buffers
 * usually hold in flight (our send buffer, up to 4 MiB on Linux, and the
 * peer's receive buffer); more in flight costs a GET from the offset.
 */
#define KEEP_SENT	(14 * 1024 * 1024)
/*
 * Copies in the whole process that keep sent bytes at once: with dozens
 * of large blobs in flight (the adaptive window) 16 MiB each would be
 * unbounded in all but name.  The others resume a cut upload from a GET
 * at the registry's offset instead.
 */
#define KEEP_MAX	2
static atomic_int	keeping;
/*
 * curl's receive and send buffers during a copy, and the ring space the
 * GET waits for before it resumes: 16 KiB pieces cost a pause, a wake-up
 * and a syscall each and kept large blobs well below the wire's speed.
 */
#define XFER_BUF	(512 * 1024)
#define POLL_MS		100
/*
 * Smaller blobs go up in one PUT (a round trip less) and start over when
 * the upload is cut: that costs at most this much again.
 */
#define RESUME_MIN	(8 * 1024 * 1024)

enum { GET_ANSWER = 1 };	/* drive(): the GET answered non-2xx */

/* Why the GET's writer stopped it. */
enum get_fault {
	FAULT_NONE,
	FAULT_LONG,		/* more than the blob */
	FAULT_ANNOUNCED,	/* a Content-Length that cannot be the blob */
	FAULT_RANGE,		/* a 206 for other bytes than we asked */
	FAULT_DIGEST,		/* every byte arrived and hashed wrong */
	FAULT_HASH		/* SHA-256 failed */
};

struct copy {
	struct reg_conn		*src;
	struct reg_conn		*dst;
	const char		*src_repo;
	const char		*dst_repo;
	const struct mf_desc	*blob;
	char			*object;	/* "blob sha256:..." */
	CURLM			*multi;
	int			 chunked;	/* PATCH + PUT: resumable */
	int			 keeps;		/* holds one of KEEP_MAX */

	/*
	 * Blob offsets: the ring holds [lo, tail), byte o at ring[o % cap],
	 * of which [sent, tail) is still to send; md covers [0, hashed).
	 */
	char			*ring;
	size_t			 cap;
	int64_t			 lo;
	int64_t			 sent;
	int64_t			 tail;
	int64_t			 hashed;
	EVP_MD_CTX		*md;
	int			 verified;	/* all hashed and the digest matched */
	char			 got[TM_DIGEST_MAX + 1];	/* what it hashed to */

	struct http_resp	 get;
	int64_t			 get_from;	/* the Range asked for */
	int64_t			 pos;		/* blob offset of its next byte */
	int			 get_added, get_done, get_paused, get_begun;
	enum get_fault		 fault;
	CURLcode		 get_cc;
	double			 get_t0;	/* tm_now() when it was added */

	char			*session;	/* upload session URL */
	struct http_resp	 put;
	struct curl_slist	*put_hdrs;
	int			 put_started, put_added, put_done, put_paused;
	CURLcode		 put_cc;
	const char		*put_method;	/* PUT, or PATCH when chunked */
	double			 put_t0;
	int			 dst_failed;	/* the last failure was the upload's */
};

/*
 * Ring buffer.
 */

/* Room for the GET: RING_SIZE unsent bytes at most (more after a rewind). */
static size_t
ring_free(const struct copy *cp)
{
	int64_t	unsent = cp->tail - cp->sent;

	return unsent >= RING_SIZE ? 0 : (size_t)(RING_SIZE - unsent);
}

static void
ring_put(struct copy *cp, const char *p, size_t len)
{
	size_t	at = (size_t)(cp->tail % (int64_t)cp->cap), first;

	first = cp->cap - at < len ? cp->cap - at : len;
	memcpy(cp->ring + at, p, first);
	memcpy(cp->ring, p + first, len - first);
	if (cp->tail + (int64_t)len - (int64_t)cp->cap > cp->lo)
		cp->lo = cp->tail + (int64_t)len - (int64_t)cp->cap;
}

static void
ring_get(struct copy *cp, char *p, size_t len)
{
	size_t	at = (size_t)(cp->sent % (int64_t)cp->cap), first;

	first = cp->cap - at < len ? cp->cap - at : len;
	memcpy(p, cp->ring + at, first);
	memcpy(p + first, cp->ring, len - first);
	cp->sent += (int64_t)len;
}

/* Forget the ring: the next byte to fetch and to send is at. */
static void
ring_reset(struct copy *cp, int64_t at)
{
	cp->lo = cp->sent = cp->tail = at;
}

/* What the upload may send now: all but the last byte until verified. */
static size_t
put_avail(const struct copy *cp)
{
	size_t	avail = (size_t)(cp->tail - cp->sent);

	if (!cp->verified && cp->blob->size > 0 &&
	    cp->sent + (int64_t)avail > cp->blob->size - 1)
		avail = (size_t)(cp->blob->size - 1 - cp->sent);
	return avail;
}

/*
 * Hashing.
 */

static int
hash_restart(struct copy *cp)
{
	cp->hashed = 0;
	cp->verified = 0;
	return EVP_DigestInit_ex(cp->md, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

/* All bytes hashed: do they make the digest?  0, or -1 with cp->fault. */
static int
hash_check(struct copy *cp)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;
	static const char hex[] = "0123456789abcdef";

	if (EVP_DigestFinal_ex(cp->md, md, &mdlen) != 1 || mdlen != 32) {
		cp->fault = FAULT_HASH;
		return -1;
	}
	memcpy(cp->got, "sha256:", 7);
	for (i = 0; i < mdlen; i++) {
		cp->got[7 + 2 * i] = hex[md[i] >> 4];
		cp->got[8 + 2 * i] = hex[md[i] & 15];
	}
	cp->got[TM_DIGEST_MAX] = '\0';
	if (strcmp(cp->got, cp->blob->digest) != 0) {
		cp->fault = FAULT_DIGEST;
		return -1;
	}
	cp->verified = 1;
	return 0;
}

/* len bytes at blob offset tail into the ring; those past hashed hashed. */
static int
ring_take(struct copy *cp, const char *p, size_t len)
{
	int64_t	end = cp->tail + (int64_t)len;
	size_t	skip;

	ring_put(cp, p, len);
	if (end > cp->hashed) {
		skip = cp->hashed > cp->tail ? (size_t)(cp->hashed - cp->tail) : 0;
		if (EVP_DigestUpdate(cp->md, p + skip, len - skip) != 1) {
			cp->fault = FAULT_HASH;
			return -1;
		}
		/* Progress counts each byte once, however often it came. */
		if (cp->src->progress != NULL)
			cp->src->progress(cp->src->progress_ud, (int64_t)(len - skip));
		cp->hashed = end;
	}
	cp->tail = cp->pos = end;
	if (cp->hashed == cp->blob->size && !cp->verified)
		return hash_check(cp);
	return 0;
}

/*
 * Callbacks.
 */

/* The GET's first body byte: where in the blob is it?  0, or -1 with fault. */
static int
get_begin(struct copy *cp)
{
	const struct http_resp	*r = &cp->get;
	int64_t			 size = cp->blob->size;

	cp->get_begun = 1;
	cp->pos = 0;		/* a 200: Range ignored, the whole blob again */
	if (r->status == 206) {
		if (r->range_bad || r->range_first != cp->get_from ||
		    r->range_last != size - 1 ||
		    (r->range_total != -1 && r->range_total != size)) {
			cp->fault = FAULT_RANGE;
			return -1;
		}
		cp->pos = r->range_first;
	}
	if (r->content_length >= 0 && r->content_length != size - cp->pos) {
		cp->fault = FAULT_ANNOUNCED;
		return -1;
	}
	return 0;
}

static size_t
get_write(char *p, size_t size, size_t nitems, void *ud)
{
	struct copy	*cp = ud;
	size_t		 len = size * nitems, skip = 0;

	if (cp->get.status < 200 || cp->get.status >= 300)
		return http_body_write(p, size, nitems, &cp->get);
	if (!cp->get_begun && get_begin(cp) == -1)
		return CURL_WRITEFUNC_ERROR;
	if (cp->pos + (int64_t)len > cp->blob->size) {
		cp->fault = FAULT_LONG;
		return CURL_WRITEFUNC_ERROR;
	}
	/* Bytes before tail are ours already (a restart from byte 0). */
	if (cp->pos < cp->tail)
		skip = cp->tail - cp->pos < (int64_t)len ? (size_t)(cp->tail - cp->pos) : len;
	/* A pause hands the same bytes again later: decide before taking any. */
	if (ring_free(cp) < len - skip) {
		cp->get_paused = 1;
		return CURL_WRITEFUNC_PAUSE;
	}
	cp->pos += (int64_t)skip;
	if (len > skip && ring_take(cp, p + skip, len - skip) == -1)
		return CURL_WRITEFUNC_ERROR;
	return len;
}

static size_t
put_read(char *p, size_t size, size_t nitems, void *ud)
{
	struct copy	*cp = ud;
	size_t		 want = size * nitems, avail = put_avail(cp);

	if (avail == 0) {
		if (cp->sent == cp->blob->size)
			return 0;	/* all of it */
		cp->put_paused = 1;
		return CURL_READFUNC_PAUSE;
	}
	if (want > avail)
		want = avail;
	ring_get(cp, p, want);
	return want;
}

/*
 * The two transfers.
 */

/*
 * A transfer leaves the multi: its exchange is over (done, failed or cut
 * short), so it is traced and counted here, once, as http_do's are.
 */
static void
transfer_stop(struct copy *cp, struct reg_conn *c, const char *method,
    const struct http_resp *r, CURLcode cc, double t0, int *added)
{
	if (*added) {
		/* Removing a running transfer closes its connection. */
		curl_multi_remove_handle(cp->multi, c->easy);
		*added = 0;
		http_exchange_done(c, method, r->url, cc, r, tm_now() - t0, 1);
	}
}

static void
get_stop(struct copy *cp)
{
	transfer_stop(cp, cp->src, "GET", &cp->get, cp->get_cc, cp->get_t0,
	    &cp->get_added);
}

static void
put_stop(struct copy *cp)
{
	transfer_stop(cp, cp->dst, cp->put_method, &cp->put, cp->put_cc,
	    cp->put_t0, &cp->put_added);
	http_headers_free(cp->put_hdrs);
	cp->put_hdrs = NULL;
}

static void
stop_all(struct copy *cp)
{
	get_stop(cp);
	put_stop(cp);
}

static int
side_err(struct reg_conn *c, struct copy *cp, struct tm_err *err)
{
	http_err_begin(c, cp->object, err);
	cp->dst_failed = c == cp->dst;
	return -1;
}

/* Large buffers for one transfer (http_prepare resets them for the next). */
static void
big_buffers(CURL *e)
{
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, (long)XFER_BUF);
	curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, (long)XFER_BUF);
}

/* One more header line for the exchange prepared on e.  0 or -1. */
static int
header_more(CURL *e, struct curl_slist **hdrs, const char *line)
{
	struct curl_slist	*n;

	if ((n = curl_slist_append(*hdrs, line)) == NULL)
		return -1;
	*hdrs = n;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, n);
	return 0;
}

/*
 * Start the upload of [sent, size): one PUT that completes the session,
 * or (chunked) a PATCH that a PUT closes once it is through.
 */
static int
put_start(struct copy *cp, struct tm_err *err)
{
	struct http_req	 rq = { .method = cp->chunked ? "PATCH" : "PUT", .stream = 1,
			    .content_type = "application/octet-stream" };
	char		*url = NULL, *authz = NULL, *scope, *base, range[64];
	int64_t		 left = cp->blob->size - cp->sent;
	int		 rc = -1, own;

	cp->put_started = 1;
	cp->dst_failed = 1;
	cp->put_method = rq.method;
	cp->put_cc = CURLE_OK;
	snprintf(range, sizeof range, "Content-Range: %lld-%lld", (long long)cp->sent,
	    (long long)cp->blob->size - 1);
	scope = reg_scope(cp->dst_repo, "pull,push");
	base = http_url(cp->dst->reg, "/");
	url = cp->chunked ? strdup(cp->session) :
	    reg_upload_put_url(cp->session, cp->blob->digest);
	if (scope == NULL || base == NULL || url == NULL) {
		side_err(cp->dst, cp, err);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto out;
	}
	own = http_same_origin(url, base);
	if (http_auth_for(cp->dst, scope, own, &authz, err) == -1)
		goto out;
	if (http_prepare(cp->dst, cp->dst->easy, rq.method, url, authz, &rq, &cp->put,
	    &cp->put_hdrs, err) == -1 || (cp->chunked && header_more(cp->dst->easy,
	    &cp->put_hdrs, range) == -1)) {
		side_err(cp->dst, cp, err);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto out;
	}
	big_buffers(cp->dst->easy);
	curl_easy_setopt(cp->dst->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(cp->dst->easy, CURLOPT_READFUNCTION, put_read);
	curl_easy_setopt(cp->dst->easy, CURLOPT_READDATA, cp);
	curl_easy_setopt(cp->dst->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)left);
	if (curl_multi_add_handle(cp->multi, cp->dst->easy) != CURLM_OK) {
		side_err(cp->dst, cp, err);
		tm_err_set(err, TM_CAT_IO, "cannot start the upload");
		goto out;
	}
	cp->put_added = 1;
	cp->put_t0 = tm_now();
	rc = 0;
out:
	http_secret_free(authz);
	free(scope);
	free(base);
	free(url);
	return rc;
}

/* Failures of a finished transfer, named after its side. */
static int
get_failed(struct copy *cp, struct tm_err *err)
{
	const struct http_resp	*r = &cp->get;

	side_err(cp->src, cp, err);
	switch (cp->fault) {
	case FAULT_ANNOUNCED:
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source announces "
		    "%lld bytes, expected %lld", (long long)r->content_length,
		    (long long)(cp->blob->size - cp->pos));
	case FAULT_LONG:
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source sent more "
		    "than the blob's %lld bytes", (long long)cp->blob->size);
	case FAULT_RANGE:
		err->http = r->status;
		return tm_err_set(err, TM_CAT_PROTOCOL, "source answered Range "
		    "bytes=%lld- with Content-Range bytes %lld-%lld/%lld",
		    (long long)cp->get_from, (long long)r->range_first,
		    (long long)r->range_last, (long long)r->range_total);
	case FAULT_DIGEST:
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source bytes hash to "
		    "%s, expected %s", cp->got, cp->blob->digest);
	case FAULT_HASH:
		return tm_err_set(err, TM_CAT_IO, "SHA-256 failed");
	case FAULT_NONE:
		break;
	}
	if (cp->get_cc == CURLE_OK)
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "source sent %lld "
		    "bytes, expected %lld", (long long)cp->tail, (long long)cp->blob->size);
	return http_curl_err(cp->src, cp->get_cc, r, err);
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
			get_stop(cp);
		} else if (msg->easy_handle == cp->dst->easy) {
			cp->put_done = 1;
			cp->put_cc = msg->data.result;
			put_stop(cp);
		}
	}
}

static int
status_2xx(const struct http_resp *r)
{
	return r->status >= 200 && r->status < 300;
}

/*
 * The GET ended: 0 with every byte in (go on), GET_ANSWER when it
 * answered non-2xx, -1 with err filled.  The upload is left as it is: a
 * source failure may be resumed under it.
 */
static int
get_end(struct copy *cp, struct tm_err *err)
{
	cp->get_done = 0;
	if (cp->get_cc == CURLE_OK && status_2xx(&cp->get) && cp->tail == cp->blob->size)
		return 0;
	if (cp->fault == FAULT_NONE && !status_2xx(&cp->get) &&
	    http_answered(cp->get_cc, &cp->get))
		return GET_ANSWER;
	return get_failed(cp, err);
}

/*
 * The upload request ended: 0 the blob is at the destination, or -1 (the
 * GET runs on: the upload may resume from the ring).
 */
static int
put_end(struct copy *cp, struct tm_err *err)
{
	char	*next;

	if (cp->put_cc != CURLE_OK || !cp->verified || !status_2xx(&cp->put))
		return put_failed(cp, err);
	if (cp->chunked) {
		if ((next = reg_upload_next(&cp->put, cp->session)) == NULL) {
			side_err(cp->dst, cp, err);
			return tm_err_set(err, TM_CAT_IO, "out of memory");
		}
		free(cp->session);
		cp->session = next;
		if (reg_upload_finish(cp->dst, cp->session, cp->dst_repo,
		    cp->blob->digest, cp->object, err) == -1) {
			cp->dst_failed = 1;
			return -1;
		}
		return 0;
	}
	if (cp->put.digest[0] != '\0' && strcmp(cp->put.digest, cp->blob->digest) != 0) {
		side_err(cp->dst, cp, err);
		return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "registry stored it as %s",
		    cp->put.digest);
	}
	return 0;
}

/*
 * Run the GET (already added) and the upload, started once the GET
 * answers 2xx unless it runs on from before.  0 the blob is at the
 * destination; GET_ANSWER the GET answered something else (redirect, 401,
 * error: see cp->get); -1 err filled (cp->dst_failed says whose).
 */
static int
drive(struct copy *cp, struct tm_err *err)
{
	CURLcode	cc;
	int		running, rc;

	for (;;) {
		if (curl_multi_perform(cp->multi, &running) != CURLM_OK) {
			stop_all(cp);
			side_err(cp->dst, cp, err);
			return tm_err_set(err, TM_CAT_IO, "curl multi failed");
		}
		collect(cp);
		if (cp->get_done && (rc = get_end(cp, err)) != 0)
			return rc;
		if (cp->put_done) {
			cp->put_done = 0;
			return put_end(cp, err);
		}
		if (!cp->put_started && status_2xx(&cp->get) && put_start(cp, err) == -1) {
			stop_all(cp);
			return -1;
		}
		/*
		 * Unpausing may call the callbacks at once: clear flags first.
		 * A writer failing in there (the last byte hashed wrong) ends
		 * the GET, which curl would otherwise leave hanging.
		 */
		if (cp->get_paused && cp->get_added && ring_free(cp) >= XFER_BUF) {
			cp->get_paused = 0;
			if ((cc = curl_easy_pause(cp->src->easy, CURLPAUSE_CONT)) != CURLE_OK) {
				cp->get_done = 1;
				cp->get_cc = cc;
				get_stop(cp);
			}
		}
		if (cp->put_paused && cp->put_added &&
		    (put_avail(cp) > 0 || cp->sent == cp->blob->size)) {
			cp->put_paused = 0;
			curl_easy_pause(cp->dst->easy, CURLPAUSE_CONT);
		}
		curl_multi_poll(cp->multi, NULL, 0, POLL_MS, NULL);
	}
}

/* An attempt failed for good: tidy its upload session away. */
static void
session_cancel(struct copy *cp)
{
	if (cp->session != NULL) {
		reg_upload_cancel(cp->dst, cp->session, cp->dst_repo);
		free(cp->session);
		cp->session = NULL;
	}
}

/*
 * After the upload broke: go on from what the registry holds (from the
 * ring when it still has those bytes, the GET running on; else the GET
 * again from there), or start the whole copy over (a new session, the
 * hash from scratch).  0, or -1 with err filled.
 */
static int
dst_resume(struct copy *cp, struct tm_err *err)
{
	struct tm_err	 e;
	char		*next = NULL;
	int64_t		 held = -1;

	cp->put_started = cp->put_paused = 0;
	http_resp_free(&cp->put);
	if (cp->chunked && cp->session != NULL)
		held = reg_upload_status(cp->dst, cp->session, cp->dst_repo,
		    cp->object, &next, &e);
	/* Never more than we sent: a registry claiming so is not believed. */
	if (held > 0 && held <= cp->sent) {
		free(cp->session);
		cp->session = next;
		if (held >= cp->lo)
			cp->sent = held;
		else {
			get_stop(cp);
			ring_reset(cp, held);
		}
		return 0;
	}
	free(next);
	get_stop(cp);
	session_cancel(cp);
	if (cp->hashed > 0 && cp->src->progress != NULL)
		cp->src->progress(cp->src->progress_ud, -cp->hashed);
	ring_reset(cp, 0);
	if (hash_restart(cp) == -1) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "SHA-256 failed");
	}
	return 0;
}

/* Start the GET of the blob's bytes from tail on (authz for url's origin, or NULL). */
static int
get_start(struct copy *cp, const char *url, const char *authz,
    struct curl_slist **hdrs, struct tm_err *err)
{
	struct http_req	rq = { .method = "GET", .object = cp->object };
	char		range[64];

	cp->dst_failed = 0;
	cp->get_done = cp->get_paused = cp->get_begun = 0;
	cp->get_cc = CURLE_OK;
	cp->get_from = cp->pos = cp->tail;
	if (http_prepare(cp->src, cp->src->easy, "GET", url, authz, &rq, &cp->get,
	    hdrs, err) == -1)
		return -1;
	snprintf(range, sizeof range, "Range: bytes=%lld-", (long long)cp->tail);
	if (cp->tail > 0 && header_more(cp->src->easy, hdrs, range) == -1) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	big_buffers(cp->src->easy);
	curl_easy_setopt(cp->src->easy, CURLOPT_WRITEFUNCTION, get_write);
	curl_easy_setopt(cp->src->easy, CURLOPT_WRITEDATA, cp);
	if (curl_multi_add_handle(cp->multi, cp->src->easy) != CURLM_OK) {
		side_err(cp->src, cp, err);
		return tm_err_set(err, TM_CAT_IO, "cannot start the download");
	}
	cp->get_added = 1;
	cp->get_t0 = tm_now();
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
 * The GET (following redirects without Authorization when they leave the
 * source, one auth round on 401) streaming into the upload.
 * 0, -1 (err filled; may be retried), -2 (err filled; final).
 */
static int
copy_stream(struct copy *cp, const char *scope, struct tm_err *err)
{
	struct curl_slist	*hdrs = NULL;
	char			*url = NULL, *base = NULL, *authz = NULL;
	int			 hops = 0, authed = 0, rc = -1, own, next;

	if (get_urls(cp, &url, &base, err) == -1)
		goto out;
	for (next = 1; next == 1;) {
		own = http_same_origin(url, base);
		if (http_auth_for(cp->src, scope, own, &authz, err) == -1) {
			cp->dst_failed = 0;
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

/*
 * One attempt: an upload session on the destination unless one goes on,
 * then the stream, or only the closing PUT when the registry holds every
 * byte.  0, -1 (err filled; may be retried), -2 (err filled; final).
 */
static int
copy_attempt(struct copy *cp, const char *scope, struct tm_err *err)
{
	/* Its request already had its own retries. */
	if (cp->session == NULL && (cp->session = reg_upload_start(cp->dst,
	    cp->dst_repo, cp->object, err)) == NULL) {
		cp->dst_failed = 1;
		return -2;
	}
	if (cp->sent == cp->blob->size && cp->verified) {
		cp->dst_failed = 1;
		return reg_upload_finish(cp->dst, cp->session, cp->dst_repo,
		    cp->blob->digest, cp->object, err);
	}
	/* A GET still running (answered 2xx) cannot answer otherwise. */
	if (cp->get_added || cp->tail == cp->blob->size)
		return drive(cp, err);
	return copy_stream(cp, scope, err);
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
		cp->fault = FAULT_NONE;
		if ((rc = copy_attempt(cp, scope, err)) == 0)
			break;
		failed = cp->dst_failed ? cp->dst : cp->src;
		retry_after = cp->dst_failed ? cp->put.retry_after : cp->get.retry_after;
		/* A final failure inside (the upload POST) counted its own. */
		err->attempts = rc == -2 && err->attempts > 0 ?
		    attempt - 1 + err->attempts : attempt;
		err->waited = waited;
		if (rc == -2 || cp->src->stalled || cp->dst->stalled ||
		    !http_retryable(err) || attempt >= max ||
		    http_backoff(failed, attempt, retry_after, err) == -1) {
			rc = -1;
			break;
		}
		waited = err->waited;
		/* A broken GET resumes under the waiting upload; a broken upload asks. */
		if (cp->dst_failed && dst_resume(cp, err) == -1)
			break;
	}
	stop_all(cp);
	if (rc != 0)
		session_cancel(cp);
	free(cp->session);
	cp->session = NULL;
	free(scope);
	return rc;
}

/* The ring, with room to keep sent bytes while KEEP_MAX allows. */
static void
ring_alloc(struct copy *cp)
{
	cp->keeps = cp->chunked && atomic_fetch_add(&keeping, 1) < KEEP_MAX;
	if (cp->chunked && !cp->keeps)
		atomic_fetch_sub(&keeping, 1);
	cp->cap = cp->keeps ? RING_SIZE + KEEP_SENT : RING_SIZE;
	cp->ring = malloc(cp->cap);
}

static void
ring_release(struct copy *cp)
{
	if (cp->keeps)
		atomic_fetch_sub(&keeping, 1);
	free(cp->ring);
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
	cp.chunked = blob->size >= RESUME_MIN;
	ring_alloc(&cp);
	cp.md = EVP_MD_CTX_new();
	if (cp.multi == NULL || cp.ring == NULL || cp.md == NULL ||
	    hash_restart(&cp) == -1) {
		http_err_begin(src, cp.object, err);
		tm_err_set(err, TM_CAT_IO, "out of memory");
	} else
		rc = copy_run(&cp, err);
	http_resp_free(&cp.get);
	http_resp_free(&cp.put);
	EVP_MD_CTX_free(cp.md);
	ring_release(&cp);
	free(cp.object);
	return rc;
}
