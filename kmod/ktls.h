/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls: private declarations shared by every ktls.ko source file.
 *
 * ktls.ko is a drop-in replacement for the kernel's net/tls (tls.ko). Every
 * structure a NIC driver or the rest of the kernel can see is the kernel's
 * own from <net/tls.h>: struct tls_context (reached through icsk_ulp_data),
 * struct tls_prot_info, struct cipher_context and the offload contexts.
 * ktls keeps its own extra per-socket state in struct ktls_context, which
 * embeds struct tls_context as its FIRST member so that the pointer stored
 * in icsk_ulp_data is a valid struct tls_context * for everyone else.
 *
 * Locking rules (same as tls.ko):
 *  - setsockopt/getsockopt, sendmsg, sendpage and close run with the socket
 *    owned (lock_sock). TX additionally serialises with the TX worker
 *    through ctx->tx_lock (taken BEFORE lock_sock).
 *  - icsk_ulp_data is published with rcu_assign_pointer() and the context is
 *    freed with kfree_rcu(), because sock_diag reads it under RCU only.
 */
#ifndef _KTLS_H
#define _KTLS_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/skmsg.h>
#include <linux/percpu.h>
#include <linux/pipe_fs_i.h>
#include <linux/poll.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tls.h>
#include <crypto/aead.h>
/* <linux/tls.h> plus the SOL_TLS numbers newer than 6.1 (upstream values) */
#include "uapi/linux/ktls.h"

#include "compat.h"

#define KTLS_INFO_TX_MAX_PAYLOAD_LEN	TLS_INFO_TX_MAX_PAYLOAD_LEN
/* Smallest TLS_TX_MAX_PAYLOAD_LEN (RFC 8449 minimum record_size_limit) */
#define KTLS_MIN_RECORD_SIZE_LIM	64

/* Record content types we need to recognise (RFC 8446 B.1) */
#define KTLS_RECORD_TYPE_ALERT		21
#define KTLS_RECORD_TYPE_HANDSHAKE	22
#define KTLS_RECORD_TYPE_DATA		23

/* ------------------------------------------------------------------ */
/* Cipher table (ktls_crypto.c)                                        */
/* ------------------------------------------------------------------ */

/*
 * One entry per UAPI cipher_type. The *_off fields are byte offsets of the
 * corresponding arrays inside the UAPI struct tls12_crypto_info_*.
 * iv_size is the size of the UAPI "iv" field (the explicit nonce for the
 * TLS 1.2 AES/SM4/ARIA ciphers, the whole 12-byte IV for ChaCha20).
 */
struct ktls_cipher {
	u16 cipher_type;
	u16 iv_size;
	u16 key_size;
	u16 salt_size;
	u16 tag_size;
	u16 rec_seq_size;
	u16 iv_off;
	u16 key_off;
	u16 salt_off;
	u16 rec_seq_off;
	u16 crypto_info_size;	/* sizeof the UAPI struct */
	u16 nonce_size;		/* explicit nonce carried in TLS 1.2 records */
	bool tls12_only;	/* ARIA: tls.ko accepts it for TLS 1.2 only */
	const char *alg_name;	/* crypto API algorithm */
};

/* NULL for an unknown cipher_type. */
const struct ktls_cipher *ktls_cipher_get(u16 cipher_type);

/*
 * Allocate an AEAD transform for @ci (cipher table lookup by
 * ci->cipher_type), set the key and the tag size. On success *@aead holds
 * the new tfm (the caller frees it with crypto_free_aead()). Returns the
 * errno tls.ko gives: -ENOENT (via crypto_alloc_aead) when the kernel lacks
 * the algorithm, -EINVAL for an unknown cipher. @ctx is unused today but
 * kept for the device path.
 */
int ktls_aead_alloc(struct tls_context *ctx, const struct tls_crypto_info *ci,
		    struct crypto_aead **aead);

/*
 * Fill @prot from @ci (version, cipher, sizes) and install a fresh IV
 * (salt || iv, salt_size + iv_size bytes) and record sequence in @cctx.
 * If @cctx already held an IV/rec_seq (rekey), the old buffers are zeroed
 * and freed after the new ones are installed. On error nothing changed.
 */
int ktls_cipher_ctx_init(struct tls_prot_info *prot, struct cipher_context *cctx,
			 const struct tls_crypto_info *ci);
/* Zero and free cctx->iv and cctx->rec_seq; safe on an empty context. */
void ktls_cipher_ctx_free(struct cipher_context *cctx);

/* Sizes of the per-record scratch buffers the helpers below write. */
#define KTLS_NONCE_BUF_SIZE		16	/* CCM's B0 flags + 15 */
#define KTLS_AAD_BUF_SIZE		TLS_MAX_AAD_SIZE	/* 13 */

