// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic data, digests and kernel-side socket inspection for the
 * interop tools.  See interop_data.h.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/ktls.h>

#include "log.h"
#include "interop_data.h"

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

void xfer_hdr_pack(const struct xfer_hdr *h, unsigned char out[XFER_HDR_LEN])
{
	put_be32(out, h->magic);
	put_be32(out + 4, h->flags);
	put_be64(out + 8, h->len);
	put_be64(out + 16, h->seed);
}

int xfer_hdr_unpack(const unsigned char in[XFER_HDR_LEN], struct xfer_hdr *h)
{
	h->magic = get_be32(in);
	h->flags = get_be32(in + 4);
	h->len = get_be64(in + 8);
	h->seed = get_be64(in + 16);
	return h->magic == XFER_MAGIC ? 0 : -1;
}

/*
 * splitmix64 of (seed, word index): cheap, well mixed, and position based so
 * that the receiver never has to keep generator state in step with the
 * sender's chunking.
 */
static uint64_t stream_word(uint64_t seed, uint64_t idx)
{
	uint64_t z = seed + (idx + 1) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void stream_fill(uint64_t seed, uint64_t pos, unsigned char *buf, size_t len)
{
	while (len) {
		uint64_t w = stream_word(seed, pos / 8);
		unsigned int off = pos % 8;
		unsigned char b[8];
		size_t n = 8 - off;

		put_be64(b, w);
		if (n > len)
			n = len;
		memcpy(buf, b + off, n);
		buf += n;
		pos += n;
		len -= n;
	}
}

long long stream_compare(uint64_t seed, uint64_t pos, const unsigned char *buf,
			 size_t len)
{
	unsigned char exp[4096];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done, i;

		if (n > sizeof(exp))
			n = sizeof(exp);
		stream_fill(seed, pos + done, exp, n);
		if (memcmp(exp, buf + done, n)) {
			for (i = 0; i < n; i++)
				if (exp[i] != buf[done + i])
					return (long long)(pos + done + i);
		}
		done += n;
	}
	return -1;
}

int digest_init(struct digest *d)
{
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx)
		return -1;
	return EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

int digest_update(struct digest *d, const void *buf, size_t len)
{
	return EVP_DigestUpdate(d->ctx, buf, len) == 1 ? 0 : -1;
}

int digest_final(struct digest *d)
{
	unsigned int n = 0;
	int ok = EVP_DigestFinal_ex(d->ctx, d->md, &n) == 1 &&
		 n == XFER_DIGEST_LEN;

	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
	return ok ? 0 : -1;
}

void digest_hex(const unsigned char md[XFER_DIGEST_LEN], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < XFER_DIGEST_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = 0;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sock_set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_SEC };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int sock_accept_one(int lfd)
{
	int fd;

	sock_set_timeouts(lfd);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	close(lfd);
	sock_set_timeouts(fd);
	return fd;
}

/*
 * Asking with exactly sizeof(struct tls_crypto_info) returns just the
 * version and cipher, never key material; any other length must match the
 * configured cipher's structure exactly.
 */
static void query_dir(int fd, int opt, int *version, int *cipher)
{
	struct tls_crypto_info ci = { 0 };
	socklen_t len = sizeof(ci);

	*version = 0;
	*cipher = 0;
	if (getsockopt(fd, SOL_TLS, opt, &ci, &len) == 0 && len == sizeof(ci)) {
		*version = ci.version;
		*cipher = ci.cipher_type;
	}
}

void ktls_kernel_query(int fd, struct ktls_kernel_view *v)
{
	socklen_t len = sizeof(v->ulp) - 1;

	memset(v, 0, sizeof(*v));
	if (getsockopt(fd, IPPROTO_TCP, TCP_ULP, v->ulp, &len) != 0)
		v->ulp[0] = 0;
	v->ulp[sizeof(v->ulp) - 1] = 0;
	if (strcmp(v->ulp, "tls"))
		return;
	query_dir(fd, TLS_TX, &v->tx_version, &v->tx_cipher);
	query_dir(fd, TLS_RX, &v->rx_version, &v->rx_cipher);
}
