/* Colour themes: .theme files, the built-in default, the remembered one. */
#include "config.h"

#include "theme.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paths.h"

struct theme {
	char	name[64];
	short	fg[THEME_NEL], bg[THEME_NEL];
	attr_t	attr[THEME_NEL];
};

static const struct {
	const char	*name;
	short		 fg, bg;
	attr_t		 attr, mono;
} builtin[THEME_NEL] = {
#define THEME_EL_ROW(id, nm, f, b, at, mn) { nm, f, b, at, mn },
	THEME_ELEMENTS(THEME_EL_ROW)
#undef THEME_EL_ROW
};

static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char	*name;
	attr_t		 attr;
} attr_names[] = {
	{ "normal", A_NORMAL }, { "bold", A_BOLD }, { "dim", A_DIM },
	{ "reverse", A_REVERSE }, { "underline", A_UNDERLINE },
	{ "standout", A_STANDOUT }, { "italic", A_ITALIC },
};

/* The theme in use: only the UI thread draws, so one is enough. */
static struct theme	*current;
static int		 colour;
static attr_t		 extra_bold[THEME_NEL];

struct theme *
theme_default(void)
{
	struct theme	*t;
	int		 i;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	snprintf(t->name, sizeof t->name, "default");
	for (i = 0; i < THEME_NEL; i++) {
		t->fg[i] = builtin[i].fg;
		t->bg[i] = builtin[i].bg;
		t->attr[i] = builtin[i].attr;
	}
	return t;
}

void
theme_free(struct theme *t)
{
	free(t);
}


