/*
 * Blob upload sessions: start one, the URL of the PUT that completes it,
 * and the DELETE that tidies one we abandon.  Shared by api.c and
 * blob.c.
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
