// SPDX-License-Identifier: GPL-2.0
/*
 * tls_tool: one end of a TLS 1.2 or 1.3 AES-GCM byte stream for the tlssim
 * tests.
 *
 * No handshake: both ends use fixed keys (one set per direction).  Each
 * direction is independently one of
 *   ktls  kernel TLS (TCP_ULP "tls", TLS_TX / TLS_RX); the kernel picks
 *         device offload or software, the test checks which via tls_stat;
 *   raw   userspace AES-GCM (OpenSSL EVP) over a plain TCP stream: an
 *         independent implementation that also sees the exact wire bytes;
 *   plain no TLS at all (the control run of the wire capture test).
 * Every byte of the stream is a function of (seed, offset), so the
 * receiver checks each byte; a raw receiver additionally checks that no
 * 32-byte plaintext window appears on the wire.  With -M the stream also
 * carries the 8-byte marker TLSSIM_MARKER at every 64-byte boundary, so
 * any wire frame carrying 71 or more plaintext bytes contains it (the XDP
 * capture test looks for it in wire frames).
 *
 * usage: tls_tool -l|-C ADDR -p PORT [-6] [-k 128|256] [-V 12|13] [-n BYTES]
 *                 [-T MODE] [-R MODE] [-s SEED] [-t SECS] [-M]
 *                 [-w MSECS [-g FILE]] [-P SPORT] [-S N]
 * -S: switch each ktls direction of this end between software and the
 * device (TLS_TX_MODE / TLS_RX_MODE, ktls.ko) N times, at evenly spaced
 * offsets of the stream, to the mode it is not in; prints "tls_tool:
 * switches tx A rx B modes tx M rx M" (the successful switches and the
 * final modes, 1 software, 2 device) and fails on any refused switch;
 * -S 0 only reports the modes.
 * -0: TX starts on ktls.ko's software path even with a capable device
 * (net.ktls.device_enable of this namespace is 0 while TLS_TX is set).
 * -P: the client's source port (a test that predicts which port of a bond
 * a flow hashes to).
 * -V: the TLS version (default 1.2).  A TLS 1.3 raw record carries no
 * explicit nonce: its nonce is the 12-byte static IV (salt, iv) XOR the
 * record number, its AAD the record header, and the content type travels
 * encrypted as the last byte of the plaintext.
 * MODE: ktls, raw, plain or off.  -w: pause after each write (of up to
 * 64 KiB or one raw record), to make a flow last long enough to act on;
 * with -g only until FILE exists: a test that is done acting on the flow
 * creates it, and the rest goes at full speed.
 * -T/-R: how this end sends/receives; "off" skips that direction.
 * Prints "tls_tool: sent N received N" and exits 0 when byte-exact.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ktls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ktls_setup.h"
#include "log.h"

enum mode { M_OFF, M_KTLS, M_RAW, M_PLAIN };

#define TLSSIM_MARKER		"TlSsImPt"
#define MARKER_EVERY		64

struct dirkeys {
	unsigned char key[32];
	unsigned char salt[4];
	unsigned char iv[8];
	unsigned char rec_seq[8];
	/* raw mode: one OpenSSL context per direction, key expanded once */
	EVP_CIPHER_CTX *evp;
};

static int keybits = 128;
static int tls13;
static unsigned long long nbytes = 1 << 20;
static unsigned long long seed = 1;
static int marker;
static int write_pause_ms;
static const char *pause_until;
static int sock_fd;
static int nswitch = -1;	/* -S; -1: none, no report */
static int tx_sw_first;

