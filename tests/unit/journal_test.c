/*
 * The run journal: writing, reading back (the manifest bytes it keeps
 * exact) and crash-truncated files.  Its base64 is tests/unit/base64_test.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "journal.h"
#include "manifest.h"
#include "tap.h"

static char	dir[512];

static const char	m1[] = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}";
static const char	m2[] = "{\"schemaVersion\":2}";

/*
 * Versions before the throwaway re-point wrote a survivor record (a tag
 * re-tagged after a delete by digest); rollback still replays one found
 * in an old journal, so the test writes it as they did.  The journal is
 * O_APPEND, so a line added between its records lands in order.
 */
static int
old_survivor(const char *path, const char *tag, const char *digest,
    const char *mt, const char *manifest)
{
	char	*b64 = tm_b64_encode(manifest, strlen(manifest));
	FILE	*f = fopen(path, "a");
	int	 rc = b64 != NULL && f != NULL &&
	    fprintf(f, "survivor %s %s %s %s\n", tag, digest, mt, b64) > 0 ? 0 : -1;

	if (f != NULL && fclose(f) == EOF)
		rc = -1;
	free(b64);
	return rc;
}

static void
test_write_read(void)
{
	struct journal_data	 d;
	struct journal		*j;
	struct tm_err		 err;
	struct stat		 st;
	char			 path[PATH_MAX], d1[TM_DIGEST_MAX + 1],
				 d2[TM_DIGEST_MAX + 1], newd[TM_DIGEST_MAX + 1];
	int			 rc;

	mf_digest(m1, strlen(m1), d1);
	mf_digest(m2, strlen(m2), d2);
	mf_digest("x", 1, newd);
	j = journal_create(dir, "127.0.0.1:5000/src", "127.0.0.1:5001", "lib/dst",
	    path, sizeof path, &err);
	ok(j != NULL, "journal created (%s)", j ? "" : err.msg);
	if (j == NULL)
		return;
	ok(strstr(path, "127.0.0.1_5001-lib_dst-") != NULL, "file named after the destination: %s", path);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "journal is mode 0600");
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "its directory is 0700");
	rc = journal_before(j, "3.12", d1, MT_OCI_MANIFEST, m1, strlen(m1), &err);
	rc |= journal_before(j, "new", NULL, NULL, NULL, 0, &err);
	rc |= journal_before(j, "stale", d2, MT_DOCKER_V2, m2, strlen(m2), &err);
	rc |= journal_ready(j, &err);
	rc |= journal_intent(j, "3.12", newd, &err);
	rc |= journal_done(j, "3.12", newd, &err);
	rc |= journal_intent(j, "new", newd, &err);
	rc |= journal_unset(j, "stale", d2, &err);
	rc |= journal_done(j, "stale", NULL, &err);
	rc |= old_survivor(path, "alias", d2, MT_DOCKER_V2, m2);
	rc |= journal_artifact(j, d1, &err);
	rc |= journal_artifact(j, d2, &err);
	rc |= journal_artifact(j, d1, &err);
	rc |= journal_end(j, "PARTIAL_MIRROR", &err);
	is_int(rc, 0, "every record written");
	ok(journal_before(j, "bad tag", NULL, NULL, NULL, 0, &err) == -1,
	    "a tag with a space is refused");
	ok(journal_intent(j, "x", "sha256:short", &err) == -1, "a bad digest is refused");
	ok(journal_artifact(j, "sha256-abc", &err) == -1,
	    "an artifact record needs a digest");
	journal_close(j);

	rc = journal_read(path, &d, &err);
	is_int(rc, 0, "journal reads back (%s)", rc ? err.msg : "");
	if (rc != 0)
		return;
	is_str(d.host, "127.0.0.1:5001", "destination host");
	is_str(d.repo, "lib/dst", "destination repository");
	is_str(d.source, "127.0.0.1:5000/src", "source");
	is_int(d.ntags, 3, "three tags recorded");
	ok(d.ready, "ready seen");
	ok(d.tags[0].had && strcmp(d.tags[0].prev_digest, d1) == 0 &&
	    d.tags[0].prev_len == strlen(m1) &&
	    memcmp(d.tags[0].prev_bytes, m1, strlen(m1)) == 0,
	    "previous bytes of an overwritten tag are exact");
	is_str(d.tags[0].prev_type, MT_OCI_MANIFEST, "its media type");
	ok(d.tags[0].changed && d.tags[0].done && strcmp(d.tags[0].new_digest, newd) == 0,
	    "intent + done recorded");
	ok(!d.tags[1].had && d.tags[1].changed && !d.tags[1].done,
	    "a new tag with an intent but no done");
	ok(d.tags[2].unset && d.tags[2].done && d.tags[2].new_digest[0] == '\0',
	    "a stale removal");
	is_int(d.nsurv, 1, "one survivor");
	ok(d.nsurv == 1 && strcmp(d.surv[0].name, "alias") == 0 &&
	    d.surv[0].len == strlen(m2), "survivor bytes kept");
	ok(d.finished, "finished: last record is end");
	is_str(d.status, "PARTIAL_MIRROR", "end status");
	is_int(d.nartifacts, 2, "two referrers added, each once");
	ok(d.nartifacts == 2 && strcmp(d.artifacts[0], d1) == 0 &&
	    strcmp(d.artifacts[1], d2) == 0, "their digests, in order");
	journal_data_free(&d);
}

