/* How a tag's state reads and looks, shared by the screens. */
#ifndef TM_TAGSTATE_H
#define TM_TAGSTATE_H

#include <stddef.h>

#include "mirror.h"
#include "theme.h"

void	 tag_state_text(const struct mirror_tag_info *, char *, size_t);
enum theme_el tag_state_el(enum tag_state);

#endif
