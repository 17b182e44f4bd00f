// SPDX-License-Identifier: GPL-2.0
/*
 * RX tests for the kernel TLS ULP: records are built and encrypted here in
 * userspace (OpenSSL libcrypto) and written raw to one end of a loopback TCP
 * pair; the other end has TLS_RX set and is read through the kernel. So the
 * receive path is tested on its own, with exact control over every byte of
 * every record (bad headers, bad tags, TLS 1.3 padding, KeyUpdate...).
 *
 *   rx_test CASE [VARIANT|all]  each variant runs in a child and prints
 *                               "RESULT CASE.VARIANT RC" (0 pass, 4 skip,
 *                               else fail); exit status: worst RC
 *   rx_test list                print the case names
 * VARIANT: 12gcm 12gcm256 12ccm 12chacha 13gcm 13gcm256 13chacha 13ccm
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ktls.h>
#include <openssl/evp.h>

#include "ktls_setup.h"
#include "net.h"

#define REC_DATA	23
#define REC_ALERT	21
#define REC_HS		22
#define MAX_PLAIN	16384
#define SKIP_RC		4

#include "rx_records.h"
#include "sockio.h"

/* ---------- sockets ---------- */

static int fd_tx, fd_rx;	/* raw TCP sender, kTLS receiver */

static void sock_pair(int rcvbuf)
{
	int one = 1;

	/* SO_RCVBUF of the receiver is set before it connects */
	CHECK(!tcp_pair_loopback(&fd_rx, &fd_tx, rcvbuf), "loopback pair");
	setsockopt(fd_tx, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ktls_ulp(fd_rx)) {
		fprintf(stderr, "no TLS ULP\n");
		exit(SKIP_RC);
	}
}

static void setup(struct keys *k, const struct var *v)
{
	sock_pair(0);
	keys_init(k, v, 0);
	if (set_rx(fd_rx, k)) {
		if (errno == ENOENT) {
			fprintf(stderr, "cipher not available\n");
			exit(SKIP_RC);
		}
		fail("TLS_RX");
	}
}

/* Encrypt and send one record. */
static void send_rec(struct keys *k, uint8_t type, const void *pt, int len, int pad)
{
	static uint8_t rec[MAX_PLAIN + 512];
	int n = build_record(k, type, pt, len, pad, rec);

	send_all(fd_tx, rec, n);
}

/* Nothing must be readable now (non-blocking). */
static void expect_eagain(void)
{
	char b[16];

	errno = 0;
	CHECK(recv(fd_rx, b, sizeof(b), MSG_DONTWAIT) == -1 && errno == EAGAIN,
	      "expected EAGAIN");
}

/*
 * After a bad header the stream is dead. tls.ko reports the error once and
 * then reads as empty (EAGAIN) forever; ktls keeps returning the error
 * (and poll shows POLLERR) so a reader never waits on a dead stream.
 */
static void expect_sticky(int err)
{
	const char *prov = getenv("RX_PROVIDER");
	char b[16];

	errno = 0;
	CHECK(recv(fd_rx, b, sizeof(b), MSG_DONTWAIT) == -1, "expected an error");
	if (prov && !strcmp(prov, "tls"))
		CHECK(errno == EAGAIN, "tls.ko: expected EAGAIN");
	else
		CHECK(errno == err, "expected sticky errno %d", err);
}

static void expect_err(int err, const char *what)
{
	char b[MAX_PLAIN];
	ssize_t n;

	errno = 0;
	n = recv(fd_rx, b, sizeof(b), 0);
	CHECK(n == -1 && errno == err, "%s: recv returned %zd, want errno %d", what, n, err);
}

/* ---------- cases ---------- */

/* Records of many sizes, read back with varied buffer sizes. */
static void t_basic(const struct var *v)
{
	static uint8_t pt[MAX_PLAIN], got[MAX_PLAIN];
	int sizes[] = { 1, 0, 100, 4096, MAX_PLAIN, 17, MAX_PLAIN - 1, 3000 };
	struct keys k;
	unsigned int i;
	int type, pad;

	setup(&k, v);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ssize_t n, tot = 0;

		if (!sizes[i])
			continue;	/* empty data records: see zero_len */
		fill(pt, sizes[i], i);
		pad = v->version == TLS_1_3_VERSION ? i * 7 : 0;
		if (sizes[i] + pad > MAX_PLAIN)
			pad = MAX_PLAIN - sizes[i];
		send_rec(&k, REC_DATA, pt, sizes[i], pad);
		while (tot < sizes[i]) {
			n = recv_type(fd_rx, got + tot, sizes[i] - tot, 0, &type);
			CHECK(n > 0, "recv record %u", i);
			CHECK(type == REC_DATA, "type %d", type);
			tot += n;
		}
		CHECK(!memcmp(pt, got, sizes[i]), "data mismatch in record %u", i);
	}
	expect_eagain();
}

