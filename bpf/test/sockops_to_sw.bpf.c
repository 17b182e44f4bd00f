// SPDX-License-Identifier: GPL-2.0
/*
 * selftests/bpf: answer every KTLS_SOCK_OPS_RESYNC with
 * KTLS_VERDICT(KTLS_VERDICT_SW): a device direction that had to be
 * resynced moves to software (policy.sh's event-driven switch).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <linux/ktls.h>

SEC("sockops")
int sockops_to_sw(struct bpf_sock_ops *skops)
{
	if (skops->op == KTLS_SOCK_OPS_RESYNC)
		skops->reply = KTLS_VERDICT(KTLS_VERDICT_SW);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
