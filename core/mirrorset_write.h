/*
 * Writing a mirror set back as YAML (docs/mirrorset.md, version 1), so
 * that mirrorset_load reads the same defaults and mirrors: the TUI's
 * saved sets.  Never a secret: the schema has no key for one.  Any
 * thread; no curses, no printing.
 */
#ifndef TM_MIRRORSET_WRITE_H
#define TM_MIRRORSET_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "mirrorset.h"

/*
 * The set as YAML on f: d's keys that differ from an absent key, then
 * the n mirrors (a source or a namespace each; NULL strings,
 * src_tls_verify and referrers -1 are left out).  Every string is
 * double-quoted and escaped (libyaml's emitter).  0, or -1 with errno:
 * EINVAL when a string is not UTF-8, else stdio's.
 */
int	mirrorset_print(FILE *f, const struct ms_defaults *d,
	    const struct ms_mirror *m, size_t n);
/*
 * The same into path through tm_write_file (aside, then renamed), mode
 * 0600.  0, or -1 with err naming the path.
 */
int	mirrorset_write(const char *path, const struct ms_defaults *d,
	    const struct ms_mirror *m, size_t n, struct tm_err *);

#endif