/*
 * Build the AEAD IV for the record with sequence @rec_seq into @nonce
 * (KTLS_NONCE_BUF_SIZE bytes), in the layout the crypto API wants:
 *  - TLS 1.2 AES-GCM/CCM, SM4, ARIA: salt || explicit nonce, where the
 *    explicit part is taken from @iv (cctx->iv = salt || iv). A receiver
 *    then overwrites the explicit part with the one carried in the record
 *    using ktls_nonce_set_explicit().
 *  - TLS 1.3 and ChaCha20-Poly1305: (salt || iv) XOR (0...0 || rec_seq).
 *  - CCM: everything above shifted by one byte, byte 0 = the B0 flags
 *    value (L' = 2) that the kernel's ccm template expects.
 * Pass @nonce itself as the IV of aead_request_set_crypt().
 */
void ktls_build_nonce(const struct tls_prot_info *prot, const char *iv,
		      const char *rec_seq, u8 *nonce);
/* Copy the @explicit nonce (prot->iv_size bytes) of a TLS 1.2 record. */
void ktls_nonce_set_explicit(const struct tls_prot_info *prot, u8 *nonce,
			     const u8 *explicit);
/* Pointer to the explicit part of a nonce built by ktls_build_nonce(). */
u8 *ktls_nonce_explicit(const struct tls_prot_info *prot, u8 *nonce);
/* an AES-CBC + HMAC suite (ktls_cbc.c), not an AEAD */
static inline bool ktls_prot_is_cbc(const struct tls_prot_info *prot)
{
	return prot->cipher_type >= TLS_CIPHER_AES_CBC_128_SHA1 &&
	       prot->cipher_type <= TLS_CIPHER_AES_CBC_256_SHA384;
}

/*
 * True when the records carry an AEAD explicit nonce (TLS 1.2, not
 * ChaCha; CBC's explicit IV is ktls_cbc.c's).
 */
static inline bool ktls_has_explicit_nonce(const struct tls_prot_info *prot)
{
	return prot->version != TLS_1_3_VERSION &&
	       prot->cipher_type != TLS_CIPHER_CHACHA20_POLY1305 &&
	       !ktls_prot_is_cbc(prot);
}

/*
 * Build the additional data into @aad (prot->aad_size bytes):
 *  TLS 1.2: seq(8) || type || 0x03 0x03 || plaintext_len(2)
 *  TLS 1.3: 0x17 0x03 0x03 || ciphertext_len(2) (the record header), where
 *  ciphertext_len = plaintext_len + 1 (inner type) + tag_size; @type and
 *  @rec_seq are ignored for 1.3. For TLS 1.3 pass as @plaintext_len the
 *  length of the content without the inner type byte and without padding
 *  (a receiver that has padding passes the on-the-wire inner length - 1).
 */
void ktls_build_aad(const struct tls_prot_info *prot, u8 *aad,
		    size_t plaintext_len, u8 type, const char *rec_seq);

/* Increment a big-endian record sequence; returns true if it wrapped. */
bool ktls_rec_seq_inc(const struct tls_prot_info *prot, char *rec_seq);
/*
 * Advance @cctx to the next record: increments rec_seq and, for TLS 1.2
 * ciphers with an explicit nonce, the explicit IV (tls.ko does the same,
 * which getsockopt(TLS_TX/TLS_RX) reports). Returns true if rec_seq
 * wrapped (the caller must then fail with -EBADMSG).
 */
bool ktls_cipher_ctx_advance(const struct tls_prot_info *prot,
			     struct cipher_context *cctx);

/* Write the 5-byte record header (and TLS 1.2 explicit nonce) to @buf. */
void ktls_build_header(const struct tls_prot_info *prot, u8 *buf,
		       size_t plaintext_len, u8 type, const u8 *nonce);

/* ------------------------------------------------------------------ */
/* AES-CBC + HMAC suites (ktls_cbc.c; records: ktls_tx_cbc.c, ktls_rx_cbc.c) */
/* ------------------------------------------------------------------ */

#define KTLS_CBC_BLOCK		16
#define KTLS_CBC_MAC_MAX	48
/* padding bytes a record may carry, the length byte included */
#define KTLS_CBC_PAD_MAX	256
/* the longest record after its header (RFC 5246 6.2.3: 2^14 + 2048) */
#define KTLS_CBC_REC_MAX	(TLS_MAX_PAYLOAD_SIZE + 2048)
/* MAC and minimal padding, as sent */
#define KTLS_CBC_TRAILER_MAX	(KTLS_CBC_MAC_MAX + KTLS_CBC_BLOCK)

