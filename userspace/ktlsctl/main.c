// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl: status, flows and BPF policy of ktls.ko (README.md).
 *
 * Options may come before or after the command's words; each command
 * accepts only the options that mean something to it, so that a typo is
 * an error rather than an option silently ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "compiler.h"
#include "ktlsctl.h"
#include "out.h"

struct ktlsctl_opts opt = {
	.pin_dir = KTLSCTL_PIN_DIR,
	.cgroup = KTLSCTL_CGROUP,
};

static const char usage_text[] =
"usage: ktlsctl [--json] [--pin DIR] [-v] COMMAND\n"
"  status                    TLS module, settings, tls_stat, policy counters\n"
"  flows                     kTLS sockets of this network namespace\n"
"  stats [--watch [SECS]] [--count N]\n"
"                            policy counters per direction\n"
"  policy load [--cgroup CG] load, pin, attach (reusing pinned maps)\n"
"  policy unload [--all]     detach everywhere, unpin (--all: maps too)\n"
"  policy show               program, cgroups, rules, default verdict\n"
"  rule add MATCH verdict VERDICT [dir tx|rx|both]\n"
"  rule del MATCH\n"
"  rule list\n"
"  default [VERDICT]         the verdict when no rule matches\n"
"MATCH:   local-port N | remote-port N | remote ADDRESS[/LEN] (IPv4, IPv6)\n"
"VERDICT: default | software | device | device-only | deny\n"
"--pin DIR    maps in DIR (default " KTLSCTL_PIN_DIR "), program DIR_policy\n"
"--cgroup CG  a cgroup2 directory (default " KTLSCTL_CGROUP ")\n"
"--json       JSON output, as python3 -m json.tool prints it\n"
"-v           libbpf's messages too (-vv: debug)\n";

/* options each command takes besides --json, --pin, -v */
enum { O_CGROUP = 1, O_ALL = 2, O_WATCH = 4 };

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	int opts;
} cmds[] = {
	{ "status", cmd_status, 0 },
	{ "flows", cmd_flows, 0 },
	{ "stats", cmd_stats, O_WATCH },
	{ "policy", cmd_policy, O_CGROUP | O_ALL },
	{ "rule", cmd_rule, 0 },
	{ "default", cmd_default, 0 },
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && opt.verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && !opt.verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool number(const char *s, unsigned int *v)
{
	char *end;
	unsigned long n;

	if (!s || !*s)
		return false;
	n = strtoul(s, &end, 10);
	if (*end || n > 86400)
		return false;
	*v = n;
	return true;
}

/* the value of option argv[*i]; NULL if missing */
static const char *value(int argc, char **argv, int *i)
{
	return *i + 1 < argc ? argv[++*i] : NULL;
}

int main(int argc, char **argv)
{
	char **words = calloc(argc + 1, sizeof(*words));
	int i, n = 0, used = 0;
	const char *a;
	size_t c;

	if (!words)
		return err("out of memory");
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || !a[1]) {
			words[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			opt.json = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			opt.verbose++;
		} else if (!strcmp(a, "--pin")) {
			opt.pin_dir = value(argc, argv, &i);
			if (!opt.pin_dir || !*opt.pin_dir)
				return usage_err("--pin DIR");
		} else if (!strcmp(a, "--cgroup")) {
			opt.cgroup = value(argc, argv, &i);
			if (!opt.cgroup)
				return usage_err("--cgroup PATH");
			opt.cgroup_set = true;
			used |= O_CGROUP;
		} else if (!strcmp(a, "--all")) {
			opt.all = true;
			used |= O_ALL;
		} else if (!strcmp(a, "--watch")) {
			opt.watch = 1;
			/* SECS is optional: a number after --watch is it */
			if (i + 1 < argc && number(argv[i + 1], &opt.watch))
				i++;
			if (!opt.watch)
				return usage_err("--watch: SECS of 1 or more");
			used |= O_WATCH;
		} else if (!strcmp(a, "--count")) {
			if (!number(value(argc, argv, &i), &opt.count))
				return usage_err("--count N");
			used |= O_WATCH;
		} else {
			return usage_err("unknown option '%s'", a);
		}
	}
	if (!n) {
		fputs(usage_text, stderr);
		return 2;
	}
	snprintf(opt.prog_path, sizeof(opt.prog_path), "%s_policy",
		 opt.pin_dir);
	libbpf_set_print(libbpf_print);
	for (c = 0; c < ARRAY_SIZE(cmds); c++) {
		if (strcmp(words[0], cmds[c].name))
			continue;
		if (used & ~cmds[c].opts)
			return usage_err("%s: option not taken by this command",
					 words[0]);
		return cmds[c].fn(n - 1, words + 1);
	}
	return usage_err("unknown command '%s'", words[0]);
}
