/*
 * A set of strings, to drop the names a listing repeats: a registry may
 * send a name twice (across pages, or by a bug), and a tag must be planned,
 * shown and counted once.  Names are copied into one growing buffer, not
 * allocated one by one: a listing may hold 100,000 of them.
 */
#ifndef TM_NAMESET_H
#define TM_NAMESET_H

struct nameset;

struct nameset	*nameset_new(void);
/* 1 when name was new (now in), 0 when already in, -1 out of memory. */
int		 nameset_add(struct nameset *, const char *name);
void		 nameset_free(struct nameset *);

#endif
