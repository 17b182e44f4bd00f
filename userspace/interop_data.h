/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the interop tools: the deterministic test stream, the
 * per-phase wire header, SHA-256 accounting and a look at the kernel's view
 * of a kTLS socket (TCP_ULP, TLS_TX/TLS_RX getsockopt).
 */
#ifndef KTLS_INTEROP_DATA_H
#define KTLS_INTEROP_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "ktls_setup.h"	/* ktls_cipher_name() */

#define XFER_MAGIC	0x4b54494fu	/* "KTIO" */
#define XFER_F_STREAM	0x1u		/* payload is the seeded stream */
#define XFER_HDR_LEN	24
#define XFER_DIGEST_LEN	32

/*
 * Every transfer phase on the wire: a header, the payload, then the SHA-256
 * of the payload as the sender computed it.  The receiver recomputes the
 * digest over what it got and, for stream payloads, also compares every byte
 * with the regenerated stream so that a corruption is located exactly.
 */
struct xfer_hdr {
	uint32_t magic;
	uint32_t flags;
	uint64_t len;
	uint64_t seed;
};

void xfer_hdr_pack(const struct xfer_hdr *h, unsigned char out[XFER_HDR_LEN]);
int xfer_hdr_unpack(const unsigned char in[XFER_HDR_LEN], struct xfer_hdr *h);

/* Byte @pos of the stream for @seed; stateless, so any offset can be made. */
void stream_fill(uint64_t seed, uint64_t pos, unsigned char *buf, size_t len);

/* Returns the offset of the first byte that differs, or -1 if all match. */
long long stream_compare(uint64_t seed, uint64_t pos, const unsigned char *buf,
			 size_t len);

struct digest {
	EVP_MD_CTX *ctx;
	unsigned char md[XFER_DIGEST_LEN];
};

int digest_init(struct digest *d);
int digest_update(struct digest *d, const void *buf, size_t len);
int digest_final(struct digest *d);
void digest_hex(const unsigned char md[XFER_DIGEST_LEN], char out[65]);

double now_seconds(void);

/*
 * Bound every blocking accept/read/write on @fd, so that a dead or stuck
 * peer fails the run with a message instead of hanging it.
 */
#define IO_TIMEOUT_SEC 300
void sock_set_timeouts(int fd);
/* Accept one connection on @lfd, close @lfd; both bounded; die() on error. */
int sock_accept_one(int lfd);

struct ktls_kernel_view {
	char ulp[16];		/* TCP_ULP name, "" when none */
	int tx_version, tx_cipher;	/* from getsockopt(SOL_TLS, TLS_TX) */
	int rx_version, rx_cipher;	/* 0 when the direction is not set */
};

void ktls_kernel_query(int fd, struct ktls_kernel_view *v);

#endif
