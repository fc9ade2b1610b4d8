/*
 * Error wording: a failure as a short row reason and as a sentence with
 * what to do.  Both start from core's tm_err_format and struct tm_err's
 * fields, never from their own reading of the message.
 */
#include "config.h"

#include "errtext.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The error without where it happened: what is left reads as a reason. */
static void
bare_format(const struct tm_err *e, char *buf, size_t n)
{
	struct tm_err	b = *e;

	b.side = TM_SIDE_NONE;
	b.host[0] = '\0';
	b.object[0] = '\0';
	b.attempts = 0;
	tm_err_format(&b, buf, n);
}

void
tag_reason(const struct tm_err *e, char *buf, size_t n)
{
	bare_format(e, buf, n);
}

/* "the source registry 127.0.0.1:5000" */
static void
who(const struct tm_err *e, char *buf, size_t n)
{
	const char	*side = e->side == TM_SIDE_SOURCE ? "the source registry" :
	    e->side == TM_SIDE_DEST ? "the destination registry" :
	    "the registry";

	if (e->host[0] != '\0')
		snprintf(buf, n, "%s %s", side, e->host);
	else
		snprintf(buf, n, "%s", side);
}

/* " (HTTP 404, registry code NAME_UNKNOWN)", or "" */
static void
code_note(const struct tm_err *e, char *buf, size_t n)
{
	buf[0] = '\0';
	if (e->http != 0 && e->code[0] != '\0')
		snprintf(buf, n, " (HTTP %ld, registry code %s)", e->http,
		    e->code);
	else if (e->http != 0)
		snprintf(buf, n, " (HTTP %ld)", e->http);
	else if (e->code[0] != '\0')
		snprintf(buf, n, " (registry code %s)", e->code);
}

/* A missing layer, a missing object, or a missing repository. */
static void
not_found(const struct tm_err *e, const char *reg, const char *code,
    char *buf, size_t n)
{
	if (strncmp(e->object, "blob", 4) == 0)
		snprintf(buf, n, "A layer is missing on %s%s: the tag is listed "
		    "but its data cannot be read (%s).", reg, code, e->object);
	else if (e->object[0] != '\0' &&
	    strcmp(e->code, "NAME_UNKNOWN") != 0 &&
	    strncmp(e->object, "tags", 4) != 0)
		snprintf(buf, n, "%s has no %s%s.", reg, e->object, code);
	else
		snprintf(buf, n, "The repository was not found on %s%s. Check "
		    "the name; Docker Hub names need a namespace, as in "
		    "library/python.", reg, code);
}

/* The sentence for e's category; reg and code say who and how. */
static void
sentence(const struct tm_err *e, const char *reg, const char *code,
    char *buf, size_t n)
{
	char	raw[600];

	switch (e->cat) {
	case TM_CAT_AUTH:
		snprintf(buf, n, "%s refused access%s. Check the user and "
		    "password, or log in with docker or podman so their auth "
		    "file has them.", reg, code);
		break;
	case TM_CAT_NOT_FOUND:
		not_found(e, reg, code, buf, n);
		break;
	case TM_CAT_RATE_LIMITED:
		snprintf(buf, n, "%s is limiting our request rate%s. tagmirror "
		    "waits and retries; fewer jobs or logging in helps.", reg,
		    code);
		break;
	case TM_CAT_SERVER_ERROR:
		snprintf(buf, n, "%s failed on its side%s after %d attempt%s. "
		    "This is usually temporary: retry later.", reg, code,
		    e->attempts, e->attempts == 1 ? "" : "s");
		break;
	case TM_CAT_NETWORK:
		snprintf(buf, n, "Could not talk to %s: %s. Check the host, the "
		    "port and that the registry is running.", reg, e->msg);
		break;
	case TM_CAT_DIGEST_MISMATCH:
		snprintf(buf, n, "Data from %s did not match its digest, so "
		    "nothing was written. Retry; if it persists the source copy "
		    "is damaged.", reg);
		break;
	case TM_CAT_TLS:
		snprintf(buf, n, "The TLS certificate of %s could not be "
		    "verified: %s. Give its CA (--src-cert-dir, --dest-cert-dir) "
		    "or, for a trusted test registry, switch TLS verification "
		    "off.", reg, e->msg);
		break;
	case TM_CAT_CANCELLED:
		snprintf(buf, n, "Stopped because the run was cancelled.");
		break;
	case TM_CAT_PROTOCOL:
		snprintf(buf, n, "%s answered in a way tagmirror does not "
		    "understand%s: %s.", reg, code, e->msg);
		break;
	case TM_CAT_CONFLICT:
		snprintf(buf, n, "Someone else changed this tag during the run, "
		    "so tagmirror left it as it found it: %s.", e->msg);
		break;
	case TM_CAT_IO:
		snprintf(buf, n, "A local file could not be used: %s.", e->msg);
		break;
	default:
		/* Nothing to add to core's own line. */
		tm_err_format(e, raw, sizeof raw);
		snprintf(buf, n, "%s.", raw);
		break;
	}
}

void
explain_err(const struct tm_err *e, char *buf, size_t n)
{
	char	reg[200], code[96];

	if (n == 0)
		return;
	who(e, reg, sizeof reg);
	code_note(e, code, sizeof code);
	sentence(e, reg, code, buf, n);
	buf[0] = (char)toupper((unsigned char)buf[0]);
}
