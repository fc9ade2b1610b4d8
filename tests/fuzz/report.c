/*
 * Run reports read back (mirror_report_failed, core/engine/report.c): the file
 * `tagmirror run --only-failed REPORT` reads.
 */
#include "config.h"

#include "fuzz.h"
#include "mirror.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mirror_report_run	 run;
	struct tm_err			 err;
	char				**tags;
	size_t				  n;

	if (mirror_report_failed(fuzz_file("fuzz.json", data, size), &tags,
	    &n, &run, &err) == 0)
		mirror_report_tags_free(tags, n, &run);
	return 0;
}