struct ktls_cbc_suite;

/* One direction's CBC state, in ktls_context.cbc[KTLS_COUNT_TX / _RX]. */
struct ktls_cbc {
	const struct ktls_cbc_suite *suite;
	struct crypto_sync_skcipher *aes;
	struct crypto_shash *hmac;
	/* the info as set: struct tls_context has no room for it */
	struct tls_crypto_info_aes_cbc_hmac ci;
	u8 mac_size;
	/* RX: one record after its header, decrypted in place */
	u8 *buf;
};

bool ktls_cipher_is_cbc(u16 cipher_type);
/*
 * TLS_TX / TLS_RX with a CBC suite: check @hdr (already read) against the
 * suite's versions and net.ktls.cbc_enable, read the whole info. Errnos:
 * EOPNOTSUPP disabled, EINVAL version or length, EPROTONOSUPPORT TLS 1.0
 * receive.
 */
int ktls_cbc_read_info(struct net *net, bool tx,
		       const struct tls_crypto_info *hdr, sockptr_t optval,
		       unsigned int optlen, struct ktls_cbc **out);
/* Transforms and keys; fill @prot and the IV/sequence of @cctx. */
int ktls_cbc_init(struct ktls_cbc *cbc, struct tls_prot_info *prot,
		  struct cipher_context *cctx, bool rx);
void ktls_cbc_free(struct ktls_cbc *cbc);
int ktls_cbc_get_info(const struct ktls_cbc *cbc,
		      const struct cipher_context *cctx, char __user *optval,
		      int len);
/* bytes of MAC and minimal padding after @data_len plaintext bytes */
u32 ktls_cbc_trailer(const struct ktls_cbc *cbc, u32 data_len);
/* the padding after the MAC in @trailer (ktls_cbc_trailer() bytes) */
void ktls_cbc_fill_trailer(const struct ktls_cbc *cbc, u8 *trailer,
			   u32 data_len);
void ktls_cbc_new_iv(u8 *iv);
/* HMAC of the first @len bytes of @sg into @mac */
int ktls_cbc_mac_sg(struct ktls_cbc *cbc, struct scatterlist *sg, u32 len,
		    u8 *mac);
int ktls_cbc_crypt(struct ktls_cbc *cbc, struct scatterlist *src,
		   struct scatterlist *dst, u32 len, u8 *iv, bool enc);
int ktls_cbc_open(struct ktls_cbc *cbc, const struct tls_prot_info *prot,
		  u8 type, const char *rec_seq, u8 *buf, u32 len, u8 *iv,
		  u32 *data_len);
int ktls_cbc_check_len(const struct ktls_cbc *cbc,
		       const struct tls_prot_info *prot, u32 len);

/* The version's minor byte in headers and MACs (TLS 1.3: 3, as 1.2) */
static inline u8 ktls_wire_minor(const struct tls_prot_info *prot)
{
	return prot->version == TLS_1_3_VERSION ? TLS_1_2_VERSION_MINOR :
						  prot->version & 0xff;
}

/* ------------------------------------------------------------------ */
/* Statistics (per netns, /proc/net/tls_stat: ktls_stats.c, a leaf)   */
/* ------------------------------------------------------------------ */

/* In the /proc order of the newest kernel; names in ktls_proc.c. */
enum ktls_mib {
	KTLS_MIB_CURRTXSW,
	KTLS_MIB_CURRRXSW,
	KTLS_MIB_CURRTXDEVICE,
	KTLS_MIB_CURRRXDEVICE,
	KTLS_MIB_TXSW,
	KTLS_MIB_RXSW,
	KTLS_MIB_TXDEVICE,
	KTLS_MIB_RXDEVICE,
	KTLS_MIB_DECRYPTERROR,
	KTLS_MIB_RXDEVICERESYNC,
	KTLS_MIB_DECRYPTRETRY,
	KTLS_MIB_RXNOPADVIOL,
	KTLS_MIB_RXREKEYOK,
	KTLS_MIB_RXREKEYERROR,
	KTLS_MIB_TXREKEYOK,
	KTLS_MIB_TXREKEYERROR,
	KTLS_MIB_RXREKEYRECEIVED,
	/* ktls.ko's own, after every upstream name (FreeBSD's stats) */
	KTLS_MIB_ENABLECALLS,
	KTLS_MIB_OFFLOADTOTAL,
	KTLS_MIB_TXSWITCHTOSW,
	KTLS_MIB_TXSWITCHTODEVICE,
	KTLS_MIB_RXSWITCHTOSW,
	KTLS_MIB_RXSWITCHTODEVICE,
	KTLS_MIB_SWITCHFAILED,
	KTLS_MIB_TXREXMITFALLBACK,
	KTLS_MIB_TXROUTEFALLBACK,
	KTLS_MIB_SWAESGCM,
	KTLS_MIB_SWAESCCM,
	KTLS_MIB_SWCHACHA20,
	KTLS_MIB_SWOTHER,
	KTLS_MIB_DEVICEAESGCM,
	KTLS_MIB_SWAESCBC,
	/* records that failed authentication or had a malformed header */
	KTLS_MIB_CORRUPTEDRECORDS,
	KTLS_MIB_MAX
};

