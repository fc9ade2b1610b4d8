/*
 * The plan's matching without a registry: which upstream tags a run
 * takes (expression, --only-failed) and which destination tags are stale.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "tagexpr.h"
#include "tap.h"

#define N(a)	(sizeof (a) / sizeof (a)[0])

static const char	*src[] = { "1.10", "1.9", "2.0", "latest", "1.2" };

/* The matched names, joined by spaces, for one is_str. */
static void
joined(char *buf, size_t n, const char *const *names, const size_t *idx,
    size_t k)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < k; i++) {
		if (i > 0)
			strncat(buf, " ", n - strlen(buf) - 1);
		strncat(buf, names[idx != NULL ? idx[i] : i], n - strlen(buf) - 1);
	}
}

static void
test_match(void)
{
	struct tagexpr	*e;
	struct tm_err	 err;
	const char	*only[] = { "1.9", "gone", "1.10" };
	char		 buf[256];
	size_t		*out, n;

	e = tagexpr_compile("1.*", &err);
	is_int(plan_match(e, NULL, 0, src, N(src), 0, &out, &n, NULL, &err), 0,
	    "match by expression");
	joined(buf, sizeof buf, src, out, n);
	is_str(buf, "1.2 1.9 1.10", "the matches in natural order");
	free(out);
	is_int(plan_match(e, only, N(only), src, N(src), 0, &out, &n, NULL, &err), 0,
	    "match restricted to --only-failed tags");
	joined(buf, sizeof buf, src, out, n);
	is_str(buf, "1.9 1.10", "only the failed ones still upstream");
	free(out);
	tagexpr_free(e);
	is_int(plan_match(NULL, only, N(only), src, N(src), 0, &out, &n, NULL, &err), 0,
	    "no expression: --only-failed alone");
	joined(buf, sizeof buf, src, out, n);
	is_str(buf, "1.9 1.10", "every failed tag still upstream");
	free(out);
}

static void
test_stale(void)
{
	struct tagexpr	 *e;
	struct tm_err	  err;
	const char	 *dst[] = { "1.0", "1.10", "1.11", "3.0", "old" };
	char		**out, buf[256];
	size_t		  n, i;

	e = tagexpr_compile("1.*", &err);
	is_int(plan_stale_tags(e, src, N(src), dst, N(dst), &out, &n, &err), 0,
	    "stale tags found");
	joined(buf, sizeof buf, (const char *const *)out, NULL, n);
	is_str(buf, "1.0 1.11", "matched, in the destination, gone upstream");
	for (i = 0; i < n; i++)
		free(out[i]);
	free(out);
	is_int(plan_stale_tags(e, src, N(src), dst, 0, &out, &n, &err), 0,
	    "an empty destination");
	is_int(n, 0, "has nothing stale");
	free(out);
	tagexpr_free(e);
}

/* The warnings of one expression over src, joined by " | ". */
static void
warned(const char *expr, size_t rejected, char *buf, size_t n)
{
	struct plan_warnings	 w = { 0 };
	struct tagexpr		*e;
	struct tm_err		 err;
	size_t			*out, k;

	buf[0] = '\0';
	if ((e = tagexpr_compile(expr, &err)) == NULL)
		return;
	if (plan_match(e, NULL, 0, src, N(src), rejected, &out, &k, &w,
	    &err) == 0) {
		joined(buf, n, (const char *const *)w.v, NULL, w.n);
		free(out);
	}
	plan_warnings_free(&w);
	tagexpr_free(e);
}

static void
test_warnings(void)
{
	char	buf[512];

	warned("1.*,2.*", 0, buf, sizeof buf);
	is_str(buf, "", "every item matched: no warning");
	warned("\"latest\"", 0, buf, sizeof buf);
	is_str(buf, "item 1 '\"latest\"' matches no tag nothing matched: no tag "
	    "of 5 would be mirrored", "a stray-quote item, and nothing selected");
	warned(",", 0, buf, sizeof buf);
	is_str(buf, "nothing matched: no tag of 5 would be mirrored",
	    "no items: nothing selected");
	warned("!*", 0, buf, sizeof buf);
	is_str(buf, "nothing matched: no tag of 5 would be mirrored",
	    "everything excluded: nothing selected");
	warned("1.*,!9.*", 2, buf, sizeof buf);
	is_str(buf, "skipped 2 names that are not valid tag names item 2 "
	    "'!9.*' excludes no tag", "rejected names, an exclusion of none");
	warned("1.*", 1, buf, sizeof buf);
	is_str(buf, "skipped 1 name that is not a valid tag name",
	    "one rejected name, in the singular");
}

int
main(void)
{
	test_match();
	test_stale();
	test_warnings();
	return tap_done();
}
