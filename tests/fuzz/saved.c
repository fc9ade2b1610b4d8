/*
 * Saved mirrors (tui/saved.c saved_read): the input is NAME.conf, and
 * each key and value goes into a line editor as the setup screen's
 * loader does (values are not trusted to be text).
 */
#include "config.h"

#include <sys/stat.h>

#include "fuzz.h"
#include "lineedit.h"
#include "saved.h"

static void
take(void *ud, const char *key, const char *val)
{
	struct lineedit	*le = ud;

	le_set(le, key);
	le_set(le, val);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 once;
	struct lineedit	 le;
	char		 dir[128];

	if (!once) {
		once = 1;
		setenv("XDG_CONFIG_HOME", fuzz_dir(), 1);
		snprintf(dir, sizeof dir, "%s/tagmirror", fuzz_dir());
		mkdir(dir, 0700);
		snprintf(dir, sizeof dir, "%s/tagmirror/mirrors", fuzz_dir());
		mkdir(dir, 0700);
	}
	fuzz_file("tagmirror/mirrors/fuzz.conf", data, size);
	le_init(&le, 512, 0);
	(void)saved_read("fuzz", take, &le);
	le_free(&le);
	return 0;
}
