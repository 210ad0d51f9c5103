/* Teddy (as in Hyperscan and Rust's regex): nibble lookup tables of the
 * first bytes of a set of literals say which of 32 positions may start
 * one. Shared by the crash-marker scan (extract.c, 4 bytes per marker) and
 * the required-literal search (re_lits.c, 3 bytes per literal). x86-64
 * with GCC or clang only; callers check for AVX2 at run time. */
#ifndef CRASHSIG_CLASSIFY_TEDDY_H
#define CRASHSIG_CLASSIFY_TEDDY_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CS_HAVE_TEDDY32 1

/* Both 128-bit lanes of lo[q] / hi[q] from the 16-byte tables, q < nq. */
__attribute__((target("avx2"))) static inline void cs_teddy_load32(
	const unsigned char (*tlo)[16], const unsigned char (*thi)[16], int nq, __m256i *lo,
	__m256i *hi)
{
	for (int q = 0; q < nq; q++) {
		lo[q] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)tlo[q]));
		hi[q] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)thi[q]));
	}
}

/* The candidates among the 32 positions at s (31 + nq bytes readable):
 * bit k set when byte q of s + k passes table q for every q < nq, in one
 * bucket at least. */
__attribute__((target("avx2"))) static inline unsigned cs_teddy_mask32(const __m256i *lo,
								       const __m256i *hi,
								       int nq, const char *s)
{
	const __m256i low = _mm256_set1_epi8(0x0f);
	__m256i m = _mm256_set1_epi8(-1);
	for (int q = 0; q < nq; q++) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(s + q));
		m = _mm256_and_si256(m, _mm256_shuffle_epi8(lo[q], _mm256_and_si256(v, low)));
		m = _mm256_and_si256(m, _mm256_shuffle_epi8(
						hi[q], _mm256_and_si256(_mm256_srli_epi16(v, 4), low)));
	}
	return ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, _mm256_setzero_si256()));
}
#endif

#endif
