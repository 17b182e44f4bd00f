/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal state of the tlssim TLS offload engine (not seen by NET code).
 *
 * Locking:
 *  - struct tlssim_tls::lock (BH spinlock) protects the context list, the
 *    RX flow hash (writers; readers use RCU) and the per-direction counts.
 *  - struct tlssim_ctx::lock (BH spinlock) protects the stream state of one
 *    context: taken by the TX/RX packet paths and by tls_dev_resync/del.
 *    It nests inside nothing else of ours; tls_get_record() is called with
 *    the kernel's offload context lock held inside ctx->lock.
 *  - Contexts come from the "tlssim_ctx" kmem_cache and are freed after an
 *    RCU grace period once unhashed, so the RX path may look them up under
 *    rcu_read_lock() only.
 */
#ifndef _TLSSIM_TLS_PRIV_H
#define _TLSSIM_TLS_PRIV_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <net/tls.h>
#include "tlssim.h"
#include "tlssim_gcm.h"
#include "tlssim_tls.h"

enum tlssim_tls_stat {
	TSS_TX_ENC_PKTS,
	TSS_TX_ENC_BYTES,
	TSS_TX_CTX,
	TSS_TX_DEL,
	TSS_TX_OOO,
	TSS_TX_SKIP_NO_SYNC,
	TSS_TX_DROP_NO_SYNC,
	TSS_TX_DROP_BYPASS,
	TSS_TX_RESYNC_REQ,
	TSS_TX_RESYNC,
	TSS_RX_DEC_PKTS,
	TSS_RX_DEC_BYTES,
	TSS_RX_CTX,
	TSS_RX_DEL,
	TSS_RX_RESYNC_REQ_PKT,
	TSS_RX_RESYNC_REQ_START,
	TSS_RX_RESYNC_REQ_END,
	TSS_RX_RESYNC_REQ_SKIP,
	TSS_RX_RESYNC_RES_OK,
	TSS_RX_RESYNC_RES_SKIP,
	TSS_RX_ERR,
	TSS_NUM
};

/* capability mask bits (debugfs "tls_caps") */
#define TLSSIM_CAP_TLS12_AES128		BIT(0)
#define TLSSIM_CAP_TLS12_AES256		BIT(1)
#define TLSSIM_CAP_TLS13_AES128		BIT(2)
#define TLSSIM_CAP_TLS13_AES256		BIT(3)
#define TLSSIM_CAP_TX			BIT(4)
#define TLSSIM_CAP_RX			BIT(5)
#define TLSSIM_CAP_ALL			GENMASK(5, 0)

/*
 * Record content types (RFC 5246 6.2.1, RFC 8446 5.1) a plausible header
 * may carry: change_cipher_spec up to application_data.  Ours, as the
 * kernel's TLS_RECORD_TYPE_DATA went private to net/tls in 6.12.
 */
#define TLSSIM_CT_FIRST			20
#define TLSSIM_CT_DATA			23

#define TLSSIM_RESYNC_DRIVER		0
#define TLSSIM_RESYNC_ASYNC		1

#define TLSSIM_RX_HASH_BITS		8

struct tlssim_tls {
	struct net_device *netdev;
	spinlock_t lock;		/* ctxs, rx_hash, nctx (see top) */
	struct list_head ctxs;
	struct hlist_head rx_hash[1 << TLSSIM_RX_HASH_BITS];
	unsigned int nctx[2];		/* live contexts per direction */
	/* knobs (debugfs), read locklessly with READ_ONCE */
	u32 max_ctx;
	u32 caps;
	u32 fail_next_add;
	u32 resync_mode;
	u32 resync_delay;		/* packets before the device answers */
	u32 tx_resync_next;		/* force N TX resync requests (cmpxchg) */
	atomic64_t stats[TSS_NUM];
};

/* Position in a TLS record stream, as the hardware pipeline tracks it. */
struct tlssim_rec {
	u32 seq;		/* TCP sequence of the next byte */
	u32 pos;		/* offset in the current record, 0 = header */
	u32 len;		/* full record length incl. header (pos >= 5) */
	u64 sn;			/* record sequence number */
	bool active;		/* record is en/decrypted (else only tracked) */
	bool tag_done;
	u8 hdr[TLS_HEADER_SIZE + 8];
	u8 tag[TLSSIM_GCM_TAG];
	struct tlssim_gcm_stream gcm;
};

