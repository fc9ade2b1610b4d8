/*
 * Keys and actions.  One X-macro table lists every action with the keys
 * bound to it, a short label for the key bar and the help text, so the
 * help screen, the key bar and the dispatch can never disagree.
 * UI thread only.
 */
#ifndef TM_KEYS_H
#define TM_KEYS_H

#include <stddef.h>

#include <curses.h>

/* Key codes: wide characters as themselves, curses KEY_* codes offset. */
#define K_FN(k)		(0x40000000 | (k))
#define K_CTRL(c)	((c) & 0x1f)
#define K_ESC		27
#define K_ENTER		'\r'
#define K_TAB		'\t'
#define K_BSPACE	127
#define K_PASTE_BEGIN	K_FN(KEY_MAX + 1)	/* bracketed paste */
#define K_PASTE_END	K_FN(KEY_MAX + 2)

#define KEY_SCOPES(_) \
	_(GLOBAL, "Everywhere") \
	_(FORM, "Set-up form") \
	_(LIST, "Lists (preview, run, failed tags)") \
	_(RUN, "Run") \
	_(DECIDE, "Keep or roll back") \
	_(DETAIL, "Troubleshoot") \
	_(SET, "Mirrors (a set of mirrors)") \
	_(DIALOG, "Dialogs")

enum key_scope {
#define KEY_SCOPE_ENUM(id, title) KS_##id,
	KEY_SCOPES(KEY_SCOPE_ENUM)
#undef KEY_SCOPE_ENUM
	KS_COUNT
};

