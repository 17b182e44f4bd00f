/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls software receive path: entry points called by the ktls core.
 *
 * All functions except ktls_rx_sw_free() run in process context with the
 * socket owned (lock_sock) unless stated otherwise.
 */
#ifndef _KTLS_RX_H
#define _KTLS_RX_H

#include <linux/types.h>
#include <linux/poll.h>
#include <linux/pipe_fs_i.h>
#include <net/sock.h>
#include <net/tls.h>

/*
 * Set up (rekey == false) or re-key (rekey == true, TLS 1.3 only) the
 * software RX state from ctx->crypto_recv. Called under lock_sock.
 * Returns 0 or -errno; on error nothing was changed.
 */
int ktls_rx_sw_init(struct sock *sk, struct tls_context *ctx,
		    const struct tls_crypto_info *ci, bool rekey);

/* Close path, under lock_sock: stop the parser and restore callbacks. */
void ktls_rx_sw_release(struct sock *sk, struct tls_context *ctx);

/*
 * Free RX state (keys zeroed); may run after the socket is gone. Must be
 * called in process context WITHOUT the socket lock: it waits for the
 * parser's work item, which takes lock_sock.
 */
void ktls_rx_sw_free(struct tls_context *ctx);

int ktls_rx_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		    int flags, int *addr_len);
ssize_t ktls_rx_splice_read(struct socket *sock, loff_t *ppos,
			    struct pipe_inode_info *pipe, size_t len,
			    unsigned int flags);
bool ktls_rx_sock_is_readable(struct sock *sk);
__poll_t ktls_rx_poll(struct file *file, struct socket *sock,
		      struct poll_table_struct *wait);

#endif /* _KTLS_RX_H */
