/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlssim TLS offload engine: interface between the netdev pair (NET side)
 * and the TLS record engine (TLS side).  See the contract in the project
 * brief; all calls below are made by the netdev code.
 *
 * Objects of the TLS engine (for the Kbuild):
 *   tlssim_tls.o tlssim_tls_rec.o tlssim_tls_tx.o tlssim_tls_rx.o
 *   tlssim_tls_debugfs.o tlssim_gcm.o
 * The module needs gf128mul (modprobe gf128mul) and tls.ko symbols.
 */
#ifndef _TLSSIM_TLS_H
#define _TLSSIM_TLS_H

#include <linux/types.h>

struct tlssim_dev;
struct tlssim_pkt;
struct sk_buff;
struct dentry;

/* module init/exit: the context kmem_cache */
int tlssim_tls_module_init(void);
void tlssim_tls_module_exit(void);

/* ndo_init/newlink: sets tlsdev_ops and HW_TLS features, allocates sd->tls */
int tlssim_tls_init(struct tlssim_dev *sd);
/* ndo_uninit: frees TLS state; all offload contexts must be gone by now */
void tlssim_tls_uninit(struct tlssim_dev *sd);

/*
 * ndo_start_xmit, before segmentation: encrypt TLS payload of offloaded
 * sockets in place.  Returns the skb to send or NULL if it was consumed.
 */
struct sk_buff *tlssim_tls_xmit(struct tlssim_dev *sd, struct sk_buff *skb);

/*
 * Every received wire frame (after XDP_PASS and eth_type_trans, before
 * GRO), parsed into @p by the caller (offsets from the MAC header):
 * decrypt in place when it belongs to an RX-offloaded flow and set
 * skb->decrypted.  Never frees the skb.
 */
void tlssim_tls_rx(struct tlssim_dev *sd, struct sk_buff *skb, const struct tlssim_pkt *p);

int tlssim_tls_debugfs_init(struct tlssim_dev *sd, struct dentry *dir);
int tlssim_tls_stats_count(void);
void tlssim_tls_stats_strings(u8 *data);
void tlssim_tls_stats_fill(struct tlssim_dev *sd, u64 *data);

#endif /* _TLSSIM_TLS_H */
