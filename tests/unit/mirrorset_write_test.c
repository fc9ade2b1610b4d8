/*
 * The mirror set writer: what it prints, the reader takes back the same,
 * values that would mean something else unquoted included; and it goes
 * to a file 0600.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mirrorset.h"
#include "mirrorset_write.h"
#include "tap.h"

static const struct ms_mirror	mirrors[] = {
	{ "127.0.0.1:5000/app/a", NULL, NULL, NULL, 0,
	    "127.0.0.1:5001/mirror/a", "3.1[2-9]*,!*-rc*", NULL, -1, NULL,
	    -1, NULL, 0, 0 },
	/* Values YAML would read as something else, or that end a line. */
	{ "reg.example:443/x/y", NULL, NULL, NULL, 0, "reg.example:443/m/y",
	    "re:a\"b\\\\c#d: e,yes", "linux/amd64", 0, NULL, 1,
	    "signature,application/vnd.in-toto+json", 0, 0 },
};

static struct mirrorset *
round_trip(const struct ms_defaults *d, const struct ms_mirror *m, size_t n,
    struct tm_err *err)
{
	struct mirrorset	*s;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f = open_memstream(&buf, &len);

	ok(f != NULL && mirrorset_print(f, d, m, n) == 0, "printed");
	fclose(f);
	s = mirrorset_parse(buf, len, "w.yaml", NULL, err);
	if (s == NULL)
		printf("# %s\n# %s\n", err->msg, buf);
	free(buf);
	return s;
}

static void
same(void)
{
	struct ms_defaults	 d = { "127.0.0.1:5001", 3, "linux/arm64", 1, 1,
	    0, 1, NULL, "/etc/certs", "/etc/auth.json", 0, "sbom" };
	const struct ms_defaults *g;
	const struct ms_mirror	*m;
	struct tm_err		 err;
	struct mirrorset	*s;
	size_t			 i;

	if ((s = round_trip(&d, mirrors, 2, &err)) == NULL) {
		ok(0, "read back: %s", err.msg);
		return;
	}
	g = mirrorset_defaults(s);
	is_str(g->registry, "127.0.0.1:5001", "registry");
	is_int(g->jobs, 3, "jobs");
	is_str(g->platforms, "linux/arm64", "platforms");
	is_int(g->rollback, 1, "rollback");
	is_int(g->delete_stale, 1, "delete-stale");
	is_int(g->src_tls_verify, 0, "source-tls-verify");
	is_int(g->dst_tls_verify, 1, "tls-verify");
	ok(g->src_cert_dir == NULL, "an absent source-cert-dir stays absent");
	is_str(g->dst_cert_dir, "/etc/certs", "cert-dir");
	is_str(g->auth_file, "/etc/auth.json", "auth-file");
	is_int(g->referrers, 0, "referrers: false");
	is_str(g->referrer_types, "sbom", "referrer-types");
	is_int((int)mirrorset_count(s), 2, "two mirrors");
	for (i = 0; i < 2 && i < mirrorset_count(s); i++) {
		m = mirrorset_get(s, i);
		is_str(m->source, mirrors[i].source, "source %zu", i);
		is_str(m->dest, mirrors[i].dest, "destination %zu", i);
		is_str(m->tags, mirrors[i].tags, "tags %zu, quoted", i);
		is_int(m->src_tls_verify, mirrors[i].src_tls_verify,
		    "source-tls-verify %zu", i);
		is_int(m->referrers, mirrors[i].referrers, "referrers %zu", i);
	}
	m = mirrorset_get(s, 1);
	is_str(m->platforms, "linux/amd64", "a mirror's platforms");
	is_str(m->referrer_types, "signature,application/vnd.in-toto+json",
	    "a mirror's referrer-types");
	ok(mirrorset_get(s, 0)->referrer_types == NULL,
	    "an absent referrer-types stays absent");
	mirrorset_free(s);
}

static void
unset(void)
{
	struct ms_defaults	 d = { NULL, 0, NULL, -1, 0, 1, 1, NULL, NULL,
	    NULL, 1, NULL };
	struct tm_err		 err;
	struct mirrorset	*s;

	if ((s = round_trip(&d, mirrors, 1, &err)) == NULL) {
		ok(0, "read back: %s", err.msg);
		return;
	}
	is_int(mirrorset_defaults(s)->rollback, -1,
	    "rollback left to REPO_MIRROR_ROLLBACK stays so");
	is_int(mirrorset_defaults(s)->jobs, 0, "jobs left to the engine");
	is_int(mirrorset_defaults(s)->referrers, 1, "referrers on by default");
	ok(mirrorset_defaults(s)->referrer_types == NULL, "every referrer type");
	mirrorset_free(s);
}

static void
to_file(void)
{
	struct ms_defaults	 d = { NULL, 0, NULL, -1, 0, 1, 1, NULL, NULL,
	    NULL, 1, NULL };
	struct tm_err		 err;
	struct mirrorset	*s;
	struct stat		 st;
	char			 dir[] = "/tmp/mswXXXXXX", path[64];

	ok(mkdtemp(dir) != NULL, "a directory");
	snprintf(path, sizeof path, "%s/set.yaml", dir);
	umask(022);
	ok(mirrorset_write(path, &d, mirrors, 2, &err) == 0, "written");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
	s = mirrorset_load(path, NULL, &err);
	ok(s != NULL && mirrorset_count(s) == 2, "mirrorset_load reads it");
	mirrorset_free(s);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	same();
	unset();
	to_file();
	return tap_done();
}
