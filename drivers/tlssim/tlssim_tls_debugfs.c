// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs files of the TLS engine, in the per-device directory NET makes:
 *   ctx_table_size  contexts allowed per direction (default 1024)
 *   caps            capability mask: bit0 TLS1.2 AES-GCM-128, bit1 TLS1.2
 *                   AES-GCM-256, bit2/3 the same for TLS 1.3, bit4 TX,
 *                   bit5 RX (default 0x3f)
 *   fail_next_add   the next N tls_dev_add calls fail with -EIO
 *   resync_mode     "driver" or "async" (RX resync protocol of new contexts)
 *   resync_delay    frames the device waits before answering a resync
 *   tx_resync_next  the next N in-order TX segments (any flow of this
 *                   device) make the device drop its TX stream state and
 *                   ask the stack for a TX resync; decremented with cmpxchg
 *   contexts        read-only: live contexts and their stream state
 * Knobs are plain words read with READ_ONCE by the engine; fail_next_add is
 * decremented under tlssim_tls::lock.  In "contexts" a TX flow is "sync",
 * "resync" (waiting for tls_dev_resync) or "lost" (rebuilding per segment).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "tlssim.h"
#include "tlssim_tls_priv.h"

static const char * const rx_state_name[] = {
	[TLSSIM_RX_SYNC] = "sync",
	[TLSSIM_RX_SEARCH] = "searching",
	[TLSSIM_RX_TRACK] = "tracking",
};

static const char *tx_state_name(const struct tlssim_ctx *c)
{
	if (c->tx_resync_wait)
		return "resync";
	return c->tx_lost ? "lost" : "sync";
}

static void show_addr(struct seq_file *m, const struct in6_addr *a, __be16 port, u8 family)
{
	if (family == AF_INET)
		seq_printf(m, "%pI4:%u", &a->s6_addr32[3], ntohs(port));
	else
		seq_printf(m, "[%pI6c]:%u", a, ntohs(port));
}

static int contexts_show(struct seq_file *m, void *v)
{
	struct tlssim_tls *t = m->private;
	struct tlssim_ctx *c;

	spin_lock_bh(&t->lock);
	list_for_each_entry(c, &t->ctxs, list) {
		bool rx = c->dir == TLS_OFFLOAD_CTX_DIR_RX;

		spin_lock(&c->lock);
		seq_printf(m, "%s tls%s aes%u ", rx ? "rx" : "tx",
			   c->version == TLS_1_3_VERSION ? "1.3" : "1.2",
			   c->cipher == TLS_CIPHER_AES_GCM_256 ? 256 : 128);
		show_addr(m, &c->flow.saddr, c->flow.sport, c->flow.family);
		seq_puts(m, " -> ");
		show_addr(m, &c->flow.daddr, c->flow.dport, c->flow.family);
		seq_printf(m, " tcp_seq %u record_seq %llu record_off %u state %s\n",
			   c->st.seq, c->st.sn, c->st.pos,
			   rx ? rx_state_name[c->rx_state] : tx_state_name(c));
		spin_unlock(&c->lock);
	}
	spin_unlock_bh(&t->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(contexts);

static ssize_t resync_mode_read(struct file *file, char __user *ubuf, size_t count,
				loff_t *ppos)
{
	struct tlssim_tls *t = file->private_data;
	const char *s = READ_ONCE(t->resync_mode) == TLSSIM_RESYNC_ASYNC ?
			"async\n" : "driver\n";

	return simple_read_from_buffer(ubuf, count, ppos, s, strlen(s));
}

static ssize_t resync_mode_write(struct file *file, const char __user *ubuf, size_t count,
				 loff_t *ppos)
{
	struct tlssim_tls *t = file->private_data;
	char buf[16] = {};

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	if (sysfs_streq(buf, "driver") || sysfs_streq(buf, "0"))
		WRITE_ONCE(t->resync_mode, TLSSIM_RESYNC_DRIVER);
	else if (sysfs_streq(buf, "async") || sysfs_streq(buf, "1"))
		WRITE_ONCE(t->resync_mode, TLSSIM_RESYNC_ASYNC);
	else
		return -EINVAL;
	return count;
}

static const struct file_operations resync_mode_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = resync_mode_read,
	.write = resync_mode_write,
	.llseek = default_llseek,
};

int tlssim_tls_debugfs_init(struct tlssim_dev *sd, struct dentry *dir)
{
	struct tlssim_tls *t = tlssim_tls_of(sd);

	if (!t || IS_ERR_OR_NULL(dir))
		return -EINVAL;
	debugfs_create_u32("ctx_table_size", 0600, dir, &t->max_ctx);
	debugfs_create_x32("caps", 0600, dir, &t->caps);
	debugfs_create_u32("fail_next_add", 0600, dir, &t->fail_next_add);
	debugfs_create_u32("resync_delay", 0600, dir, &t->resync_delay);
	debugfs_create_u32("tx_resync_next", 0600, dir, &t->tx_resync_next);
	debugfs_create_file("resync_mode", 0600, dir, t, &resync_mode_fops);
	debugfs_create_file("contexts", 0400, dir, t, &contexts_fops);
	return 0;
}
