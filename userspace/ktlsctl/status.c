// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl status: which module provides the ULP "tls", ktls.ko's BPF
 * settings, the net.ktls sysctls of this network namespace, every counter
 * of /proc/net/tls_stat (this network namespace; absent while no TLS
 * module is loaded), and the policy's counters when its maps are pinned.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "ktlsctl.h"
#include "out.h"

#define MODULES		"/sys/module/"
#define SYSCTLS		"/proc/sys/net/ktls/"
#define TLS_STAT	"/proc/net/tls_stat"
#define STAT_MAX	64

struct tls_stat {
	char name[STAT_MAX][48];
	unsigned long long val[STAT_MAX];
	int n;
};

/*
 * ktls.ko runs as the module "ktls" when insmod loads it from the build, and
 * as "tls" once make install or DKMS put it in the kernel's place: then it
 * is told from the kernel's tls.ko by its parameters. *mod: the module's
 * name, for its parameters.
 */
static const char *provider(const char **mod)
{
	*mod = "ktls";
	if (!access(MODULES "ktls", F_OK))
		return "ktls.ko";
	*mod = "tls";
	if (!access(MODULES "tls/parameters/bpf_default", F_OK))
		return "ktls.ko (installed as tls)";
	if (!access(MODULES "tls", F_OK))
		return "tls.ko";
	return NULL;
}

/* a one-line sysfs file without its newline; false if absent */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, len, f);
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

/* 1: read, 0: absent, < 0: error (reported) */
static int read_tls_stat(struct tls_stat *ts)
{
	FILE *f = fopen(TLS_STAT, "re");

	ts->n = 0;
	if (!f)
		return errno == ENOENT ? 0 : -err("%s: %s", TLS_STAT,
						  strerror(errno));
	while (ts->n < STAT_MAX &&
	       fscanf(f, "%47s %llu", ts->name[ts->n], &ts->val[ts->n]) == 2)
		ts->n++;
	fclose(f);
	return 1;
}

/* "key:" and the value in a column */
static void kv(const char *key, const char *val)
{
	printf("%s:%*s%s\n", key, (int)(12 - strlen(key)), "", val);
}

static const char *const params[] = { "bpf_default", "bpf_fail" };

static void print_params(bool ktls, const char *mod)
{
	char val[64];
	size_t i;

	if (opt.json && !ktls) {
		j_null("ktls");
		return;
	}
	if (opt.json)
		j_obj("ktls");
	for (i = 0; ktls && i < ARRAY_SIZE(params); i++) {
		char path[128];

		snprintf(path, sizeof(path), MODULES "%s/parameters/%s", mod,
			 params[i]);
		if (!read_line(path, val, sizeof(val)))
			continue;	/* an older ktls.ko */
		if (opt.json)
			j_str(params[i], val);
		else
			kv(params[i], val);
	}
	if (opt.json)
		j_end_obj();
}

static const char *const sysctls[] = {
	"enable", "device_enable", "device_max_rexmit_pct", "cbc_enable",
	"default_policy",
};

/* net.ktls.*: ktls.ko only, and only those this ktls.ko has */
static void print_sysctls(bool ktls)
{
	char path[128], val[32], name[64];
	bool any = false;
	size_t i;

	for (i = 0; ktls && i < ARRAY_SIZE(sysctls); i++) {
		snprintf(path, sizeof(path), SYSCTLS "%s", sysctls[i]);
		if (!read_line(path, val, sizeof(val)))
			continue;
		if (!any && opt.json)
			j_obj("sysctl");
		else if (!any)
			printf("sysctl:\n");
		any = true;
		snprintf(name, sizeof(name), "net.ktls.%s", sysctls[i]);
		if (opt.json)
			j_u64(name, strtoull(val, NULL, 10));
		else
			printf("    %-30s %6s\n", name, val);
	}
	if (any && opt.json)
		j_end_obj();
}

static void print_tls_stat(const struct tls_stat *ts, bool present)
{
	int i;

	if (opt.json) {
		if (!present) {
			j_null("tls_stat");
			return;
		}
		j_obj("tls_stat");
		for (i = 0; i < ts->n; i++)
			j_u64(ts->name[i], ts->val[i]);
		j_end_obj();
		return;
	}
	if (!present) {
		kv("tls_stat", "none");
		return;
	}
	printf("tls_stat:\n");
	for (i = 0; i < ts->n; i++)
		printf("    %-24s %12llu\n", ts->name[i], ts->val[i]);
}

static int print_policy(void)
{
	struct ktls_dir_stats st[2];
	bool loaded = !access(opt.prog_path, F_OK);
	int fd;

	fd = map_open(MAP_STATS, MAP_OPTIONAL);
	if (fd < 0 && fd != -ENOENT)
		return 1;
	if (fd >= 0 && stats_read(fd, st)) {
		close(fd);
		return 1;
	}
	if (opt.json) {
		if (fd < 0 && !loaded) {
			j_null("policy");
			return 0;
		}
		j_obj("policy");
		j_bool("loaded", loaded);
		if (fd >= 0) {
			j_obj("counters");
			stats_print(st, 0);
			j_end_obj();
		} else {
			j_null("counters");
		}
		j_end_obj();
	} else {
		kv("policy", loaded ? "loaded" : fd >= 0 ?
		   "not loaded (maps kept)" : "not loaded");
		if (fd >= 0)
			stats_print(st, 4);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	const char *mod, *prov = provider(&mod);
	struct tls_stat ts;
	int present;
	bool ours;

	if (argc)
		return usage_err("status: unexpected '%s'", argv[0]);
	present = read_tls_stat(&ts);
	if (present < 0)
		return 1;
	if (opt.json) {
		j_obj(NULL);
		j_str("provider", prov);
	} else {
		kv("provider", prov ? prov : "none");
	}
	ours = prov && !strncmp(prov, "ktls.ko", 7);
	print_params(ours, mod);
	print_sysctls(ours);
	print_tls_stat(&ts, present);
	if (print_policy())
		return 1;
	if (opt.json)
		j_end_obj();
	return 0;
}
