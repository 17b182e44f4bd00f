// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: SOL_TLS setsockopt/getsockopt.
 *
 * Errnos follow tls.ko (6.1) for everything 6.1 has, and upstream for the
 * newer options: TLS 1.3 rekey (6.14) and TLS_TX_MAX_PAYLOAD_LEN (6.19).
 *
 * Locking: every option that touches TX/RX state runs under lock_sock.
 * TLS_TX additionally takes ctx->tx_lock (before lock_sock, the order the
 * TX path uses) so that a rekey cannot race the TX worker.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skmsg.h>
#include <linux/uaccess.h>
#include <linux/sockptr.h>

#include "ktls.h"

/* ------------------------------------------------------------------ */
/* getsockopt                                                          */
/* ------------------------------------------------------------------ */

static int ktls_getsockopt_conf(struct sock *sk, char __user *optval,
				int __user *optlen, bool tx)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	union tls_crypto_context out;
	const struct ktls_cipher *c;
	struct tls_crypto_info *ci;
	struct cipher_context *cctx;
	int len, rc = 0;

	if (get_user(len, optlen))
		return -EFAULT;
	if (!optval || len < sizeof(*ci))
		return -EINVAL;

	ci = tx ? &ctx->crypto_send.info : &ctx->crypto_recv.info;
	cctx = tx ? &ctx->tx : &ctx->rx;

	if (!TLS_CRYPTO_INFO_READY(ci))
		return -EBUSY;

	if (len == sizeof(*ci))
		return copy_to_user(optval, ci, sizeof(*ci)) ? -EFAULT : 0;
	if (ktls_cipher_is_cbc(ci->cipher_type))
		return ktls_cbc_get_info(ktls_ctx(ctx)->cbc[tx ? KTLS_COUNT_TX :
								 KTLS_COUNT_RX],
					 cctx, optval, len);

	c = ktls_cipher_get(ci->cipher_type);
	if (!c || len != c->crypto_info_size)
		return -EINVAL;

	/* the key as set; IV and sequence as they are now */
	memcpy(&out, ci, c->crypto_info_size);
	memcpy((u8 *)&out + c->iv_off, cctx->iv + c->salt_size, c->iv_size);
	memcpy((u8 *)&out + c->rec_seq_off, cctx->rec_seq, c->rec_seq_size);
	if (copy_to_user(optval, &out, c->crypto_info_size))
		rc = -EFAULT;
	memzero_explicit(&out, sizeof(out));
	return rc;
}

static int ktls_getsockopt_tx_zc(struct sock *sk, char __user *optval,
				 int __user *optlen)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	unsigned int value;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len != sizeof(value))
		return -EINVAL;
	value = ctx->zerocopy_sendfile;
	return copy_to_user(optval, &value, sizeof(value)) ? -EFAULT : 0;
}

static int ktls_getsockopt_no_pad(struct sock *sk, char __user *optval,
				  int __user *optlen)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int value, len;

	if (ctx->prot_info.version != TLS_1_3_VERSION)
		return -EINVAL;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < sizeof(value))
		return -EINVAL;
	if (ctx->rx_conf != TLS_SW && ctx->rx_conf != TLS_HW)
		return -EINVAL;
	value = ctx->rx_no_pad;
	if (put_user(sizeof(value), optlen))
		return -EFAULT;
	return copy_to_user(optval, &value, sizeof(value)) ? -EFAULT : 0;
}

/* A fixed-size value: EINVAL if the caller's room is smaller. */
static int ktls_getsockopt_val(char __user *optval, int __user *optlen,
			       const void *value, int size)
{
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < size)
		return -EINVAL;
	if (put_user(size, optlen))
		return -EFAULT;
	return copy_to_user(optval, value, size) ? -EFAULT : 0;
}

static int ktls_getsockopt_tx_max_payload(struct sock *sk, char __user *optval,
					  int __user *optlen)
{
	u16 value = ktls_ctx(tls_get_ctx(sk))->tx_max_payload_len;

	return ktls_getsockopt_val(optval, optlen, &value, sizeof(value));
}

static int ktls_getsockopt_int(char __user *optval, int __user *optlen,
			       int value)
{
	return ktls_getsockopt_val(optval, optlen, &value, sizeof(value));
}