enum tlssim_walk_mode {
	TLSSIM_WALK_ENCRYPT,	/* TX: encrypt payload, write tags */
	TLSSIM_WALK_VERIFY,	/* RX pass 1: hash ciphertext, check tags */
	TLSSIM_WALK_DECRYPT,	/* RX pass 2: keystream only */
	TLSSIM_WALK_TRACK,	/* follow headers only */
};

enum tlssim_rx_state {
	TLSSIM_RX_SYNC,		/* decrypting */
	TLSSIM_RX_SEARCH,	/* looking for a plausible header */
	TLSSIM_RX_TRACK,	/* following headers, waiting for the stack */
};

struct tlssim_ctx {
	struct tlssim_tls *tls;
	struct list_head list;
	struct hlist_node hnode;
	struct rcu_head rcu;
	spinlock_t lock;		/* stream state below (see top) */
	enum tls_offload_ctx_dir dir;
	bool dead;
	struct sock *sk;
	/* the flow as packets leaving (TX) or arriving (RX) here show it */
	struct tlssim_flow flow;
	u16 version;
	u16 cipher;
	u8 iv_size;		/* explicit nonce bytes in each record */
	u8 salt[4];
	u8 iv[12];		/* TLS 1.3: static IV */
	struct tlssim_gcm_key key;
	struct tlssim_rec st;
	/* TX */
	bool tx_lost;		/* main state unusable until tls_dev_resync */
	bool tx_resync_wait;	/* asked the stack for a TX resync */
	/* RX */
	bool async_mode;	/* resync type chosen at add time */
	enum tlssim_rx_state rx_state;
	u32 req_seq;		/* header the pending resync request is for */
	bool req_pending;	/* a request is outstanding at the stack */
	bool req_issued;	/* sent to the stack (delay elapsed) */
	u32 req_delay;		/* packets left before sending */
	u32 req_records;	/* records tracked since the request */
	struct tls_offload_resync_async async;
};

static inline void tlssim_tstat_add(struct tlssim_tls *t, enum tlssim_tls_stat s, u64 v)
{
	atomic64_add(v, &t->stats[s]);
}

static inline struct tlssim_ctx **tlssim_ctx_slot(struct tls_context *tctx,
						  enum tls_offload_ctx_dir dir)
{
	BUILD_BUG_ON(sizeof(struct tlssim_ctx *) > TLS_DRIVER_STATE_SIZE_RX);
	return __tls_driver_ctx(tctx, dir);
}

/* what one walk over a piece of the stream saw */
struct tlssim_walk_res {
	bool tag_bad;		/* a record tag did not verify (RX) */
	bool inactive;		/* some bytes belonged to a tracked-only record */
	u32 headers;		/* record headers completed */
	u32 last_hdr_seq;	/* TCP seq of the last header completed */
};

/* tlssim_tls_rec.c */
int tlssim_rec_walk(struct tlssim_ctx *c, struct tlssim_rec *r, u8 *data, u32 len,
		    enum tlssim_walk_mode mode, struct tlssim_walk_res *res);
bool tlssim_rec_hdr_plausible(const struct tlssim_ctx *c, const u8 *hdr);
void tlssim_rec_reset(struct tlssim_rec *r, u32 seq, u64 sn, bool active);
u64 tlssim_rec_sn_from_bytes(const u8 *rcd_sn);

/* tlssim_tls_tx.c / tlssim_tls_rx.c */
int tlssim_tx_resync(struct tlssim_ctx *c, u32 seq, u8 *rcd_sn);
int tlssim_rx_resync(struct tlssim_ctx *c, u32 seq, u8 *rcd_sn);
void tlssim_rx_ctx_init(struct tlssim_ctx *c, u32 start_seq);

static inline struct tlssim_tls *tlssim_tls_of(struct tlssim_dev *sd)
{
	return sd->tls;
}

#endif /* _TLSSIM_TLS_PRIV_H */