struct ktls_mib_cpu {
	unsigned long mibs[KTLS_MIB_MAX];
};

/* Per network namespace state (net_generic, id in ktls_stats.c). */
struct ktls_net {
	struct ktls_mib_cpu __percpu *mib;
	/* net.ktls.* (ktls_sysctl.c); READ_ONCE where used */
	int enable;
	int device_enable;
	int device_max_rexmit_pct;
	int cbc_enable;
	/* KTLS_VERDICT_*; DEFAULT: the module parameter bpf_default */
	int default_policy;
	struct ctl_table_header *sysctl;
};

/* FreeBSD's ifnet_max_rexmit_pct default */
#define KTLS_DEFAULT_MAX_REXMIT_PCT	2

/* ktls_sysctl.c, from the namespace init/exit of ktls_stats.c */
int ktls_sysctl_net_init(struct net *net, struct ktls_net *kn);
void ktls_sysctl_net_exit(struct ktls_net *kn);

struct ktls_net *ktls_net(const struct net *net);

static inline bool ktls_net_device_enabled(const struct net *net)
{
	return READ_ONCE(ktls_net(net)->device_enable);
}

#define KTLS_INC_STATS(net, field) \
	this_cpu_inc(ktls_net(net)->mib->mibs[field])
#define KTLS_DEC_STATS(net, field) \
	this_cpu_dec(ktls_net(net)->mib->mibs[field])

/* Module init/exit: register/unregister the per-netns state. */
int ktls_stats_init(void);
void ktls_stats_exit(void);

/* ------------------------------------------------------------------ */
/* Context (ktls_main.c)                                               */
/* ------------------------------------------------------------------ */

/*
 * ktls's per-socket context. @base MUST stay first: icsk_ulp_data points
 * at it and everything outside ktls sees only struct tls_context.
 */
/* Events counted where the socket may be unlocked (ktls_bpf.c) */
enum ktls_ev {
	KTLS_EV_TX_RESYNC,
	KTLS_EV_RX_RESYNC,
	KTLS_EV_TX_DOWN,
	KTLS_EV_RX_DOWN,
	KTLS_EV_DECRYPT_ERROR,
	KTLS_EV_TX_REXMIT,
	KTLS_EV_TX_ROUTE,
	KTLS_EV_NR
};

/* Records and their plaintext bytes, per direction, for CLOSE */
struct ktls_count {
	u64 records;
	u64 bytes;
};

#define KTLS_COUNT_TX	0
#define KTLS_COUNT_RX	1

struct ktls_context {
	struct tls_context base;
	/* TLS_TX_MAX_PAYLOAD_LEN: user data bytes per record (64..16384) */
	u16 tx_max_payload_len;
	/* TLS_RX_RECORD: one record per recvmsg (ktls_rx_record.c) */
	u8 rx_record;
	/* device TX (tx_conf == TLS_HW): ktls's own state, ktls_device_tx.h */
	struct ktls_dtx *dtx;
	/* device flows: the final free, queued by ktls_device.c */
	struct work_struct dev_free_work;
	/* KTLS_DEV_* bits, ktls_device.c */
	unsigned long dev_flags;
	/* under the socket lock: TX by the record paths, RX by decrypt */
	struct ktls_count count[2];
	/* events not delivered yet, and whether any is (ktls_bpf.c) */
	atomic_t ev[KTLS_EV_NR];
	u8 ev_pending;
	/* device TX: TCP's counts when the device last took TX over */
	u32 rexmit_segs0;
	u32 rexmit_retrans0;
	/* a CBC suite's state per direction (ktls_cbc.c), else NULL */
	struct ktls_cbc *cbc[2];
};

/* TX's device context is deleted (rekey moved TX to software) */
#define KTLS_DEV_TX_DELETED	0
/* sk_destruct ran: device down must not touch the socket */
#define KTLS_DEV_SK_GONE	1
/* close released device RX: its state (priv_ctx_rx) is gone or going */
#define KTLS_DEV_RX_RELEASED	2
/*
 * TX framed for the device runs in software: every skb is encrypted by
 * the fallback (TLS_TX_MODE, too many retransmissions, a route change)
 */
