/*
 * Tags pages (core/registry/tagsjson.c): the input is a tags/list body, parsed in
 * place exactly as the client does after a GET.
 */
#include "config.h"

#include "fuzz.h"
#include "tagsjson.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	**names = NULL;
	char		 *body = fuzz_str(data, size);
	size_t		  nnames, count;

	if (tags_json_parse(body, size, &names, &nnames, &count) == 0)
		free(names);
	free(body);
	return 0;
}
