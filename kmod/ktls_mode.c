// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: TLS_TX_MODE and TLS_RX_MODE, the live switch of a direction
 * between software and the device (FreeBSD's TCP_TXTLS_MODE, which also
 * cannot switch receive; we can).
 *
 * How each switch keeps every byte:
 *  - TX software -> device: every record software framed is handed to TCP
 *    first (waiting for room as send() would), then the device takes over
 *    at TCP's write_seq with the current record number, as at TLS_TX. The
 *    software context goes; from now on TX is framed for the device.
 *  - TX device -> software, and back: records stay framed for the device
 *    and listed for retransmission; only who encrypts changes, at the next
 *    skb. In software mode sk_validate_xmit_skb is the fallback's, so the
 *    driver sees no offloaded skb and the CPU encrypts each one. A record
 *    encrypts to the same bytes either way (same key, same nonce), so a
 *    segment retransmitted across a switch is still right.
 *  - RX device -> software: the device forgets the flow (tls_dev_del);
 *    what it decrypted in flight is still recognised by its marks.
 *  - RX software -> device: the device gets the flow from the first record
 *    software has not taken, with its record number; when that is not
 *    where the device's packets start, the device's resync request finds
 *    the next record header, as after any loss.
 *
 * The switch of one direction is serialised by the socket lock (and TX's
 * tx_lock); KTLS_DEV_SWITCHING makes a second switch that arrives while a
 * TX switch sleeps for room fail with EBUSY instead of queueing behind it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>

#include "ktls.h"

/* The route's device offloads this direction and may be used for it. */
static bool ktls_mode_device_ok(struct sock *sk, struct tls_context *ctx,
				bool tx)
{
	struct net_device *netdev;
	bool same = true;
	int ifindex;

	if (!ktls_net_device_enabled(sock_net(sk)))
		return false;
	if (!(tx ? ktls_device_tx_capable(sk, ctx, &ifindex) :
		   ktls_device_rx_capable(sk, ctx, &ifindex)))
		return false;
	/* the other direction holds the context on one device only */
	if (ktls_device_attached(sk)) {
		netdev = ktls_device_lookup(sk);
		same = netdev && rcu_access_pointer(ctx->netdev) == netdev;
		dev_put(netdev);
	}
	return same;
}

/* Per-cipher counts of FreeBSD's kern.ipc.tls.{sw,ifnet}.* */
void ktls_mode_count_cipher(struct net *net, u16 cipher, bool device)
{
	int mib;

	if (device) {
		KTLS_INC_STATS(net, KTLS_MIB_DEVICEAESGCM);
		KTLS_INC_STATS(net, KTLS_MIB_OFFLOADTOTAL);
		return;
	}
	switch (cipher) {
	case TLS_CIPHER_AES_GCM_128:
	case TLS_CIPHER_AES_GCM_256:
		mib = KTLS_MIB_SWAESGCM;
		break;
	case TLS_CIPHER_AES_CCM_128:
		mib = KTLS_MIB_SWAESCCM;
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		mib = KTLS_MIB_SWCHACHA20;
		break;
	default:
		mib = ktls_cipher_is_cbc(cipher) ? KTLS_MIB_SWAESCBC :
						   KTLS_MIB_SWOTHER;
		break;
	}
	KTLS_INC_STATS(net, mib);
}

/* TX from the software path to the device: once per socket. */
static int ktls_mode_tx_to_device(struct sock *sk, struct tls_context *ctx,
				  void **tx_old)
{
	const struct ktls_cipher *c = ktls_cipher_get(ctx->crypto_send.info.cipher_type);
	u8 *info = (u8 *)&ctx->crypto_send;
	struct net *net = sock_net(sk);
	bool nonblock;
	void *txc;
	int rc;

	/* setsockopt has no MSG_DONTWAIT: the file's O_NONBLOCK decides */
	nonblock = sk->sk_socket && sk->sk_socket->file &&
		   (sk->sk_socket->file->f_flags & O_NONBLOCK);
	rc = ktls_tx_sw_drain(sk, ctx, sock_sndtimeo(sk, nonblock));
	if (rc)
		return rc;
	/* the device continues the sequence where software stopped */
	memcpy(info + c->iv_off, ctx->tx.iv + c->salt_size, c->iv_size);
	memcpy(info + c->rec_seq_off, ctx->tx.rec_seq, c->rec_seq_size);
	txc = ktls_tx_sw_detach(ctx);
	rc = ktls_device_tx_init(sk, ctx);
	if (rc) {
		ktls_tx_sw_reattach(ctx, txc);
		return -ENXIO;
	}
	*tx_old = txc;
	ktls_update_sk_prot(sk, ctx);
	KTLS_DEC_STATS(net, KTLS_MIB_CURRTXSW);
	KTLS_INC_STATS(net, KTLS_MIB_CURRTXDEVICE);
	ktls_mode_count_cipher(net, c->cipher_type, true);
	return 0;
}

