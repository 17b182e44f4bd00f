// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl pinned objects. The maps are the policy's state: a command
 * that reads or writes them opens the pinned map by name, and checks its
 * sizes first, so that a foreign map pinned at the same path is refused
 * instead of being read with the wrong layout.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "compiler.h"
#include "ktlsctl.h"
#include "out.h"

static const struct {
	const char *name;
	unsigned int key_size;
	unsigned int value_size;
} map_layouts[] = {
	{ MAP_RULES_PORT, sizeof(struct ktls_port_key),
	  sizeof(struct ktls_rule) },
	{ MAP_RULES_NET, sizeof(struct ktls_net_key),
	  sizeof(struct ktls_rule) },
	{ MAP_CONFIG, sizeof(__u32), sizeof(struct ktls_config) },
	{ MAP_STATS, sizeof(__u32), sizeof(struct ktls_dir_stats) },
	{ MAP_FLOWS, sizeof(__u64), sizeof(struct ktls_flow) },
};

void map_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", opt.pin_dir, name);
}

bool map_pinned(const char *name)
{
	char path[PATH_MAX];

	map_path(path, sizeof(path), name);
	return !access(path, F_OK);
}

static int map_check(int fd, const char *path, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	size_t i;

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err("%s: %s", path, strerror(errno));
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(map_layouts); i++) {
		if (strcmp(map_layouts[i].name, name))
			continue;
		if (info.key_size == map_layouts[i].key_size &&
		    info.value_size == map_layouts[i].value_size)
			return 0;
		err("%s: not a ktls_policy map (key %u, value %u bytes)",
		    path, info.key_size, info.value_size);
		return -EINVAL;
	}
	return 0;
}

int map_open(const char *name, enum map_need need)
{
	char path[PATH_MAX];
	int fd, rc;

	map_path(path, sizeof(path), name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT && need == MAP_OPTIONAL)
			return rc;
		if (rc == -ENOENT)
			err("policy not loaded (no %s)", path);
		else
			err("%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = map_check(fd, path, name);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int prog_open(void)
{
	int fd = bpf_obj_get(opt.prog_path);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		return -ENOENT;
	fd = -errno;
	err("%s: %s", opt.prog_path, strerror(-fd));
	return fd;
}
