/*
 * Error wording for the screens, one family built on core's
 * tm_err_format: the short reason of one row and the sentence a person
 * troubleshooting understands.  Any thread; writes only into buf.
 */
#ifndef TM_ERRTEXT_H
#define TM_ERRTEXT_H

#include <stddef.h>

#include "err.h"

/* A failure in words a person understands, with what to do about it. */
void	 explain_err(const struct tm_err *, char *, size_t);
/* "HTTP 404 BLOB_UNKNOWN: blob unknown" (short, for one row). */
void	 tag_reason(const struct tm_err *, char *, size_t);

#endif