/* A record header that is too long: EMSGSIZE, socket aborted, nothing read. */
static void t_bad_len_long(const struct var *v)
{
	uint8_t hdr[5 + 64] = { REC_DATA, 3, 3 };
	int over = 16 + (v->version == TLS_1_2_VERSION &&
			 v->cipher != TLS_CIPHER_CHACHA20_POLY1305 ? 8 : 0);
	int len = MAX_PLAIN + over + (v->version == TLS_1_3_VERSION) + 1;
	struct keys k;

	setup(&k, v);
	hdr[3] = len >> 8;
	hdr[4] = len & 0xff;
	send_all(fd_tx, hdr, sizeof(hdr));
	expect_err(EMSGSIZE, "too long");
	expect_sticky(EMSGSIZE);
}

/* The longest legal record is accepted (with TLS 1.3 padding). */
static void t_max_len(const struct var *v)
{
	static uint8_t pt[MAX_PLAIN], got[MAX_PLAIN];
	struct keys k;
	ssize_t n, tot = 0;

	setup(&k, v);
	fill(pt, MAX_PLAIN, 5);
	send_rec(&k, REC_DATA, pt, MAX_PLAIN, 0);
	while (tot < MAX_PLAIN) {
		n = recv(fd_rx, got + tot, MAX_PLAIN - tot, 0);
		CHECK(n > 0, "recv");
		tot += n;
	}
	CHECK(!memcmp(pt, got, MAX_PLAIN), "data");
}

/* Shorter than the cipher overhead: EBADMSG. */
static void t_bad_len_short(const struct var *v)
{
	uint8_t rec[5 + 32] = { REC_DATA, 3, 3, 0, 15 };
	struct keys k;

	setup(&k, v);
	send_all(fd_tx, rec, 5 + 15);
	expect_err(EBADMSG, "too short");
	expect_sticky(EBADMSG);
}

/* Version bytes other than 0x0303: EINVAL. */
static void t_bad_version(const struct var *v)
{
	static uint8_t rec[MAX_PLAIN + 512], pt[100];
	struct keys k;
	int n;

	setup(&k, v);
	n = build_record(&k, REC_DATA, pt, sizeof(pt), 0, rec);
	rec[2] = 1;	/* TLS 1.0 */
	send_all(fd_tx, rec, n);
	expect_err(EINVAL, "bad version");
	expect_sticky(EINVAL);
}

/* Good record, then one with a broken tag: data, then sticky EBADMSG. */
static void t_bad_auth(const struct var *v)
{
	static uint8_t rec[MAX_PLAIN + 512];
	uint8_t pt[300], got[1000];
	long errs = stat_get("TlsDecryptError");
	struct keys k;
	int n;

	setup(&k, v);
	fill(pt, sizeof(pt), 9);
	send_rec(&k, REC_DATA, pt, 100, 0);
	n = build_record(&k, REC_DATA, pt + 100, 200, 0, rec);
	rec[n - 1] ^= 1;
	send_all(fd_tx, rec, n);
	usleep(100000);
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 100 && !memcmp(got, pt, 100), "good record first (%d)", n);
	expect_err(EBADMSG, "bad tag");
	expect_err(EBADMSG, "bad tag, sticky");
	errno = 0;
	CHECK(recv(fd_rx, got, sizeof(got), MSG_DONTWAIT) == -1 && errno == EBADMSG,
	      "sticky non-blocking");
	if (errs >= 0)
		CHECK(stat_get("TlsDecryptError") == errs + 1, "TlsDecryptError");
}

/*
 * Broken ciphertext byte in the middle of a large record, read into a
 * buffer with room for all of it (so the plaintext may be decrypted
 * straight into it; for TLS 1.3 TLS_RX_EXPECT_NO_PAD allows that too).
 * EBADMSG, and no plaintext of the record is left in the buffer: every
 * byte is either untouched (0x5a) or wiped (0). CTR-mode ciphers turn one
 * flipped ciphertext byte into one wrong plaintext byte, so a kernel that
 * leaves the AEAD's output behind (tls.ko does) fails this.
 */