#define KTLS_DEV_TX_SW		3
/* RX of a device flow runs in software: the device forgot it (TLS_RX_MODE) */
#define KTLS_DEV_RX_SW		4
/* a TLS_TX_MODE / TLS_RX_MODE switch is running (EBUSY for another) */
#define KTLS_DEV_SWITCHING	5

static inline struct ktls_context *ktls_ctx(struct tls_context *ctx)
{
	return container_of(ctx, struct ktls_context, base);
}

/* How a direction runs now, as BPF is told (KTLS_MODE_*) */
static inline int ktls_mode(struct tls_context *ctx, bool tx)
{
	bool dev = rcu_access_pointer(ctx->netdev);

	if (tx) {
		if (ctx->tx_conf == TLS_BASE)
			return KTLS_MODE_NONE;
		dev = dev && ctx->tx_conf == TLS_HW &&
		      !test_bit(KTLS_DEV_TX_DELETED, &ktls_ctx(ctx)->dev_flags) &&
		      !test_bit(KTLS_DEV_TX_SW, &ktls_ctx(ctx)->dev_flags);
	} else {
		if (ctx->rx_conf == TLS_BASE)
			return KTLS_MODE_NONE;
		dev = dev && ctx->rx_conf == TLS_HW &&
		      !test_bit(TLS_RX_DEV_DEGRADED, &ctx->flags) &&
		      !test_bit(KTLS_DEV_RX_SW, &ktls_ctx(ctx)->dev_flags);
	}
	return dev ? KTLS_MODE_DEVICE : KTLS_MODE_SW;
}

/*
 * Fatal error on the socket (@err is a negative errno, e.g. -EBADMSG):
 * set sk_err and wake everybody.
 */
static inline void ktls_err_abort(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, -err);
	/* paired with the lockless readers of sk_err in poll and recvmsg */
	smp_wmb();
	sk_error_report(sk);
}

/* Count a record of @len plaintext bytes; the socket lock is held. */
static inline void ktls_count_rec(struct tls_context *ctx, int dir, u32 len)
{
	struct ktls_count *c = &ktls_ctx(ctx)->count[dir];

	c->records++;
	c->bytes += len;
}

/* ------------------------------------------------------------------ */
/* BPF steering (ktls_bpf.c)                                           */
/* ------------------------------------------------------------------ */

bool ktls_bpf_active(void);
/* the verdict for TLS_TX (@tx) / TLS_RX: KTLS_VERDICT_*, never DEFAULT */
int ktls_bpf_policy(struct sock *sk, struct tls_context *ctx, bool tx,
		    int ifindex, bool capable);
void ktls_bpf_installed(struct sock *sk, bool tx, int mode, int err,
			int verdict, int ifindex);
void ktls_bpf_rekey(struct sock *sk, bool tx, int mode, int err);
void ktls_bpf_fallback(struct sock *sk, bool tx, int reason, u32 count);
void ktls_bpf_deliver_pending(struct sock *sk, struct tls_context *ctx);
void ktls_bpf_close(struct sock *sk, struct tls_context *ctx, int tx_mode,
		    int rx_mode);

/*
 * An event seen where the socket may not be locked: counted now,
 * delivered by ktls_bpf_deliver() at the next locked point.
 */
static inline void ktls_event_note(struct tls_context *ctx, enum ktls_ev e)
{
	struct ktls_context *kctx = ktls_ctx(ctx);

	atomic_inc(&kctx->ev[e]);
	/* after the count: the deliverer clears this before it reads */
	smp_mb__after_atomic();
	WRITE_ONCE(kctx->ev_pending, 1);
}

/* At a locked point: the events counted since the last one. */
static inline void ktls_bpf_deliver(struct sock *sk, struct tls_context *ctx)
{
	if (unlikely(READ_ONCE(ktls_ctx(ctx)->ev_pending)))
		ktls_bpf_deliver_pending(sk, ctx);
}

/* ------------------------------------------------------------------ */
/* Proto tables (ktls_proto.c; filled by ktls_main.c)                  */
/* ------------------------------------------------------------------ */

/* The tables of one IP version, indexed [tx_conf][rx_conf]. */
struct ktls_proto_set {
	struct proto prot[TLS_NUM_CONFIG][TLS_NUM_CONFIG];
	/* not const: filled from the base TCP ops at run time */
	struct proto_ops ops[TLS_NUM_CONFIG][TLS_NUM_CONFIG];
	/* the TCP proto the set was built from (acquire/release) */
	const struct proto *base;
};

struct ktls_proto_set *ktls_proto_set(const struct sock *sk);
/* Switch sk_prot / socket ops to the table for ctx->{tx,rx}_conf. */
void ktls_update_sk_prot(struct sock *sk, struct tls_context *ctx);

