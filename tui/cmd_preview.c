/*
 * `tagmirror preview`: the tags an expression selects, printed as text or
 * JSON, with the referrers a run would bring per tag (core's refcount).
 * Listing and matching are the preview model's, as in the TUI.
 */
#include "config.h"

#include "commands.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lines.h"
#include "matchwarn.h"
#include "model_preview.h"
#include "nameset.h"
#include "ref.h"
#include "refcount.h"

#define PREVIEW_ATTEMPTS	3	/* per request */
#define PREVIEW_RETRY_CAP	5.0	/* longest wait, seconds */

static const char usage[] =
"Usage: tagmirror preview SOURCE --tags EXPR [options]\n"
"       tagmirror preview --tag-list FILE|- --tags EXPR [options]\n"
"\n"
"Lists every tag of the SOURCE repository, applies the tag expression and\n"
"prints the tags it selects in natural version order (3.9 before 3.10)\n"
"on stdout, and on stderr, on lines starting with '#', how many tags each\n"
"item matched.\n"
"Each selected tag of a registry is looked at (a HEAD, a GET for an\n"
"index) to count the referrers and cosign artefacts a run would copy with\n"
"it (the run's --no-referrers and --referrer-types apply).\n"
"Nothing is copied.\n"
"\n"
"EXPR is a comma-separated list of items, as in a Quay mirror rule:\n"
"  GLOB           Python fnmatch: * ? [seq] [!seq], case-sensitive\n"
"  !GLOB          leave out the tags GLOB matches\n"
"  re:REGEX       POSIX extended regex matching the whole tag\n"
"  semver:RANGE   versions in RANGE as skopeo reads them: >=3.10 <3.13 (AND\n"
"                 with blanks, not ','), ~3.12, ^3, 3.9 - 3.11, || for OR;\n"
"                 a suffix (3.12.4-slim) is a pre-release, skipped\n"
"  semver:RANGE;suffix=GLOB  variants on purpose: ~3.12;suffix=-slim*\n"
"  latest:N[:GLOB]  the N highest versions GLOB matches (default *),\n"
"                 after the '!' items: latest:5, !*-rc*\n"
"  A tag is selected when an item matches it and no '!' item does; with\n"
"  only '!' items, every tag they do not match is selected.\n"
"\n"
"Options:\n"
"  -t, --tags EXPR            the tag expression (required)\n"
"  --tag-list FILE|-          match the tag names in FILE (one a line; - for\n"
"                             stdin) instead of listing a registry\n"
"  --json                     JSON Lines: a line per tag, then a summary\n"
"  -q, --quiet                no '#' lines (warnings still on stderr)\n"
"  --no-referrers             count no referrers: no request but the listing\n"
"  --referrer-types LIST      count only these artifactTypes, or signature,\n"
"                             attestation, sbom (as run)\n"
"  -v, --verbose              a line per request on stderr (no secrets)\n"
"  --log FILE                 those request lines into FILE (mode 0600)\n"
"  --src-username USER, --src-password PASS\n"
"  --src-registry-token TOKEN a bearer token, sent as is\n"
"  --authfile FILE, --src-authfile FILE\n"
"                             auth.json read first, as skopeo's\n"
"  --retry-times N, --retry-delay SECONDS\n"
"  --src-creds USER[:PASS]    source credentials (default: auth files)\n"
"  --src-password-stdin       read the source password from stdin\n"
"  --src-tls-verify=false     skip TLS verification, allow plain HTTP\n"
"  --src-cert-dir DIR         extra CA certificates (*.crt) for the source\n"
"  --src-no-creds             never read the auth files\n"
"  -h, --help                 this text\n"
"\n"
"A failing request is tried 3 times, waiting at most 5 seconds between.\n"
"\n"
"Exit status: 0 listed (with a warning on stderr when nothing matched),\n"
"1 usage or expression error, 2 the registry could not be read.\n";

/* What to show: the model's names and result, and the warnings. */
struct preview_out {
	const char			*source;
	struct preview			*pv;
	char *const			*names;
	size_t				 n;
	size_t				 rejected;
	const struct tagexpr		*te;
	const struct tagexpr_result	*res;
	struct match_warning		*warn;	/* matchwarn.c's */
	size_t				 nwarn;
	struct refcount			*refs;	/* NULL: not counted */
};

