// SPDX-License-Identifier: GPL-2.0
/*
 * ktls device TX: ->sendpage (sendfile and splice) of kernels before 6.5;
 * built under the same Kbuild probe as ktls_tx_sendpage.c. Later kernels
 * splice through sendmsg() with MSG_SPLICE_PAGES (ktls_device_tx_send.c).
 */
#include <linux/bvec.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "ktls_device_tx.h"

#define KTLS_DTX_SENDPAGE_FLAGS	(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL | \
				 MSG_SENDPAGE_NOTLAST | \
				 MSG_SENDPAGE_NOPOLICY | MSG_EOR)

int ktls_device_tx_sendpage(struct sock *sk, struct page *page, int offset,
			    size_t size, int flags)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	bool eor = !(flags & (MSG_MORE | MSG_SENDPAGE_NOTLAST));
	struct bio_vec bv = {
		.bv_page = page,
		.bv_offset = offset,
		.bv_len = size,
	};
	struct iov_iter it;
	int rc;

	if (flags & ~KTLS_DTX_SENDPAGE_FLAGS)
		return -EOPNOTSUPP;
	if (!eor && (flags & MSG_EOR))
		return -EINVAL;
	/* more pages follow: keep TCP corked until the last one */
	if (flags & MSG_SENDPAGE_NOTLAST)
		flags |= MSG_MORE;
	iov_iter_bvec(&it, ITER_SOURCE, &bv, 1, size);

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	rc = ktls_dtx_send(sk, &it, KTLS_RECORD_TYPE_DATA, eor,
			   ctx->zerocopy_sendfile, flags);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return rc;
}
