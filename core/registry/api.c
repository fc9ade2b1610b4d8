/*
 * The registry API calls (distribution v2): ping, tag listing, manifests
 * and blobs, each one request shape over http_do (declared in
 * registry.h, whose objects live in conn.c; the streamed blob copy is
 * blob.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "registry.h"
#include "httpparse.h"
#include "internal.h"
#include "manifest.h"
#include "nameset.h"
#include "request.h"
#include "tagsjson.h"
#include "upload.h"

#define TAGS_PAGE	1000
#define TAGS_MAX_PAGES	10000
#define TAGS_MAX_NAMES	1000000

/*
 * Names in URLs.  Repositories and references come from people and from
 * registries; only characters that cannot change the URL's shape pass.
 */

static int
repo_ok(const char *repo)
{
	size_t	len = strlen(repo);

	return len > 0 && len < 256 && repo[0] != '/' && strstr(repo, "..") == NULL &&
	    strspn(repo, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-/") == len;
}

/* A tag, or a digest "algorithm:encoded" of any algorithm. */
static int
ref_ok(const char *ref)
{
	const char	*colon = strchr(ref, ':');
	size_t		 alen;

	if (tm_tag_valid(ref))
		return 1;
	if (colon == NULL || strlen(ref) > 256)
		return 0;
	alen = (size_t)(colon - ref);
	return alen > 0 && strspn(ref, "abcdefghijklmnopqrstuvwxyz0123456789+._-") == alen &&
	    colon[1] != '\0' && strspn(colon + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=_-") == strlen(colon + 1);
}

static int
usage_err(struct reg_conn *c, const char *object, const char *what,
    const char *value, struct tm_err *err)
{
	http_err_begin(c, object, err);
	return tm_err_set(err, TM_CAT_USAGE, "invalid %s: %s", what, value);
}


/* Reads on a destination ask for push too: one token serves both. */
static char *
read_scope(const struct reg_conn *c, const char *repo)
{
	return reg_scope(repo, http_side(c) == TM_SIDE_DEST ? "pull,push" : "pull");
}

/*
 * Ping and tags.
 */

int
reg_ping(struct reg_conn *c, struct tm_err *err)
{
	struct http_req		rq = { .method = "GET", .url = "/v2/", .object = "ping" };
	struct http_resp	r;
	int			rc;

	rc = http_do(c, &rq, &r, err);
	http_resp_free(&r);
	return rc;
}

int
reg_push_check(struct reg_conn *c, const char *repo, struct tm_err *err)
{
	char	*loc;

	if (!repo_ok(repo))
		return usage_err(c, "blob upload", "repository", repo, err);
	if ((loc = reg_upload_start(c, repo, "blob upload", err)) == NULL)
		return -1;
	reg_upload_cancel(c, loc, repo);
	free(loc);
	return 0;
}

/*
 * Paged name lists: tags/list and _catalog share the pagination (Link
 * header, loops, limits) and differ in the page parser and the words.
 * A parser returns what tags_json_parse returns: names pointing into
 * the body, 0, -1 (not such a page) or -2 (out of memory).
 */
typedef int	 page_parse_fn(char *body, size_t len, const char ***names,
		    size_t *nnames, size_t *count);

struct page_kind {
	const char	*object;	/* "tags/list": errors' object */
	const char	*noun;		/* "tags": "tags page ..." */
	const char	*list;		/* the JSON key: "tags" */
	const char	*names;		/* "tag names" */
	page_parse_fn	*parse;
};

/*
 * One page: valid names not seen before to cb, the invalid ones counted.
 * 1 stop, 0 go on, -1.
 */
static int
list_page(struct reg_conn *c, const struct page_kind *k, struct http_resp *r,
    struct nameset *seen, reg_tags_fn *cb, void *ud, size_t *rejected,
    size_t *total, struct tm_err *err)
{
	const char	**names;
	char		  none[1] = "";
	size_t		  n, count, i, j;
	int		  rc = 0, added;

	switch (k->parse(r->body != NULL ? r->body : none, r->len, &names, &n,
	    &count)) {
	case -2:
		return http_oom(c, k->object, err);
	case -1:
		http_err_begin(c, k->object, err);
		err->http = r->status;
		return tm_err_set(err, TM_CAT_PROTOCOL, "%s page is not a JSON "
		    "object with a %s list", k->noun, k->list);
	}
	if (rejected != NULL)
		*rejected += count - n;
	*total += count;
	for (i = j = 0; i < n && *total <= TAGS_MAX_NAMES; i++) {
		if ((added = nameset_add(seen, names[i])) == -1) {
			free(names);
			return http_oom(c, k->object, err);
		}
		if (added)
			names[j++] = names[i];
	}
	n = j;
	if (*total > TAGS_MAX_NAMES) {
		http_err_begin(c, k->object, err);
		rc = tm_err_set(err, TM_CAT_PROTOCOL, "more than %d %s",
		    TAGS_MAX_NAMES, k->names);
	} else if (n > 0 && cb(ud, names, n) != 0)
		rc = 1;
	free(names);
	return rc;
}

/*
 * Point *url at the page after r.  1 there is one, 0 r was the last,
 * -1 with err filled (a bad link, too many pages, a loop).
 */
static int
list_next(struct reg_conn *c, const struct page_kind *k,
    const struct http_resp *r, struct nameset *seen_pages, size_t *pages,
    char **url, struct tm_err *err)
{
	char	*next;
	int	 added;

	if (r->link == NULL || (next = http_link_next(r->link)) == NULL)
		return 0;
	free(*url);
	*url = http_resolve(r->url, next);
	free(next);
	if (*url == NULL || *pages == TAGS_MAX_PAGES)
		http_err_begin(c, k->object, err);
	if (*url == NULL)
		return tm_err_set(err, TM_CAT_PROTOCOL, "%s page links to an "
		    "invalid or non-HTTP next page", k->noun);
	/* A registry that sends us on forever. */
	if (*pages == TAGS_MAX_PAGES)
		return tm_err_set(err, TM_CAT_PROTOCOL, "more than %d %s pages",
		    TAGS_MAX_PAGES, k->noun);
	/* A registry that sends us in circles: a page asked for twice. */
	if (nameset_add(seen_pages, r->url) == -1 ||
	    (added = nameset_add(seen_pages, *url)) == -1)
		return http_oom(c, k->object, err);
	++*pages;
	if (added == 0) {
		http_err_begin(c, k->object, err);
		return tm_err_set(err, TM_CAT_PROTOCOL, "%s pages link in a loop",
		    k->noun);
	}
	return 1;
}

/* Every page from url on, each to list_page.  0 or -1. */
static int
list_pages(struct reg_conn *c, const struct page_kind *k, struct http_req *rq,
    char **url, reg_tags_fn *cb, void *ud, size_t *rejected,
    struct tm_err *err)
{
	struct http_resp	 r;
	struct nameset		*seen_names, *seen_pages = NULL;
	size_t			 pages = 0, total = 0;
	int			 rc = -1;

	memset(&r, 0, sizeof r);
	if (rejected != NULL)
		*rejected = 0;
	if ((seen_names = nameset_new()) == NULL ||
	    (seen_pages = nameset_new()) == NULL) {
		nameset_free(seen_names);
		return http_oom(c, k->object, err);
	}
	do {
		http_resp_free(&r);
		rq->url = *url;
		if (http_do(c, rq, &r, err) == -1) {
			rc = -1;
			break;
		}
		if ((rc = list_page(c, k, &r, seen_names, cb, ud, rejected,
		    &total, err)) != 0) {
			rc = rc == 1 ? 0 : -1;
			break;
		}
	} while ((rc = list_next(c, k, &r, seen_pages, &pages, url, err)) == 1);
	http_resp_free(&r);
	nameset_free(seen_names);
	nameset_free(seen_pages);
	return rc;
}

/* GET url (malloc'd, freed here) page by page as kind k, with scope. */
static int
list_all(struct reg_conn *c, const struct page_kind *k, char *url,
    char *scope, reg_tags_fn *cb, void *ud, size_t *rejected,
    struct tm_err *err)
{
	struct http_req	rq = { .method = "GET", .object = k->object,
			    .accept = "application/json", .max_body = HTTP_JSON_MAX };
	int		rc = -1;

	if (url == NULL || scope == NULL)
		http_oom(c, k->object, err);
	else {
		rq.scope = scope;
		rc = list_pages(c, k, &rq, &url, cb, ud, rejected, err);
	}
	free(scope);
	free(url);
	return rc;
}

int
reg_list_tags(struct reg_conn *c, const char *repo, reg_tags_fn *cb, void *ud,
    size_t *rejected, struct tm_err *err)
{
	static const struct page_kind	tags = { "tags/list", "tags", "tags",
					    "tag names", tags_json_parse };
	char				*url;

	if (!repo_ok(repo))
		return usage_err(c, "tags/list", "repository", repo, err);
	if (asprintf(&url, "/v2/%s/tags/list?n=%d", repo, TAGS_PAGE) == -1)
		url = NULL;
	return list_all(c, &tags, url, read_scope(c, repo), cb, ud, rejected,
	    err);
}

/*
 * A _catalog page, {"repositories": [...]}: small (n names a page), so
 * through cJSON.  The valid names are copied back into body one after
 * another: each took at least its length plus two quotes there, so they
 * fit, and the tree holds its own copies meanwhile.
 */
static int
catalog_json_parse(char *body, size_t len, const char ***names,
    size_t *nnames, size_t *count)
{
	cJSON		*root, *list, *e;
	char		*w = body;
	size_t		 i = 0, l;
	int		 rc = -1;

	*names = NULL;
	*nnames = *count = 0;
	if ((root = cJSON_ParseWithLength(body, len)) == NULL)
		return -1;
	list = cJSON_GetObjectItemCaseSensitive(root, "repositories");
	if (!cJSON_IsObject(root) || (list != NULL && !cJSON_IsArray(list) &&
	    !cJSON_IsNull(list)))
		goto out;
	rc = 0;
	*count = (size_t)cJSON_GetArraySize(list);
	if (*count > 0 && (*names = calloc(*count, sizeof **names)) == NULL) {
		rc = -2;
		goto out;
	}
	cJSON_ArrayForEach(e, list) {
		if (!cJSON_IsString(e) || !repo_ok(e->valuestring))
			continue;
		l = strlen(e->valuestring) + 1;
		memcpy(w, e->valuestring, l);
		(*names)[i++] = w;
		w += l;
	}
	*nnames = i;
out:
	cJSON_Delete(root);
	return rc;
}

int
reg_list_catalog(struct reg_conn *c, reg_tags_fn *cb, void *ud,
    size_t *rejected, struct tm_err *err)
{
	static const struct page_kind	catalog = { "_catalog", "catalog",
					    "repositories", "repository names",
					    catalog_json_parse };
	char				*url;

	if (asprintf(&url, "/v2/_catalog?n=%d", TAGS_PAGE) == -1)
		url = NULL;
	return list_all(c, &catalog, url, strdup("registry:catalog:*"), cb, ud,
	    rejected, err);
}

/*
 * Manifests.
 */

void
reg_manifest_free(struct reg_manifest *m)
{
	if (m == NULL)
		return;
	free(m->bytes);
	memset(m, 0, sizeof *m);
}

static int
known_type(const char *mt)
{
	return strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_OCI_MANIFEST) == 0 ||
	    strcmp(mt, MT_DOCKER_LIST) == 0 || strcmp(mt, MT_DOCKER_V2) == 0;
}

/* Content-Type, or the document's own mediaType when the header is vague. */
static void
media_type(const struct http_resp *r, char *out, size_t n)
{
	cJSON		*root;
	const cJSON	*mt;

	snprintf(out, n, "%s", r->content_type);
	if (known_type(out) || r->body == NULL)
		return;
	root = cJSON_ParseWithLength(r->body, r->len);
	mt = cJSON_GetObjectItemCaseSensitive(root, "mediaType");
	if (cJSON_IsString(mt) && known_type(mt->valuestring))
		snprintf(out, n, "%s", mt->valuestring);
	cJSON_Delete(root);
}

static char *
manifest_object(const char *ref)
{
	char	*s;

	return asprintf(&s, "manifest %s", ref) == -1 ? NULL : s;
}

static int
manifest_req(struct reg_conn *c, const char *method, const char *repo,
    const char *ref, const char *actions, struct http_req *rq, struct tm_err *err)
{
	char	*url = NULL, *object = NULL, *scope = NULL;

	memset(rq, 0, sizeof *rq);
	if (!repo_ok(repo))
		return usage_err(c, "manifest", "repository", repo, err);
	if (!ref_ok(ref))
		return usage_err(c, "manifest", "reference", ref, err);
	if (asprintf(&url, "/v2/%s/manifests/%s", repo, ref) == -1)
		url = NULL;
	object = manifest_object(ref);
	scope = actions != NULL ? reg_scope(repo, actions) : read_scope(c, repo);
	if (url == NULL || object == NULL || scope == NULL) {
		free(url);
		free(object);
		free(scope);
		return http_oom(c, "manifest", err);
	}
	rq->method = method;
	rq->url = url;
	rq->object = object;
	rq->scope = scope;
	rq->accept = MT_ACCEPT_ALL;
	return 0;
}

static void
req_free(struct http_req *rq)
{
	free((char *)rq->url);
	free((char *)rq->object);
	free((char *)rq->scope);
}

/* attempts: the requests the answer took (0: none was sent). */
static int
digest_mismatch(struct reg_conn *c, const char *object, const char *got,
    const char *want, const char *what, int attempts, struct tm_err *err)
{
	http_err_begin(c, object, err);
	err->attempts = attempts;
	return tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "%s %s, expected %s",
	    what, got, want);
}

