#include "config.h"

#include "cli.h"
#include "commands.h"

int
tui_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error("tui_main: not built yet");
}
