/*
 * The mirror set reader: both schemas into the one model, templates,
 * namespace globs, shards, and bad input refused with file:line:column.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirrorset.h"
#include "tap.h"

static struct mirrorset *
parse(const char *text, const char *skopeo_dest, struct tm_err *err)
{
	return mirrorset_parse(text, strlen(text), "set.yaml", skopeo_dest, err);
}

/* The error text a bad input gives ("" when it parsed). */
static const char *
refusal(const char *text, const char *skopeo_dest)
{
	static struct tm_err	 err;
	struct mirrorset	*s;

	memset(&err, 0, sizeof err);
	if ((s = parse(text, skopeo_dest, &err)) != NULL) {
		mirrorset_free(s);
		return "";
	}
	return err.msg;
}

static void
native(void)
{
	static const char	 y[] =
	    "version: 1\n"
	    "mirrors:\n"
	    "  - source: docker.io/library/python\n"
	    "    tags: '3.12*, !*-rc*'\n"
	    "  - namespace: quay.io/org\n"
	    "    repositories: 'app-*'\n"
	    "    list: [app-a, app-b, tool]\n"
	    "    destination: 'mirror/{namespace}/{name}'\n"
	    "    tags: 're:v[0-9]+'\n"
	    "    referrers: false\n"
	    "    referrer-types: sbom,attestation\n"
	    "defaults:\n"
	    "  registry: reg.internal:5000\n"
	    "  jobs: 4\n"
	    "  rollback: true\n"
	    "  tls-verify: false\n"
	    "  auth-file: /etc/tagmirror/auth.json\n"
	    "  referrer-types: [signature, application/spdx+json]\n";
	const struct ms_defaults	*d;
	const struct ms_mirror		*m;
	struct mirrorset		*s;
	struct tm_err			 err;
	char				 buf[256];

	s = parse(y, NULL, &err);
	ok(s != NULL, "a set parses (%s)", s == NULL ? err.msg : "");
	if (s == NULL)
		return;
	d = mirrorset_defaults(s);
	is_int((int)mirrorset_count(s), 2, "two mirrors");
	is_str(d->registry, "reg.internal:5000", "defaults after mirrors still apply");
	is_int(d->jobs, 4, "jobs");
	is_int(d->rollback, 1, "rollback");
	is_int(d->dst_tls_verify, 0, "tls-verify");
	is_int(d->src_tls_verify, 1, "source-tls-verify defaults to true");
	is_str(d->auth_file, "/etc/tagmirror/auth.json", "auth file by reference");
	is_int(d->referrers, 1, "referrers on by default");
	is_str(d->referrer_types, "signature,application/spdx+json",
	    "referrer-types: a list, joined as the option takes it");
	m = mirrorset_get(s, 0);
	is_str(m->source, "docker.io/library/python", "source");
	is_int(m->referrers, -1, "a mirror's referrers: the default's");
	ok(m->referrer_types == NULL, "a mirror's referrer-types: the default's");
	is_int(m->line, 3, "mirror line");
	ok(mirrorset_dest(s, m, "docker.io", "library/python", buf, sizeof buf,
	    &err) == 0, "default destination expands");
	is_str(buf, "reg.internal:5000/library/python", "default: {repo} on the default registry");
	m = mirrorset_get(s, 1);
	is_str(m->ns, "quay.io/org", "namespace");
	is_int((int)m->nrepos, 3, "explicit list");
	is_str(m->repos[2], "tool", "list order");
	ok(mirrorset_ns_match(m, "org/app-a"), "glob matches under the namespace");
	ok(!mirrorset_ns_match(m, "org/tool"), "glob excludes");
	ok(!mirrorset_ns_match(m, "other/app-a"), "another namespace never matches");
	mirrorset_dest(s, m, "quay.io", "org/app-a", buf, sizeof buf, &err);
	is_str(buf, "reg.internal:5000/mirror/org/app-a", "template {namespace}/{name}");
	is_int(m->referrers, 0, "a mirror's referrers: false");
	is_str(m->referrer_types, "sbom,attestation",
	    "a mirror's referrer-types as a string");
	mirrorset_free(s);
}

static void
skopeo(void)
{
	static const char	 y[] =
	    "127.0.0.1:5000:\n"
	    "  tls-verify: false\n"
	    "  images:\n"
	    "    busybox: []\n"
	    "    library/redis: ['1.0', '2.0']\n"
	    "  images-by-tag-regex:\n"
	    "    nginx: ^1\\.13\\.[12]-alpine-perl$\n"
	    "  images-by-semver:\n"
	    "    python: '>= 3.10, < 3.13'\n"
	    "quay.io:\n"
	    "  images:\n"
	    "    coreos/etcd: [latest]\n";
	const struct ms_mirror	*m;
	struct mirrorset	*s;
	struct tm_err		 err;
	char			 buf[256];

	s = parse(y, "127.0.0.1:5001/mirror", &err);
	ok(s != NULL, "skopeo's YAML parses (%s)", s == NULL ? err.msg : "");
	if (s == NULL)
		return;
	is_int((int)mirrorset_count(s), 5, "one mirror per image");
	m = mirrorset_get(s, 0);
	is_str(m->tags, "*", "no tags: all");
	is_int(m->src_tls_verify, 0, "tls-verify is the source's");
	mirrorset_dest(s, m, "127.0.0.1:5000", "busybox", buf, sizeof buf, &err);
	is_str(buf, "127.0.0.1:5001/mirror/busybox", "DEST/NAME");
	is_str(mirrorset_get(s, 1)->tags, "1.0,2.0", "a tag list");
	is_str(mirrorset_get(s, 2)->tags, "re:.*(^1\\.13\\.[12]-alpine-perl$).*",
	    "a regex searches, as skopeo's does");
	is_str(mirrorset_get(s, 3)->tags, "semver:>= 3.10  < 3.13",
	    "a semver constraint, its ',' AND written as a blank");
	m = mirrorset_get(s, 4);
	is_int(m->src_tls_verify, -1, "another registry's tls-verify unset");
	mirrorset_dest(s, m, "quay.io", "coreos/etcd", buf, sizeof buf, &err);
	is_str(buf, "127.0.0.1:5001/mirror/etcd", "the last part of the name");
	mirrorset_free(s);
}

