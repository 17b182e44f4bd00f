// SPDX-License-Identifier: GPL-2.0
/*
 * Fault decisions of a tlssim wire: which frames are lost, corrupted,
 * duplicated or held back (reordered), from the debugfs probabilities
 * (ppm) and seed.
 *
 * Why a decision belongs to the packet, not to its place in the frame
 * order.  A sequential PRNG drawn per frame makes every decision depend
 * on how many frames crossed the wire before: one stray frame (an ARP or
 * IPv6 neighbour probe, another test's ping) shifts all later decisions,
 * so two runs with the same seed lose different packets.  Here a frame
 * is decided from its own identity alone:
 *
 *	id   = SipHash_seed(identity of the packet)
 *	r(i) = SipHash_seed(id, n, i)	one draw per decision i
 *	decision i is taken iff r(i) / 2^32 < ppm(i) / 10^6
 *
 * The identity of a packet:
 *   TCP       the flow (addresses, ports, IP version), the sequence
 *             number, the payload length and the flags; for a segment
 *             without payload also the ACK number (all pure ACKs of a
 *             one-way transfer have the same sequence number: without
 *             it they would all share the first one's fate).  Not the IP
 *             ID, window, options (timestamps) or checksum, which depend
 *             on timing rather than on what the segment is; nor the ACK
 *             of a data segment, which depends on the other direction.
 *   other IP  the bytes of the datagram from the IP header on, except the
 *             IPv4 ID and header checksum (the ID of a datagram socket is
 *             0 with DF, or random for a connected one)
 *   non-IP    all bytes of the frame (an ARP packet holds its addresses)
 *
 * n, and why a retransmission needs it.  A retransmitted TCP segment has
 * the identity of the original, and a retried ARP request or neighbour
 * solicitation is the same bytes.  With a decision fixed per identity, a
 * packet lost once would be lost on every retry and the connection would
 * stall.  So the wire remembers the identities it dropped or corrupted
 * (sd->faulted) and n counts those faults: a first transmission has
 * n = 0, the retransmission after one fault n = 1, and so on, each with
 * an independent decision.  The count belongs to the packet: only frames
 * that are faulted themselves enter the table, so unrelated traffic does
 * not move it, except through a slot collision of two faulted ids; the
 * older one is then forgotten, and its next retransmission repeats the
 * decisions of its first try once (n = 0), then continues with n = 1.
 *
 * Guarantee: with the same seed and knobs, packets with the same identity
 * and the same fault history get the same decisions, whatever else crosses
 * the wire.  Writing "seed" also empties the table, so a run repeated after
 * writing the same seed is decided exactly as before.  (Reordering holds
 * one frame at a time: a frame drawn to be held while another is held is
 * sent in order, and which frame overtakes a held one depends on the
 * traffic.)
 */
#include <linux/ip.h>
#include <linux/lockdep.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/checksum.h>

#include "tlssim.h"

#define TLSSIM_PPM		1000000
/* second half of the SipHash key; the first is the seed */
#define TLSSIM_FAULT_KEY1	0x746c7373696d4b31ULL	/* "tlssimK1" */

/* the independent draws made for one frame */
enum tlssim_draw {
	TLSSIM_DRAW_LOSS,
	TLSSIM_DRAW_CORRUPT_PAYLOAD,
	TLSSIM_DRAW_CORRUPT,
	TLSSIM_DRAW_CORRUPT_WHERE,
	TLSSIM_DRAW_DUP,
	TLSSIM_DRAW_HOLD,
	TLSSIM_DRAW_HOLD_DUP,
};

/* Restart the decisions from @seed.  wire_lock held, or not yet shared. */
void tlssim_fault_reset(struct tlssim_dev *sd, u64 seed)
{
	sd->seed = seed;
	sd->fault_key.key[0] = seed;
	sd->fault_key.key[1] = TLSSIM_FAULT_KEY1;
	memset(sd->faulted, 0, sizeof(sd->faulted));
}

/* The identity hash of a packet (see the top of this file). */
static u64 fault_id(const siphash_key_t *key, const u8 *frame, unsigned int len,
		    const struct tlssim_pkt *p)
{
	if (p->kind == TLSSIM_PKT_TCP) {
		struct {
			struct tlssim_flow flow;
			u32 seq;
			u32 ack;
			u16 len;
			u8 flags;
		} t;

		/* padding included: the parser zeroed the flow's */
		memset(&t, 0, sizeof(t));
		memcpy(&t.flow, &p->flow, sizeof(t.flow));
		t.seq = p->seq;
		t.len = p->end - p->payload;
		t.ack = t.len ? 0 : p->ack;
		t.flags = p->tcp_flags;
		return siphash(&t, sizeof(t), key);
	}
	if (p->family == 4) {
		struct iphdr iph;
		const u8 *rest = frame + p->l3off + sizeof(iph);

		memcpy(&iph, frame + p->l3off, sizeof(iph));
		iph.id = 0;
		iph.check = 0;
		return siphash_2u64(siphash(&iph, sizeof(iph), key),
				    siphash(rest, frame + p->end - rest, key), key);
	}
	if (p->family == 6)
		return siphash(frame + p->l3off, p->end - p->l3off, key);
	return siphash(frame, len, key);
}