static void t_bad_ct(const struct var *v)
{
	static uint8_t rec[MAX_PLAIN + 512], pt[MAX_PLAIN], got[MAX_PLAIN];
	struct keys k;
	int n, one = 1;
	ssize_t r;

	setup(&k, v);
	if (v->version == TLS_1_3_VERSION)
		CHECK(!setsockopt(fd_rx, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &one,
				  sizeof(one)), "no_pad");
	fill(pt, sizeof(pt), 12);
	n = build_record(&k, REC_DATA, pt, MAX_PLAIN, 0, rec);
	rec[n / 2] ^= 0x80;
	send_all(fd_tx, rec, n);
	usleep(100000);
	memset(got, 0x5a, sizeof(got));
	errno = 0;
	r = recv(fd_rx, got, sizeof(got), 0);
	CHECK(r == -1 && errno == EBADMSG, "bad ciphertext: recv returned %zd", r);
	for (n = 0; n < MAX_PLAIN; n++)
		CHECK(got[n] == 0x5a || got[n] == 0,
		      "plaintext of a forged record left in the buffer at %d", n);
	expect_err(EBADMSG, "bad ciphertext, sticky");
}

/* TLS 1.3: inner plaintext of zeros only (no content type): EBADMSG. */
static void t_no_type(const struct var *v)
{
	uint8_t z[64] = {};
	struct keys k;

	if (v->version != TLS_1_3_VERSION)
		exit(SKIP_RC);
	setup(&k, v);
	/* type 0 + 10 bytes of padding: everything is zero */
	send_rec(&k, 0, z, 20, 10);
	expect_err(EBADMSG, "no content type");
}

/* Control record: EIO without cmsg room, delivered with it, never mixed. */
static void t_control(const struct var *v)
{
	uint8_t a[50], b[60], c[70], got[500];
	struct keys k;
	int type;
	ssize_t n;

	setup(&k, v);
	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	fill(c, sizeof(c), 3);
	send_rec(&k, REC_DATA, a, sizeof(a), 0);
	send_rec(&k, REC_ALERT, b, sizeof(b), 3);
	send_rec(&k, REC_DATA, c, sizeof(c), 0);
	usleep(100000);

	n = recv_type(fd_rx, got, sizeof(got), 0, &type);
	CHECK(n == sizeof(a) && type == REC_DATA && !memcmp(got, a, n),
	      "data before control (%zd, %d)", n, type);
	expect_err(EIO, "control without cmsg");
	n = recv_type(fd_rx, got, sizeof(got), MSG_PEEK, &type);
	CHECK(n == sizeof(b) && type == REC_ALERT && !memcmp(got, b, n), "peek control");
	n = recv_type(fd_rx, got, sizeof(got), 0, &type);
	CHECK(n == sizeof(b) && type == REC_ALERT && !memcmp(got, b, n), "control");
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == sizeof(c) && !memcmp(got, c, n), "data after control");
}

/* MSG_PEEK across records, partial reads, then the real reads. */
static void t_peek(const struct var *v)
{
	uint8_t pt[3000], got[3000];
	struct keys k;
	ssize_t n;

	setup(&k, v);
	fill(pt, sizeof(pt), 4);
	send_rec(&k, REC_DATA, pt, 1000, 0);
	send_rec(&k, REC_DATA, pt + 1000, 1000, 0);
	send_rec(&k, REC_DATA, pt + 2000, 1000, 0);
	usleep(100000);
	n = recv(fd_rx, got, 10, MSG_PEEK);
	CHECK(n == 10 && !memcmp(got, pt, 10), "peek 10");
	n = recv(fd_rx, got, 2500, MSG_PEEK | MSG_WAITALL);
	CHECK(n == 2500 && !memcmp(got, pt, 2500), "peek 2500 across records (%zd)", n);
	n = recv(fd_rx, got, 1500, MSG_WAITALL);
	CHECK(n == 1500 && !memcmp(got, pt, 1500), "read 1500");
	n = recv(fd_rx, got, 3000, MSG_PEEK);
	CHECK(n == 1500 && !memcmp(got, pt + 1500, 1500), "peek rest (%zd)", n);
	n = recv(fd_rx, got, 3000, MSG_WAITALL | MSG_DONTWAIT);
	CHECK(n == 1500 && !memcmp(got, pt + 1500, 1500), "read rest (%zd)", n);
	expect_eagain();
}