static void keys_for(int c2s, struct dirkeys *k)
{
	int i;

	for (i = 0; i < 32; i++)
		k->key[i] = (c2s ? 0x11 : 0x77) + i * 3;
	for (i = 0; i < 4; i++)
		k->salt[i] = (c2s ? 0xa0 : 0xb0) + i;
	for (i = 0; i < 8; i++)
		k->iv[i] = (c2s ? 0x40 : 0x50) + i;
	/* a non-zero starting record number exercises the AAD */
	memset(k->rec_seq, 0, 8);
	k->rec_seq[7] = c2s ? 3 : 9;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The stream of one direction from byte @off: byte n is byte (n % 8) of
 * mix(seed ^ n / 8), least significant first, so one mix() gives eight
 * bytes (under emulation the stream costs as much as the crypto did when
 * each byte had its own); with -M the marker overwrites the first 8 bytes
 * of each 64.
 */
static void fill(uint64_t s, unsigned long long off, unsigned char *buf, size_t len)
{
	unsigned long long o = off;
	size_t i = 0;

	while (i < len) {
		uint64_t v = mix(s ^ (o >> 3));
		unsigned int b = o & 7;

		if (!b && len - i >= 8) {
			int k;

			for (k = 0; k < 8; k++)
				buf[i + k] = v >> (k * 8);
			i += 8;
			o += 8;
			continue;
		}
		for (; b < 8 && i < len; b++, i++, o++)
			buf[i] = v >> (b * 8);
	}
	if (!marker)
		return;
	for (i = 0, o = off; i < len; i++, o++) {
		unsigned int m = o % MARKER_EVERY;

		if (m < 8) {
			buf[i] = TLSSIM_MARKER[m];
		} else {
			/* on to the next block's first byte */
			i += MARKER_EVERY - 1 - m;
			o += MARKER_EVERY - 1 - m;
		}
	}
}

static void set_ktls(int fd, int tx, const struct dirkeys *k)
{
	int cipher = keybits == 128 ? TLS_CIPHER_AES_GCM_128 :
				      TLS_CIPHER_AES_GCM_256;

	if (ktls_set_key(fd, tx ? TLS_TX : TLS_RX,
			 tls13 ? TLS_1_3_VERSION : TLS_1_2_VERSION, cipher,
			 k->key, k->iv, k->salt, k->rec_seq))
		die_errno("setsockopt TLS");
}

static void write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_errno("write");
		}
		p += n;
		len -= n;
	}
}

static int read_full(int fd, unsigned char *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno("read");
		if (n == 0)
			return got ? -1 : 0;
		got += n;
	}
	return 1;
}

static const EVP_CIPHER *cipher(void)
{
	return keybits == 128 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v;
}

/*
 * The nonce of record @sn: TLS 1.2 salt || explicit nonce @eiv (8 bytes
 * from the record), TLS 1.3 (salt || iv) XOR the record number.
 */
static void nonce_of(const struct dirkeys *k, uint64_t sn, const unsigned char *eiv,
		     unsigned char *nonce)
{
	int i;

	memcpy(nonce, k->salt, 4);
	if (!tls13) {
		memcpy(nonce + 4, eiv, 8);
		return;
	}
	memcpy(nonce + 4, k->iv, 8);
	for (i = 11; i >= 4; i--, sn >>= 8)
		nonce[i] ^= sn & 0xff;
}

/* one AES-GCM record operation; returns 0 or -1 (tag mismatch) */
static int gcm(int enc, struct dirkeys *k, uint64_t sn, const unsigned char *eiv,
	       const unsigned char *aad, int aadlen, unsigned char *buf, int len,
	       unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx = k->evp;
	unsigned char nonce[12];
	int out, ok;

	/* a direction's keys are used by one thread, for one operation */
	if (!ctx) {
		ctx = EVP_CIPHER_CTX_new();
		if (!ctx || !EVP_CipherInit_ex(ctx, cipher(), NULL, k->key, NULL, enc))
			die_errno("EVP init");
		k->evp = ctx;
	}
	nonce_of(k, sn, eiv, nonce);
	if (!EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, enc))
		die_errno("EVP nonce");
	if (!EVP_CipherUpdate(ctx, NULL, &out, aad, aadlen))
		die_errno("EVP aad");
	if (len && !EVP_CipherUpdate(ctx, buf, &out, buf, len))
		die_errno("EVP update");
	if (!enc)
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag);
	ok = EVP_CipherFinal_ex(ctx, buf + len, &out);
	if (enc)
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
	return ok ? 0 : -1;
}

struct dir {
	enum mode mode;
	struct dirkeys k;
	uint64_t seed;
	unsigned long long done;
	int err;
	int tx;			/* the direction's TLS_*_MODE */
	int switches;		/* -S: switches done */
};

