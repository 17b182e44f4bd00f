// SPDX-License-Identifier: GPL-2.0
/*
 * XDP wire capture for tls_capture.sh: attached natively on the receiving
 * end of a tlssim pair, it sees every frame exactly as it travelled on the
 * wire (before the device's RX TLS engine) and passes all of them on.
 *
 * For IPv4/IPv6 TCP frames to or from port CAP_PORT (set at build time) it
 * counts, in the array map "cap_stats":
 *   [0] frames of the flow        [1] TCP payload bytes
 *   [2] frames with payload       [3] frames whose payload contains the
 *                                     8-byte marker the test sender
 *                                     writes every 64 bytes (tls_tool -M)
 * A frame carrying 71 or more plaintext bytes of such a stream always
 * contains a whole marker, so [3] stays 0 only if no plaintext was sent.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef CAP_PORT
#define CAP_PORT 5020
#endif

/* "TlSsImPt" as a little-endian 64-bit load (see tls_tool.c) */
#define CAP_MARKER	0x74506d4973536c54ULL
#define CAP_MARKER_LEN	8
/*
 * Longest TCP payload scanned: 1500-byte MTU frames.  The verifier walks
 * every iteration of the scan, so the bound is kept to what is needed.
 */
#define CAP_SCAN_MAX	1500

enum { CAP_FRAMES, CAP_BYTES, CAP_DATA_FRAMES, CAP_MARKER_FRAMES, CAP_NUM };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CAP_NUM);
	__type(key, __u32);
	__type(value, __u64);
} cap_stats SEC(".maps");

static __always_inline void cap_count(__u32 idx, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&cap_stats, &idx);

	if (p)
		__sync_fetch_and_add(p, v);
}

/* TCP header of an IPv4/IPv6 frame (no IPv6 extension headers), or NULL */
static __always_inline struct tcphdr *cap_tcp(void *data, void *end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return NULL;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > end || iph->protocol != IPPROTO_TCP ||
		    iph->ihl < 5)
			return NULL;
		return (void *)iph + iph->ihl * 4;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) > end || ip6h->nexthdr != IPPROTO_TCP)
			return NULL;
		return (void *)(ip6h + 1);
	}
	return NULL;
}

SEC("xdp")
int xdp_capture(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct tcphdr *th = cap_tcp(data, end);
	__u32 doff, plen, i;
	__u8 *payload;

	if (!th || (void *)(th + 1) > end)
		return XDP_PASS;
	if (th->source != bpf_htons(CAP_PORT) && th->dest != bpf_htons(CAP_PORT))
		return XDP_PASS;
	cap_count(CAP_FRAMES, 1);
	doff = th->doff * 4;
	if (doff < sizeof(*th) || (void *)th + doff > end)
		return XDP_PASS;
	payload = (__u8 *)th + doff;
	plen = end - (void *)payload;
	if (!plen)
		return XDP_PASS;
	cap_count(CAP_BYTES, plen);
	cap_count(CAP_DATA_FRAMES, 1);

	/* bounded scan of every byte offset: the verifier sees the bound */
	for (i = 0; i < CAP_SCAN_MAX; i++) {
		__u8 *p = payload + i;

		if ((void *)(p + CAP_MARKER_LEN) > end)
			break;
		if (*(__u64 *)p == CAP_MARKER) {
			cap_count(CAP_MARKER_FRAMES, 1);
			break;
		}
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