/* sock_diag (ktls_diag.c) */
int ktls_get_info(struct sock *sk, struct sk_buff *skb);
size_t ktls_get_info_size(const struct sock *sk);

/*
 * Setting TLS_TX_MODE / TLS_RX_MODE (ktls_mode.c; getsockopt reads
 * ktls_mode()), from ktls_sockopt.c: TX under ctx->tx_lock and lock_sock,
 * RX under lock_sock, with KTLS_DEV_SWITCHING taken by the caller;
 * *@tx_old receives a software TX context to free with
 * ktls_tx_sw_free_detached() once both locks are dropped.
 */
int ktls_mode_set(struct sock *sk, sockptr_t optval, unsigned int optlen,
		  bool tx, void **tx_old);
/* the per-cipher install counters (KtlsSw*, KtlsDevice*) */
void ktls_mode_count_cipher(struct net *net, u16 cipher, bool device);

/* SOL_TLS options (ktls_sockopt.c); proto->setsockopt/getsockopt */
int ktls_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int ktls_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen);

/* ------------------------------------------------------------------ */
/* Software TX (ktls_tx*.c)                                            */
/* ------------------------------------------------------------------ */

/*
 * Set up (rekey == false) or re-key (TLS 1.3) software TX from @ci, which
 * was validated and copied into ctx->crypto_send. Under lock_sock.
 * On a rekey, records already closed with the old key are encrypted and
 * queued with the old key first. Returns 0 or -errno (nothing changed).
 */
int ktls_tx_sw_init(struct sock *sk, struct tls_context *ctx,
		    const struct tls_crypto_info *ci, bool rekey);
/* Before lock_sock in close: stop the TX worker. */
void ktls_tx_sw_cancel_work(struct tls_context *ctx);
/*
 * Close, under lock_sock: hand every byte send() accepted to TCP (the open
 * record too), then free the records. @timeout: the linger time close()
 * was given.
 */
void ktls_tx_sw_release(struct sock *sk, struct tls_context *ctx,
			long timeout);
/* After release_sock in close: free the TX context. */
void ktls_tx_sw_free(struct tls_context *ctx);
/*
 * TLS_TX_MODE to the device: hand every record to TCP, waiting up to
 * @timeo for room (0 or -EAGAIN/-errno), then take the software context
 * off @ctx (ctx->tx stays: the device continues its sequence). Both under
 * tx_lock and lock_sock; reattach undoes detach; the detached context is
 * freed after both locks are dropped.
 */
int ktls_tx_sw_drain(struct sock *sk, struct tls_context *ctx, long timeo);
void *ktls_tx_sw_detach(struct tls_context *ctx);
void ktls_tx_sw_reattach(struct tls_context *ctx, void *txc);
void ktls_tx_sw_free_detached(void *txc);
/* True while a record is being built (for TLS_TX_MAX_PAYLOAD_LEN EBUSY). */
bool ktls_tx_sw_has_open_record(struct sock *sk, struct tls_context *ctx);
/* TX configured: interpose on sk_write_space (under lock_sock). */
void ktls_tx_install_write_space(struct sock *sk, struct tls_context *ctx);
/* Close, under sk_callback_lock: give sk_write_space back to TCP. */
void ktls_tx_restore_write_space(struct sock *sk, struct tls_context *ctx);

int ktls_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
/*
 * ktls_tx_rec.c, for software and device TX: TLS_SET_RECORD_TYPE. The data
 * of this call goes into records of the given type (*@type); @close ends
 * a record still open from MSG_MORE sends first. As in tls.ko, control
 * data (msg_controllen) without a SOL_TLS cmsg is -EINVAL.
 */
int ktls_tx_cmsg_record_type(struct sock *sk, struct tls_context *ctx,
			     struct msghdr *msg, u8 *type,
			     int (*close)(struct sock *sk,
					  struct tls_context *ctx, int flags));
/* ktls_tx_sendpage.c, built for kernels that have ->sendpage (compat.h) */
int ktls_tx_sendpage(struct sock *sk, struct page *page, int offset,
		     size_t size, int flags);
int ktls_tx_sendpage_locked(struct sock *sk, struct page *page, int offset,
			    size_t size, int flags);
void ktls_tx_splice_eof(struct socket *sock);
/* Module exit: free what TX keeps for reuse. */
void ktls_tx_exit(void);

/* ktls_spare.c: one kept buffer per CPU and slot, reused unzeroed */
struct ktls_spare {
	void *buf;
};

void *ktls_spare_get(struct ktls_spare __percpu *slot, size_t size);
void ktls_spare_put(struct ktls_spare __percpu *slot, void *p);
void ktls_spare_drain(struct ktls_spare __percpu *slot);

