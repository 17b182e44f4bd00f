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
 * Numbers reserved for ktls.ko's own extensions.
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

/*
 * TLS_TX_MODE, TLS_RX_MODE (int, TLS_MODE_*): how a direction runs, and a
 * live switch between software and the device (FreeBSD's TCP_TXTLS_MODE
 * and TCP_RXTLS_MODE). getsockopt answers TLS_MODE_NONE before TLS_TX /
 * TLS_RX. setsockopt switches at a record boundary: records already framed
 * finish in the mode that framed them, sequence numbers continue. Errors:
 * EINVAL an unknown mode (or TLS_MODE_NONE) or a listening socket,
 * ENOTCONN no key set for the direction yet, EALREADY already in that
 * mode, ENXIO device use disabled (net.ktls.device_enable) or no capable
 * device on the route, EBUSY another switch of the socket is running,
 * EAGAIN (non-blocking socket) records framed before the switch are still
 * waiting for room in the socket buffer.
 */
#define TLS_TX_MODE			(KTLS_OPT_EXT_BASE + 0)
#define TLS_RX_MODE			(KTLS_OPT_EXT_BASE + 1)
#define TLS_MODE_NONE			0
#define TLS_MODE_SW			1
#define TLS_MODE_DEVICE			2

/*
 * TLS_RX_RECORD (int, 0 or 1; EINVAL otherwise): per-record receive
 * (FreeBSD's receive model), settable before or after TLS_RX. With 1,
 * every recvmsg returns bytes of one record only, with a TLS_GET_RECORD
 * cmsg (level SOL_TLS) describing the record on every call (MSG_CTRUNC
 * without room for it), and MSG_EOR on the call that returns the record's
 * last byte: a smaller buffer gets the record's first bytes, and the
 * next call continues it. MSG_PEEK does not consume; MSG_WAITALL does
 * not join records; empty data records are skipped. Errnos as FreeBSD's:
 * EMSGSIZE a length too large or too small, or the end of the stream
 * inside a record; EINVAL another version, or a TLS 1.3 outer type other
 * than 23; EBADMSG a record that fails authentication (fatal, as in
 * stream mode). splice and read_sock keep stream semantics.
 */
#define TLS_RX_RECORD			(KTLS_OPT_EXT_BASE + 2)
#define TLS_GET_RECORD			(KTLS_CMSG_EXT_BASE + 0)

/* The TLS_GET_RECORD cmsg data, FreeBSD's layout. */
struct tls_get_record {
	__u8 tls_type;		/* content type (TLS 1.3: the inner type) */
	__u8 tls_vmajor;	/* version as on the wire: 3 */
	__u8 tls_vminor;	/* 3 for TLS 1.2 and TLS 1.3 */
	__be16 tls_length;	/* plaintext bytes of the record, big-endian */
};

/*
 * AES-CBC with HMAC, MAC-then-encrypt (RFC 5246 6.2.3.2; FreeBSD's CBC
 * suites), software only, refused with EOPNOTSUPP (ENOTSUP) unless
 * net.ktls.cbc_enable is 1. Versions: SHA1 with TLS 1.0, 1.1 and 1.2,
 * SHA256 and SHA384 with TLS 1.2 only (EINVAL otherwise). TLS 1.1 and
 * 1.2 records carry a random explicit IV; TLS 1.0 chains the IV from
 * the last ciphertext block, the first record's from @iv. Receiving TLS
 * 1.0 is EPROTONOSUPPORT, as FreeBSD. Padding is minimal on send; on
 * receive any padding up to 255 bytes is accepted and padding and MAC
 * are checked in constant time; a bad MAC or padding is EBADMSG, a
 * length that is not a block multiple or too short for the MAC EMSGSIZE.
 * TLS_TX/TLS_RX take struct tls_crypto_info_aes_cbc_hmac for every
 * TLS_CIPHER_AES_CBC_* type; the key sizes follow from the type.
 */