static int
is_sha256_ref(const char *ref)
{
	return strncmp(ref, "sha256:", 7) == 0;
}

int
reg_manifest_get(struct reg_conn *c, const char *repo, const char *ref,
    struct reg_manifest *m, struct tm_err *err)
{
	struct http_req		rq;
	struct http_resp	r;
	int			rc = -1;

	memset(m, 0, sizeof *m);
	if (manifest_req(c, "GET", repo, ref, NULL, &rq, err) == -1)
		return -1;
	rq.max_body = MF_MAX_BYTES;
	if (http_do(c, &rq, &r, err) == 0) {
		mf_digest(r.body != NULL ? r.body : "", r.len, m->digest);
		media_type(&r, m->media_type, sizeof m->media_type);
		if (r.digest[0] != '\0' && strcmp(r.digest, m->digest) != 0)
			digest_mismatch(c, rq.object, m->digest, r.digest,
			    "received bytes hash to", r.attempts, err);
		else if (is_sha256_ref(ref) && strcmp(ref, m->digest) != 0)
			digest_mismatch(c, rq.object, m->digest, ref,
			    "received bytes hash to", r.attempts, err);
		else {
			/* The exact bytes, never a re-serialisation. */
			m->bytes = r.body != NULL ? r.body : strdup("");
			m->len = r.len;
			r.body = NULL;
			rc = m->bytes != NULL ? 0 : http_oom(c, rq.object, err);
		}
	}
	if (rc == -1)
		reg_manifest_free(m);
	http_resp_free(&r);
	req_free(&rq);
	return rc;
}

