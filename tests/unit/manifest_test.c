/*
 * Manifests and indexes of the four media types: parsing, what is
 * rejected and why.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "tap.h"

#define H1	"1111111111111111111111111111111111111111111111111111111111111111"
#define H2	"2222222222222222222222222222222222222222222222222222222222222222"
#define H3	"3333333333333333333333333333333333333333333333333333333333333333"
#define H4	"4444444444444444444444444444444444444444444444444444444444444444"
#define H5	"5555555555555555555555555555555555555555555555555555555555555555"
#define H6	"6666666666666666666666666666666666666666666666666666666666666666"
#define H7	"7777777777777777777777777777777777777777777777777777777777777777"

static const char docker_v2[] =
	"{\n"
	"   \"schemaVersion\": 2,\n"
	"   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n"
	"   \"config\": {\n"
	"      \"mediaType\": \"application/vnd.docker.container.image.v1+json\",\n"
	"      \"size\": 1471,\n"
	"      \"digest\": \"sha256:" H1 "\"\n"
	"   },\n"
	"   \"layers\": [\n"
	"      {\n"
	"         \"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\",\n"
	"         \"size\": 3401967,\n"
	"         \"digest\": \"sha256:" H2 "\"\n"
	"      },\n"
	"      {\n"
	"         \"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\",\n"
	"         \"size\": 5368709120,\n"
	"         \"digest\": \"sha256:" H3 "\"\n"
	"      }\n"
	"   ]\n"
	"}";

/* OCI documents may leave mediaType out; this one does. */
static const char oci_manifest[] =
	"{\"schemaVersion\":2,"
	"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
	"\"digest\":\"sha256:" H4 "\",\"size\":2},"
	"\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\","
	"\"digest\":\"sha256:" H5 "\",\"size\":0}],"
	"\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}}";

static const char docker_list[] =
	"{\"schemaVersion\":2,"
	"\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
	"\"manifests\":["
	"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	"\"digest\":\"sha256:" H1 "\",\"size\":1,"
	"\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
	"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	"\"digest\":\"sha256:" H2 "\",\"size\":2,"
	"\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\"}},"
	"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	"\"digest\":\"sha256:" H3 "\",\"size\":3,"
	"\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}},"
	"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	"\"digest\":\"sha256:" H4 "\",\"size\":4,"
	"\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}},"
	"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	"\"digest\":\"sha256:" H5 "\",\"size\":5,"
	"\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\","
	"\"os.version\":\"10.0.17763.5122\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"digest\":\"sha256:" H6 "\",\"size\":6,"
	"\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"digest\":\"sha256:" H7 "\",\"size\":7}"
	"]}";

static const char oci_index[] =
	"{\"schemaVersion\":2,"
	"\"manifests\":["
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"digest\":\"sha256:" H1 "\",\"size\":10,"
	"\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
	"\"digest\":\"sha256:" H2 "\",\"size\":20,"
	"\"platform\":{\"architecture\":\"s390x\",\"os\":\"linux\"}}],"
	"\"annotations\":{\"a\":\"b\"}}";

/* A string literal and its length (which may count an embedded NUL). */
#define LIT(s)	s, sizeof(s) - 1

static int
parse(const char *doc, const char *ct, struct mf_parsed *p, struct tm_err *err)
{
	tm_err_clear(err);
	return mf_parse(doc, strlen(doc), ct, p, err);
}

/* doc must fail as a protocol error whose message contains needle. */
static void
reject(const char *what, const char *doc, size_t len, const char *ct, const char *needle)
{
	struct mf_parsed	p;
	struct tm_err		err;
	int			rc;

	tm_err_clear(&err);
	rc = mf_parse(doc, len, ct, &p, &err);
	ok(rc == -1 && err.cat == TM_CAT_PROTOCOL, "reject %s", what);
	ok(strstr(err.msg, needle) != NULL, "  message says '%s'", needle);
	if (strstr(err.msg, needle) == NULL)
		printf("#   got: %s\n", err.msg);
	ok(p.items == NULL && p.n == 0, "  nothing left to free");
	mf_free(&p);
}

