/*
 * Arrays of malloc'd strings, the shape every list of names the program
 * hands around has (tag lists, repositories, saved sets, themes), and the
 * one check of a list written as "ITEM[,ITEM...]".
 */
#ifndef TM_STRV_H
#define TM_STRV_H

#include <stddef.h>

/* Free each of the n strings of v, then v; v may be NULL. */
void	tm_strv_free(char **v, size_t n);
/*
 * s as "ITEM[,ITEM...]": no empty item, no blank or tab, each item under
 * TM_LIST_ITEM_MAX bytes.  0, or -1 with the first offending item ("" for
 * an empty one) copied into bad (truncated to badsz).
 */
#define TM_LIST_ITEM_MAX	128
int	tm_list_check(const char *s, char *bad, size_t badsz);

#endif
