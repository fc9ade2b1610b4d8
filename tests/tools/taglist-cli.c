/*
 * Drives core/taglist for tests:
 *
 *   taglist-cli [options] REF          blocking: the names, one per line
 *   taglist-cli --async [options] REF  background: one line per event
 *                                      ("page COUNT", "done COUNT REJECTED",
 *                                      "failed MESSAGE"), then a check that
 *                                      the snapshot holds COUNT names
 *   taglist-cli --stop [options] REF   start, free at the first page: must
 *                                      return promptly
 *
 * Options: --tls-verify=false, --cert-dir DIR, --user USER (password from
 * $TL_PASS, never argv).  Exit 0, 2 when the listing failed.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "init.h"
#include "registry.h"
#include "taglist.h"
#include "strv.h"

static int
blocking(const char *ref, const struct reg_opts *o)
{
	struct taglist	*tl;
	struct tm_err	 err;
	char		**names, buf[512];
	size_t		 n, i;

	if ((tl = taglist_fetch(ref, o, &err)) == NULL) {
		tm_err_format(&err, buf, sizeof buf);
		printf("failed %s\n", buf);
		return 2;
	}
	n = taglist_snapshot(tl, &names);
	for (i = 0; i < n; i++)
		puts(names[i]);
	tm_strv_free(names, n);
	taglist_free(tl);
	return 0;
}

static int
background(const char *ref, const struct reg_opts *o, int stop)
{
	struct taglist	*tl;
	struct evq	*q = evq_new(sizeof(struct tl_event));
	struct tl_event	 ev[16];
	struct tm_err	 err;
	struct pollfd	 p;
	char		**names, buf[512];
	size_t		 n, i, last = 0;
	int		 rc = -1;

	if (q == NULL || (tl = taglist_start(ref, o, q, &err)) == NULL) {
		printf("failed %s\n", q == NULL ? "evq" : err.msg);
		evq_free(q);
		return 2;
	}
	p.fd = evq_fd(q);
	p.events = POLLIN;
	while (rc == -1) {
		if (poll(&p, 1, 30000) != 1) {
			puts("failed no event in 30 s");
			rc = 2;
			break;
		}
		n = evq_drain(q, ev, 16);
		for (i = 0; i < n && rc == -1; i++) {
			switch (ev[i].type) {
			case TL_PAGE:
				/* Counts only grow; every page is announced. */
				printf("page %zu%s\n", ev[i].count,
				    ev[i].count > last ? "" : " (not growing)");
				last = ev[i].count;
				if (stop) {
					taglist_free(tl);
					tl = NULL;
					puts("stopped");
					rc = 0;
				}
				break;
			case TL_DONE:
				printf("done %zu %zu\n", ev[i].count,
				    ev[i].rejected);
				n = taglist_snapshot(tl, &names);
				printf("snapshot %zu\n", n);
				tm_strv_free(names, n);
				rc = 0;
				break;
			case TL_FAILED:
				tm_err_format(&ev[i].err, buf, sizeof buf);
				printf("failed %s\n", buf);
				rc = 2;
				break;
			}
		}
	}
	taglist_free(tl);
	evq_free(q);
	return rc;
}

int
main(int argc, char **argv)
{
	struct reg_opts	 o;
	int		 i, mode = 0, rc;

	reg_opts_init(&o);
	o.side = TM_SIDE_SOURCE;
	o.no_auth_files = 1;
	for (i = 1; i < argc - 1; i++) {
		if (strcmp(argv[i], "--async") == 0)
			mode = 1;
		else if (strcmp(argv[i], "--stop") == 0)
			mode = 2;
		else if (strcmp(argv[i], "--tls-verify=false") == 0)
			o.tls_verify = 0;
		else if (strcmp(argv[i], "--cert-dir") == 0 && i + 2 < argc)
			o.cert_dir = argv[++i];
		else if (strcmp(argv[i], "--user") == 0 && i + 2 < argc) {
			o.user = argv[++i];
			o.pass = getenv("TL_PASS");
		} else
			break;
	}
	if (i != argc - 1) {
		fputs("usage: taglist-cli [--async|--stop] [--tls-verify=false] "
		    "[--cert-dir DIR] [--user USER] REF\n", stderr);
		return 1;
	}
	if (tm_init() == -1)
		return 1;
	rc = mode == 0 ? blocking(argv[i], &o) : background(argv[i], &o, mode == 2);
	tm_cleanup();
	return rc;
}
