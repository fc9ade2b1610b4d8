/*
 * The JSON report (docs/report.md): built from one snapshot of the run,
 * written through tm_write_file (aside and renamed for a regular file);
 * and read back for --only-failed.
 */
#include "config.h"

#include "mirror.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fsutil.h"
#include "strv.h"

/* The one-word result of a tag in a report (docs/report.md). */
static const char *
tag_result(const struct mirror_tag_info *t, int dry_run)
{
	if (t->state != TAG_QUEUED)
		return tag_state_name(t->state);
	/* Queued at the end: what the plan meant, and why it did not happen. */
	if (t->action == TAG_ACT_DELETE)
		return dry_run ? "would_delete" : "stale_kept";
	return dry_run ? "would_copy" : tag_state_name(TAG_QUEUED);
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL && *v != '\0')
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
err_json(const struct tm_err *e)
{
	cJSON	*o;

	if (e->cat == TM_CAT_NONE)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "category", tm_category_name(e->cat));
	add_str(o, "side", tm_side_name(e->side));
	add_str(o, "object", e->object);
	add_str(o, "host", e->host);
	cJSON_AddNumberToObject(o, "http", (double)e->http);
	add_str(o, "code", e->code);
	cJSON_AddStringToObject(o, "message", e->msg);
	cJSON_AddNumberToObject(o, "attempts", e->attempts);
	return o;
}

char *
mirror_err_json(const struct tm_err *e)
{
	cJSON	*o = err_json(e);
	char	*text = o != NULL ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	return text;
}

static void
add_time(cJSON *o, const char *key, time_t t)
{
	char		buf[40];
	struct tm	tm;

	if (t == 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, key, buf);
}

static cJSON *
tag_json(const struct mirror_tag_info *t, int dry_run)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "tag", t->name);
	cJSON_AddStringToObject(o, "result", tag_result(t, dry_run));
	cJSON_AddStringToObject(o, "action",
	    t->action == TAG_ACT_DELETE ? "delete" : "copy");
	add_str(o, "source_digest", t->src_digest);
	add_str(o, "digest", t->dst_digest);
	add_str(o, "previous_digest", t->prev_digest);
	cJSON_AddNumberToObject(o, "attempts", t->attempts);
	cJSON_AddNumberToObject(o, "blobs", t->blobs_total);
	cJSON_AddNumberToObject(o, "blobs_copied", t->blobs_copied);
	cJSON_AddNumberToObject(o, "blobs_mounted", t->blobs_mounted);
	cJSON_AddNumberToObject(o, "blobs_skipped", t->blobs_skipped);
	cJSON_AddNumberToObject(o, "bytes", (double)t->bytes_total);
	cJSON_AddNumberToObject(o, "referrers", t->referrers);
	cJSON_AddNumberToObject(o, "seconds", t->seconds);
	cJSON_AddItemToObject(o, "error", err_json(&t->err));
	return o;
}

static cJSON *
rollback_json(const struct mirror_rollback_info *rb)
{
	cJSON	*o;

	if (!rb->attempted)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "finished", rb->finished);
	cJSON_AddNumberToObject(o, "restored", (double)rb->restored);
	cJSON_AddNumberToObject(o, "unchanged", (double)rb->unchanged);
	cJSON_AddNumberToObject(o, "conflicts", (double)rb->conflicts);
	cJSON_AddNumberToObject(o, "failed", (double)rb->failed);
	cJSON_AddNumberToObject(o, "mismatches", (double)rb->mismatches);
	cJSON_AddNumberToObject(o, "survivors_retagged", (double)rb->survivors);
	cJSON_AddNumberToObject(o, "referrers_removed", (double)rb->artifacts);
	cJSON_AddItemToObject(o, "error", err_json(&rb->err));
	return o;
}

/* Who, what, when, and how it ended. */
static void
add_run(cJSON *root, const struct mirror_snapshot *s)
{
	cJSON_AddNumberToObject(root, "tagmirror_report", 1);
	cJSON_AddStringToObject(root, "source", s->source);
	cJSON_AddStringToObject(root, "destination", s->destination);
	add_str(root, "expression", s->expression);
	add_str(root, "platforms", s->platforms);
	cJSON_AddBoolToObject(root, "dry_run", s->dry_run);
	cJSON_AddBoolToObject(root, "rollback_requested", s->rollback_requested);
	cJSON_AddBoolToObject(root, "delete_stale", s->delete_stale);
	add_time(root, "started", s->started);
	add_time(root, "finished", s->ended);
	cJSON_AddNumberToObject(root, "elapsed_seconds", s->totals.elapsed);
	cJSON_AddStringToObject(root, "status", mirror_status_name(s->copy_status));
	cJSON_AddBoolToObject(root, "rolled_back", s->rolled_back);
	cJSON_AddStringToObject(root, "final_status",
	    mirror_status_name(s->status));
	cJSON_AddItemToObject(root, "rollback", rollback_json(&s->rollback));
	add_str(root, "journal", s->journal);
	cJSON_AddItemToObject(root, "error", err_json(&s->run_err));
}