/*
 * A HEAD's error answer has no body, so no registry code or message: one
 * GET (a single attempt) asks for them, so "HTTP 500 UNKNOWN: storage
 * backend unavailable" is not reported as a bare "HTTP 500".  401 is left
 * alone (its auth round was had), and so is a GET answering otherwise.
 */
static void
head_error_detail(struct reg_conn *c, const char *repo, const char *ref,
    struct tm_err *err)
{
	struct http_req		rq;
	struct http_resp	r;
	struct tm_err		e;

	if (err->http < 400 || err->http == 401 || err->code[0] != '\0' ||
	    manifest_req(c, "GET", repo, ref, NULL, &rq, &e) == -1)
		return;
	rq.no_retry = 1;
	rq.max_body = MF_MAX_BYTES;
	if (http_do(c, &rq, &r, &e) == -1 && e.http == err->http &&
	    e.code[0] != '\0') {
		memcpy(err->code, e.code, sizeof err->code);
		memcpy(err->msg, e.msg, sizeof err->msg);
	}
	http_resp_free(&r);
	req_free(&rq);
}

int
reg_manifest_head(struct reg_conn *c, const char *repo, const char *ref,
    struct reg_manifest *m, struct tm_err *err)
{
	struct http_req		rq;
	struct http_resp	r;
	int			rc = -1;

