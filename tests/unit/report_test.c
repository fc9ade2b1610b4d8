/*
 * The JSON report built from a snapshot (no registry, no run): the run's
 * fields, the summary's counts and categories, each tag's result word,
 * and the failed tags as --only-failed reads them back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mirror.h"
#include "tap.h"

static void
tag(struct mirror_tag_info *t, const char *name, enum tag_state st,
    enum tag_action act, enum tm_category cat)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->state = st;
	t->action = act;
	if (cat != TM_CAT_NONE)
		tm_err_set(&t->err, cat, "broke");
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "(not a string)";
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *
result(const cJSON *root, int i)
{
	return str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root,
	    "tags"), i), "result");
}

static void
snapshot(struct mirror_snapshot *s, struct mirror_tag_info *tags)
{
	memset(s, 0, sizeof *s);
	s->source = "127.0.0.1:5000/lib/app";
	s->destination = "127.0.0.1:5001/mirror/app";
	s->expression = "1.*";
	s->status = MIRROR_ROLLED_BACK;
	s->copy_status = MIRROR_PARTIAL;
	s->rolled_back = 1;
	s->rollback.attempted = s->rollback.finished = 1;
	s->rollback.restored = 2;
	tag(&tags[0], "1.0", TAG_ROLLED_BACK, TAG_ACT_COPY, TM_CAT_NONE);
	tag(&tags[1], "1.1", TAG_UPTODATE, TAG_ACT_COPY, TM_CAT_NONE);
	tag(&tags[2], "1.2", TAG_FAILED, TAG_ACT_COPY, TM_CAT_NOT_FOUND);
	tag(&tags[3], "1.3", TAG_CONFLICT, TAG_ACT_COPY, TM_CAT_CONFLICT);
	tag(&tags[4], "1.4", TAG_QUEUED, TAG_ACT_DELETE, TM_CAT_NONE);
	tag(&tags[5], "1.5", TAG_QUEUED, TAG_ACT_COPY, TM_CAT_NONE);
	s->tags = tags;
	s->ntags = 6;
	s->totals.tags = 6;
	s->totals.uptodate = 1;
	s->totals.failed = 1;
	s->totals.conflicts = 1;
	s->totals.failed_by_cat[TM_CAT_NOT_FOUND] = 1;
	s->totals.failed_by_cat[TM_CAT_CONFLICT] = 1;
}

/* The failed tags, written and read back the way --only-failed reads. */
static void
test_read_back(const char *text)
{
	struct mirror_report_run	 run;
	struct tm_err			 err;
	char				 path[] = "/tmp/report_test.XXXXXX";
	char				**failed;
	size_t				 n;
	FILE				*f;
	int				 fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "temporary report file");
		return;
	}
	fputs(text, f);
	fclose(f);
	is_int(mirror_report_failed(path, &failed, &n, &run, &err), 0,
	    "the report reads back");
	is_int(n, 2, "two failed tags read back");
	if (n == 2) {
		is_str(failed[0], "1.2", "the failed tag");
		is_str(failed[1], "1.3", "the conflict counts as failed");
	}
	is_str(run.source, "127.0.0.1:5000/lib/app", "the source read back");
	mirror_report_tags_free(failed, n, &run);
	unlink(path);
}

/*
 * The report is written tag by tag, not printed from one tree: its text
 * must be what cJSON_Print gives for the whole tree (the format readers
 * saw before), with tags and without.
 */
static void
test_as_one_tree(struct mirror_snapshot *s, const char *what)
{
	char	*text = mirror_report_text(s), *again = NULL;
	cJSON	*root = text != NULL ? cJSON_Parse(text) : NULL;

	if (root != NULL)
		again = cJSON_Print(root);
	ok(again != NULL && strcmp(text, again) == 0,
	    "printed as one tree would be: %s", what);
	cJSON_Delete(root);
	free(again);
	free(text);
}

int
main(void)
{
	struct mirror_snapshot	 s;
	struct mirror_tag_info	 tags[6];
	cJSON			*root, *sum;
	char			*text;

	snapshot(&s, tags);
	text = mirror_report_text(&s);
	root = cJSON_Parse(text);
	ok(root != NULL, "the report is JSON");
	is_str(str(root, "status"), "PARTIAL_MIRROR", "status: the copy's");
	is_str(str(root, "final_status"), "ROLLED_BACK", "final status");
	ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "rolled_back")),
	    "rolled_back as the snapshot says");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "journal")),
	    "no journal: null");
	is_int(num(cJSON_GetObjectItemCaseSensitive(root, "rollback"),
	    "restored"), 2, "the rollback's counts");
	sum = cJSON_GetObjectItemCaseSensitive(root, "summary");
	is_int(num(sum, "failed"), 2, "failed counts conflicts too");
	is_int(num(sum, "up_to_date"), 1, "up to date counted");
	is_int(num(cJSON_GetObjectItemCaseSensitive(sum, "failed_by_category"),
	    "not_found"), 1, "failures by category from the summary");
	is_str(result(root, 0), "rolled_back", "result word: rolled back");
	is_str(result(root, 1), "up_to_date", "result word: up to date");
	is_str(result(root, 2), "failed", "result word: failed");
	is_str(result(root, 4), "stale_kept", "a stale tag not removed");
	is_str(result(root, 5), "not_started", "a tag never started");
	test_read_back(text);
	cJSON_Delete(root);
	free(text);

	test_as_one_tree(&s, "six tags, errors among them");
	s.ntags = 0;
	test_as_one_tree(&s, "no tags");
	s.ntags = 6;

	s.dry_run = 1;
	text = mirror_report_text(&s);
	root = cJSON_Parse(text);
	is_str(result(root, 4), "would_delete", "dry run: would delete");
	is_str(result(root, 5), "would_copy", "dry run: would copy");
	cJSON_Delete(root);
	free(text);

	is_str(tag_state_name(TAG_UPTODATE), "up_to_date", "report word");
	is_str(tag_state_cli_word(TAG_UPTODATE), "up-to-date", "CLI word");
	is_str(tag_state_label(TAG_UPTODATE), "up to date", "human word");
	is_str(tag_state_label((enum tag_state)99), "unknown",
	    "a state out of the table");
	return tap_done();
}
