// SPDX-License-Identifier: GPL-2.0
/*
 * The AES-CBC + HMAC suites of ktls.ko (FreeBSD's ten CBC suites), against
 * a record codec written here with OpenSSL EVP and HMAC: MAC-then-encrypt
 * as RFC 5246 6.2.3.2 says, so every byte of every record is checked or
 * chosen by the test.
 *
 *   cbc_test CASE [VARIANT,...|all]   as rx_test (cases.h): one child per
 *                                     variant, "RESULT CASE.VARIANT RC"
 * VARIANT: FreeBSD's names, aes{128,256}_cbc_1_{0,1,2}_sha1,
 * aes{128,256}_cbc_1_2_sha{256,384}.
 *
 * tx: the kernel seals, the codec opens (version bytes, minimal padding,
 * MAC, a fresh explicit IV per record or TLS 1.0's chained one); rx*: the
 * codec seals, the kernel opens, with every padding length, extra
 * padding, and FreeBSD's bad records; sockopt: the errnos; loop: kernel
 * to kernel; timing: the constant-time check measured.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/ktls.h>

#include "ktls_setup.h"
#include "net.h"
#include "check.h"
#include "cbc_records.h"
#include "sockio.h"

#define REC_DATA	23
#define REC_ALERT	21
#define MAX_PLAIN	16384
#define MAX_REC		(5 + MAX_PLAIN + 2048)
#define SKIP_RC		4
#define CBC_ENABLE	"/proc/sys/net/ktls/cbc_enable"

/* ---------- sockets ---------- */

static int fd_tx, fd_rx;	/* raw TCP peer, kTLS socket: per case */

static void pair(void)
{
	int one = 1;

	CHECK(!tcp_pair_loopback(&fd_rx, &fd_tx, 0), "loopback pair");
	setsockopt(fd_tx, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd_rx, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ktls_ulp(fd_rx)) {
		fprintf(stderr, "no TLS ULP\n");
		exit(SKIP_RC);
	}
}

/* RX on fd_rx; TLS 1.0 is refused (FreeBSD's "unsupported" cases) */
static void setup_rx(struct cbc_keys *k, const struct cbc_var *v)
{
	pair();
	cbc_keys_init(k, v, 0);
	if (v->version == TLS_1_0_VERSION) {
		CHECK(cbc_install(fd_rx, TLS_RX, k) == -1 && errno == EPROTONOSUPPORT,
		      "TLS 1.0 TLS_RX: want EPROTONOSUPPORT");
		exit(SKIP_RC);
	}
	CHECK(!cbc_install(fd_rx, TLS_RX, k), "TLS_RX");
}

static void send_rec(struct cbc_keys *k, uint8_t type, const uint8_t *pt, int len,
		     int extra, enum cbc_spoil how)
{
	static uint8_t rec[MAX_REC + 256];

	send_all(fd_tx, rec, cbc_seal(k, type, pt, len, extra, how, rec));
}

/* recvmsg with the record type cmsg */
static ssize_t recv_type(void *buf, size_t len, int *type)
{
	char cbuf[CMSG_SPACE(1)];
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd_rx, &m, 0);

	*type = -1;
	c = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL;
	if (c && c->cmsg_level == SOL_TLS && c->cmsg_type == TLS_GET_RECORD_TYPE)
		*type = *(uint8_t *)CMSG_DATA(c);
	return n;
}

static void expect_rec(const uint8_t *pt, int len, int want_type)
{
	static uint8_t got[MAX_PLAIN];
	ssize_t n, tot = 0;
	int type;

	while (tot < len) {
		n = recv_type(got + tot, len - tot, &type);
		CHECK(n > 0, "recv of a %d-byte record after %zd", len, tot);
		CHECK(type == want_type, "type %d, want %d", type, want_type);
		tot += n;
	}
	CHECK(!memcmp(got, pt, len), "plaintext of a %d-byte record", len);
}

static void expect_err(int err, const char *what)
{
	char b[64];
	ssize_t n;

	errno = 0;
	n = recv(fd_rx, b, sizeof(b), 0);
	CHECK(n == -1 && errno == err, "%s: recv %zd, want errno %d", what, n, err);
}

static void expect_eagain(void)
{
	char b[16];

	errno = 0;
	CHECK(recv(fd_rx, b, sizeof(b), MSG_DONTWAIT) == -1 && errno == EAGAIN,
	      "expected EAGAIN");
}

