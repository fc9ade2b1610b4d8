/*
 * A set of strings in one growing buffer, to drop the names a tag
 * listing repeats.
 */
#include "config.h"

#include "nameset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Open addressing; part of the hash kept so a probe rarely touches a name.
 * 8 bytes a slot: a set of 100,000 names is touched all over, and each new
 * page costs a fault.
 */
struct slot {
	uint32_t	 h;
	uint32_t	 off;		/* in buf, + 1; 0: empty */
};

struct nameset {
	char		*buf;		/* the names, each NUL-terminated */
	size_t		 used, size;
	struct slot	*slot;
	size_t		 nslots, n;
};

static uint64_t
hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

struct nameset *
nameset_new(void)
{
	return calloc(1, sizeof(struct nameset));
}

/* Twice the slots; every name rehashed.  0 or -1. */
static int
grow(struct nameset *s)
{
	size_t		 n = s->nslots ? s->nslots * 2 : 1024, i, j;
	struct slot	*slot = calloc(n, sizeof *slot);

	if (slot == NULL)
		return -1;
	for (i = 0; i < s->nslots; i++) {
		if (s->slot[i].off == 0)
			continue;
		for (j = s->slot[i].h & (n - 1); slot[j].off != 0;
		    j = (j + 1) & (n - 1))
			;
		slot[j] = s->slot[i];
	}
	free(s->slot);
	s->slot = slot;
	s->nslots = n;
	return 0;
}

int
nameset_add(struct nameset *s, const char *name)
{
	size_t		len = strlen(name) + 1, i, cap;
	uint32_t	h = (uint32_t)hash(name);
	char		*b;

	/* At most half full: probes stay short. */
	if ((s->n + 1) * 2 > s->nslots && grow(s) == -1)
		return -1;
	for (i = h & (s->nslots - 1); s->slot[i].off != 0;
	    i = (i + 1) & (s->nslots - 1))
		if (s->slot[i].h == h &&
		    strcmp(s->buf + s->slot[i].off - 1, name) == 0)
			return 0;
	if (len > UINT32_MAX - 1 - s->used)
		return -1;
	if (s->size - s->used < len) {
		for (cap = s->size ? s->size : 16384; cap - s->used < len; cap *= 2)
			;
		if ((b = realloc(s->buf, cap)) == NULL)
			return -1;
		s->buf = b;
		s->size = cap;
	}
	memcpy(s->buf + s->used, name, len);
	s->slot[i].h = h;
	s->slot[i].off = (uint32_t)(s->used + 1);
	s->used += len;
	s->n++;
	return 1;
}

void
nameset_free(struct nameset *s)
{
	if (s == NULL)
		return;
	free(s->buf);
	free(s->slot);
	free(s);
}