static void
add_summary(cJSON *root, const struct mirror_totals *tot)
{
	cJSON	*sum, *cats;
	int	 c;

	sum = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddNumberToObject(sum, "tags", (double)tot->tags);
	cJSON_AddNumberToObject(sum, "copied", (double)tot->done);
	cJSON_AddNumberToObject(sum, "up_to_date", (double)tot->uptodate);
	cJSON_AddNumberToObject(sum, "failed",
	    (double)(tot->failed + tot->conflicts));
	cJSON_AddNumberToObject(sum, "cancelled", (double)tot->cancelled);
	cJSON_AddNumberToObject(sum, "skipped", (double)tot->skipped);
	cJSON_AddNumberToObject(sum, "stale", (double)tot->stale);
	cJSON_AddNumberToObject(sum, "deleted", (double)tot->deleted);
	cats = cJSON_AddObjectToObject(sum, "failed_by_category");
	for (c = 0; c < TM_CAT_COUNT; c++)
		if (tot->failed_by_cat[c] > 0)
			cJSON_AddNumberToObject(cats,
			    tm_category_name((enum tm_category)c),
			    (double)tot->failed_by_cat[c]);
	cJSON_AddNumberToObject(sum, "blobs_copied", (double)tot->blobs_copied);
	cJSON_AddNumberToObject(sum, "blobs_mounted", (double)tot->blobs_mounted);
	cJSON_AddNumberToObject(sum, "blobs_skipped", (double)tot->blobs_skipped);
	cJSON_AddNumberToObject(sum, "bytes_copied", (double)tot->bytes_done);
	cJSON_AddNumberToObject(sum, "requests_source",
	    (double)tot->requests_src);
	cJSON_AddNumberToObject(sum, "requests_destination",
	    (double)tot->requests_dst);
}

/*
 * The report without its tags, printed as cJSON_Print would; the tags
 * follow it one by one (put_tags), so the memory a report needs is one
 * tag's tree, not 10,000 of them (about 2 KiB of cJSON nodes a tag).
 */
