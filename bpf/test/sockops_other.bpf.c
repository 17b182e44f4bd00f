// SPDX-License-Identifier: GPL-2.0
/*
 * selftests/bpf: a sock_ops program that knows nothing of kTLS, as the
 * kernel's samples are written: reply = -1 for every op it does not
 * handle (OTHER_MODE 1), or failing every run by returning 0
 * (OTHER_MODE 2: the bpf_fail setting's test).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("sockops")
int sockops_other(struct bpf_sock_ops *skops)
{
#if OTHER_MODE == 2
	return 0;
#else
	switch (skops->op) {
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		break;
	default:
		skops->reply = -1;
		break;
	}
	return 1;
#endif
}

char LICENSE[] SEC("license") = "GPL";
