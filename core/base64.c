/*
 * Base64 for core/: a checked front on EVP_EncodeBlock/EVP_DecodeBlock,
 * which by themselves skip whitespace and count padding as data.
 */
#include "config.h"

#include "base64.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
tm_b64_encode(const void *buf, size_t len)
{
	char	*out;

	if (len > (size_t)INT_MAX / 4 * 3)
		return NULL;
	if ((out = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

/* How many characters before the padding; -1 when s is not base64. */
static long
b64_body(const char *s, size_t len, int flags)
{
	size_t	body = len, i;

	while (body > 0 && s[body - 1] == '=')
		body--;
	/* Padded: whole groups, so the '=' count is the one body % 4 needs. */
	if (!(flags & TM_B64_PAD_OPTIONAL) && (len % 4 != 0 || len - body > 2))
		return -1;
	/* One character left over carries 6 bits: no byte ends there. */
	if (body % 4 == 1 || body > (size_t)INT_MAX / 4 * 3)
		return -1;
	for (i = 0; i < body; i++)
		if (s[i] == '\0' || strchr(b64_alphabet, s[i]) == NULL)
			return -1;
	return (long)body;
}

int
tm_b64_decode(const char *s, size_t len, int flags, char **out, size_t *outlen)
{
	unsigned char	 tail[4], got[3];
	size_t		 full, rest, n;
	long		 body;

	*out = NULL;
	*outlen = 0;
	if ((body = b64_body(s, len, flags)) == -1)
		return -1;
	full = (size_t)body / 4 * 4;
	rest = (size_t)body - full;
	n = full / 4 * 3 + (rest > 0 ? rest - 1 : 0);
	if ((*out = malloc(n + 1)) == NULL)
		return -1;
	if (full > 0)
		EVP_DecodeBlock((unsigned char *)*out, (const unsigned char *)s,
		    (int)full);
	if (rest > 0) {
		/* The last group padded here, so the caller's string is never copied. */
		memset(tail, '=', sizeof tail);
		memcpy(tail, s + full, rest);
		EVP_DecodeBlock(got, tail, 4);
		memcpy(*out + full / 4 * 3, got, rest - 1);
		explicit_bzero(tail, sizeof tail);
		explicit_bzero(got, sizeof got);
	}
	(*out)[n] = '\0';
	*outlen = n;
	return 0;
}
