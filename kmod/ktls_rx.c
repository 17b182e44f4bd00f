// SPDX-License-Identifier: GPL-2.0
/*
 * ktls software receive path: recvmsg, splice_read, poll.
 * (Initial placeholder so the module links; replaced by the full RX path.)
 */
#include <linux/errno.h>
#include <linux/net.h>
#include <net/tcp.h>

#include "ktls_rx.h"

int ktls_rx_sw_init(struct sock *sk, struct tls_context *ctx,
		    const struct tls_crypto_info *ci, bool rekey)
{
	return -EOPNOTSUPP;
}

void ktls_rx_sw_release(struct sock *sk, struct tls_context *ctx)
{
}

void ktls_rx_sw_free(struct tls_context *ctx)
{
}

int ktls_rx_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		    int flags, int *addr_len)
{
	return -EOPNOTSUPP;
}

ssize_t ktls_rx_splice_read(struct socket *sock, loff_t *ppos,
			    struct pipe_inode_info *pipe, size_t len,
			    unsigned int flags)
{
	return -EOPNOTSUPP;
}

bool ktls_rx_sock_is_readable(struct sock *sk)
{
	return false;
}

__poll_t ktls_rx_poll(struct file *file, struct socket *sock,
		      struct poll_table_struct *wait)
{
	return tcp_poll(file, sock, wait);
}
