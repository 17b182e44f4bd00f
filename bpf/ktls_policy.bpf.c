// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_policy: the per-flow kTLS policy of ktls.ko, as a cgroup sock_ops
 * program. POLICY ops get the verdict of the first matching rule
 * (ktls_match.h), every kTLS op is counted per direction in ktls_stats,
 * and each flow's state lives in ktls_flows until it closes. Maps and
 * their types: ktls_policy.h. Ops that are not kTLS's are left alone
 * (reply untouched), so other sock_ops programs may share the cgroup.
 *
 *   bpftool prog load ktls_policy.o /sys/fs/bpf/ktls_policy \
 *       pinmaps /sys/fs/bpf/ktls
 *   bpftool cgroup attach /sys/fs/cgroup sock_ops \
 *       pinned /sys/fs/bpf/ktls_policy multi
 */
#include "ktls_match.h"

KTLS_RULE_MAPS(ktls_rules_port, ktls_rules_net);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ktls_config);
} ktls_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ktls_dir_stats);
} ktls_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KTLS_FLOWS_MAX);
	__type(key, __u64);
	__type(value, struct ktls_flow);
} ktls_flows SEC(".maps");

static __always_inline __u32 policy_verdict(struct bpf_sock_ops *skops,
					    __u32 dir)
{
	const struct ktls_rule *r;
	struct ktls_flow_id id;
	struct ktls_config *cfg;
	__u32 ip6[4] = { skops->remote_ip6[0], skops->remote_ip6[1],
			 skops->remote_ip6[2], skops->remote_ip6[3] };
	__u32 zero = 0;

	/* remote_port: network order in the upper half on these kernels */
	ktls_flow_id_set(&id, skops->family, skops->local_port,
			 __builtin_bswap32(skops->remote_port) & 0xffff,
			 skops->remote_ip4, ip6);
	r = ktls_match(&ktls_rules_port, &ktls_rules_net, &id, dir);
	if (r && r->verdict <= KTLS_VERDICT_MAX)
		return r->verdict;
	cfg = bpf_map_lookup_elem(&ktls_config, &zero);
	if (cfg && cfg->verdict <= KTLS_VERDICT_MAX)
		return cfg->verdict;
	return KTLS_VERDICT_DEFAULT;
}

static __always_inline void count_verdict(struct ktls_dir_stats *st,
					  __u32 v)
{
	st->policy++;
	switch (v) {
	case KTLS_VERDICT_SW:
		st->verdict_sw++;
		break;
	case KTLS_VERDICT_DEVICE:
		st->verdict_device++;
		break;
	case KTLS_VERDICT_DEVICE_ONLY:
		st->verdict_device_only++;
		break;
	case KTLS_VERDICT_DENY:
		st->verdict_deny++;
		break;
	default:
		st->verdict_default++;
		break;
	}
}

static __always_inline void set_mode(struct ktls_flow *f, __u32 dir,
				     __u32 mode)
{
	if (dir == KTLS_DIR_TX)
		f->tx_mode = mode;
	else
		f->rx_mode = mode;
}

static __always_inline void flow_installed(struct bpf_sock_ops *skops,
					   __u64 cookie, __u32 dir,
					   __u32 mode)
{
	struct ktls_flow *f, fresh = {};

	f = bpf_map_lookup_elem(&ktls_flows, &cookie);
	if (!f) {
		bpf_map_update_elem(&ktls_flows, &cookie, &fresh, BPF_NOEXIST);
		f = bpf_map_lookup_elem(&ktls_flows, &cookie);
		if (!f)
			return;
	}
	set_mode(f, dir, mode);
	/* the offload device; a software flow's route device is not one */
	if (mode == KTLS_MODE_DEVICE)
		f->ifindex = KTLS_ARG_IFINDEX(skops);
}

SEC("sockops")
int ktls_policy(struct bpf_sock_ops *skops)
{
	__u32 op = skops->op, dir, key, v, n;
	struct ktls_dir_stats *st;
	struct ktls_flow *f;
	__u64 cookie;

	if (op < KTLS_SOCK_OPS_POLICY || op > KTLS_SOCK_OPS_CLOSE)
		return 1;
	dir = KTLS_ARG_DIR(skops);
	key = dir == KTLS_DIR_RX;
	st = bpf_map_lookup_elem(&ktls_stats, &key);
	if (!st)
		return 1;
	if (op == KTLS_SOCK_OPS_POLICY) {
		v = policy_verdict(skops, dir);
		count_verdict(st, v);
		skops->reply = KTLS_VERDICT(v);
		return 1;
	}
	/* the events: the flow's entry is found by the socket's cookie */
	cookie = bpf_get_socket_cookie(skops);
	n = KTLS_ARG_COUNT(skops);

	switch (op) {
	case KTLS_SOCK_OPS_INSTALLED:
		if (KTLS_ARG_MODE(skops) == KTLS_MODE_DEVICE)
			st->installed_device++;
		else if (KTLS_ARG_MODE(skops) == KTLS_MODE_SW)
			st->installed_sw++;
		else
			st->install_failed++;
		if (KTLS_ARG_MODE(skops) != KTLS_MODE_NONE)
			flow_installed(skops, cookie, dir,
				       KTLS_ARG_MODE(skops));
		break;
	case KTLS_SOCK_OPS_FALLBACK:
		st->fallback += n;
		f = bpf_map_lookup_elem(&ktls_flows, &cookie);
		if (f) {
			f->fallbacks += n;
			set_mode(f, dir, KTLS_MODE_SW);
		}
		break;
	case KTLS_SOCK_OPS_RESYNC:
		st->resync += n;
		f = bpf_map_lookup_elem(&ktls_flows, &cookie);
		if (f)
			f->resyncs += n;
		break;
	case KTLS_SOCK_OPS_DECRYPT_ERROR:
		st->decrypt_error += n;
		f = bpf_map_lookup_elem(&ktls_flows, &cookie);
		if (f)
			f->decrypt_errors += n;
		break;
	case KTLS_SOCK_OPS_REKEY:
		if (KTLS_ARG_ERRNO(skops)) {
			st->rekey_failed++;
			break;
		}
		st->rekey++;
		f = bpf_map_lookup_elem(&ktls_flows, &cookie);
		if (f) {
			f->rekeys++;
			set_mode(f, dir, KTLS_ARG_MODE(skops));
		}
		break;
	case KTLS_SOCK_OPS_CLOSE:
		st->close++;
		st->close_records += KTLS_ARG_RECORDS(skops);
		st->close_bytes += KTLS_ARG_BYTES(skops);
		f = bpf_map_lookup_elem(&ktls_flows, &cookie);
		if (!f)
			break;
		set_mode(f, dir, KTLS_MODE_NONE);
		/* the other direction's CLOSE, if it was installed, is next */
		if (f->tx_mode == KTLS_MODE_NONE && f->rx_mode == KTLS_MODE_NONE)
			bpf_map_delete_elem(&ktls_flows, &cookie);
		break;
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
