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
"  -h, --help       this text\n"
"  --version        version\n";

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "preview", cmd_preview },
		{ "run", cmd_run },
		{ "rollback", cmd_rollback },
		{ "sync", cmd_sync },
	};
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
	if (rc == -1)
		rc = tui_main(argc, argv);
	tm_cleanup();
	return rc;
}
