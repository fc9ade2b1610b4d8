/*
 * The single-pass tags page reader: fixed cases, then thousands of mutated
 * pages read both by it and by cJSON's tree (what the registry client used
 * before), which must agree on accept/refuse, the names and the count.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ref.h"
#include "tagsjson.h"
#include "tap.h"

#define OUT_MAX	8192

/* Parse a copy of body[0..len); names joined by spaces into out. */
static int
scan(const char *body, size_t len, char *out, size_t *count)
{
	char		*copy = malloc(len + 1);
	const char	**names;
	size_t		 n, i, used = 0;
	int		 rc;

	memcpy(copy, body, len);
	copy[len] = '\0';
	out[0] = '\0';
	rc = tags_json_parse(copy, len, &names, &n, count);
	for (i = 0; rc == 0 && i < n; i++)
		used += (size_t)snprintf(out + used, OUT_MAX - used, "%s%s",
		    i ? " " : "", names[i]);
	if (rc == 0)
		free(names);
	free(copy);
	return rc;
}

static int
scan_str(const char *body, char *out, size_t *count)
{
	return scan(body, strlen(body), out, count);
}

/* The same through cJSON, as tags_page used to read a page. */
static int
oracle(const char *body, size_t len, char *out, size_t *count)
{
	cJSON		*root = cJSON_ParseWithLength(body, len);
	const cJSON	*tags = cJSON_GetObjectItemCaseSensitive(root, "tags"), *t;
	size_t		 used = 0;

	out[0] = '\0';
	*count = 0;
	if (!cJSON_IsObject(root) || (tags != NULL && !cJSON_IsArray(tags) &&
	    !cJSON_IsNull(tags))) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(t, tags) {
		(*count)++;
		if (cJSON_IsString(t) && tm_tag_valid(t->valuestring))
			used += (size_t)snprintf(out + used, OUT_MAX - used,
			    "%s%s", used ? " " : "", t->valuestring);
	}
	cJSON_Delete(root);
	return 0;
}

static void
case_is(const char *body, int want_rc, const char *want, size_t want_count,
    const char *desc)
{
	char	out[OUT_MAX];
	size_t	count = 0;
	int	rc = scan_str(body, out, &count);

	ok(rc == want_rc && (rc != 0 || (strcmp(out, want) == 0 &&
	    count == want_count)), "%s", desc);
	if (rc != want_rc || (rc == 0 && (strcmp(out, want) != 0 ||
	    count != want_count)))
		printf("#   rc %d, names '%s', count %zu\n", rc, out, count);
}

static void
fixed_cases(void)
{
	static const char raw_nul[] = "{\"tags\":[\"abc\0def\",\"ok\"]}";
	/* deeper holds all of deep and the object around it: no truncation. */
	static char	deep[2100], deeper[sizeof deep + 32];
	char		out[OUT_MAX];
	size_t		count;
	int		i;

	case_is("{\"name\":\"lib/python\",\"tags\":[\"3.9\",\"latest\"]}", 0,
	    "3.9 latest", 2, "a page: its names, in order");
	case_is("{\"tags\":[\"\\u0033.9\",\"a\\/b\",\"x\\ty\"]}", 0, "3.9", 3,
	    "escapes decode; names they make invalid are rejected");
	case_is("{\"tags\":[\"ab\\u0000\",\"abc\\uZZZZ\",\"ok\"]}", 0, "ok", 3,
	    "a NUL from an escape (even a malformed one) rejects the name, "
	    "not just its tail");
	ok(scan(raw_nul, sizeof raw_nul - 1, out, &count) == 0 &&
	    strcmp(out, "ok") == 0 && count == 2,
	    "a raw NUL in a name rejects the name");
	case_is("{\"tags\":[\"\\u00e9\",\"\\ud83d\\ude00\",\"\\u001b[31m\",\"v1\"]}",
	    0, "v1", 4, "non-ASCII, a surrogate pair and ESC: rejected, counted");
	case_is("{\"tags\":[\"\\udc00\"]}", -1, "", 0, "a lone low surrogate is "
	    "not JSON");
	case_is("{\"tags\":[\"\\ud800x\"]}", -1, "", 0, "a high surrogate alone "
	    "is not JSON");
	case_is("{\"tags\":[\"\\x\"]}", -1, "", 0, "an unknown escape is not JSON");
	case_is("{\"tags\":[1,-0.5e+3,1.,true,false,null,{\"a\":[]},[\"x\"],\"y\"]}",
	    0, "y", 9, "other values are counted, never names");
	case_is("{\"tags\":null}", 0, "", 0, "null tags: an empty list");
	case_is("{\"name\":\"x\"}", 0, "", 0, "no tags key: an empty list");
	case_is("{\"tags\":{}}", -1, "", 0, "tags as an object: not a page");
	case_is("{\"tags\":\"a\"}", -1, "", 0, "tags as a string: not a page");
	case_is("[\"a\"]", -1, "", 0, "an array at the top: not a page");
	case_is("", -1, "", 0, "an empty body: not a page");
	case_is("{\"tags\":[\"a\",]}", -1, "", 0, "a trailing comma: not JSON");
	case_is("{\"tags\":[\"a\"]", -1, "", 0, "cut short: not JSON");
	case_is("{\"tags\":[\"a\"]} <html>", 0, "a", 1,
	    "bytes after the object are ignored, as cJSON does");
	case_is("\xEF\xBB\xBF {\"tags\":[\"a\"]}", 0, "a", 1, "a UTF-8 BOM is skipped");
	case_is("{\"tags\":[\"a\"],\"tags\":[\"b\"]}", 0, "a", 1,
	    "the first tags key counts");
	case_is("{\"x\":{\"tags\":[\"no\"]},\"t\\u0061gs\":[\"yes\"]}", 0, "yes", 1,
	    "only a top-level key, however spelled, is the list");
	for (i = 0; i < 999; i++)
		deep[i] = '[';
	deep[i] = '\0';
	for (i = 0; i < 999; i++)
		strcat(deep, "]");
	snprintf(deeper, sizeof deeper, "{\"x\":%s,\"tags\":[\"a\"]}", deep);
	case_is(deeper, 0, "a", 1, "1,000 levels of nesting, as cJSON allows");
	snprintf(deeper, sizeof deeper, "{\"x\":[%s],\"tags\":[\"a\"]}", deep);
	case_is(deeper, -1, "", 0, "1,001 levels: refused, as cJSON does");
}

