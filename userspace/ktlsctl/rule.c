// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl rule add|del|list and default: the rule maps of ktls_policy.h.
 *
 *   rule add local-port N|remote-port N|remote PREFIX verdict V [dir D]
 *
 * A port rule is keyed by port and side, a prefix rule by the masked
 * address: one rule per key, whatever its directions, so add refuses a
 * key that has a rule (del it first) rather than silently changing it.
 * IPv4 prefixes are stored IPv4-mapped (::ffff:a.b.c.d, length 96 + n),
 * as ktls_match.h looks them up. `rule list` prints each rule in the
 * syntax of `rule add`, sorted, whatever the order of the maps.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "compiler.h"
#include "ktlsctl.h"
#include "out.h"

struct rule {
	bool net;
	struct ktls_port_key port;
	struct ktls_net_key prefix;
	struct ktls_rule val;
};

static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int parse_port(const char *s, __u16 *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || !v || v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* clear the address bits past the prefix length: the key of the rule */
static void prefix_mask(struct ktls_net_key *k)
{
	unsigned int i, bits = k->prefixlen;

	for (i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		k->addr[i] &= (0xff00 >> bits) & 0xff;
		bits = 0;
	}
}

static int parse_prefix(const char *s, struct ktls_net_key *k)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	unsigned long len = ~0UL;
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	char *end;

	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = 0;
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end)
			return -1;
	}
	memset(k, 0, sizeof(*k));
	if (inet_pton(AF_INET, addr, k->addr + 12) == 1) {
		if (len == ~0UL)
			len = 32;
		if (len > 32)
			return -1;
		memcpy(k->addr, v4mapped, sizeof(v4mapped));
		k->prefixlen = 96 + len;
	} else if (inet_pton(AF_INET6, addr, k->addr) == 1) {
		if (len == ~0UL)
			len = 128;
		if (len > 128)
			return -1;
		k->prefixlen = len;
	} else {
		return -1;
	}
	prefix_mask(k);
	return 0;
}

static void format_prefix(const struct ktls_net_key *k, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (k->prefixlen >= 96 &&
	    !memcmp(k->addr, v4mapped, sizeof(v4mapped))) {
		inet_ntop(AF_INET, k->addr + 12, a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, k->prefixlen - 96);
	} else {
		inet_ntop(AF_INET6, k->addr, a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, k->prefixlen);
	}
}

/* MATCH [verdict V] [dir D]; returns the words used, or < 0 */
static int parse_rule(int argc, char **argv, struct rule *r, bool want_verdict)
{
	int i = 2, v;

	memset(r, 0, sizeof(*r));
	if (argc < 2)
		return -usage_err("rule: local-port, remote-port or remote");
	if (!strcmp(argv[0], "local-port") || !strcmp(argv[0], "remote-port")) {
		r->port.side = argv[0][0] == 'l' ? KTLS_RULE_LOCAL :
			       KTLS_RULE_REMOTE;
		if (parse_port(argv[1], &r->port.port))
			return -usage_err("rule: bad port '%s'", argv[1]);
	} else if (!strcmp(argv[0], "remote")) {
		r->net = true;
		if (parse_prefix(argv[1], &r->prefix))
			return -usage_err("rule: bad prefix '%s'", argv[1]);
	} else {
		return -usage_err("rule: unknown match '%s'", argv[0]);
	}
	if (!want_verdict)
		return i;
	if (i + 1 >= argc || strcmp(argv[i], "verdict"))
		return -usage_err("rule add: verdict VERDICT missing");
	v = verdict_parse(argv[i + 1]);
	if (v < 0)
		return -usage_err("rule add: unknown verdict '%s'",
				  argv[i + 1]);
	r->val.verdict = v;
	i += 2;
	if (i < argc && !strcmp(argv[i], "dir")) {
		v = i + 1 < argc ? dir_parse(argv[i + 1]) : -1;
		if (v < 0)
			return -usage_err("rule add: dir tx, rx or both");
		r->val.dirs = v;
		i += 2;
	}
	return i;
}

static void format_match(const struct rule *r, char *buf, size_t len)
{
	char p[INET6_ADDRSTRLEN + 8];

	if (r->net) {
		format_prefix(&r->prefix, p, sizeof(p));
		snprintf(buf, len, "remote %s", p);
	} else {
		snprintf(buf, len, "%s %u", r->port.side == KTLS_RULE_LOCAL ?
			 "local-port" : "remote-port", r->port.port);
	}
}

static int open_rule_map(const struct rule *r)
{
	return map_open(r->net ? MAP_RULES_NET : MAP_RULES_PORT, MAP_REQUIRED);
}

static int rule_add(int argc, char **argv)
{
	char m[INET6_ADDRSTRLEN + 24];
	struct rule r;
	int n, fd, rc = 0;

	n = parse_rule(argc, argv, &r, true);
	if (n < 0)
		return -n;
	if (n != argc)
		return usage_err("rule add: unexpected '%s'", argv[n]);
	fd = open_rule_map(&r);
	if (fd < 0)
		return 1;
	format_match(&r, m, sizeof(m));
	if (bpf_map_update_elem(fd, r.net ? (void *)&r.prefix : (void *)&r.port,
				&r.val, BPF_NOEXIST))
		rc = errno == EEXIST ? err("rule %s exists (del it first)", m) :
		     err("rule add %s: %s", m, strerror(errno));
	close(fd);
	return rc;
}