/* A valid Docker v2 manifest whose one layer has `field` replaced. */
static void
reject_layer(const char *what, const char *layer, const char *needle)
{
	char	doc[1024];

	snprintf(doc, sizeof doc, "{\"schemaVersion\":2,\"mediaType\":\"%s\","
	    "\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:" H1 "\",\"size\":1},"
	    "\"layers\":[%s]}", MT_DOCKER_V2, layer);
	reject(what, doc, strlen(doc), "", needle);
}

/* n descriptors in an index, for the limits. */
static char *
big_index(int n)
{
	static const char head[] = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX
	    "\",\"manifests\":[";
	static const char item[] = "{\"mediaType\":\"x\",\"digest\":\"sha256:" H1
	    "\",\"size\":1},";
	char	*doc, *w;
	int	 i;

	doc = malloc(sizeof head + (size_t)n * (sizeof item - 1) + 4);
	w = doc + strlen(strcpy(doc, head));
	for (i = 0; i < n; i++)
		w += strlen(strcpy(w, item));
	strcpy(n > 0 ? w - 1 : w, "]}");
	return doc;
}

static void
test_parse(void)
{
	struct mf_parsed	p;
	struct tm_err		err;

	ok(parse(docker_v2, MT_DOCKER_V2, &p, &err) == 0, "Docker v2 manifest");
	is_int(p.kind, MF_IMAGE, "  is an image");
	is_str(p.media_type, MT_DOCKER_V2, "  media type");
	is_str(p.config.digest, "sha256:" H1, "  config digest");
	is_int(p.config.size, 1471, "  config size");
	is_str(p.config.media_type, "application/vnd.docker.container.image.v1+json",
	    "  config media type");
	is_int(p.n, 2, "  two layers");
	is_str(p.items[1].digest, "sha256:" H3, "  second layer digest");
	is_int(p.items[1].size, 5368709120LL, "  a 5 GiB layer size survives");
	is_str(p.items[0].platform, "", "  layers have no platform");
	mf_free(&p);
	ok(p.items == NULL && p.n == 0, "mf_free empties the struct");
	mf_free(&p);

	ok(parse(docker_v2, "", &p, &err) == 0 && p.kind == MF_IMAGE,
	    "empty Content-Type: the document's mediaType decides");
	mf_free(&p);
	ok(parse(docker_v2, "application/json", &p, &err) == 0 &&
	    strcmp(p.media_type, MT_DOCKER_V2) == 0, "application/json is generic");
	mf_free(&p);
	ok(parse(docker_v2, "application/octet-stream", &p, &err) == 0 &&
	    strcmp(p.media_type, MT_DOCKER_V2) == 0, "application/octet-stream is generic");
	mf_free(&p);
	ok(parse(docker_v2, NULL, &p, &err) == 0, "NULL Content-Type is empty");
	mf_free(&p);
	ok(parse(docker_v2, " " MT_DOCKER_V2 "; charset=utf-8", &p, &err) == 0,
	    "Content-Type parameters are ignored");
	mf_free(&p);

	ok(parse(oci_manifest, MT_OCI_MANIFEST, &p, &err) == 0, "OCI manifest");
	is_int(p.kind, MF_IMAGE, "  is an image");
	is_int(p.n, 1, "  one layer");
	is_int(p.items[0].size, 0, "  size 0 is allowed");
	is_str(p.items[0].media_type, "application/vnd.oci.image.layer.v1.tar+zstd",
	    "  layer media type");
	mf_free(&p);
	ok(parse(oci_manifest, "", &p, &err) == 0 && p.kind == MF_IMAGE &&
	    strcmp(p.media_type, MT_OCI_MANIFEST) == 0,
	    "OCI manifest without mediaType: known by its layers");
	mf_free(&p);

	ok(parse(docker_list, MT_DOCKER_LIST, &p, &err) == 0, "Docker manifest list");
	is_int(p.kind, MF_INDEX, "  is an index");
	is_int(p.n, 7, "  seven entries");
	is_str(p.items[0].platform, "linux/amd64", "  platform os/arch");
	is_str(p.items[2].platform, "linux/arm/v7", "  platform with variant");
	is_str(p.items[4].platform, "windows/amd64", "  windows");
	is_str(p.items[6].platform, "", "  entry without platform");
	is_str(p.items[5].media_type, MT_OCI_MANIFEST, "  entry media type");
	is_int(p.items[3].size, 4, "  entry size");
	mf_free(&p);

	ok(parse(oci_index, "", &p, &err) == 0, "OCI index without mediaType");
	is_int(p.kind, MF_INDEX, "  known by its manifests");
	is_str(p.media_type, MT_OCI_INDEX, "  media type");
	is_str(p.items[1].platform, "linux/s390x", "  platform");
	mf_free(&p);
	ok(parse(oci_index, MT_OCI_INDEX, &p, &err) == 0, "OCI index with Content-Type");
	mf_free(&p);

	ok(mf_is_index_type(MT_OCI_INDEX) && mf_is_index_type(MT_DOCKER_LIST),
	    "both index types are indexes");
	ok(mf_is_index_type(MT_DOCKER_LIST "; charset=utf-8"), "index type with a parameter");
	ok(!mf_is_index_type(MT_OCI_MANIFEST) && !mf_is_index_type(MT_DOCKER_V2) &&
	    !mf_is_index_type("") && !mf_is_index_type(NULL) &&
	    !mf_is_index_type("application/json"), "others are not");

	/* What a registry may get wrong, or send on purpose. */
	reject("schema 1 by Content-Type", docker_v2, strlen(docker_v2),
	    "application/vnd.docker.distribution.manifest.v1+prettyjws",
	    "unsupported manifest type 'application/vnd.docker.distribution.manifest.v1+prettyjws'");
	reject("schema 1 by document", LIT("{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"y\","
	    "\"fsLayers\":[]}"), "application/json", "schema 1");
	reject("unknown document mediaType", LIT("{\"schemaVersion\":2,\"mediaType\":"
	    "\"application/vnd.example+json\",\"layers\":[]}"), "",
	    "unsupported manifest type 'application/vnd.example+json'");
	reject("Content-Type contradicting the document", docker_v2, strlen(docker_v2),
	    MT_OCI_INDEX, "served as");
	reject("neither manifests nor layers", LIT("{\"schemaVersion\":2}"), "",
	    "cannot tell");
	reject("both manifests and layers", LIT("{\"schemaVersion\":2,\"manifests\":[],"
	    "\"layers\":[]}"), "", "cannot tell");
	reject("schemaVersion 3", LIT("{\"schemaVersion\":3,\"manifests\":[]}"), "",
	    "schemaVersion");
	reject("schemaVersion as a string", LIT("{\"schemaVersion\":\"2\",\"manifests\":[]}"), "", "schemaVersion");
	reject("not JSON", LIT("{\"schemaVersion\":2,"), "", "not valid JSON");
	reject("empty", LIT(""), "", "not valid JSON");
	reject("a JSON array", LIT("[1,2]"), "", "not a JSON object");
	reject("trailing data", LIT("{\"schemaVersion\":2,\"manifests\":[]} x"), "",
	    "data after");
	reject("an embedded NUL", LIT("{\"schemaVersion\":2,\"manifests\":[]}\0{}"), "",
	    "data after");
	reject("missing config", LIT("{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_V2
	    "\",\"layers\":[]}"), "", "config: not an object");
	reject("layers not an array", LIT("{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX
	    "\",\"manifests\":{}}"), "", "manifests: not an array");
	reject("mediaType a number", LIT("{\"schemaVersion\":2,\"mediaType\":7}"), "",
	    "mediaType is not a string");

	reject_layer("layer missing digest", "{\"mediaType\":\"x\",\"size\":1}",
	    "layers[0]: missing digest");
	reject_layer("layer digest a number", "{\"mediaType\":\"x\",\"size\":1,\"digest\":7}",
	    "layers[0]: digest is not a string");
	reject_layer("short digest", "{\"mediaType\":\"x\",\"size\":1,"
	    "\"digest\":\"sha256:abc\"}", "invalid or unsupported digest 'sha256:abc'");
	reject_layer("sha512 digest", "{\"mediaType\":\"x\",\"size\":1,"
	    "\"digest\":\"sha512:" H1 H1 "\"}", "invalid or unsupported digest");
	reject_layer("uppercase digest", "{\"mediaType\":\"x\",\"size\":1,"
	    "\"digest\":\"sha256:" "ABCD" H1 "\"}", "invalid or unsupported digest");
	reject_layer("negative size", "{\"mediaType\":\"x\",\"size\":-1,"
	    "\"digest\":\"sha256:" H1 "\"}", "layers[0]: negative size");
	reject_layer("fractional size", "{\"mediaType\":\"x\",\"size\":1.5,"
	    "\"digest\":\"sha256:" H1 "\"}", "invalid size");
	reject_layer("huge size", "{\"mediaType\":\"x\",\"size\":1e300,"
	    "\"digest\":\"sha256:" H1 "\"}", "invalid size");
	reject_layer("size a string", "{\"mediaType\":\"x\",\"size\":\"1\","
	    "\"digest\":\"sha256:" H1 "\"}", "size is not a number");
	reject_layer("missing size", "{\"mediaType\":\"x\","
	    "\"digest\":\"sha256:" H1 "\"}", "missing size");
	reject_layer("missing mediaType", "{\"size\":1,\"digest\":\"sha256:" H1 "\"}",
	    "missing mediaType");
	reject_layer("layer a string", "\"sha256:" H1 "\"", "layers[0]: not an object");
}

