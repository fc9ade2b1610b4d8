/*
 * The "/" filter's model: typing, Enter and Esc, n and N, and where the
 * text matches (lower case ignores case).  No terminal: it draws nothing.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "filter.h"
#include "keys.h"
#include "tap.h"

static void
type(struct filter *f, const char *s)
{
	for (; *s != '\0'; s++)
		filter_key(f, (unsigned char)*s);
}

static void
test_keys(void)
{
	struct filter	f;
	size_t		sel = 3, top = 2;

	memset(&f, 0, sizeof f);
	is_int(filter_key(&f, 'n'), FILTER_PASS, "n with no filter is the list's");
	is_int(filter_key(&f, K_ESC), FILTER_PASS, "so is Esc");
	is_int(filter_key(&f, 'a'), FILTER_PASS, "and text, before /");
	is_int(filter_key(&f, '/'), FILTER_SAME, "/ starts typing");
	ok(f.editing, "typing");
	is_int(filter_key(&f, 'n'), FILTER_CHANGED, "n is text while typing");
	is_int(filter_key(&f, K_FN(KEY_DOWN)), FILTER_PASS,
	    "arrows still move the list");
	type(&f, "ig");
	is_str(f.text, "nig", "each key adds");
	is_int(filter_key(&f, K_BSPACE), FILTER_CHANGED, "Bksp edits");
	is_str(f.text, "ni", "the last character goes");
	is_int(filter_key(&f, K_ENTER), FILTER_SAME, "Enter keeps");
	ok(!f.editing && filter_on(&f), "the filter stays, typing ends");
	is_int(filter_key(&f, 'q'), FILTER_PASS, "q is the list's again");
	is_int(filter_list_key(&f, 'n', &sel, &top, 4), FILTER_NEXT, "n steps");
	is_int((int)sel, 0, "wrapping from the last row to the first");
	filter_list_key(&f, 'N', &sel, &top, 4);
	is_int((int)sel, 3, "N wraps back");
	is_int(filter_list_key(&f, '/', &sel, &top, 4), FILTER_SAME,
	    "/ types on");
	is_int(filter_list_key(&f, 'x', &sel, &top, 4), FILTER_CHANGED,
	    "a new text");
	ok(sel == 0 && top == 0, "puts the cursor on the first row");
	is_int(filter_key(&f, K_ESC), FILTER_CHANGED, "Esc while typing");
	ok(!filter_on(&f) && !f.editing, "clears and ends typing");
	filter_key(&f, '/');
	is_int(filter_key(&f, K_BSPACE), FILTER_SAME, "Bksp on nothing");
	ok(!f.editing, "leaves the prompt, as in less");
	filter_key(&f, '/');
	type(&f, "ab");
	filter_key(&f, K_ENTER);
	is_int(filter_key(&f, K_ESC), FILTER_CHANGED, "Esc on a kept filter");
	ok(!filter_on(&f), "clears it");
	filter_key(&f, '/');
	filter_key(&f, 0xe9);
	is_str(f.text, "\xc3\xa9", "UTF-8 text");
	filter_key(&f, K_BSPACE);
	is_str(f.text, "", "Bksp drops the whole character");
}

static void
test_match(void)
{
	struct filter	f;
	size_t		len = 99;

	memset(&f, 0, sizeof f);
	is_int((int)filter_find(&f, "anything", &len), 0, "empty matches");
	is_int((int)len, 0, "nothing");
	filter_key(&f, '/');
	type(&f, "slim");
	is_int((int)filter_find(&f, "1.2-slim", &len), 4, "the offset");
	is_int((int)len, 4, "and the length");
	ok(filter_keeps(&f, "1.2-SLIM"), "lower case matches either case");
	ok(!filter_keeps(&f, "1.2-sli"), "a prefix is not a match");
	filter_key(&f, K_CTRL('U'));
	type(&f, "Slim");
	ok(!filter_keeps(&f, "1.2-slim"), "upper case matches case");
	ok(filter_keeps(&f, "Slim"), "exactly");
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	ok(keys_init() == 0, "the key table parses");
	test_keys();
	test_match();
	return tap_done();
}