static int rule_del(int argc, char **argv)
{
	char m[INET6_ADDRSTRLEN + 24];
	struct rule r;
	int n, fd, rc = 0;

	n = parse_rule(argc, argv, &r, false);
	if (n < 0)
		return -n;
	if (n != argc)
		return usage_err("rule del: unexpected '%s'", argv[n]);
	fd = open_rule_map(&r);
	if (fd < 0)
		return 1;
	format_match(&r, m, sizeof(m));
	if (bpf_map_delete_elem(fd, r.net ? (void *)&r.prefix :
				(void *)&r.port))
		rc = errno == ENOENT ? err("no rule %s", m) :
		     err("rule del %s: %s", m, strerror(errno));
	close(fd);
	return rc;
}

/* every rule of one map appended to *@rules; returns the count or < 0 */
static int rules_read(int fd, bool net, struct rule **rules, int *n)
{
	union {
		struct ktls_port_key port;
		struct ktls_net_key prefix;
	} key, next;
	void *prev = NULL;
	struct rule *r, *grown;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		grown = realloc(*rules, (*n + 1) * sizeof(**rules));
		if (!grown)
			return err("out of memory");
		*rules = grown;
		r = &grown[*n];
		memset(r, 0, sizeof(*r));
		r->net = net;
		if (net)
			r->prefix = key.prefix;
		else
			r->port = key.port;
		/* deleted since get_next_key: skip it */
		if (bpf_map_lookup_elem(fd, &key, &r->val))
			continue;
		(*n)++;
	}
	if (errno != ENOENT)
		return err("%s: %s", net ? MAP_RULES_NET : MAP_RULES_PORT,
			   strerror(errno));
	return 0;
}

static int rule_cmp(const void *pa, const void *pb)
{
	const struct rule *a = pa, *b = pb;
	int c;

	if (a->net != b->net)
		return a->net - b->net;
	if (!a->net) {
		if (a->port.side != b->port.side)
			return a->port.side - b->port.side;
		return a->port.port - b->port.port;
	}
	c = memcmp(a->prefix.addr, b->prefix.addr, sizeof(a->prefix.addr));
	if (c)
		return c;
	return (int)a->prefix.prefixlen - (int)b->prefix.prefixlen;
}

int rules_count(int port_fd, int net_fd)
{
	struct rule *rules = NULL;
	int n = 0;

	if (rules_read(port_fd, false, &rules, &n) ||
	    rules_read(net_fd, true, &rules, &n))
		n = -1;
	free(rules);
	return n;
}

static int rule_list(int argc, char **argv)
{
	char m[INET6_ADDRSTRLEN + 24], p[INET6_ADDRSTRLEN + 8];
	struct rule *rules = NULL, *r;
	int port_fd, net_fd, n = 0, i, rc = 1;

	if (argc)
		return usage_err("rule list: unexpected '%s'", argv[0]);
	port_fd = map_open(MAP_RULES_PORT, MAP_REQUIRED);
	if (port_fd < 0)
		return 1;
	net_fd = map_open(MAP_RULES_NET, MAP_REQUIRED);
	if (net_fd < 0)
		goto out_port;
	if (rules_read(port_fd, false, &rules, &n) ||
	    rules_read(net_fd, true, &rules, &n))
		goto out;
	qsort(rules, n, sizeof(*rules), rule_cmp);
	if (opt.json)
		j_arr(NULL);
	for (i = 0; i < n; i++) {
		r = &rules[i];
		if (!opt.json) {
			format_match(r, m, sizeof(m));
			printf("%s verdict %s dir %s\n", m,
			       verdict_name(r->val.verdict),
			       dir_name(r->val.dirs));
			continue;
		}
		j_obj(NULL);
		if (r->net) {
			format_prefix(&r->prefix, p, sizeof(p));
			j_str("match", "remote");
			j_str("prefix", p);
		} else {
			j_str("match", r->port.side == KTLS_RULE_LOCAL ?
			      "local-port" : "remote-port");
			j_u64("port", r->port.port);
		}
		j_str("verdict", verdict_name(r->val.verdict));
		j_str("dir", dir_name(r->val.dirs));
		j_end_obj();
	}
	if (opt.json)
		j_end_arr();
	rc = 0;
out:
	free(rules);
	close(net_fd);
out_port:
	close(port_fd);
	return rc;
}

int cmd_rule(int argc, char **argv)
{
	if (argc < 1)
		return usage_err("rule: add, del or list");
	if (!strcmp(argv[0], "add"))
		return rule_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del"))
		return rule_del(argc - 1, argv + 1);
	if (!strcmp(argv[0], "list"))
		return rule_list(argc - 1, argv + 1);
	return usage_err("rule: unknown '%s'", argv[0]);
}

int cmd_default(int argc, char **argv)
{
	struct ktls_config cfg = {};
	__u32 zero = 0;
	int fd, v = -1, rc = 0;

	if (argc > 1)
		return usage_err("default: one VERDICT");
	if (argc) {
		v = verdict_parse(argv[0]);
		if (v < 0)
			return usage_err("default: unknown verdict '%s'",
					 argv[0]);
	}
	fd = map_open(MAP_CONFIG, MAP_REQUIRED);
	if (fd < 0)
		return 1;
	if (v >= 0) {
		cfg.verdict = v;
		if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
			rc = err("%s: %s", MAP_CONFIG, strerror(errno));
	} else if (bpf_map_lookup_elem(fd, &zero, &cfg)) {
		rc = err("%s: %s", MAP_CONFIG, strerror(errno));
	} else if (opt.json) {
		j_obj(NULL);
		j_str("default", verdict_name(cfg.verdict));
		j_end_obj();
	} else {
		printf("default: %s\n", verdict_name(cfg.verdict));
	}
	close(fd);
	return rc;
}
