/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlssim: a pair of virtual Ethernet NICs joined by an emulated wire, with
 * TLS record offload (tlsdev_ops) done by an emulated crypto engine.
 *
 * Data path overview (one direction; the other is symmetric):
 *
 *   A: ndo_start_xmit -> tlssim_tls_xmit (encrypt) -> software GSO into
 *      MTU frames -> copy each frame into a fresh RX buffer of B, finish its
 *      checksum over the bytes as they leave -> faults of A's wire (loss,
 *      corrupt, duplicate, reorder) -> B's RX queue, B's NAPI scheduled
 *   B: NAPI poll -> XDP -> L4 checksum check -> tlssim_tls_rx (decrypt)
 *      -> GRO
 *
 * Every frame on the wire is a private, linear copy (like a DMA into the
 * receiver's ring), so the receiver may rewrite it in place (XDP, TLS
 * decryption, fault injection) without touching the sender's socket pages.
 *
 * Layers: a file calls only into files below it, never back up, so there
 * are no call circles between files:
 *   main -> link -> netdev -> debugfs, ethtool, rx, tls engine (tls_tx,
 *   tls, tls_debugfs)
 *   rx -> xdp -> wire -> fault -> parse	(rx and tls_tx also use parse)
 *   tls engine: tls -> tls_tx, tls_rx -> tls_rec -> gcm
 * rx calls tls_rx.  Helpers shared across layers are static inline here
 * (tlssim_priv, tlssim_flow_hash) or in tlssim_tls_priv.h.
 */
#ifndef _TLSSIM_H
#define _TLSSIM_H

#include <linux/atomic.h>
#include <linux/bpf.h>
#include <linux/netdevice.h>
#include <linux/in6.h>
#include <linux/jhash.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/xdp.h>

#include "tlssim_tls.h"

#define TLSSIM_DRV_NAME		"tlssim"
#define TLSSIM_MIN_MTU		68
#define TLSSIM_MAX_MTU		9000
/* Frames queued to a receiver and not yet polled; beyond this they drop. */
#define TLSSIM_RXQ_MAX		4096
/* Headroom in every wire buffer so that XDP programs may push headers. */
#define TLSSIM_HEADROOM		XDP_PACKET_HEADROOM

/* NET counters shown by ethtool -S, in this order, before TLS's. */
enum tlssim_stat {
	TLSSIM_STAT_WIRE_TX_FRAMES,	/* frames this end put on its wire */
	TLSSIM_STAT_WIRE_TX_BYTES,
	TLSSIM_STAT_WIRE_DROP,		/* injected loss */
	TLSSIM_STAT_WIRE_REORDER,	/* frames held back behind the next */
	TLSSIM_STAT_WIRE_DUP,		/* injected duplicates */
	TLSSIM_STAT_WIRE_CORRUPT,	/* payload flipped, checksum left bad */
	TLSSIM_STAT_WIRE_CORRUPT_PAYLOAD, /* flipped, TCP checksum fixed up */
	TLSSIM_STAT_TX_NO_PEER,		/* dropped: unpaired, or carrier off */
	TLSSIM_STAT_TX_ERR,		/* dropped: segmentation failed, bad size */
	TLSSIM_STAT_TX_NOMEM,		/* dropped: no wire buffer */
	TLSSIM_STAT_RX_FRAMES,		/* frames taken off the wire */
	TLSSIM_STAT_RX_QUEUE_FULL,	/* dropped: receiver backlog full/down */
	TLSSIM_STAT_RX_OVERSIZE,	/* dropped: longer than MTU + L2 */
	TLSSIM_STAT_RX_CSUM_GOOD,	/* TCP/UDP checksum verified */
	TLSSIM_STAT_RX_CSUM_BAD,	/* TCP/UDP checksum wrong */
	TLSSIM_STAT_RX_XDP_PASS,
	TLSSIM_STAT_RX_XDP_DROP,
	TLSSIM_STAT_RX_XDP_TX,
	TLSSIM_STAT_RX_XDP_REDIRECT,
	TLSSIM_STAT_RX_XDP_ABORTED,	/* XDP_ABORTED, bad verdicts, errors */
	TLSSIM_STAT_TX_XDP_XMIT,	/* frames sent by ndo_xdp_xmit */
	TLSSIM_STAT_TX_XDP_XMIT_ERR,
	TLSSIM_STAT_NUM
};