/* kill -9 mid-write: the torn line is ignored, then cut on reopen. */
static void
test_torn(void)
{
	struct journal_data	 d;
	struct journal		*j;
	struct tm_err		 err;
	char			 path[PATH_MAX], found[PATH_MAX], d1[TM_DIGEST_MAX + 1];
	FILE			*f;
	int			 rc;

	mf_digest(m1, strlen(m1), d1);
	usleep(2000);	/* a newer file name than the previous test's */
	j = journal_create(dir, "src", "h", "r", path, sizeof path, &err);
	if (j == NULL) {
		ok(0, "journal created: %s", err.msg);
		return;
	}
	journal_before(j, "a", NULL, NULL, NULL, 0, &err);
	journal_ready(j, &err);
	journal_intent(j, "a", d1, &err);
	journal_close(j);
	f = fopen(path, "a");
	fputs("done a sha256:0123", f);
	fclose(f);
	rc = journal_read(path, &d, &err);
	is_int(rc, 0, "a torn last line is ignored");
	ok(rc == 0 && d.ntags == 1 && d.tags[0].changed && !d.tags[0].done,
	    "the intent before it stands");
	ok(rc == 0 && !d.finished, "an interrupted run is not finished");
	if (rc == 0)
		journal_data_free(&d);
	is_int(journal_find(dir, 1, found, sizeof found, &err), 1, "an unfinished journal is found");
	is_str(found, path, "it is the interrupted one");

	j = journal_reopen(path, &err);
	ok(j != NULL, "reopened for rollback");
	if (j == NULL)
		return;
	journal_rollback(j, &err);
	journal_restored(j, "a", NULL, &err);
	journal_end(j, "ROLLED_BACK", &err);
	journal_close(j);
	rc = journal_read(path, &d, &err);
	is_int(rc, 0, "after reopen the journal is well formed (%s)", rc ? err.msg : "");
	ok(rc == 0 && d.rollbacks == 1 && d.finished &&
	    strcmp(d.status, "ROLLED_BACK") == 0, "rollback recorded and finished");
	if (rc == 0)
		journal_data_free(&d);
	is_int(journal_find(dir, 1, found, sizeof found, &err), 0,
	    "no unfinished journal left");
	is_int(journal_find(dir, 0, found, sizeof found, &err), 1, "the newest journal is found");
	is_str(found, path, "newest is the last one created");
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void
test_malformed(void)
{
	struct journal_data	d;
	struct tm_err		err;
	char			path[PATH_MAX], text[600], d1[TM_DIGEST_MAX + 1], *b64;

	snprintf(path, sizeof path, "%s/bad.txt", dir);
	write_file(path, "hello\n");
	ok(journal_read(path, &d, &err) == -1 && strstr(err.msg, "not a tagmirror journal"),
	    "a foreign file is refused: %s", err.msg);
	write_file(path, "tagmirror-journal 1\ndest h r\nintent x sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000\n");
	ok(journal_read(path, &d, &err) == -1 && strstr(err.msg, ":3:"),
	    "an intent for an unknown tag names its line: %s", err.msg);
	mf_digest(m2, strlen(m2), d1);
	b64 = tm_b64_encode(m1, strlen(m1));
	snprintf(text, sizeof text, "tagmirror-journal 1\ndest h r\nbefore t %s %s %s\n",
	    d1, MT_OCI_MANIFEST, b64);
	free(b64);
	write_file(path, text);
	ok(journal_read(path, &d, &err) == -1,
	    "bytes that do not hash to the recorded digest are refused");
	write_file(path, "tagmirror-journal 1\ndest h r\nbefore ../x - - -\n");
	ok(journal_read(path, &d, &err) == -1, "an invalid tag name is refused");
	write_file(path, "tagmirror-journal 1\ndest h r\nfuture-record a b\nend SUCCESS\n");
	ok(journal_read(path, &d, &err) == 0, "unknown records are skipped");
	journal_data_free(&d);
	write_file(path, "tagmirror-journal 1\ndest h r\nartifact sha256-x\n");
	ok(journal_read(path, &d, &err) == -1 && strstr(err.msg, ":3:"),
	    "an artifact record without a digest names its line: %s", err.msg);
	unlink(path);
}

int
main(void)
{
	char	 tmpl[] = "/tmp/tm-journal-test.XXXXXX", *base;

	if ((base = mkdtemp(tmpl)) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	/* A directory journal_create makes itself, to check its mode. */
	snprintf(dir, sizeof dir, "%s/state/tagmirror", base);
	test_write_read();
	test_torn();
	test_malformed();
	{
		char	cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", base);
	}
	return tap_done();
}
