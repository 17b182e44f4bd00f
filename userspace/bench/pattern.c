// SPDX-License-Identifier: GPL-2.0
/*
 * The byte stream every sender produces and every receiver checks.
 *
 * Stream offset o lies in block k = o / PAT_BLOCK (taken modulo the
 * period for data sent from a file that is replayed). The first 8 bytes
 * of a block are k in little-endian order, so lost, duplicated or
 * reordered blocks are caught; the rest is a fixed pseudo-random
 * template, so corrupted bytes are caught.
 */
#include <string.h>
#include "bench.h"

static u8 tmpl[PAT_BLOCK];

void pat_init(void)
{
	uint32_t x = 0x2545f491;
	int i;

	for (i = 0; i < PAT_BLOCK; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		tmpl[i] = (u8)x;
	}
}

static u64 pat_block(u64 off, u64 period)
{
	return (period ? off % period : off) / PAT_BLOCK;
}

void pat_fill(u8 *buf, size_t len, u64 off, u64 period)
{
	while (len) {
		size_t i = off % PAT_BLOCK, n = PAT_BLOCK - i;
		u64 k = pat_block(off, period);

		if (n > len)
			n = len;
		memcpy(buf, tmpl + i, n);
		for (; i < 8 && i < (off % PAT_BLOCK) + n; i++)
			buf[i - off % PAT_BLOCK] = (u8)(k >> (8 * i));
		buf += n;
		off += n;
		len -= n;
	}
}

/*
 * Returns 0 when buf holds the stream at offset off. The block counters
 * are always checked; with full == 0 the template only in every 64th
 * block (a cheap check for bulk baselines).
 */
int pat_check(const u8 *buf, size_t len, u64 off, u64 period, int full)
{
	while (len) {
		size_t b = off % PAT_BLOCK, n = PAT_BLOCK - b, i;
		u64 k = pat_block(off, period);

		if (n > len)
			n = len;
		for (i = b; i < 8 && i < b + n; i++)
			if (buf[i - b] != (u8)(k >> (8 * i)))
				return -1;
		if ((full || k % 64 == 0) && b + n > 8) {
			size_t s = b < 8 ? 8 : b;

			if (memcmp(buf + (s - b), tmpl + s, b + n - s))
				return -1;
		}
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}
