/*
 * Referrers (OCI distribution 1.1): the list of manifests whose subject
 * is a digest, from the referrers API (paged), or read from a referrers
 * tag schema index ("sha256-<hex>" tags) where a registry has no API; and
 * the merge that keeps such a fallback index on a destination without
 * the API.  Descriptors only: copying the manifests is the
 * engine's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "registry.h"
#include "httpparse.h"
#include "internal.h"
#include "manifest.h"
#include "nameset.h"
#include "request.h"
#include "upload.h"

/* Pages of one referrers list; its descriptors are bounded by MF_MAX_ITEMS. */
#define REF_MAX_PAGES	100

int
reg_conn_put_subject(const struct reg_conn *c)
{
	return c->put_subject;
}

void
reg_referrers_tag(const char *digest, char *out)
{
	const char	*colon = strchr(digest, ':');

	if (colon == NULL)
		out[0] = '\0';
	else
		snprintf(out, TM_TAG_MAX + 1, "%.*s-%s", (int)(colon - digest),
		    digest, colon + 1);
}

void
reg_referrers_free(struct reg_referrers *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static int
proto_err(struct tm_err *err, const char *why)
{
	return tm_err_set(err, TM_CAT_PROTOCOL, "referrers: %s", why);
}

static void
copy_str(char *dst, size_t n, const cJSON *obj, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(obj, key);

	dst[0] = '\0';
	if (cJSON_IsString(v) && strlen(v->valuestring) < n &&
	    strspn(v->valuestring, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_/:=") ==
	    strlen(v->valuestring))
		snprintf(dst, n, "%s", v->valuestring);
}

/* One descriptor of "manifests"; 0 taken, -1 malformed. */
static int
take_desc(const cJSON *e, struct reg_referrer *d)
{
	const cJSON	*size = cJSON_GetObjectItemCaseSensitive(e, "size");

	memset(d, 0, sizeof *d);
	copy_str(d->digest, sizeof d->digest, e, "digest");
	copy_str(d->media_type, sizeof d->media_type, e, "mediaType");
	copy_str(d->artifact_type, sizeof d->artifact_type, e, "artifactType");
	if (!tm_digest_valid(d->digest) || d->media_type[0] == '\0' ||
	    !cJSON_IsNumber(size) || size->valuedouble < 0 ||
	    size->valuedouble > MF_MAX_BYTES)
		return -1;
	d->size = (int64_t)size->valuedouble;
	return 0;
}

int
reg_referrers_parse(const char *bytes, size_t len, struct reg_referrers *l,
    struct tm_err *err)
{
	cJSON			*root, *list, *e;
	struct reg_referrer	*ni;
	size_t			 n;
	int			 rc = 0;

	if ((root = cJSON_ParseWithLength(bytes, len)) == NULL)
		return proto_err(err, "not JSON");
	list = cJSON_GetObjectItemCaseSensitive(root, "manifests");
	if (!cJSON_IsArray(list))
		rc = list == NULL || cJSON_IsNull(list) ? 0 :
		    proto_err(err, "\"manifests\" is not a list");
	n = rc == 0 && cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
	if (l->n + n > MF_MAX_ITEMS)
		rc = proto_err(err, "too many referrers");
	else if (n > 0 && (ni = realloc(l->items, (l->n + n) *
	    sizeof *ni)) == NULL)
		rc = tm_err_set(err, TM_CAT_IO, "out of memory");
	else if (n > 0)
		l->items = ni;
	if (rc == -1)
		list = NULL;
	cJSON_ArrayForEach(e, list) {
		if (take_desc(e, &l->items[l->n]) == -1) {
			rc = proto_err(err, "a malformed descriptor");
			break;
		}
		l->n++;
	}
	cJSON_Delete(root);
	return rc;
}

/* %XX every byte but the unreserved ones (a media type has "+" and "/"). */
static char *
query_escape(const char *s)
{
	char	*out, *o;

	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-._~", *s) != NULL)
			*o++ = *s;
		else
			o += sprintf(o, "%%%02X", (unsigned char)*s);
	*o = '\0';
	return out;
}

/* The first page's URL; NULL out of memory. */
static char *
api_url(const char *repo, const char *digest, const char *artifact_type)
{
	char	*url, *q = NULL;
	int	 r;

	if (artifact_type != NULL &&
	    (q = query_escape(artifact_type)) == NULL)
		return NULL;
	r = q != NULL ? asprintf(&url, "/v2/%s/referrers/%s?artifactType=%s",
	    repo, digest, q) : asprintf(&url, "/v2/%s/referrers/%s", repo,
	    digest);
	free(q);
	return r == -1 ? NULL : url;
}

/*
 * The next page after r into *url.  1 one, 0 none, -1 (a loop, too many
 * pages, a bad link).
 */
static int
api_next(struct reg_conn *c, const struct http_resp *r, struct nameset *seen,
    size_t *pages, char **url, struct tm_err *err)
{
	char	*next;

	if (r->link == NULL || (next = http_link_next(r->link)) == NULL)
		return 0;
	free(*url);
	*url = http_resolve(r->url, next);
	free(next);
	http_err_begin(c, "referrers", err);
	if (*url == NULL)
		return proto_err(err, "a page links to an invalid next page");
	if (++*pages >= REF_MAX_PAGES)
		return proto_err(err, "too many pages");
	switch (nameset_add(seen, *url)) {
	case -1:
		return http_oom(c, "referrers", err);
	case 0:
		return proto_err(err, "pages link in a loop");
	}
	tm_err_clear(err);
	return 1;
}

/* The API, page by page.  1 answered, 0 no API (404), -1. */
static int
api_list(struct reg_conn *c, const char *repo, const char *digest,
    const char *artifact_type, struct reg_referrers *l, struct tm_err *err)
{
	struct http_req		 rq = { .method = "GET", .object = "referrers",
				    .accept = MT_OCI_INDEX, .max_body = HTTP_JSON_MAX,
				    .ok_status = 404 };
	struct http_resp	 r;
	struct nameset		*seen;
	char			*url, *scope;
	size_t			 pages = 0;
	int			 rc;

	memset(&r, 0, sizeof r);
	url = api_url(repo, digest, artifact_type);
	scope = reg_scope(repo, http_side(c) == TM_SIDE_DEST ? "pull,push" :
	    "pull");
	if (url == NULL || scope == NULL || (seen = nameset_new()) == NULL) {
		free(url);
		free(scope);
		return http_oom(c, "referrers", err);
	}
	rq.scope = scope;
	do {
		http_resp_free(&r);
		rq.url = url;
		if ((rc = http_do(c, &rq, &r, err)) == -1) {
			/* Other registries without the route say so this way. */
			if (pages == 0 && (err->http == 400 || err->http == 405 ||
			    err->http == 501)) {
				tm_err_clear(err);
				rc = 0;
			}
			break;
		}
		if (r.status == 404) {
			rc = 0;
			break;
		}
		if (reg_referrers_parse(r.body != NULL ? r.body : "", r.len, l,
		    err) == -1) {
			/* A first answer that is no index (a catch-all page):
			 * no API.  A later page that breaks is an error. */
			if (pages == 0) {
				reg_referrers_free(l);
				tm_err_clear(err);
				rc = 0;
				break;
			}
			http_err_begin(c, "referrers", err);
			rc = proto_err(err, "the API's answer is not an index");
			break;
		}
		rc = 1;
	} while (api_next(c, &r, seen, &pages, &url, err) == 1);
	if (rc == 1 && err->cat != TM_CAT_NONE)
		rc = -1;
	http_resp_free(&r);
	nameset_free(seen);
	free(url);
	free(scope);
	return rc;
}

int
reg_referrers_api(struct reg_conn *c, const char *repo, const char *digest,
    const char *artifact_type, struct reg_referrers *l, struct tm_err *err)
{
	int	r;

	memset(l, 0, sizeof *l);
	tm_err_clear(err);
	if (!tm_digest_valid(digest)) {
		http_err_begin(c, "referrers", err);
		return tm_err_set(err, TM_CAT_USAGE, "invalid digest: %s", digest);
	}
	if ((r = api_list(c, repo, digest, artifact_type, l, err)) == -1)
		reg_referrers_free(l);
	return r;
}

static cJSON *
desc_json(const struct reg_referrer *d)
{
	cJSON	*o = cJSON_CreateObject();

	if (o == NULL ||
	    cJSON_AddStringToObject(o, "mediaType", d->media_type) == NULL ||
	    cJSON_AddStringToObject(o, "digest", d->digest) == NULL ||
	    cJSON_AddNumberToObject(o, "size", (double)d->size) == NULL ||
	    (d->artifact_type[0] != '\0' && cJSON_AddStringToObject(o,
	    "artifactType", d->artifact_type) == NULL)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* 1 when the index's "manifests" lists digest. */
static int
listed(const cJSON *list, const char *digest)
{
	const cJSON	*e, *d;

	cJSON_ArrayForEach(e, list) {
		d = cJSON_GetObjectItemCaseSensitive(e, "digest");
		if (cJSON_IsString(d) && strcmp(d->valuestring, digest) == 0)
			return 1;
	}
	return 0;
}

/* The index to merge into: old's tree, or a new empty one. */
static cJSON *
merge_base(const char *old, size_t len, cJSON **list, struct tm_err *err)
{
	cJSON	*root;

	root = old != NULL ? cJSON_ParseWithLength(old, len) : cJSON_CreateObject();
	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		proto_err(err, "the fallback index tag is not an index");
		return NULL;
	}
	if (old == NULL && (cJSON_AddNumberToObject(root, "schemaVersion", 2) ==
	    NULL || cJSON_AddStringToObject(root, "mediaType",
	    MT_OCI_INDEX) == NULL)) {
		cJSON_Delete(root);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	*list = cJSON_GetObjectItemCaseSensitive(root, "manifests");
	if (*list == NULL && (*list = cJSON_AddArrayToObject(root,
	    "manifests")) == NULL) {
		cJSON_Delete(root);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	if (!cJSON_IsArray(*list)) {
		cJSON_Delete(root);
		proto_err(err, "the fallback index's \"manifests\" is not a list");
		return NULL;
	}
	return root;
}

int
reg_referrers_merge(const char *old, size_t len, const struct reg_referrer *add,
    size_t n, char **out, size_t *outlen, struct tm_err *err)
{
	cJSON	*root, *list, *o;
	size_t	 i, added = 0;
	int	 rc = -1;

	*out = NULL;
	*outlen = 0;
	if ((root = merge_base(old, len, &list, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (listed(list, add[i].digest))
			continue;
		if ((o = desc_json(&add[i])) == NULL ||
		    !cJSON_AddItemToArray(list, o)) {
			cJSON_Delete(o);
			tm_err_set(err, TM_CAT_IO, "out of memory");
			goto out;
		}
		added++;
	}
	rc = 0;
	if (added > 0) {
		if ((*out = cJSON_PrintUnformatted(root)) == NULL) {
			rc = tm_err_set(err, TM_CAT_IO, "out of memory");
			goto out;
		}
		*outlen = strlen(*out);
		rc = 1;
	}
out:
	cJSON_Delete(root);
	return rc;
}
