// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: symbols offload drivers link against: tls_get_record(),
 * tls_offload_tx_resync_request() and tls_device_sk_destruct()
 * (tls_validate_xmit_skb() and tls_encrypt_skb() are in ktls_tx_fallback.c,
 * as upstream has them in tls_device_fallback.c).
 *
 * Exported under the kernel's name with tls.ko's prototype (include/net/
 * tls.h) so that offload drivers bind to ktls.ko exactly as to tls.ko, and
 * so that the module loader refuses the kernel's tls.ko while ktls.ko is
 * loaded ("exports duplicate symbol") instead of letting it register a
 * second /proc/net/tls_stat.
 *
 * The include set below mirrors what the kernel's exporting file sees:
 * with CONFIG_MODVERSIONS the symbol CRC is computed from the types
 * visible here and must equal the one the kernel's Module.symvers lists
 * for tls.ko (checked by selftests/ktls/core_sockopt.sh via modprobe).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/byteorder.h>
#include <linux/types.h>
#include <linux/skmsg.h>
#include <linux/tracepoint.h>
#include <crypto/aead.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/dst.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include <net/tls.h>

/* prototypes only: the type definitions above decide the CRCs */
#include "ktls_abi.h"

/*
 * Find the record holding TCP sequence @seq in an offload TX context and
 * its TLS record number. Called by drivers (under the context's lock, as
 * with tls.ko) when they must rebuild state for a retransmission.
 *
 * records_list is in sequence order and may start with a zero-length
 * "start marker" covering everything sent before offload began. The
 * (retransmit_hint, hint_record_sn) pair caches the last hit so that a run
 * of retransmissions does not rescan the whole list.
 */
struct tls_record_info *tls_get_record(struct tls_offload_context_tx *context,
				       u32 seq, u64 *p_record_sn)
{
	struct tls_record_info *rec = context->retransmit_hint;
	u64 sn = context->hint_record_sn;

	if (!rec || before(seq, tls_record_start_seq(rec))) {
		struct tls_record_info *first, *last;

		first = list_first_entry_or_null(&context->records_list,
						 struct tls_record_info, list);
		if (!first)
			return NULL;
		/* a start marker answers for anything before offload */
		if (!tls_record_is_start_marker(first)) {
			last = list_last_entry(&context->records_list,
					       struct tls_record_info, list);
			if (!between(seq, tls_record_start_seq(first),
				     last->end_seq))
				return NULL;
		}
		rec = first;
		sn = context->unacked_record_sn;
	}

	/* entries are appended/removed with list_*_rcu by the TX path */
	rcu_read_lock();
	list_for_each_entry_from_rcu(rec, &context->records_list, list) {
		if (!before(seq, rec->end_seq)) {
			sn++;
			continue;
		}
		if (!context->retransmit_hint ||
		    after(rec->end_seq, context->retransmit_hint->end_seq)) {
			context->retransmit_hint = rec;
			context->hint_record_sn = sn;
		}
		*p_record_sn = sn;
		rcu_read_unlock();
		return rec;
	}
	rcu_read_unlock();
	return NULL;
}
EXPORT_SYMBOL(tls_get_record);

/*
 * A driver lost its TX stream state for @sk and asks where records start:
 * the TX path calls tls_dev_resync() with the TCP sequence and record
 * number of the next record before handing it to TCP (ktls_device_tx_send.c).
 * A request while one is pending is the same request (tls.ko WARNs).
 */
void tls_offload_tx_resync_request(struct sock *sk, u32 got_seq, u32 exp_seq)
{
	struct tls_context *ctx = tls_get_ctx(sk);

	if (!ctx || ctx->tx_conf != TLS_HW) {
		net_dbg_ratelimited("TX resync request for a socket not offloaded\n");
		return;
	}
	set_bit(TLS_TX_SYNC_SCHED, &ctx->flags);
}
EXPORT_SYMBOL_GPL(tls_offload_tx_resync_request);

/*
 * sk_destruct of every socket with a device flow (TX or RX): the last skb
 * is gone, so the records and the device context can be freed. Drivers
 * compare against it, hence tls.ko's name and CRC.
 */
void tls_device_sk_destruct(struct sock *sk)
{
	ktls_device_sk_destruct(sk);
}
EXPORT_SYMBOL_GPL(tls_device_sk_destruct);