/* ------------------------------------------------------------------ */
/* Software RX (ktls_rx*.c, ktls_strp.c, ktls_decrypt.c)               */
/* ------------------------------------------------------------------ */

/*
 * All functions except ktls_rx_sw_free() run in process context with the
 * socket owned (lock_sock) unless stated otherwise.
 */
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
/* ktls_rx_skb.c */
ssize_t ktls_rx_splice_read(struct socket *sock, loff_t *ppos,
			    struct pipe_inode_info *pipe, size_t len,
			    unsigned int flags);
int ktls_rx_read_sock(struct sock *sk, read_descriptor_t *desc,
		      sk_read_actor_t actor);
bool ktls_rx_sock_is_readable(struct sock *sk);
__poll_t ktls_rx_poll(struct file *file, struct socket *sock,
		      struct poll_table_struct *wait);

/* Module exit: free what RX keeps for reuse. */
void ktls_rx_exit(void);

/* ------------------------------------------------------------------ */
/* Device offload (ktls_device*.c)                                     */
/* ------------------------------------------------------------------ */

/*
 * Hand TX/RX of a socket to the NIC its route leaves through, as tls.ko's
 * tls_set_device_offload{,_rx}(). setsockopt tries these first and falls
 * back to software on any error, as tls.ko does.
 *
 * Layering: ktls_device.c (route lookup, the list of offloaded contexts,
 * the netdev notifier, device down) is below ktls_device_tx.c and
 * ktls_device_rx.c; nothing in the software path calls up into them
 * except through the hooks declared here.
 */

/* ktls_device.c: module init/exit (netdev notifier) */
int ktls_device_init(void);
void ktls_device_exit(void);

/*
 * The shared device layer (ktls_device.c), used by the TX and RX paths:
 *
 * ktls_device_lookup(): the device @sk's route leaves through, the lowest
 * one below a bond/team (as tls.ko), with a reference (dev_put() it), or
 * NULL. Does not check features.
 *
 * ktls_device_offload_begin()/_end(): bracket tls_dev_add() and
 * ktls_device_attach(), so that NETDEV_DOWN either sees the new context or
 * runs before it and makes begin() fail (-EINVAL: the device is not up).
 * begin() returns with the offload lock held only on success.
 *
 * ktls_device_attach(): after a successful tls_dev_add() (TX or RX; once
 * per socket, a second call does nothing): the context joins the list of
 * offloaded contexts, holds @netdev (ctx->netdev) and a module reference,
 * and from now on is freed from sk_destruct (tls_device_sk_destruct), not
 * by close: the driver may look at it until the last skb is gone. Close
 * therefore leaves icsk_ulp_data and the context alone for device flows.
 *
 * ktls_device_resync(): tls_dev_resync() on the context's device, if it
 * still has one (0 when it has none: nothing to resync). Process context.
 *
 * The final free (a work item once sk_destruct and any device-down
 * handling are done) calls tls_dev_del() for TX only, as tls.ko: RX deletes
 * its device context at close (ktls_device_rx_release) or in
 * ktls_device_rx_down(), and may then drop ctx->netdev itself (dev_put,
 * pointer NULL, under the offload lock) when TX is not on the device.
 * Whoever sets tx_conf/rx_conf = TLS_HW does it before
 * ktls_device_offload_end(), so that device down sees the direction.
 */
struct net_device *ktls_device_lookup(struct sock *sk);
int ktls_device_offload_begin(struct net_device *netdev);
void ktls_device_offload_end(void);
/*
 * A mode switch back to the device: the route's device, held and up,
 * with the offload lock taken (ctx->netdev cannot change meanwhile), or
 * NULL; _end() drops both.
 */
struct net_device *ktls_device_route_begin(struct sock *sk);
void ktls_device_route_end(struct net_device *netdev);
void ktls_device_attach(struct sock *sk, struct tls_context *ctx,
			struct net_device *netdev);
int ktls_device_resync(struct sock *sk, struct tls_context *ctx, u32 seq,
		       u8 *rcd_sn, enum tls_offload_ctx_dir dir);
/* ktls_device_attach() ran: the context is freed from sk_destruct */
bool ktls_device_attached(const struct sock *sk);
/*
 * ktls_device_tx_detach(): TX of @ctx stops using its device for good
 * (tls_dev_del, skbs encrypted by the fallback), RX keeps it. Process
 * context, socket locked.
 */
void ktls_device_tx_detach(struct sock *sk, struct tls_context *ctx);
/* sk_destruct of every device flow (behind the exported tls_device_sk_destruct) */
void ktls_device_sk_destruct(struct sock *sk);
/* ktls_main.c: free a context nobody can reach any more but RCU readers */
void ktls_ctx_free(struct sock *sk, struct tls_context *ctx);

