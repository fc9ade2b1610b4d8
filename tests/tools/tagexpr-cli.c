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
 *   tagexpr-cli --sort < names          names in natural order
 *
 * Names and patterns are bytes: one per line, only '\n' ends a line.
 * Exit 0, or 1 on an expression error (message on stderr).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
batch(const char *path, int raw, const struct lines *names)
{
	struct lines	 pats = { 0 };
	struct tm_err	 err;
	FILE		*f = fopen(path, "r");
	size_t		 p, i;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	lines_read(f, &pats);
	fclose(f);
	for (p = 0; p < pats.n; p++) {
		struct tagexpr	*e = NULL;
		const char	*sep = "";

		if (!raw && (e = tagexpr_compile(pats.v[p], &err)) == NULL) {
			puts("E");
			continue;
		}
		for (i = 0; i < names->n; i++) {
			if (raw ? tm_fnmatch(pats.v[p], names->v[i]) :
			    tagexpr_match(e, names->v[i])) {
				printf("%s%zu", sep, i);
				sep = " ";
			}
		}
		putchar('\n');
		tagexpr_free(e);
	}
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
		for (i = 0; i < names->n; i++)
			if (tagexpr_match(e, names->v[i]))
				puts(names->v[i]);
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
	    strcmp(argv[1], "--natural") != 0 &&
	    strcmp(argv[1], "--counts") != 0) || argc > 3) {
		fputs("usage: tagexpr-cli [--natural|--counts] EXPR < names\n"
		    "       tagexpr-cli --batch|--fnmatch FILE < names\n"
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
	else if (strcmp(argv[1], "--batch") == 0)
		rc = batch(argv[2], 0, &names);
	else if (strcmp(argv[1], "--fnmatch") == 0)
		rc = batch(argv[2], 1, &names);
	else
		rc = run_expr(argv[1], argv[2], &names);
	lines_free(&names);
	return rc;
}