/* ---------- receive ---------- */

/*
 * Every plaintext length 0..40 (so every padding length), with minimal
 * padding and 16, 32 and 240 extra bytes, maximal records, an alert.
 */
static void t_rx(const struct cbc_var *v)
{
	static uint8_t pt[MAX_PLAIN];
	static const int extras[] = { 0, 16, 32, 240 };
	struct cbc_keys k;
	int len, e;

	if (v->version == TLS_1_0_VERSION) {
		/* FreeBSD's ktls_receive_unsupported_* cases */
		pair();
		cbc_keys_init(&k, v, 0);
		CHECK(cbc_install(fd_rx, TLS_RX, &k) == -1 && errno == EPROTONOSUPPORT,
		      "TLS 1.0 TLS_RX: want EPROTONOSUPPORT");
		return;
	}
	setup_rx(&k, v);
	fill(pt, sizeof(pt), 3);
	for (e = 0; e < 4; e++) {
		for (len = 0; len <= 40; len++) {
			send_rec(&k, REC_DATA, pt + len, len, extras[e], CBC_GOOD);
			if (len)
				expect_rec(pt + len, len, REC_DATA);
		}
	}
	send_rec(&k, REC_DATA, pt, MAX_PLAIN, 0, CBC_GOOD);
	send_rec(&k, REC_DATA, pt, MAX_PLAIN, 240, CBC_GOOD);
	send_rec(&k, REC_ALERT, pt, 2, 0, CBC_GOOD);
	send_rec(&k, REC_DATA, pt, 1000, 16, CBC_GOOD);
	expect_rec(pt, MAX_PLAIN, REC_DATA);
	expect_rec(pt, MAX_PLAIN, REC_DATA);
	expect_rec(pt, 2, REC_ALERT);
	expect_rec(pt, 1000, REC_DATA);
	expect_eagain();
}

/* One good record, then one spoiled: the first reads, the second EBADMSG. */
static void rx_spoiled(const struct cbc_var *v, enum cbc_spoil how, int len)
{
	static uint8_t pt[MAX_PLAIN];
	long bad = stat_get("KtlsCorruptedRecords");
	long dec = stat_get("TlsDecryptError");
	struct cbc_keys k;

	setup_rx(&k, v);
	fill(pt, sizeof(pt), 5);
	send_rec(&k, REC_DATA, pt, 300, 0, CBC_GOOD);
	send_rec(&k, REC_DATA, pt, len, 32, how);
	expect_rec(pt, 300, REC_DATA);
	expect_err(EBADMSG, "spoiled record");
	CHECK(stat_get("KtlsCorruptedRecords") == bad + 1 &&
	      stat_get("TlsDecryptError") == dec + 1,
	      "KtlsCorruptedRecords and TlsDecryptError rise by one");
}

static void t_rx_bad_data(const struct cbc_var *v) { rx_spoiled(v, CBC_BAD_DATA, 1000); }
static void t_rx_bad_mac(const struct cbc_var *v) { rx_spoiled(v, CBC_BAD_MAC, 1000); }
static void t_rx_bad_padding(const struct cbc_var *v) { rx_spoiled(v, CBC_BAD_PAD, 100); }
static void t_rx_bad_padding_mid(const struct cbc_var *v) { rx_spoiled(v, CBC_BAD_PAD_MID, 100); }
static void t_rx_bad_iv(const struct cbc_var *v) { rx_spoiled(v, CBC_BAD_IV, 1000); }

/* A header of @len (body of zeroes): EMSGSIZE, FreeBSD's length rules. */
static void rx_bad_len(const struct cbc_var *v, int len)
{
	static uint8_t rec[5 + 40000];
	long bad = stat_get("KtlsCorruptedRecords");
	struct cbc_keys k;

	setup_rx(&k, v);
	rec[0] = REC_DATA;
	rec[1] = 3;
	rec[2] = cbc_minor(v);
	rec[3] = len >> 8;
	rec[4] = len & 0xff;
	send_all(fd_tx, rec, 5 + (len < 40000 ? len : 0));
	shutdown(fd_tx, SHUT_WR);
	expect_err(EMSGSIZE, "bad length");
	CHECK(stat_get("KtlsCorruptedRecords") == bad + 1,
	      "KtlsCorruptedRecords rises by one");
}

