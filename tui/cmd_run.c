#include "config.h"

#include "cli.h"
#include "commands.h"

int
cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error("cmd_run: not built yet");
}