static int ktls_mode_tx_set(struct sock *sk, struct tls_context *ctx,
			    int want, void **tx_old)
{
	struct net *net = sock_net(sk);
	int rc;

	lockdep_assert_held(&ctx->tx_lock);
	sock_owned_by_me(sk);
	if (want == KTLS_MODE_DEVICE && !ktls_mode_device_ok(sk, ctx, true))
		return -ENXIO;
	if (ctx->tx_conf == TLS_SW) {
		rc = ktls_mode_tx_to_device(sk, ctx, tx_old);
	} else if (want == KTLS_MODE_SW) {
		/* a device flow's TX is on the device when it gets here */
		ktls_device_tx_set_sw(sk, ctx);
		rc = 0;
	} else {
		rc = ktls_device_tx_resume(sk, ctx);
	}
	if (!rc)
		KTLS_INC_STATS(net, want == KTLS_MODE_SW ?
			       KTLS_MIB_TXSWITCHTOSW :
			       KTLS_MIB_TXSWITCHTODEVICE);
	return rc;
}

static int ktls_mode_rx_set(struct sock *sk, struct tls_context *ctx,
			    int want)
{
	struct net *net = sock_net(sk);
	int rc;

	sock_owned_by_me(sk);
	if (want == KTLS_MODE_DEVICE && !ktls_mode_device_ok(sk, ctx, false))
		return -ENXIO;
	if (ctx->rx_conf == TLS_SW) {
		/* software RX stays the engine below the device */
		rc = ktls_device_rx_init(sk, ctx) ? -ENXIO : 0;
		if (!rc) {
			ktls_update_sk_prot(sk, ctx);
			KTLS_DEC_STATS(net, KTLS_MIB_CURRRXSW);
			KTLS_INC_STATS(net, KTLS_MIB_CURRRXDEVICE);
			ktls_mode_count_cipher(net, ctx->crypto_recv.info.cipher_type,
					       true);
		}
	} else if (want == KTLS_MODE_SW) {
		ktls_device_rx_set_sw(sk, ctx);
		rc = 0;
	} else {
		rc = ktls_device_rx_resume(sk, ctx);
	}
	if (!rc)
		KTLS_INC_STATS(net, want == KTLS_MODE_SW ?
			       KTLS_MIB_RXSWITCHTOSW :
			       KTLS_MIB_RXSWITCHTODEVICE);
	return rc;
}

int ktls_mode_set(struct sock *sk, sockptr_t optval, unsigned int optlen,
		  bool tx, void **tx_old)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int want, cur, rc;

	sock_owned_by_me(sk);
	if (sockptr_is_null(optval) || optlen < sizeof(want))
		return -EINVAL;
	if (copy_from_sockptr(&want, optval, sizeof(want)))
		return -EFAULT;
	if (want != KTLS_MODE_SW && want != KTLS_MODE_DEVICE)
		return -EINVAL;
	if (sk->sk_state == TCP_LISTEN)
		return -EINVAL;
	cur = ktls_mode(ctx, tx);
	if (cur == KTLS_MODE_NONE)
		return -ENOTCONN;
	if (cur == want)
		return -EALREADY;
	ktls_bpf_deliver(sk, ctx);
	rc = tx ? ktls_mode_tx_set(sk, ctx, want, tx_old) :
		  ktls_mode_rx_set(sk, ctx, want);
	if (rc && rc != -EAGAIN && rc != -EINTR && rc != -ERESTARTSYS)
		KTLS_INC_STATS(sock_net(sk), KTLS_MIB_SWITCHFAILED);
	return rc;
}
