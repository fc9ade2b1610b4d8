/*
 * Blob upload sessions (POST /v2/REPO/blobs/uploads/), shared by
 * api.c (uploads from memory, mounts) and blob.c (streamed copies).
 * Internal to core/registry/.
 */
#ifndef TM_UPLOAD_H
#define TM_UPLOAD_H

#include <stdint.h>

#include "err.h"

struct reg_conn;
struct http_resp;

/*
 * POST an upload session on repo (or a mount, when query is not NULL).
 * Returns the HTTP status (201 mounted, 202 session) with *location
 * absolute and malloc'd, or -1 with err filled.
 */
int	 reg_upload_post(struct reg_conn *, const char *repo, const char *query,
	    const char *scope, const char *object, char **location,
	    struct tm_err *);
/*
 * Start a session on repo and return its absolute URL (malloc'd), or
 * NULL with err filled.  object names the blob in errors.
 */
char	*reg_upload_start(struct reg_conn *, const char *repo,
	    const char *object, struct tm_err *);
/* URL of the PUT that completes upload url with digest.  malloc'd. */
char	*reg_upload_put_url(const char *url, const char *digest);
/*
 * Where an upload stands (GET on its URL): the bytes the registry holds,
 * from its Range header, with *next (malloc'd) the URL to go on with (a
 * registry may hand out a new one).  -1 when it cannot say (no session
 * any more, no Range, a failure): err filled, start over.
 */
int64_t	 reg_upload_status(struct reg_conn *, const char *url, const char *repo,
	    const char *object, char **next, struct tm_err *);
/*
 * Close a session whose bytes all went up in PATCHes: PUT ?digest= with
 * no body.  0, or -1 with err filled (a registry that stored it under
 * another digest included).
 */
int	 reg_upload_finish(struct reg_conn *, const char *url, const char *repo,
	    const char *digest, const char *object, struct tm_err *);
/*
 * The URL an upload goes on with after answer r (its Location, resolved),
 * or a copy of url when it gave none.  malloc'd; NULL out of memory.
 */
char	*reg_upload_next(const struct http_resp *, const char *url);
/* Tidy: DELETE an upload session we abandon.  Errors are ignored. */
void	 reg_upload_cancel(struct reg_conn *, const char *url, const char *repo);
/* "repository:REPO:ACTIONS" into a malloc'd string. */
char	*reg_scope(const char *repo, const char *actions);

#endif
