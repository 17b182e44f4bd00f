// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: BPF steering. The socket's cgroup sock_ops programs choose, per
 * flow and direction, software, device or no kernel TLS at all, and see
 * every kTLS event (the ops and their arguments are documented in
 * uapi/linux/ktls.h). They run the way TCP runs its BPF_SOCK_OPS_*: a
 * struct bpf_sock_ops_kern on the stack handed to
 * __cgroup_bpf_run_filter_sock_ops(), which both kernels export.
 *
 * Every run needs the socket lock: the programs may call bpf_setsockopt(),
 * which skips lock_sock() in BPF context because the caller owns it.
 * Events that happen elsewhere (resync in softirq, the device-down
 * notifier, decryption) are only counted on the context (ktls_event_note()
 * in ktls.h) and delivered here, at the socket's next locked point.
 *
 * With no sock_ops program anywhere, cgroup_bpf_enabled()'s static key
 * makes each call here return at once, before any work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf-cgroup.h>
#include <linux/filter.h>
#include <linux/moduleparam.h>

#include "ktls.h"

/* ------------------------------------------------------------------ */
/* Settings: the default verdict and what a failing program means      */
/* ------------------------------------------------------------------ */

/* KTLS_VERDICT_DEVICE ("device", as tls.ko) or KTLS_VERDICT_SW */
static int ktls_bpf_default = KTLS_VERDICT_DEVICE;
/* a failed run (a program returned 0): no answer, or KTLS_VERDICT_DENY */
static bool ktls_bpf_fail_closed;

struct ktls_param_word {
	const char *word;
	int value;
};

static const struct ktls_param_word ktls_default_words[] = {
	{ "device", KTLS_VERDICT_DEVICE },
	{ "software", KTLS_VERDICT_SW },
	{ }
};

static const struct ktls_param_word ktls_fail_words[] = {
	{ "open", 0 },
	{ "closed", 1 },
	{ }
};

static int ktls_param_word_set(const char *val,
			       const struct ktls_param_word *w, int *out)
{
	for (; w->word; w++) {
		if (sysfs_streq(val, w->word)) {
			WRITE_ONCE(*out, w->value);
			return 0;
		}
	}
	return -EINVAL;
}

static int ktls_param_word_get(char *buf, const struct ktls_param_word *w,
			       int value)
{
	for (; w->word; w++)
		if (w->value == value)
			return sysfs_emit(buf, "%s\n", w->word);
	return -EINVAL;
}

static int ktls_default_set(const char *val, const struct kernel_param *kp)
{
	return ktls_param_word_set(val, ktls_default_words, &ktls_bpf_default);
}

static int ktls_default_get(char *buf, const struct kernel_param *kp)
{
	return ktls_param_word_get(buf, ktls_default_words,
				   READ_ONCE(ktls_bpf_default));
}

static int ktls_fail_set(const char *val, const struct kernel_param *kp)
{
	int v, rc;

	rc = ktls_param_word_set(val, ktls_fail_words, &v);
	if (!rc)
		WRITE_ONCE(ktls_bpf_fail_closed, v);
	return rc;
}

static int ktls_fail_get(char *buf, const struct kernel_param *kp)
{
	return ktls_param_word_get(buf, ktls_fail_words,
				   READ_ONCE(ktls_bpf_fail_closed));
}

static const struct kernel_param_ops ktls_default_ops = {
	.set = ktls_default_set,
	.get = ktls_default_get,
};

static const struct kernel_param_ops ktls_fail_ops = {
	.set = ktls_fail_set,
	.get = ktls_fail_get,
};

module_param_cb(bpf_default, &ktls_default_ops, NULL, 0644);
MODULE_PARM_DESC(bpf_default,
		 "verdict without a BPF answer: device (as tls.ko) or software");
module_param_cb(bpf_fail, &ktls_fail_ops, NULL, 0644);
MODULE_PARM_DESC(bpf_fail,
		 "a failing sock_ops program: open (default applies) or closed (deny)");

