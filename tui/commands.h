/*
 * The subcommands.  Each takes argv with argv[0] = its own name and returns
 * the process exit code documented in its --help.
 */
#ifndef TM_COMMANDS_H
#define TM_COMMANDS_H

int	cmd_preview(int argc, char **argv);
int	cmd_run(int argc, char **argv);
int	cmd_rollback(int argc, char **argv);
int	cmd_sync(int argc, char **argv);
/* The interactive application (no subcommand). */
int	tui_main(int argc, char **argv);

#endif
