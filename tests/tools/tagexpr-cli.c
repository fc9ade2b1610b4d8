/*
 * Golden driver for tag expressions (as tig's test-graph):
 *
 *   tagexpr-cli EXPR < names            selected names, input order
 *   tagexpr-cli --natural EXPR < names  selected names, natural order
 *   tagexpr-cli --counts EXPR < names   "COUNT<TAB>ITEM" per item
 *   tagexpr-cli --batch FILE < names    each line of FILE an expression:
 *                                       one output line of the 0-based
 *                                       indexes it selects ("E" on error)
 *   tagexpr-cli --fnmatch FILE < names  same, each line one raw glob for
 *                                       tm_fnmatch (no splitting)
 *   tagexpr-cli --range FILE < names    same, each line one raw range for
 *                                       tm_semver_range_check (commas and
 *                                       all, as skopeo takes it)
 *   tagexpr-cli --sort < names          names in natural order
 *
 * Names and patterns are bytes: one per line, only '\n' ends a line.
 * Exit 0, or 1 on an expression error (message on stderr).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semver.h"
#include "tagexpr.h"

struct lines {
	char	**v;
	size_t	  n, cap;
};

static void
lines_read(FILE *f, struct lines *l)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;

	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1024;
			l->v = reallocarray(l->v, l->cap, sizeof *l->v);
			if (l->v == NULL)
				abort();
		}
		if ((l->v[l->n++] = strdup(line)) == NULL)
			abort();
	}
	free(line);
}

static void
lines_free(struct lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
idx_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/*
 * The indexes expr selects from names, in input order: through
 * tagexpr_apply, as the engine selects (latest: needs the whole list).
 * NULL with *n == 0 and err filled on an error.
 */
static size_t *
select_names(const char *expr, const struct lines *names, size_t *n,
    struct tm_err *err)
{
	struct tagexpr		*e;
	struct tagexpr_result	 r;
	size_t			*v;

	*n = 0;
	if ((e = tagexpr_compile(expr, err)) == NULL)
		return NULL;
	if (tagexpr_apply(e, (const char *const *)names->v, names->n, &r,
	    err) == -1) {
		tagexpr_free(e);
		return NULL;
	}
	tagexpr_free(e);
	qsort(r.matched, r.n_matched, sizeof *r.matched, idx_cmp);
	v = r.matched;
	*n = r.n_matched;
	r.matched = NULL;
	tagexpr_result_free(&r);
	return v;
}

/* One line of a batch: the names pattern p selects, "E" on an error. */
static void
batch_line(const char *mode, const char *p, const struct lines *names)
{
	struct tm_semver_range	*rg = NULL;
	struct tm_semver	 v;
	struct tm_err		 err;
	size_t			*sel = NULL, nsel = 0, i;
	const char		*sep = "";

	if (strcmp(mode, "--batch") == 0) {
		if ((sel = select_names(p, names, &nsel, &err)) == NULL) {
			puts("E");
			return;
		}
		for (i = 0; i < nsel; i++)
			printf("%s%zu", i > 0 ? " " : "", sel[i]);
		free(sel);
	} else if (strcmp(mode, "--range") == 0) {
		if ((rg = tm_semver_range_compile(p, &err)) == NULL) {
			puts("E");
			return;
		}
		for (i = 0; i < names->n; i++) {
			if (tm_semver_parse(names->v[i], strlen(names->v[i]),
			    &v) == 0 && tm_semver_range_check(rg, &v)) {
				printf("%s%zu", sep, i);
				sep = " ";
			}
		}
		tm_semver_range_free(rg);
	} else {
		for (i = 0; i < names->n; i++) {
			if (tm_fnmatch(p, names->v[i])) {
				printf("%s%zu", sep, i);
				sep = " ";
			}
		}
	}
	putchar('\n');
}

static int
batch(const char *mode, const char *path, const struct lines *names)
{
	struct lines	 pats = { 0 };
	FILE		*f = fopen(path, "r");
	size_t		 p;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	lines_read(f, &pats);
	fclose(f);
	for (p = 0; p < pats.n; p++)
		batch_line(mode, pats.v[p], names);
	lines_free(&pats);
	return 0;
}

static int
natcmp_qsort(const void *a, const void *b)
{
	return tm_natcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_expr(const char *mode, const char *expr, const struct lines *names)
{
	struct tagexpr		*e;
	struct tagexpr_result	 r;
	struct tm_err		 err;
	size_t			 i;

	if ((e = tagexpr_compile(expr, &err)) == NULL) {
		fprintf(stderr, "tagexpr-cli: %s\n", err.msg);
		return 1;
	}
	if (mode == NULL) {
		size_t	*sel, nsel;

		tagexpr_free(e);
		if ((sel = select_names(expr, names, &nsel, &err)) == NULL) {
			fprintf(stderr, "tagexpr-cli: %s\n", err.msg);
			return 1;
		}
		for (i = 0; i < nsel; i++)
			puts(names->v[sel[i]]);
		free(sel);
		return 0;
	} else {
		if (tagexpr_apply(e, (const char *const *)names->v, names->n,
		    &r, &err) == -1) {
			fprintf(stderr, "tagexpr-cli: %s\n", err.msg);
			tagexpr_free(e);
			return 1;
		}
		if (strcmp(mode, "--natural") == 0)
			for (i = 0; i < r.n_matched; i++)
				puts(names->v[r.matched[i]]);
		else
			for (i = 0; i < tagexpr_items(e); i++)
				printf("%zu\t%s\n", r.item_counts[i],
				    tagexpr_item_text(e, i));
		tagexpr_result_free(&r);
	}
	tagexpr_free(e);
	return 0;
}

int
main(int argc, char **argv)
{
	struct lines	names = { 0 };
	int		rc;

	if (argc < 2 || (argc == 3 && strcmp(argv[1], "--batch") != 0 &&
	    strcmp(argv[1], "--fnmatch") != 0 &&
	    strcmp(argv[1], "--range") != 0 &&
	    strcmp(argv[1], "--natural") != 0 &&
	    strcmp(argv[1], "--counts") != 0) || argc > 3) {
		fputs("usage: tagexpr-cli [--natural|--counts] EXPR < names\n"
		    "       tagexpr-cli --batch|--fnmatch|--range FILE < names\n"
		    "       tagexpr-cli --sort < names\n", stderr);
		return 2;
	}
	lines_read(stdin, &names);
	if (argc == 2 && strcmp(argv[1], "--sort") == 0) {
		size_t	i;

		qsort(names.v, names.n, sizeof *names.v, natcmp_qsort);
		for (i = 0; i < names.n; i++)
			puts(names.v[i]);
		rc = 0;
	} else if (argc == 2)
		rc = run_expr(NULL, argv[1], &names);
	else if (strcmp(argv[1], "--batch") == 0 ||
	    strcmp(argv[1], "--fnmatch") == 0 ||
	    strcmp(argv[1], "--range") == 0)
		rc = batch(argv[1], argv[2], &names);
	else
		rc = run_expr(argv[1], argv[2], &names);
	lines_free(&names);
	return rc;
}
