/*
 * The preview pane of the set-up screen: the listing's status, the
 * expression's items with their counts, and the scrollable grid of
 * matched tags with its "/" filter, each with "+N" once the model has
 * counted the referrers a run would bring with it.  Reads the preview
 * model; UI thread only.
 */
#include "config.h"

#include "screen_preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "errtext.h"
#include "filter.h"

/* Where the grid stands; reset when the model's list or matches change. */
static struct {
	struct preview_view	 v;	/* the model, read at the last draw or key */
	const struct tagexpr	*te;	/* NULL when the expression is blank */
	unsigned		 list_gen, match_gen;
	size_t			 top;		/* first grid row shown */
	int			 rows, cols;	/* grid shape at the last draw */
	struct filter		 f;
	size_t			*vis;		/* indexes into res->matched */
	size_t			 nvis, cap;	/* the cells the filter keeps */
	size_t			 hit;		/* n / N's cell, into vis */
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

/* The matched tags the filter keeps, in the grid's order. */
static void
collect(void)
{
	size_t	m = have_res() ? pp.v.res->n_matched : 0, i, *nv;

	if (m > pp.cap) {
		if ((nv = realloc(pp.vis, m * sizeof *nv)) == NULL)
			return;
		pp.vis = nv;
		pp.cap = m;
	}
	pp.nvis = 0;
	for (i = 0; i < m; i++)
		if (filter_keeps(&pp.f, matched(i)))
			pp.vis[pp.nvis++] = i;
	if (pp.hit >= pp.nvis)
		pp.have_hit = 0;
}

static const char *
shown(size_t k)
{
	return matched(pp.vis[k]);
}

/* Cell k's referrer count, or -1 when not known (yet). */
static int
shown_refs(size_t k)
{
	return pp.v.refs != NULL ? pp.v.refs[pp.v.res->matched[pp.vis[k]]] < 0 ?
	    -1 : pp.v.refs[pp.v.res->matched[pp.vis[k]]] : -1;
}

/* "+3" after a tag that brings 3 referrers along. */
static void
draw_refs(int y, int x, int w, size_t k)
{
	if (shown_refs(k) > 0 && w > 1)
		draw_fmt(y, x, w, th(EL_NUMBER), "+%d", shown_refs(k));
}

/* 1 when a matched tag is known to bring referrers: "+N" needs a word. */
static int
any_refs(void)
{
	size_t	i;

	for (i = 0; pp.v.refs != NULL && have_res() && i < pp.v.res->n_matched;
	    i++)
		if (pp.v.refs[pp.v.res->matched[i]] > 0)
			return 1;
	return 0;
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
		draw_fmt(y, x, w - rw, th(EL_NORMAL), "%s: %s tags%s%s", pp.v.src,
		    tot, pp.v.rejected > 0 ? " (some invalid names skipped)" : "",
		    any_refs() ? ", +N referrers" : "");
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

/* "↑↓ rows 1-5 of 9  /3.1" under a grid taller than its place. */
static void
draw_rows_hint(int y, int x, int w, size_t h, size_t total_rows, int focused)
{
	char	filt[FILTER_MAX + 8] = "";

	if (filter_on(&pp.f))
		snprintf(filt, sizeof filt, "  /%s", pp.f.text);
	draw_fmt(y, x, w, th(EL_HINT), "%s%s rows %zu-%zu of %zu%s%s",
	    pp.top > 0 ? glyph(G_UP) : " ",
	    pp.top + h < total_rows ? glyph(G_DOWN) : " ",
	    total_rows > 0 ? pp.top + 1 : 0, pp.top + h < total_rows ?
	    pp.top + h : total_rows, total_rows, filt,
	    focused ? "  (/ filters, n next)" : "  (Esc, then arrows, "
	    "scroll)");
}

static void
draw_grid(int y, int x, int h, int w, int focused)
{
	size_t	m = pp.nvis, i, k, colw = 8, total_rows;
	int	r, c, used;

	for (i = 0; i < m; i++) {
		size_t	l = strlen(shown(i)) + 2 + (shown_refs(i) > 0 ? 5 : 0);

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
	if (total_rows > (size_t)h || filter_on(&pp.f)) {
		h--;
		pp.rows = h;
	}
	if (pp.top + (size_t)h > total_rows)
		pp.top = total_rows > (size_t)h ? total_rows - (size_t)h : 0;
	for (r = 0; r < h; r++) {
		for (c = 0; c < pp.cols; c++) {
			k = (pp.top + (size_t)r) * (size_t)pp.cols + (size_t)c;
			if (k >= m)
				break;
			used = draw_match(y + r, x + c * (int)colw,
			    (int)colw - 1, pp.have_hit && k == pp.hit &&
			    focused ? th(EL_SELECTED) : th(EL_NORMAL), &pp.f,
			    shown(k));
			draw_refs(y + r, x + c * (int)colw + used + 1,
			    (int)colw - used - 2, k);
		}
	}
	if (m == 0)
		draw_fmt(y, x, w, th(EL_WARN), "No matched tag contains '%s' "
		    "(Esc clears the filter).", pp.f.text);
	if (total_rows > (size_t)h || filter_on(&pp.f))
		draw_rows_hint(y + h, x, w, (size_t)h, total_rows, focused);
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
	collect();
	if (!have_res() || pp.v.res->n_matched == 0) {
		if (pp.v.state == PV_DONE || pp.v.state == PV_LISTING)
			draw_text(y + used, x, w, th(EL_WARN), pp.v.n == 0 ?
			    "No tags listed yet." :
			    "The expression matches no tag.");
		return;
	}
	draw_grid(y + used, x, h - used, w, focused);
}

/* Scroll so that n / N's cell is in view. */
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

/* The filter's keys: -1 when the key is not the filter's. */
static int
filter_keys(int key)
{
	enum filter_rc	rc = filter_key(&pp.f, key);

	switch (rc) {
	case FILTER_PASS:
		return -1;
	case FILTER_CHANGED:
		pp.top = 0;
		pp.have_hit = 0;
		return D_NOW;
	case FILTER_NEXT:
	case FILTER_PREV:
		collect();
		if (pp.nvis == 0)
			return D_NOW;
		/* The first n goes to the first cell in view. */
		pp.hit = !pp.have_hit ? (pp.top * (size_t)pp.cols) % pp.nvis :
		    filter_step(rc, pp.hit, pp.nvis);
		pp.have_hit = 1;
		show_hit();
		return D_NOW;
	default:
		return D_NOW;
	}
}

void
preview_pane_prompt(struct app *a)
{
	draw_filter_prompt(&pp.f, pp.nvis, have_res() ? pp.v.res->n_matched :
	    0, &a->cur_y, &a->cur_x);
}

int
preview_pane_key(struct preview *pv, int key)
{
	size_t	page = pp.rows > 1 ? (size_t)pp.rows - 1 : 1;
	int	r;

	sync(pv);
	if ((r = filter_keys(key)) >= 0)
		return r;
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
	default:
		return -1;
	}
}
