/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlssim link attributes, shared by the kernel module and the iproute2
 * plugin link_tlssim.so.  Nested in IFLA_LINKINFO / IFLA_INFO_DATA of an
 * RTM_NEWLINK request whose IFLA_INFO_KIND is "tlssim".
 *
 * TLSSIM_INFO_PEER carries a struct ifinfomsg followed by IFLA_* attributes
 * describing the other end of the pair (name, MTU, address, netns...), the
 * same encoding veth uses for VETH_INFO_PEER.  Without it, a new tlssim
 * device is created unpaired, or paired with the unpaired tlssim device
 * named by IFLA_LINK.
 */
#ifndef _UAPI_TLSSIM_LINK_H
#define _UAPI_TLSSIM_LINK_H

enum {
	TLSSIM_INFO_UNSPEC,
	TLSSIM_INFO_PEER,
	__TLSSIM_INFO_MAX
};

#define TLSSIM_INFO_MAX	(__TLSSIM_INFO_MAX - 1)

#endif /* _UAPI_TLSSIM_LINK_H */