/* splice: data records out through a pipe; a control record gives EINVAL. */
static void t_splice(const struct var *v)
{
	uint8_t pt[5000], got[5000], ctl[10];
	struct keys k;
	int p[2], type;
	ssize_t n, tot = 0;

	setup(&k, v);
	CHECK(!pipe(p), "pipe");
	fill(pt, sizeof(pt), 6);
	send_rec(&k, REC_DATA, pt, 3000, 0);
	send_rec(&k, REC_DATA, pt + 3000, 2000, 0);
	send_rec(&k, REC_HS, "hs", 2, 0);
	while (tot < 5000) {
		n = splice(fd_rx, NULL, p[1], NULL, 1000, 0);
		CHECK(n > 0, "splice");
		CHECK(read(p[0], got + tot, n) == n, "pipe read");
		tot += n;
	}
	CHECK(!memcmp(pt, got, 5000), "spliced data");
	errno = 0;
	CHECK(splice(fd_rx, NULL, p[1], NULL, 1000, 0) == -1 && errno == EINVAL,
	      "splice control record");
	n = recv_type(fd_rx, ctl, sizeof(ctl), 0, &type);
	CHECK(n == 2 && type == REC_HS && !memcmp(ctl, "hs", 2), "control after splice");
}

/* poll: POLLIN only once a whole record has arrived. */
static void t_poll(const struct var *v)
{
	static uint8_t rec[MAX_PLAIN + 512];
	uint8_t pt[8000], got[8000];
	struct pollfd pfd = { .events = POLLIN };
	struct keys k;
	int n, i;

	setup(&k, v);
	pfd.fd = fd_rx;
	fill(pt, sizeof(pt), 7);
	n = build_record(&k, REC_DATA, pt, sizeof(pt), 0, rec);
	send_all(fd_tx, rec, 3);	/* partial header */
	usleep(50000);
	CHECK(poll(&pfd, 1, 50) == 0, "POLLIN on partial header");
	send_all(fd_tx, rec + 3, 4000);
	usleep(50000);
	CHECK(poll(&pfd, 1, 50) == 0, "POLLIN on partial record");
	expect_eagain();
	for (i = 4003; i < n; i++)
		send_all(fd_tx, rec + i, 1);	/* byte by byte */
	CHECK(poll(&pfd, 1, 2000) == 1 && (pfd.revents & POLLIN), "no POLLIN");
	CHECK(recv(fd_rx, got, sizeof(got), 0) == sizeof(pt), "recv");
	CHECK(!memcmp(pt, got, sizeof(pt)), "data");
	CHECK(poll(&pfd, 1, 0) == 0, "POLLIN after read");
}

/* SO_RCVTIMEO on a partial record; then EOF on a partial record. */
static void t_timeo_eof(const struct var *v)
{
	static uint8_t rec[MAX_PLAIN + 512];
	struct timeval tv = { .tv_usec = 100000 };
	uint8_t pt[100], got[100];
	struct keys k;
	int n;

	setup(&k, v);
	CHECK(!setsockopt(fd_rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), "RCVTIMEO");
	n = build_record(&k, REC_DATA, pt, sizeof(pt), 0, rec);
	send_all(fd_tx, rec, n - 1);
	errno = 0;
	CHECK(recv(fd_rx, got, sizeof(got), 0) == -1 && errno == EAGAIN, "timeout");
	close(fd_tx);
	usleep(50000);
	CHECK(recv(fd_rx, got, sizeof(got), 0) == 0, "EOF");
}

/* MSG_WAITALL and SO_RCVLOWAT across records sent with gaps. */
static void t_waitall(const struct var *v)
{
	uint8_t pt[20000], got[20000];
	struct keys k;
	int lowat = 3000, i;
	pid_t pid;
	ssize_t n;

	setup(&k, v);
	fill(pt, sizeof(pt), 8);
	pid = fork();
	if (!pid) {
		for (i = 0; i < 20; i++) {
			send_rec(&k, REC_DATA, pt + i * 1000, 1000, 0);
			usleep(10000);
		}
		_exit(0);
	}
	n = recv(fd_rx, got, 5000, MSG_WAITALL);
	CHECK(n == 5000 && !memcmp(got, pt, 5000), "waitall (%zd)", n);
	CHECK(!setsockopt(fd_rx, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)), "lowat");
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n >= 3000 && !memcmp(got, pt + 5000, n), "lowat read (%zd)", n);
	waitpid(pid, NULL, 0);
}

