// SPDX-License-Identifier: GPL-2.0
/*
 * ktls RX: the bytes of a record, where they lie.
 *
 * A complete record is either still in the TCP receive queue, from
 * copied_seq on (read in place), or in the parser's own skb (copy mode,
 * see ktls_strp.c). This file is the one place that reads or consumes the
 * TCP queue: the parser uses it to look at headers and to copy records
 * out, the decrypt step to read a record's header and nonce and to build
 * the scatterlist of its ciphertext. Neither calls the other for bytes.
 *
 * Everything here runs with the socket owned: TCP then queues arriving
 * segments on the backlog and leaves sk_receive_queue alone (no collapse,
 * no prune), so what was seen queued stays where it was until consumed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/tcp.h>

#include "ktls_rx.h"

/* Offset of stream byte @seq inside @skb (may be >= skb->len). */
static u32 ktls_rxq_skb_off(const struct sk_buff *skb, u32 seq)
{
	u32 off = seq - TCP_SKB_CB(skb)->seq;

	/* a SYN occupies one sequence number but no payload byte */
	if (unlikely(TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
		off--;
	return off;
}

/*
 * Bytes queued from copied_seq, urgent data included. To kTLS an urgent
 * byte is a byte of the record stream like any other (TCP's out-of-band
 * byte has no place in a TLS stream: if it belongs to a record, the
 * record decrypts; if the peer inserted it, the record fails its tag,
 * EBADMSG). tcp_inq() stops at an unread urgent byte without SO_OOBINLINE
 * and tcp_read_sock() stops at the urgent mark in any case, which left a
 * reader spinning (copy mode) or the stream aborted (in place).
 */
u32 ktls_rxq_inq(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 inq = READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq);

	/* a FIN occupies one sequence number but no byte */
	if (inq && sock_flag(sk, SOCK_DONE))
		inq--;
	return inq;
}

/*
 * Consume @len bytes at the head of the TCP queue (they were read where
 * they lie or copied out before). tcp_read_done() frees the skbs, moves
 * copied_seq and returns window to the peer; passing the urgent mark
 * ends the urgent state as tcp_recvmsg() does. Socket owned.
 */
int ktls_rxq_eat(struct sock *sk, u32 len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 seq = tp->copied_seq;

	sock_owned_by_me(sk);
	tcp_read_done(sk, len);
	if (unlikely(tp->urg_data) && after(tp->copied_seq, tp->urg_seq)) {
		WRITE_ONCE(tp->urg_data, 0);
		tcp_fast_path_check(sk);
	}
	/* cannot happen: the caller saw every byte queued */
	return tp->copied_seq - seq < len ? -EPIPE : 0;
}

/*
 * Copy @len bytes at @off of the TCP queue (relative to copied_seq) into
 * @buf without consuming them. Returns 0, or -EAGAIN if not queued yet.
 */
int ktls_rxq_peek(struct sock *sk, u32 off, u8 *buf, u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq + off;
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 soff = ktls_rxq_skb_off(skb, seq);
		u32 n;

		if (soff >= skb->len)
			continue;
		n = min(len, skb->len - soff);
		if (skb_copy_bits(skb, soff, buf, n))
			return -EAGAIN;
		buf += n;
		len -= n;
		seq += n;
		if (!len)
			return 0;
	}
	return -EAGAIN;
}

/*
 * Scatterlist entries skb_to_sgvec_nomark() fills for [@off, @off + @len)
 * of @skb: one for the linear part, one per page frag, and the same again
 * for every skb on the frag list. -EMSGSIZE if the range is not all there
 * or the frag lists nest deeper than skb_to_sgvec() accepts.
 */
static int ktls_skb_nsg(const struct sk_buff *skb, u32 off, u32 len, int depth)
{
	u32 start = skb_headlen(skb), end;
	const struct sk_buff *frag;
	int i, n = 0;

	if (depth > 16)
		return -EMSGSIZE;
	if (off < start) {
		u32 chunk = min(start - off, len);

		n++;
		off += chunk;
		len -= chunk;
	}
	for (i = 0; len && i < skb_shinfo(skb)->nr_frags; i++) {
		end = start + skb_frag_size(&skb_shinfo(skb)->frags[i]);
		if (off < end) {
			u32 chunk = min(end - off, len);

			n++;
			off += chunk;
			len -= chunk;
		}
		start = end;
	}
	skb_walk_frags(skb, frag) {
		if (!len)
			break;
		end = start + frag->len;
		if (off < end) {
			u32 chunk = min(end - off, len);
			int r = ktls_skb_nsg(frag, off - start, chunk, depth + 1);

			if (r < 0)
				return r;
			n += r;
			off += chunk;
			len -= chunk;
		}
		start = end;
	}
	return len ? -EMSGSIZE : n;
}

/*
 * Describe @len bytes at @off of the TCP queue (relative to copied_seq)
 * for the crypto API, without copying or consuming them. With @sg NULL
 * only count the entries needed; otherwise fill exactly that many (no end
 * mark). Returns the number of entries, -EAGAIN if the bytes are not all
 * queued, or -EMSGSIZE. Socket owned (the queue must not change until the
 * bytes are consumed, see the top of this file).
 */
