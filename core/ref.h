/*
 * Image references: "python", "docker.io/library/python",
 * "quay.io/org/app", "localhost:5000/a/b/c", each optionally with
 * ":tag" or "@sha256:<64 hex>".  Pure parsing, no I/O, any thread.
 */
#ifndef TM_REF_H
#define TM_REF_H

#include "err.h"

#define TM_TAG_MAX	128
#define TM_DIGEST_MAX	71		/* "sha256:" + 64 hex */

struct tm_ref {
	char	host[256];	/* as a person names it: "docker.io" */
	char	api_host[256];	/* what we connect to: "registry-1.docker.io" */
	char	repo[256];	/* "library/python" */
	char	tag[TM_TAG_MAX + 1];	/* "" when none */
	char	digest[TM_DIGEST_MAX + 1];	/* "" when none */
};

/*
 * Parse s.  A first path component is a host when it contains '.' or ':'
 * or is "localhost"; otherwise the host is docker.io and a single-name
 * repository gets "library/".  Errors (TM_CAT_USAGE) name the culprit.
 * A lone host ("quay.io", "localhost:5000") is an error, not a Hub image.
 * skopeo's "docker://" prefix is accepted and dropped; another transport
 * ("oci://", "http://") is an error.
 * Hub's three names all become host docker.io, api_host registry-1.docker.io.
 * Any thread; *ref is zeroed first.
 */
int	tm_ref_parse(const char *s, struct tm_ref *, struct tm_err *);

/* "host/repo" (plus ":tag" and "@digest" when set) into buf, truncated to n. */
void	tm_ref_format(const struct tm_ref *, char *buf, size_t n);

/* 1 when tag matches [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. */
int	tm_tag_valid(const char *tag);
/* 1 when d is "sha256:" followed by 64 lowercase hex digits. */
int	tm_digest_valid(const char *d);
/* 1 for localhost, 127.0.0.0/8 and ::1 (with or without a port). */
int	tm_host_is_loopback(const char *host);
/* Docker Hub, where every manifest GET counts against a pull limit. */
int	tm_ref_is_docker_hub(const struct tm_ref *);

#endif