/* Content of byte @p of the big-transfer stream. */
static uint8_t stream_byte(size_t p)
{
	return (uint8_t)((p ^ (p >> 8) ^ (p >> 16)) * 131 + (p >> 24));
}

/*
 * Big transfer: 32 MiB in records of random sizes (TLS 1.3 random padding)
 * written by a child in random chunks, read with random sizes, every byte
 * compared. @rcvbuf small forces the parser's copy mode.
 */
static void bigxfer(const struct var *v, int rcvbuf, size_t total)
{
	static uint8_t rec[MAX_PLAIN + 512], pt[MAX_PLAIN], got[65536];
	uint32_t rnd = 1;
	size_t done = 0;
	struct keys k;
	pid_t pid;

	sock_pair(rcvbuf);
	keys_init(&k, v, 0);
	if (set_rx(fd_rx, &k))
		exit(errno == ENOENT ? SKIP_RC : 1);
	pid = fork();
	if (!pid) {
		size_t off = 0;

		while (off < total) {
			int len, n, pad, sent = 0;

			rnd = rnd * 1103515245 + 12345;
			len = (rnd >> 8) % MAX_PLAIN + 1;
			if (len > (int)(total - off))
				len = total - off;
			pad = v->version == TLS_1_3_VERSION ? (rnd >> 4) % 64 : 0;
			if (len + pad > MAX_PLAIN)
				pad = MAX_PLAIN - len;
			for (n = 0; n < len; n++)
				pt[n] = stream_byte(off + n);
			n = build_record(&k, REC_DATA, pt, len, pad, rec);
			while (sent < n) {
				int c = (rnd >> 3) % 3000 + 1;

				if (c > n - sent)
					c = n - sent;
				send_all(fd_tx, rec + sent, c);
				sent += c;
			}
			off += len;
		}
		_exit(0);
	}
	close(fd_tx);
	while (done < total) {
		ssize_t n, i;

		rnd = rnd * 69069 + 1;
		n = recv(fd_rx, got, (rnd >> 8) % sizeof(got) + 1,
			 (rnd & 1) ? MSG_WAITALL : 0);
		CHECK(n > 0, "recv at %zu", done);
		for (i = 0; i < n; i++)
			CHECK(got[i] == stream_byte(done + i), "byte %zu corrupt", done + i);
		done += n;
	}
	CHECK(recv(fd_rx, got, 1, 0) == 0, "EOF after %zu bytes", total);
	waitpid(pid, NULL, 0);
}

static void t_bigxfer(const struct var *v)
{
	bigxfer(v, 0, 12 << 20);
}

static void t_copymode(const struct var *v)
{
	bigxfer(v, 4096, 2 << 20);
}

/*
 * A few bytes of the next record's header left in a large skb, with a
 * small receive buffer: that skb's whole truesize stays charged, TCP
 * advertises a zero window, and the rest of the header can only arrive
 * once the parser takes those bytes off the queue. Reading record B must
 * not hang (found by copymode under load: 1 byte queued, zero window,
 * reader asleep waiting for a header). Warm-up records raise the
 * receiver's MSS estimate, so that the window really closes.
 */
