/*
 * What a handler asks of the loop: the bits every key, event and tick
 * handler returns.  Plain values, so models may return them too.
 */
#ifndef TM_DIRTY_H
#define TM_DIRTY_H

#define D_DRAW	0x01	/* redraw (at most 10 times a second) */
#define D_NOW	0x02	/* redraw at once: the user is typing */
#define D_CLEAR	0x04	/* repaint the whole terminal */
#define D_QUIT	0x08	/* leave the loop */
#define D_PASS	0x10	/* key not taken: the app's global keys may have it */

#endif
