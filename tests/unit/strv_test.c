/*
 * tm_list_check: the one check of "ITEM[,ITEM...]" that --referrer-types
 * and the set file's referrer-types share, and the culprit it names.
 */
#include "config.h"

#include <string.h>

#include "strv.h"
#include "tap.h"

static void
good(const char *s)
{
	char	bad[TM_LIST_ITEM_MAX] = "untouched";

	is_int(tm_list_check(s, bad, sizeof bad), 0, "'%s' is a list", s);
}

static void
refused(const char *s, const char *culprit)
{
	char	bad[TM_LIST_ITEM_MAX] = "untouched";

	is_int(tm_list_check(s, bad, sizeof bad), -1, "'%s' refused", s);
	is_str(bad, culprit, "... naming '%s'", culprit);
}

int
main(void)
{
	char	big[TM_LIST_ITEM_MAX + 8], under[TM_LIST_ITEM_MAX], small[4];

	good("signature");
	good("sbom,attestation,application/spdx+json");
	refused("", "");
	refused(",sbom", "");
	refused("sbom,", "");
	refused("sbom,,sig", "");
	refused("sbom,a b", "a b");
	refused("sbom,a\tb,sig", "a\tb");
	refused("a b,c\td", "a b");
	memset(under, 'x', sizeof under - 1);
	under[sizeof under - 1] = '\0';
	good(under);
	memset(big, 'y', sizeof big);
	big[0] = 's';
	big[1] = ',';
	big[2 + TM_LIST_ITEM_MAX] = '\0';
	is_int(tm_list_check(big, small, sizeof small), -1,
	    "an item of %d bytes refused", TM_LIST_ITEM_MAX);
	is_str(small, "yyy", "... its start named, cut to the buffer");
	big[1 + TM_LIST_ITEM_MAX] = '\0';
	good(big);
	return tap_done();
}
