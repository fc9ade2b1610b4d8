#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app.h"

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

void
explain_err(const struct tm_err *e, char *buf, size_t n)
{
	char	reg[200], code[96] = "";
	int	blob = strncmp(e->object, "blob", 4) == 0;

	who(e, reg, sizeof reg);
	if (e->http != 0 && e->code[0] != '\0')
		snprintf(code, sizeof code, " (HTTP %ld, registry code %s)",
		    e->http, e->code);
	else if (e->http != 0)
		snprintf(code, sizeof code, " (HTTP %ld)", e->http);
	else if (e->code[0] != '\0')
		snprintf(code, sizeof code, " (registry code %s)", e->code);

	switch (e->cat) {
	case TM_CAT_AUTH:
		snprintf(buf, n, "%s refused access%s. Check the user and "
		    "password, or log in with docker or podman so their auth "
		    "file has them.", reg, code);
		break;
	case TM_CAT_NOT_FOUND:
		if (blob)
			snprintf(buf, n, "A layer is missing on %s%s: the tag "
			    "is listed but its data cannot be read (%s).", reg,
			    code, e->object);
		else if (e->object[0] != '\0' &&
		    strcmp(e->code, "NAME_UNKNOWN") != 0 &&
		    strncmp(e->object, "tags", 4) != 0)
			snprintf(buf, n, "%s has no %s%s.", reg, e->object, code);
		else
			snprintf(buf, n, "The repository was not found on %s%s. "
			    "Check the name; Docker Hub names need a namespace, "
			    "as in library/python.", reg, code);
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
		snprintf(buf, n, "%s%s.", e->msg[0] != '\0' ? e->msg :
		    "Unknown error", code);
		break;
	}
	if (n > 0)
		buf[0] = (char)toupper((unsigned char)buf[0]);
}
