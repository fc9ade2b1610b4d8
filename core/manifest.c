/*
 * Manifests: parse the four media types we mirror, list what they refer
 * to, filter an index by platform, and hash exact bytes.
 */
#include "config.h"

#include "manifest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

/* Largest integer a JSON number (a double) carries exactly. */
#define SIZE_EXACT_MAX	9007199254740992.0

static const struct known_type {
	const char	*mt;
	enum mf_kind	 kind;
} known_types[] = {
	{ MT_OCI_INDEX, MF_INDEX },
	{ MT_OCI_MANIFEST, MF_IMAGE },
	{ MT_DOCKER_LIST, MF_INDEX },
	{ MT_DOCKER_V2, MF_IMAGE },
};
#define N_KNOWN	(sizeof known_types / sizeof known_types[0])

#define PLATFORM_WORD_MAX	64

/* A platform split into os, architecture and variant (n fields set). */
struct platform {
	char	f[3][PLATFORM_WORD_MAX];
	int	n;
};

/*
 * The bare type of a Content-Type value: leading blanks and any
 * "; charset=..." parameters left out.  Returns its length.
 */
static size_t
mt_bare(const char *mt, const char **start)
{
	size_t	len;

	while (*mt == ' ' || *mt == '\t')
		mt++;
	*start = mt;
	len = strcspn(mt, ";");
	while (len > 0 && (mt[len - 1] == ' ' || mt[len - 1] == '\t'))
		len--;
	return len;
}

static int
mt_is(const char *mt, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(mt, want, len) == 0;
}

static const struct known_type *
known_lookup(const char *mt)
{
	const char	*s;
	size_t		 len, i;

	len = mt_bare(mt, &s);
	for (i = 0; i < N_KNOWN; i++)
		if (mt_is(s, len, known_types[i].mt))
			return &known_types[i];
	return NULL;
}

int
mf_is_index_type(const char *mt)
{
	const struct known_type	*k;

	if (mt == NULL)
		return 0;
	k = known_lookup(mt);
	return k != NULL && k->kind == MF_INDEX;
}

void
mf_digest(const void *buf, size_t len, char *out)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;
	static const char hex[] = "0123456789abcdef";

	if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		out[0] = '\0';
		return;
	}
	memcpy(out, "sha256:", 7);
	for (i = 0; i < mdlen; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 0xf];
	}
	out[TM_DIGEST_MAX] = '\0';
}

/* os, architecture and variant names: short, printable, no separators. */
static int
platform_word_valid(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len >= PLATFORM_WORD_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i]) != NULL))
			return 0;
	return 1;
}

/* Split "os/arch/variant" (1 to 3 words) of len bytes.  -1 when malformed. */
static int
platform_split(const char *s, size_t len, struct platform *p)
{
	const char	*end = s + len, *slash;
	size_t		 wlen;

	memset(p, 0, sizeof *p);
	for (;;) {
		slash = memchr(s, '/', (size_t)(end - s));
		wlen = slash != NULL ? (size_t)(slash - s) : (size_t)(end - s);
		if (p->n == 3 || !platform_word_valid(s, wlen))
			return -1;
		memcpy(p->f[p->n++], s, wlen);
		if (slash == NULL)
			return 0;
		s = slash + 1;
	}
}

static int
json_string_field(const cJSON *obj, const char *key, const char *where, int required,
    const char **out, struct tm_err *err)
{
	const cJSON	*j = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (j == NULL) {
		if (required)
			return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: missing %s",
			    where, key);
		return 0;
	}
	if (!cJSON_IsString(j) || j->valuestring == NULL)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: %s is not a string",
		    where, key);
	*out = j->valuestring;
	return 0;
}

static int
platform_parse(const cJSON *j, const char *where, char *out, size_t n, struct tm_err *err)
{
	const char	*os, *arch, *variant;
	int		 w;

	if (!cJSON_IsObject(j))
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: platform is not an object",
		    where);
	if (json_string_field(j, "os", where, 1, &os, err) == -1 ||
	    json_string_field(j, "architecture", where, 1, &arch, err) == -1 ||
	    json_string_field(j, "variant", where, 0, &variant, err) == -1)
		return -1;
	if (!platform_word_valid(os, strlen(os)) || !platform_word_valid(arch, strlen(arch)) ||
	    (variant != NULL && variant[0] != '\0' &&
	    !platform_word_valid(variant, strlen(variant))))
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: invalid platform", where);
	if (variant != NULL && variant[0] != '\0')
		w = snprintf(out, n, "%s/%s/%s", os, arch, variant);
	else
		w = snprintf(out, n, "%s/%s", os, arch);
	if (w < 0 || (size_t)w >= n)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: platform too long", where);
	return 0;
}

static int
desc_parse(const cJSON *j, const char *where, int with_platform, struct mf_desc *d,
    struct tm_err *err)
{
	const cJSON	*size, *plat;
	const char	*mt, *digest;

