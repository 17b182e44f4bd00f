// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl policy load|unload|show: the ktls_policy sock_ops program from
 * the skeleton built into ktlsctl, pinned and attached to a cgroup.
 *
 * Load reuses every map already pinned (by an earlier load, or by
 * `bpftool prog load ... pinmaps`), so that rules and counters survive a
 * reload; a program already loaded is replaced where it is attached
 * (BPF_F_REPLACE: no moment without a policy) and its pin moved to the
 * new one. Unload detaches everywhere and unpins the program; the maps
 * stay unless --all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "compiler.h"
#include "ktlsctl.h"
#include "out.h"
#include "ktls_policy.skel.h"

static const char *const map_names[] = {
	MAP_RULES_PORT, MAP_RULES_NET, MAP_CONFIG, MAP_STATS, MAP_FLOWS,
};

static int prog_id(int fd, __u32 *id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &ilen))
		return err("%s: %s", opt.prog_path, strerror(errno));
	*id = info.id;
	if (name)
		snprintf(name, len, "%s", info.name);
	return 0;
}

struct replace {
	int old_fd;
	int new_fd;
	int replaced;
	bool target_done;	/* opt.cgroup was among them */
};

static int replace_one(const char *path, int cg_fd, void *data)
{
	LIBBPF_OPTS(bpf_prog_attach_opts, aopts,
		    .flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE);
	struct replace *r = data;
	struct stat a, b;

	aopts.replace_prog_fd = r->old_fd;
	if (bpf_prog_attach_opts(r->new_fd, cg_fd, BPF_CGROUP_SOCK_OPS,
				 &aopts))
		return err("replace in %s: %s", path, strerror(errno));
	r->replaced++;
	if (!stat(path, &a) && !stat(opt.cgroup, &b) && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev)
		r->target_done = true;
	return 0;
}

/* *@live: the new program is attached somewhere, even if this fails */
static int attach(int new_fd, int old_fd, bool *live)
{
	LIBBPF_OPTS(bpf_prog_attach_opts, aopts, .flags = BPF_F_ALLOW_MULTI);
	struct replace r = { .old_fd = old_fd, .new_fd = new_fd };
	__u32 old_id;
	int cg_fd, rc;

	if (old_fd >= 0) {
		rc = prog_id(old_fd, &old_id, NULL, 0);
		if (!rc)
			rc = cgroup_each_attached(old_id, replace_one, &r);
		*live = r.replaced;
		if (rc)
			return rc;
		/* a reload stays where the policy was, unless told */
		if (r.target_done || (r.replaced && !opt.cgroup_set))
			return 0;
	}
	cg_fd = open(opt.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0)
		return err("%s: %s", opt.cgroup, strerror(errno));
	rc = bpf_prog_attach_opts(new_fd, cg_fd, BPF_CGROUP_SOCK_OPS, &aopts);
	/* EPERM: a program attached there without BPF_F_ALLOW_MULTI */
	if (rc)
		rc = err("attaching to %s: %s", opt.cgroup, strerror(errno));
	else
		*live = true;
	close(cg_fd);
	return rc;
}

/*
 * The new program is pinned under a temporary name before it is attached
 * (a pin that fails leaves nothing attached), then renamed over the old
 * pin once it is attached anywhere (atomic: the path always names the
 * policy in use). bpffs refuses names with a dot.
 */
static void tmp_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s_new", opt.prog_path);
}

static int pin_tmp(int fd)
{
	char tmp[PATH_MAX + 8];

	tmp_path(tmp, sizeof(tmp));
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp))
		return err("pin %s: %s", tmp, strerror(errno));
	return 0;
}

static int pin_commit(bool ok)
{
	char tmp[PATH_MAX + 8];

	tmp_path(tmp, sizeof(tmp));
	if (!ok) {
		unlink(tmp);
		return 1;
	}
	/* attached by now: keep its pin, so that it can be unloaded */
	if (rename(tmp, opt.prog_path))
		return err("rename %s: %s (the new policy is attached)", tmp,
			   strerror(errno));
	return 0;
}

static int policy_load(void)
{
	struct ktls_policy_bpf *skel;
	char path[PATH_MAX];
	struct bpf_map *map;
	int old_fd, fd, rc;
	bool live = false;

	old_fd = prog_open();
	if (old_fd < 0 && old_fd != -ENOENT)
		return 1;
	skel = ktls_policy_bpf__open();
	if (!skel) {
		rc = err("open ktls_policy: %s", strerror(errno));
		goto out;
	}
	/* libbpf reuses a compatible pinned map, or creates and pins it */
	bpf_object__for_each_map(map, skel->obj) {
		map_path(path, sizeof(path), bpf_map__name(map));
		rc = bpf_map__set_pin_path(map, path);
		if (rc) {
			rc = err("%s: %s", path, strerror(-rc));
			goto out;
		}
	}
	rc = ktls_policy_bpf__load(skel);
	if (rc) {
		/* EINVAL: maps pinned by another version (unload --all) */
		rc = err("load ktls_policy: %s", strerror(-rc));
		goto out;
	}
	fd = bpf_program__fd(skel->progs.ktls_policy);
	rc = pin_tmp(fd);
	if (!rc) {
		rc = attach(fd, old_fd, &live);
		rc |= pin_commit(live);
	}
out:
	ktls_policy_bpf__destroy(skel);
	if (old_fd >= 0)
		close(old_fd);
	return rc ? 1 : 0;
}

