/*
 * The preview pane of the set-up screen: the listing's status, the
 * expression's items with their counts, and the scrollable, searchable
 * grid of matched tags.  Reads the preview model; UI thread only.
 */
#include "config.h"

#include "screen_preview.h"

#include <stdio.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "errtext.h"

/* Where the grid stands; reset when the model's list or matches change. */
static struct {
	struct preview_view	 v;	/* the model, read at the last draw or key */
	const struct tagexpr	*te;	/* NULL when the expression is blank */
	unsigned		 list_gen, match_gen;
	size_t			 top;		/* first grid row shown */
	int			 rows, cols;	/* grid shape at the last draw */
	char			 search[128];
	size_t			 hit;		/* index into res->matched */
	int			 have_hit;
} pp;

/* Read the model; a new list or expression scrolls back to the top. */
static void
sync(struct preview *pv)
{
	preview_view(pv, &pp.v);
	pp.te = pp.v.blank ? NULL : pp.v.te;
	if (pp.v.list_gen != pp.list_gen)
		pp.top = 0;
	if (pp.v.match_gen != pp.match_gen)
		pp.have_hit = 0;
	pp.list_gen = pp.v.list_gen;
	pp.match_gen = pp.v.match_gen;
}

static int
have_res(void)
{
	return pp.te != NULL && pp.v.res != NULL;
}

static const char *
matched(size_t k)
{
	return pp.v.names[pp.v.res->matched[k]];
}

static void
draw_status(int y, int x, int w)
{
	char	cnt[32], tot[32], right[96];
	int	rw = 0;

	fmt_count(tot, sizeof tot, pp.v.listed);
	if (have_res()) {
		fmt_count(cnt, sizeof cnt, pp.v.res->n_matched);
		snprintf(right, sizeof right, "Matched %s of %s%s", cnt, tot,
		    pp.v.state == PV_LISTING ? " so far" : "");
		rw = text_width(right);
		draw_text(y, x + w - rw, rw, th(EL_NUMBER), right);
		rw++;
	}
	switch (pp.v.state) {
	case PV_NONE:
		draw_text(y, x, w - rw, th(EL_HINT), "Type a source repository "
		    "to see its tags.");
		break;
	case PV_LISTING:
		draw_fmt(y, x, w - rw, th(EL_ACTIVE), "%s Listing %s%s %s tags",
		    spinner(), pp.v.src, glyph(G_ELLIPSIS), tot);
		break;
	case PV_DONE:
		draw_fmt(y, x, w - rw, th(EL_NORMAL), "%s: %s tags%s", pp.v.src,
		    tot, pp.v.rejected > 0 ? " (some invalid names skipped)" : "");
		break;
	case PV_FAILED:
		draw_fmt(y, x, w - rw, th(EL_ERROR), "Cannot list %s", pp.v.src);
		break;
	}
}

/*
 * "3.12* 45 · !*-rc* −3 · foo* matches nothing" over at most max lines;
 * returns the lines used.
 */
static int
draw_items(int y, int x, int w, int max)
{
	char	 item[40], num[32];
	size_t	 i, n = tagexpr_items(pp.te);
	int	 col = 0, line = 0, need;

	for (i = 0; i < n; i++) {
		size_t		c = have_res() ? pp.v.res->item_counts[i] : 0;
		int		none = c == 0 && have_res();
		const char	*txt = tagexpr_item_text(pp.te, i);

		snprintf(item, sizeof item, "%s", txt);
		if (strlen(txt) >= sizeof item)
			snprintf(item + sizeof item - 4, 4, "...");
		if (none)
			snprintf(num, sizeof num, " matches nothing");
		else
			snprintf(num, sizeof num, " %s%zu",
			    tagexpr_item_kind(pp.te, i) == TAGEXPR_EXCLUDE ?
			    glyph(G_MINUS) : "", c);
		need = text_width(item) + text_width(num) + (col > 0 ? 3 : 0);
		if (col > 0 && col + need > w) {
			if (line + 1 >= max) {
				draw_fmt(y + line, x + (col + 10 < w ? col : w - 10),
				    10, th(EL_HINT), " +%zu more", n - i);
				break;
			}
			line++;
			col = 0;
		}
		if (col > 0)
			col += draw_fmt(y + line, x + col, w - col, th(EL_HINT),
			    " %s ", glyph(G_DOT));
		col += draw_text(y + line, x + col, w - col, none ?
		    th(EL_WARN) : th(EL_LABEL), item);
		col += draw_text(y + line, x + col, w - col, none ?
		    th(EL_WARN) : th(EL_NUMBER), num);
	}
	return line + 1;
}

static int
is_hit(const char *tag)
{
	return pp.search[0] != '\0' && strstr(tag, pp.search) != NULL;
}

static void
draw_grid(int y, int x, int h, int w, int focused)
{
	size_t	m = pp.v.res->n_matched, i, k, colw = 8, total_rows;
	int	r, c;

	for (i = 0; i < m; i++) {
		size_t	l = strlen(matched(i)) + 2;

		if (l > colw)
			colw = l;
	}
	if (colw > (size_t)w)
		colw = (size_t)w;
	pp.cols = (int)((size_t)w / colw);
	if (pp.cols < 1)
		pp.cols = 1;
	total_rows = (m + (size_t)pp.cols - 1) / (size_t)pp.cols;
	pp.rows = h;
	if (total_rows > (size_t)h) {
		h--;
		pp.rows = h;
	}
	if (pp.top + (size_t)h > total_rows)
		pp.top = total_rows > (size_t)h ? total_rows - (size_t)h : 0;
	for (r = 0; r < h; r++) {
		for (c = 0; c < pp.cols; c++) {
			const char	*tag;
			attr_t		 at = th(EL_NORMAL);

			k = (pp.top + (size_t)r) * (size_t)pp.cols + (size_t)c;
			if (k >= m)
				break;
			tag = matched(k);
			if (pp.have_hit && k == pp.hit && focused)
				at = th(EL_SELECTED);
			else if (is_hit(tag))
				at = th(EL_SEARCH);
			draw_text(y + r, x + c * (int)colw, (int)colw - 1, at, tag);
		}
	}
	if (total_rows > (size_t)h)
		draw_fmt(y + h, x, w, th(EL_HINT), "%s%s rows %zu-%zu of %zu%s",
		    pp.top > 0 ? glyph(G_UP) : " ",
		    pp.top + (size_t)h < total_rows ? glyph(G_DOWN) : " ",
		    pp.top + 1, pp.top + (size_t)h, total_rows,
		    focused ? "  (/ search, n next)" : "  (Esc, then arrows, "
		    "scroll)");
}