static void t_hdr_stash(const struct var *v)
{
	static uint8_t ra[MAX_PLAIN + 512], rb[MAX_PLAIN + 512];
	static uint8_t pa[6000], pb[12000], got[MAX_PLAIN];
	static const int alen[] = { 3000, 4500, 6000 }, tail[] = { 2500, 3500, 4000 };
	struct timeval tv = { .tv_sec = 10 };
	int na, nb, split, a, i, off;
	struct keys k;
	size_t tot;
	ssize_t n;
	pid_t pid;

	fill(pa, sizeof(pa), 14);
	fill(pb, sizeof(pb), 15);
	for (a = 0; a < 3; a++) {
		for (split = 1; split < 5; split++) {
			sock_pair(4096);
			keys_init(&k, v, 0);
			if (set_rx(fd_rx, &k))
				exit(errno == ENOENT ? SKIP_RC : 1);
			CHECK(!setsockopt(fd_rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
			      "SO_RCVTIMEO");
			for (i = 0; i < 3; i++) {	/* warm-up */
				pid = fork();
				if (!pid) {
					send_rec(&k, REC_DATA, pb, sizeof(pb), 0);
					_exit(0);
				}
				for (tot = 0; tot < sizeof(pb); tot += n) {
					n = recv(fd_rx, got, sizeof(pb) - tot, 0);
					CHECK(n > 0, "warm-up recv");
				}
				waitpid(pid, NULL, 0);
				k.seq++;	/* the child's send_rec used it */
			}
			na = build_record(&k, REC_DATA, pa, alen[a], 0, ra);
			nb = build_record(&k, REC_DATA, pb, sizeof(pb), 0, rb);
			/* record A, its last @tail[a] bytes and @split bytes of
			 * B's header in one send: one skb with a large truesize
			 */
			memcpy(ra + na, rb, split);
			off = na - tail[a];
			send_all(fd_tx, ra, off);
			usleep(20000);
			send_all(fd_tx, ra + off, na + split - off);
			usleep(100000);
			n = recv(fd_rx, got, sizeof(got), 0);
			CHECK(n == alen[a] && !memcmp(got, pa, n), "record A (%zd)", n);
			pid = fork();
			if (!pid) {
				send_all(fd_tx, rb + split, nb - split);
				_exit(0);
			}
			for (tot = 0; tot < sizeof(pb); tot += n) {
				n = recv(fd_rx, got + tot, sizeof(got) - tot, 0);
				CHECK(n > 0, "record B after %d + %d header bytes: recv %zd",
				      alen[a], split, n);
			}
			CHECK(tot == sizeof(pb) && !memcmp(got, pb, tot), "record B data");
			waitpid(pid, NULL, 0);
			close(fd_rx);
			close(fd_tx);
		}
	}
}

/* TLS 1.3 KeyUpdate: delivered, then EKEYEXPIRED and no POLLIN until TLS_RX. */
static void t_rekey(const struct var *v)
{
	static const uint8_t ku[] = { 24, 0, 0, 1, 0 };
	struct pollfd pfd = { .events = POLLIN };
	uint8_t got[100];
	long rcvd = stat_get("TlsRxRekeyReceived");
	struct keys k, k2;
	int type;
	ssize_t n;

	if (v->version != TLS_1_3_VERSION)
		exit(SKIP_RC);
	setup(&k, v);
	pfd.fd = fd_rx;
	send_rec(&k, REC_DATA, "before", 6, 0);
	send_rec(&k, REC_HS, ku, sizeof(ku), 2);
	keys_init(&k2, v, 1);
	send_rec(&k2, REC_DATA, "after-rekey", 11, 0);
	usleep(100000);
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 6 && !memcmp(got, "before", 6), "before");
	n = recv_type(fd_rx, got, sizeof(got), 0, &type);
	CHECK(n == sizeof(ku) && type == REC_HS && !memcmp(got, ku, n), "KeyUpdate");
	expect_err(EKEYEXPIRED, "rekey pending");
	errno = 0;
	CHECK(recv(fd_rx, got, sizeof(got), MSG_DONTWAIT) == -1 && errno == EKEYEXPIRED,
	      "rekey pending nonblock");
	CHECK(poll(&pfd, 1, 100) == 0, "POLLIN while rekey pending");
	if (rcvd >= 0)
		CHECK(stat_get("TlsRxRekeyReceived") == rcvd + 1, "TlsRxRekeyReceived");
	CHECK(!set_rx(fd_rx, &k2), "TLS_RX rekey");
	CHECK(poll(&pfd, 1, 1000) == 1, "POLLIN after rekey");
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 11 && !memcmp(got, "after-rekey", 11), "after rekey");
}

/* TLS_RX_EXPECT_NO_PAD: padded records still read right, and are counted. */
static void t_nopad(const struct var *v)
{
	uint8_t pt[1000], got[1000];
	long viol = stat_get("TlsRxNoPadViolation");
	long retry = stat_get("TlsDecryptRetry");
	struct keys k;
	int one = 1, type;
	ssize_t n;

	if (v->version != TLS_1_3_VERSION)
		exit(SKIP_RC);
	setup(&k, v);
	CHECK(!setsockopt(fd_rx, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &one, sizeof(one)), "no_pad");
	fill(pt, sizeof(pt), 10);
	/* no padding, data: the guess holds */
	send_rec(&k, REC_DATA, pt, 500, 0);
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 500 && !memcmp(got, pt, 500), "data (%zd)", n);
	/* padded: a violation, decrypted again */
	send_rec(&k, REC_DATA, pt + 500, 500, 100);
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 500 && !memcmp(got, pt + 500, 500), "padded data (%zd)", n);
	/* not data: decrypted again, no violation */
	send_rec(&k, REC_HS, "x", 1, 0);
	n = recv_type(fd_rx, got, sizeof(got), 0, &type);
	CHECK(n == 1 && type == REC_HS && got[0] == 'x', "control");
	if (viol >= 0) {
		CHECK(stat_get("TlsRxNoPadViolation") == viol + 1, "TlsRxNoPadViolation");
		CHECK(stat_get("TlsDecryptRetry") == retry + 2, "TlsDecryptRetry");
	}
}

