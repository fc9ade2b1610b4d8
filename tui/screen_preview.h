/*
 * The preview pane beside the set-up form: draws the preview model and
 * takes the keys while its grid has focus.  UI thread only.
 */
#ifndef TM_SCREEN_PREVIEW_H
#define TM_SCREEN_PREVIEW_H

#include "app.h"
#include "model_preview.h"

void	 preview_pane_draw(struct preview *, int y, int x, int h, int w,
	    int focused);
/*
 * While the grid's filter is being typed: its prompt over the key bar,
 * the cursor in it.  Last in the set-up screen's draw.
 */
void	 preview_pane_prompt(struct app *);
/* A key while the grid has focus: dirty bits, or -1 when not taken. */
int	 preview_pane_key(struct preview *, int key);

#endif
