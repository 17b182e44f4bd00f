// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software TX: the ->sendpage entry points of kernels before 6.5
 * (sendfile and splice into the socket). Later kernels pass spliced pages
 * to sendmsg() with MSG_SPLICE_PAGES instead (ktls_tx.c); Kbuild builds
 * this file only where include/linux/socket.h still has
 * MSG_SENDPAGE_NOTLAST, the same probe compat.h makes.
 *
 * Lock order as in ktls_tx.c: ctx->tx_lock, then the socket lock.
 */
#include <linux/bvec.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "ktls_tx.h"

#define KTLS_SENDPAGE_FLAGS	(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL | \
				 MSG_SENDPAGE_NOTLAST | MSG_SENDPAGE_NOPOLICY | \
				 MSG_EOR)

/*
 * sendfile/splice into the socket: a page or more is referenced by the
 * record and encrypted from where it is when the record closes (one pass
 * over the data, as tls.ko does); smaller pieces are copied (see
 * KTLS_TX_ZC_MIN and ktls_tx_rec_append()).
 */
static int ktls_tx_do_sendpage(struct sock *sk, struct page *page, int offset,
			       size_t size, int flags)
{
	bool eor = !(flags & (MSG_MORE | MSG_SENDPAGE_NOTLAST));
	struct bio_vec bv = {
		.bv_page = page,
		.bv_offset = offset,
		.bv_len = size,
	};
	struct iov_iter it;

	if (!eor && (flags & MSG_EOR))
		return -EINVAL;
	/* more pages follow: keep TCP corked until the last one */
	if (flags & MSG_SENDPAGE_NOTLAST)
		flags |= MSG_MORE;

	iov_iter_bvec(&it, ITER_SOURCE, &bv, 1, size);
	return ktls_tx_send_iter(sk, &it, KTLS_RECORD_TYPE_DATA, eor, true,
				 flags);
}

int ktls_tx_sendpage_locked(struct sock *sk, struct page *page, int offset,
			    size_t size, int flags)
{
	if (flags & ~(KTLS_SENDPAGE_FLAGS | MSG_NO_SHARED_FRAGS))
		return -EOPNOTSUPP;
	return ktls_tx_do_sendpage(sk, page, offset, size, flags);
}

int ktls_tx_sendpage(struct sock *sk, struct page *page, int offset,
		     size_t size, int flags)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int rc;

	if (flags & ~KTLS_SENDPAGE_FLAGS)
		return -EOPNOTSUPP;

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	rc = ktls_tx_do_sendpage(sk, page, offset, size, flags);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return rc;
}
