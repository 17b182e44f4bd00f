// SPDX-License-Identifier: GPL-2.0
/*
 * ktls: /proc/net/tls_stat, one file per network namespace, with the
 * counter names and order of the newest upstream kernel.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

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
	for (i = 0; i < KTLS_MIB_MAX; i++)
		seq_printf(seq, "%-32s\t%lu\n", ktls_mib_names[i], sum[i]);
	return 0;
}

int ktls_proc_init(struct net *net)
{
	if (!proc_create_net_single("tls_stat", 0444, net->proc_net,
				    ktls_statistics_seq_show, NULL))
		return -ENOMEM;
	return 0;
}

void ktls_proc_fini(struct net *net)
{
	remove_proc_entry("tls_stat", net->proc_net);
}