/*
 * ktls_device_tx.c. Under lock_sock, with ctx->crypto_send validated.
 * 0: TX is offloaded (the caller sets tx_conf = TLS_HW); -errno: use
 * software, nothing changed.
 */
int ktls_device_tx_init(struct sock *sk, struct tls_context *ctx);
/* for the BPF policy: would TX init try a device (*ifindex) that can? */
bool ktls_device_tx_capable(struct sock *sk, struct tls_context *ctx,
			    int *ifindex);
/*
 * TX of a device flow between the device and software (the fallback
 * encrypts every skb; the records are framed the same way, so the wire
 * bytes do not change). set_sw may run in softirq; true if it switched.
 * resume: back to the device, under tx_lock and lock_sock; -ENXIO when
 * the device is gone, down, no longer on the route or not offloading.
 */
bool ktls_device_tx_set_sw(struct sock *sk, struct tls_context *ctx);
int ktls_device_tx_resume(struct sock *sk, struct tls_context *ctx);
/* TLS 1.3 TX rekey of a device flow, as ktls_tx_sw_init(..., true). */
int ktls_device_tx_rekey(struct sock *sk, struct tls_context *ctx,
			 const struct tls_crypto_info *ci);
/* proto entries of tx_conf == TLS_HW (ktls_device_tx_send.c) */
int ktls_device_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
int ktls_device_tx_sendpage(struct sock *sk, struct page *page, int offset,
			    size_t size, int flags);
void ktls_device_tx_splice_eof(struct socket *sock);
/* sk_write_space of a device TX flow (softirq): schedule the pusher */
void ktls_device_tx_write_space(struct sock *sk, struct tls_context *ctx);
/* for TLS_TX_MAX_PAYLOAD_LEN's EBUSY, under lock_sock */
bool ktls_device_tx_has_open_record(struct sock *sk, struct tls_context *ctx);
/*
 * Close: before tx_lock, stop the pusher (cancel_work); under tx_lock and
 * lock_sock, hand every accepted byte to TCP (release). The records stay
 * until ACKed; everything is freed from sk_destruct.
 */
void ktls_device_tx_cancel_work(struct tls_context *ctx);
void ktls_device_tx_release(struct sock *sk, struct tls_context *ctx,
			    long timeout);
/* ktls_device.c callbacks: device down (RTNL, offload lock held for write),
 * sk_destruct (any context) and the final free (process context).
 */
void ktls_device_tx_down(struct tls_context *ctx);
void ktls_device_tx_destruct(struct sock *sk, struct tls_context *ctx);
void ktls_device_tx_free(struct tls_context *ctx);

/*
 * ktls_device_rx.c. Under lock_sock, with ctx->crypto_recv validated and
 * software RX already set up by ktls_rx_sw_init() (records the device did
 * not decrypt are decrypted in software, as tls.ko). 0: the device
 * decrypts, and rx_conf is TLS_HW already (set before the offload lock is
 * dropped, so that a device down right after sees the flow); -errno:
 * software only.
 */
int ktls_device_rx_init(struct sock *sk, struct tls_context *ctx);
bool ktls_device_rx_capable(struct sock *sk, struct tls_context *ctx,
			    int *ifindex);
/*
 * TLS_RX_MODE on a device flow, under lock_sock: set_sw makes the device
 * forget the flow (software decrypts from here; what it marked in flight
 * is still taken); resume hands it back from the next record software has
 * not taken (-ENXIO no usable device, -EBUSY a rekey's old key is still
 * needed).
 */
void ktls_device_rx_set_sw(struct sock *sk, struct tls_context *ctx);
int ktls_device_rx_resume(struct sock *sk, struct tls_context *ctx);
/* Close, under lock_sock: tell the device to forget the RX flow. */
void ktls_device_rx_release(struct sock *sk, struct tls_context *ctx);
/*
 * Device going down (ktls_device.c's notifier, process context, RTNL held,
 * socket NOT locked): stop using @netdev for RX of @ctx; later records are
 * decrypted in software. ctx->netdev is already NULL, TLS_RX_DEV_DEGRADED
 * set and synchronize_net() done; this calls tls_dev_del(RX) unless close
 * released the RX state already (KTLS_DEV_RX_RELEASED). It must not take
 * the socket lock (the offload lock is held for write, and setup takes
 * that under the socket lock) nor touch the socket if KTLS_DEV_SK_GONE is
 * set in dev_flags.
 */
void ktls_device_rx_down(struct tls_context *ctx, struct net_device *netdev);

#endif /* _KTLS_H */