int ktls_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int rc;

	if (level != SOL_TLS)
		return ctx->sk_proto->getsockopt(sk, level, optname, optval,
						 optlen);

	lock_sock(sk);
	switch (optname) {
	case TLS_TX:
	case TLS_RX:
		rc = ktls_getsockopt_conf(sk, optval, optlen, optname == TLS_TX);
		break;
	case TLS_TX_ZEROCOPY_RO:
		rc = ktls_getsockopt_tx_zc(sk, optval, optlen);
		break;
	case TLS_RX_EXPECT_NO_PAD:
		rc = ktls_getsockopt_no_pad(sk, optval, optlen);
		break;
	case TLS_TX_MAX_PAYLOAD_LEN:
		rc = ktls_getsockopt_tx_max_payload(sk, optval, optlen);
		break;
	case TLS_TX_MODE:
	case TLS_RX_MODE:
		rc = ktls_getsockopt_int(optval, optlen,
					 ktls_mode(ctx, optname == TLS_TX_MODE));
		break;
	case TLS_RX_RECORD:
		rc = ktls_getsockopt_int(optval, optlen,
					 READ_ONCE(ktls_ctx(ctx)->rx_record));
		break;
	default:
		rc = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return rc;
}

/* ------------------------------------------------------------------ */
/* setsockopt TLS_TX / TLS_RX                                          */
/* ------------------------------------------------------------------ */

/*
 * Read and validate a crypto_info from user space into @dst. @cur is the
 * info already installed in this direction (rekey) or NULL; @alt is the
 * other direction's info (must agree on version and cipher).
 */
static int ktls_read_crypto_info(union tls_crypto_context *dst,
				 sockptr_t optval, unsigned int optlen,
				 const struct tls_crypto_info *cur,
				 const struct tls_crypto_info *alt)
{
	struct tls_crypto_info *ci = &dst->info;
	const struct ktls_cipher *c;

	if (copy_from_sockptr(ci, optval, sizeof(*ci)))
		return -EFAULT;
	/* a CBC suite: ktls_cbc_read_info() reads the rest, kept in kctx */
	if (!cur && ktls_cipher_is_cbc(ci->cipher_type)) {
		if (TLS_CRYPTO_INFO_READY(alt) &&
		    (alt->version != ci->version ||
		     alt->cipher_type != ci->cipher_type))
			return -EINVAL;
		return 0;
	}

	if (cur) {
		/* a rekey keeps the version and the cipher */
		if (ci->version != cur->version ||
		    ci->cipher_type != cur->cipher_type)
			return -EINVAL;
	} else {
		if (ci->version != TLS_1_2_VERSION &&
		    ci->version != TLS_1_3_VERSION)
			return -EINVAL;
		if (TLS_CRYPTO_INFO_READY(alt) &&
		    (alt->version != ci->version ||
		     alt->cipher_type != ci->cipher_type))
			return -EINVAL;
	}

	c = ktls_cipher_get(ci->cipher_type);
	if (!c)
		return -EINVAL;
	if (c->tls12_only && ci->version != TLS_1_2_VERSION)
		return -EINVAL;
	if (optlen != c->crypto_info_size)
		return -EINVAL;

	if (copy_from_sockptr_offset(ci + 1, optval, sizeof(*ci),
				     optlen - sizeof(*ci)))
		return -EFAULT;
	return 0;
}

