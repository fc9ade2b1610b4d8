/*
 * Run journals (core/engine/journal.c journal_read): the input is the file
 * `tagmirror rollback FILE` reads.  The reader must refuse with a line
 * number or accept, never crash: a journal outlives the run that wrote
 * it, and crashes and disks tear it.
 */
#include "config.h"

#include "fuzz.h"
#include "journal.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_data	 d;
	struct tm_err		 err;

	if (journal_read(fuzz_file("fuzz.journal", data, size), &d, &err) == 0)
		journal_data_free(&d);
	return 0;
}