	memset(m, 0, sizeof *m);
	if (manifest_req(c, "HEAD", repo, ref, NULL, &rq, err) == -1)
		return -1;
	rq.ok_status = 404;
	if (http_do(c, &rq, &r, err) == 0) {
		if (r.status == 404) {
			rc = 0;
		} else if (r.digest[0] == '\0' && !is_sha256_ref(ref)) {
			/* An old registry without the header: GET and hash. */
			http_resp_free(&r);
			req_free(&rq);
			if (reg_manifest_get(c, repo, ref, m, err) == -1)
				return err->cat == TM_CAT_NOT_FOUND ? 0 : -1;
			free(m->bytes);
			m->bytes = NULL;
			return 1;
		} else {
			snprintf(m->digest, sizeof m->digest, "%s",
			    r.digest[0] != '\0' ? r.digest : ref);
			snprintf(m->media_type, sizeof m->media_type, "%s",
			    r.content_type);
			m->len = r.content_length > 0 ? (size_t)r.content_length : 0;
			if (is_sha256_ref(ref) && strcmp(m->digest, ref) != 0)
				digest_mismatch(c, rq.object, m->digest, ref,
				    "registry reports", r.attempts, err);
			else
				rc = 1;
		}
	} else
		head_error_detail(c, repo, ref, err);
	http_resp_free(&r);
	req_free(&rq);
	return rc;
}