/*
 * Read tag names, one a line.  Blanks around a name are dropped; a line
 * that is not a valid tag is counted, never shown; a repeat is dropped.
 * 0, or 1 (usage).
 */
struct tag_reader {
	char		**names;
	size_t		  n, cap, rejected;
	struct nameset	 *seen;
};

static int
tag_line(void *ud, char *line)
{
	struct tag_reader	*r = ud;
	char			*s, *e, **v;
	int			 added;

	for (s = line; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	if (*s == '\0')
		return 0;
	if (!tm_tag_valid(s)) {
		r->rejected++;
		return 0;
	}
	if ((added = nameset_add(r->seen, s)) != 1)
		return added;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		if ((v = reallocarray(r->names, r->cap, sizeof *v)) == NULL)
			return -1;
		r->names = v;
	}
	if ((r->names[r->n] = strdup(s)) == NULL)
		return -1;
	r->n++;
	return 0;
}

static int
read_tag_list(const char *path, struct preview_out *po)
{
	FILE			*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct tag_reader	 r = { NULL, 0, 0, 0, NULL };
	int			 rc = 0;

	if (f == NULL)
		return cli_error("cannot read the tag list '%s': %m", path);
	if ((r.seen = nameset_new()) == NULL) {
		if (f != stdin)
			fclose(f);
		return cli_error("out of memory");
	}
	if (lines_each(f, tag_line, &r) != 0 || ferror(f) || !feof(f))
		rc = cli_error("cannot read the tag list '%s'", path);
	nameset_free(r.seen);
	if (f != stdin)
		fclose(f);
	/* The model owns the names from here, even after a failed read. */
	preview_take(po->pv, path, r.names, r.n, r.rejected);
	return rc;
}

/* List the registry: 0, or the exit status with the error printed. */
static int
read_registry(const char *source, const struct reg_opts *ro,
    struct preview_out *po)
{
	struct tm_err	err;
	char		buf[768];

	if (preview_fetch(po->pv, source, ro, &err) == -1) {
		tm_err_format(&err, buf, sizeof buf);
		cli_error("cannot list tags of %s: %s", source, buf);
		return err.cat == TM_CAT_USAGE ? 1 : 2;
	}
	return 0;
}

/* Item text as the user typed it, made safe for a terminal. */
static char *
item_safe(const struct tagexpr *te, size_t i)
{
	const char	*t = tagexpr_item_text(te, i);
	size_t		 n = strlen(t) + 1;
	char		*s = malloc(n);

	return s == NULL ? NULL : tm_sanitize(s, n, t);
}

static const char *
kind_name(enum tagexpr_kind k)
{
	switch (k) {
	case TAGEXPR_EXCLUDE:
		return "exclude";
	case TAGEXPR_REGEX:
		return "regex";
	case TAGEXPR_SEMVER:
		return "semver";
	case TAGEXPR_LATEST:
		return "latest";
	case TAGEXPR_GLOB:
		break;
	}
	return "glob";
}

/* The referrers of selected tag i, or (i == SIZE_MAX) their sum; -1 failed. */
static long
refs_of(const struct preview_out *po, size_t i)
{
	long	sum = 0, c;
	size_t	k;

	if (i != SIZE_MAX)
		return refcount_get(po->refs, i) < 0 ? -1 :
		    refcount_get(po->refs, i);
	for (k = 0; k < po->res->n_matched; k++)
		if ((c = refs_of(po, k)) > 0)
			sum += c;
	return sum;
}

/* ,"referrers":N (null and the reason when not counted) on a JSON line. */
static void
json_refs(const struct preview_out *po, size_t i)
{
	struct tm_err	err;
	char		buf[768];

	if (po->refs == NULL)
		return;
	if (refs_of(po, i) >= 0) {
		printf(",\"referrers\":%ld", refs_of(po, i));
		return;
	}
	refcount_error(po->refs, i, &err);
	tm_err_format(&err, buf, sizeof buf);
	fputs(",\"referrers\":null,\"referrers_error\":", stdout);
	cli_json_str(stdout, buf);
}