int ktls_rxq_sg(struct sock *sk, u32 off, u32 len, struct scatterlist *sg)
{
	u32 seq = tcp_sk(sk)->copied_seq + off;
	struct sk_buff *skb;
	int used = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 soff = ktls_rxq_skb_off(skb, seq);
		u32 n;
		int r;

		if (soff >= skb->len)
			continue;
		n = min(len, skb->len - soff);
		if (sg)
			r = skb_to_sgvec_nomark(skb, sg + used, soff, n);
		else
			r = ktls_skb_nsg(skb, soff, n, 0);
		if (r < 0)
			return r;
		used += r;
		len -= n;
		seq += n;
		if (!len)
			return used;
	}
	return -EAGAIN;
}

/* Copy @len bytes of @src at @soff into the page frags of @dst at @doff. */
static int ktls_rxq_copy_bits(struct sk_buff *dst, u32 doff,
			      const struct sk_buff *src, u32 soff, u32 len)
{
	int i;

	for (i = 0; i < skb_shinfo(dst)->nr_frags && len; i++) {
		skb_frag_t *frag = &skb_shinfo(dst)->frags[i];
		u32 fsz = skb_frag_size(frag);
		u32 n;
		int err;

		if (doff >= fsz) {
			doff -= fsz;
			continue;
		}
		n = min(len, fsz - doff);
		/* our own lowmem pages (GFP_KERNEL), always mapped on 64-bit */
		err = skb_copy_bits(src, soff, (u8 *)skb_frag_address(frag) + doff, n);
		if (err)
			return err;
		soff += n;
		len -= n;
		doff = 0;
	}
	return len ? -EFAULT : 0;
}

void ktls_rx_dmap_reset(struct ktls_rx_dmap *map)
{
	map->nflip = 0;
	map->seen = false;
	map->first = false;
	map->last = false;
}

void ktls_rx_dmap_free(struct ktls_rx_dmap *map)
{
	kfree(map->flip);
	map->flip = NULL;
	map->cap = 0;
	ktls_rx_dmap_reset(map);
}

/*
 * Make room in @map for the state changes the first @len queued bytes
 * bring, so that recording them cannot fail half way through a move.
 */
static int ktls_rx_dmap_reserve(struct sock *sk, struct ktls_rx_dmap *map,
				u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq, need = map->nflip, done = 0;
	bool seen = map->seen, last = map->last;
	struct sk_buff *skb;
	u32 *flip;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 soff = ktls_rxq_skb_off(skb, seq);
		bool dec = ktls_skb_decrypted(skb);
		u32 n;

		if (soff >= skb->len)
			continue;
		if (seen && dec != last)
			need++;
		seen = true;
		last = dec;
		n = min(len - done, skb->len - soff);
		done += n;
		seq += n;
		if (done == len)
			break;
	}
	if (need <= map->cap)
		return 0;
	need = max(need, 2 * map->cap);
	flip = krealloc_array(map->flip, need, sizeof(*flip),
			      sk->sk_allocation | __GFP_NOWARN);
	if (!flip)
		return -ENOMEM;
	map->flip = flip;
	map->cap = need;
	return 0;
}

/* @len bytes at record offset @off came from an skb marked @dec. */
static void ktls_rx_dmap_note(struct ktls_rx_dmap *map, u32 off, bool dec)
{
	if (!map->seen) {
		map->seen = true;
		map->first = dec;
	} else if (dec != map->last) {
		map->flip[map->nflip++] = off;
	}
	map->last = dec;
}

/*
 * Move the first @len queued bytes of the TCP queue into the page frags
 * of @dst at @doff, noting in @map which of them a NIC had decrypted.
 * Socket owned. -ENOMEM leaves everything as it was.
 */
int ktls_rxq_move(struct sock *sk, u32 len, struct sk_buff *dst, u32 doff,
		  struct ktls_rx_dmap *map)
{
	u32 seq = tcp_sk(sk)->copied_seq, done = 0;
	struct sk_buff *skb;
	int err;

	err = ktls_rx_dmap_reserve(sk, map, len);
	if (err)
		return err;
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 soff = ktls_rxq_skb_off(skb, seq);
		u32 n;

		if (soff >= skb->len)
			continue;
		n = min(len - done, skb->len - soff);
		err = ktls_rxq_copy_bits(dst, doff + done, skb, soff, n);
		if (err)
			return err;
		ktls_rx_dmap_note(map, doff + done, ktls_skb_decrypted(skb));
		done += n;
		seq += n;
		if (done == len)
			break;
	}
	if (done != len)
		return -EPIPE;	/* cannot happen: the caller saw them queued */
	return ktls_rxq_eat(sk, len);
}

/* Read @len bytes at @off of the record (header, explicit nonce). */
int ktls_rx_rec_read(struct sock *sk, const struct ktls_rx_rec *rec, u32 off,
		     u8 *buf, u32 len)
{
	if (rec->skb)
		return skb_copy_bits(rec->skb, off, buf, len);
	return ktls_rxq_peek(sk, off, buf, len);
}

/*
 * Describe @len bytes at @off of the record in @sg (no end mark), or with
 * @sg NULL count the entries needed (an upper bound for a copy-mode skb,
 * which is page frags only). Returns the number of entries or -errno.
 */
int ktls_rx_rec_sg(struct sock *sk, const struct ktls_rx_rec *rec, u32 off,
		   u32 len, struct scatterlist *sg)
{
	if (rec->skb)
		return sg ? skb_to_sgvec_nomark(rec->skb, sg, off, len) :
			    skb_shinfo(rec->skb)->nr_frags + 1;
	return ktls_rxq_sg(sk, off, len, sg);
}