static int ktls_set_conf(struct sock *sk, sockptr_t optval,
			 unsigned int optlen, bool tx)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	union tls_crypto_context *mine, *other, saved;
	struct net *net = sock_net(sk);
	int rc, verdict, ifindex, mode;
	bool rekey, capable, was_dev, dev_ok;

	sock_owned_by_me(sk);
	ktls_bpf_deliver(sk, ctx);
	/* TLS and sockmap are mutually exclusive (as in tls.ko) */
	rcu_read_lock();
	if (sk_psock(sk)) {
		rcu_read_unlock();
		return -EINVAL;
	}
	rcu_read_unlock();

	if (sockptr_is_null(optval) || optlen < sizeof(struct tls_crypto_info))
		return -EINVAL;

	mine = tx ? &ctx->crypto_send : &ctx->crypto_recv;
	other = tx ? &ctx->crypto_recv : &ctx->crypto_send;
	rekey = TLS_CRYPTO_INFO_READY(&mine->info);

	if (rekey) {
		/* only TLS 1.3 has KeyUpdate; 6.14 counts refusals too */
		if (mine->info.version != TLS_1_3_VERSION) {
			rc = -EBUSY;
			goto out_rekey_err;
		}
		/* keep the installed info until the new key is in place */
		rc = ktls_read_crypto_info(&saved, optval, optlen, &mine->info,
					   &other->info);
		if (rc) {
			/* a copy that failed half way may hold key bytes */
			memzero_explicit(&saved, sizeof(saved));
			goto out_rekey_err;
		}
		swap(saved, *mine);
		was_dev = ktls_mode(ctx, tx) == KTLS_MODE_DEVICE;
		if (tx && ctx->tx_conf == TLS_HW)
			rc = ktls_device_tx_rekey(sk, ctx, &mine->info);
		else
			rc = tx ? ktls_tx_sw_init(sk, ctx, &mine->info, true) :
				  ktls_rx_sw_init(sk, ctx, &mine->info, true);
		if (rc)
			swap(saved, *mine);
		memzero_explicit(&saved, sizeof(saved));
		if (rc)
			goto out_rekey_err;
		KTLS_INC_STATS(net, tx ? KTLS_MIB_TXREKEYOK : KTLS_MIB_RXREKEYOK);
		mode = ktls_mode(ctx, tx);
		if (was_dev && mode != KTLS_MODE_DEVICE)
			ktls_bpf_fallback(sk, tx, KTLS_FALLBACK_REKEY, 1);
		ktls_bpf_rekey(sk, tx, mode, 0);
		return 0;
	}

	/* net.ktls.enable: FreeBSD's kern.ipc.tls.enable */
	if (!READ_ONCE(ktls_net(net)->enable))
		return -EOPNOTSUPP;
	rc = ktls_read_crypto_info(mine, optval, optlen, NULL, &other->info);
	if (!rc && ktls_cipher_is_cbc(mine->info.cipher_type))
		rc = ktls_cbc_read_info(net, tx, &mine->info, optval, optlen,
					&ktls_ctx(ctx)->cbc[tx ? KTLS_COUNT_TX :
								KTLS_COUNT_RX]);
	if (rc)
		goto out_clear;
	KTLS_INC_STATS(net, KTLS_MIB_ENABLECALLS);

	/* BPF may steer the flow; without a program this is the default */
	ifindex = 0;
	dev_ok = ktls_net_device_enabled(net);
	capable = dev_ok;
	if (dev_ok && ktls_bpf_active())
		capable = tx ? ktls_device_tx_capable(sk, ctx, &ifindex) :
			       ktls_device_rx_capable(sk, ctx, &ifindex);
	verdict = ktls_bpf_policy(sk, ctx, tx, ifindex, capable);
	if (verdict == KTLS_VERDICT_DENY) {
		rc = -EPERM;
		goto out_refused;
	}
	/* a device-only flow needs a device that can */
	if (verdict == KTLS_VERDICT_DEVICE_ONLY && !capable) {
		rc = -EOPNOTSUPP;
		goto out_refused;
	}

	/* TX: the device first, software on any error (as tls.ko) */
	if (tx && dev_ok && verdict != KTLS_VERDICT_SW &&
	    !ktls_device_tx_init(sk, ctx)) {
		ctx->tx_conf = TLS_HW;
		ktls_tx_install_write_space(sk, ctx);
		ktls_update_sk_prot(sk, ctx);
		KTLS_INC_STATS(net, KTLS_MIB_TXDEVICE);
		KTLS_INC_STATS(net, KTLS_MIB_CURRTXDEVICE);
		ktls_mode_count_cipher(net, mine->info.cipher_type, true);
		ktls_bpf_installed(sk, tx, KTLS_MODE_DEVICE, 0, verdict, ifindex);
		return 0;
	}
	if (tx && verdict == KTLS_VERDICT_DEVICE_ONLY) {
		rc = -EOPNOTSUPP;
		goto out_refused;
	}

	rc = tx ? ktls_tx_sw_init(sk, ctx, &mine->info, false) :
		  ktls_rx_sw_init(sk, ctx, &mine->info, false);
	if (rc)
		goto out_refused;
	/*
	 * RX: the NIC decrypts on top of software RX, which handles what it
	 * did not; any device error leaves software alone (as tls.ko).
	 */
	if (!tx && dev_ok && verdict != KTLS_VERDICT_SW) {
		ctx->rx_conf = TLS_SW;
		if (!ktls_device_rx_init(sk, ctx)) {
			ctx->rx_conf = TLS_HW;
			ktls_update_sk_prot(sk, ctx);
			KTLS_INC_STATS(net, KTLS_MIB_RXDEVICE);
			KTLS_INC_STATS(net, KTLS_MIB_CURRRXDEVICE);
			ktls_mode_count_cipher(net, mine->info.cipher_type, true);
			ktls_bpf_installed(sk, tx, KTLS_MODE_DEVICE, 0, verdict,
					   ifindex);
			return 0;
		}
		if (verdict == KTLS_VERDICT_DEVICE_ONLY) {
			/*
			 * The device refused: undo software RX. It is freed
			 * by ktls_setsockopt() once the socket is released,
			 * when the parser's work item can be waited for.
			 */
			ktls_rx_sw_release(sk, ctx);
			ctx->rx_conf = TLS_BASE;
			rc = -EOPNOTSUPP;
			goto out_refused;
		}
	}
	if (tx) {
		ctx->tx_conf = TLS_SW;
		ktls_tx_install_write_space(sk, ctx);
	} else {
		ctx->rx_conf = TLS_SW;
	}
	ktls_update_sk_prot(sk, ctx);
	KTLS_INC_STATS(net, tx ? KTLS_MIB_TXSW : KTLS_MIB_RXSW);
	KTLS_INC_STATS(net, tx ? KTLS_MIB_CURRTXSW : KTLS_MIB_CURRRXSW);
	ktls_mode_count_cipher(net, mine->info.cipher_type, false);
	ktls_bpf_installed(sk, tx, KTLS_MODE_SW, 0, verdict, ifindex);
	return 0;