static char *
report_head(const struct mirror_snapshot *s)
{
	cJSON	*root, *failed, *unfinished, *warn;
	char	*text;
	size_t	 i;

	root = cJSON_CreateObject();
	add_run(root, s);
	failed = cJSON_CreateArray();
	unfinished = cJSON_CreateArray();
	warn = cJSON_CreateArray();
	for (i = 0; i < s->nwarnings; i++)
		cJSON_AddItemToArray(warn, cJSON_CreateString(s->warnings[i]));
	for (i = 0; i < s->ntags; i++) {
		const struct mirror_tag_info	*t = &s->tags[i];

		if (t->state == TAG_FAILED || t->state == TAG_CONFLICT)
			cJSON_AddItemToArray(failed, cJSON_CreateString(t->name));
		else if (t->state == TAG_CANCELLED || t->state == TAG_SKIPPED)
			cJSON_AddItemToArray(unfinished,
			    cJSON_CreateString(t->name));
	}
	cJSON_AddItemToObject(root, "warnings", warn);
	add_summary(root, &s->totals);
	cJSON_AddItemToObject(root, "failed_tags", failed);
	cJSON_AddItemToObject(root, "unfinished_tags", unfinished);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

/* One tag's object at the depth of the report's "tags" array. */
static int
put_tag(FILE *f, const struct mirror_tag_info *t, int dry_run)
{
	cJSON		*o = tag_json(t, dry_run);
	char		*text = cJSON_Print(o);
	const char	*p;
	int		 rc = 0;

	cJSON_Delete(o);
	if (text == NULL)
		return -1;
	for (p = text; *p != '\0' && rc == 0; p++)
		if (fputc(*p, f) == EOF || (*p == '\n' && fputs("\t\t", f) == EOF))
			rc = -1;
	free(text);
	return rc;
}

/* The whole report, tags last: what cJSON_Print gives for one tree. */
static int
put_snapshot(FILE *f, const struct mirror_snapshot *s)
{
	char	*head = report_head(s);
	size_t	 len, i;
	int	 rc;

	/* The head ends in "\n}": the tags go in before that brace. */
	if (head == NULL || (len = strlen(head)) < 2) {
		free(head);
		return -1;
	}
	head[len - 2] = '\0';
	rc = fprintf(f, "%s,\n\t\"tags\":\t[", head) < 0 ? -1 : 0;
	free(head);
	for (i = 0; i < s->ntags && rc == 0; i++)
		if ((i > 0 && fputs(", ", f) == EOF) ||
		    put_tag(f, &s->tags[i], s->dry_run) == -1)
			rc = -1;
	if (rc == 0 && fputs("]\n}", f) == EOF)
		rc = -1;
	return rc;
}

char *
mirror_report_text(const struct mirror_snapshot *s)
{
	char	*text = NULL;
	size_t	 len;
	FILE	*f;
	int	 rc;

	if ((f = open_memstream(&text, &len)) == NULL)
		return NULL;
	rc = put_snapshot(f, s);
	if (fclose(f) == EOF || rc == -1) {
		free(text);
		return NULL;
	}
	return text;
}

static int
io_err(struct tm_err *err, const char *what, const char *path)
{
	int	e = errno;

	tm_err_clear(err);
	err->side = TM_SIDE_LOCAL;
	return tm_err_set(err, TM_CAT_IO, "%s %s: %s", what, path, strerror(e));
}

/* The report and its final newline. */
static int
put_report(FILE *f, void *snapshot)
{
	return put_snapshot(f, snapshot) == -1 || fputc('\n', f) == EOF ?
	    -1 : 0;
}

int
mirror_write_report(const struct mirror *m, const char *path,
    struct tm_err *err)
{
	struct mirror_snapshot	 s;
	int			 rc;

	tm_err_clear(err);
	if (mirror_snapshot(m, &s, err) == -1)
		return -1;
	/* Aside and renamed for a regular file (a reader never sees half a
	 * report); "-", a device or a FIFO in place, never replaced.  Written
	 * as it is made: no whole text in memory. */
	rc = tm_write_file(path, put_report, &s, 0666, err);
	mirror_snapshot_free(&s);
	return rc;
}

static char *
dup_field(const cJSON *root, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(root, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

void
mirror_report_tags_free(char **tags, size_t n, struct mirror_report_run *run)
{
	tm_strv_free(tags, n);
	if (run != NULL) {
		free(run->source);
		free(run->destination);
		free(run->expression);
		memset(run, 0, sizeof *run);
	}
}

int
mirror_report_failed(const char *path, char ***tags, size_t *n,
    struct mirror_report_run *run, struct tm_err *err)
{
	const cJSON	*arr, *more, *v;
	cJSON		*root;
	FILE		*f;
	char		*text;
	long		 len;
	size_t		 k = 0;

	tm_err_clear(err);
	*tags = NULL;
	*n = 0;
	if (run != NULL)
		memset(run, 0, sizeof *run);
	if ((f = fopen(path, "re")) == NULL)
		return io_err(err, "cannot read", path);
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    len > 256L * 1024 * 1024 || fseek(f, 0, SEEK_SET) == -1 ||
	    (text = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return io_err(err, "cannot read", path);
	}
	if (fread(text, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(text);
		return io_err(err, "cannot read", path);
	}
	fclose(f);
	text[len] = '\0';
	root = cJSON_Parse(text);
	free(text);
	arr = cJSON_GetObjectItemCaseSensitive(root, "failed_tags");
	if (root == NULL || !cJSON_IsArray(arr) ||
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root,
	    "tagmirror_report"))) {
		cJSON_Delete(root);
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_USAGE,
		    "%s is not a tagmirror report", path);
	}
	/* Tags a cancel or a refusing registry stopped are retried too. */
	more = cJSON_GetObjectItemCaseSensitive(root, "unfinished_tags");
	if ((*tags = calloc((size_t)cJSON_GetArraySize(arr) +
	    (size_t)cJSON_GetArraySize(more) + 1, sizeof **tags)) == NULL) {
		cJSON_Delete(root);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	for (; arr != NULL; arr = arr == more ? NULL : more)
		cJSON_ArrayForEach(v, arr)
			if (cJSON_IsString(v) && tm_tag_valid(v->valuestring) &&
			    ((*tags)[k] = strdup(v->valuestring)) != NULL)
				k++;
	*n = k;
	if (run != NULL) {
		run->source = dup_field(root, "source");
		run->destination = dup_field(root, "destination");
		run->expression = dup_field(root, "expression");
	}
	cJSON_Delete(root);
	return 0;
}