static void
test_hostile(void)
{
	struct mf_parsed	 p;
	struct tm_err		 err;
	char			*doc, *deep;
	size_t			 i, depth = 100000;
	char			 plat[512];

	doc = big_index(MF_MAX_ITEMS);
	ok(parse(doc, "", &p, &err) == 0 && p.n == MF_MAX_ITEMS, "%d entries are allowed",
	    MF_MAX_ITEMS);
	mf_free(&p);
	free(doc);
	doc = big_index(MF_MAX_ITEMS + 1);
	reject("one entry over the limit", doc, strlen(doc), "", "over the limit");
	free(doc);

	/* Nesting past cJSON's limit fails cleanly instead of overflowing the stack. */
	deep = malloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	reject("100000 nested arrays", deep, 2 * depth, "", "not valid JSON");
	/* Deep but legal nesting in a field we do not read is harmless. */
	i = (size_t)snprintf(deep, 2 * depth, "{\"schemaVersion\":2,\"annotations\":");
	memset(deep + i, '[', 900);
	memset(deep + i + 900, ']', 900);
	strcpy(deep + i + 1800, ",\"manifests\":[]}");
	ok(parse(deep, "", &p, &err) == 0 && p.kind == MF_INDEX && p.n == 0,
	    "900 nested arrays in an ignored field");
	mf_free(&p);
	free(deep);

	reject("over MF_MAX_BYTES", docker_v2, MF_MAX_BYTES + 1, "", "byte limit");

	snprintf(plat, sizeof plat, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	    "\"size\":1,\"digest\":\"sha256:" H1 "\",\"platform\":\"linux/amd64\"}]}");
	reject("platform a string", plat, strlen(plat), "", "platform is not an object");
	snprintf(plat, sizeof plat, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	    "\"size\":1,\"digest\":\"sha256:" H1 "\",\"platform\":{\"os\":\"linux\"}}]}");
	reject("platform without architecture", plat, strlen(plat), "",
	    "manifests[0]: missing architecture");
	snprintf(plat, sizeof plat, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	    "\"size\":1,\"digest\":\"sha256:" H1 "\",\"platform\":{\"os\":\"linux\\u001b[2J\","
	    "\"architecture\":\"amd64\"}}]}");
	reject("terminal escape in os", plat, strlen(plat), "", "invalid platform");
	snprintf(plat, sizeof plat, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	    "\"size\":1,\"digest\":\"sha256:" H1 "\",\"platform\":{\"os\":\"linux/x\","
	    "\"architecture\":\"amd64\"}}]}");
	reject("slash in os", plat, strlen(plat), "", "invalid platform");
}

