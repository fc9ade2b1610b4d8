#include "config.h"

#include "cli.h"
#include "commands.h"

int
cmd_preview(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error("cmd_preview: not built yet");
}
