/*
 * Blob upload sessions: start one, the URL of the PUT that completes it,
 * ask where one stands and close it after PATCHes (resumed copies), and
 * the DELETE that tidies one we abandon.  Shared by api.c and blob.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "upload.h"
#include "request.h"

char *
reg_scope(const char *repo, const char *actions)
{
	char	*s;

	return asprintf(&s, "repository:%s:%s", repo, actions) == -1 ? NULL : s;
}

int
reg_upload_post(struct reg_conn *c, const char *repo, const char *query,
    const char *scope, const char *object, char **location, struct tm_err *err)
{
	struct http_req		rq = { .method = "POST", .object = object, .scope = scope };
	struct http_resp	r;
	char			*url = NULL;
	int			rc = -1;

	*location = NULL;
	if (asprintf(&url, "/v2/%s/blobs/uploads/%s%s", repo, query != NULL ? "?" : "",
	    query != NULL ? query : "") == -1)
		return http_oom(c, object, err);
	rq.url = url;
	if (http_do(c, &rq, &r, err) == 0) {
		if (r.status == 201) {
			rc = 201;
		} else if (r.location == NULL ||
		    (*location = http_resolve(r.url, r.location)) == NULL) {
			http_err_begin(c, object, err);
			err->http = r.status;
			tm_err_set(err, TM_CAT_PROTOCOL, "upload session without "
			    "a usable Location");
		} else
			rc = (int)r.status;
	}
	http_resp_free(&r);
	free(url);
	return rc;
}

char *
reg_upload_start(struct reg_conn *c, const char *repo, const char *object,
    struct tm_err *err)
{
	char	*scope = reg_scope(repo, "pull,push"), *loc = NULL;
	int	 st;

	if (scope == NULL) {
		http_oom(c, object, err);
		return NULL;
	}
	st = reg_upload_post(c, repo, NULL, scope, object, &loc, err);
	free(scope);
	if (st != -1 && loc == NULL) {
		http_err_begin(c, object, err);
		err->http = st;
		tm_err_set(err, TM_CAT_PROTOCOL, "upload started without a session");
	}
	return st == -1 ? NULL : loc;
}

char *
reg_upload_put_url(const char *url, const char *digest)
{
	CURLU	*u = curl_url();
	char	*q = NULL, *s = NULL, *out = NULL;

	if (u == NULL)
		return NULL;
	if (asprintf(&q, "digest=%s", digest) != -1 &&
	    curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_QUERY, q, CURLU_APPENDQUERY) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
		out = strdup(s);
	curl_free(s);
	free(q);
	curl_url_cleanup(u);
	return out;
}

char *
reg_upload_next(const struct http_resp *r, const char *url)
{
	return r->location != NULL ? http_resolve(r->url != NULL ? r->url : url,
	    r->location) : strdup(url);
}

int64_t
reg_upload_status(struct reg_conn *c, const char *url, const char *repo,
    const char *object, char **next, struct tm_err *err)
{
	struct http_req		rq = { .method = "GET", .url = url, .object = object };
	struct http_resp	r;
	char			*scope = reg_scope(repo, "pull,push");
	int64_t			 stored = -1;

	*next = NULL;
	if (scope == NULL)
		return http_oom(c, object, err);
	rq.scope = scope;
	if (http_do(c, &rq, &r, err) == 0) {
		if (r.upload_stored < 0) {
			http_err_begin(c, object, err);
			err->http = r.status;
			tm_err_set(err, TM_CAT_PROTOCOL, "upload status without a Range");
		} else if ((*next = reg_upload_next(&r, url)) == NULL)
			http_oom(c, object, err);
		else
			stored = r.upload_stored;
	}
	http_resp_free(&r);
	free(scope);
	return stored;
}

int
reg_upload_finish(struct reg_conn *c, const char *url, const char *repo,
    const char *digest, const char *object, struct tm_err *err)
{
	struct http_req		rq = { .method = "PUT", .object = object,
				    .content_type = "application/octet-stream" };
	struct http_resp	r;
	char			*scope = reg_scope(repo, "pull,push");
	char			*put = reg_upload_put_url(url, digest);
	int			 rc = -1;

	if (scope == NULL || put == NULL) {
		free(scope);
		free(put);
		return http_oom(c, object, err);
	}
	rq.url = put;
	rq.scope = scope;
	if (http_do(c, &rq, &r, err) == 0) {
		if (r.digest[0] != '\0' && strcmp(r.digest, digest) != 0) {
			http_err_begin(c, object, err);
			tm_err_set(err, TM_CAT_DIGEST_MISMATCH, "registry stored it as %s",
			    r.digest);
		} else
			rc = 0;
	}
	http_resp_free(&r);
	free(scope);
	free(put);
	return rc;
}

void
reg_upload_cancel(struct reg_conn *c, const char *url, const char *repo)
{
	struct http_req		rq = { .method = "DELETE", .url = url,
				    .object = "upload", .no_retry = 1 };
	struct http_resp	r;
	char			*scope = reg_scope(repo, "pull,push");

	rq.scope = scope;
	if (scope != NULL)
		http_do(c, &rq, &r, NULL);
	http_resp_free(&r);
	free(scope);
}
