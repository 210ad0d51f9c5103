/* SHA-256 of the derived crash ids (src/dedup/sha256.c) against the test
 * vectors of FIPS 180-2 appendix B ("abc", the 56-byte two-block message,
 * one million 'a'), the empty message, and lengths around the padding
 * boundaries (55, 56, 63, 64, 65, 119, 120, 1000 bytes of (7i+3) mod 256;
 * digests from Python's hashlib), fed whole and in pieces of every size
 * from 1 to 70 bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dedup/dedup_int.h"

static void hexof(const unsigned char *d, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const unsigned char *msg, size_t len, const char *want)
{
	for (size_t piece = 0; piece <= 70; piece++) {
		cs_sha256 c;
		unsigned char d[32];
		char got[65];
		cs_sha256_init(&c);
		if (!piece) {
			cs_sha256_update(&c, msg, len);
		} else {
			for (size_t o = 0; o < len; o += piece)
				cs_sha256_update(&c, msg + o, len - o < piece ? len - o : piece);
		}
		cs_sha256_final(&c, d);
		hexof(d, got);
		if (strcmp(got, want))
			printf("length %zu in pieces of %zu: %s, want %s\n", len, piece, got, want);
		assert_string_equal(got, want);
	}
}

static void test_vectors(void **state)
{
	(void)state;
	check((const unsigned char *)"", 0,
	      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check((const unsigned char *)"abc", 3,
	      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check((const unsigned char *)two, strlen(two),
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	static const struct {
		size_t len;
		const char *digest;
	} b[] = {
		{55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
		{56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
		{63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
		{64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
		{65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
		{119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
		{120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
		{1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"},
	};
	unsigned char msg[1000];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)((i * 7 + 3) % 256);
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		check(msg, b[i].len, b[i].digest);
	unsigned char *a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	cs_sha256 c;
	unsigned char d[32];
	char got[65];
	cs_sha256_init(&c);
	cs_sha256_update(&c, a, 1000000);
	cs_sha256_final(&c, d);
	hexof(d, got);
	assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
