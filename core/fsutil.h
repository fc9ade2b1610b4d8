/*
 * Small file-system helpers every part needs once: mkdir -p and the XDG
 * directories tagmirror keeps its files in.  Any thread; no static
 * buffers.  Errors are TM_SIDE_LOCAL, TM_CAT_IO.
 */
#ifndef TM_FSUTIL_H
#define TM_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* mkdir -p: dir and every missing parent, created with mode.  0 or -1. */
int	tm_mkdir_p(const char *dir, mode_t mode, struct tm_err *);
/*
 * "$var/tagmirror" when var holds an absolute path, else
 * "$HOME/fallback/tagmirror" (fallback e.g. ".config").  0, or -1 when
 * neither is set or buf is too small.
 */
int	tm_xdg_dir(const char *var, const char *fallback, char *buf, size_t n,
	    struct tm_err *);
/* The state directory: $XDG_STATE_HOME/tagmirror, ~/.local/state/tagmirror. */
int	tm_state_dir(char *buf, size_t n, struct tm_err *);

#endif
