// SPDX-License-Identifier: GPL-2.0
/*
 * Consumer of a TLS record stream read from a plain TCP socket: the
 * receiving end of bulk TX (ciphertext made by the kernel) and of the
 * userspace OpenSSL provider. Every header is checked and the payload
 * bytes counted; every `every`-th record is decrypted and its plaintext
 * checked against the stream pattern, so the kernel's output is proven
 * correct without paying a userspace decryption per record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"

#define RS_CAP	(256 * 1024 + REC_MAX)

int rs_init(struct rstream *rs, const struct tlscfg *cfg, int keydir,
	    unsigned int every, u64 period)
{
	memset(rs, 0, sizeof(*rs));
	rs->buf = malloc(RS_CAP);
	if (!rs->buf)
		return -ENOMEM;
	rs->every = every ? every : 1;
	rs->period = period;
	rs->full_check = 1;
	return rc_init(&rs->rc, cfg, keydir, 0);
}

void rs_free(struct rstream *rs)
{
	rc_free(&rs->rc);
	free(rs->buf);
}

static int rs_record(struct rstream *rs, u8 *rec, size_t len)
{
	size_t ptlen;
	u8 *pt;

	if (rec[0] != 23 || rec[1] != 3 || rec[2] != 3)
		return -EBADMSG;
	if (rs->records % rs->every == 0) {
		rs->rc.seq = rs->records;
		if (rc_open(&rs->rc, rec, len, &pt, &ptlen))
			return -EBADMSG;
		if (pat_check(pt, ptlen, rs->pt_off, rs->period,
			      rs->full_check))
			return -EIO;
	} else {
		ptlen = len - (rec_overhead(&rs->rc.cfg) - REC_HDR) - REC_HDR;
	}
	rs->pt_off += ptlen;
	rs->records++;
	return 0;
}

/*
 * Read once from fd and consume every complete record. *got is what
 * read() returned (0 at EOF). Returns 0, or -EBADMSG for a bad record,
 * -EIO for wrong plaintext, -errno for a failed read.
 */
int rs_feed(struct rstream *rs, int fd, ssize_t *got)
{
	size_t pos = 0, min = rec_overhead(&rs->rc.cfg) - REC_HDR;
	ssize_t r;
	int err;

	r = read(fd, rs->buf + rs->have, RS_CAP - rs->have);
	*got = r;
	if (r < 0)
		return -errno;
	rs->have += r;
	while (rs->have - pos >= REC_HDR) {
		u8 *rec = rs->buf + pos;
		size_t len = ((size_t)rec[3] << 8 | rec[4]);

		if (len < min || len > REC_MAX_PT + 256)
			return -EBADMSG;
		if (rs->have - pos < REC_HDR + len)
			break;
		err = rs_record(rs, rec, REC_HDR + len);
		if (err)
			return err;
		pos += REC_HDR + len;
	}
	memmove(rs->buf, rs->buf + pos, rs->have - pos);
	rs->have -= pos;
	return 0;
}
