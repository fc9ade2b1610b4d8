/*
 * The program's entry: --version, --help, the headless subcommands, and
 * otherwise the TUI.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "init.h"

static const char usage[] =
"Usage: tagmirror [SOURCE [DEST]] [--tags EXPR] [options]   interactive\n"
"       tagmirror preview SOURCE --tags EXPR [options]      list matching tags\n"
"       tagmirror run SOURCE DEST --tags EXPR [options]     mirror\n"
"       tagmirror rollback JOURNAL | --last                 undo a run\n"
"       tagmirror sync FILE [options]                        mirror a whole set\n"
"       tagmirror --demo                                    try it on local registries\n"
"\n"
"Mirrors container image tags from an upstream repository into a\n"
"destination, best effort: what copied stays, failures are named, rollback\n"
"only when asked (--rollback or REPO_MIRROR_ROLLBACK=true).\n"
"\n"
"'tagmirror COMMAND --help' shows each command's options.\n"
"  -h, --help                 this text\n"
"  --version                  version\n"
"\n"
"The interactive mode's options:\n"
TUI_OPTIONS;

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} cmds[] = {
	{ "preview", cmd_preview },
	{ "run", cmd_run },
	{ "rollback", cmd_rollback },
	{ "sync", cmd_sync },
};

/* Levenshtein distance of two short words (longer ones: far apart). */
static size_t
distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, prev, tmp, d[33];

	if (la > 32 || lb > 32)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = a[i - 1] == b[j - 1] ? prev :
			    1 + (prev < d[j] ? (prev < d[j - 1] ? prev : d[j - 1]) :
			    (d[j] < d[j - 1] ? d[j] : d[j - 1]));
			prev = tmp;
		}
	}
	return d[lb];
}

/*
 * A first argument that is one word (no '.', ':', '/', '@') and no
 * command is a typo'd command, not a Docker Hub image, when it is close
 * to a command or another positional follows it ("prevew python"): a Hub
 * image is then written docker.io/NAME.  Returns 1 (said) or 0.
 */
static int
mistyped_command(int argc, char **argv)
{
	const char	*w = argv[1], *best = NULL;
	size_t		 i, d, bestd = 99;

	if (argc < 2 || w[0] == '-' || w[0] == '\0' ||
	    strpbrk(w, ".:/@") != NULL)
		return 0;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if ((d = distance(w, cmds[i].name)) < bestd) {
			bestd = d;
			best = cmds[i].name;
		}
	if (bestd > (strlen(best) > 4 ? 2 : 1) &&
	    (argc < 3 || argv[2][0] == '-'))
		return 0;
	if (bestd <= 2)
		cli_error("unknown command '%s': did you mean '%s'? (a Docker "
		    "Hub image is written docker.io/%s)", w, best, w);
	else
		cli_error("unknown command '%s': the commands are preview, run, "
		    "rollback and sync (a Docker Hub image is written docker.io/%s)",
		    w, w);
	return 1;
}

int
main(int argc, char **argv)
{
	size_t	i;
	int	rc;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("tagmirror %s (%s)\n", PACKAGE_VERSION, tm_backend_version());
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (tm_init() == -1)
		return cli_error("cannot initialise libcurl");
	rc = -1;
	for (i = 0; argc > 1 && i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			rc = cmds[i].fn(argc - 1, argv + 1);
	if (rc == -1 && mistyped_command(argc, argv))
		rc = 1;
	if (rc == -1)
		rc = tui_main(argc, argv);
	tm_cleanup();
	return rc;
}