static unsigned	seed = 20261128;

static unsigned
rnd(unsigned n)
{
	seed = seed * 1103515245 + 12345;
	return (seed >> 16) % n;
}

/*
 * Mutations of real-looking pages.  No 'u' after a backslash and no NUL:
 * there cJSON keeps "ab\u0000" as "ab", which the reader refuses on
 * purpose (the fixed cases above cover it).
 */
static void
differential(void)
{
	static const char *const base[] = {
		"{\"name\":\"lib/python\",\"tags\":[\"3.9\",\"3.10-slim\",\"latest\"]}",
		"{\"child\":{\"a\":[1,2.5e3,-0,true,false,null]},\"tags\":[\"a\\/b\",\"x\",7]}",
		"\t{ \"tags\" : [ \"v1\" , \"v2\" ] , \"tags\" : null }\n",
		"{\"tags\":[\"3\",\"01\",\"-x\",\"_y\",\"a.b-c\",\"\\\"q\\\"\",\"\\t\"]}",
		"{\"tags\":null,\"name\":\"n\"}",
	};
	static const char alpha[] = "{}[]\":,\\ \t\n\x01""0123456789.eE-+/tnflsr_ab";
	char		body[512], a[OUT_MAX], b[OUT_MAX];
	size_t		len, ca, cb, k;
	int		i, j, ra, rb, bad = 0, skipped = 0, accepted = 0;

	for (i = 0; i < 30000; i++) {
		const char	*src = base[rnd(sizeof base / sizeof base[0])];

		len = strlen(src);
		memcpy(body, src, len);
		for (j = (int)rnd(4); j >= 0; j--) {
			k = len ? rnd((unsigned)len) : 0;
			switch (rnd(4)) {
			case 0:		/* replace */
				if (len)
					body[k] = alpha[rnd(sizeof alpha - 1)];
				break;
			case 1:		/* insert */
				if (len + 1 < sizeof body) {
					memmove(body + k + 1, body + k, len - k);
					body[k] = alpha[rnd(sizeof alpha - 1)];
					len++;
				}
				break;
			case 2:		/* delete */
				if (len) {
					memmove(body + k, body + k + 1, len - k - 1);
					len--;
				}
				break;
			default:	/* truncate */
				len = k;
			}
		}
		body[len] = '\0';
		if (strstr(body, "\\u") != NULL) {
			skipped++;
			continue;
		}
		ra = scan(body, len, a, &ca);
		rb = oracle(body, len, b, &cb);
		accepted += ra == 0;
		if (ra != rb || (ra == 0 && (strcmp(a, b) != 0 || ca != cb))) {
			if (bad++ < 5)
				printf("#   '%s': reader %d '%s' %zu, cJSON %d '%s' %zu\n",
				    body, ra, a, ca, rb, b, cb);
		}
	}
	is_int(bad, 0, "30,000 mutated pages: the reader and cJSON agree "
	    "(%d accepted, %d skipped)", accepted, skipped);
	ok(accepted > 3000 && skipped < 3000, "the mutations exercise both "
	    "outcomes: %d accepted", accepted);
}

int
main(void)
{
	fixed_cases();
	differential();
	return tap_done();
}
