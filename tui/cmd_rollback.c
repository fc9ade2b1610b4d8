#include "config.h"

#include "cli.h"
#include "commands.h"

int
cmd_rollback(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error("cmd_rollback: not built yet");
}
