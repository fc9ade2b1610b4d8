/*
 * Errors as values.
 *
 * Every core function that can fail returns -1 and fills a caller-owned
 * struct tm_err; nothing in core/ prints.  The struct carries what a
 * person troubleshooting a failed tag needs: which side and object failed,
 * the HTTP status, the registry's own error code, and how hard we tried.
 * No field may ever hold a credential.
 */
#ifndef TM_ERR_H
#define TM_ERR_H

#include <stddef.h>

/* X-macro: category enum and its report name stay in step. */
#define TM_CATEGORIES(_) \
	_(NONE, "none") \
	_(USAGE, "usage") \
	_(AUTH, "auth") \
	_(NOT_FOUND, "not_found") \
	_(RATE_LIMITED, "rate_limited") \
	_(SERVER_ERROR, "server_error") \
	_(NETWORK, "network") \
	_(DIGEST_MISMATCH, "digest_mismatch") \
	_(TLS, "tls") \
	_(CANCELLED, "cancelled") \
	_(PROTOCOL, "protocol") \
	_(CONFLICT, "conflict") \
	_(IO, "io")

enum tm_category {
#define TM_CAT_ENUM(name, str) TM_CAT_##name,
	TM_CATEGORIES(TM_CAT_ENUM)
#undef TM_CAT_ENUM
	TM_CAT_COUNT
};

enum tm_side {
	TM_SIDE_NONE,
	TM_SIDE_SOURCE,
	TM_SIDE_DEST,
	TM_SIDE_LOCAL
};

struct tm_err {
	enum tm_category cat;
	enum tm_side	 side;
	long		 http;		/* HTTP status, 0 when none */
	char		 code[32];	/* registry code, e.g. MANIFEST_UNKNOWN */
	char		 object[160];	/* "manifest sha256:..", "blob sha256:.." */
	char		 host[128];	/* registry host that answered */
	char		 msg[320];	/* one line, sanitised, no secrets */
	int		 attempts;	/* requests made for the failing step */
	double		 waited;	/* seconds slept between attempts */
	int		 token_revoked;	/* a 401 refused tokens the registry had
					 * just issued (revoked, expired): the
					 * credentials are good, a later round
					 * may pass */
};

/* Reset to "no error". */
void		 tm_err_clear(struct tm_err *);

/*
 * Set category and a printf-style message; keeps side/http/code/object.
 * Always returns -1 so callers can write `return tm_err_set(...)`.
 * A NULL err is allowed and ignored.
 */
int		 tm_err_set(struct tm_err *, enum tm_category, const char *, ...)
		     __attribute__((format(printf, 3, 4)));

/* "not_found", "server_error", ... as used in reports. */
const char	*tm_category_name(enum tm_category);
/* Inverse of tm_category_name; TM_CAT_NONE when unknown. */
enum tm_category tm_category_from_name(const char *);
const char	*tm_side_name(enum tm_side);

/*
 * The one formatter family for core errors.  tm_err_format, the long
 * form, one human line: "source registry-1.docker.io: manifest
 * 3.4.9-alpine: HTTP 404 MANIFEST_UNKNOWN: manifest unknown (3
 * attempts)".  tm_err_short, for a line that names the tag and host
 * already: "HTTP 404 MANIFEST_UNKNOWN: manifest unknown".
 */
void		 tm_err_format(const struct tm_err *, char *, size_t);
void		 tm_err_short(const struct tm_err *, char *, size_t);

/*
 * Copy s into dst (size n) replacing control characters and anything that
 * is not printable UTF-8 with '?', so text from a registry can never
 * drive a terminal.  Returns dst.
 */
char		*tm_sanitize(char *dst, size_t n, const char *s);

#endif
