// SPDX-License-Identifier: GPL-2.0
/*
 * readsock.ko: a test hook that reads a socket the way an in-kernel
 * consumer such as nvme-tcp does, through sock->ops->read_sock() with the
 * socket locked, so that rx_test can check what a TLS provider hands such a
 * consumer: the plaintext of data records, nothing else.
 *
 * /sys/kernel/debug/readsock: write "FD COUNT" (a socket of the writing
 * process) to run read_sock() once with desc.count = COUNT. The write
 * fails with read_sock()'s error (EOPNOTSUPP when the socket has none) or
 * returns the length written; read() then returns the bytes the actor was
 * given, each once.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/sock.h>

#define READSOCK_MAX	(256 * 1024)

/* Per open file: what the last write's read_sock() handed over. */
struct readsock_buf {
	struct mutex lock;	/* one write or read at a time */
	size_t len;		/* bytes in @data */
	size_t off;		/* bytes of @data already read */
	u8 data[READSOCK_MAX];
};

static struct dentry *readsock_file;

static int readsock_actor(read_descriptor_t *desc, struct sk_buff *skb,
			  unsigned int offset, size_t len)
{
	struct readsock_buf *b = desc->arg.data;
	size_t n = min3(len, desc->count, READSOCK_MAX - b->len);

	if (skb_copy_bits(skb, offset, b->data + b->len, n))
		return -EFAULT;
	b->len += n;
	desc->count -= n;
	return n;
}

static int readsock_open(struct inode *inode, struct file *file)
{
	struct readsock_buf *b = kvzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return -ENOMEM;
	mutex_init(&b->lock);
	file->private_data = b;
	return 0;
}

static int readsock_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static int readsock_run(struct readsock_buf *b, unsigned int fd, size_t want)
{
	read_descriptor_t desc = { .arg.data = b, .count = want };
	struct socket *sock;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock)
		return err;
	b->len = 0;
	b->off = 0;
	if (!sock->ops->read_sock) {
		err = -EOPNOTSUPP;
	} else {
		/* as nvme-tcp: the consumer owns the socket around the call */
		lock_sock(sock->sk);
		err = sock->ops->read_sock(sock->sk, &desc, readsock_actor);
		release_sock(sock->sk);
	}
	sockfd_put(sock);
	return err < 0 ? err : 0;
}

static ssize_t readsock_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct readsock_buf *b = file->private_data;
	unsigned int fd;
	char cmd[32];
	size_t want;
	int err;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	if (sscanf(cmd, "%u %zu", &fd, &want) != 2 || !want ||
	    want > READSOCK_MAX)
		return -EINVAL;

	mutex_lock(&b->lock);
	err = readsock_run(b, fd, want);
	mutex_unlock(&b->lock);
	return err ? err : count;
}

static ssize_t readsock_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct readsock_buf *b = file->private_data;
	size_t n;

	mutex_lock(&b->lock);
	n = min(count, b->len - b->off);
	if (copy_to_user(ubuf, b->data + b->off, n)) {
		mutex_unlock(&b->lock);
		return -EFAULT;
	}
	b->off += n;
	mutex_unlock(&b->lock);
	return n;
}

static const struct file_operations readsock_fops = {
	.owner = THIS_MODULE,
	.open = readsock_open,
	.release = readsock_release,
	.read = readsock_read,
	.write = readsock_write,
};

static int __init readsock_init(void)
{
	readsock_file = debugfs_create_file("readsock", 0600, NULL, NULL,
					    &readsock_fops);
	return IS_ERR(readsock_file) ? PTR_ERR(readsock_file) : 0;
}

static void __exit readsock_exit(void)
{
	debugfs_remove(readsock_file);
}

module_init(readsock_init);
module_exit(readsock_exit);
MODULE_DESCRIPTION("test hook: read a socket through read_sock() as an in-kernel consumer");
MODULE_LICENSE("GPL");