/* ------------------------------------------------------------------ */
/* Running the programs                                                */
/* ------------------------------------------------------------------ */

/*
 * Run the cgroup's sock_ops programs for @op with args[1..3] = @a1..@a3.
 * Returns 0 and the last reply in *@reply, -ENOENT when no sock_ops
 * program is attached anywhere, or the run's error (-EPERM: a program
 * returned 0).
 */
static int ktls_bpf_run(struct sock *sk, u8 op, u32 a1, u32 a2, u32 a3,
			u32 *reply)
{
	struct bpf_sock_ops_kern ops;
	int rc;

	sock_owned_by_me(sk);
	if (!cgroup_bpf_enabled(CGROUP_SOCK_OPS))
		return -ENOENT;
	/* what tcp_call_bpf() clears: everything before temp */
	memset(&ops, 0, offsetof(struct bpf_sock_ops_kern, temp));
	ops.sk = sk;
	ops.op = op;
	ops.is_fullsock = 1;
	ops.args[1] = a1;
	ops.args[2] = a2;
	ops.args[3] = a3;
	rc = __cgroup_bpf_run_filter_sock_ops(sk, &ops, CGROUP_SOCK_OPS);
	if (reply)
		*reply = ops.reply;
	return rc;
}

static u32 ktls_bpf_dir(bool tx)
{
	return tx ? KTLS_DIR_TX : KTLS_DIR_RX;
}

bool ktls_bpf_active(void)
{
	return cgroup_bpf_enabled(CGROUP_SOCK_OPS);
}

int ktls_bpf_policy(struct sock *sk, struct tls_context *ctx, bool tx,
		    int ifindex, bool capable)
{
	const struct tls_crypto_info *ci = tx ? &ctx->crypto_send.info :
						&ctx->crypto_recv.info;
	u32 reply = 0, v = KTLS_VERDICT_DEFAULT;
	int rc;

	rc = ktls_bpf_run(sk, KTLS_SOCK_OPS_POLICY,
			  ktls_bpf_dir(tx) | (u32)capable << 8,
			  (u32)ci->version << 16 | ci->cipher_type, ifindex,
			  &reply);
	if (rc && rc != -ENOENT) {
		if (READ_ONCE(ktls_bpf_fail_closed))
			v = KTLS_VERDICT_DENY;
	} else if (!rc && (reply & KTLS_VERDICT_TAG_MASK) == KTLS_VERDICT_TAG &&
		   (reply & ~KTLS_VERDICT_TAG_MASK) <= KTLS_VERDICT_MAX) {
		v = reply & ~KTLS_VERDICT_TAG_MASK;
	}
	/* net.ktls.default_policy, then the module's bpf_default */
	if (v == KTLS_VERDICT_DEFAULT)
		v = READ_ONCE(ktls_net(sock_net(sk))->default_policy);
	if (v == KTLS_VERDICT_DEFAULT)
		v = READ_ONCE(ktls_bpf_default);
	return v;
}

void ktls_bpf_installed(struct sock *sk, bool tx, int mode, int err,
			int verdict, int ifindex)
{
	ktls_bpf_run(sk, KTLS_SOCK_OPS_INSTALLED,
		     ktls_bpf_dir(tx) | (u32)mode << 8 | (u32)verdict << 16,
		     -err, ifindex, NULL);
}

void ktls_bpf_rekey(struct sock *sk, bool tx, int mode, int err)
{
	ktls_bpf_run(sk, KTLS_SOCK_OPS_REKEY, ktls_bpf_dir(tx) | (u32)mode << 8,
		     -err, 0, NULL);
}

void ktls_bpf_fallback(struct sock *sk, bool tx, int reason, u32 count)
{
	ktls_bpf_run(sk, KTLS_SOCK_OPS_FALLBACK,
		     ktls_bpf_dir(tx) | (u32)reason << 8, count, 0, NULL);
}

/* ------------------------------------------------------------------ */
/* Deferred events                                                     */
/* ------------------------------------------------------------------ */

