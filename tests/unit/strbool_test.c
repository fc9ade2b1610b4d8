/*
 * core/strbool: every accepted spelling in any case, and a refusal (value
 * untouched) for everything else.
 */
#include "config.h"

#include "strbool.h"
#include "tap.h"

int
main(void)
{
	static const char *const yes[] = { "true", "TRUE", "True", "yes",
	    "Yes", "on", "ON", "1" };
	static const char *const no[] = { "false", "FALSE", "no", "NO", "off",
	    "Off", "0" };
	static const char *const bad[] = { "", "y", "n", "2", "enable",
	    "truee", " true", "true ", "01" };
	size_t	i;
	int	v;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		v = 0;
		ok(tm_parse_bool(yes[i], &v) == 0 && v == 1, "'%s' is true",
		    yes[i]);
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		v = 1;
		ok(tm_parse_bool(no[i], &v) == 0 && v == 0, "'%s' is false",
		    no[i]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 7;
		ok(tm_parse_bool(bad[i], &v) == -1 && v == 7,
		    "'%s' is refused, value untouched", bad[i]);
	}
	v = 7;
	ok(tm_parse_bool(NULL, &v) == -1 && v == 7, "NULL is refused");
	return tap_done();
}