/* JSON Lines: a line per selected tag, then the summary object. */
static void
print_json(const struct preview_out *po)
{
	size_t	i;

	for (i = 0; i < po->res->n_matched; i++) {
		fputs("{\"type\":\"tag\",\"tag\":", stdout);
		cli_json_str(stdout, po->names[po->res->matched[i]]);
		json_refs(po, i);
		fputs("}\n", stdout);
	}
	fputs("{\"type\":\"summary\",\"source\":", stdout);
	cli_json_str(stdout, po->source);
	json_refs(po, SIZE_MAX);
	printf(",\"total_tags\":%zu,\"matched\":[", po->n);
	for (i = 0; i < po->res->n_matched; i++) {
		if (i > 0)
			putchar(',');
		cli_json_str(stdout, po->names[po->res->matched[i]]);
	}
	fputs("],\"items\":[", stdout);
	for (i = 0; i < tagexpr_items(po->te); i++) {
		fputs(i > 0 ? ",{\"item\":" : "{\"item\":", stdout);
		cli_json_str(stdout, tagexpr_item_text(po->te, i));
		printf(",\"kind\":\"%s\",\"matched\":%zu}",
		    kind_name(tagexpr_item_kind(po->te, i)),
		    po->res->item_counts[i]);
	}
	fputs("],\"warnings\":[", stdout);
	for (i = 0; i < po->nwarn; i++) {
		if (i > 0)
			putchar(',');
		cli_json_str(stdout, po->warn[i].text);
	}
	fputs("]}\n", stdout);
}

/*
 * "# 9 referrers would come with 2 of 3 tags", then a line per tag with
 * any (or whose count failed, and why).  A name is made safe first.
 */
static void
text_refs(const struct preview_out *po)
{
	struct tm_err	err;
	char		buf[768], name[TM_TAG_MAX + 1];
	size_t		i, with = 0;

	for (i = 0; i < po->res->n_matched; i++)
		with += refs_of(po, i) != 0;
	fprintf(stderr, "# %ld referrer%s would come with %zu of %zu tag%s\n",
	    refs_of(po, SIZE_MAX), refs_of(po, SIZE_MAX) == 1 ? "" : "s",
	    with, po->res->n_matched, po->res->n_matched == 1 ? "" : "s");
	for (i = 0; i < po->res->n_matched; i++) {
		tm_sanitize(name, sizeof name, po->names[po->res->matched[i]]);
		if (refs_of(po, i) > 0)
			fprintf(stderr, "#   %-20s %6ld\n", name, refs_of(po, i));
		else if (refs_of(po, i) < 0) {
			refcount_error(po->refs, i, &err);
			tm_err_format(&err, buf, sizeof buf);
			fprintf(stderr, "#   %-20s not counted: %s\n", name, buf);
		}
	}
}

/* The tags on stdout; the counts and warnings on stderr, so a pipe gets
 * tag names only. */
