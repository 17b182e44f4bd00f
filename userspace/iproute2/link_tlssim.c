// SPDX-License-Identifier: GPL-2.0
/*
 * link_tlssim.so: iproute2 plugin for "ip link add A type tlssim peer ...".
 *
 * ip(8) loads $IP_LIB_DIR/link_<kind>.so (default /usr/lib/ip) and looks up
 * the symbol "<kind>_link_util".  iproute2 installs no headers, so struct
 * link_util below is declared to match, member for member, the one in
 * ip/ip_common.h of iproute2 6.1 (Debian bookworm); only next, id, maxattr,
 * parse_opt and print_help are used, and the layout of that prefix has
 * been the same for years.  The helpers come from the ip binary itself,
 * which exports them dynamically (nm -D /usr/sbin/ip).
 *
 * The peer's options are parsed by ip's own iplink_parse() into a
 * TLSSIM_INFO_PEER attribute: a struct ifinfomsg followed by IFLA_*
 * attributes, nested in IFLA_INFO_DATA, the encoding veth uses too.
 */
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "tlssim_link.h"

struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f, struct rtattr *xstats);
	void (*print_help)(struct link_util *lu, int argc, char **argv, FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

/* From the ip binary.  The request buffer ip passes us is an iplink_req. */
struct iplink_req;
int iplink_parse(int argc, char **argv, struct iplink_req *req, char **type);
struct rtattr *addattr_nest(struct nlmsghdr *n, int maxlen, int type);
int addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest);

/* sizeof(struct iplink_req) minus the headers: ip's attribute space. */
#define TLSSIM_REQ_MAXLEN	1024

static void tlssim_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add NAME type tlssim [ peer [ name PEER ] [ OPTIONS ] ]\n"
		"       ip link add NAME link UNPAIRED type tlssim\n"
		"OPTIONS for the peer are those of 'ip link add' (netns, mtu, address...).\n");
}

static int tlssim_parse_opt(struct link_util *lu, int argc, char **argv,
			    struct nlmsghdr *n)
{
	struct ifinfomsg *ifm = NLMSG_DATA(n), outer, *peer;
	struct rtattr *nest;
	char *type = NULL;
	int used;

	(void)lu;
	if (argc < 1 || strcmp(argv[0], "peer") != 0) {
		tlssim_usage(stderr);
		return -1;
	}

	/*
	 * iplink_parse() records flags and index in the request's ifinfomsg:
	 * let it, then move what it wrote into the peer's ifinfomsg and put
	 * back the values of the device being created.
	 */
	outer = *ifm;
	ifm->ifi_flags = 0;
	ifm->ifi_change = 0;
	ifm->ifi_index = 0;

	nest = addattr_nest(n, TLSSIM_REQ_MAXLEN, TLSSIM_INFO_PEER);
	if (!nest)
		return -1;
	peer = RTA_DATA(nest);
	memset(peer, 0, sizeof(*peer));
	n->nlmsg_len += NLMSG_ALIGN(sizeof(*peer));

	used = iplink_parse(argc - 1, argv + 1, (struct iplink_req *)n, &type);
	if (used < 0)
		return used;
	if (type) {
		fprintf(stderr, "tlssim: the peer cannot have a \"type\"\n");
		return -1;
	}

	peer->ifi_flags = ifm->ifi_flags;
	peer->ifi_change = ifm->ifi_change;
	peer->ifi_index = ifm->ifi_index;
	ifm->ifi_flags = outer.ifi_flags;
	ifm->ifi_change = outer.ifi_change;
	ifm->ifi_index = outer.ifi_index;

	addattr_nest_end(n, nest);
	/* Nonzero (arguments left over) makes ip fail the command. */
	return argc - 1 - used;
}

static void tlssim_print_help(struct link_util *lu, int argc, char **argv, FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	tlssim_usage(f);
}

struct link_util tlssim_link_util = {
	.id		= "tlssim",
	.maxattr	= TLSSIM_INFO_MAX,
	.parse_opt	= tlssim_parse_opt,
	.print_help	= tlssim_print_help,
};
