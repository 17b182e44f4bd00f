// SPDX-License-Identifier: GPL-2.0
/*
 * core_txcheck: verify ktls TX records with an independent implementation.
 *
 * A TCP pair over loopback; the sender has TLS_TX (ktls), the receiver
 * reads the raw TCP stream and decrypts every record with OpenSSL's EVP,
 * checking: header fields, record sizes (<= the max payload, exact
 * boundaries where the send pattern defines them), sequence numbers,
 * content types, and every plaintext byte against the generated stream.
 *
 * usage: core_txcheck -V 12|13 -c gcm128|gcm256|ccm|chacha
 *                     -m send|more|iov|sendfile|splice|mixed|ctrl|eor
 *                     [-n total] [-s chunk] [-L max_payload_len]
 *                     [-q byte: initial rec_seq filled with it]
 * Exit 0 on success; a diagnostic on stderr otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ktls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktls_setup.h"
#include "log.h"
#include "net.h"


static int ver13, cipher, keylen, ivlen, saltlen;
static unsigned char key[32], iv[12], salt[4], seq0[8];
static int maxlen = 16384;

static unsigned char gen(size_t i)
{
	return (unsigned char)((i * 131) ^ (i >> 9) ^ 0x5a);
}

static void setup_tx(int fd)
{
	uint16_t version = ver13 ? TLS_1_3_VERSION : TLS_1_2_VERSION;

	if (ktls_ulp(fd))
		die("TCP_ULP: %s", strerror(errno));
	/* iv[] holds the cipher's iv (8 bytes, or ChaCha20's 12) */
	if (ktls_set_key(fd, TLS_TX, version, cipher, key, iv, salt, seq0))
		die("TLS_TX: %s", strerror(errno));
	if (maxlen != 16384) {
		uint16_t v = maxlen;

		if (setsockopt(fd, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, sizeof(v)))
			die("TLS_TX_MAX_PAYLOAD_LEN: %s", strerror(errno));
	}
}

static const EVP_CIPHER *evp(void)
{
	switch (cipher) {
	case TLS_CIPHER_AES_GCM_128: return EVP_aes_128_gcm();
	case TLS_CIPHER_AES_GCM_256: return EVP_aes_256_gcm();
	case TLS_CIPHER_AES_CCM_128: return EVP_aes_128_ccm();
	default: return EVP_chacha20_poly1305();
	}
}

/* decrypt one record body; returns plaintext length or -1 */
static int open_record(const unsigned char *hdr, const unsigned char *body,
		       int blen, uint64_t seq, unsigned char *out)
{
	unsigned char nonce[12], aad[13], seqb[8];
	int explicit = !ver13 && cipher != TLS_CIPHER_CHACHA20_POLY1305;
	int ctlen, aadlen, n, ccm = cipher == TLS_CIPHER_AES_CCM_128;
	const unsigned char *ct = body + (explicit ? 8 : 0);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int i, ok = 1;

	for (i = 0; i < 8; i++)
		seqb[i] = seq >> (56 - 8 * i);
	ctlen = blen - (explicit ? 8 : 0) - 16;
	if (ctlen < 0)
		return -1;
	if (explicit) {
		memcpy(nonce, salt, 4);
		memcpy(nonce + 4, body, 8);
	} else {
		if (cipher == TLS_CIPHER_CHACHA20_POLY1305) {
			memcpy(nonce, iv, 12);
		} else {
			memcpy(nonce, salt, 4);
			memcpy(nonce + 4, iv, 8);
		}
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= seqb[i];
	}
	if (ver13) {
		memcpy(aad, hdr, 5);
		aadlen = 5;
	} else {
		memcpy(aad, seqb, 8);
		aad[8] = hdr[0]; aad[9] = 3; aad[10] = 3;
		aad[11] = ctlen >> 8; aad[12] = ctlen & 0xff;
		aadlen = 13;
	}
	ok &= EVP_DecryptInit_ex(c, evp(), NULL, NULL, NULL);
	ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
	if (ccm)
		ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16,
					  (void *)(ct + ctlen));
	ok &= EVP_DecryptInit_ex(c, NULL, NULL, key, nonce);
	if (ccm)
		ok &= EVP_DecryptUpdate(c, NULL, &n, NULL, ctlen);
	ok &= EVP_DecryptUpdate(c, NULL, &n, aad, aadlen);
	if (ccm) {
		ok &= EVP_DecryptUpdate(c, out, &n, ct, ctlen) > 0;
	} else {
		ok &= EVP_DecryptUpdate(c, out, &n, ct, ctlen);
		ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16,
					  (void *)(ct + ctlen));
		ok &= EVP_DecryptFinal_ex(c, out + n, &n) > 0;
	}
	EVP_CIPHER_CTX_free(c);
	return ok ? ctlen : -1;
}