static void
print_text(const struct preview_out *po, int quiet)
{
	size_t	i, n = tagexpr_items(po->te), w = 4, len;
	char	*s;

	for (i = 0; i < po->res->n_matched; i++)
		puts(po->names[po->res->matched[i]]);
	/* Item warnings sit beside their item; the others on their own. */
	for (i = 0; i < po->nwarn; i++) {
		if (po->warn[i].item == MATCH_WARN_WHOLE)
			fprintf(stderr, "tagmirror: warning: %s\n",
			    po->warn[i].text);
	}
	if (quiet)
		return;
	fprintf(stderr, "# %zu of %zu tags selected by %zu item%s\n",
	    po->res->n_matched, po->n, n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		if ((len = strlen(tagexpr_item_text(po->te, i))) > w)
			w = len < 40 ? len : 40;
	for (i = 0; i < n; i++) {
		int	excl;

		excl = tagexpr_item_kind(po->te, i) == TAGEXPR_EXCLUDE;
		if ((s = item_safe(po->te, i)) == NULL)
			continue;
		fprintf(stderr, "# %3zu  %-*s %6zu %s", i + 1, (int)w, s,
		    po->res->item_counts[i], excl ? "removed" : "matched");
		if (po->res->item_counts[i] == 0)
			fprintf(stderr, "  warning: %s no tag",
			    excl ? "excludes" : "matches");
		fputc('\n', stderr);
		free(s);
	}
	if (po->refs != NULL)
		text_refs(po);
}

/* What the model holds after the names are in: 0, or -1 out of memory. */
static int
read_model(struct preview_out *po)
{
	struct preview_view	v;

	preview_view(po->pv, &v);
	po->names = v.names;
	po->n = v.n;
	po->rejected = v.rejected;
	po->te = v.te;
	po->res = v.res;
	return po->res != NULL ? 0 : -1;
}

/*
 * The referrers of every selected tag (not with --no-referrers: then no
 * request but the listing), counted at once.  0, or the exit status.
 */
static int
count_refs(struct preview_out *po, const struct cli *c)
{
	const char	**tags;
	struct tm_err	  err;
	char		  buf[768];
	size_t		  i;

	if (c->mo.no_referrers)
		return 0;
	if (read_model(po) == -1 ||
	    (tags = calloc(po->res->n_matched + 1, sizeof *tags)) == NULL)
		return cli_error("out of memory");
	for (i = 0; i < po->res->n_matched; i++)
		tags[i] = po->names[po->res->matched[i]];
	po->refs = refcount_start(po->source, &c->mo.src_reg,
	    c->mo.referrer_types, (const char *const *)po->names, po->n, tags,
	    po->res->n_matched, NULL, &err);
	free(tags);
	if (po->refs == NULL) {
		tm_err_format(&err, buf, sizeof buf);
		cli_error("cannot count the referrers of %s: %s", po->source,
		    buf);
		return err.cat == TM_CAT_USAGE ? 1 : 2;
	}
	refcount_wait(po->refs);
	return 0;
}

static void
preview_out_free(struct preview_out *po)
{
	refcount_free(po->refs);
	preview_free(po->pv);
	match_warnings_free(po->warn, po->nwarn);
}

/* The match's warnings, then the preview as text or JSON: 0, or 1. */
static int
print_preview(struct preview_out *po, const struct cli *c)
{
	if (match_warnings(po->te, po->res->item_counts, po->n, po->rejected,
	    po->res->n_matched, &po->warn, &po->nwarn) == -1)
		return cli_error("out of memory");
	if (c->json) {
		print_json(po);
		if (po->res->n_matched == 0)
			fputs("tagmirror: warning: nothing matched\n", stderr);
	} else
		print_text(po, c->quiet);
	if (fflush(stdout) == EOF || ferror(stdout))
		return cli_error("cannot write the preview: %m");
	return 0;
}

int
cmd_preview(int argc, char **argv)
{
	struct preview_out	 po;
	struct preview_view	 v;
	struct cli		 c;
	int			 rc;

	memset(&po, 0, sizeof po);
	if ((rc = cli_parse(&c, argc, argv, usage)) != 0) {
		cli_free(&c);
		return rc == 1 ? 0 : 1;
	}
	if (c.mo.expr == NULL)
		rc = cli_error("preview: --tags EXPR is required (see --help)");
	else if (c.npos > 1 || (c.npos == 0 && c.tag_list == NULL))
		rc = cli_error("preview: give one SOURCE repository, or "
		    "--tag-list FILE (see --help)");
	else if ((po.pv = preview_new()) == NULL)
		rc = cli_error("out of memory");
	if (rc != 0)
		goto out;
	preview_set_expr(po.pv, c.mo.expr);
	preview_view(po.pv, &v);
	if (v.te == NULL) {
		rc = cli_error("tag expression: %s", v.expr_err->msg);
		goto out;
	}
	po.source = c.npos == 1 ? c.pos[0] : c.tag_list;
	/* Someone is waiting: fail within seconds, not minutes. */
	if (c.mo.src_reg.max_attempts == 0)
		c.mo.src_reg.max_attempts = PREVIEW_ATTEMPTS;
	if (c.mo.src_reg.retry_cap == 0)
		c.mo.src_reg.retry_cap = PREVIEW_RETRY_CAP;
	if (c.tag_list != NULL)
		rc = read_tag_list(c.tag_list, &po);
	else if ((rc = cli_trace_start(&c)) == 0) {
		if ((rc = read_registry(po.source, &c.mo.src_reg, &po)) == 0)
			rc = count_refs(&po, &c);
		if (cli_trace_end(&c) != 0 && rc == 0)
			rc = 1;
	}
	if (rc != 0)
		goto out;
	if (read_model(&po) == -1) {
		rc = cli_error("out of memory");
		goto out;
	}
	rc = print_preview(&po, &c);
out:
	preview_out_free(&po);
	cli_free(&c);
	return rc;
}