int
reg_manifest_put(struct reg_conn *c, const char *repo, const char *ref,
    const struct reg_manifest *m, struct tm_err *err)
{
	struct http_req		rq;
	struct http_resp	r;
	char			want[TM_DIGEST_MAX + 1];
	int			rc = -1;

	if (manifest_req(c, "PUT", repo, ref, "pull,push", &rq, err) == -1)
		return -1;
	if (m->bytes == NULL || m->media_type[0] == '\0' || m->len > MF_MAX_BYTES) {
		http_err_begin(c, rq.object, err);
		tm_err_set(err, TM_CAT_USAGE, "manifest without bytes or media type");
		req_free(&rq);
		return -1;
	}
	rq.accept = NULL;
	rq.content_type = m->media_type;
	rq.body = m->bytes;
	rq.body_len = m->len;
	c->put_subject = 0;
	if (http_do(c, &rq, &r, err) == 0) {
		c->put_subject = r.oci_subject[0] != '\0';
		mf_digest(m->bytes, m->len, want);
		/* A registry that rewrote what we sent has broken the digest. */
		if (r.digest[0] != '\0' && strcmp(r.digest, want) != 0)
			digest_mismatch(c, rq.object, r.digest, want,
			    "registry stored it as", r.attempts, err);
		else
			rc = 0;
	}
	http_resp_free(&r);
	req_free(&rq);
	return rc;
}

static int
manifest_delete(struct reg_conn *c, const char *repo, const char *ref,
    struct tm_err *err)
{
	struct http_req		rq;
	struct http_resp	r;
	int			rc;

	if (manifest_req(c, "DELETE", repo, ref, "pull,push,delete", &rq, err) == -1)
		return -1;
	rq.accept = NULL;
	rq.ok_status = 404;
	if ((rc = http_do(c, &rq, &r, err)) == 0 && r.status == 404)
		rc = 1;
	http_resp_free(&r);
	req_free(&rq);
	return rc;
}

int
reg_manifest_delete(struct reg_conn *c, const char *repo, const char *digest,
    struct tm_err *err)
{
	if (tm_tag_valid(digest) || !ref_ok(digest))
		return usage_err(c, "manifest", "digest", digest, err);
	return manifest_delete(c, repo, digest, err);
}

int
reg_tag_delete(struct reg_conn *c, const char *repo, const char *tag,
    struct tm_err *err)
{
	int	rc;

	if (!tm_tag_valid(tag))
		return usage_err(c, "manifest", "tag", tag, err);
	if ((rc = manifest_delete(c, repo, tag, err)) == 1) {
		/* A tag that is not there is not "deleted" either. */
		char	*object = manifest_object(tag);

		http_err_begin(c, object, err);
		free(object);
		err->http = 404;
		return tm_err_set(err, TM_CAT_NOT_FOUND, "tag not found");
	}
	if (rc == -1 && (err->http == 400 || err->http == 405))
		tm_err_set(err, TM_CAT_PROTOCOL, "%s (this registry deletes "
		    "manifests by digest only)", err->msg);
	return rc;
}

/*
 * Blobs.
 */

static char *
blob_object(const char *digest)
{
	char	*s;

	return asprintf(&s, "blob %s", digest) == -1 ? NULL : s;
}

int
reg_blob_exists(struct reg_conn *c, const char *repo, const char *digest,
    struct tm_err *err)
{
	struct http_req		rq = { .method = "HEAD", .ok_status = 404 };
	struct http_resp	r;
	char			*url = NULL, *object, *scope;
	int			rc = -1;

	if (!repo_ok(repo))
		return usage_err(c, "blob", "repository", repo, err);
	if (tm_tag_valid(digest) || !ref_ok(digest))
		return usage_err(c, "blob", "digest", digest, err);
	if (asprintf(&url, "/v2/%s/blobs/%s", repo, digest) == -1)
		url = NULL;
	object = blob_object(digest);
	scope = read_scope(c, repo);
	if (url != NULL && object != NULL && scope != NULL) {
		rq.url = url;
		rq.object = object;
		rq.scope = scope;
		if (http_do(c, &rq, &r, err) == 0)
			rc = r.status == 404 ? 0 : 1;
		http_resp_free(&r);
	} else
		http_oom(c, "blob", err);
	free(url);
	free(object);
	free(scope);
	return rc;
}