/*
 * TLS 1.3 without TLS_RX_EXPECT_NO_PAD: ktls still decrypts straight into
 * the reader's buffer, guessing "data, no padding", until the peer pads a
 * record. Every record reads right; a wrong guess (control record, padded
 * record) costs one TlsDecryptRetry and leaves nothing in the buffer;
 * after the first padded record ktls stops guessing (no more retries).
 * TlsRxNoPadViolation is only for sockets that set the option.
 */
static void t_guess(const struct var *v)
{
	uint8_t pt[1000], got[1000];
	long viol = stat_get("TlsRxNoPadViolation");
	long retry = stat_get("TlsDecryptRetry");
	struct keys k;
	int type;
	ssize_t n;

	if (v->version != TLS_1_3_VERSION)
		exit(SKIP_RC);
	if (access("/sys/module/ktls", F_OK))
		exit(SKIP_RC);	/* tls.ko never guesses without the option */
	setup(&k, v);
	fill(pt, sizeof(pt), 13);
	send_rec(&k, REC_DATA, pt, 500, 0);
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 500 && !memcmp(got, pt, 500), "data (%zd)", n);
	if (retry >= 0)
		CHECK(stat_get("TlsDecryptRetry") == retry, "right guess: no retry");

	/* data then a control record in one read: the control record is
	 * decrypted into the buffer by the guess, then wiped and kept
	 */
	send_rec(&k, REC_DATA, pt, 300, 0);
	send_rec(&k, REC_HS, "y", 1, 0);
	usleep(100000);
	memset(got, 0x77, sizeof(got));
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 300 && !memcmp(got, pt, 300), "data before control (%zd)", n);
	CHECK(got[300] != 'y', "control record plaintext left in the buffer");
	n = recv_type(fd_rx, got, sizeof(got), 0, &type);
	CHECK(n == 1 && type == REC_HS && got[0] == 'y', "control");
	if (retry >= 0)
		CHECK(stat_get("TlsDecryptRetry") == retry + 1, "control: one retry");

	/* a padded record: read right, and the guessing stops */
	send_rec(&k, REC_DATA, pt + 500, 200, 50);
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 200 && !memcmp(got, pt + 500, 200), "padded (%zd)", n);
	send_rec(&k, REC_DATA, pt + 700, 200, 50);
	send_rec(&k, REC_DATA, pt + 900, 100, 0);
	usleep(100000);
	n = recv(fd_rx, got, 300, MSG_WAITALL);
	CHECK(n == 300 && !memcmp(got, pt + 700, 300), "after padding (%zd)", n);
	if (retry >= 0) {
		CHECK(stat_get("TlsDecryptRetry") == retry + 2, "one retry for padding");
		CHECK(stat_get("TlsRxNoPadViolation") == viol, "no violation without the option");
	}
}

/* Records queued before TLS_RX is set are parsed once it is. */
static void t_prequeue(const struct var *v)
{
	uint8_t pt[3000], got[3000];
	struct keys k;
	ssize_t n;

	sock_pair(0);
	keys_init(&k, v, 0);
	fill(pt, sizeof(pt), 11);
	send_rec(&k, REC_DATA, pt, 1000, 0);
	send_rec(&k, REC_DATA, pt + 1000, 2000, 0);
	usleep(100000);
	k.seq = 0;
	if (set_rx(fd_rx, &k))
		exit(errno == ENOENT ? SKIP_RC : 1);
	n = recv(fd_rx, got, sizeof(got), MSG_WAITALL);
	CHECK(n == 3000 && !memcmp(got, pt, 3000), "prequeued (%zd)", n);
}

/* ---------- read_sock: an in-kernel consumer (readsock.ko) ---------- */

#define READSOCK_PATH	"/sys/kernel/debug/readsock"

/*
 * One read_sock() call through readsock.ko on fd_rx, taking at most @want
 * bytes, after waiting for fd_rx to be readable when @wait. Returns the
 * bytes handed over (copied to @out), or -errno.
 */
