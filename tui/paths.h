/*
 * Where the interactive program keeps things: the XDG config directory
 * (themes, saved mirrors, remembered choices), the XDG state directory
 * (reports) and the directory of the running binary (themes/ beside an
 * uninstalled ./tagmirror).  Any thread; no static buffers.
 */
#ifndef TM_PATHS_H
#define TM_PATHS_H

#include <stddef.h>

/* "$XDG_CONFIG_HOME/tagmirror/REL" (or ~/.config/...).  0, or -1 when too long. */
int	path_config(char *buf, size_t n, const char *rel);
/* "$XDG_STATE_HOME/tagmirror/REL" (or ~/.local/state/...). */
int	path_state(char *buf, size_t n, const char *rel);
/* Directory holding the running binary, from /proc/self/exe.  0 or -1. */
int	path_exe_dir(char *buf, size_t n);
/* mkdir -p for the directory part of file (mode for new directories). */
int	path_mkparent(const char *file, int mode);

#endif