out_refused:
	ktls_bpf_installed(sk, tx, KTLS_MODE_NONE, rc, verdict, ifindex);
out_clear:
	memzero_explicit(mine, sizeof(*mine));
	/* TLS_TX / TLS_RX may be tried again */
	ktls_cbc_free(ktls_ctx(ctx)->cbc[tx ? KTLS_COUNT_TX : KTLS_COUNT_RX]);
	ktls_ctx(ctx)->cbc[tx ? KTLS_COUNT_TX : KTLS_COUNT_RX] = NULL;
	return rc;
out_rekey_err:
	KTLS_INC_STATS(net, tx ? KTLS_MIB_TXREKEYERROR : KTLS_MIB_RXREKEYERROR);
	ktls_bpf_rekey(sk, tx, ktls_mode(ctx, tx), rc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* setsockopt: the small options                                       */
/* ------------------------------------------------------------------ */

static int ktls_set_tx_zc(struct sock *sk, sockptr_t optval,
			  unsigned int optlen)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	unsigned int value;

	if (sockptr_is_null(optval) || optlen != sizeof(value))
		return -EINVAL;
	if (copy_from_sockptr(&value, optval, sizeof(value)))
		return -EFAULT;
	if (value > 1)
		return -EINVAL;
	ctx->zerocopy_sendfile = value;
	return 0;
}

/* Called without the socket lock (as tls.ko): validates first. */
static int ktls_set_no_pad(struct sock *sk, sockptr_t optval,
			   unsigned int optlen)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	u32 val;
	int rc;

	if (ctx->prot_info.version != TLS_1_3_VERSION ||
	    sockptr_is_null(optval) || optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val > 1)
		return -EINVAL;
	/* larger options are accepted if the extra bytes are zero */
	rc = check_zeroed_sockptr(optval, sizeof(val), optlen - sizeof(val));
	if (rc < 1)
		return rc == 0 ? -EINVAL : rc;

	lock_sock(sk);
	rc = -EINVAL;
	if (ctx->rx_conf == TLS_SW || ctx->rx_conf == TLS_HW) {
		ctx->rx_no_pad = val;
		rc = 0;
	}
	release_sock(sk);
	return rc;
}

