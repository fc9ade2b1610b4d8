/*
 * Manifest parsing: the four media types we mirror.  We never re-serialise
 * what a registry sent (digests are of exact bytes); the one exception is
 * an index filtered by platform, which is a new manifest with a new digest.
 */
#ifndef TM_MANIFEST_H
#define TM_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ref.h"

#define MT_OCI_INDEX	"application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST	"application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_V2	"application/vnd.docker.distribution.manifest.v2+json"
/* The Accept header value listing all four. */
#define MT_ACCEPT_ALL	MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_V2

#define MF_MAX_BYTES	(10 * 1024 * 1024)
#define MF_MAX_ITEMS	10000	/* layers or index entries; more is hostile */

enum mf_kind {
	MF_IMAGE,	/* config + layers */
	MF_INDEX	/* list of child manifests */
};

struct mf_desc {
	char	digest[TM_DIGEST_MAX + 1];
	char	media_type[128];
	int64_t	size;
	char	platform[64];	/* "linux/arm/v7"; "" when absent or not an index */
};

struct mf_parsed {
	enum mf_kind	 kind;
	char		 media_type[128];	/* which of the four MT_* it is */
	struct mf_desc	 config;	/* MF_IMAGE only */
	struct mf_desc	*items;		/* layers (image) or manifests (index) */
	size_t		 n;
};

/*
 * Parse bytes.  media_type is the Content-Type the registry sent; when it is
 * empty the "mediaType" field decides.  Rejects unknown types, malformed
 * JSON and invalid digests (TM_CAT_PROTOCOL).  Caller frees with mf_free.
 * Also: "application/json" and "application/octet-stream" count as empty;
 * an OCI document with no mediaType is an index when it has "manifests",
 * an image when it has "layers"; a specific Content-Type that contradicts
 * the document's mediaType is rejected; at most MF_MAX_ITEMS entries.
 * Any thread; on error *p is left empty (mf_free is still safe).
 */
int	mf_parse(const char *bytes, size_t len, const char *media_type,
	    struct mf_parsed *, struct tm_err *);
void	mf_free(struct mf_parsed *);

/* 1 when mt is one of the two index types. */
int	mf_is_index_type(const char *mt);

/*
 * Keep only the index entries whose platform is in the comma-separated
 * list ("linux/amd64,linux/arm64"; "amd64" alone matches any os).
 * Writes a new malloc'd index to *out.  Returns the number of entries
 * kept (0 means nothing matched), -1 on error.
 * Also: "os/arch" without a variant matches every variant; entries with
 * no platform never match; the index keeps its mediaType (the caller
 * learns it with mf_parse(*out, *outlen, "", ...)).  When 0 are kept,
 * *out is NULL.  A malformed list is TM_CAT_USAGE.
 */
int	mf_filter_index(const char *bytes, size_t len, const char *platforms,
	    char **out, size_t *outlen, struct tm_err *);

/* "sha256:<hex>" of buf into out[TM_DIGEST_MAX + 1]. */
void	mf_digest(const void *buf, size_t len, char *out);

#endif
