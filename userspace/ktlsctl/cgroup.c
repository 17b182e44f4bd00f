// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl cgroups: where a sock_ops program is attached. The kernel can
 * only answer "which programs are attached to this cgroup", so the tree
 * is walked and each cgroup asked; `policy show` lists what it finds and
 * `policy unload` detaches from every one, so that nothing is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "ktlsctl.h"
#include "out.h"

#define QUERY_MAX	64

bool cgroup_has_prog(int cg_fd, __u32 prog_id)
{
	__u32 ids[QUERY_MAX], cnt = QUERY_MAX, flags = 0, i;

	/* attached here, not inherited (query flags 0) */
	if (bpf_prog_query(cg_fd, BPF_CGROUP_SOCK_OPS, 0, &flags, ids, &cnt))
		return false;
	for (i = 0; i < cnt; i++)
		if (ids[i] == prog_id)
			return true;
	return false;
}

/* nftw() passes no context: the walk's state */
static struct {
	__u32 prog_id;
	cgroup_fn fn;
	void *data;
	int rc;
} walk;

static int walk_one(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	int fd;

	if (type != FTW_D)
		return 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (cgroup_has_prog(fd, walk.prog_id)) {
		walk.rc = walk.fn(path, fd, walk.data);
		if (walk.rc) {
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int walk_tree(const char *root)
{
	int rc = nftw(root, walk_one, 16, FTW_PHYS | FTW_MOUNT);

	if (rc < 0)
		return err("%s: %s", root, strerror(errno));
	return walk.rc;
}

int cgroup_each_attached(__u32 prog_id, cgroup_fn fn, void *data)
{
	size_t n = strlen(KTLSCTL_CGROUP);
	int rc;

	walk.prog_id = prog_id;
	walk.fn = fn;
	walk.data = data;
	walk.rc = 0;
	rc = walk_tree(KTLSCTL_CGROUP);
	if (rc)
		return rc;
	/* a --cgroup of another cgroup2 mount */
	if (opt.cgroup_set && (strncmp(opt.cgroup, KTLSCTL_CGROUP, n) ||
			       (opt.cgroup[n] && opt.cgroup[n] != '/')))
		rc = walk_tree(opt.cgroup);
	return rc;
}
