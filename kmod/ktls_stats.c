// SPDX-License-Identifier: GPL-2.0
/*
 * ktls statistics: the per network namespace counters (net_generic) and
 * /proc/net/tls_stat, one file per namespace, with the counter names and
 * order of the newest upstream kernel, then ktls.ko's own. A leaf: every
 * other file counts through KTLS_INC_STATS(); this one calls nothing of
 * ktls but the namespace's sysctls (ktls_sysctl.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "ktls.h"

static const char * const ktls_mib_names[KTLS_MIB_MAX] = {
	[KTLS_MIB_CURRTXSW]		= "TlsCurrTxSw",
	[KTLS_MIB_CURRRXSW]		= "TlsCurrRxSw",
	[KTLS_MIB_CURRTXDEVICE]		= "TlsCurrTxDevice",
	[KTLS_MIB_CURRRXDEVICE]		= "TlsCurrRxDevice",
	[KTLS_MIB_TXSW]			= "TlsTxSw",
	[KTLS_MIB_RXSW]			= "TlsRxSw",
	[KTLS_MIB_TXDEVICE]		= "TlsTxDevice",
	[KTLS_MIB_RXDEVICE]		= "TlsRxDevice",
	[KTLS_MIB_DECRYPTERROR]		= "TlsDecryptError",
	[KTLS_MIB_RXDEVICERESYNC]	= "TlsRxDeviceResync",
	[KTLS_MIB_DECRYPTRETRY]		= "TlsDecryptRetry",
	[KTLS_MIB_RXNOPADVIOL]		= "TlsRxNoPadViolation",
	[KTLS_MIB_RXREKEYOK]		= "TlsRxRekeyOk",
	[KTLS_MIB_RXREKEYERROR]		= "TlsRxRekeyError",
	[KTLS_MIB_TXREKEYOK]		= "TlsTxRekeyOk",
	[KTLS_MIB_TXREKEYERROR]		= "TlsTxRekeyError",
	[KTLS_MIB_RXREKEYRECEIVED]	= "TlsRxRekeyReceived",
	/* after upstream's, with a prefix no upstream name will take */
	[KTLS_MIB_ENABLECALLS]		= "KtlsEnableCalls",
	[KTLS_MIB_OFFLOADTOTAL]		= "KtlsOffloadTotal",
	[KTLS_MIB_TXSWITCHTOSW]		= "KtlsTxSwitchToSw",
	[KTLS_MIB_TXSWITCHTODEVICE]	= "KtlsTxSwitchToDevice",
	[KTLS_MIB_RXSWITCHTOSW]		= "KtlsRxSwitchToSw",
	[KTLS_MIB_RXSWITCHTODEVICE]	= "KtlsRxSwitchToDevice",
	[KTLS_MIB_SWITCHFAILED]		= "KtlsSwitchFailed",
	[KTLS_MIB_TXREXMITFALLBACK]	= "KtlsTxRexmitFallback",
	[KTLS_MIB_TXROUTEFALLBACK]	= "KtlsTxRouteFallback",
	[KTLS_MIB_SWAESGCM]		= "KtlsSwAesGcm",
	[KTLS_MIB_SWAESCCM]		= "KtlsSwAesCcm",
	[KTLS_MIB_SWCHACHA20]		= "KtlsSwChacha20",
	[KTLS_MIB_SWOTHER]		= "KtlsSwOther",
	[KTLS_MIB_DEVICEAESGCM]		= "KtlsDeviceAesGcm",
	[KTLS_MIB_SWAESCBC]		= "KtlsSwAesCbc",
	[KTLS_MIB_CORRUPTEDRECORDS]	= "KtlsCorruptedRecords",
};

static int ktls_statistics_seq_show(struct seq_file *seq, void *v)
{
	struct net *net = seq->private;
	struct ktls_mib_cpu __percpu *mib = ktls_net(net)->mib;
	unsigned long sum[KTLS_MIB_MAX] = {};
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct ktls_mib_cpu *m = per_cpu_ptr(mib, cpu);

		for (i = 0; i < KTLS_MIB_MAX; i++)
			sum[i] += READ_ONCE(m->mibs[i]);
	}
	/* same format as the kernel's snmp files: name, whitespace, value */
	for (i = 0; i < KTLS_MIB_MAX; i++) {
		seq_printf(seq, "%-32s\t%lu\n", ktls_mib_names[i], sum[i]);
		/* FreeBSD's "active": every installed direction */
		if (i == KTLS_MIB_ENABLECALLS)
			seq_printf(seq, "%-32s\t%lu\n", "KtlsActive",
				   sum[KTLS_MIB_CURRTXSW] +
				   sum[KTLS_MIB_CURRRXSW] +
				   sum[KTLS_MIB_CURRTXDEVICE] +
				   sum[KTLS_MIB_CURRRXDEVICE]);
	}
	return 0;
}

static unsigned int ktls_net_id __read_mostly;

struct ktls_net *ktls_net(const struct net *net)
{
	return net_generic(net, ktls_net_id);
}

static int __net_init ktls_net_init(struct net *net)
{
	struct ktls_net *kn = ktls_net(net);

	kn->mib = alloc_percpu(struct ktls_mib_cpu);
	if (!kn->mib)
		return -ENOMEM;
	if (!proc_create_net_single("tls_stat", 0444, net->proc_net,
				    ktls_statistics_seq_show, NULL))
		goto err;
	if (ktls_sysctl_net_init(net, kn)) {
		remove_proc_entry("tls_stat", net->proc_net);
		goto err;
	}
	return 0;
err:
	free_percpu(kn->mib);
	kn->mib = NULL;
	return -ENOMEM;
}

static void __net_exit ktls_net_exit(struct net *net)
{
	struct ktls_net *kn = ktls_net(net);

	ktls_sysctl_net_exit(kn);
	remove_proc_entry("tls_stat", net->proc_net);
	free_percpu(kn->mib);
	kn->mib = NULL;
}

static struct pernet_operations ktls_net_ops = {
	.init = ktls_net_init,
	.exit = ktls_net_exit,
	.id = &ktls_net_id,
	.size = sizeof(struct ktls_net),
};

int ktls_stats_init(void)
{
	return register_pernet_subsys(&ktls_net_ops);
}

void ktls_stats_exit(void)
{
	unregister_pernet_subsys(&ktls_net_ops);
}
