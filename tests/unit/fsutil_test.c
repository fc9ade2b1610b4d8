/*
 * core/fsutil: mkdir -p and the XDG directories, and the journal's
 * directory that uses them.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "journal.h"
#include "tap.h"

int
main(void)
{
	struct tm_err	err;
	struct stat	st;
	char		top[] = "/tmp/fsutil_test.XXXXXX", path[512], buf[1024];
	FILE		*f;

	if (mkdtemp(top) == NULL) {
		ok(0, "temporary directory");
		return tap_done();
	}
	snprintf(path, sizeof path, "%s/a/b/c", top);
	is_int(tm_mkdir_p(path, 0700, &err), 0, "mkdir -p makes every level");
	ok(stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 0777) == 0700, "the last level is a 0700 directory");
	is_int(tm_mkdir_p(path, 0700, &err), 0, "an existing directory is fine");
	snprintf(path, sizeof path, "%s/file", top);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	snprintf(buf, sizeof buf, "%s/under", path);
	is_int(tm_mkdir_p(buf, 0700, &err), -1, "a file in the way fails");
	ok(err.cat == TM_CAT_IO && err.side == TM_SIDE_LOCAL &&
	    strstr(err.msg, "cannot create") != NULL, "and says so, locally");

	setenv("XDG_STATE_HOME", "/x/state", 1);
	is_int(tm_state_dir(buf, sizeof buf, &err), 0, "state dir from XDG");
	is_str(buf, "/x/state/tagmirror", "$XDG_STATE_HOME/tagmirror");
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	tm_state_dir(buf, sizeof buf, &err);
	is_str(buf, "/home/u/.local/state/tagmirror",
	    "a relative XDG_STATE_HOME is ignored (XDG spec)");
	is_int(tm_xdg_dir("XDG_CONFIG_HOME_UNSET", ".config", buf, sizeof buf,
	    &err), 0, "config dir");
	is_str(buf, "/home/u/.config/tagmirror", "~/.config/tagmirror");
	is_int(tm_state_dir(buf, 10, &err), -1, "too small a buffer fails");
	unsetenv("HOME");
	unsetenv("XDG_STATE_HOME");
	is_int(tm_state_dir(buf, sizeof buf, &err), -1,
	    "neither HOME nor XDG_STATE_HOME: no state dir");
	is_int(journal_dir(top, buf, sizeof buf, &err), 0,
	    "the journal's directory as given");
	is_str(buf, top, "as given, unchanged");

	snprintf(buf, sizeof buf, "rm -rf '%s'", top);
	is_int(system(buf), 0, "cleaned up");
	return tap_done();
}
