/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * <linux/ktls.h>: the SOL_TLS interface ktls.ko implements, for programs
 * built against an older <linux/tls.h> (Debian 12 ships Linux 6.1's).
 *
 * It includes the system <linux/tls.h> and adds, each under #ifndef, the
 * numbers that arrived upstream after 6.1, with upstream's values, so that
 * a newer system header always wins and nothing is numbered twice.
 * Userspace includes it as <linux/ktls.h> (-I<top>/kmod/uapi); ktls.ko
 * includes it from kmod/ktls.h.
 */
#ifndef _UAPI_LINUX_KTLS_H
#define _UAPI_LINUX_KTLS_H

#include <linux/tls.h>

/* Socket option level (in <linux/socket.h> for the kernel, glibc's too) */
#ifndef SOL_TLS
#define SOL_TLS				282
#endif

/* TCP_ULP, to attach "tls" (in <netinet/tcp.h> of newer C libraries) */
#ifndef TCP_ULP
#define TCP_ULP				31
#endif

/* SOL_TLS options; 3 (5.19) and 4 (6.0) are in 6.1, listed for older ones */
#ifndef TLS_TX_ZEROCOPY_RO
#define TLS_TX_ZEROCOPY_RO		3	/* TX zerocopy (only sendfile) */
#endif
#ifndef TLS_RX_EXPECT_NO_PAD
#define TLS_RX_EXPECT_NO_PAD		4	/* opportunistic zero-copy RX */
#endif

/*
 * TLS_TX_MAX_PAYLOAD_LEN (6.19): u16, user data bytes per record, 64 to
 * 16384 (RFC 8449 record_size_limit). The same upstream commit added the
 * sock_diag attribute TLS_INFO_TX_MAX_PAYLOAD_LEN (u16) to the enum of
 * TLS_INFO_* after TLS_INFO_RX_NO_PAD (6). An enum member cannot be tested
 * with #ifndef, so the option number tells whether the header has both.
 */
#ifndef TLS_TX_MAX_PAYLOAD_LEN
#define TLS_TX_MAX_PAYLOAD_LEN		5
#define TLS_INFO_TX_MAX_PAYLOAD_LEN	7
#endif

/*
 * Numbers reserved for ktls.ko's own extensions (none is defined yet).
 *
 * Upstream numbers SOL_TLS options and TLS cmsg types from 1 upwards and
 * has used 1..5 options and 1..2 cmsg types in eight years (6 is proposed).
 * An extension that took the next free number would collide with the next
 * upstream feature and change meaning when a program is built against a
 * newer <linux/tls.h>. Extensions therefore take numbers from these ranges,
 * far above anything upstream will reach, and a program can tell an
 * extension from an upstream number by the value alone:
 *   SOL_TLS option names:         0x1000 .. 0x1fff
 *   TLS cmsg types (cmsg_type):   0x1000 .. 0x1fff
 *   sock_diag TLS_INFO_* attrs:   0x1000 .. 0x1fff (below NLA_F_* bits)
 * A kernel without the extension answers ENOPROTOOPT (option) or EINVAL
 * (cmsg), as for any unknown number.
 */
#define KTLS_EXT_BASE			0x1000
#define KTLS_EXT_LAST			0x1fff
#define KTLS_OPT_EXT_BASE		KTLS_EXT_BASE
#define KTLS_CMSG_EXT_BASE		KTLS_EXT_BASE
#define KTLS_INFO_EXT_BASE		KTLS_EXT_BASE

#endif /* _UAPI_LINUX_KTLS_H */
