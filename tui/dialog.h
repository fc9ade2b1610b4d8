/* Confirm, text prompt and picker dialogs over the current screen. */
#ifndef TM_DIALOG_H
#define TM_DIALOG_H

#include <stddef.h>

#include "app.h"

typedef int	 dialog_fn(struct app *, int choice, const char *text);
/*
 * buttons: "&Keep|&Roll back" ('&' marks the key); fn gets the button
 * index, or -1 when dismissed.  body may hold several lines.
 */
void	 dialog_confirm(struct app *, const char *title, const char *body,
	    const char *buttons, int def, dialog_fn *);
/* One line of text; fn gets 0 and the text, or -1 when dismissed. */
void	 dialog_prompt(struct app *, const char *title, const char *label,
	    const char *initial, dialog_fn *);
/* Pick one of items (copied); fn gets the index and the item, or -1. */
void	 dialog_pick(struct app *, const char *title, char *const *items,
	    size_t n, size_t sel, dialog_fn *);

#endif