#ifndef TLS_1_0_VERSION
#define TLS_1_0_VERSION			0x0301
#endif
#ifndef TLS_1_1_VERSION
#define TLS_1_1_VERSION			0x0302
#endif
#define KTLS_CIPHER_EXT_BASE		KTLS_EXT_BASE
#define TLS_CIPHER_AES_CBC_128_SHA1	(KTLS_CIPHER_EXT_BASE + 0)
#define TLS_CIPHER_AES_CBC_256_SHA1	(KTLS_CIPHER_EXT_BASE + 1)
#define TLS_CIPHER_AES_CBC_128_SHA256	(KTLS_CIPHER_EXT_BASE + 2)
#define TLS_CIPHER_AES_CBC_256_SHA256	(KTLS_CIPHER_EXT_BASE + 3)
#define TLS_CIPHER_AES_CBC_128_SHA384	(KTLS_CIPHER_EXT_BASE + 4)
#define TLS_CIPHER_AES_CBC_256_SHA384	(KTLS_CIPHER_EXT_BASE + 5)
#define TLS_CIPHER_AES_CBC_IV_SIZE	16
#define TLS_CIPHER_AES_CBC_KEY_MAX	32
#define TLS_CIPHER_AES_CBC_MAC_KEY_MAX	48
#define TLS_CIPHER_AES_CBC_REC_SEQ_SIZE	8

struct tls_crypto_info_aes_cbc_hmac {
	struct tls_crypto_info info;
	/* TLS 1.0: the first record's IV; TLS 1.1, 1.2: ignored */
	unsigned char iv[TLS_CIPHER_AES_CBC_IV_SIZE];
	/* the AES key: its first 16 (AES-128) or 32 (AES-256) bytes */
	unsigned char key[TLS_CIPHER_AES_CBC_KEY_MAX];
	/* the HMAC key: its first 20 (SHA1), 32 (SHA256) or 48 bytes */
	unsigned char mac_key[TLS_CIPHER_AES_CBC_MAC_KEY_MAX];
	unsigned char rec_seq[TLS_CIPHER_AES_CBC_REC_SEQ_SIZE];
};

/*
 * BPF steering. ktls.ko runs the socket's cgroup sock_ops programs (those
 * `bpftool cgroup attach CG sock_ops ...` installs) with the op values
 * below, as TCP does with BPF_SOCK_OPS_*. They sit far above the kernel's
 * (0..~20) and below 256 (the kernel keeps op in a u8).
 *
 * The kernel keeps reply in the same memory as args[0], and every program
 * of the cgroup sees every op: one that ran earlier may have written its
 * reply over args[0]. So args[0] carries nothing: read the arguments with
 * the KTLS_ARG_* accessors (they take the program's struct bpf_sock_ops *,
 * or the kernel's struct bpf_sock_ops_kern *).
 *
 *   op                           when                         socket lock
 *   KTLS_SOCK_OPS_POLICY         TLS_TX/TLS_RX is being set,  held
 *                                before a device is tried
 *   KTLS_SOCK_OPS_INSTALLED      TLS_TX/TLS_RX answered       held
 *   KTLS_SOCK_OPS_FALLBACK       a device direction moved to  deferred
 *                                software
 *   KTLS_SOCK_OPS_RESYNC         the device was resynced      deferred
 *   KTLS_SOCK_OPS_DECRYPT_ERROR  records failed to decrypt    deferred
 *   KTLS_SOCK_OPS_REKEY          a new key for a direction    held
 *   KTLS_SOCK_OPS_CLOSE          close(), once per direction  held
 *                                that was installed
 * Deferred: these happen where the socket is not locked (softirq, the
 * device-down notifier), so they are counted on the socket and delivered
 * at its next locked point (sendmsg, recvmsg, setsockopt, close) with the
 * number since the last delivery (KTLS_ARG_COUNT): none is lost, and
 * close delivers what is pending before KTLS_SOCK_OPS_CLOSE.
 *
 * Arguments. Every op: KTLS_ARG_DIR, KTLS_DIR_TX or KTLS_DIR_RX.
 *   POLICY:     KTLS_ARG_VERSION (TLS_1_2_VERSION, TLS_1_3_VERSION),
 *               KTLS_ARG_CIPHER (TLS_CIPHER_*), KTLS_ARG_IFINDEX (the
 *               device the route leaves by, 0 if none), KTLS_ARG_DEV_CAPABLE
 *               (1: it offloads this direction and cipher).
 *   INSTALLED:  KTLS_ARG_MODE (KTLS_MODE_NONE when the setsockopt fails),
 *               KTLS_ARG_ERRNO (positive; 0: success), KTLS_ARG_VERDICT
 *               (the verdict applied, never DEFAULT), KTLS_ARG_IFINDEX.
 *   FALLBACK:   KTLS_ARG_REASON (KTLS_FALLBACK_*), KTLS_ARG_COUNT.
 *   RESYNC, DECRYPT_ERROR: KTLS_ARG_COUNT.
 *   REKEY:      KTLS_ARG_MODE (after the rekey), KTLS_ARG_ERRNO.
 *   CLOSE:      KTLS_ARG_MODE, KTLS_ARG_RECORDS, KTLS_ARG_BYTES (u64: the
 *               plaintext of every record of the direction, data and
 *               control; 48 bits).
 *
 * The program answers POLICY with reply = KTLS_VERDICT(v). A reply
 * without the tag (the kernel's samples write -1 for ops they do not
 * know) is no answer, and the default applies: module parameter
 * bpf_default, "device" (as tls.ko: the device when it can) or
 * "software". With several programs on the cgroup the last one to run
 * decides. A run that fails (a program returned 0) is no answer too, or
 * KTLS_VERDICT_DENY when module parameter bpf_fail is "closed". A reply
 * KTLS_VERDICT(KTLS_VERDICT_SW) to FALLBACK, RESYNC or DECRYPT_ERROR while
 * the direction runs on the device moves it to software, as TLS_TX_MODE /
 * TLS_RX_MODE would (counted in KtlsTxSwitchToSw / KtlsRxSwitchToSw).
 * Other replies to the other ops are ignored.
 */
