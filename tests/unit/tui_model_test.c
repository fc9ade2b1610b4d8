/*
 * The TUI's curses-free parts: the preview model (names handed over,
 * matched and re-matched as `tagmirror preview` and the form use it) and
 * the error wording built on tm_err_format.  Linked without curses, so a
 * model that started drawing would not even build here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "errtext.h"
#include "model_preview.h"
#include "tap.h"

static char **
names(void)
{
	static const char *const v[] = { "3.10", "3.9", "latest", "3.9-rc1" };
	char	**out = calloc(4, sizeof *out);
	size_t	  i;

	for (i = 0; out != NULL && i < 4; i++)
		out[i] = strdup(v[i]);
	return out;
}

static void
preview_model(void)
{
	struct preview		*pv = preview_new();
	struct preview_view	 v;
	unsigned		 gen;

	ok(pv != NULL, "a preview model");
	is_int(preview_set_expr(pv, "3.*, !*-rc*"), 1, "a new expression");
	is_int(preview_set_expr(pv, "3.*, !*-rc*"), 0, "the same one again");
	preview_view(pv, &v);
	ok(v.te != NULL && v.res == NULL, "compiled, nothing listed yet");
	gen = v.match_gen;
	preview_take(pv, "list", names(), 4, 1);
	preview_view(pv, &v);
	is_int(v.state, PV_DONE, "handed-over names are a done listing");
	is_int((long long)v.n, 4, "every name kept");
	is_int((long long)v.rejected, 1, "rejected names counted");
	ok(v.res != NULL && v.match_gen != gen, "matched on the way in");
	is_int((long long)v.res->n_matched, 2, "3.9 and 3.10, not the rc");
	is_str(v.names[v.res->matched[0]], "3.9", "natural order first");
	is_str(v.names[v.res->matched[1]], "3.10", "natural order second");
	is_int((long long)v.res->item_counts[1], 1, "the exclude removed one");
	preview_set_expr(pv, " , ");
	preview_view(pv, &v);
	ok(v.blank, "an expression of blanks and commas is blank");
	preview_set_expr(pv, "re:[");
	preview_view(pv, &v);
	ok(v.te == NULL && v.expr_err->cat != TM_CAT_NONE, "a bad expression "
	    "is an error, no result");
	is_int(preview_fd(pv), -1, "no listing, no fd");
	preview_free(pv);
}

static void
wording(void)
{
	struct tm_err	e;
	char		buf[1024];

	tm_err_clear(&e);
	e.cat = TM_CAT_NOT_FOUND;
	e.side = TM_SIDE_SOURCE;
	e.http = 404;
	snprintf(e.code, sizeof e.code, "BLOB_UNKNOWN");
	snprintf(e.host, sizeof e.host, "127.0.0.1:5000");
	snprintf(e.object, sizeof e.object, "blob sha256:abc");
	snprintf(e.msg, sizeof e.msg, "blob unknown");
	e.attempts = 3;
	tag_reason(&e, buf, sizeof buf);
	is_str(buf, "HTTP 404 BLOB_UNKNOWN: blob unknown", "a row's reason "
	    "leaves out where");
	explain_err(&e, buf, sizeof buf);
	ok(strstr(buf, "A layer is missing on the source registry "
	    "127.0.0.1:5000 (HTTP 404, registry code BLOB_UNKNOWN)") == buf,
	    "a missing layer explained");
	tm_err_clear(&e);
	e.cat = TM_CAT_USAGE;
	snprintf(e.msg, sizeof e.msg, "a run is active");
	explain_err(&e, buf, sizeof buf);
	is_str(buf, "A run is active.", "no category sentence: core's line");
	tag_reason(&e, buf, sizeof buf);
	is_str(buf, "a run is active", "the message alone");
}

int
main(void)
{
	preview_model();
	wording();
	return tap_done();
}
