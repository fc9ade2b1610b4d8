/*
 * The one base64 codec (core/base64.c over libcrypto's EVP): RFC 4648
 * vectors, every length, padding and invalid input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "tap.h"

/* Decode s and compare with want (NULL: must be refused). */
static void
decode_is(const char *s, int flags, const char *want, const char *desc)
{
	char	*got;
	size_t	 len;
	int	 rc = tm_b64_decode(s, strlen(s), flags, &got, &len);

	if (want == NULL)
		ok(rc == -1 && got == NULL, "%s", desc);
	else {
		ok(rc == 0 && len == strlen(want), "%s: length", desc);
		is_str(got, want, "%s", desc);
	}
	free(got);
}

int
main(void)
{
	static const char	*vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char	 bin[300];
	char		*enc, *dec;
	size_t		 i, len, bad = 0;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		enc = tm_b64_encode(vec[i][0], strlen(vec[i][0]));
		is_str(enc, vec[i][1], "encode '%s' (RFC 4648 vector)", vec[i][0]);
		free(enc);
		decode_is(vec[i][1], 0, vec[i][0], "decode RFC 4648 vector");
	}
	for (i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i <= sizeof bin; i++) {
		enc = tm_b64_encode(bin, i);
		if (enc == NULL || tm_b64_decode(enc, strlen(enc), 0, &dec, &len) == -1 ||
		    len != i || memcmp(dec, bin, i) != 0 || dec[len] != '\0')
			bad++;
		free(enc);
		free(dec);
	}
	is_int(bad, 0, "every length 0..300 of binary round trips");
	/* Padding is data to EVP_DecodeBlock: the length must not count it. */
	ok(tm_b64_decode("AA==", 4, 0, &dec, &len) == 0 && len == 1 &&
	    dec[0] == '\0', "a zero byte with two '=' is one byte");
	free(dec);
	decode_is("Zm9", 0, NULL, "length not a multiple of 4 is refused");
	decode_is("Zm=v", 0, NULL, "padding in the middle is refused");
	decode_is("Zg=v", 0, NULL, "data after padding is refused");
	decode_is("Zm9 ", 0, NULL, "a trailing space is refused");
	decode_is(" Zm9v", 0, NULL, "a leading space is refused");
	decode_is("Zm9v\n", 0, NULL, "a newline is refused");
	decode_is("Zm9*", 0, NULL, "a character outside the alphabet is refused");
	decode_is("Zm9-", 0, NULL, "the URL-safe alphabet is not ours");
	decode_is("Z===", 0, NULL, "three '=' are refused");
	decode_is("====", 0, NULL, "padding alone is refused");
	decode_is("Zg==Zg==", 0, NULL, "padding before the last group is refused");
	/* docker config "auth" values come with or without their padding. */
	decode_is("dXNlcjpwYXNz", TM_B64_PAD_OPTIONAL, "user:pass", "unpadded, whole groups");
	decode_is("dXNlcjpwYXNzMQ", TM_B64_PAD_OPTIONAL, "user:pass1",
	    "unpadded, two characters over");
	decode_is("dXNlcjpwYXNzMTI", TM_B64_PAD_OPTIONAL, "user:pass12",
	    "unpadded, three characters over");
	decode_is("dXNlcjpwYXNzMQ==", TM_B64_PAD_OPTIONAL, "user:pass1",
	    "padding still accepted");
	decode_is("dXNlcjpwYXNzMQ", 0, NULL, "unpadded is refused without the flag");
	decode_is("dXNlcjpwYXNzM", TM_B64_PAD_OPTIONAL, NULL,
	    "one character over is no encoding");
	decode_is("dXNl cjpw", TM_B64_PAD_OPTIONAL, NULL, "a space is refused unpadded too");
	decode_is("", TM_B64_PAD_OPTIONAL, "", "empty is empty");
	return tap_done();
}