#define KTLS_SOCK_OPS_POLICY		0xa0
#define KTLS_SOCK_OPS_INSTALLED		0xa1
#define KTLS_SOCK_OPS_FALLBACK		0xa2
#define KTLS_SOCK_OPS_RESYNC		0xa3
#define KTLS_SOCK_OPS_DECRYPT_ERROR	0xa4
#define KTLS_SOCK_OPS_REKEY		0xa5
#define KTLS_SOCK_OPS_CLOSE		0xa6

#define KTLS_DIR_TX			1
#define KTLS_DIR_RX			2

#define KTLS_VERDICT_DEFAULT		0	/* the module's default */
#define KTLS_VERDICT_SW			1	/* software even with a device */
#define KTLS_VERDICT_DEVICE		2	/* the device, else software */
#define KTLS_VERDICT_DEVICE_ONLY	3	/* the device, else EOPNOTSUPP */
#define KTLS_VERDICT_DENY		4	/* EPERM: no kernel TLS */
#define KTLS_VERDICT_MAX		KTLS_VERDICT_DENY

#define KTLS_VERDICT_TAG		0x4b540000u	/* "KT" */
#define KTLS_VERDICT_TAG_MASK		0xffff0000u
#define KTLS_VERDICT(v)			(KTLS_VERDICT_TAG | (__u32)(v))

#define KTLS_MODE_NONE			0
#define KTLS_MODE_SW			1
#define KTLS_MODE_DEVICE		2

#define KTLS_FALLBACK_DEV_DOWN		1	/* device down or unregistered */
#define KTLS_FALLBACK_REKEY		2	/* the device refused a new key */
#define KTLS_FALLBACK_REXMIT		3	/* retransmitted share too high */
#define KTLS_FALLBACK_ROUTE		4	/* the route left the device */

/*
 * The layout behind the accessors:
 *   args[1]  bits 0-7 direction; 8-15 mode, reason or device capable;
 *            16-23 verdict (INSTALLED) or bytes 32-47 (CLOSE)
 *   args[2]  version << 16 | cipher (POLICY); errno (INSTALLED, REKEY);
 *            count; records (CLOSE)
 *   args[3]  ifindex; bytes 0-31 (CLOSE)
 */
#define KTLS_ARG_DIR(s)			((s)->args[1] & 0xff)
#define KTLS_ARG_MODE(s)		(((s)->args[1] >> 8) & 0xff)
#define KTLS_ARG_REASON(s)		KTLS_ARG_MODE(s)
#define KTLS_ARG_DEV_CAPABLE(s)		KTLS_ARG_MODE(s)
#define KTLS_ARG_VERDICT(s)		(((s)->args[1] >> 16) & 0xff)
#define KTLS_ARG_VERSION(s)		((s)->args[2] >> 16)
#define KTLS_ARG_CIPHER(s)		((s)->args[2] & 0xffff)
#define KTLS_ARG_ERRNO(s)		((s)->args[2])
#define KTLS_ARG_COUNT(s)		((s)->args[2])
#define KTLS_ARG_RECORDS(s)		((s)->args[2])
#define KTLS_ARG_IFINDEX(s)		((s)->args[3])
#define KTLS_ARG_BYTES(s)		((__u64)((s)->args[1] >> 16) << 32 | \
					 (s)->args[3])

#endif /* _UAPI_LINUX_KTLS_H */