static int ktls_set_tx_max_payload(struct sock *sk, sockptr_t optval,
				   unsigned int optlen)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	bool tls13 = ctx->prot_info.version == TLS_1_3_VERSION;
	u16 value;

	if (ctx->tx_conf == TLS_SW && ktls_tx_sw_has_open_record(sk, ctx))
		return -EBUSY;
	if (ctx->tx_conf == TLS_HW && ktls_device_tx_has_open_record(sk, ctx))
		return -EBUSY;
	if (sockptr_is_null(optval) || optlen != sizeof(value))
		return -EINVAL;
	if (copy_from_sockptr(&value, optval, sizeof(value)))
		return -EFAULT;
	/*
	 * The value is user data per record. RFC 8449's record_size_limit
	 * counts the TLS 1.3 inner content type byte, so its minimum (64)
	 * maps to 63 bytes of data there.
	 */
	if (value < KTLS_MIN_RECORD_SIZE_LIM - (tls13 ? 1 : 0) ||
	    value > TLS_MAX_PAYLOAD_SIZE)
		return -EINVAL;
	WRITE_ONCE(ktls_ctx(ctx)->tx_max_payload_len, value);
	return 0;
}

/*
 * TLS_RX_RECORD: 0 or 1, before or after TLS_RX; the next recvmsg reads
 * the new way (a record partly read in stream mode continues as one).
 */
static int ktls_set_rx_record(struct sock *sk, sockptr_t optval,
			      unsigned int optlen)
{
	int value;

	sock_owned_by_me(sk);
	if (sockptr_is_null(optval) || optlen < sizeof(value))
		return -EINVAL;
	if (copy_from_sockptr(&value, optval, sizeof(value)))
		return -EFAULT;
	if (value != 0 && value != 1)
		return -EINVAL;
	WRITE_ONCE(ktls_ctx(tls_get_ctx(sk))->rx_record, value);
	return 0;
}

/*
 * TLS_TX_MODE / TLS_RX_MODE. A TX switch to the device may sleep for
 * room in TCP (tx_lock held): another switch meanwhile is EBUSY.
 */
static int ktls_set_mode(struct sock *sk, sockptr_t optval,
			 unsigned int optlen, bool tx)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	unsigned long *flags = &ktls_ctx(ctx)->dev_flags;
	void *tx_old = NULL;
	int rc;

	if (test_and_set_bit(KTLS_DEV_SWITCHING, flags))
		return -EBUSY;
	if (tx)
		mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	rc = ktls_mode_set(sk, optval, optlen, tx, &tx_old);
	release_sock(sk);
	if (tx)
		mutex_unlock(&ctx->tx_lock);
	/* its worker takes tx_lock and the socket: wait for it unlocked */
	if (tx_old)
		ktls_tx_sw_free_detached(tx_old);
	clear_bit(KTLS_DEV_SWITCHING, flags);
	return rc;
}

int ktls_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct tls_context *ctx = tls_get_ctx(sk);
	int rc;

	if (level != SOL_TLS)
		return ctx->sk_proto->setsockopt(sk, level, optname, optval,
						 optlen);

	switch (optname) {
	case TLS_TX:
		/* tx_lock first: the TX worker takes it before lock_sock */
		mutex_lock(&ctx->tx_lock);
		lock_sock(sk);
		rc = ktls_set_conf(sk, optval, optlen, true);
		release_sock(sk);
		mutex_unlock(&ctx->tx_lock);
		break;
	case TLS_RX:
		lock_sock(sk);
		rc = ktls_set_conf(sk, optval, optlen, false);
		release_sock(sk);
		/* a device-only RX the device refused (ktls_set_conf) */
		if (rc && ctx->rx_conf == TLS_BASE && ctx->priv_ctx_rx)
			ktls_rx_sw_free(ctx);
		break;
	case TLS_TX_ZEROCOPY_RO:
		lock_sock(sk);
		rc = ktls_set_tx_zc(sk, optval, optlen);
		release_sock(sk);
		break;
	case TLS_RX_EXPECT_NO_PAD:
		rc = ktls_set_no_pad(sk, optval, optlen);
		break;
	case TLS_TX_MAX_PAYLOAD_LEN:
		mutex_lock(&ctx->tx_lock);
		lock_sock(sk);
		rc = ktls_set_tx_max_payload(sk, optval, optlen);
		release_sock(sk);
		mutex_unlock(&ctx->tx_lock);
		break;
	case TLS_TX_MODE:
	case TLS_RX_MODE:
		rc = ktls_set_mode(sk, optval, optlen, optname == TLS_TX_MODE);
		break;
	case TLS_RX_RECORD:
		lock_sock(sk);
		rc = ktls_set_rx_record(sk, optval, optlen);
		release_sock(sk);
		break;
	default:
		rc = -ENOPROTOOPT;
		break;
	}
	return rc;
}
