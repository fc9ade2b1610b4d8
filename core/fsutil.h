/*
 * Small file-system helpers every part needs once: mkdir -p, the XDG
 * directories tagmirror keeps its files in, and writing a file a user
 * named without ever replacing a device, FIFO or symlink.  Any thread; no
 * static buffers.  Errors are TM_SIDE_LOCAL, TM_CAT_IO (TM_CAT_USAGE for a
 * path that can never be written).
 */
#ifndef TM_FSUTIL_H
#define TM_FSUTIL_H

#include <stddef.h>
#include <stdio.h>
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

/* Writes the content to f; 0, or -1 with errno set (or 0 and ferror). */
typedef int	tm_write_fn(FILE *f, void *ctx);

/*
 * Write a file the user named (reports, exports, saved settings, logs):
 *  - "-" is stdout (flushed, never closed);
 *  - a new path or a regular file: a temporary file in the same directory,
 *    fsync'd, then renamed over path, so a reader sees the old or the new
 *    file, never half of one.  A new file gets mode (less the umask); a
 *    replaced one keeps its permission bits, less any mode lacks (0600
 *    turns a 0644 file into 0600: secrets never widen);
 *  - a symlink is followed: to a regular file, that file is replaced as
 *    above and the link stays; to anything else, as that;
 *  - a character device, FIFO or socket (also /dev/stdout, /proc/...) is
 *    opened and written in place, never replaced;
 *  - a directory or a dangling symlink is a usage error.
 * 0 or -1 (the message names the path).
 */
int	tm_write_file(const char *path, tm_write_fn *, void *ctx, mode_t mode,
	    struct tm_err *);
/* The same for a NUL-terminated text. */
int	tm_write_text(const char *path, const char *text, mode_t mode,
	    struct tm_err *);
/*
 * Before anything moves: could tm_write_file write path?  "-" can; a
 * directory, a missing parent, a read-only file or directory cannot.
 * 0, or -1 with a TM_CAT_USAGE error naming the path and the cause.
 */
int	tm_check_writable(const char *path, struct tm_err *);

#endif