static void
test_digest(void)
{
	char	d[TM_DIGEST_MAX + 1];

	mf_digest("", 0, d);
	is_str(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "digest of no bytes");
	mf_digest("abc", 3, d);
	is_str(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "digest of 'abc'");
	ok(tm_digest_valid(d), "mf_digest output is a valid digest");
}

/* Filter docker_list by pats; returns the kept count and checks the output. */
static int
filter(const char *doc, const char *pats, struct mf_parsed *p)
{
	struct tm_err	 err;
	char		*out = NULL;
	size_t		 outlen = 0;
	int		 n;

	memset(p, 0, sizeof *p);
	tm_err_clear(&err);
	n = mf_filter_index(doc, strlen(doc), pats, &out, &outlen, &err);
	if (n > 0) {
		ok(out != NULL && outlen == strlen(out), "  '%s': output and its length", pats);
		ok(mf_parse(out, outlen, "", p, &err) == 0 && p->kind == MF_INDEX &&
		    (int)p->n == n, "  '%s': output is an index with %d entries", pats, n);
	} else if (n == 0) {
		ok(out == NULL && outlen == 0, "  '%s': no output when nothing matched", pats);
	} else {
		printf("#   %s\n", err.msg);
	}
	free(out);
	return n;
}

static void
test_filter(void)
{
	struct mf_parsed	 p;
	struct tm_err		 err;
	char			*out = NULL;
	size_t			 outlen = 0;
	char			 d1[TM_DIGEST_MAX + 1], d2[TM_DIGEST_MAX + 1];

	is_int(filter(docker_list, "linux/amd64", &p), 1, "filter linux/amd64");
	is_str(p.media_type, MT_DOCKER_LIST, "  index keeps its media type");
	is_str(p.items[0].digest, "sha256:" H1, "  the right entry");
	mf_free(&p);
	is_int(filter(docker_list, "amd64", &p), 2, "filter amd64 matches any os");
	is_str(p.items[1].platform, "windows/amd64", "  windows kept");
	mf_free(&p);
	is_int(filter(docker_list, "linux/arm/v7", &p), 1, "filter linux/arm/v7");
	is_str(p.items[0].digest, "sha256:" H3, "  the v7 entry");
	mf_free(&p);
	is_int(filter(docker_list, "linux/arm", &p), 2, "linux/arm matches every variant");
	mf_free(&p);
	is_int(filter(docker_list, "linux/arm64", &p), 1, "linux/arm64 matches arm64/v8");
	mf_free(&p);
	is_int(filter(docker_list, " linux/amd64 , linux/arm64/v8", &p), 2,
	    "two platforms with blanks");
	is_str(p.items[0].digest, "sha256:" H1, "  order kept (1)");
	is_str(p.items[1].digest, "sha256:" H4, "  order kept (2)");
	mf_free(&p);
	is_int(filter(docker_list, "s390x", &p), 0, "nothing matches s390x");
	is_int(filter(docker_list, "linux/arm/v5", &p), 0, "nothing matches arm/v5");

	is_int(filter(oci_index, "linux/s390x", &p), 1, "OCI index without mediaType");
	is_str(p.media_type, MT_OCI_INDEX, "  still an OCI index");
	mf_free(&p);
	ok(mf_filter_index(oci_index, strlen(oci_index), "linux/s390x", &out, &outlen,
	    &err) == 1 && strstr(out, "\"annotations\":{\"a\":\"b\"}") != NULL &&
	    strstr(out, "mediaType\":\"" MT_OCI_INDEX) == NULL,
	    "  annotations kept, no mediaType added");
	mf_digest(oci_index, strlen(oci_index), d1);
	mf_digest(out, outlen, d2);
	ok(strcmp(d1, d2) != 0, "  a filtered index is a new manifest");
	free(out);

	tm_err_clear(&err);
	is_int(mf_filter_index(docker_list, strlen(docker_list), "linux//amd64", &out, &outlen,
	    &err), -1, "reject 'linux//amd64'");
	ok(err.cat == TM_CAT_USAGE && strstr(err.msg, "'linux//amd64'") != NULL,
	    "  usage error naming it");
	is_int(mf_filter_index(docker_list, strlen(docker_list), "", &out, &outlen, &err), -1,
	    "reject an empty list");
	is_int(mf_filter_index(docker_list, strlen(docker_list), "linux/amd64,", &out, &outlen,
	    &err), -1, "reject an empty item");
	is_int(mf_filter_index(docker_list, strlen(docker_list), "a/b/c/d", &out, &outlen,
	    &err), -1, "reject four parts");
	tm_err_clear(&err);
	is_int(mf_filter_index(docker_v2, strlen(docker_v2), "amd64", &out, &outlen, &err), -1,
	    "filtering an image manifest fails");
	ok(err.cat == TM_CAT_PROTOCOL && strstr(err.msg, "not an index") != NULL,
	    "  and says why");
	is_int(mf_filter_index("{", 1, "amd64", &out, &outlen, &err), -1,
	    "filtering bad JSON fails");
	ok(out == NULL, "  no output");
}

int
main(void)
{
	test_parse();
	test_hostile();
	test_digest();
	test_filter();
	return tap_done();
}
