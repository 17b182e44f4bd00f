// SPDX-License-Identifier: GPL-2.0
/*
 * tls_dev13: a kTLS sender (TLS 1.2 or 1.3, AES-GCM-128/256, optional TLS
 * 1.3 rekeys) against an independent userspace receiver that decrypts the
 * raw TCP stream with OpenSSL and checks every byte. For the device TX
 * tests of ktls.ko beyond tls.ko: TLS 1.3 offload and rekey of a device
 * flow. The sender announces each rekey with a KeyUpdate handshake record
 * (RFC 8446 4.6.3) sent through kTLS under the old key, then installs the
 * next key; the receiver switches keys after that record. Keys of
 * generation g are a function of g, so both ends know them.
 *
 * usage: tls_dev13 -l|-C ADDR -p PORT [-V 12|13] [-k 128|256] [-n BYTES]
 *                  [-r REKEY_EVERY] [-t SECS]
 * Prints "tls_dev13: ok BYTES rekeys N" and exits 0 when byte-exact.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ktls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ktls_setup.h"

static int version = 13, keybits = 128;
static unsigned long long nbytes = 1 << 20, rekey_every;

static void die(const char *what)
{
	fprintf(stderr, "tls_dev13: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "tls_dev13: %s\n", what);
	exit(1);
}

struct keyset {
	unsigned char key[32], salt[4], iv[8];
};

static void keys_for(int gen, struct keyset *k)
{
	int i;

	for (i = 0; i < 32; i++)
		k->key[i] = 0x40 + gen * 13 + i;
	for (i = 0; i < 4; i++)
		k->salt[i] = 0x90 + gen + i;
	for (i = 0; i < 8; i++)
		k->iv[i] = 0x20 + gen * 3 + i;
}

static unsigned char byte_at(unsigned long long off)
{
	return (off * 131 + (off >> 9) * 7 + (off >> 17)) & 0xff;
}

static void set_tx(int fd, int gen)
{
	struct keyset k;
	int cipher = keybits == 128 ? TLS_CIPHER_AES_GCM_128 :
				      TLS_CIPHER_AES_GCM_256;

	keys_for(gen, &k);
	if (ktls_set_key(fd, TLS_TX, version == 13 ? TLS_1_3_VERSION :
			 TLS_1_2_VERSION, cipher, k.key, k.iv, k.salt, NULL))
		die("setsockopt TLS_TX");
}

static void send_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("send");
		p += n;
		len -= n;
	}
}

/* A KeyUpdate handshake message as one record of type handshake (22). */
static void send_key_update(int fd)
{
	unsigned char msg[5] = { 24, 0, 0, 1, 0 };
	char cbuf[CMSG_SPACE(1)] = {};
	struct iovec iov = { msg, sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(c) = 22;
	if (sendmsg(fd, &mh, 0) != sizeof(msg))
		die("sendmsg KeyUpdate");
}

static int client(int fd)
{
	unsigned char buf[16384 + 7];
	unsigned long long off = 0, next = rekey_every;
	int gen = 0, one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ktls_ulp(fd))
		die("TCP_ULP tls");
	set_tx(fd, gen);
	while (off < nbytes) {
		size_t len = sizeof(buf), i;

		if (len > nbytes - off)
			len = nbytes - off;
		if (rekey_every && len > next - off)
			len = next - off;
		for (i = 0; i < len; i++)
			buf[i] = byte_at(off + i);
		send_all(fd, buf, len);
		off += len;
		if (rekey_every && off == next && off < nbytes) {
			send_key_update(fd);
			set_tx(fd, ++gen);
			next += rekey_every;
		}
	}
	printf("tls_dev13: sent %llu rekeys %d\n", off, gen);
	return 0;
}

static int read_full(int fd, unsigned char *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		if (!n)
			return got ? -1 : 0;
		got += n;
	}
	return 1;
}

