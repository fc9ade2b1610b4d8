/* The help dialog: every key of every screen, from the key tables. */
#ifndef TM_HELP_H
#define TM_HELP_H

#include "app.h"

/* Opens at the keys of the current screen; every key stays reachable. */
void	 help_open(struct app *);

#endif