static u32 fault_draw(const struct tlssim_dev *sd, u64 id, u32 n, enum tlssim_draw i)
{
	return (u32)siphash_3u64(id, n, i, &sd->fault_key);
}

/* true with probability @ppm / 10^6 for a uniform 32-bit @r */
static bool fault_roll(u32 r, u32 ppm)
{
	return (u64)r * TLSSIM_PPM < (u64)ppm << 32;
}

/*
 * Decide what the wire does to one frame of @len bytes at @frame, parsed
 * into @p.  wire_lock held: it protects the key and the faulted table.
 */
void tlssim_fault_decide(struct tlssim_dev *sd, const u8 *frame, unsigned int len,
			 const struct tlssim_pkt *p, struct tlssim_verdict *v)
{
	const struct tlssim_faults *fc = &sd->faults;
	u32 loss = READ_ONCE(fc->loss), reorder = READ_ONCE(fc->reorder);
	u32 dup = READ_ONCE(fc->duplicate), corrupt = READ_ONCE(fc->corrupt);
	u32 corrupt_payload = READ_ONCE(fc->corrupt_payload);
	struct tlssim_faulted *slot;
	u32 n;
	u64 id;

	lockdep_assert_held(&sd->wire_lock);
	memset(v, 0, sizeof(*v));
	if (!(loss | reorder | dup | corrupt | corrupt_payload))
		return;

	id = fault_id(&sd->fault_key, frame, len, p);
	slot = &sd->faulted[id % TLSSIM_FAULTED_SLOTS];
	n = slot->count && slot->id == id ? slot->count : 0;

	v->drop = fault_roll(fault_draw(sd, id, n, TLSSIM_DRAW_LOSS), loss);
	if (!v->drop) {
		/* only TCP payload is corrupted (see tlssim_fault_corrupt) */
		bool payload = p->kind == TLSSIM_PKT_TCP && p->end > p->payload;

		if (fault_roll(fault_draw(sd, id, n, TLSSIM_DRAW_CORRUPT_PAYLOAD),
			       corrupt_payload)) {
			v->corrupt = payload;
			v->fixup = true;
		} else if (fault_roll(fault_draw(sd, id, n, TLSSIM_DRAW_CORRUPT), corrupt)) {
			v->corrupt = payload;
		}
		v->corrupt_rnd = fault_draw(sd, id, n, TLSSIM_DRAW_CORRUPT_WHERE);
		v->dup = fault_roll(fault_draw(sd, id, n, TLSSIM_DRAW_DUP), dup);
		v->hold = fault_roll(fault_draw(sd, id, n, TLSSIM_DRAW_HOLD), reorder);
		v->hold_dup = fault_roll(fault_draw(sd, id, n, TLSSIM_DRAW_HOLD_DUP),
					 reorder);
	}
	/* a retransmission of this packet gets the next, independent draws */
	if (v->drop || v->corrupt) {
		slot->id = id;
		slot->count = n + 1 ?: 1;
	}
}

/*
 * Flip bits of one TCP payload byte of @frame (@rnd: which byte, which
 * bits); @fixup keeps the TCP checksum valid, so that only TLS
 * authentication can notice.
 */
bool tlssim_fault_corrupt(u8 *d, const struct tlssim_pkt *p, u32 rnd, bool fixup)
{
	unsigned int pos, word;
	__be16 old;
	u8 mask;

	if (p->kind != TLSSIM_PKT_TCP || p->end <= p->payload)
		return false;

	pos = p->payload + (((u64)(rnd >> 8) * (p->end - p->payload)) >> 24);
	mask = 1 + (rnd & 0xff) % 255;
	/* The checksum sums 16-bit words counted from the TCP header. */
	word = p->l4off + ((pos - p->l4off) & ~1U);
	old = htons(d[word] << 8 | (word + 1 < p->end ? d[word + 1] : 0));
	d[pos] ^= mask;
	if (fixup) {
		struct tcphdr *th = (struct tcphdr *)(d + p->l4off);
		__be16 new = htons(d[word] << 8 | (word + 1 < p->end ? d[word + 1] : 0));

		csum_replace2(&th->check, old, new);
	}
	return true;
}
