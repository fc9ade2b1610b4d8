#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "creds.h"

int
tm_creds_from_option(const char *userpass, struct tm_creds *c, struct tm_err *err)
{
	const char	*colon = strchr(userpass, ':');
	size_t		 ulen = colon != NULL ? (size_t)(colon - userpass) : strlen(userpass);

	memset(c, 0, sizeof *c);
	if (ulen == 0)
		return tm_err_set(err, TM_CAT_USAGE, "empty user name in USER[:PASS]");
	c->user = strndup(userpass, ulen);
	if (colon != NULL)
		c->pass = strdup(colon + 1);
	if (c->user == NULL || (colon != NULL && c->pass == NULL)) {
		tm_creds_clear(c);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	return 0;
}

static void
wipe(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
tm_creds_clear(struct tm_creds *c)
{
	wipe(&c->user);
	wipe(&c->pass);
	wipe(&c->identity_token);
}
