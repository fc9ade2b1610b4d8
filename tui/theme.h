/*
 * Colour themes: one X-macro table names every screen element, gives the
 * compiled-in dark default (so the program runs with no files installed)
 * and the attributes used on monochrome terminals and under NO_COLOR.
 * Theme files only override elements:
 *
 *	# comment
 *	color ELEMENT FG BG [bold|dim|reverse|underline|standout|italic|normal]...
 *
 * UI thread only (curses).
 */
#ifndef TM_THEME_H
#define TM_THEME_H

#include <stddef.h>

#include <curses.h>

/* name, file name, fg, bg, attributes, monochrome attributes */
#define THEME_ELEMENTS(_) \
	_(NORMAL, "normal", -1, -1, 0, 0) \
	_(TITLE, "title", 0, 6, A_BOLD, A_REVERSE | A_BOLD) \
	_(KEY, "key", 3, -1, A_BOLD, A_BOLD) \
	_(HINT, "hint", -1, -1, A_DIM, A_DIM) \
	_(LABEL, "label", 6, -1, 0, 0) \
	_(LABEL_FOCUS, "label-focus", 3, -1, A_BOLD, A_BOLD) \
	_(FIELD, "field", 7, 4, 0, A_UNDERLINE) \
	_(FIELD_FOCUS, "field-focus", 7, 4, A_BOLD, A_REVERSE) \
	_(HEADING, "heading", 6, -1, A_BOLD, A_BOLD) \
	_(BORDER, "border", 4, -1, 0, 0) \
	_(SELECTED, "selected", 0, 6, 0, A_REVERSE) \
	_(SEARCH, "search", 0, 3, 0, A_UNDERLINE | A_BOLD) \
	_(NUMBER, "count", -1, -1, A_BOLD, A_BOLD) \
	_(OK, "ok", 2, -1, 0, 0) \
	_(UPTODATE, "uptodate", 6, -1, 0, 0) \
	_(ACTIVE, "active", 3, -1, A_BOLD, A_BOLD) \
	_(QUEUED, "queued", -1, -1, A_DIM, A_DIM) \
	_(RETRY, "retry", 5, -1, A_BOLD, A_UNDERLINE) \
	_(FAILED, "failed", 1, -1, A_BOLD, A_BOLD | A_REVERSE) \
	_(WARN, "warn", 3, -1, 0, A_BOLD) \
	_(ERROR, "error", 1, -1, A_BOLD, A_BOLD) \
	_(BAR_DONE, "bar-done", 2, -1, 0, A_REVERSE) \
	_(BAR_TODO, "bar-todo", -1, -1, A_DIM, A_DIM) \
	_(DIALOG, "dialog", 7, 4, 0, 0) \
	_(BUTTON, "button", 7, 4, 0, 0) \
	_(BUTTON_FOCUS, "button-focus", 0, 3, A_BOLD, A_REVERSE | A_BOLD)

enum theme_el {
#define THEME_EL_ENUM(id, name, fg, bg, at, mono) EL_##id,
	THEME_ELEMENTS(THEME_EL_ENUM)
#undef THEME_EL_ENUM
	THEME_NEL
};

struct theme;

/*
 * Called once per problem found while loading, with a message like
 * "themes/x.theme:12: unknown element 'foo'"; loading goes on.
 */
typedef void	 theme_warn_fn(void *ud, const char *msg);

/* The compiled-in default.  Caller frees. */
struct theme	*theme_default(void);
/*
 * Load NAME (looked up in the user, source-tree and installed theme
 * directories) or a path (contains '/' or ends in ".theme") on top of the
 * default.  NULL when no such theme exists (warn says where it looked).
 */
struct theme	*theme_load(const char *name, theme_warn_fn *, void *ud);
void		 theme_free(struct theme *);

/*
 * Make t current: colour pairs when the terminal has colours and colour
 * is wanted (NO_COLOR unset), monochrome attributes otherwise.  After
 * start_color() would have been called; takes ownership of t.
 */
void		 theme_use(struct theme *t);
/* The attributes to draw element el with under the current theme. */
attr_t		 th(enum theme_el el);
const char	*theme_current_name(void);

/* Theme names available (sorted, "default" first); tm_strv_free them. */
size_t		 theme_list(char ***names);

/* The remembered choice ($XDG_CONFIG_HOME/tagmirror/tui.conf) or NULL. */
char		*theme_remembered(void);
int		 theme_remember(const char *name);

#endif
