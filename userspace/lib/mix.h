/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 64-bit mixing step (SplitMix64's) behind every reproducible
 * pseudo-random choice of the fuzzers and the soak: a seed and a position
 * give the same byte or decision on every run and in every process.
 */
#ifndef KTLS_LIB_MIX_H
#define KTLS_LIB_MIX_H

#include <stdint.h>

static inline uint64_t ktls_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
