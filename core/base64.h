/*
 * Base64 (RFC 4648, standard alphabet) over libcrypto's EVP block codec,
 * the one codec of core/: journal records, docker auth entries and Basic
 * credentials.  Any thread.
 */
#ifndef TM_BASE64_H
#define TM_BASE64_H

#include <stddef.h>

/* Decoding accepts input without its trailing '=' (docker config auths). */
#define TM_B64_PAD_OPTIONAL	1

/* Padded encoding of buf into a malloc'd string; NULL when out of memory. */
char	*tm_b64_encode(const void *buf, size_t len);
/*
 * Decode len bytes of s into *out (malloc'd, NUL-terminated, *outlen
 * bytes before the NUL).  Refuses (-1, *out NULL) anything but the
 * alphabet, '=' anywhere but the end, and lengths no encoding has;
 * without TM_B64_PAD_OPTIONAL the length must be a multiple of 4.
 * Intermediate buffers are wiped: secrets pass through here.
 */
int	 tm_b64_decode(const char *s, size_t len, int flags, char **out,
	    size_t *outlen);

#endif