/* Splice @n bytes at @off of file @f into socket @fd through pipe @p. */
static void splice_out(int f, size_t off, int p[2], int fd, size_t n, int more)
{
	while (n) {
		loff_t lo = off;
		ssize_t r = splice(f, &lo, p[1], NULL, n, 0);

		if (r > 0)
			r = splice(p[0], NULL, fd, NULL, r,
				   more || (size_t)r < n ? SPLICE_F_MORE : 0);
		if (r <= 0)
			die("splice at %zu: %zd %s", off, r, strerror(errno));
		off += r;
		n -= r;
	}
}

/*
 * mixed: send(MSG_MORE), one splice and many 97-byte splices, in turn,
 * all "more" until the last byte: records must come out full although
 * their plaintext mixes copied bytes and bytes referenced in page-cache
 * pages (ktls switches a record from referencing to copying on the fly).
 */
static void send_mixed(int fd, int f, const unsigned char *buf, size_t total,
		       size_t chunk)
{
	size_t off = 0, k = 0;
	int p[2];

	if (pipe(p))
		die("pipe");
	while (off < total) {
		size_t n = total - off < chunk ? total - off : chunk, o;
		int last = off + n == total;

		switch (k++ % 3) {
		case 0:
			if (send(fd, buf + off, n, last ? 0 : MSG_MORE) != (ssize_t)n)
				die("send at %zu: %s", off, strerror(errno));
			break;
		case 1:
			splice_out(f, off, p, fd, n, !last);
			break;
		default:
			for (o = 0; o < n; o += 97) {
				size_t m = n - o < 97 ? n - o : 97;

				splice_out(f, off + o, p, fd, m, !last || o + m < n);
			}
		}
		off += n;
	}
	close(p[0]);
	close(p[1]);
}

/*
 * One sendmsg of @n bytes cut into iovecs of awkward sizes (1 byte, just
 * over a page, ...): records span many user pages and segments.
 */
static ssize_t send_iov(int fd, unsigned char *p, size_t n)
{
	static const size_t sizes[] = { 1, 4097, 1000, 8191, 333, 12000 };
	struct iovec io[64];
	struct msghdr m = { .msg_iov = io };
	size_t k = 0;

	while (n && m.msg_iovlen < 64) {
		size_t l = sizes[k++ % 6];

		if (l > n)
			l = n;
		io[m.msg_iovlen].iov_base = p;
		io[m.msg_iovlen++].iov_len = l;
		p += l;
		n -= l;
	}
	return sendmsg(fd, &m, 0);
}

