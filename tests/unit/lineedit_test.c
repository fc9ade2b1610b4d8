/*
 * The form's line editor and the key table: editing keys, UTF-8, the
 * length limit, and key names parsed the way the help shows them.  No
 * terminal is needed: neither module draws here.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "keys.h"
#include "lineedit.h"
#include "tap.h"

static void
type(struct lineedit *le, const char *s)
{
	for (; *s != '\0'; s++)
		le_key(le, (unsigned char)*s);
}

int
main(void)
{
	struct lineedit	le;

	setlocale(LC_ALL, "C.UTF-8");
	le_init(&le, 64, 0);
	type(&le, "3.12*, latest");
	is_str(le_text(&le), "3.12*, latest", "typing inserts");
	is_int(le_key(&le, K_CTRL('W')), 1, "Ctrl-W changes the text");
	is_str(le_text(&le), "3.12*, ", "Ctrl-W deletes the word before");
	le_key(&le, K_CTRL('W'));
	is_str(le_text(&le), "", "then the separators and the word before that");
	type(&le, "ac");
	le_key(&le, K_FN(KEY_LEFT));
	type(&le, "b");
	is_str(le_text(&le), "abc", "Left then typing inserts in the middle");
	le_key(&le, K_FN(KEY_HOME));
	le_key(&le, K_FN(KEY_DC));
	is_str(le_text(&le), "bc", "Home, Delete");
	le_key(&le, K_FN(KEY_END));
	le_key(&le, K_BSPACE);
	is_str(le_text(&le), "b", "End, Backspace");
	type(&le, "cdef");
	le_key(&le, K_CTRL('A'));
	le_key(&le, K_FN(KEY_RIGHT));
	le_key(&le, K_FN(KEY_RIGHT));
	le_key(&le, K_CTRL('K'));
	is_str(le_text(&le), "bc", "Ctrl-K kills to the end");
	le_key(&le, K_CTRL('U'));
	is_str(le_text(&le), "", "Ctrl-U kills to the start");
	is_int(le_key(&le, K_FN(KEY_F(5))), -1, "F5 is not an editing key");
	is_int(le_key(&le, K_TAB), -1, "nor is Tab");

	le_key(&le, 0xe9);		/* é */
	le_key(&le, 'x');
	is_str(le_text(&le), "\xc3\xa9x", "UTF-8 input");
	le_key(&le, K_FN(KEY_LEFT));
	le_key(&le, K_BSPACE);
	is_str(le_text(&le), "x", "Backspace removes a whole character");
	le_set(&le, "a\tb\x1b[2Jc");
	is_str(le_text(&le), "ab[2Jc", "control characters never enter a field");
	le_free(&le);

	le_init(&le, 4, 1);
	type(&le, "secret");
	is_str(le_text(&le), "secr", "the length limit holds");
	le_free(&le);
	is_str(le_text(&le), "", "freed: empty");

	ok(keys_init() == 0, "the action table's key names all parse");
	is_int(keys_action(KS_GLOBAL, K_CTRL('R')), ACT_RUN, "Ctrl-R runs");
	is_int(keys_action(KS_GLOBAL, K_FN(KEY_F(5))), ACT_RUN, "so does F5");
	is_int(keys_action(KS_DECIDE, 'k'), ACT_KEEP, "k keeps at the prompt");
	is_int(keys_action(KS_DECIDE, 'r'), ACT_ROLLBACK, "r rolls back");
	is_int(keys_action(KS_LIST, 'k'), ACT_UP, "k moves up in lists");
	is_int(keys_action(KS_DECIDE, '\n'), ACT_ACCEPT, "Enter as \\n too");
	is_int(key_parse("S-Tab"), K_FN(KEY_BTAB), "S-Tab");
	is_int(key_parse("Ctrl-Nope"), -1, "unknown names are refused");
	return tap_done();
}
