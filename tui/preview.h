/*
 * The live preview beside the form: the source's tag list is fetched once
 * in the background (pages counted as they arrive) and re-matched against
 * the expression on every keystroke.  Also the scrollable, searchable grid
 * of matched tags.  UI thread only.
 */
#ifndef TM_PREVIEW_H
#define TM_PREVIEW_H

#include <stddef.h>

#include "registry.h"

struct app;
struct preview;

struct preview	*preview_new(void);
void		 preview_free(struct preview *);
/*
 * (Re)start listing src.  Strings in opts are copied; the old listing is
 * stopped and freed on a helper thread so the UI never waits for it.
 * An empty src just stops.
 */
void		 preview_list(struct preview *, const char *src,
		    const struct reg_opts *);
int		 preview_fd(const struct preview *);
int		 preview_events(struct preview *);
int		 preview_busy(const struct preview *);
/* Match expr against what is listed; cheap when nothing changed. */
int		 preview_set_expr(struct preview *, const char *expr);
void		 preview_draw(struct preview *, int y, int x, int h, int w,
		    int focused);
/* A key while the grid has focus: dirty bits, or -1 when not taken. */
int		 preview_key(struct app *, struct preview *, int key);

#endif
