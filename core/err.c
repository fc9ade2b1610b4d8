/*
 * Errors as values: setting, naming and formatting struct tm_err, and
 * making registry text safe to show.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static const char *const category_names[] = {
#define TM_CAT_NAME(name, str) str,
	TM_CATEGORIES(TM_CAT_NAME)
#undef TM_CAT_NAME
};

void
tm_err_clear(struct tm_err *err)
{
	if (err != NULL)
		memset(err, 0, sizeof *err);
}

int
tm_err_set(struct tm_err *err, enum tm_category cat, const char *fmt, ...)
{
	char	raw[sizeof err->msg];
	va_list	ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	tm_sanitize(err->msg, sizeof err->msg, raw);
	err->cat = cat;
	return -1;
}

const char *
tm_category_name(enum tm_category cat)
{
	if ((int)cat < 0 || cat >= TM_CAT_COUNT)
		return "unknown";
	return category_names[cat];
}

enum tm_category
tm_category_from_name(const char *name)
{
	int	i;

	for (i = 0; i < TM_CAT_COUNT; i++)
		if (strcmp(category_names[i], name) == 0)
			return (enum tm_category)i;
	return TM_CAT_NONE;
}

const char *
tm_side_name(enum tm_side side)
{
	switch (side) {
	case TM_SIDE_SOURCE:
		return "source";
	case TM_SIDE_DEST:
		return "destination";
	case TM_SIDE_LOCAL:
		return "local";
	default:
		return "";
	}
}

/*
 * The formatter family's one body.  The long form says who failed
 * (side, host, object) and how hard we tried; the short one only what
 * the registry said, for where the tag or host is shown already.
 */
static void
format(const struct tm_err *err, int full, char *buf, size_t n)
{
	size_t	off = 0;

#define APPEND(...) do {						\
	if (off < n) {							\
		int w_ = snprintf(buf + off, n - off, __VA_ARGS__);	\
		if (w_ > 0)						\
			off += (size_t)w_;				\
	}								\
} while (0)
	if (n == 0)
		return;
	buf[0] = '\0';
	if (full && err->side != TM_SIDE_NONE)
		APPEND("%s ", tm_side_name(err->side));
	if (full && err->host[0] != '\0')
		APPEND("%s: ", err->host);
	if (full && err->object[0] != '\0')
		APPEND("%s: ", err->object);
	if (err->http != 0)
		APPEND(full || err->code[0] != '\0' ? "HTTP %ld " : "HTTP %ld: ",
		    err->http);
	if (err->code[0] != '\0')
		APPEND("%s: ", err->code);
	APPEND("%s", err->msg[0] != '\0' ? err->msg : tm_category_name(err->cat));
	if (full && err->attempts > 1)
		APPEND(" (%d attempts)", err->attempts);
#undef APPEND
}

void
tm_err_format(const struct tm_err *err, char *buf, size_t n)
{
	format(err, 1, buf, n);
}

void
tm_err_short(const struct tm_err *err, char *buf, size_t n)
{
	format(err, 0, buf, n);
}

/*
 * Accept well-formed UTF-8 sequences of printable characters; C0/C1
 * controls, DEL and malformed bytes become '?'.
 */
char *
tm_sanitize(char *dst, size_t n, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0;

	if (n == 0)
		return dst;
	while (*p != '\0' && o + 1 < n) {
		size_t	len = 0, i;

		if (*p >= 0x20 && *p < 0x7f)
			len = 1;
		else if (*p >= 0xc2 && *p <= 0xdf)
			len = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			len = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			len = 4;
		for (i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				len = 0;
		/* U+0080..U+009F are C1 controls, encoded c2 80..c2 9f. */
		if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			len = 0;
		if (len == 0 || o + len >= n) {
			dst[o++] = '?';
			p++;
			continue;
		}
		memcpy(dst + o, p, len);
		o += len;
		p += len;
	}
	dst[o] = '\0';
	return dst;
}