/* -S: at the next evenly spaced offset, switch to the other mode */
static void maybe_switch(struct dir *d)
{
	int opt = d->tx ? TLS_TX_MODE : TLS_RX_MODE, mode, want;
	socklen_t ol = sizeof(mode);

	if (d->mode != M_KTLS || d->switches >= nswitch ||
	    d->done < nbytes / (nswitch + 1) * (d->switches + 1))
		return;
	if (getsockopt(sock_fd, SOL_TLS, opt, &mode, &ol))
		die_errno("getsockopt TLS_*_MODE");
	want = mode == TLS_MODE_DEVICE ? TLS_MODE_SW : TLS_MODE_DEVICE;
	while (setsockopt(sock_fd, SOL_TLS, opt, &want, sizeof(want))) {
		/* EBUSY: the other thread's switch; EAGAIN: no room yet */
		if (errno != EBUSY && errno != EAGAIN) {
			fprintf(stderr, "tls_tool: %s switch %d to %d: %s\n",
				d->tx ? "tx" : "rx", d->switches + 1, want,
				strerror(errno));
			d->err = 1;
			nswitch = d->switches;
			return;
		}
		usleep(1000);
	}
	d->switches++;
}

static void write_sysctl(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f))
		die_errno(path);
}

static int cur_mode(int tx)
{
	int mode = -1;
	socklen_t ol = sizeof(mode);

	getsockopt(sock_fd, SOL_TLS, tx ? TLS_TX_MODE : TLS_RX_MODE, &mode, &ol);
	return mode;
}

static void *sender(void *arg)
{
	struct dir *d = arg;
	static unsigned char buf[65536 + 64];
	uint64_t sn = be64(d->k.rec_seq);
	uint64_t rs = d->seed * 31 + 7;

	while (d->done < nbytes) {
		size_t len = nbytes - d->done;

		if (d->mode == M_KTLS || d->mode == M_PLAIN) {
			if (len > 65536)
				len = 65536;
			fill(d->seed, d->done, buf, len);
			write_all(sock_fd, buf, len);
		} else {
			/* raw records of varying size, 1..16384 bytes */
			unsigned char aad[13], *rec = buf;
			int hdr = tls13 ? 5 : 13, clen;

			rs = mix(rs);
			if (len > 1 + rs % 16384)
				len = 1 + rs % 16384;
			fill(d->seed, d->done, rec + hdr, len);
			/* 1.3: the inner content type ends the plaintext */
			clen = tls13 ? len + 1 : len;
			if (tls13)
				rec[hdr + len] = 0x17;
			rec[0] = 0x17;
			rec[1] = 3;
			rec[2] = 3;
			rec[3] = (hdr - 5 + clen + 16) >> 8;
			rec[4] = (hdr - 5 + clen + 16) & 0xff;
			if (tls13) {
				gcm(1, &d->k, sn, NULL, rec, 5, rec + hdr, clen,
				    rec + hdr + clen);
			} else {
				put_be64(rec + 5, sn ^ 0x5a5a);
				put_be64(aad, sn);
				memcpy(aad + 8, rec, 3);
				aad[11] = len >> 8;
				aad[12] = len & 0xff;
				gcm(1, &d->k, sn, rec + 5, aad, 13, rec + hdr, len,
				    rec + hdr + len);
			}
			write_all(sock_fd, rec, hdr + clen + 16);
			sn++;
		}
		d->done += len;
		maybe_switch(d);
		if (write_pause_ms && pause_until && !access(pause_until, F_OK))
			write_pause_ms = 0;
		if (write_pause_ms)
			usleep(write_pause_ms * 1000);
	}
	if (shutdown(sock_fd, SHUT_WR))
		die_errno("shutdown");
	return NULL;
}

static int check(struct dir *d, const unsigned char *p, size_t len)
{
	static unsigned char want[65536];

	fill(d->seed, d->done, want, len);
	if (memcmp(want, p, len)) {
		size_t i;

		for (i = 0; i < len && want[i] == p[i]; i++)
			;
		fprintf(stderr, "tls_tool: data mismatch at offset %llu\n", d->done + i);
		return -1;
	}
	d->done += len;
	return 0;
}

