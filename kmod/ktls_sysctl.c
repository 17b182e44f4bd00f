// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: the net.ktls.* sysctls, one set per network namespace (FreeBSD
 * keeps its kern.ipc.tls.* knobs per system; a container here gets its
 * own policy). A leaf like ktls_stats.c, which registers them with the
 * namespace: the values live in struct ktls_net and are read with
 * READ_ONCE where a flow is set up or switched.
 *
 *   enable                new TLS_TX / TLS_RX allowed (0: EOPNOTSUPP,
 *                         FreeBSD's ENOTSUP); 1
 *   device_enable         devices may be used (FreeBSD ifnet.permitted);
 *                         0: software only, TLS_MODE_DEVICE is ENXIO; 1
 *   device_max_rexmit_pct a device TX flow retransmitting more than this
 *                         share of its segments moves to software, once
 *                         (FreeBSD ifnet_max_rexmit_pct); 0 never; 2
 *   cbc_enable            the AES-CBC suites may be set (0: EOPNOTSUPP);
 *                         0, since they are legacy (FreeBSD's default 1)
 *   default_policy        the verdict of this namespace's flows when no
 *                         BPF program answers (KTLS_VERDICT_*): 0 the
 *                         module's bpf_default, 1 software, 2 device,
 *                         3 device only, 4 deny (EPERM); 0
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "ktls.h"

static int ktls_verdict_max = KTLS_VERDICT_MAX;

static struct ctl_table ktls_sysctl_template[] = {
	{
		.procname	= "enable",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "device_enable",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "device_max_rexmit_pct",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE_HUNDRED,
	},
	{
		.procname	= "cbc_enable",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "default_policy",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ktls_verdict_max,
	},
	{ }
};

int ktls_sysctl_net_init(struct net *net, struct ktls_net *kn)
{
	struct ctl_table *t;

	kn->enable = 1;
	kn->device_enable = 1;
	kn->device_max_rexmit_pct = KTLS_DEFAULT_MAX_REXMIT_PCT;

	t = kmemdup(ktls_sysctl_template, sizeof(ktls_sysctl_template),
		    GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t[0].data = &kn->enable;
	t[1].data = &kn->device_enable;
	t[2].data = &kn->device_max_rexmit_pct;
	t[3].data = &kn->cbc_enable;
	t[4].data = &kn->default_policy;
	kn->sysctl = ktls_register_net_sysctl(net, "net/ktls", t,
					      ARRAY_SIZE(ktls_sysctl_template) - 1);
	if (!kn->sysctl) {
		kfree(t);
		return -ENOMEM;
	}
	return 0;
}

void ktls_sysctl_net_exit(struct ktls_net *kn)
{
	const struct ctl_table *t = kn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(kn->sysctl);
	kfree(t);
	kn->sysctl = NULL;
}