static int detach_one(const char *path, int cg_fd, void *data)
{
	if (bpf_prog_detach2(*(int *)data, cg_fd, BPF_CGROUP_SOCK_OPS))
		return err("detach from %s: %s", path, strerror(errno));
	return 0;
}

static int unpin_maps(void)
{
	char path[PATH_MAX];
	size_t i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(map_names); i++) {
		map_path(path, sizeof(path), map_names[i]);
		if (unlink(path) && errno != ENOENT)
			rc = err("unpin %s: %s", path, strerror(errno));
	}
	if (!rc && rmdir(opt.pin_dir) && errno != ENOENT)
		rc = err("%s: %s", opt.pin_dir, strerror(errno));
	return rc;
}

static int policy_unload(void)
{
	__u32 id;
	int fd, rc;

	fd = prog_open();
	if (fd == -ENOENT) {
		/* --all after an unload: only the maps are left */
		if (opt.all && map_pinned(MAP_STATS))
			return unpin_maps();
		return err("policy not loaded (no %s)", opt.prog_path);
	}
	if (fd < 0)
		return 1;
	rc = prog_id(fd, &id, NULL, 0);
	if (!rc)
		rc = cgroup_each_attached(id, detach_one, &fd);
	close(fd);
	if (rc)
		return 1;
	if (unlink(opt.prog_path))
		return err("unpin %s: %s", opt.prog_path, strerror(errno));
	return opt.all ? unpin_maps() : 0;
}

struct show {
	char paths[16][PATH_MAX];
	int n;
};

static int show_one(const char *path, int cg_fd, void *data)
{
	struct show *s = data;

	if (s->n < 16)
		snprintf(s->paths[s->n++], PATH_MAX, "%s", path);
	return 0;
}

static int read_config(int fd, struct ktls_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, cfg))
		return err("%s: %s", MAP_CONFIG, strerror(errno));
	return 0;
}

static int policy_show(void)
{
	static struct show att;
	int fd, port_fd, net_fd, cfg_fd, rules = -1, i, rc = 0;
	struct ktls_config cfg = {};
	char name[BPF_OBJ_NAME_LEN];
	__u32 id = 0;
	bool maps;

	fd = prog_open();
	if (fd < 0 && fd != -ENOENT)
		return 1;
	if (fd >= 0) {
		rc = prog_id(fd, &id, name, sizeof(name));
		if (!rc)
			rc = cgroup_each_attached(id, show_one, &att);
		close(fd);
		if (rc)
			return 1;
	}
	port_fd = map_open(MAP_RULES_PORT, MAP_OPTIONAL);
	net_fd = map_open(MAP_RULES_NET, MAP_OPTIONAL);
	cfg_fd = map_open(MAP_CONFIG, MAP_OPTIONAL);
	maps = port_fd >= 0 && net_fd >= 0 && cfg_fd >= 0;
	if (maps) {
		rules = rules_count(port_fd, net_fd);
		rc = read_config(cfg_fd, &cfg);
	}
	if (port_fd >= 0)
		close(port_fd);
	if (net_fd >= 0)
		close(net_fd);
	if (cfg_fd >= 0)
		close(cfg_fd);
	if (rules < 0 && maps)
		return 1;
	if (rc)
		return 1;

	if (opt.json) {
		j_obj(NULL);
		j_bool("loaded", fd >= 0);
		if (fd >= 0) {
			j_obj("prog");
			j_str("path", opt.prog_path);
			j_u64("id", id);
			j_str("name", name);
			j_end_obj();
		} else {
			j_null("prog");
		}
		j_arr("attached");
		for (i = 0; i < att.n; i++)
			j_str(NULL, att.paths[i]);
		j_end_arr();
		j_str("maps", maps ? opt.pin_dir : NULL);
		if (maps) {
			j_u64("rules", rules);
			j_str("default", verdict_name(cfg.verdict));
		} else {
			j_null("rules");
			j_null("default");
		}
		j_end_obj();
		return 0;
	}
	if (fd >= 0)
		printf("policy:   loaded, %s id %u (%s)\n", name, id,
		       opt.prog_path);
	else
		printf("policy:   not loaded\n");
	printf("attached:%s", att.n ? "" : " none");
	for (i = 0; i < att.n; i++)
		printf(" %s", att.paths[i]);
	printf("\n");
	if (maps) {
		printf("maps:     %s\n", opt.pin_dir);
		printf("rules:    %d\n", rules);
		printf("default:  %s\n", verdict_name(cfg.verdict));
	} else {
		printf("maps:     none\n");
	}
	return 0;
}

int cmd_policy(int argc, char **argv)
{
	if (argc != 1)
		return usage_err("policy: load, unload or show");
	if (!strcmp(argv[0], "load"))
		return policy_load();
	if (!strcmp(argv[0], "unload"))
		return policy_unload();
	if (!strcmp(argv[0], "show"))
		return policy_show();
	return usage_err("policy: unknown '%s'", argv[0]);
}
