/*
 * The mirror set writer: defaults and mirrors as YAML that the reader
 * (core/mirrorset.c) takes back unchanged, every scalar double-quoted so
 * that no value (a "yes", a "#", a ": ") changes meaning.
 */
#include "config.h"

#include "mirrorset_write.h"

#include <errno.h>
#include <stdio.h>

#include "fsutil.h"

/* A YAML double-quoted scalar: '"', '\\' and control bytes escaped. */
static void
put_str(FILE *f, const char *s)
{
	const unsigned char	*p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void
put_key(FILE *f, const char *indent, const char *key, const char *val)
{
	if (val == NULL)
		return;
	fprintf(f, "%s%s: ", indent, key);
	put_str(f, val);
	fputc('\n', f);
}

static const char *
yes_no(int v)
{
	return v ? "true" : "false";
}

static void
put_defaults(FILE *f, const struct ms_defaults *d)
{
	fputs("defaults:\n", f);
	put_key(f, "  ", "registry", d->registry);
	if (d->jobs > 0)
		fprintf(f, "  jobs: %d\n", d->jobs);
	put_key(f, "  ", "platforms", d->platforms);
	if (d->rollback >= 0)
		fprintf(f, "  rollback: %s\n", yes_no(d->rollback));
	fprintf(f, "  delete-stale: %s\n", yes_no(d->delete_stale));
	fprintf(f, "  source-tls-verify: %s\n", yes_no(d->src_tls_verify));
	put_key(f, "  ", "source-cert-dir", d->src_cert_dir);
	fprintf(f, "  tls-verify: %s\n", yes_no(d->dst_tls_verify));
	put_key(f, "  ", "cert-dir", d->dst_cert_dir);
	put_key(f, "  ", "auth-file", d->auth_file);
}

static void
put_mirror(FILE *f, const struct ms_mirror *m)
{
	size_t	i;

	/* The first key carries the sequence's dash. */
	put_key(f, "  - ", m->source != NULL ? "source" : "namespace",
	    m->source != NULL ? m->source : m->ns);
	if (m->source == NULL) {
		put_key(f, "    ", "repositories", m->match);
		if (m->nrepos > 0)
			fputs("    list:\n", f);
		for (i = 0; i < m->nrepos; i++) {
			fputs("      - ", f);
			put_str(f, m->repos[i]);
			fputc('\n', f);
		}
	}
	put_key(f, "    ", "destination", m->dest);
	put_key(f, "    ", "tags", m->tags);
	put_key(f, "    ", "platforms", m->platforms);
	if (m->src_tls_verify >= 0)
		fprintf(f, "    source-tls-verify: %s\n",
		    yes_no(m->src_tls_verify));
	put_key(f, "    ", "source-cert-dir", m->src_cert_dir);
}

int
mirrorset_print(FILE *f, const struct ms_defaults *d,
    const struct ms_mirror *m, size_t n)
{
	size_t	i;

	fputs("# tagmirror mirror set (docs/mirrorset.md); no secrets here:\n"
	    "# credentials come from the auth files.\nversion: 1\n", f);
	put_defaults(f, d);
	fputs(n > 0 ? "mirrors:\n" : "mirrors: []\n", f);
	for (i = 0; i < n; i++)
		put_mirror(f, &m[i]);
	if (ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

struct print_args {
	const struct ms_defaults	*d;
	const struct ms_mirror		*m;
	size_t				 n;
};

static int
print_cb(FILE *f, void *ctx)
{
	const struct print_args	*p = ctx;

	return mirrorset_print(f, p->d, p->m, p->n);
}

int
mirrorset_write(const char *path, const struct ms_defaults *d,
    const struct ms_mirror *m, size_t n, struct tm_err *err)
{
	struct print_args	p = { d, m, n };

	return tm_write_file(path, print_cb, &p, 0600, err);
}
