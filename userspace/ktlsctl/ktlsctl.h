/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktlsctl: the command line of ktls.ko and its BPF policy. Each command
 * is one file (status.c, flows.c, policy.c, rule.c, stats.c); the pinned
 * objects they share are found through pin.c, names through names.c.
 *
 * Pin layout, the one `bpftool prog load ktls_policy.o /sys/fs/bpf/ktls_policy
 * pinmaps /sys/fs/bpf/ktls` makes: maps by name under the pin directory
 * (default /sys/fs/bpf/ktls), the program next to it as DIR_policy.
 */
#ifndef KTLSCTL_H
#define KTLSCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "ktls_policy.h"

#define KTLSCTL_PIN_DIR		"/sys/fs/bpf/ktls"
#define KTLSCTL_CGROUP		"/sys/fs/cgroup"

#define MAP_RULES_PORT		"ktls_rules_port"
#define MAP_RULES_NET		"ktls_rules_net"
#define MAP_CONFIG		"ktls_config"
#define MAP_STATS		"ktls_stats"
#define MAP_FLOWS		"ktls_flows"

struct ktlsctl_opts {
	bool json;
	bool all;		/* policy unload: the maps too */
	bool cgroup_set;	/* --cgroup given */
	int verbose;
	unsigned int watch;	/* stats: seconds between prints, 0: once */
	unsigned int count;	/* stats --watch: prints, 0: until killed */
	const char *pin_dir;
	const char *cgroup;
	char prog_path[PATH_MAX];
};

extern struct ktlsctl_opts opt;

/* commands: argc/argv are the words after the command's name */
int cmd_status(int argc, char **argv);
int cmd_flows(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_rule(int argc, char **argv);
int cmd_default(int argc, char **argv);

/* pin.c */
enum map_need { MAP_OPTIONAL, MAP_REQUIRED };
/*
 * The pinned map @name, checked against the key and value sizes of
 * ktls_policy.h. Returns its fd; -ENOENT if it is not pinned and
 * @need is MAP_OPTIONAL; any other failure is reported, returns < 0.
 */
int map_open(const char *name, enum map_need need);
bool map_pinned(const char *name);
void map_path(char *buf, size_t len, const char *name);
/* the pinned program: fd, or -ENOENT (not reported), or < 0 reported */
int prog_open(void);

/* names.c */
const char *verdict_name(unsigned int v);
int verdict_parse(const char *s);
const char *dir_name(unsigned int dirs);
int dir_parse(const char *s);
const char *conf_name(unsigned int conf);
const char *version_name(unsigned int version);
const char *cipher_name(unsigned int cipher, char *buf, size_t len);

/* stats.c: the two directions of ktls_stats, summed over the CPUs */
int stats_read(int fd, struct ktls_dir_stats st[2]);
/* a table (human), or members "tx" and "rx" of the open JSON object */
void stats_print(const struct ktls_dir_stats st[2], int indent);

/*
 * cgroup.c: call @fn for each cgroup where program @prog_id is attached
 * as sock_ops, walking the cgroup2 tree (and opt.cgroup if outside it);
 * a non-zero return of @fn stops the walk and is returned.
 */
typedef int (*cgroup_fn)(const char *path, int cg_fd, void *data);
int cgroup_each_attached(__u32 prog_id, cgroup_fn fn, void *data);
bool cgroup_has_prog(int cg_fd, __u32 prog_id);

/* rule.c: number of rules in both maps, -1 if unreadable */
int rules_count(int port_fd, int net_fd);

#endif