static int min_len(const struct cbc_var *v)
{
	return 16 + (v->maclen + 1 + 15) / 16 * 16;
}

static void t_rx_small_record(const struct cbc_var *v) { rx_bad_len(v, min_len(v) - 1); }
static void t_rx_non_block_size(const struct cbc_var *v) { rx_bad_len(v, min_len(v) + 1); }
static void t_rx_oversized_record(const struct cbc_var *v) { rx_bad_len(v, 32768); }
static void t_rx_short_header(const struct cbc_var *v) { rx_bad_len(v, 6); }

/* Another version in the header: EINVAL. */
static void t_rx_bad_version(const struct cbc_var *v)
{
	static uint8_t rec[MAX_REC];
	uint8_t pt[100] = { 0 };
	struct cbc_keys k;
	int n;

	setup_rx(&k, v);
	n = cbc_seal(&k, REC_DATA, pt, sizeof(pt), 0, CBC_GOOD, rec);
	rec[2] ^= 3;
	send_all(fd_tx, rec, n);
	expect_err(EINVAL, "version 3.x");
}

/* ---------- send ---------- */

/*
 * Open every record the kernel sent, @total plaintext bytes of @pt,
 * @alert: one 2-byte alert expected after @alert_at bytes.
 */
static void check_sent(struct cbc_keys *k, const uint8_t *pt, size_t total,
		       size_t alert_at, unsigned int *records)
{
	static uint8_t buf[MAX_REC], plain[MAX_PLAIN + 64];
	uint8_t type, iv[16], last_iv[16] = { 0 };
	size_t got = 0;
	bool alert = alert_at != (size_t)-1;
	int len, n;

	*records = 0;
	while (got < total || alert) {
		recv_all(fd_tx, buf, 5);
		n = buf[3] << 8 | buf[4];
		CHECK(n <= MAX_REC - 5, "record length %d", n);
		recv_all(fd_tx, buf + 5, n);
		cbc_open(k, buf, 5 + n, &type, plain, &len, iv);
		CHECK(*records == 0 || k->v->version == TLS_1_0_VERSION ||
		      memcmp(iv, last_iv, 16), "explicit IV repeated");
		memcpy(last_iv, iv, 16);
		(*records)++;
		if (type == REC_ALERT) {
			CHECK(alert && got == alert_at && len == 2 &&
			      !memcmp(plain, "\x01\x00", 2), "alert at %zu", got);
			alert = false;
			continue;
		}
		CHECK(type == REC_DATA && len > 0 && len <= MAX_PLAIN,
		      "type %d length %d", type, len);
		CHECK(got + len <= total && !memcmp(plain, pt + got, len),
		      "plaintext at %zu", got);
		got += len;
	}
}