/* Fault probabilities of one wire direction, in parts per million. */
struct tlssim_faults {
	u32 loss;
	u32 reorder;
	u32 duplicate;
	u32 corrupt;
	u32 corrupt_payload;
};

/*
 * Packets the wire already dropped or corrupted, by identity (see
 * tlssim_fault.c): a retransmission of one gets a decision of its own.
 * Direct-mapped; an entry is in use when its count is not 0.
 */
#define TLSSIM_FAULTED_SLOTS	1024

struct tlssim_faulted {
	u64 id;
	u32 count;
};

/* A TCP/UDP flow as packet headers show it; IPv4 addresses v4-mapped. */
struct tlssim_flow {
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;		/* AF_INET or AF_INET6 */
};

static inline u32 tlssim_flow_hash(const struct tlssim_flow *f)
{
	u32 h = jhash2((const u32 *)&f->saddr, 8, f->family);

	return jhash_2words((__force u32)f->sport, (__force u32)f->dport, h);
}

enum tlssim_pkt_kind {
	TLSSIM_PKT_OTHER,	/* not IPv4/IPv6, or a malformed IP header */
	TLSSIM_PKT_IP,		/* IP; L4 not TCP/UDP, fragment, or short */
	TLSSIM_PKT_UDP,
	TLSSIM_PKT_TCP,
};

/*
 * One parsed frame (tlssim_parse.c).  Offsets count from the Ethernet
 * header; flow is set for UDP and TCP, seq, ack and tcp_flags for TCP.
 */
struct tlssim_pkt {
	struct tlssim_flow flow;
	enum tlssim_pkt_kind kind;
	u8 family;		/* 4 or 6 for IP, else 0 */
	u8 proto;		/* IP protocol (IPv6: the first next header) */
	u8 tcp_flags;
	u16 l3off;
	u16 l4off;
	u16 payload;		/* first byte after the TCP/UDP header */
	u16 end;		/* end of the IP datagram */
	u32 seq;
	u32 ack;
};

/*
 * Private part of each tlssim net_device.
 *
 * Locking:
 * - peer: written under RTNL (pairing, dellink), read under RCU from the
 *   data path.  Both ends' peer pointers are cleared before either device
 *   is unregistered; unregistration waits for an RCU grace period.
 * - wire_lock (BH-safe) serialises everything about this end's egress
 *   wire: the fault key and the faulted table, the held (reordered)
 *   frame, wire_up.  Frames are
 *   handed to the peer's RX queue with wire_lock held, which keeps their
 *   order (ndo_start_xmit, XDP_TX and ndo_xdp_xmit may run concurrently).
 * - rxq.lock protects rx_up and the RX queue; rx_up is cleared in
 *   ndo_stop before NAPI is disabled, so no frame enters a stopped queue.
 * - faults are plain words written from debugfs and read locklessly.
 */
struct tlssim_dev {
	struct net_device *netdev;
	struct net_device __rcu *peer;
	u32 id;				/* stable id, names the debugfs dir */
	struct dentry *ddir;
	void *tls;			/* owned by tlssim_tls*.c */

	/* egress wire */
	spinlock_t wire_lock;
	bool wire_up;
	u64 seed;
	siphash_key_t fault_key;	/* from seed */
	struct tlssim_faulted faulted[TLSSIM_FAULTED_SLOTS];
	struct sk_buff *held;
	struct timer_list held_timer;
	struct tlssim_faults faults;

