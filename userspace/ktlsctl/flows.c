// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl flows: the kTLS sockets of this network namespace, from
 * sock_diag. The TLS part of a socket comes in INET_DIAG_ULP_INFO, which
 * inet_diag adds with the other TCP extras when INET_DIAG_INFO is asked
 * for (idiag_ext is 8 bits: INET_DIAG_ULP_INFO, 28, has no bit of its
 * own). Its nest holds INET_ULP_INFO_NAME ("tls") and INET_ULP_INFO_TLS
 * (TLS_INFO_VERSION, _CIPHER, _TXCONF, _RXCONF as u16).
 *
 * The device comes from the policy's ktls_flows map, keyed by the socket
 * cookie, which inet_diag reports in idiag_cookie: '-' without the map
 * or without an entry (a flow set up before the policy was loaded).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/ktls.h>

#include <bpf/bpf.h>

#include "ktlsctl.h"
#include "out.h"

struct flow {
	int family;
	unsigned char laddr[16], raddr[16];
	__u16 lport, rport;
	__u64 cookie;
	__u16 version, cipher, txconf, rxconf;
	char dev[IF_NAMESIZE];	/* "" unknown */
};

struct flows {
	struct flow *v;
	int n;
};

static const struct nlattr *nla_next(const struct nlattr *a, int *rem)
{
	int len = NLA_ALIGN(a->nla_len);

	*rem -= len;
	return (const struct nlattr *)((const char *)a + len);
}

static bool nla_ok(const struct nlattr *a, int rem)
{
	return rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= rem;
}

#define nla_for_each(a, head, len, rem) \
	for ((a) = (head), (rem) = (len); nla_ok(a, rem); \
	     (a) = nla_next(a, &(rem)))

static const void *nla_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int nla_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static __u16 nla_u16(const struct nlattr *a)
{
	__u16 v = 0;

	if (nla_len(a) >= (int)sizeof(v))
		memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

static void parse_tls(struct flow *f, const struct nlattr *nest)
{
	const struct nlattr *a;
	int rem;

	nla_for_each(a, nla_data(nest), nla_len(nest), rem) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case TLS_INFO_VERSION:
			f->version = nla_u16(a);
			break;
		case TLS_INFO_CIPHER:
			f->cipher = nla_u16(a);
			break;
		case TLS_INFO_TXCONF:
			f->txconf = nla_u16(a);
			break;
		case TLS_INFO_RXCONF:
			f->rxconf = nla_u16(a);
			break;
		}
	}
}

/* true: the ULP is "tls" and @f has its TLS info */
static bool parse_ulp(struct flow *f, const struct nlattr *nest)
{
	const struct nlattr *a, *tls = NULL;
	bool is_tls = false;
	int rem;

	nla_for_each(a, nla_data(nest), nla_len(nest), rem) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case INET_ULP_INFO_NAME:
			is_tls = nla_len(a) >= 4 && !strcmp(nla_data(a), "tls");
			break;
		case INET_ULP_INFO_TLS:
			tls = a;
			break;
		}
	}
	if (is_tls && tls)
		parse_tls(f, tls);
	return is_tls;
}

static int flow_add(struct flows *fl, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *r = NLMSG_DATA(h);
	const struct nlattr *a;
	struct flow f = {}, *grown;
	int rem, len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*r));
	bool tls = false;

	if (len < 0)
		return 0;
	nla_for_each(a, (const struct nlattr *)(r + 1), len, rem)
		if ((a->nla_type & NLA_TYPE_MASK) == INET_DIAG_ULP_INFO)
			tls = parse_ulp(&f, a);
	if (!tls)
		return 0;
	f.family = r->idiag_family;
	memcpy(f.laddr, r->id.idiag_src, 16);
	memcpy(f.raddr, r->id.idiag_dst, 16);
	f.lport = ntohs(r->id.idiag_sport);
	f.rport = ntohs(r->id.idiag_dport);
	/* as sock_diag_save_cookie() splits it */
	f.cookie = (__u64)r->id.idiag_cookie[1] << 32 | r->id.idiag_cookie[0];
	grown = realloc(fl->v, (fl->n + 1) * sizeof(*grown));
	if (!grown)
		return err("out of memory");
	fl->v = grown;
	fl->v[fl->n++] = f;
	return 0;
}

static int dump_family(int nl, int family, struct flows *fl)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h.nlmsg_len = sizeof(req),
		.h.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.r.sdiag_family = family,
		.r.sdiag_protocol = IPPROTO_TCP,
		.r.idiag_states = ~0u,
		.r.idiag_ext = 1 << (INET_DIAG_INFO - 1),
	};
	static __u32 buf[8192];
	const struct nlmsghdr *h;
	ssize_t n;

	if (send(nl, &req, sizeof(req), 0) < 0)
		return err("sock_diag: %s", strerror(errno));
	for (;;) {
		n = recv(nl, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err("sock_diag: %s", strerror(errno));
		}
		if (!n)
			return err("sock_diag: unexpected end");
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return err("sock_diag: %s",
					   strerror(-e->error));
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
			    flow_add(fl, h))
				return 1;
		}
	}
}