static void
bad(void)
{
	static const struct {
		const char	*yaml, *skopeo, *want;
	} cases[] = {
		{ "mirrors:\n  - source: a.io/x\n    tags: '*'\n    colour: red\n",
		    NULL, "set.yaml:4:5: unknown key 'colour'" },
		{ "defaults:\n  registry: r.io\n  password: hunter2\nmirrors: []\n",
		    NULL, "set.yaml:3:3: 'password': inline credentials are refused" },
		{ "mirrors:\n  - source: a.io/x\n", NULL,
		    "set.yaml:2:5: a mirror needs tags" },
		{ "mirrors:\n  - source: a.io/x\n    tags: 're:('\n", NULL,
		    "set.yaml:3:11: tags: item 1 're:(' at column 1: bad regex" },
		{ "mirrors:\n  - source: a.io/x\n    namespace: a.io/y\n    tags: x\n",
		    NULL, "set.yaml:2:5: a mirror needs one of source or namespace" },
		{ "mirrors:\n  - source: x\n    tags: x\n", NULL,
		    "names no registry and defaults has none" },
		{ "mirrors:\n  - source: a.io/x\n    destination: 'b.io/{nope}'\n    tags: x\n",
		    NULL, "set.yaml:3:18: destination 'b.io/{nope}': unknown placeholder" },
		{ "mirrors:\n  - source: a.io/x\n    tags: x\n    tags: y\n", NULL,
		    "set.yaml:4:5: 'tags' given twice" },
		{ "defaults: {jobs: 0}\nmirrors: []\n", NULL,
		    "set.yaml:1:18: jobs: expected a number from 1 to 256" },
		{ "defaults: {referrers: maybe}\nmirrors: []\n", NULL,
		    "set.yaml:1:23: referrers: expected true or false" },
		{ "defaults: {referrer-types: 'sbom,,sig'}\nmirrors: []\n", NULL,
		    "set.yaml:1:28: referrer-types: '' is no artifactType" },
		{ "defaults: {referrer-types: [sbom, 'a b']}\nmirrors: []\n", NULL,
		    "set.yaml:1:35: referrer-types: 'a b' is no artifactType" },
		{ "defaults: {referrer-types: []}\nmirrors: []\n", NULL,
		    "set.yaml:1:28: referrer-types: an empty list" },
		{ "mirrors:\n  - source: a.io/x\n    tags: x\n    referrer-types: 'sbom,'\n",
		    NULL, "set.yaml:4:21: referrer-types: '' is no" },
		{ "a: &x [1]\nb: *x\n", NULL, "set.yaml:2:4: aliases (*x) are not supported" },
		{ "mirrors: [\n", NULL, "set.yaml:2:1: did not find expected node content" },
		{ "[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]\n", NULL, "nested more than 16 deep" },
		{ "", NULL, "an empty file" },
		{ "version: 2\nmirrors: []\n", NULL, "set.yaml:1:10: version 2" },
		{ "r.io:\n  credentials:\n    username: u\n    password: p\n", "d.io",
		    "set.yaml:2:3: 'credentials': inline credentials are refused" },
		{ "r.io:\n  images-by-digest:\n    x: []\n", "d.io",
		    "set.yaml:2:3: unknown key 'images-by-digest'" },
		{ "r.io:\n  images:\n    x: ['sha256:abc']\n", "d.io",
		    "set.yaml:3:9: 'sha256:abc': not a tag" },
		{ "r.io:\n  images-by-tag-regex:\n    x: 'a{1,2}'\n", "d.io",
		    "set.yaml:3:8: regex 'a{1,2}': a ','" },
	};
	const char	*got;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = refusal(cases[i].yaml, cases[i].skopeo);
		ok(strstr(got, cases[i].want) != NULL, "refused: %s", cases[i].want);
		if (strstr(got, cases[i].want) == NULL)
			printf("# got: '%s'\n", got);
		ok(strstr(got, "hunter2") == NULL && strstr(got, ": p") == NULL,
		    "no secret in the error");
	}
}

static void
limits(void)
{
	char	*big = malloc(MS_FILE_MAX + 2);

	memset(big, '#', MS_FILE_MAX + 1);
	big[MS_FILE_MAX + 1] = '\0';
	ok(strstr(refusal(big, NULL), "larger than") != NULL, "a file over the limit");
	free(big);
}

/* The shard is a pure function of the source: fixed values, spread. */
static void
shards(void)
{
	struct ms_mirror	m = { 0 };
	unsigned		hits[4] = { 0 }, i;
	char			name[64];

	m.source = "docker.io/library/python";
	is_int((int)mirrorset_shard(&m, 1), 0, "one shard: 0");
	ok(mirrorset_shard(&m, 7) == mirrorset_shard(&m, 7), "stable");
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof name, "r.io/repo%u", i);
		m.source = name;
		hits[mirrorset_shard(&m, 4)]++;
	}
	ok(hits[0] > 50 && hits[1] > 50 && hits[2] > 50 && hits[3] > 50,
	    "spread over 4 shards (%u %u %u %u)", hits[0], hits[1], hits[2], hits[3]);
}

int
main(void)
{
	native();
	skopeo();
	bad();
	limits();
	shards();
	return tap_done();
}