int
reg_blob_mount(struct reg_conn *c, const char *repo, const char *digest,
    const char *from_repo, struct tm_err *err)
{
	char	*scope = NULL, *query = NULL, *object, *loc = NULL;
	int	 st = -1;

	if (!repo_ok(repo) || !repo_ok(from_repo))
		return usage_err(c, "blob", "repository", !repo_ok(repo) ?
		    repo : from_repo, err);
	if (tm_tag_valid(digest) || !ref_ok(digest))
		return usage_err(c, "blob", "digest", digest, err);
	if ((object = blob_object(digest)) == NULL ||
	    asprintf(&scope, "repository:%s:pull,push repository:%s:pull",
	    repo, from_repo) == -1 ||
	    asprintf(&query, "mount=%s&from=%s", digest, from_repo) == -1) {
		free(object);
		return http_oom(c, "blob", err);
	}
	st = reg_upload_post(c, repo, query, scope, object, &loc, err);
	if (loc != NULL)
		reg_upload_cancel(c, loc, repo);	/* 202: not mounted */
	free(loc);
	free(query);
	free(scope);
	free(object);
	return st == -1 ? -1 : st == 201;
}

/*
 * One upload of rq's body to a fresh session on repo.  0; -1 with err
 * filled, the session cancelled and *retry_after what the answer asked;
 * -2 with err filled when no session could be had (its own retries ran).
 */
static int
blob_put_once(struct reg_conn *c, const char *repo, struct http_req *rq,
    const char *digest, double *retry_after, struct tm_err *err)
{
	struct http_resp	 r;
	char			*loc, *put;
	int			 rc;

	if ((loc = reg_upload_start(c, repo, rq->object, err)) == NULL)
		return -2;
	if ((put = reg_upload_put_url(loc, digest)) == NULL) {
		free(loc);
		http_oom(c, rq->object, err);
		return -2;
	}
	rq->url = put;
	rc = http_do(c, rq, &r, err);
	*retry_after = r.retry_after;
	http_resp_free(&r);
	if (rc == -1)
		reg_upload_cancel(c, loc, repo);
	free(loc);
	free(put);
	return rc;
}

/* Each attempt gets a fresh session: a failed PUT may have spoilt one. */
static int
blob_put_retried(struct reg_conn *c, const char *repo, struct http_req *rq,
    const char *digest, struct tm_err *err)
{
	int	attempt, max = http_max_attempts(c), rc;
	double	waited = 0, retry_after;

	for (attempt = 1;; attempt++) {
		if ((rc = blob_put_once(c, repo, rq, digest, &retry_after, err)) != -1)
			return rc == 0 ? 0 : -1;
		err->attempts = attempt;
		err->waited = waited;
		if (!http_retryable(err) || attempt >= max ||
		    http_backoff(c, attempt, retry_after, err) == -1)
			return -1;
		waited = err->waited;
	}
}

int
reg_blob_put(struct reg_conn *c, const char *repo, const void *buf, size_t len,
    const char *digest, struct tm_err *err)
{
	struct http_req	 rq = { .method = "PUT", .no_retry = 1,
			    .content_type = "application/octet-stream" };
	char		*object, *scope, got[TM_DIGEST_MAX + 1];
	int		 rc = -1;

	if (!repo_ok(repo))
		return usage_err(c, "blob", "repository", repo, err);
	if (!tm_digest_valid(digest))
		return usage_err(c, "blob", "digest", digest, err);
	object = blob_object(digest);
	scope = reg_scope(repo, "pull,push");
	if (object == NULL || scope == NULL) {
		free(object);
		free(scope);
		return http_oom(c, "blob", err);
	}
	mf_digest(buf, len, got);
	if (strcmp(got, digest) != 0) {
		digest_mismatch(c, object, got, digest, "data hashes to", 0, err);
		err->side = TM_SIDE_LOCAL;
	} else {
		rq.object = object;
		rq.scope = scope;
		rq.body = buf;
		rq.body_len = len;
		rc = blob_put_retried(c, repo, &rq, digest, err);
	}
	free(object);
	free(scope);
	return rc;
}