static void add_devices(struct flows *fl)
{
	struct ktls_flow kf;
	int fd, i;

	fd = map_open(MAP_FLOWS, MAP_OPTIONAL);
	if (fd < 0)
		return;
	for (i = 0; i < fl->n; i++) {
		if (bpf_map_lookup_elem(fd, &fl->v[i].cookie, &kf) ||
		    !kf.ifindex)
			continue;
		if (!if_indextoname(kf.ifindex, fl->v[i].dev))
			snprintf(fl->v[i].dev, IF_NAMESIZE, "if%u", kf.ifindex);
	}
	close(fd);
}

static int flow_cmp(const void *pa, const void *pb)
{
	const struct flow *a = pa, *b = pb;
	int c;

	if (a->family != b->family)
		return a->family - b->family;
	c = memcmp(a->laddr, b->laddr, 16);
	if (c)
		return c;
	if (a->lport != b->lport)
		return a->lport - b->lport;
	c = memcmp(a->raddr, b->raddr, 16);
	if (c)
		return c;
	return a->rport - b->rport;
}

static void format_addr(int family, const unsigned char *addr, char *buf,
			size_t len)
{
	if (!inet_ntop(family, addr, buf, len))
		snprintf(buf, len, "?");
}

/* address:port, IPv6 in brackets, as ss prints them */
static void format_ep(int family, const unsigned char *addr, __u16 port,
		      char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	format_addr(family, addr, a, sizeof(a));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

#define EP_LEN	(INET6_ADDRSTRLEN + 8)

static void print_json(const struct flows *fl)
{
	char a[INET6_ADDRSTRLEN], cbuf[8];
	const struct flow *f;
	int i;

	j_arr(NULL);
	for (i = 0; i < fl->n; i++) {
		f = &fl->v[i];
		j_obj(NULL);
		j_str("family", f->family == AF_INET6 ? "ipv6" : "ipv4");
		format_addr(f->family, f->laddr, a, sizeof(a));
		j_str("local_address", a);
		j_u64("local_port", f->lport);
		format_addr(f->family, f->raddr, a, sizeof(a));
		j_str("remote_address", a);
		j_u64("remote_port", f->rport);
		j_str("version", version_name(f->version));
		j_str("cipher", f->cipher ?
		      cipher_name(f->cipher, cbuf, sizeof(cbuf)) : NULL);
		j_str("tx", conf_name(f->txconf));
		j_str("rx", conf_name(f->rxconf));
		j_str("dev", f->dev[0] ? f->dev : NULL);
		j_end_obj();
	}
	j_end_arr();
}

static int width(int cur, const char *s)
{
	int n = strlen(s);

	return n > cur ? n : cur;
}

static void print_human(const struct flows *fl)
{
	char l[EP_LEN], r[EP_LEN], cbuf[8];
	int i, wl = 5, wr = 6, wc = 6;
	const struct flow *f;
	const char *c, *v;

	for (i = 0; i < fl->n; i++) {
		f = &fl->v[i];
		format_ep(f->family, f->laddr, f->lport, l, sizeof(l));
		format_ep(f->family, f->raddr, f->rport, r, sizeof(r));
		wl = width(wl, l);
		wr = width(wr, r);
		c = cipher_name(f->cipher, cbuf, sizeof(cbuf));
		if (f->cipher)
			wc = width(wc, c);
	}
	printf("%-*s  %-*s  %-7s  %-*s  %-9s  %-9s  %s\n", wl, "LOCAL", wr,
	       "REMOTE", "VERSION", wc, "CIPHER", "TX", "RX", "DEV");
	for (i = 0; i < fl->n; i++) {
		f = &fl->v[i];
		format_ep(f->family, f->laddr, f->lport, l, sizeof(l));
		format_ep(f->family, f->raddr, f->rport, r, sizeof(r));
		v = version_name(f->version);
		c = cipher_name(f->cipher, cbuf, sizeof(cbuf));
		if (!f->cipher)
			c = "-";
		printf("%-*s  %-*s  %-7s  %-*s  %-9s  %-9s  %s\n", wl, l, wr, r,
		       v ? v : "-", wc, c, conf_name(f->txconf),
		       conf_name(f->rxconf), f->dev[0] ? f->dev : "-");
	}
}

int cmd_flows(int argc, char **argv)
{
	struct flows fl = {};
	int nl, rc;

	if (argc)
		return usage_err("flows: unexpected '%s'", argv[0]);
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return err("sock_diag socket: %s", strerror(errno));
	rc = dump_family(nl, AF_INET, &fl);
	if (!rc)
		rc = dump_family(nl, AF_INET6, &fl);
	close(nl);
	if (!rc) {
		add_devices(&fl);
		qsort(fl.v, fl.n, sizeof(*fl.v), flow_cmp);
		if (opt.json)
			print_json(&fl);
		else
			print_human(&fl);
	}
	free(fl.v);
	return rc;
}