	memset(d, 0, sizeof *d);
	if (!cJSON_IsObject(j))
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: not an object", where);
	if (json_string_field(j, "mediaType", where, 1, &mt, err) == -1 ||
	    json_string_field(j, "digest", where, 1, &digest, err) == -1)
		return -1;
	if (strlen(mt) >= sizeof d->media_type)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: media type too long",
		    where);
	if (!tm_digest_valid(digest))
		return tm_err_set(err, TM_CAT_PROTOCOL,
		    "manifest %s: invalid or unsupported digest '%.80s'", where, digest);
	size = cJSON_GetObjectItemCaseSensitive(j, "size");
	if (size == NULL)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: missing size", where);
	if (!cJSON_IsNumber(size))
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: size is not a number",
		    where);
	if (size->valuedouble < 0)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: negative size", where);
	if (size->valuedouble > SIZE_EXACT_MAX ||
	    size->valuedouble != (double)(int64_t)size->valuedouble)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: invalid size", where);
	strcpy(d->media_type, mt);
	memcpy(d->digest, digest, TM_DIGEST_MAX + 1);
	d->size = (int64_t)size->valuedouble;
	plat = cJSON_GetObjectItemCaseSensitive(j, "platform");
	if (with_platform && plat != NULL &&
	    platform_parse(plat, where, d->platform, sizeof d->platform, err) == -1)
		return -1;
	return 0;
}

/*
 * Which of the four types the document is.  A specific Content-Type
 * decides, but must agree with the document's own mediaType when that is
 * present; a generic or missing one defers to the document, and an OCI
 * document without mediaType is known by its "manifests" or "layers".
 */
static const struct known_type *
type_resolve(const char *ct, const cJSON *root, struct tm_err *err)
{
	const struct known_type	*k = NULL, *dk;
	const char		*s, *doc_mt;
	size_t			 len;

	len = mt_bare(ct != NULL ? ct : "", &s);
	if (len > 0 && !mt_is(s, len, "application/json") &&
	    !mt_is(s, len, "application/octet-stream") &&
	    (k = known_lookup(s)) == NULL) {
		tm_err_set(err, TM_CAT_PROTOCOL, "unsupported manifest type '%.*s'",
		    (int)(len > 120 ? 120 : len), s);
		return NULL;
	}
	if (json_string_field(root, "mediaType", "document", 0, &doc_mt, err) == -1)
		return NULL;
	if (doc_mt != NULL) {
		if ((dk = known_lookup(doc_mt)) == NULL) {
			tm_err_set(err, TM_CAT_PROTOCOL, "unsupported manifest type '%.120s'",
			    doc_mt);
			return NULL;
		}
		if (k != NULL && k != dk) {
			tm_err_set(err, TM_CAT_PROTOCOL, "manifest is served as '%s' but "
			    "says it is '%s'", k->mt, dk->mt);
			return NULL;
		}
		return dk;
	}
	if (k != NULL)
		return k;
	if (cJSON_HasObjectItem(root, "manifests") && !cJSON_HasObjectItem(root, "layers"))
		return &known_types[0];
	if (cJSON_HasObjectItem(root, "layers") && !cJSON_HasObjectItem(root, "manifests"))
		return &known_types[1];
	tm_err_set(err, TM_CAT_PROTOCOL, "cannot tell the manifest type: no mediaType, "
	    "and not one of \"manifests\" or \"layers\"");
	return NULL;
}

