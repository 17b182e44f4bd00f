/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps of ktls_policy.bpf.c and ktls_deny.bpf.c, shared with
 * userspace (ktlsctl, the tests): their key and value types are the
 * contract, and their BTF makes `bpftool map dump` print named fields.
 *
 * Maps (pinned by `bpftool prog load ... pinmaps DIR` under their names):
 *   ktls_rules_port  HASH      struct ktls_port_key -> struct ktls_rule
 *   ktls_rules_net   LPM_TRIE  struct ktls_net_key  -> struct ktls_rule
 *   ktls_config      ARRAY[1]  struct ktls_config
 *   ktls_stats       PERCPU_ARRAY[2] (0: TX, 1: RX) struct ktls_dir_stats
 *   ktls_flows       LRU_HASH  socket cookie (u64)  -> struct ktls_flow
 * ktls_deny.bpf.c has its own ktls_deny_port / ktls_deny_net (same types;
 * any matching rule denies) and ktls_deny_stats (PERCPU_ARRAY[2],
 * struct ktls_deny_stats).
 *
 * Matching, first hit wins: the local port, then the remote port, then
 * the longest remote prefix; else ktls_config's verdict. IPv4 addresses
 * are IPv4-mapped IPv6 (::ffff:a.b.c.d, prefix 96 + n). The cgroup is
 * where the program is attached: one pinned instance per cgroup policy.
 */
#ifndef KTLS_POLICY_H
#define KTLS_POLICY_H

#include <linux/types.h>

#define KTLS_RULE_LOCAL		1	/* ktls_port_key.side */
#define KTLS_RULE_REMOTE	2

#define KTLS_FLOWS_MAX		65536
#define KTLS_RULES_MAX		1024

struct ktls_port_key {
	__u16 port;		/* host order */
	__u8 side;		/* KTLS_RULE_LOCAL or KTLS_RULE_REMOTE */
	__u8 pad;
};

struct ktls_net_key {
	__u32 prefixlen;	/* bits of addr that count, 0..128 */
	__u8 addr[16];		/* IPv6, or IPv4-mapped */
};

struct ktls_rule {
	__u32 verdict;		/* KTLS_VERDICT_* */
	__u32 dirs;		/* KTLS_DIR_TX | KTLS_DIR_RX; 0: both */
};

struct ktls_config {
	__u32 verdict;		/* no rule matched; 0 = the module's default */
};

/* per direction and CPU; bpftool prints each CPU and its fields */
struct ktls_dir_stats {
	__u64 policy;		/* POLICY ops seen */
	__u64 verdict_default;
	__u64 verdict_sw;
	__u64 verdict_device;
	__u64 verdict_device_only;
	__u64 verdict_deny;
	__u64 installed_sw;
	__u64 installed_device;
	__u64 install_failed;
	__u64 fallback;		/* sum of FALLBACK counts */
	__u64 resync;		/* sum of RESYNC counts */
	__u64 decrypt_error;
	__u64 rekey;
	__u64 rekey_failed;
	__u64 close;		/* CLOSE ops */
	__u64 close_records;
	__u64 close_bytes;
};

struct ktls_flow {
	__u8 tx_mode;		/* KTLS_MODE_* now */
	__u8 rx_mode;
	__u16 pad;
	__u32 ifindex;		/* the device of the last device install */
	__u32 resyncs;
	__u32 fallbacks;
	__u32 decrypt_errors;
	__u32 rekeys;
};

struct ktls_deny_stats {
	__u64 checked;		/* TLS_TX/TLS_RX setsockopt calls seen */
	__u64 denied;
};

#endif /* KTLS_POLICY_H */