/* does any 32-byte window of plaintext of this stream appear in @p? */
static int plaintext_on_wire(struct dir *d, const unsigned char *p, size_t len)
{
	unsigned char want[32];
	unsigned long long off;

	/* sample: plaintext at each 4 KiB boundary received so far */
	for (off = d->done & ~4095ULL; off < d->done + 16384; off += 4096) {
		fill(d->seed, off, want, sizeof(want));
		if (memmem(p, len, want, sizeof(want)))
			return 1;
	}
	return 0;
}

static void receiver(struct dir *d)
{
	static unsigned char buf[65536];
	uint64_t sn = be64(d->k.rec_seq);

	for (;;) {
		if (d->mode == M_KTLS || d->mode == M_PLAIN) {
			ssize_t n = read(sock_fd, buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				perror("tls_tool: read");
				d->err = 1;
				return;
			}
			if (n == 0)
				break;
			if (d->done + n > nbytes || check(d, buf, n)) {
				d->err = 1;
				return;
			}
			maybe_switch(d);
			if (d->err)
				return;
		} else {
			unsigned char aad[13];
			int r, len, plen, hdr = tls13 ? 5 : 13, ok;

			r = read_full(sock_fd, buf, 5);
			if (r == 0)
				break;
			if (r < 0 || buf[0] != 0x17 || buf[1] != 3 || buf[2] != 3) {
				fprintf(stderr, "tls_tool: bad record header\n");
				d->err = 1;
				return;
			}
			len = buf[3] << 8 | buf[4];
			/* 1.3: at least the content type, at most 255 of padding */
			if (len < hdr - 5 + (tls13 ? 17 : 16) ||
			    len > 16384 + (tls13 ? 256 : 24) ||
			    read_full(sock_fd, buf + 5, len) != 1) {
				fprintf(stderr, "tls_tool: bad record\n");
				d->err = 1;
				return;
			}
			plen = len - (hdr - 5) - 16;
			if (plaintext_on_wire(d, buf, 5 + len)) {
				fprintf(stderr, "tls_tool: plaintext seen on the wire\n");
				d->err = 1;
				return;
			}
			if (tls13) {
				ok = !gcm(0, &d->k, sn, NULL, buf, 5, buf + hdr, plen,
					  buf + hdr + plen);
				/* strip the padding, then the content type */
				while (ok && plen > 0 && !buf[hdr + plen - 1])
					plen--;
				if (ok && (plen == 0 || buf[hdr + plen - 1] != 0x17)) {
					fprintf(stderr, "tls_tool: record %llu: not data\n",
						(unsigned long long)sn);
					d->err = 1;
					return;
				}
				plen--;
			} else {
				put_be64(aad, sn);
				memcpy(aad + 8, buf, 3);
				aad[11] = plen >> 8;
				aad[12] = plen & 0xff;
				ok = !gcm(0, &d->k, sn, buf + 5, aad, 13, buf + hdr, plen,
					  buf + hdr + plen);
			}
			if (!ok) {
				fprintf(stderr, "tls_tool: record %llu: bad tag\n",
					(unsigned long long)sn);
				d->err = 1;
				return;
			}
			sn++;
			if (d->done + plen > nbytes || check(d, buf + hdr, plen)) {
				d->err = 1;
				return;
			}
		}
	}
}

static enum mode parse_mode(const char *s)
{
	if (!strcmp(s, "ktls"))
		return M_KTLS;
	if (!strcmp(s, "raw"))
		return M_RAW;
	if (!strcmp(s, "off"))
		return M_OFF;
	if (!strcmp(s, "plain"))
		return M_PLAIN;
	fprintf(stderr, "bad mode %s\n", s);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *laddr = NULL, *caddr = NULL;
	struct dir tx = {}, rx = {};
	struct sockaddr_storage ss = {};
	int port = 4433, v6 = 0, opt, one = 1, sport = 0;
	socklen_t sl;
	pthread_t th;