static ssize_t read_sock(int hook, void *out, size_t want, bool wait)
{
	struct pollfd pfd = { .fd = fd_rx, .events = POLLIN };
	char cmd[32];
	ssize_t n, tot = 0;

	if (wait)
		CHECK(poll(&pfd, 1, 10000) == 1, "poll before read_sock");
	snprintf(cmd, sizeof(cmd), "%d %zu", fd_rx, want);
	if (write(hook, cmd, strlen(cmd)) < 0)
		return -errno;
	while ((n = read(hook, (uint8_t *)out + tot, want - tot)) > 0)
		tot += n;
	CHECK(n == 0, "read the hook");
	return tot;
}

/*
 * read_sock() hands a kernel consumer the plaintext of data records only
 * (6.12's tls.ko; 6.1's tls.ko leaves TCP's, which hands over ciphertext):
 * every byte of many records of many sizes in order, an empty record
 * skipped, a record taken in parts with the rest left for recvmsg, and a
 * control record refused with EINVAL and left for recvmsg.
 */
static void t_read_sock(const struct var *v)
{
	static uint8_t pt[256 * 1024], got[256 * 1024];
	size_t total = 0, tot = 0;
	struct keys k;
	int hook, type, i;
	ssize_t n;

	setup(&k, v);
	hook = open(READSOCK_PATH, O_RDWR);
	CHECK(hook >= 0, "open %s (readsock.ko loaded?)", READSOCK_PATH);
	CHECK(read_sock(hook, got, 100, false) == -EAGAIN,
	      "read_sock with nothing queued: want EAGAIN");

	fill(pt, sizeof(pt), 11);
	for (i = 0; total + MAX_PLAIN <= sizeof(pt) / 4; i++) {
		int len = 1 + (i * 7919) % MAX_PLAIN;

		send_rec(&k, REC_DATA, pt + total, len, 0);
		total += len;
		if (i == 3)
			send_rec(&k, REC_DATA, "", 0, 0);	/* empty */
	}
	while (tot < total) {
		n = read_sock(hook, got + tot, 7000, true);
		CHECK(n > 0, "read_sock after %zu of %zu bytes: %zd", tot, total, n);
		tot += n;
	}
	CHECK(tot == total && !memcmp(pt, got, total),
	      "read_sock bytes differ from what was sent (%zu bytes)", total);

	/* a record taken in parts: the rest stays for recvmsg */
	send_rec(&k, REC_DATA, pt + total, 1000, 0);
	n = read_sock(hook, got, 100, true);
	CHECK(n == 100 && !memcmp(got, pt + total, 100), "read_sock 100 of a record");
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 900 && !memcmp(got, pt + total + 100, 900),
	      "recv the rest after read_sock (%zd)", n);

	/* a control record is not for read_sock; recvmsg gets it, then data */
	send_rec(&k, REC_ALERT, "al", 2, 0);
	send_rec(&k, REC_DATA, pt, 50, 0);
	usleep(100000);
	CHECK(read_sock(hook, got, 100, true) == -EINVAL,
	      "read_sock of a control record: want EINVAL");
	n = recv_type(fd_rx, got, sizeof(got), 0, &type);
	CHECK(n == 2 && type == REC_ALERT && !memcmp(got, "al", 2),
	      "control record after read_sock (%zd, %d)", n, type);
	n = read_sock(hook, got, 100, true);
	CHECK(n == 50 && !memcmp(got, pt, 50), "read_sock after the control record");
	expect_eagain();
	close(hook);
}

#include "rx_record_cases.h"
#include "cases.h"

static const struct tcase cases[] = {
	{ "basic", t_basic }, { "max_len", t_max_len },
	{ "bad_len_long", t_bad_len_long }, { "bad_len_short", t_bad_len_short },
	{ "bad_version", t_bad_version }, { "bad_auth", t_bad_auth },
	{ "bad_ct", t_bad_ct }, { "no_type", t_no_type }, { "control", t_control },
	{ "peek", t_peek }, { "splice", t_splice }, { "poll", t_poll },
	{ "timeo_eof", t_timeo_eof }, { "waitall", t_waitall },
	{ "bigxfer", t_bigxfer }, { "copymode", t_copymode },
	{ "hdr_stash", t_hdr_stash }, { "rekey", t_rekey },
	{ "nopad", t_nopad }, { "guess", t_guess }, { "prequeue", t_prequeue },
	{ "read_sock", t_read_sock }, { "record", t_record },
	{ "record_small", t_record_small }, { "record_errs", t_record_errs },
};


int main(int argc, char **argv)
{
	return cases_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			  0);
}