static void sender(int fd, const char *mode, size_t total, size_t chunk)
{
	unsigned char *buf = malloc(total);
	size_t off = 0, i;

	for (i = 0; i < total; i++)
		buf[i] = gen(i);
	setup_tx(fd);

	if (!strcmp(mode, "sendfile") || !strcmp(mode, "splice") ||
	    !strcmp(mode, "mixed")) {
		int f = open("/tmp", O_TMPFILE | O_RDWR, 0600), p[2];
		off_t fo = 0;

		if (f < 0 || write(f, buf, total) != (ssize_t)total)
			die("tmpfile: %s", strerror(errno));
		if (mode[0] == 'm') {
			send_mixed(fd, f, buf, total, chunk);
			total = 0;
		}
		if (pipe(p))
			die("pipe");
		while (off < total) {
			size_t n = total - off < chunk ? total - off : chunk;
			ssize_t r;

			if (mode[1] == 'e') {
				r = sendfile(fd, f, &fo, n);
			} else {
				loff_t lo = off;

				r = splice(f, &lo, p[1], NULL, n, 0);
				if (r > 0)
					r = splice(p[0], NULL, fd, NULL, r, 0);
			}
			if (r <= 0)
				die("%s at %zu: %zd %s", mode, off, r, strerror(errno));
			off += r;
			fo = off;
		}
	} else {
		while (off < total) {
			size_t n = total - off < chunk ? total - off : chunk;
			int fl = 0;
			ssize_t r;

			if (!strcmp(mode, "more") && off + n < total)
				fl = MSG_MORE;
			if (!strcmp(mode, "eor"))
				fl = (off + n < total) ? MSG_MORE : MSG_EOR;
			if (!strcmp(mode, "ctrl") && (off / chunk) % 3 == 1) {
				char cbuf[CMSG_SPACE(1)];
				struct iovec io = { buf + off, n };
				struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
					.msg_control = cbuf,
					.msg_controllen = sizeof(cbuf) };
				struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

				cm->cmsg_level = SOL_TLS;
				cm->cmsg_type = TLS_SET_RECORD_TYPE;
				cm->cmsg_len = CMSG_LEN(1);
				*CMSG_DATA(cm) = 22;
				r = sendmsg(fd, &m, 0);
			} else if (!strcmp(mode, "iov")) {
				r = send_iov(fd, buf + off, n);
			} else {
				r = send(fd, buf + off, n, fl);
			}
			if (r <= 0)
				die("send at %zu: %zd %s", off, r, strerror(errno));
			/*
			 * The bytes are the kernel's now: scribble over them,
			 * as a caller reusing its buffer would. A record that
			 * still referenced them would carry the scribble.
			 */
			memset(buf + off, 0xa5, r);
			off += r;
		}
	}
	close(fd);
	free(buf);
}

static int read_full(int fd, unsigned char *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);

		if (r <= 0)
			return got ? -1 : 0;
		got += r;
	}
	return 1;
}