static int
parse_colour(const char *s, short *out)
{
	char	*end;
	long	 v;
	int	 i;

	if (strcasecmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (i = 0; i < 8; i++) {
		if (strcasecmp(s, colour_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
		if (strncasecmp(s, "bright-", 7) == 0 &&
		    strcasecmp(s + 7, colour_names[i]) == 0) {
			*out = (short)(i + 8);
			return 0;
		}
	}
	if (strcasecmp(s, "gray") == 0 || strcasecmp(s, "grey") == 0) {
		*out = 8;
		return 0;
	}
	if (strncasecmp(s, "color", 5) == 0)
		s += 5;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 0 || v > 255)
		return -1;
	*out = (short)v;
	return 0;
}

static int
element_index(const char *s)
{
	int	i;

	for (i = 0; i < THEME_NEL; i++)
		if (strcmp(s, builtin[i].name) == 0)
			return i;
	return -1;
}

static void
warnf(theme_warn_fn *warn, void *ud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warnf(theme_warn_fn *warn, void *ud, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	warn(ud, msg);
}

/* One "color ELEMENT FG BG [ATTR...]" line, already split into words. */
static void
parse_line(struct theme *t, char **w, int nw, const char *file, int line,
    theme_warn_fn *warn, void *ud)
{
	short	fg, bg;
	attr_t	at = 0;
	int	el, i;
	size_t	j;

	if (strcmp(w[0], "color") != 0) {
		warnf(warn, ud, "%s:%d: unknown command '%s' (expected "
		    "'color ELEMENT FG BG [ATTR...]')", file, line, w[0]);
		return;
	}
	if (nw < 4) {
		warnf(warn, ud, "%s:%d: expected 'color ELEMENT FG BG "
		    "[ATTR...]'", file, line);
		return;
	}
	if ((el = element_index(w[1])) == -1) {
		warnf(warn, ud, "%s:%d: unknown element '%s'", file, line, w[1]);
		return;
	}
	if (parse_colour(w[2], &fg) == -1 || parse_colour(w[3], &bg) == -1) {
		warnf(warn, ud, "%s:%d: unknown colour '%s' (use a name like "
		    "'cyan', 'bright-red', 'default' or a number 0-255)", file,
		    line, parse_colour(w[2], &fg) == -1 ? w[2] : w[3]);
		return;
	}
	for (i = 4; i < nw; i++) {
		for (j = 0; j < sizeof attr_names / sizeof attr_names[0]; j++)
			if (strcmp(w[i], attr_names[j].name) == 0)
				break;
		if (j == sizeof attr_names / sizeof attr_names[0]) {
			warnf(warn, ud, "%s:%d: unknown attribute '%s'", file,
			    line, w[i]);
			return;
		}
		at |= attr_names[j].attr;
	}
	t->fg[el] = fg;
	t->bg[el] = bg;
	t->attr[el] = at;
}

static void
parse_file(struct theme *t, FILE *f, const char *file, theme_warn_fn *warn,
    void *ud)
{
	char	*buf = NULL, *w[16], *p, *save;
	size_t	 cap = 0;
	int	 line = 0, nw;

	while (getline(&buf, &cap, f) != -1) {
		line++;
		if ((p = strchr(buf, '#')) != NULL)
			*p = '\0';
		nw = 0;
		for (p = strtok_r(buf, " \t\r\n", &save); p != NULL && nw < 16;
		    p = strtok_r(NULL, " \t\r\n", &save))
			w[nw++] = p;
		if (nw > 0)
			parse_line(t, w, nw, file, line, warn, ud);
	}
	free(buf);
}

static int
name_is_path(const char *name)
{
	size_t	n = strlen(name);

	return strchr(name, '/') != NULL ||
	    (n > 6 && strcmp(name + n - 6, ".theme") == 0);
}

/* The theme directories, most specific first. */
static int
theme_dirs(char dirs[3][PATH_MAX])
{
	int	n = 0;

	if (path_config(dirs[n], PATH_MAX, "themes") == 0)
		n++;
	if (path_exe_dir(dirs[n], PATH_MAX - 8) == 0) {
		strcat(dirs[n], "/themes");
		n++;
	}
	snprintf(dirs[n++], PATH_MAX, "%s", THEMEDIR);
	return n;
}

struct theme *
theme_load(const char *name, theme_warn_fn *warn, void *ud)
{
	char		 dirs[3][PATH_MAX], path[sizeof dirs + 80];
	struct theme	*t;
	FILE		*f = NULL;
	const char	*base;
	int		 i, nd;

	if (name_is_path(name)) {
		snprintf(path, sizeof path, "%s", name);
		f = fopen(path, "r");
	} else if (strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == strlen(name) &&
	    strlen(name) < 60) {
		nd = theme_dirs(dirs);
		for (i = 0; i < nd && f == NULL; i++) {
			snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name);
			f = fopen(path, "r");
		}
	}
	if (f == NULL && !(strcmp(name, "default") == 0)) {
		if (name_is_path(name))
			warnf(warn, ud, "%s: cannot open theme file", name);
		else
			warnf(warn, ud, "no theme '%s' (themes are NAME.theme "
			    "files in %s/tagmirror/themes, the themes/ "
			    "directory beside the program, or %s)", name,
			    getenv("XDG_CONFIG_HOME") != NULL ?
			    "$XDG_CONFIG_HOME" : "~/.config", THEMEDIR);
		return NULL;
	}
	if ((t = theme_default()) == NULL) {
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
	snprintf(t->name, sizeof t->name, "%.*s", (int)strcspn(base, "."),
	    base);
	if (f != NULL) {
		parse_file(t, f, path, warn, ud);
		fclose(f);
	}
	return t;
}

/* Fit colour n to a terminal with fewer colours; bold stands in for bright. */
static short
fit_colour(short n, int is_fg, attr_t *bold)
{
	int	r, g, b;

	if (n < 0 || n < COLORS)
		return n;
	if (n < 16) {
		if (is_fg)
			*bold = A_BOLD;
		return (short)(n - 8);
	}
	if (n >= 232)
		return n < 244 ? COLOR_BLACK : COLOR_WHITE;
	n = (short)(n - 16);
	r = n / 36;
	g = (n / 6) % 6;
	b = n % 6;
	return (short)((r > 2 ? 1 : 0) | (g > 2 ? 2 : 0) | (b > 2 ? 4 : 0));
}

void
theme_use(struct theme *t)
{
	const char	*nc = getenv("NO_COLOR");
	short		 fg, bg;
	int		 i;

	free(current);
	current = t;
	colour = has_colors() && COLORS >= 8 && (nc == NULL || nc[0] == '\0');
	if (!colour)
		return;
	for (i = 0; i < THEME_NEL; i++) {
		extra_bold[i] = 0;
		fg = fit_colour(t->fg[i], 1, &extra_bold[i]);
		bg = fit_colour(t->bg[i], 0, &extra_bold[i]);
		init_pair((short)(i + 1), fg, bg);
	}
}

attr_t
th(enum theme_el el)
{
	if (!colour || current == NULL)
		return builtin[el].mono;
	return COLOR_PAIR(el + 1) | current->attr[el] | extra_bold[el];
}


const char *
theme_current_name(void)
{
	return current != NULL ? current->name : "default";
}

static int
cmp_names(const void *a, const void *b)
{
	const char	*x = *(const char *const *)a, *y = *(const char *const *)b;

	if (strcmp(x, "default") == 0)
		return strcmp(y, "default") == 0 ? 0 : -1;
	if (strcmp(y, "default") == 0)
		return 1;
	return strcmp(x, y);
}

static int
add_name(char ***names, size_t *n, const char *name)
{
	char	**nn;
	size_t	  i;

	for (i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0)
			return 0;
	if ((nn = realloc(*names, (*n + 1) * sizeof *nn)) == NULL)
		return -1;
	*names = nn;
	if ((nn[*n] = strdup(name)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

size_t
theme_list(char ***names)
{
	char		 dirs[3][PATH_MAX], base[256];
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0, len;
	int		 i, nd;

	*names = NULL;
	add_name(names, &n, "default");
	nd = theme_dirs(dirs);
	for (i = 0; i < nd; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len <= 6 || len - 6 >= sizeof base ||
			    strcmp(de->d_name + len - 6, ".theme") != 0)
				continue;
			memcpy(base, de->d_name, len - 6);
			base[len - 6] = '\0';
			add_name(names, &n, base);
		}
		closedir(d);
	}
	if (n > 1)
		qsort(*names, n, sizeof **names, cmp_names);
	return n;
}

char *
theme_remembered(void)
{
	char	 path[PATH_MAX], line[128], *p;
	FILE	*f;
	char	*name = NULL;

	if (path_config(path, sizeof path, "tui.conf") == -1 ||
	    (f = fopen(path, "r")) == NULL)
		return NULL;
	while (name == NULL && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "theme ", 6) != 0)
			continue;
		p = line + 6;
		p[strcspn(p, " \t\r\n")] = '\0';
		if (*p != '\0')
			name = strdup(p);
	}
	fclose(f);
	return name;
}

int
theme_remember(const char *name)
{
	char	 path[PATH_MAX];
	FILE	*f;
	int	 rc;

	if (path_config(path, sizeof path, "tui.conf") == -1 ||
	    path_mkparent(path, 0700) == -1 || (f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "# written by tagmirror when a theme is chosen\n"
	    "theme %s\n", name);
	rc = fclose(f) == 0 ? 0 : -1;
	return rc;
}
