#include "config.h"

#include "preview.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "evq.h"
#include "tagexpr.h"
#include "taglist.h"

enum pv_state {
	PV_NONE,
	PV_LISTING,
	PV_DONE,
	PV_FAILED
};

/* One background listing with the strings it was started with. */
struct listing {
	struct taglist	*tl;
	struct evq	*q;
	char		*user, *pass;
};

struct preview {
	struct listing		*cur;
	enum pv_state		 state;
	char			 src[512];
	size_t			 listed, rejected;
	struct tm_err		 err;
	char			**names;	/* natural order */
	size_t			 n;
	char			*expr;
	struct tagexpr		*te;
	struct tm_err		 expr_err;
	struct tagexpr_result	 res;
	int			 have_res;
	size_t			 top;		/* first grid row shown */
	int			 rows, cols;	/* grid shape at the last draw */
	char			 search[128];
	size_t			 hit;		/* index into res.matched */
	int			 have_hit;
};

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Helper threads still freeing old listings; preview_free waits for them. */
static pthread_mutex_t	reap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	reap_done = PTHREAD_COND_INITIALIZER;
static int		reaping;

static void
listing_free(struct listing *l)
{
	if (l->tl != NULL)
		taglist_free(l->tl);
	if (l->q != NULL)
		evq_free(l->q);
	wipe_free(l->user);
	wipe_free(l->pass);
	free(l);
}

static void *
reap(void *p)
{
	listing_free(p);
	pthread_mutex_lock(&reap_lock);
	reaping--;
	pthread_cond_broadcast(&reap_done);
	pthread_mutex_unlock(&reap_lock);
	return NULL;
}

/*
 * taglist_free joins a thread that may be inside a request; it cancels
 * promptly, but the UI must not wait even for that.
 */
static void
listing_drop(struct listing *l)
{
	pthread_attr_t	attr;
	pthread_t	t;

	if (l == NULL)
		return;
	pthread_mutex_lock(&reap_lock);
	reaping++;
	pthread_mutex_unlock(&reap_lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, reap, l) != 0)
		reap(l);
	pthread_attr_destroy(&attr);
}

struct preview *
preview_new(void)
{
	return calloc(1, sizeof(struct preview));
}

static void
names_clear(struct preview *pv)
{
	taglist_names_free(pv->names, pv->n);
	pv->names = NULL;
	pv->n = 0;
	if (pv->have_res)
		tagexpr_result_free(&pv->res);
	pv->have_res = 0;
	pv->have_hit = 0;
}

void
preview_free(struct preview *pv)
{
	if (pv == NULL)
		return;
	/* At exit: every listing thread gone before libcurl is cleaned up. */
	if (pv->cur != NULL)
		listing_free(pv->cur);
	pthread_mutex_lock(&reap_lock);
	while (reaping > 0)
		pthread_cond_wait(&reap_done, &reap_lock);
	pthread_mutex_unlock(&reap_lock);
	names_clear(pv);
	if (pv->te != NULL)
		tagexpr_free(pv->te);
	free(pv->expr);
	free(pv);
}

static void
rematch(struct preview *pv)
{
	struct tm_err	err;

	if (pv->have_res)
		tagexpr_result_free(&pv->res);
	pv->have_res = 0;
	pv->have_hit = 0;
	if (pv->te == NULL || pv->n == 0)
		return;
	if (tagexpr_apply(pv->te, (const char *const *)pv->names, pv->n,
	    &pv->res, &err) == 0)
		pv->have_res = 1;
}