void
preview_pane_draw(struct preview *pv, int y, int x, int h, int w, int focused)
{
	char	buf[1024], raw[600];
	int	used;

	sync(pv);
	if (h < 2 || w < 10)
		return;
	draw_status(y, x, w);
	if (pp.v.state == PV_FAILED) {
		explain_err(pp.v.err, buf, sizeof buf);
		used = draw_wrap(y + 1, x, w, h - 2, th(EL_ERROR), buf);
		tm_err_format(pp.v.err, raw, sizeof raw);
		draw_wrap(y + 1 + used, x, w, h - 1 - used, th(EL_HINT), raw);
		return;
	}
	if (pp.v.expr_err->cat != TM_CAT_NONE) {
		draw_wrap(y + 1, x, w, 2, th(EL_ERROR), pp.v.expr_err->msg);
		return;
	}
	if (pp.te == NULL) {
		draw_text(y + 1, x, w, th(EL_HINT), "Type a tag expression: "
		    "3.12*, latest, !*-rc*, semver:~3.12, latest:5");
		return;
	}
	used = 1 + draw_items(y + 1, x, w, 2);
	if (!have_res() || pp.v.res->n_matched == 0) {
		if (pp.v.state == PV_DONE || pp.v.state == PV_LISTING)
			draw_text(y + used, x, w, th(EL_WARN), pp.v.n == 0 ?
			    "No tags listed yet." :
			    "The expression matches no tag.");
		return;
	}
	draw_grid(y + used, x, h - used, w, focused);
}

static void
show_hit(void)
{
	size_t	row;

	if (!pp.have_hit || pp.cols < 1)
		return;
	row = pp.hit / (size_t)pp.cols;
	if (row < pp.top)
		pp.top = row;
	else if (pp.rows > 0 && row >= pp.top + (size_t)pp.rows)
		pp.top = row - (size_t)pp.rows + 1;
}

/* Next (dir 1) or previous (-1) hit from the current one (or the view). */
static int
find_hit(int dir)
{
	size_t	m = have_res() ? pp.v.res->n_matched : 0, i, k, start;

	if (m == 0 || pp.search[0] == '\0')
		return 0;
	if (pp.have_hit)
		start = dir > 0 ? (pp.hit + 1) % m : (pp.hit + m - 1) % m;
	else
		start = (pp.top * (size_t)pp.cols) % m;
	for (i = 0; i < m; i++) {
		k = dir > 0 ? (start + i) % m : (start + m - i) % m;
		if (is_hit(matched(k))) {
			pp.hit = k;
			pp.have_hit = 1;
			show_hit();
			return 1;
		}
	}
	return 0;
}

static int
searched(struct app *a, int choice, const char *text)
{
	size_t	i, n = 0;

	if (choice < 0 || text == NULL)
		return D_NOW;
	sync(a->pv);
	snprintf(pp.search, sizeof pp.search, "%s", text);
	pp.have_hit = 0;
	if (pp.search[0] == '\0')
		return D_NOW;
	for (i = 0; have_res() && i < pp.v.res->n_matched; i++)
		if (is_hit(matched(i)))
			n++;
	if (n == 0 || !find_hit(1))
		app_msg(a, EL_WARN, "No matched tag contains '%s'", pp.search);
	else
		app_msg(a, EL_OK, "Found %zu matched tag%s containing '%s' (n: "
		    "next, N: previous)", n, n == 1 ? "" : "s", pp.search);
	return D_NOW;
}

int
preview_pane_key(struct app *a, struct preview *pv, int key)
{
	size_t	page = pp.rows > 1 ? (size_t)pp.rows - 1 : 1;

	sync(pv);
	switch (keys_action(KS_LIST, key)) {
	case ACT_UP:
		if (pp.top > 0)
			pp.top--;
		return D_NOW;
	case ACT_DOWN:
		pp.top++;
		return D_NOW;
	case ACT_PGUP:
		pp.top = pp.top > page ? pp.top - page : 0;
		return D_NOW;
	case ACT_PGDN:
		pp.top += page;
		return D_NOW;
	case ACT_TOP:
		pp.top = 0;
		return D_NOW;
	case ACT_BOTTOM:
		pp.top = (size_t)-1 / 2;
		return D_NOW;
	case ACT_SEARCH:
		dialog_prompt(a, "Search matched tags", "/", pp.search,
		    searched);
		return D_NOW;
	case ACT_NEXT_MATCH:
	case ACT_PREV_MATCH:
		if (!find_hit(keys_action(KS_LIST, key) == ACT_NEXT_MATCH ?
		    1 : -1))
			app_msg(a, EL_WARN, pp.search[0] == '\0' ? "No search "
			    "yet: / searches" : "No more matches");
		return D_NOW;
	default:
		return -1;
	}
}