/* id, scope, keys (space separated), key-bar label, help text */
#define ACTIONS(_) \
	_(RUN, GLOBAL, "Ctrl-R F5", "run", "start the run (from any screen; on the mirrors screen: the marked mirrors, or all)") \
	_(MIRRORS, GLOBAL, "Ctrl-N F2", "mirrors", "the mirrors screen: a set of mirrors (from the form, the mirror edited goes back to its row)") \
	_(HELP, GLOBAL, "? F1", "help", "show every key") \
	_(QUIT, GLOBAL, "q Ctrl-C", "quit", "quit (asks while a run is active)") \
	_(THEME, GLOBAL, "Ctrl-T", "theme", "choose a colour theme (remembered)") \
	_(REDRAW, GLOBAL, "Ctrl-L", "redraw", "redraw the screen") \
	_(NEXT_FIELD, FORM, "Tab Down", "next", "next field") \
	_(PREV_FIELD, FORM, "S-Tab Up", "prev", "previous field") \
	_(TOGGLE, FORM, "Space Enter", "toggle", "switch an option on or off") \
	_(LEAVE, FORM, "Esc", "keys", "leave a text field, so that ? and q work") \
	_(SAVE, FORM, "Ctrl-S", "save", "save this mirror by name") \
	_(LOAD, FORM, "Ctrl-O", "load", "load a saved mirror") \
	_(RELIST, FORM, "Ctrl-G", "relist", "fetch the source's tag list again") \
	_(UP, LIST, "Up k", "up", "move up") \
	_(DOWN, LIST, "Down j", "down", "move down") \
	_(PGUP, LIST, "PgUp Ctrl-B", "page up", "page up") \
	_(PGDN, LIST, "PgDn Ctrl-F", "page down", "page down") \
	_(TOP, LIST, "Home g", "top", "go to the first line") \
	_(BOTTOM, LIST, "End G", "end", "go to the last line") \
	_(SEARCH, LIST, "/", "filter", "filter as you type: the list keeps the rows that contain the text, highlighted (lower case matches either case); Enter keeps the filter, Esc clears it, Bksp edits") \
	_(NEXT_MATCH, LIST, "n", "next", "next match: the next row the filter kept (wraps)") \
	_(PREV_MATCH, LIST, "N", "prev", "previous match") \
	_(DETAILS, RUN, "Enter", "details", "details of the selected tag") \
	_(FILTER_FAILED, RUN, "f", "failed", "show only failed tags, or all") \
	_(CANCEL, RUN, "c", "cancel", "cancel the run (asks first)") \
	_(TROUBLESHOOT, RUN, "d", "troubleshoot", "troubleshoot the failed tags") \
	_(EDIT, RUN, "e", "edit", "back to the set-up form when the run is over") \
	_(CLEAR, RUN, "Esc", "clear", "clear the filter") \
	_(DECIDE, RUN, "o", "decide", "back to keep or roll back, while undecided") \
	_(KEEP, DECIDE, "k", "keep", "keep what was mirrored (PARTIAL_MIRROR)") \
	_(ROLLBACK, DECIDE, "r", "roll back", "roll the destination back to before the run (asks first)") \
	_(CHOOSE, DECIDE, "Left Right h l Tab", "choose", "move between the choices") \
	_(ACCEPT, DECIDE, "Enter", "accept", "take the highlighted choice") \
	_(DECIDE_DETAILS, DECIDE, "d", "troubleshoot", "troubleshoot the failed tags") \
	_(DECIDE_BACK, DECIDE, "Esc", "tags", "back to the run's tag list (o comes back)") \
	_(RETRY, DETAIL, "t", "retry", "retry the selected tag") \
	_(RETRY_ALL, DETAIL, "a", "retry all", "retry every failed tag") \
	_(EXPORT, DETAIL, "e", "report", "export the JSON report") \
	_(EXPORT_FAILED, DETAIL, "x", "failed list", "export a plain list of the failed tags") \
	_(STORY_DOWN, DETAIL, "J Space", "more", "scroll the tag's story down, when the pane says there is more") \
	_(STORY_UP, DETAIL, "K", "less", "scroll the tag's story back up") \
	_(BACK, DETAIL, "Esc Bksp", "back", "back to the previous screen (Esc clears a kept filter first)") \
	_(SET_ADD, SET, "a", "add", "add a mirror: the form opens empty (Ctrl-N brings it back)") \
	_(SET_EDIT, SET, "e", "edit", "edit the selected mirror in the form (Ctrl-N brings it back)") \
	_(SET_OPEN, SET, "Enter", "open", "edit the selected mirror; once it ran, its run screen (tags, troubleshoot, retry, keep or roll back)") \
	_(SET_REMOVE, SET, "x Del", "remove", "remove the selected mirror from the set") \
	_(SET_RAISE, SET, "-", "move up", "move the selected mirror up") \
	_(SET_LOWER, SET, "+ =", "move down", "move the selected mirror down") \
	_(SET_MARK, SET, "Space", "mark", "mark or unmark the selected mirror") \
	_(SET_MARK_ALL, SET, "*", "mark all", "mark every mirror, or none") \
	_(SET_KEEP, SET, "K", "keep", "keep what the marked (else the selected) mirrors copied, where tags failed") \
	_(SET_ROLLBACK, SET, "R", "roll back", "roll the marked (else the selected) mirrors back to before their run (asks first)") \
	_(SET_SAVE, SET, "Ctrl-S", "save", "save the set by name (mirror-set YAML, no passwords)") \
	_(SET_LOAD, SET, "Ctrl-O", "load", "load a saved set") \
	_(DLG_ACCEPT, DIALOG, "Enter", "ok", "take the highlighted button (or the text typed)") \
	_(DLG_DISMISS, DIALOG, "Esc", "cancel", "close the dialog without choosing") \
	_(DLG_MOVE, DIALOG, "Left Right Tab", "choose", "move between buttons; a button's first letter picks it")

enum action {
	ACT_NONE,
#define ACTION_ENUM(id, scope, keys, label, help) ACT_##id,
	ACTIONS(ACTION_ENUM)
#undef ACTION_ENUM
	ACT_COUNT
};

/* Parse the table's key names once.  0 or -1 (a typo in the table). */
int		 keys_init(void);
/* The action bound to key in scope, or ACT_NONE. */
enum action	 keys_action(enum key_scope, int key);
/* Key names ("Ctrl-R F5"), label and help of an action. */
const char	*keys_of(enum action);
const char	*keys_label(enum action);
const char	*keys_help(enum action);
enum key_scope	 keys_scope(enum action);
const char	*keys_scope_title(enum key_scope);
/* The code for a key name ("Ctrl-R", "PgDn", "x"), or -1. */
int		 key_parse(const char *name);
/* 1 for a key that text fields take as input. */
int		 key_is_text(int key);

#endif