void
preview_list(struct preview *pv, const char *src, const struct reg_opts *o)
{
	struct reg_opts	 ro = *o;
	struct listing	*l;

	listing_drop(pv->cur);
	pv->cur = NULL;
	names_clear(pv);
	pv->listed = pv->rejected = 0;
	pv->top = 0;
	tm_err_clear(&pv->err);
	snprintf(pv->src, sizeof pv->src, "%s", src);
	pv->state = PV_NONE;
	if (src[0] == '\0')
		return;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return;
	l->user = o->user != NULL ? strdup(o->user) : NULL;
	l->pass = o->pass != NULL ? strdup(o->pass) : NULL;
	ro.user = l->user;
	ro.pass = l->pass;
	if ((l->q = evq_new(sizeof(struct tl_event))) == NULL) {
		listing_free(l);
		tm_err_set(&pv->err, TM_CAT_IO, "out of memory");
		pv->state = PV_FAILED;
		return;
	}
	if ((l->tl = taglist_start(src, &ro, l->q, &pv->err)) == NULL) {
		listing_free(l);
		pv->state = PV_FAILED;
		return;
	}
	pv->cur = l;
	pv->state = PV_LISTING;
}

int
preview_fd(const struct preview *pv)
{
	return pv->cur != NULL && pv->state == PV_LISTING ? evq_fd(pv->cur->q) :
	    -1;
}

int
preview_busy(const struct preview *pv)
{
	return pv->state == PV_LISTING;
}

static int
cmp_nat(const void *a, const void *b)
{
	return tm_natcmp(*(const char *const *)a, *(const char *const *)b);
}

int
preview_events(struct preview *pv)
{
	struct tl_event	ev[16];
	size_t		n, i;
	int		snap = 0;

	if (pv->cur == NULL || pv->state != PV_LISTING)
		return 0;
	while ((n = evq_drain(pv->cur->q, ev, 16)) > 0) {
		for (i = 0; i < n; i++) {
			switch (ev[i].type) {
			case TL_PAGE:
				pv->listed = ev[i].count;
				pv->rejected = ev[i].rejected;
				snap = 1;
				break;
			case TL_DONE:
				pv->listed = ev[i].count;
				pv->rejected = ev[i].rejected;
				pv->state = PV_DONE;
				snap = 1;
				break;
			case TL_FAILED:
				pv->err = ev[i].err;
				pv->state = PV_FAILED;
				break;
			}
		}
	}
	if (snap) {
		names_clear(pv);
		pv->n = taglist_snapshot(pv->cur->tl, &pv->names);
		if (pv->n > 1)
			qsort(pv->names, pv->n, sizeof *pv->names, cmp_nat);
		if (pv->state == PV_DONE)
			pv->listed = pv->n;
		rematch(pv);
	}
	return D_DRAW;
}

int
preview_set_expr(struct preview *pv, const char *expr)
{
	if (pv->expr != NULL && strcmp(pv->expr, expr) == 0)
		return 0;
	free(pv->expr);
	pv->expr = strdup(expr);
	if (pv->te != NULL)
		tagexpr_free(pv->te);
	pv->te = NULL;
	tm_err_clear(&pv->expr_err);
	if (expr[strspn(expr, " ,")] != '\0')
		pv->te = tagexpr_compile(expr, &pv->expr_err);
	pv->top = 0;
	rematch(pv);
	return D_NOW;
}



static void
draw_status(struct preview *pv, int y, int x, int w)
{
	char	cnt[32], tot[32], right[96];
	int	rw = 0;

	fmt_count(tot, sizeof tot, pv->listed);
	if (pv->have_res) {
		fmt_count(cnt, sizeof cnt, pv->res.n_matched);
		snprintf(right, sizeof right, "Matched %s of %s%s", cnt, tot,
		    pv->state == PV_LISTING ? " so far" : "");
		rw = text_width(right);
		draw_text(y, x + w - rw, rw, th(EL_NUMBER), right);
		rw++;
	}
	switch (pv->state) {
	case PV_NONE:
		draw_text(y, x, w - rw, th(EL_HINT), "Type a source repository "
		    "to see its tags.");
		break;
	case PV_LISTING:
		draw_fmt(y, x, w - rw, th(EL_ACTIVE), "%s Listing %s%s %s tags",
		    spinner(), pv->src, glyph(G_ELLIPSIS), tot);
		break;
	case PV_DONE:
		draw_fmt(y, x, w - rw, th(EL_NORMAL), "%s: %s tags%s", pv->src,
		    tot, pv->rejected > 0 ? " (some invalid names skipped)" : "");
		break;
	case PV_FAILED:
		draw_fmt(y, x, w - rw, th(EL_ERROR), "Cannot list %s", pv->src);
		break;
	}
}