struct ktls_ev_op {
	u8 op;
	bool tx;
	u8 reason;
};

static const struct ktls_ev_op ktls_ev_ops[KTLS_EV_NR] = {
	[KTLS_EV_TX_RESYNC]	= { KTLS_SOCK_OPS_RESYNC, true },
	[KTLS_EV_RX_RESYNC]	= { KTLS_SOCK_OPS_RESYNC, false },
	[KTLS_EV_TX_DOWN]	= { KTLS_SOCK_OPS_FALLBACK, true,
				    KTLS_FALLBACK_DEV_DOWN },
	[KTLS_EV_RX_DOWN]	= { KTLS_SOCK_OPS_FALLBACK, false,
				    KTLS_FALLBACK_DEV_DOWN },
	[KTLS_EV_DECRYPT_ERROR]	= { KTLS_SOCK_OPS_DECRYPT_ERROR, false },
	[KTLS_EV_TX_REXMIT]	= { KTLS_SOCK_OPS_FALLBACK, true,
				    KTLS_FALLBACK_REXMIT },
	[KTLS_EV_TX_ROUTE]	= { KTLS_SOCK_OPS_FALLBACK, true,
				    KTLS_FALLBACK_ROUTE },
};

/*
 * A program answered an event of a device direction with
 * KTLS_VERDICT(KTLS_VERDICT_SW): the direction moves to software, as
 * TLS_TX_MODE / TLS_RX_MODE would move it.
 */
static void ktls_bpf_to_sw(struct sock *sk, struct tls_context *ctx, bool tx)
{
	if (ktls_mode(ctx, tx) != KTLS_MODE_DEVICE)
		return;
	if (tx)
		ktls_device_tx_set_sw(sk, ctx);
	else
		ktls_device_rx_set_sw(sk, ctx);
	KTLS_INC_STATS(sock_net(sk), tx ? KTLS_MIB_TXSWITCHTOSW :
					  KTLS_MIB_RXSWITCHTOSW);
}

void ktls_bpf_deliver_pending(struct sock *sk, struct tls_context *ctx)
{
	struct ktls_context *kctx = ktls_ctx(ctx);
	const struct ktls_ev_op *e;
	int i, n;
	u32 reply;

	sock_owned_by_me(sk);
	WRITE_ONCE(kctx->ev_pending, 0);
	/* each xchg is a full barrier: a note after the clear is kept */
	for (i = 0; i < KTLS_EV_NR; i++) {
		n = atomic_xchg(&kctx->ev[i], 0);
		if (!n)
			continue;
		e = &ktls_ev_ops[i];
		reply = 0;
		if (!ktls_bpf_run(sk, e->op,
				  ktls_bpf_dir(e->tx) | (u32)e->reason << 8, n, 0,
				  &reply) &&
		    reply == KTLS_VERDICT(KTLS_VERDICT_SW))
			ktls_bpf_to_sw(sk, ctx, e->tx);
	}
}

/* close(): what is pending, then CLOSE for each direction installed */
void ktls_bpf_close(struct sock *sk, struct tls_context *ctx, int tx_mode,
		    int rx_mode)
{
	struct ktls_context *kctx = ktls_ctx(ctx);
	int modes[2] = { tx_mode, rx_mode };
	int d;

	if (!ktls_bpf_active())
		return;
	ktls_bpf_deliver_pending(sk, ctx);
	for (d = 0; d < 2; d++) {
		const struct ktls_count *c = &kctx->count[d];
		u64 bytes = c->bytes & GENMASK_ULL(47, 0);

		if (modes[d] == KTLS_MODE_NONE)
			continue;
		ktls_bpf_run(sk, KTLS_SOCK_OPS_CLOSE,
			     ktls_bpf_dir(d == KTLS_COUNT_TX) |
			     (u32)modes[d] << 8 | (u32)(bytes >> 32) << 16,
			     min_t(u64, c->records, U32_MAX), (u32)bytes, NULL);
	}
}
