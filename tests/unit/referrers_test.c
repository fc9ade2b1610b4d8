/*
 * The referrers descriptors reader and the fallback index merge: what a
 * referrers list or a "sha256-<hex>" index holds, that a merge keeps
 * every entry it found and adds each of ours once, and the tag schema's
 * name.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tap.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define MT "application/vnd.oci.image.manifest.v1+json"

static const char theirs[] =
"{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.oci.image.index.v1+json\",\n"
"   \"manifests\": [\n      {\"mediaType\": \"" MT "\", \"digest\": \"" D1 "\",\n"
"       \"size\": 512, \"artifactType\": \"application/spdx+json\",\n"
"       \"annotations\": {\"org.example\": \"kept\"}}\n   ]\n}\n";

static void
parse_cases(void)
{
	struct reg_referrers	l = { 0 };
	struct tm_err		e;

	tm_err_clear(&e);
	is_int(reg_referrers_parse(theirs, strlen(theirs), &l, &e), 0,
	    "an indented index with annotations parses");
	is_int((long long)l.n, 1, "one descriptor");
	is_str(l.items[0].digest, D1, "its digest");
	is_str(l.items[0].artifact_type, "application/spdx+json", "its artifactType");
	is_int(l.items[0].size, 512, "its size");
	reg_referrers_free(&l);
	is_int(reg_referrers_parse("{\"manifests\": []}", 17, &l, &e), 0,
	    "an empty list");
	is_int((long long)l.n, 0, "holds nothing");
	is_int(reg_referrers_parse("{\"manifests\": [{\"digest\": \"x\"}]}", 32,
	    &l, &e), -1, "a bad descriptor is refused");
	reg_referrers_free(&l);
	is_int(reg_referrers_parse("[1]", 3, &l, &e), 0, "no manifests: none");
	is_int(reg_referrers_parse("nope", 4, &l, &e), -1, "not JSON");
	reg_referrers_free(&l);
}

static void
merge_cases(void)
{
	struct reg_referrer	 add[2];
	struct reg_referrers	 l = { 0 };
	struct tm_err		 e;
	char			*out = NULL, tag[TM_TAG_MAX + 1];
	size_t			 len;

	tm_err_clear(&e);
	memset(add, 0, sizeof add);
	snprintf(add[0].digest, sizeof add[0].digest, "%s", D1);
	snprintf(add[1].digest, sizeof add[1].digest, "%s", D2);
	snprintf(add[0].media_type, sizeof add[0].media_type, "%s", MT);
	snprintf(add[1].media_type, sizeof add[1].media_type, "%s", MT);
	add[1].size = 99;
	snprintf(add[1].artifact_type, sizeof add[1].artifact_type,
	    "application/vnd.dev.cosign.artifact.sig.v1+json");
	is_int(reg_referrers_merge(theirs, strlen(theirs), add, 1, &out, &len,
	    &e), 0, "theirs lists ours already: nothing to write");
	ok(out == NULL, "and no index");
	is_int(reg_referrers_merge(theirs, strlen(theirs), add, 2, &out, &len,
	    &e), 1, "one to add: a new index");
	ok(out != NULL && strstr(out, "\"org.example\":\"kept\"") != NULL,
	    "their entry is kept whole (annotations too)");
	is_int(reg_referrers_parse(out, len, &l, &e), 0, "the merge parses");
	is_int((long long)l.n, 2, "two entries");
	is_str(l.n == 2 ? l.items[1].digest : "", D2, "ours appended");
	is_str(l.n == 2 ? l.items[1].artifact_type : "",
	    "application/vnd.dev.cosign.artifact.sig.v1+json", "with its artifactType");
	reg_referrers_free(&l);
	free(out);
	is_int(reg_referrers_merge(NULL, 0, add + 1, 1, &out, &len, &e), 1,
	    "no index yet: a new one");
	ok(out != NULL && strstr(out, "\"mediaType\":\"application/vnd.oci.image.index.v1+json\"") != NULL &&
	    strstr(out, "\"schemaVersion\":2") != NULL, "an OCI index");
	free(out);
	is_int(reg_referrers_merge("{\"manifests\": 3}", 16, add, 1, &out, &len,
	    &e), -1, "a broken index is not overwritten");
	reg_referrers_tag(D1, tag);
	is_str(tag, "sha256-1111111111111111111111111111111111111111111111111111111111111111",
	    "the tag schema's name");
}

int
main(void)
{
	parse_cases();
	merge_cases();
	return tap_done();
}