/*
 * "3.12* 45 · !*-rc* −3 · foo* matches nothing" over at most max lines;
 * returns the lines used.
 */
static int
draw_items(struct preview *pv, int y, int x, int w, int max)
{
	char	 item[40], num[32];
	size_t	 i, n = tagexpr_items(pv->te);
	int	 col = 0, line = 0, need;

	for (i = 0; i < n; i++) {
		size_t		c = pv->have_res ? pv->res.item_counts[i] : 0;
		int		none = c == 0 && pv->have_res;
		const char	*txt = tagexpr_item_text(pv->te, i);

		snprintf(item, sizeof item, "%s", txt);
		if (strlen(txt) >= sizeof item)
			snprintf(item + sizeof item - 4, 4, "...");
		if (none)
			snprintf(num, sizeof num, " matches nothing");
		else
			snprintf(num, sizeof num, " %s%zu",
			    tagexpr_item_kind(pv->te, i) == TAGEXPR_EXCLUDE ?
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
is_hit(const struct preview *pv, const char *tag)
{
	return pv->search[0] != '\0' && strstr(tag, pv->search) != NULL;
}

static void
draw_grid(struct preview *pv, int y, int x, int h, int w, int focused)
{
	size_t	m = pv->res.n_matched, i, k, colw = 8, total_rows;
	int	r, c;

	for (i = 0; i < m; i++) {
		size_t	l = strlen(pv->names[pv->res.matched[i]]) + 2;

		if (l > colw)
			colw = l;
	}
	if (colw > (size_t)w)
		colw = (size_t)w;
	pv->cols = (int)((size_t)w / colw);
	if (pv->cols < 1)
		pv->cols = 1;
	total_rows = (m + (size_t)pv->cols - 1) / (size_t)pv->cols;
	pv->rows = h;
	if (total_rows > (size_t)h) {
		h--;
		pv->rows = h;
	}
	if (pv->top + (size_t)h > total_rows)
		pv->top = total_rows > (size_t)h ? total_rows - (size_t)h : 0;
	for (r = 0; r < h; r++) {
		for (c = 0; c < pv->cols; c++) {
			const char	*tag;
			attr_t		 at = th(EL_NORMAL);

			k = (pv->top + (size_t)r) * (size_t)pv->cols + (size_t)c;
			if (k >= m)
				break;
			tag = pv->names[pv->res.matched[k]];
			if (pv->have_hit && k == pv->hit && focused)
				at = th(EL_SELECTED);
			else if (is_hit(pv, tag))
				at = th(EL_SEARCH);
			draw_text(y + r, x + c * (int)colw, (int)colw - 1, at, tag);
		}
	}
	if (total_rows > (size_t)h)
		draw_fmt(y + h, x, w, th(EL_HINT), "%s%s rows %zu-%zu of %zu%s",
		    pv->top > 0 ? glyph(G_UP) : " ",
		    pv->top + (size_t)h < total_rows ? glyph(G_DOWN) : " ",
		    pv->top + 1, pv->top + (size_t)h, total_rows,
		    focused ? "  (/ search, n next)" : "  (Tab to the list to "
		    "scroll)");
}

void
preview_draw(struct preview *pv, int y, int x, int h, int w, int focused)
{
	char	buf[1024], raw[600];
	int	used;

	if (h < 2 || w < 10)
		return;
	draw_status(pv, y, x, w);
	if (pv->state == PV_FAILED) {
		explain_err(&pv->err, buf, sizeof buf);
		used = draw_wrap(y + 1, x, w, h - 2, th(EL_ERROR), buf);
		tm_err_format(&pv->err, raw, sizeof raw);
		draw_wrap(y + 1 + used, x, w, h - 1 - used, th(EL_HINT), raw);
		return;
	}
	if (pv->expr_err.cat != TM_CAT_NONE) {
		draw_wrap(y + 1, x, w, 2, th(EL_ERROR), pv->expr_err.msg);
		return;
	}
	if (pv->te == NULL) {
		draw_text(y + 1, x, w, th(EL_HINT), "Type a tag expression: "
		    "3.12*, latest, !*-rc*, re:[0-9]+\\.[0-9]+");
		return;
	}
	used = 1 + draw_items(pv, y + 1, x, w, 2);
	if (!pv->have_res || pv->res.n_matched == 0) {
		if (pv->state == PV_DONE || pv->state == PV_LISTING)
			draw_text(y + used, x, w, th(EL_WARN), pv->n == 0 ?
			    "No tags listed yet." :
			    "The expression matches no tag.");
		return;
	}
	draw_grid(pv, y + used, x, h - used, w, focused);
}

static void
show_hit(struct preview *pv)
{
	size_t	row;

	if (!pv->have_hit || pv->cols < 1)
		return;
	row = pv->hit / (size_t)pv->cols;
	if (row < pv->top)
		pv->top = row;
	else if (pv->rows > 0 && row >= pv->top + (size_t)pv->rows)
		pv->top = row - (size_t)pv->rows + 1;
}

/* Next (dir 1) or previous (-1) hit from the current one (or the view). */
static int
find_hit(struct preview *pv, int dir)
{
	size_t	m = pv->have_res ? pv->res.n_matched : 0, i, k, start;

	if (m == 0 || pv->search[0] == '\0')
		return 0;
	if (pv->have_hit)
		start = dir > 0 ? (pv->hit + 1) % m : (pv->hit + m - 1) % m;
	else
		start = (pv->top * (size_t)pv->cols) % m;
	for (i = 0; i < m; i++) {
		k = dir > 0 ? (start + i) % m : (start + m - i) % m;
		if (is_hit(pv, pv->names[pv->res.matched[k]])) {
			pv->hit = k;
			pv->have_hit = 1;
			show_hit(pv);
			return 1;
		}
	}
	return 0;
}

static int
searched(struct app *a, int choice, const char *text)
{
	struct preview	*pv = a->pv;
	size_t		 i, n = 0;

	if (choice < 0 || text == NULL)
		return D_NOW;
	snprintf(pv->search, sizeof pv->search, "%s", text);
	pv->have_hit = 0;
	if (pv->search[0] == '\0')
		return D_NOW;
	for (i = 0; pv->have_res && i < pv->res.n_matched; i++)
		if (is_hit(pv, pv->names[pv->res.matched[i]]))
			n++;
	if (n == 0 || !find_hit(pv, 1))
		app_msg(a, EL_WARN, "No matched tag contains '%s'", pv->search);
	else
		app_msg(a, EL_OK, "Found %zu matched tag%s containing '%s' (n: "
		    "next, N: previous)", n, n == 1 ? "" : "s", pv->search);
	return D_NOW;
}

int
preview_key(struct app *a, struct preview *pv, int key)
{
	size_t	page = pv->rows > 1 ? (size_t)pv->rows - 1 : 1;

	switch (keys_action(KS_LIST, key)) {
	case ACT_UP:
		if (pv->top > 0)
			pv->top--;
		return D_NOW;
	case ACT_DOWN:
		pv->top++;
		return D_NOW;
	case ACT_PGUP:
		pv->top = pv->top > page ? pv->top - page : 0;
		return D_NOW;
	case ACT_PGDN:
		pv->top += page;
		return D_NOW;
	case ACT_TOP:
		pv->top = 0;
		return D_NOW;
	case ACT_BOTTOM:
		pv->top = (size_t)-1 / 2;
		return D_NOW;
	case ACT_SEARCH:
		dialog_prompt(a, "Search matched tags", "/", pv->search,
		    searched);
		return D_NOW;
	case ACT_NEXT_MATCH:
	case ACT_PREV_MATCH:
		if (!find_hit(pv, keys_action(KS_LIST, key) == ACT_NEXT_MATCH ?
		    1 : -1))
			app_msg(a, EL_WARN, pv->search[0] == '\0' ? "No search "
			    "yet: / searches" : "No more matches");
		return D_NOW;
	default:
		return -1;
	}
}
