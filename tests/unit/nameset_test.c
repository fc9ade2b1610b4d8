/* The set that drops repeated tag names: growth, rehashing, exactness. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "nameset.h"
#include "tap.h"

int
main(void)
{
	struct nameset	*s = nameset_new();
	char		 name[32];
	int		 i, added = 0, again = 0, r;

	ok(s != NULL, "a set");
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof name, "3.%d-slim", i);
		added += nameset_add(s, name) == 1;
	}
	is_int(added, 100000, "100,000 distinct names: each new (the table "
	    "grew and rehashed many times)");
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof name, "3.%d-slim", i);
		again += nameset_add(s, name) == 0;
	}
	is_int(again, 100000, "each of them again: each a repeat");
	r = nameset_add(s, "3.1-slimx");
	is_int(r, 1, "a name extending one inside: new");
	r = nameset_add(s, "3.1-sli");
	is_int(r, 1, "a prefix of one inside: new");
	is_int(nameset_add(s, ""), 1, "the empty name: new once");
	is_int(nameset_add(s, ""), 0, "and then a repeat");
	nameset_free(s);
	nameset_free(NULL);
	return tap_done();
}