static void send_alert(int fd)
{
	char cbuf[CMSG_SPACE(1)] = { 0 };
	struct iovec iov = { "\x01\x00", 2 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(c) = REC_ALERT;
	CHECK(sendmsg(fd, &m, 0) == 2, "alert sendmsg");
}

/*
 * Writes of 1..16 bytes (every padding length), copied records
 * (MSG_MORE), records referencing the caller's pages (whole records in
 * one send), sendfile, an alert, 256 KiB in bulk: the codec opens them
 * all and the sequence read back with getsockopt matches.
 */
static void t_tx(const struct cbc_var *v)
{
	static uint8_t pt[512 * 1024];
	struct tls_crypto_info_aes_cbc_hmac ci;
	struct cbc_keys k, peer;
	size_t off = 0, alert_at;
	unsigned int records, i;
	socklen_t len = sizeof(ci);
	char path[] = "/tmp/cbc_txXXXXXX";
	uint64_t seq = 0;
	int f, n;

	long sw = stat_get("KtlsSwAesCbc"), txsw = stat_get("TlsTxSw");

	pair();
	cbc_keys_init(&k, v, 1);
	CHECK(!cbc_install(fd_rx, TLS_TX, &k), "TLS_TX");
	CHECK(stat_get("KtlsSwAesCbc") == sw + 1 && stat_get("TlsTxSw") == txsw + 1,
	      "KtlsSwAesCbc and TlsTxSw rise by one");
	peer = k;
	fill(pt, sizeof(pt), 9);
	for (n = 1; n <= 16; n++) {
		CHECK(send(fd_rx, pt + off, n, 0) == n, "send %d", n);
		off += n;
	}
	/* MSG_MORE: copied into one record of 300 */
	CHECK(send(fd_rx, pt + off, 100, MSG_MORE) == 100, "send MSG_MORE");
	CHECK(send(fd_rx, pt + off + 100, 200, 0) == 200, "send end");
	off += 300;
	alert_at = off;
	send_alert(fd_rx);
	/* whole records referenced, then a bulk write */
	CHECK(send(fd_rx, pt + off, MAX_PLAIN, 0) == MAX_PLAIN, "send record");
	off += MAX_PLAIN;
	send_all(fd_rx, pt + off, 256 * 1024);
	off += 256 * 1024;
	/* sendfile: page cache pages */
	f = mkstemp(path);
	CHECK(f >= 0 && write(f, pt + off, 100000) == 100000, "temp file");
	unlink(path);
	{
		off_t o = 0;

		while (o < 100000)
			CHECK(sendfile(fd_rx, f, &o, 100000 - o) > 0, "sendfile");
	}
	close(f);
	off += 100000;
	check_sent(&peer, pt, off, alert_at, &records);

	memset(&ci, 0, sizeof(ci));
	CHECK(!getsockopt(fd_rx, SOL_TLS, TLS_TX, &ci, &len) && len == sizeof(ci),
	      "getsockopt TLS_TX");
	for (i = 0; i < 8; i++)
		seq = seq << 8 | ci.rec_seq[i];
	CHECK(seq == records && ci.info.cipher_type == v->cipher &&
	      ci.info.version == v->version && !memcmp(ci.key, k.key, v->keylen),
	      "getsockopt: sequence %llu after %u records",
	      (unsigned long long)seq, records);
	CHECK(v->version != TLS_1_0_VERSION || !memcmp(ci.iv, peer.iv, 16),
	      "getsockopt: TLS 1.0's next IV");
}

/* ---------- both ends in the kernel ---------- */

/* 8 MiB kernel to kernel, checksummed by comparison, both directions. */
static void t_loop(const struct cbc_var *v)
{
	static uint8_t pt[1 << 20], got[1 << 20];
	struct cbc_keys a, b;
	int round;

	if (v->version == TLS_1_0_VERSION)
		exit(SKIP_RC);	/* no TLS 1.0 receive */
	pair();
	cbc_keys_init(&a, v, 2);
	cbc_keys_init(&b, v, 3);
	CHECK(!ktls_ulp(fd_tx), "ULP on the peer");
	CHECK(!cbc_install(fd_tx, TLS_TX, &a) && !cbc_install(fd_rx, TLS_RX, &a) &&
	      !cbc_install(fd_rx, TLS_TX, &b) && !cbc_install(fd_tx, TLS_RX, &b),
	      "keys");
	for (round = 0; round < 4; round++) {
		fill(pt, sizeof(pt), round);
		send_all(round & 1 ? fd_rx : fd_tx, pt, sizeof(pt));
		recv_all(round & 1 ? fd_tx : fd_rx, got, sizeof(got));
		CHECK(!memcmp(pt, got, sizeof(pt)), "round %d differs", round);
	}
}

/* ---------- socket options ---------- */

static void write_sysctl(const char *path, const char *val)
{
	int f = open(path, O_WRONLY);

	CHECK(f >= 0 && write(f, val, strlen(val)) == (ssize_t)strlen(val),
	      "write %s", path);
	close(f);
}

static void t_sockopt(const struct cbc_var *v)
{
	struct tls_crypto_info_aes_cbc_hmac ci;
	socklen_t len = sizeof(ci);
	int mode = TLS_MODE_DEVICE, fd;
	struct cbc_keys k;

	pair();
	cbc_keys_init(&k, v, 0);
	fd = fd_rx;
	/* disabled: ENOTSUP, and the socket may try again */
	write_sysctl(CBC_ENABLE, "0");
	errno = 0;
	CHECK(cbc_install(fd, TLS_TX, &k) == -1 && errno == EOPNOTSUPP,
	      "cbc_enable 0: want EOPNOTSUPP");
	write_sysctl(CBC_ENABLE, "1");
	/* wrong length, SHA256/384 before TLS 1.2, TLS 1.3 */
	CHECK(cbc_set_key(fd, TLS_TX, &k, v->version, v->cipher, sizeof(ci) - 1) == -1 &&
	      errno == EINVAL, "short optlen: want EINVAL");
	CHECK(cbc_set_key(fd, TLS_TX, &k, TLS_1_1_VERSION, TLS_CIPHER_AES_CBC_128_SHA256,
		      sizeof(ci)) == -1 && errno == EINVAL,
	      "SHA256 with TLS 1.1: want EINVAL");
	CHECK(cbc_set_key(fd, TLS_TX, &k, TLS_1_0_VERSION, TLS_CIPHER_AES_CBC_256_SHA384,
		      sizeof(ci)) == -1 && errno == EINVAL,
	      "SHA384 with TLS 1.0: want EINVAL");
	CHECK(cbc_set_key(fd, TLS_TX, &k, TLS_1_3_VERSION, v->cipher, sizeof(ci)) == -1 &&
	      errno == EINVAL, "TLS 1.3 CBC: want EINVAL");
	CHECK(cbc_set_key(fd, TLS_RX, &k, TLS_1_0_VERSION, TLS_CIPHER_AES_CBC_128_SHA256,
		      sizeof(ci)) == -1 && errno == EINVAL,
	      "RX SHA256 with TLS 1.0: want EINVAL, before EPROTONOSUPPORT");
	/* now for real; a second key is EBUSY (no rekey before TLS 1.3) */
	CHECK(!cbc_install(fd, TLS_TX, &k), "TLS_TX");
	CHECK(cbc_install(fd, TLS_TX, &k) == -1 && errno == EBUSY, "rekey: want EBUSY");
	/* the other direction must be the same suite */
	if (v->version != TLS_1_0_VERSION) {
		CHECK(cbc_set_key(fd, TLS_RX, &k, v->version,
			      v->cipher == TLS_CIPHER_AES_CBC_128_SHA1 ?
			      TLS_CIPHER_AES_CBC_256_SHA1 : TLS_CIPHER_AES_CBC_128_SHA1,
			      sizeof(ci)) == -1 && errno == EINVAL,
		      "RX with another suite: want EINVAL");
		CHECK(ktls_set_key(fd, TLS_RX, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128,
				   k.key, k.iv, k.mac, NULL) == -1 && errno == EINVAL,
		      "RX with AES-GCM: want EINVAL");
	}
	/* software only: no device ever takes CBC */
	CHECK(setsockopt(fd, SOL_TLS, TLS_TX_MODE, &mode, sizeof(mode)) == -1 &&
	      errno == ENXIO, "TLS_TX_MODE device: want ENXIO");
	mode = -1;
	len = sizeof(mode);
	CHECK(!getsockopt(fd, SOL_TLS, TLS_TX_MODE, &mode, &len) &&
	      mode == TLS_MODE_SW, "TLS_TX_MODE: software");
	/* getsockopt: the header alone, the whole info, nothing else */
	len = sizeof(ci.info);
	CHECK(!getsockopt(fd, SOL_TLS, TLS_TX, &ci, &len) && len == sizeof(ci.info) &&
	      ci.info.cipher_type == v->cipher, "getsockopt header");
	len = sizeof(ci) + 4;
	CHECK(getsockopt(fd, SOL_TLS, TLS_TX, &ci, &len) == -1 && errno == EINVAL,
	      "getsockopt, long: want EINVAL");
	len = sizeof(ci);
	CHECK(!getsockopt(fd, SOL_TLS, TLS_TX, &ci, &len) &&
	      !memcmp(ci.mac_key, k.mac, v->maclen), "getsockopt info");
}

/* ---------- constant time ---------- */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Lucky13's signal: in records of one length that fail their MAC, a
 * padding of 1 byte against one of 256 makes a naive receiver hash 255
 * bytes more (4 SHA1 blocks) for the first. The time from a record's
 * last byte to EBADMSG is sampled alternately for both and the medians
 * compared. The reference: two good records 256 bytes apart in length,
 * whose gap (255 bytes more to decrypt and hash) shows that the
 * measurement resolves such a difference at all.
 */
static double sample(const struct cbc_var *v, int claim, int clen, bool good_mac)
{
	static uint8_t rec[MAX_REC], plain[2048];
	uint8_t iv[16] = { 0 }, b[2048];
	int len, pad = claim + 1, rlen = 16 + clen;
	struct cbc_keys k;
	double t0, t;

	pair();
	cbc_keys_init(&k, v, 0);
	CHECK(!cbc_install(fd_rx, TLS_RX, &k), "TLS_RX");
	/* plaintext | MAC | the claimed padding */
	len = clen - v->maclen - pad;
	memset(plain, 0x33, clen);
	memset(plain + clen - pad, claim, pad);
	cbc_mac_of(&k, REC_DATA, plain, len, plain + len);
	if (!good_mac)
		plain[len] ^= 1;
	rec[0] = REC_DATA;
	rec[1] = 3;
	rec[2] = cbc_minor(v);
	rec[3] = rlen >> 8;
	rec[4] = rlen & 0xff;
	memcpy(rec + 5, iv, 16);
	cbc_crypt(&k, true, iv, plain, clen, rec + 21);
	/* all but the last byte first: the clock runs for the record only */
	send_all(fd_tx, rec, 5 + rlen - 1);
	usleep(2000);
	t0 = now_us();
	send_all(fd_tx, rec + 5 + rlen - 1, 1);
	CHECK((recv(fd_rx, b, sizeof(b), 0) < 0) == !good_mac, "timed record");
	t = now_us() - t0;
	close(fd_rx);
	close(fd_tx);
	return t;
}

/* medians of the bad-MAC pair and of the reference pair: the gaps */
static void measure(const struct cbc_var *v, double *bad_gap, double *ref_gap)
{
	enum { N = 101 };
	static double s[4][N];
	double med[4];
	int i, j;

	for (i = 0; i < N; i++) {
		s[0][i] = sample(v, 0, 1024, false);
		s[1][i] = sample(v, 255, 1024, false);
		s[2][i] = sample(v, 0, 1024 + 256, true);
		s[3][i] = sample(v, 0, 1024, true);
	}
	for (j = 0; j < 4; j++) {
		qsort(s[j], N, sizeof(double), cmp_d);
		med[j] = s[j][N / 2];
	}
	*bad_gap = med[0] - med[1];
	*ref_gap = med[2] - med[3];
	printf("TIMING bad MAC, pad 1: %.1f us, pad 256: %.1f us, gap %.2f us; "
	       "good, 256 bytes longer: %.1f us vs %.1f us, gap %.2f us\n",
	       med[0], med[1], *bad_gap, med[2], med[3], *ref_gap);
}

/*
 * Fails when the padding gap (either sign) is above half the reference
 * gap three times in a row: in an emulated guest one measurement in a
 * few shows up to about 6 us either way (of about 250) on its own.
 */
static void t_timing(const struct cbc_var *v)
{
	double bad, ref;
	int tries;

	if (v->version != TLS_1_2_VERSION || v->cipher != TLS_CIPHER_AES_CBC_128_SHA1)
		exit(SKIP_RC);	/* one suite is enough; SHA1's blocks are cheapest */
	for (tries = 0; tries < 3; tries++) {
		measure(v, &bad, &ref);
		if (fabs(bad) < ref / 2)
			return;
	}
	fail("padding length shows in the time to EBADMSG: gap %.2f us "
	     "(a 256-byte longer record: %.2f us)", bad, ref);
}

/* cases.h runs its cases over "vars", of type "struct var" */
#define var cbc_var
#define vars cbc_vars
#include "cases.h"

static const struct tcase cases[] = {
	{ "tx", t_tx }, { "rx", t_rx }, { "loop", t_loop },
	{ "sockopt", t_sockopt },
	{ "rx_bad_data", t_rx_bad_data }, { "rx_bad_mac", t_rx_bad_mac },
	{ "rx_bad_padding", t_rx_bad_padding },
	{ "rx_bad_padding_mid", t_rx_bad_padding_mid },
	{ "rx_bad_iv", t_rx_bad_iv },
	{ "rx_small_record", t_rx_small_record },
	{ "rx_non_block_size", t_rx_non_block_size },
	{ "rx_oversized_record", t_rx_oversized_record },
	{ "rx_short_header", t_rx_short_header },
	{ "rx_bad_version", t_rx_bad_version },
	{ "timing", t_timing },
};

int main(int argc, char **argv)
{
	return cases_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			  120);
}
