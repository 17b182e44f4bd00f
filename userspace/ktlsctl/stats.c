// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl stats: ktls_stats, the per-CPU counters of the policy program,
 * one struct ktls_dir_stats per direction (key 0 TX, 1 RX), summed over
 * the possible CPUs and printed field by field. The field table is the
 * one place that knows the struct's members: status uses it too.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "compiler.h"
#include "ktlsctl.h"
#include "out.h"

#define FIELD(f)	{ #f, offsetof(struct ktls_dir_stats, f) }

static const struct {
	const char *name;
	size_t off;
} fields[] = {
	FIELD(policy),
	FIELD(verdict_default),
	FIELD(verdict_sw),
	FIELD(verdict_device),
	FIELD(verdict_device_only),
	FIELD(verdict_deny),
	FIELD(installed_sw),
	FIELD(installed_device),
	FIELD(install_failed),
	FIELD(fallback),
	FIELD(resync),
	FIELD(decrypt_error),
	FIELD(rekey),
	FIELD(rekey_failed),
	FIELD(close),
	FIELD(close_records),
	FIELD(close_bytes),
};

#define NFIELDS		ARRAY_SIZE(fields)

static_assert(NFIELDS * sizeof(__u64) == sizeof(struct ktls_dir_stats),
	      "every field of struct ktls_dir_stats is in the table");

static __u64 *field(const struct ktls_dir_stats *st, size_t i)
{
	return (__u64 *)((char *)st + fields[i].off);
}

int stats_read(int fd, struct ktls_dir_stats st[2])
{
	/* a per-CPU value is copied out padded to 8 bytes per CPU */
	size_t vsz = (sizeof(*st) + 7) & ~(size_t)7;
	int ncpu = libbpf_num_possible_cpus();
	struct ktls_dir_stats *cpu;
	__u32 key;
	char *buf;
	size_t i;
	int c;

	if (ncpu <= 0)
		return err("possible CPUs: %s", strerror(-ncpu));
	buf = calloc(ncpu, vsz);
	if (!buf)
		return err("out of memory");
	memset(st, 0, 2 * sizeof(*st));
	for (key = 0; key < 2; key++) {
		if (bpf_map_lookup_elem(fd, &key, buf)) {
			free(buf);
			return err("%s: lookup %u: %s", MAP_STATS, key,
				   strerror(errno));
		}
		for (c = 0; c < ncpu; c++) {
			cpu = (struct ktls_dir_stats *)(buf + c * vsz);
			for (i = 0; i < NFIELDS; i++)
				*field(&st[key], i) += *field(cpu, i);
		}
	}
	free(buf);
	return 0;
}

void stats_print(const struct ktls_dir_stats st[2], int indent)
{
	static const char *const dirs[] = { "tx", "rx" };
	size_t i;
	int d;

	if (opt.json) {
		for (d = 0; d < 2; d++) {
			j_obj(dirs[d]);
			for (i = 0; i < NFIELDS; i++)
				j_u64(fields[i].name, *field(&st[d], i));
			j_end_obj();
		}
		return;
	}
	printf("%*s%-20s %12s %12s\n", indent, "", "COUNTER", "TX", "RX");
	for (i = 0; i < NFIELDS; i++)
		printf("%*s%-20s %12llu %12llu\n", indent, "", fields[i].name,
		       (unsigned long long)*field(&st[0], i),
		       (unsigned long long)*field(&st[1], i));
}

int cmd_stats(int argc, char **argv)
{
	struct ktls_dir_stats st[2];
	unsigned int n = 0;
	int fd, rc = 0;

	if (argc)
		return usage_err("stats: unexpected '%s'", argv[0]);
	fd = map_open(MAP_STATS, MAP_REQUIRED);
	if (fd < 0)
		return 1;
	for (;;) {
		rc = stats_read(fd, st);
		if (rc)
			break;
		if (opt.json) {
			j_obj(NULL);
			stats_print(st, 0);
			j_end_obj();
		} else {
			stats_print(st, 0);
		}
		fflush(stdout);
		if (!opt.watch || (opt.count && ++n >= opt.count))
			break;
		sleep(opt.watch);
		/* one document per line group: a blank line between prints */
		putchar('\n');
	}
	close(fd);
	return rc;
}
