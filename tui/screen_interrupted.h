/* Offering an interrupted run's journal at start, and its rollback's news. */
#ifndef TM_SCREEN_INTERRUPTED_H
#define TM_SCREEN_INTERRUPTED_H

#include "app.h"

/* Ask about a journal a killed run left, if there is one. */
void	 interrupted_offer(struct app *);
/* The rollback's progress as a key-bar message: dirty bits. */
int	 interrupted_news(struct app *);

#endif
