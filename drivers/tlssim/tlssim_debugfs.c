// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/tlssim/<id>/ per device, where <id> is the
 * number in "ethtool -i DEV" bus-info "tlssim:<id>" (stable across renames
 * and netns moves, unlike names and ifindexes).  NET's files configure the
 * device's egress wire:
 *   loss reorder duplicate corrupt corrupt_payload   u32, parts per million
 *   seed     u64; writing it restarts the fault PRNG (repeatable runs)
 *   ifname   read-only, current name (for finding a directory)
 * The TLS engine adds its own files to the same directory.
 */
#include <linux/debugfs.h>
#include <linux/netdevice.h>
#include <linux/seq_file.h>

#include "tlssim.h"

static struct dentry *tlssim_debugfs_root;

static int tlssim_seed_get(void *data, u64 *val)
{
	struct tlssim_dev *sd = data;

	spin_lock_bh(&sd->wire_lock);
	*val = sd->seed;
	spin_unlock_bh(&sd->wire_lock);
	return 0;
}

static int tlssim_seed_set(void *data, u64 val)
{
	tlssim_wire_set_seed(data, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(tlssim_seed_fops, tlssim_seed_get, tlssim_seed_set, "%llu\n");

static int tlssim_ifname_show(struct seq_file *m, void *v)
{
	struct tlssim_dev *sd = m->private;

	/* No RTNL here (ndo_uninit removes us under RTNL): a rename racing
	 * with this read may show a mixed name, which is harmless.
	 */
	seq_printf(m, "%.*s\n", IFNAMSIZ, READ_ONCE(sd->netdev)->name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlssim_ifname);

int tlssim_debugfs_dev_init(struct tlssim_dev *sd)
{
	struct dentry *dir;
	char name[16];

	snprintf(name, sizeof(name), "%u", sd->id);
	dir = debugfs_create_dir(name, tlssim_debugfs_root);
	sd->ddir = dir;

	debugfs_create_u32("loss", 0600, dir, &sd->faults.loss);
	debugfs_create_u32("reorder", 0600, dir, &sd->faults.reorder);
	debugfs_create_u32("duplicate", 0600, dir, &sd->faults.duplicate);
	debugfs_create_u32("corrupt", 0600, dir, &sd->faults.corrupt);
	debugfs_create_u32("corrupt_payload", 0600, dir, &sd->faults.corrupt_payload);
	debugfs_create_file_unsafe("seed", 0600, dir, sd, &tlssim_seed_fops);
	debugfs_create_file("ifname", 0400, dir, sd, &tlssim_ifname_fops);
	return 0;
}

void tlssim_debugfs_dev_exit(struct tlssim_dev *sd)
{
	debugfs_remove_recursive(sd->ddir);
	sd->ddir = NULL;
}

int tlssim_debugfs_module_init(void)
{
	tlssim_debugfs_root = debugfs_create_dir(TLSSIM_DRV_NAME, NULL);
	return 0;
}

void tlssim_debugfs_module_exit(void)
{
	debugfs_remove_recursive(tlssim_debugfs_root);
}