	log_set_name("tls_tool", LOG_PROG);
	tx.mode = M_KTLS;
	rx.mode = M_KTLS;
	tx.tx = 1;
	while ((opt = getopt(argc, argv, "l:C:p:6k:V:n:T:R:s:t:Mw:g:P:S:0")) != -1) {
		switch (opt) {
		case 'l': laddr = optarg; break;
		case 'C': caddr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case '6': v6 = 1; break;
		case 'k': keybits = atoi(optarg); break;
		case 'V': tls13 = atoi(optarg) == 13; break;
		case 'n': nbytes = strtoull(optarg, NULL, 0); break;
		case 'T': tx.mode = parse_mode(optarg); break;
		case 'R': rx.mode = parse_mode(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': alarm(atoi(optarg)); break;
		case 'M': marker = 1; break;
		case 'w': write_pause_ms = atoi(optarg); break;
		case 'g': pause_until = optarg; break;
		case 'P': sport = atoi(optarg); break;
		case 'S': nswitch = atoi(optarg); break;
		case '0': tx_sw_first = 1; break;
		default: exit(2);
		}
	}
	if (!laddr == !caddr || (keybits != 128 && keybits != 256))
		exit(2);

	if (v6) {
		struct sockaddr_in6 *a = (void *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (inet_pton(AF_INET6, laddr ?: caddr, &a->sin6_addr) != 1)
			exit(2);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (void *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		if (inet_pton(AF_INET, laddr ?: caddr, &a->sin_addr) != 1)
			exit(2);
		sl = sizeof(*a);
	}
	sock_fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (sock_fd < 0)
		die_errno("socket");
	if (laddr) {
		int lfd = sock_fd;

		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd, (void *)&ss, sl) || listen(lfd, 1))
			die_errno("bind/listen");
		printf("tls_tool: listening\n");
		fflush(stdout);
		sock_fd = accept(lfd, NULL, NULL);
		if (sock_fd < 0)
			die_errno("accept");
		close(lfd);
	} else {
		int i;

		if (sport) {
			struct sockaddr_storage bs = {};

			/* the same family, any address, port @sport */
			bs.ss_family = ss.ss_family;
			if (v6)
				((struct sockaddr_in6 *)&bs)->sin6_port = htons(sport);
			else
				((struct sockaddr_in *)&bs)->sin_port = htons(sport);
			setsockopt(sock_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(sock_fd, (void *)&bs, sl))
				die_errno("bind source port");
		}
		for (i = 0; connect(sock_fd, (void *)&ss, sl); i++) {
			if (i > 100)
				die_errno("connect");
			usleep(100000);
		}
	}

	/* the client sends the c2s stream, the server the s2c one */
	keys_for(!!caddr, &tx.k);
	keys_for(!caddr, &rx.k);
	tx.seed = seed * 2 + !!caddr;
	rx.seed = seed * 2 + !caddr;
	if (tx.mode == M_KTLS || rx.mode == M_KTLS)
		if (ktls_ulp(sock_fd))
			die_errno("TCP_ULP");
	if (tx.mode == M_KTLS) {
		if (tx_sw_first)
			write_sysctl("/proc/sys/net/ktls/device_enable", "0\n");
		set_ktls(sock_fd, 1, &tx.k);
		if (tx_sw_first)
			write_sysctl("/proc/sys/net/ktls/device_enable", "1\n");
	}
	if (rx.mode == M_KTLS)
		set_ktls(sock_fd, 0, &rx.k);

	if (tx.mode != M_OFF)
		if (pthread_create(&th, NULL, sender, &tx))
			die_errno("pthread_create");
	if (rx.mode != M_OFF)
		receiver(&rx);
	/*
	 * A receive-only end sends its FIN last: sent at once, it could reach
	 * the peer before the peer enabled kTLS, which needs an established
	 * socket (TCP_ULP fails with ENOTCONN in CLOSE_WAIT).
	 */
	if (tx.mode != M_OFF)
		pthread_join(th, NULL);
	else if (shutdown(sock_fd, SHUT_WR))
		die_errno("shutdown");
	printf("tls_tool: sent %llu received %llu\n", tx.done, rx.done);
	if (nswitch >= 0)
		printf("tls_tool: switches tx %d rx %d modes tx %d rx %d\n",
		       tx.switches, rx.switches, cur_mode(1), cur_mode(0));
	if (rx.err || tx.err || (rx.mode != M_OFF && rx.done != nbytes) ||
	    (tx.mode != M_OFF && tx.done != nbytes))
		return 1;
	return 0;
}
