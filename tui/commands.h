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
/* The interactive mode's options, for its --help and tagmirror --help. */
#define TUI_OPTIONS \
"  -t, --tags EXPR            tag expression (globs, !GLOB, re:, semver:,\n" \
"                             latest:)\n" \
"  -j, --jobs N               tags copied at once (default 8)\n" \
"  --src-creds USER[:PASS]    source credentials (also --dest-creds)\n" \
"  --src-tls-verify=false     allow plain HTTP / any certificate (also dest)\n" \
"  --src-cert-dir DIR         extra CA certificates (also --dest-cert-dir)\n" \
"  --rollback, --no-rollback  the highlighted answer when tags fail\n" \
"                             (default: REPO_MIRROR_ROLLBACK)\n" \
"  --arch PLATFORMS           copy only these platforms of multi-arch tags\n" \
"  --delete-stale             delete destination tags that no longer match\n" \
"  --no-referrers             leave signatures, SBOMs and referrers behind\n" \
"  --report FILE              write the JSON report there\n" \
"  --state-dir DIR            journals (default $XDG_STATE_HOME/tagmirror)\n" \
"  --load NAME                open the form filled from the saved mirror\n" \
"                             NAME (Ctrl-S saves one, Ctrl-O lists them)\n" \
"  --set FILE|NAME            open the mirrors screen on a mirror set: a\n" \
"                             file (docs/mirrorset.md) or a saved set\n" \
"  --theme NAME|FILE          colour theme: default, light, mono,\n" \
"                             high-contrast, or a .theme file\n" \
"  --demo                     start two local registries with sample tags\n" \
"                             (some fail) and open the form filled in\n" \
"\n" \
"NO_COLOR=1 draws without colours.\n"

/* The interactive application (no subcommand). */
int	tui_main(int argc, char **argv);

#endif
