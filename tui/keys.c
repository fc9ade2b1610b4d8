/* Keys and actions: the binding tables, key names and their parsing. */
#include "config.h"

#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

static const struct {
	enum key_scope	 scope;
	const char	*keys, *label, *help;
} actions[ACT_COUNT] = {
	[ACT_NONE] = { KS_GLOBAL, "", "", "" },
#define ACTION_ROW(id, sc, k, l, h) [ACT_##id] = { KS_##sc, k, l, h },
	ACTIONS(ACTION_ROW)
#undef ACTION_ROW
};

static const char *const scope_titles[KS_COUNT] = {
#define KEY_SCOPE_TITLE(id, title) title,
	KEY_SCOPES(KEY_SCOPE_TITLE)
#undef KEY_SCOPE_TITLE
};

static const struct {
	const char	*name;
	int		 code;
} named[] = {
	{ "Tab", K_TAB }, { "S-Tab", K_FN(KEY_BTAB) }, { "Enter", K_ENTER },
	{ "Esc", K_ESC }, { "Space", ' ' }, { "Bksp", K_BSPACE },
	{ "Up", K_FN(KEY_UP) }, { "Down", K_FN(KEY_DOWN) },
	{ "Left", K_FN(KEY_LEFT) }, { "Right", K_FN(KEY_RIGHT) },
	{ "PgUp", K_FN(KEY_PPAGE) }, { "PgDn", K_FN(KEY_NPAGE) },
	{ "Home", K_FN(KEY_HOME) }, { "End", K_FN(KEY_END) },
	{ "Del", K_FN(KEY_DC) },
};

struct binding {
	enum key_scope	scope;
	int		key;
	enum action	action;
};

/* Parsed once from the table; read-only afterwards. */
static struct binding	*bindings;
static size_t		 nbindings;

int
key_parse(const char *s)
{
	size_t	i;

	if (strncmp(s, "Ctrl-", 5) == 0 && strlen(s) == 6)
		return K_CTRL(s[5]);
	if (s[0] == 'F' && s[1] >= '1' && s[1] <= '9' &&
	    (s[2] == '\0' || (s[2] >= '0' && s[2] <= '2' && s[3] == '\0')))
		return K_FN(KEY_F(atoi(s + 1)));
	for (i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcmp(s, named[i].name) == 0)
			return named[i].code;
	if (strlen(s) == 1)
		return (unsigned char)s[0];
	return -1;
}

int
keys_init(void)
{
	char	 buf[64], *p, *save;
	int	 a, code;

	for (a = 1; a < ACT_COUNT; a++) {
		snprintf(buf, sizeof buf, "%s", actions[a].keys);
		for (p = strtok_r(buf, " ", &save); p != NULL;
		    p = strtok_r(NULL, " ", &save)) {
			struct binding	*nb;

			if ((code = key_parse(p)) == -1)
				return -1;
			nb = realloc(bindings, (nbindings + 1) * sizeof *nb);
			if (nb == NULL)
				return -1;
			bindings = nb;
			bindings[nbindings].scope = actions[a].scope;
			bindings[nbindings].key = code;
			bindings[nbindings].action = (enum action)a;
			nbindings++;
		}
	}
	return 0;
}

enum action
keys_action(enum key_scope scope, int key)
{
	size_t	i;

	/* Enter arrives as \r or \n depending on the terminal's mode. */
	if (key == '\n' || key == K_FN(KEY_ENTER))
		key = K_ENTER;
	if (key == K_FN(KEY_BACKSPACE) || key == 8)
		key = K_BSPACE;
	for (i = 0; i < nbindings; i++)
		if (bindings[i].scope == scope && bindings[i].key == key)
			return bindings[i].action;
	return ACT_NONE;
}

const char *
keys_of(enum action a)
{
	return actions[a].keys;
}

const char *
keys_label(enum action a)
{
	return actions[a].label;
}

const char *
keys_help(enum action a)
{
	return actions[a].help;
}

enum key_scope
keys_scope(enum action a)
{
	return actions[a].scope;
}

const char *
keys_scope_title(enum key_scope s)
{
	return scope_titles[s];
}

int
key_is_text(int key)
{
	return key >= ' ' && key != K_BSPACE && (key & K_FN(0)) == 0 &&
	    iswprint((wint_t)key);
}