static cJSON *
json_parse(const char *bytes, size_t len, struct tm_err *err)
{
	cJSON		*root;
	const char	*end = NULL;

	if (len > MF_MAX_BYTES) {
		tm_err_set(err, TM_CAT_PROTOCOL, "manifest is %zu bytes, over the %d byte limit",
		    len, MF_MAX_BYTES);
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(bytes, len, &end, 0);
	if (root == NULL) {
		tm_err_set(err, TM_CAT_PROTOCOL, "manifest is not valid JSON");
		return NULL;
	}
	while (end != NULL && end < bytes + len && *end != '\0' &&
	    strchr(" \t\r\n", *end) != NULL)
		end++;
	if (end == NULL || end != bytes + len || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		tm_err_set(err, TM_CAT_PROTOCOL, end != bytes + len ?
		    "manifest has data after its JSON" : "manifest is not a JSON object");
		return NULL;
	}
	return root;
}

static int
doc_parse(const cJSON *root, const char *ct, struct mf_parsed *p, struct tm_err *err)
{
	const struct known_type	*k;
	const cJSON		*sv, *list, *item;
	const char		*key;
	char			 where[32];
	int			 count;

	memset(p, 0, sizeof *p);
	sv = cJSON_GetObjectItemCaseSensitive(root, "schemaVersion");
	if (cJSON_IsNumber(sv) && sv->valuedouble == 1)
		return tm_err_set(err, TM_CAT_PROTOCOL,
		    "unsupported manifest type: schema 1 (ask the registry for schema 2)");
	if ((k = type_resolve(ct, root, err)) == NULL)
		return -1;
	if (!cJSON_IsNumber(sv) || sv->valuedouble != 2)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest schemaVersion is not 2");
	p->kind = k->kind;
	strcpy(p->media_type, k->mt);
	if (k->kind == MF_IMAGE &&
	    desc_parse(cJSON_GetObjectItemCaseSensitive(root, "config"), "config", 0,
	    &p->config, err) == -1)
		return -1;

	key = k->kind == MF_IMAGE ? "layers" : "manifests";
	list = cJSON_GetObjectItemCaseSensitive(root, key);
	if (!cJSON_IsArray(list))
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest %s: %s",
		    key, list == NULL ? "missing" : "not an array");
	count = cJSON_GetArraySize(list);
	if (count > MF_MAX_ITEMS)
		return tm_err_set(err, TM_CAT_PROTOCOL, "manifest has %d %s, over the limit "
		    "of %d", count, key, MF_MAX_ITEMS);
	p->items = calloc(count > 0 ? (size_t)count : 1, sizeof *p->items);
	if (p->items == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	cJSON_ArrayForEach(item, list) {
		snprintf(where, sizeof where, "%s[%zu]", key, p->n);
		if (desc_parse(item, where, k->kind == MF_INDEX, &p->items[p->n], err) == -1) {
			mf_free(p);
			return -1;
		}
		p->n++;
	}
	return 0;
}

int
mf_parse(const char *bytes, size_t len, const char *media_type, struct mf_parsed *p,
    struct tm_err *err)
{
	cJSON	*root;
	int	 rc;

	memset(p, 0, sizeof *p);
	if ((root = json_parse(bytes, len, err)) == NULL)
		return -1;
	if ((rc = doc_parse(root, media_type, p, err)) == -1)
		mf_free(p);
	cJSON_Delete(root);
	return rc;
}

void
mf_free(struct mf_parsed *p)
{
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* Parse the comma list into *pats (caller frees).  -1 when malformed. */
static int
patterns_parse(const char *list, struct platform **pats, size_t *npats, struct tm_err *err)
{
	const char	*s = list, *comma, *w;
	size_t		 n = 1, len;

	*pats = NULL;
	*npats = 0;
	for (w = list; *w != '\0'; w++)
		if (*w == ',')
			n++;
	if ((*pats = calloc(n, sizeof **pats)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	for (;;) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (platform_split(s, len, &(*pats)[*npats]) == -1) {
			free(*pats);
			*pats = NULL;
			return tm_err_set(err, TM_CAT_USAGE, "invalid platform '%.*s' "
			    "(want os/arch, os/arch/variant or arch)", (int)(len > 64 ? 64 : len), s);
		}
		(*npats)++;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

/* An arch alone matches any os; a pattern without variant, any variant. */
static int
platform_matches(const struct platform *e, const struct platform *pat)
{
	if (e->n < 2)
		return 0;
	switch (pat->n) {
	case 1:
		return strcmp(e->f[1], pat->f[0]) == 0;
	case 2:
		return strcmp(e->f[0], pat->f[0]) == 0 && strcmp(e->f[1], pat->f[1]) == 0;
	default:
		return e->n == 3 && strcmp(e->f[0], pat->f[0]) == 0 &&
		    strcmp(e->f[1], pat->f[1]) == 0 && strcmp(e->f[2], pat->f[2]) == 0;
	}
}

static int
entry_wanted(const struct mf_desc *d, const struct platform *pats, size_t npats)
{
	struct platform	e;
	size_t		i;

	if (d->platform[0] == '\0' ||
	    platform_split(d->platform, strlen(d->platform), &e) == -1)
		return 0;
	for (i = 0; i < npats; i++)
		if (platform_matches(&e, &pats[i]))
			return 1;
	return 0;
}

int
mf_filter_index(const char *bytes, size_t len, const char *platforms, char **out,
    size_t *outlen, struct tm_err *err)
{
	struct mf_parsed	 p;
	struct platform		*pats = NULL;
	size_t			 npats, i = 0;
	cJSON			*root, *list, *item, *next;
	int			 kept = 0;

	*out = NULL;
	*outlen = 0;
	if (patterns_parse(platforms, &pats, &npats, err) == -1)
		return -1;
	if ((root = json_parse(bytes, len, err)) == NULL) {
		free(pats);
		return -1;
	}
	if (doc_parse(root, "", &p, err) == -1)
		goto fail;
	if (p.kind != MF_INDEX) {
		tm_err_set(err, TM_CAT_PROTOCOL, "cannot filter by platform: '%s' is not an "
		    "index", p.media_type);
		goto fail;
	}
	/* doc_parse kept the array's order, so items[i] describes the i-th node. */
	list = cJSON_GetObjectItemCaseSensitive(root, "manifests");
	for (item = list->child; item != NULL; item = next, i++) {
		next = item->next;
		if (entry_wanted(&p.items[i], pats, npats))
			kept++;
		else
			cJSON_Delete(cJSON_DetachItemViaPointer(list, item));
	}
	if (kept > 0) {
		if ((*out = cJSON_PrintUnformatted(root)) == NULL) {
			tm_err_set(err, TM_CAT_IO, "out of memory");
			goto fail;
		}
		*outlen = strlen(*out);
	}
	mf_free(&p);
	cJSON_Delete(root);
	free(pats);
	return kept;

fail:
	mf_free(&p);
	cJSON_Delete(root);
	free(pats);
	return -1;
}