	/* receive side */
	struct napi_struct napi;
	struct sk_buff_head rxq;
	bool rx_up;
	struct bpf_prog __rcu *xdp_prog;
	struct xdp_rxq_info xdp_rxq;

	atomic64_t stats[TLSSIM_STAT_NUM];
};

static inline struct tlssim_dev *tlssim_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

static inline void tlssim_stat_add(struct tlssim_dev *sd, enum tlssim_stat s, u64 n)
{
	atomic64_add(n, &sd->stats[s]);
}

static inline void tlssim_stat_inc(struct tlssim_dev *sd, enum tlssim_stat s)
{
	atomic64_inc(&sd->stats[s]);
}

/* tlssim_link.c */
extern struct rtnl_link_ops tlssim_link_ops;
bool tlssim_is_tlssim(const struct net_device *dev);

/* tlssim_netdev.c */
void tlssim_setup(struct net_device *dev);
void tlssim_update_carrier(struct net_device *dev);

/* tlssim_rx.c */
int tlssim_napi_poll(struct napi_struct *napi, int budget);
void tlssim_rx_purge(struct tlssim_dev *sd);

/* tlssim_parse.c */
void tlssim_parse(const u8 *frame, unsigned int hlen, unsigned int len,
		  struct tlssim_pkt *p);

/* tlssim_fault.c */
/* What the wire does to one frame. */
struct tlssim_verdict {
	bool drop;
	bool corrupt;		/* flip a payload byte */
	bool fixup;		/* ... and keep the TCP checksum valid */
	bool dup;
	bool hold;		/* reorder the frame */
	bool hold_dup;		/* reorder its duplicate */
	u32 corrupt_rnd;	/* which byte, which bits */
};

void tlssim_fault_reset(struct tlssim_dev *sd, u64 seed);
void tlssim_fault_decide(struct tlssim_dev *sd, const u8 *frame, unsigned int len,
			 const struct tlssim_pkt *p, struct tlssim_verdict *v);
bool tlssim_fault_corrupt(u8 *frame, const struct tlssim_pkt *p, u32 rnd, bool fixup);

/* tlssim_wire.c */
void tlssim_wire_init(struct tlssim_dev *sd);
void tlssim_wire_start(struct tlssim_dev *sd);
void tlssim_wire_stop(struct tlssim_dev *sd);
void tlssim_wire_set_seed(struct tlssim_dev *sd, u64 seed);
void tlssim_wire_xmit(struct tlssim_dev *sd, struct sk_buff *skb);
bool tlssim_wire_send_raw(struct tlssim_dev *sd, const void *data, unsigned int len);

/* tlssim_xdp.c */
enum tlssim_xdp_res {
	TLSSIM_XDP_PASS,	/* continue up the stack with the skb */
	TLSSIM_XDP_CONSUMED,	/* the skb is gone (dropped, sent, redirected) */
	TLSSIM_XDP_REDIRECTED,	/* consumed; xdp_do_flush() needed */
};

int tlssim_xdp_init(struct tlssim_dev *sd);
void tlssim_xdp_uninit(struct tlssim_dev *sd);
enum tlssim_xdp_res tlssim_xdp_rx(struct tlssim_dev *sd, struct bpf_prog *prog,
				  struct sk_buff *skb);
int tlssim_ndo_bpf(struct net_device *dev, struct netdev_bpf *bpf);
int tlssim_ndo_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
			u32 flags);

/* tlssim_ethtool.c */
extern const struct ethtool_ops tlssim_ethtool_ops;

/* tlssim_debugfs.c */
int tlssim_debugfs_module_init(void);
void tlssim_debugfs_module_exit(void);
int tlssim_debugfs_dev_init(struct tlssim_dev *sd);
void tlssim_debugfs_dev_exit(struct tlssim_dev *sd);

#endif /* _TLSSIM_H */