static void receiver(int fd, const char *mode, size_t total, size_t chunk)
{
	static unsigned char hdr[5], body[17000 + 256], pt[17000 + 256];
	size_t pos = 0, recs = 0, chunk_left = 0, chunk_idx = 0;
	uint64_t seq = 0;
	int i, r;

	for (i = 0; i < 8; i++)
		seq = seq << 8 | seq0[i];
	for (;;) {
		int blen, plen, type;

		r = read_full(fd, hdr, 5);
		if (!r)
			break;
		if (r < 0)
			die("short header after %zu records", recs);
		blen = hdr[3] << 8 | hdr[4];
		if (hdr[1] != 3 || hdr[2] != 3 || blen > (int)sizeof(body))
			die("record %zu: bad header %02x %02x %02x len %d", recs,
			    hdr[0], hdr[1], hdr[2], blen);
		if (read_full(fd, body, blen) != 1)
			die("record %zu: short body", recs);
		plen = open_record(hdr, body, blen, seq, pt);
		if (plen < 0)
			die("record %zu (seq %llu): authentication failed", recs,
			    (unsigned long long)seq);
		type = hdr[0];
		if (ver13) {
			if (hdr[0] != 23)
				die("TLS 1.3 outer type %d", hdr[0]);
			/* we never pad: the last byte is the type */
			type = pt[--plen];
		}
		if (plen > maxlen || plen == 0)
			die("record %zu: plaintext %d (max %d)", recs, plen, maxlen);
		if (pos + plen > total)
			die("more data than sent");
		for (i = 0; i < plen; i++)
			if (pt[i] != gen(pos + i))
				die("data mismatch at byte %zu", pos + i);

		/* exact record boundaries where the pattern defines them */
		if (!strcmp(mode, "send") || !strcmp(mode, "ctrl") ||
		    !strcmp(mode, "iov")) {
			size_t want;

			if (!chunk_left) {
				chunk_left = total - pos < chunk ? total - pos : chunk;
				chunk_idx = pos / chunk;
			}
			want = chunk_left < (size_t)maxlen ? chunk_left : (size_t)maxlen;
			if ((size_t)plen != want)
				die("record %zu: %d bytes, expected %zu", recs, plen, want);
			chunk_left -= plen;
			if (type != (!strcmp(mode, "ctrl") && chunk_idx % 3 == 1 ? 22 : 23))
				die("record %zu: type %d", recs, type);
		} else if (!strcmp(mode, "more") || !strcmp(mode, "eor") ||
			   !strcmp(mode, "mixed")) {
			size_t want = total - pos < (size_t)maxlen ? total - pos : (size_t)maxlen;

			if ((size_t)plen != want)
				die("record %zu: %d bytes, expected %zu (MSG_MORE packing)",
				    recs, plen, want);
		}
		if (type != 23 && strcmp(mode, "ctrl"))
			die("record %zu: type %d", recs, type);
		pos += plen;
		seq++;
		recs++;
	}
	if (pos != total)
		die("received %zu of %zu bytes", pos, total);
	printf("ok: %zu bytes in %zu records\n", pos, recs);
}

int main(int argc, char **argv)
{
	const char *mode = "send", *c = "gcm128";
	size_t total = 100000, chunk = 5000;
	int o, s, t, st;
	pid_t pid;

	log_set_name("core_txcheck", LOG_PROG);
	memcpy(seq0, "\x00\x00\x00\x00\x00\x00\x01\x00", 8);
	while ((o = getopt(argc, argv, "V:c:m:n:s:L:q:")) != -1) {
		switch (o) {
		case 'V': ver13 = atoi(optarg) == 13; break;
		case 'c': c = optarg; break;
		case 'm': mode = optarg; break;
		case 'n': total = strtoul(optarg, NULL, 0); break;
		case 's': chunk = strtoul(optarg, NULL, 0); break;
		case 'L': maxlen = atoi(optarg); break;
		case 'q': memset(seq0, strtoul(optarg, NULL, 0), 8); break;
		default: die("bad option");
		}
	}
	if (!strcmp(c, "gcm128")) { cipher = TLS_CIPHER_AES_GCM_128; keylen = 16; }
	else if (!strcmp(c, "gcm256")) { cipher = TLS_CIPHER_AES_GCM_256; keylen = 32; }
	else if (!strcmp(c, "ccm")) { cipher = TLS_CIPHER_AES_CCM_128; keylen = 16; }
	else if (!strcmp(c, "chacha")) { cipher = TLS_CIPHER_CHACHA20_POLY1305; keylen = 32; }
	else die("cipher %s", c);
	ivlen = cipher == TLS_CIPHER_CHACHA20_POLY1305 ? 12 : 8;
	saltlen = ivlen == 12 ? 0 : 4;
	for (o = 0; o < 32; o++)
		key[o] = 0x10 + o * 3;
	for (o = 0; o < 12; o++)
		iv[o] = 0xa0 + o;
	memcpy(salt, "\x01\x02\x03\x04", 4);

	if (tcp_pair_loopback(&s, &t, 0))
		die("loopback pair: %s", strerror(errno));

	pid = fork();
	if (!pid) {
		close(t);
		sender(s, mode, total, chunk);
		exit(0);
	}
	close(s);
	receiver(t, mode, total, chunk);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("sender failed");
	return 0;
}
