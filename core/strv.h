/*
 * Arrays of malloc'd strings, the shape every list of names the program
 * hands around has (tag lists, repositories, saved sets, themes).
 */
#ifndef TM_STRV_H
#define TM_STRV_H

#include <stddef.h>

/* Free each of the n strings of v, then v; v may be NULL. */
void	tm_strv_free(char **v, size_t n);

#endif
