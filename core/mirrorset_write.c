/*
 * The mirror set writer: defaults and mirrors as YAML that the reader
 * (core/mirrorset.c) takes back unchanged, emitted by libyaml (the same
 * library that reads it), every string double-quoted so that no value (a
 * "yes", a "#", a ": ") changes meaning.
 */
#include "config.h"

#include "mirrorset_write.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "fsutil.h"

struct out {
	yaml_emitter_t	e;
	int		failed;
};

static void
emit(struct out *o, yaml_event_t *ev)
{
	if (!o->failed && !yaml_emitter_emit(&o->e, ev))
		o->failed = 1;
}

/* A scalar: strings double-quoted, numbers and booleans plain. */
static void
scalar(struct out *o, const char *s, int quoted)
{
	yaml_event_t	ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)strlen(s), !quoted, quoted,
	    quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE)) {
		o->failed = 1;
		return;
	}
	emit(o, &ev);
}

/* key: "val", left out when val is NULL. */
static void
put_str(struct out *o, const char *key, const char *val)
{
	if (val == NULL)
		return;
	scalar(o, key, 0);
	scalar(o, val, 1);
}

static void
put_bool(struct out *o, const char *key, int v)
{
	scalar(o, key, 0);
	scalar(o, v ? "true" : "false", 0);
}

/* MAPPING or SEQUENCE start (1) or end (0), block style. */
static void
nest(struct out *o, int mapping, int start)
{
	yaml_event_t	ev;
	int		ok;

	if (mapping && start)
		ok = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_MAPPING_STYLE);
	else if (start)
		ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_SEQUENCE_STYLE);
	else
		ok = mapping ? yaml_mapping_end_event_initialize(&ev) :
		    yaml_sequence_end_event_initialize(&ev);
	if (!ok)
		o->failed = 1;
	else
		emit(o, &ev);
}

static void
put_defaults(struct out *o, const struct ms_defaults *d)
{
	char	jobs[24];

	scalar(o, "defaults", 0);
	nest(o, 1, 1);
	put_str(o, "registry", d->registry);
	if (d->jobs > 0) {
		snprintf(jobs, sizeof jobs, "%d", d->jobs);
		scalar(o, "jobs", 0);
		scalar(o, jobs, 0);
	}
	put_str(o, "platforms", d->platforms);
	if (d->rollback >= 0)
		put_bool(o, "rollback", d->rollback);
	put_bool(o, "delete-stale", d->delete_stale);
	put_bool(o, "source-tls-verify", d->src_tls_verify);
	put_str(o, "source-cert-dir", d->src_cert_dir);
	put_bool(o, "tls-verify", d->dst_tls_verify);
	put_str(o, "cert-dir", d->dst_cert_dir);
	put_str(o, "auth-file", d->auth_file);
	if (!d->referrers)
		put_bool(o, "referrers", 0);
	put_str(o, "referrer-types", d->referrer_types);
	nest(o, 1, 0);
}

static void
put_mirror(struct out *o, const struct ms_mirror *m)
{
	size_t	i;

	nest(o, 1, 1);
	if (m->source != NULL)
		put_str(o, "source", m->source);
	else {
		put_str(o, "namespace", m->ns);
		put_str(o, "repositories", m->match);
		if (m->nrepos > 0) {
			scalar(o, "list", 0);
			nest(o, 0, 1);
			for (i = 0; i < m->nrepos; i++)
				scalar(o, m->repos[i], 1);
			nest(o, 0, 0);
		}
	}
	put_str(o, "destination", m->dest);
	put_str(o, "tags", m->tags);
	put_str(o, "platforms", m->platforms);
	if (m->src_tls_verify >= 0)
		put_bool(o, "source-tls-verify", m->src_tls_verify);
	put_str(o, "source-cert-dir", m->src_cert_dir);
	if (m->referrers >= 0)
		put_bool(o, "referrers", m->referrers);
	put_str(o, "referrer-types", m->referrer_types);
	nest(o, 1, 0);
}

/* Stream and document start (1) or end (0). */
static void
frame(struct out *o, int start)
{
	yaml_event_t	ev;

	if (start ? !yaml_stream_start_event_initialize(&ev,
	    YAML_UTF8_ENCODING) : !yaml_document_end_event_initialize(&ev, 1)) {
		o->failed = 1;
		return;
	}
	emit(o, &ev);
	if (start ? !yaml_document_start_event_initialize(&ev, NULL, NULL,
	    NULL, 1) : !yaml_stream_end_event_initialize(&ev)) {
		o->failed = 1;
		return;
	}
	emit(o, &ev);
}

int
mirrorset_print(FILE *f, const struct ms_defaults *d,
    const struct ms_mirror *m, size_t n)
{
	struct out	o = { .failed = 0 };
	size_t		i;

	if (!yaml_emitter_initialize(&o.e)) {
		errno = ENOMEM;
		return -1;
	}
	yaml_emitter_set_output_file(&o.e, f);
	yaml_emitter_set_unicode(&o.e, 1);
	frame(&o, 1);
	nest(&o, 1, 1);
	scalar(&o, "version", 0);
	scalar(&o, "1", 0);
	put_defaults(&o, d);
	scalar(&o, "mirrors", 0);
	nest(&o, 0, 1);
	for (i = 0; i < n; i++)
		put_mirror(&o, &m[i]);
	nest(&o, 0, 0);
	nest(&o, 1, 0);
	frame(&o, 0);
	if (!o.failed && !yaml_emitter_flush(&o.e))
		o.failed = 1;
	yaml_emitter_delete(&o.e);
	if (o.failed || ferror(f)) {
		/* libyaml refuses what is no UTF-8; stdio says its own. */
		if (!ferror(f) || errno == 0)
			errno = EINVAL;
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
