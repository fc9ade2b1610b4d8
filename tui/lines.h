/*
 * Reading a text file a line at a time: saved settings, scripts, tag lists.
 */
#ifndef TM_LINES_H
#define TM_LINES_H

#include <stdio.h>

/*
 * Each line of f, its CR/LF ending removed, to fn, which may change it in
 * place; stops at the end of f (or a read error: see ferror) or when fn
 * returns non-zero, which is then returned.  The buffer is wiped before it
 * is freed: saved settings may hold secrets.
 */
int	lines_each(FILE *f, int (*fn)(void *ud, char *line), void *ud);

#endif