static int decrypt(int gen, uint64_t seq, const unsigned char *hdr,
		   unsigned char *body, int len, int *plen)
{
	const EVP_CIPHER *c = keybits == 128 ? EVP_aes_128_gcm() :
					       EVP_aes_256_gcm();
	unsigned char nonce[12], aad[13];
	int explicit = version == 12 ? 8 : 0, n, i, outl, aadlen;
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	struct keyset k;
	int ok;

	keys_for(gen, &k);
	n = len - explicit - 16;
	if (n < 0)
		return 0;
	memcpy(nonce, k.salt, 4);
	if (version == 12) {
		memcpy(nonce + 4, body, 8);
		for (i = 0; i < 8; i++)
			aad[i] = seq >> (56 - 8 * i);
		aad[8] = hdr[0];
		aad[9] = 3;
		aad[10] = 3;
		aad[11] = n >> 8;
		aad[12] = n;
		aadlen = 13;
	} else {
		memcpy(nonce + 4, k.iv, 8);
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= seq >> (56 - 8 * i);
		memcpy(aad, hdr, 5);
		aadlen = 5;
	}
	ok = EVP_DecryptInit_ex(x, c, NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_DecryptInit_ex(x, NULL, NULL, k.key, nonce) &&
	     EVP_DecryptUpdate(x, NULL, &outl, aad, aadlen) &&
	     EVP_DecryptUpdate(x, body, &outl, body + explicit, n) &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, 16,
				 body + explicit + n) &&
	     EVP_DecryptFinal_ex(x, body + outl, &outl);
	EVP_CIPHER_CTX_free(x);
	*plen = n;
	return ok;
}

static int server(int fd)
{
	static unsigned char body[16384 + 256 + 64];
	unsigned long long off = 0;
	unsigned char hdr[5];
	uint64_t seq = 0;
	int gen = 0, rc;

	for (;;) {
		int len, plen, type, i;

		rc = read_full(fd, hdr, 5);
		if (rc == 0)
			break;
		if (rc < 0)
			fail("truncated record header");
		len = hdr[3] << 8 | hdr[4];
		if (hdr[1] != 3 || hdr[2] != 3 || len > (int)sizeof(body))
			fail("bad record header");
		if (read_full(fd, body, len) != 1)
			fail("truncated record");
		if (!decrypt(gen, seq, hdr, body, len, &plen)) {
			fprintf(stderr, "tls_dev13: record %llu of key %d at %llu: bad tag\n",
				(unsigned long long)seq, gen, off);
			return 1;
		}
		seq++;
		type = hdr[0];
		if (version == 13) {
			while (plen > 0 && !body[plen - 1])
				plen--;
			if (!plen)
				fail("record without content type");
			type = body[--plen];
		}
		if (type == 22) {
			if (plen != 5 || body[0] != 24)
				fail("unexpected handshake record");
			gen++;
			seq = 0;
			continue;
		}
		if (type != 23)
			fail("unexpected record type");
		for (i = 0; i < plen; i++, off++)
			if (body[i] != byte_at(off)) {
				fprintf(stderr, "tls_dev13: byte %llu differs\n", off);
				return 1;
			}
	}
	if (off != nbytes) {
		fprintf(stderr, "tls_dev13: got %llu of %llu bytes\n", off, nbytes);
		return 1;
	}
	printf("tls_dev13: ok %llu rekeys %d\n", off, gen);
	return 0;
}

int main(int argc, char **argv)
{
	const char *laddr = NULL, *caddr = NULL;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int opt, port = 5100, fd, one = 1;

	while ((opt = getopt(argc, argv, "l:C:p:V:k:n:r:t:")) != -1) {
		switch (opt) {
		case 'l': laddr = optarg; break;
		case 'C': caddr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'V': version = atoi(optarg); break;
		case 'k': keybits = atoi(optarg); break;
		case 'n': nbytes = strtoull(optarg, NULL, 0); break;
		case 'r': rekey_every = strtoull(optarg, NULL, 0); break;
		case 't': alarm(atoi(optarg)); break;
		default: return 2;
		}
	}
	if (!laddr == !caddr || (version != 12 && version != 13) ||
	    (rekey_every && version != 13))
		return 2;
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, laddr ? laddr : caddr, &sa.sin_addr) != 1)
		return 2;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (laddr) {
		int c;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (void *)&sa, sizeof(sa)) || listen(fd, 1))
			die("listen");
		c = accept(fd, NULL, NULL);
		if (c < 0)
			die("accept");
		return server(c);
	}
	/* the server may not listen yet (slow guests): retry for 20 s */
	for (opt = 0; connect(fd, (void *)&sa, sizeof(sa)); opt++) {
		if (errno != ECONNREFUSED || opt == 200)
			die("connect");
		usleep(100000);
	}
	return client(fd);
}
