/*
 * Process-wide set-up and tear-down of the core library (libcurl's
 * global state) and the backend version string.
 */
#include "config.h"

#include <signal.h>

#include <curl/curl.h>

#include "init.h"

int
tm_init(void)
{
	/* Writes to a closed socket must fail with EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
tm_cleanup(void)
{
	curl_global_cleanup();
}

const char *
tm_backend_version(void)
{
	return curl_version();
}
