// SPDX-License-Identifier: GPL-2.0
/*
 * FreeBSD's tests/sys/kern/ktls_test.c case list (565 cases), on this API.
 * Every case keeps its FreeBSD name; what it checks is FreeBSD's (see
 * ../shared/reference/freebsd-ktls.md, section 2), through the Linux
 * equivalents: TCP_ULP "tls" + TLS_TX / TLS_RX for FreeBSD's
 * TCP_TXTLS_ENABLE / TCP_RXTLS_ENABLE, TLS_RX_RECORD and its
 * TLS_GET_RECORD cmsg (level SOL_TLS) for FreeBSD's per-record receive,
 * TLS_SET_RECORD_TYPE for the record type of a write. The records are
 * sealed and opened by the tests' own OpenSSL codecs (rx_records.h for the
 * AEADs, cbc_records.h for CBC). Cases that do not map are listed with
 * the reason and not run.
 *
 *   freebsd_ktls [GLOB]   run the cases matching GLOB (default all): one
 *                         line "RESULT name rc" per ported case (0 pass,
 *                         else fail), "NA name: reason" per case that
 *                         does not map, then "PORTED n NA m"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
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
#define MAX_REC		(5 + MAX_PLAIN + 2048)

#include "rx_records.h"
#include "cbc_records.h"
#include "sockio.h"

/* ---------- suites: FreeBSD's names over both codecs ---------- */

struct suite {
	const char *name;
	const struct var *a;		/* an AEAD, or */
	const struct cbc_var *c;	/* a CBC suite */
};

static const struct var *aead(const char *n)
{
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (!strcmp(vars[i].name, n))
			return &vars[i];
	abort();
}

static struct suite suites[16];
static unsigned int nsuites;

static void suites_init(void)
{
	static const char *const a[][2] = {
		{ "aes128_gcm_1_2", "12gcm" }, { "aes256_gcm_1_2", "12gcm256" },
		{ "aes128_gcm_1_3", "13gcm" }, { "aes256_gcm_1_3", "13gcm256" },
		{ "chacha20_poly1305_1_2", "12chacha" },
		{ "chacha20_poly1305_1_3", "13chacha" },
	};
	size_t i;

	for (i = 0; i < sizeof(cbc_vars) / sizeof(cbc_vars[0]); i++)
		suites[nsuites++] = (struct suite){ cbc_vars[i].name, NULL, &cbc_vars[i] };
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		suites[nsuites++] = (struct suite){ a[i][0], aead(a[i][1]), NULL };
}

static uint16_t s_version(const struct suite *s)
{
	return s->c ? s->c->version : s->a->version;
}

static bool s_tls10(const struct suite *s)
{
	return s_version(s) == TLS_1_0_VERSION;
}

static bool s_tls13(const struct suite *s)
{
	return s_version(s) == TLS_1_3_VERSION;
}

static bool s_gcm12(const struct suite *s)
{
	return s->a && !s_tls13(s) && s->a->cipher != TLS_CIPHER_CHACHA20_POLY1305;
}

/* the minor version byte of every record (TLS 1.3: 3) */
static uint8_t s_minor(const struct suite *s)
{
	return s->c ? cbc_minor(s->c) : 3;
}

/* FreeBSD's minimum record length after the header */
static int s_min_len(const struct suite *s)
{
	if (s->c)
		return (s_tls10(s) ? 0 : 16) + (s->c->maclen + 1 + 15) / 16 * 16;
	return (s_gcm12(s) ? 8 : 0) + 16 + s_tls13(s);
}

/* keys of either codec */
struct skeys {
	const struct suite *s;
	struct keys a;
	struct cbc_keys c;
};

static void skeys_init(struct skeys *k, const struct suite *s, int gen)
{
	k->s = s;
	if (s->c)
		cbc_keys_init(&k->c, s->c, gen);
	else
		keys_init(&k->a, s->a, gen);
}

static int s_install(int fd, int opt, const struct skeys *k)
{
	const struct suite *s = k->s;

	if (s->c)
		return cbc_install(fd, opt, &k->c);
	if (opt == TLS_RX)
		return set_rx(fd, &k->a);
	return ktls_set_key(fd, opt, s->a->version, s->a->cipher, k->a.key,
			    k->a.iv, k->a.salt, NULL);
}

static int s_seal(struct skeys *k, uint8_t type, const uint8_t *pt, int len,
		  int pad, enum cbc_spoil how, uint8_t *out)
{
	if (k->s->c)
		return cbc_seal(&k->c, type, pt, len, pad, how, out);
	return build_record(&k->a, type, pt, len, pad, out);
}

/* -1: it does not open; else the record's length */
static int s_open(struct skeys *k, const uint8_t *rec, int avail, uint8_t *type,
		  uint8_t *pt, int *ptlen)
{
	if (k->s->c)
		return cbc_open(&k->c, rec, avail, type, pt, ptlen, NULL);
	return open_record(&k->a, rec, avail, type, pt, ptlen);
}

/* ---------- sockets ---------- */

static int fd_raw, fd_k;	/* the raw peer, the kTLS socket */

static void pair(void)
{
	int one = 1;

	CHECK(!tcp_pair_loopback(&fd_k, &fd_raw, 0), "loopback pair");
	setsockopt(fd_raw, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd_k, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	CHECK(!ktls_ulp(fd_k), "TCP_ULP tls");
}

/* ---------- transmit ---------- */

static void tx_setup(struct skeys *k, const struct suite *s)
{
	pair();
	skeys_init(k, s, 1);
	CHECK(!s_install(fd_k, TLS_TX, k), "TLS_TX");
}

/*
 * Read and open every record of @total plaintext bytes: FreeBSD's checks
 * (version, length bound, consecutive sequence, MAC/tag, CBC's minimal
 * padding, the plaintext), every record of @type.
 */
static void tx_check(struct skeys *k, const uint8_t *pt, size_t total, uint8_t type,
		     unsigned int *records)
{
	static uint8_t rec[MAX_REC], plain[MAX_PLAIN + 256];
	size_t got = 0;
	uint8_t t;
	int n, len;

	*records = 0;
	while (got < total) {
		recv_all(fd_raw, rec, 5);
		n = rec[3] << 8 | rec[4];
		CHECK(rec[1] == 3 && rec[2] == s_minor(k->s), "version %d.%d",
		      rec[1], rec[2]);
		CHECK(n <= MAX_PLAIN + 256 + 16, "record length %d", n);
		recv_all(fd_raw, rec + 5, n);
		CHECK(s_open(k, rec, 5 + n, &t, plain, &len) == 5 + n,
		      "record %u does not open", *records);
		CHECK(t == type && got + len <= total && !memcmp(plain, pt + got, len),
		      "record %u: type %d, %d bytes at %zu", *records, t, len, got);
		got += len;
		(*records)++;
	}
}

/* non-blocking writes of @len bytes, as FreeBSD's test */
static void tx_data(const struct suite *s, size_t len)
{
	static uint8_t pt[64 * 1024];
	struct skeys k, peer;
	unsigned int recs;
	size_t off = 0;

	tx_setup(&k, s);
	peer = k;
	fill(pt, len, 7);
	fcntl(fd_k, F_SETFL, O_NONBLOCK);
	while (off < len) {
		struct pollfd p = { fd_k, POLLOUT, 0 };
		ssize_t n = send(fd_k, pt + off, len - off, 0);

		if (n < 0 && errno == EAGAIN) {
			poll(&p, 1, 1000);
			continue;
		}
		CHECK(n > 0, "send");
		off += n;
	}
	tx_check(&peer, pt, len, REC_DATA, &recs);
}

static void tx_short(const struct suite *s) { tx_data(s, 64); }
static void tx_long(const struct suite *s) { tx_data(s, 64 * 1024); }

static void tx_control(const struct suite *s)
{
	uint8_t pt[32], cbuf[CMSG_SPACE(1)] = { 0 };
	struct iovec iov = { pt, sizeof(pt) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	struct skeys k, peer;
	unsigned int recs;

	tx_setup(&k, s);
	peer = k;
	fill(pt, sizeof(pt), 3);
	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(c) = 0x21;
	CHECK(sendmsg(fd_k, &m, 0) == sizeof(pt), "sendmsg with a record type");
	tx_check(&peer, pt, sizeof(pt), 0x21, &recs);
	CHECK(recs == 1, "%u records", recs);
}

static int tx_pad_len;

static void tx_padding(const struct suite *s)
{
	struct skeys k, peer;
	unsigned int recs;
	uint8_t pt[16];

	tx_setup(&k, s);
	peer = k;
	fill(pt, sizeof(pt), tx_pad_len);
	CHECK(send(fd_k, pt, tx_pad_len, 0) == tx_pad_len, "send");
	/* cbc_open checks the padding is minimal */
	tx_check(&peer, pt, tx_pad_len, REC_DATA, &recs);
	CHECK(recs == 1, "%u records", recs);
}

/* ---------- receive ---------- */

static void rx_setup(struct skeys *k, const struct suite *s)
{
	int one = 1;

	pair();
	skeys_init(k, s, 2);
	CHECK(!s_install(fd_k, TLS_RX, k), "TLS_RX");
	CHECK(!setsockopt(fd_k, SOL_TLS, TLS_RX_RECORD, &one, sizeof(one)),
	      "TLS_RX_RECORD");
}

/*
 * One recvmsg of a whole record, with FreeBSD's checks: MSG_EOR, no
 * MSG_CTRUNC, one TLS_GET_RECORD cmsg of type 23, version 3 and the
 * suite's minor, the length returned; the bytes.
 */
static void rx_expect(const struct suite *s, const uint8_t *pt, int len)
{
	static uint8_t got[MAX_PLAIN];
	char cbuf[CMSG_SPACE(sizeof(struct tls_get_record))];
	struct iovec iov = { got, sizeof(got) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct tls_get_record r;
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd_k, &m, 0);

	CHECK(n == len && !memcmp(got, pt, len), "recvmsg %zd, want %d", n, len);
	CHECK((m.msg_flags & MSG_EOR) && !(m.msg_flags & MSG_CTRUNC),
	      "flags 0x%x", m.msg_flags);
	c = CMSG_FIRSTHDR(&m);
	CHECK(c && c->cmsg_level == SOL_TLS && c->cmsg_type == TLS_GET_RECORD &&
	      c->cmsg_len == CMSG_LEN(sizeof(r)) && !CMSG_NXTHDR(&m, c),
	      "one TLS_GET_RECORD cmsg");
	memcpy(&r, CMSG_DATA(c), sizeof(r));
	CHECK(r.tls_type == REC_DATA && r.tls_vmajor == 3 &&
	      r.tls_vminor == s_minor(s) && ntohs(r.tls_length) == len,
	      "cmsg type %d version %d.%d length %d", r.tls_type, r.tls_vmajor,
	      r.tls_vminor, ntohs(r.tls_length));
}

static void rx_err(int err, const char *what)
{
	uint8_t b[MAX_PLAIN];
	ssize_t n;

	errno = 0;
	n = recv(fd_k, b, sizeof(b), 0);
	CHECK(n == -1 && errno == err, "%s: recv %zd, want errno %d", what, n, err);
}

/* @len bytes in records of at most 16384 (TLS 1.3: minus @pad) */
static void rx_data(const struct suite *s, int len, int pad, int extra)
{
	static uint8_t pt[64 * 1024], rec[MAX_REC];
	int off, n, max = MAX_PLAIN - (s_tls13(s) ? pad : 0);
	struct skeys k;

	rx_setup(&k, s);
	fill(pt, len, 5);
	for (off = 0; off < len; off += n) {
		n = len - off < max ? len - off : max;
		send_all(fd_raw, rec, s_seal(&k, REC_DATA, pt + off, n,
					     s->c ? extra : pad, CBC_GOOD, rec));
		rx_expect(s, pt + off, n);
	}
}

static void rx_short(const struct suite *s) { rx_data(s, 64, 0, 0); }
static void rx_long(const struct suite *s) { rx_data(s, 64 * 1024, 0, 0); }
static void rx_short_padded(const struct suite *s) { rx_data(s, 64, 16, 0); }
static void rx_long_padded(const struct suite *s) { rx_data(s, 64 * 1024, 15, 0); }

/* CBC: a record whose minimal padding is @rx_pad bytes, plus @rx_extra */
static int rx_pad, rx_extra;

static void rx_padding(const struct suite *s)
{
	int len;

	/* pad = 16 - (len + mac) % 16 */
	for (len = 1; 16 - (len + s->c->maclen) % 16 != rx_pad; len++)
		;
	rx_data(s, len, 0, rx_extra);
}

/* one sealed record, spoiled by @how or by a byte flipped at @flip */
static void rx_spoiled(const struct suite *s, enum cbc_spoil how, int flip,
		       int err)
{
	static uint8_t rec[MAX_REC], pt[256];
	struct skeys k;
	int n;

	rx_setup(&k, s);
	fill(pt, sizeof(pt), 9);
	n = s_seal(&k, REC_DATA, pt, sizeof(pt), 0, how, rec);
	if (flip >= 0)
		rec[flip] ^= 1;
	send_all(fd_raw, rec, n);
	rx_err(err, "spoiled record");
}

/* first ciphertext byte, first tag/MAC byte, explicit IV/nonce */
static int ct_off(const struct suite *s)
{
	return 5 + (s->c ? (s_tls10(s) ? 0 : 16) : (s_gcm12(s) ? 8 : 0));
}

static void rx_bad_data(const struct suite *s)
{
	if (s->c)
		rx_spoiled(s, CBC_BAD_DATA, -1, EBADMSG);
	else
		rx_spoiled(s, CBC_GOOD, ct_off(s), EBADMSG);
}

static void rx_bad_mac(const struct suite *s)
{
	if (s->c)
		rx_spoiled(s, CBC_BAD_MAC, -1, EBADMSG);
	else	/* the first tag byte: after 256 bytes (+1 for TLS 1.3) */
		rx_spoiled(s, CBC_GOOD, ct_off(s) + 256 + s_tls13(s), EBADMSG);
}

static void rx_bad_iv(const struct suite *s)
{
	rx_spoiled(s, s->c ? CBC_BAD_IV : CBC_GOOD, s->c ? -1 : 5, EBADMSG);
}

static void rx_bad_padding(const struct suite *s)
{
	rx_spoiled(s, CBC_BAD_PAD, -1, EBADMSG);
}

/* the version byte at @at + 1: EINVAL */
static void rx_bad_version(const struct suite *s, int at)
{
	static uint8_t rec[MAX_REC], pt[64];
	struct skeys k;
	int n;

	rx_setup(&k, s);
	n = s_seal(&k, REC_DATA, pt, sizeof(pt), 0, CBC_GOOD, rec);
	rec[at]++;
	send_all(fd_raw, rec, n);
	rx_err(EINVAL, "version + 1");
}

static void rx_bad_major(const struct suite *s) { rx_bad_version(s, 1); }
static void rx_bad_minor(const struct suite *s) { rx_bad_version(s, 2); }

static void rx_bad_type(const struct suite *s)
{
	static uint8_t rec[MAX_REC], pt[64];
	struct skeys k;
	int n;

	rx_setup(&k, s);
	n = s_seal(&k, REC_DATA, pt, sizeof(pt), 0, CBC_GOOD, rec);
	rec[0] = 24;
	send_all(fd_raw, rec, n);
	rx_err(EINVAL, "outer type 24");
}

static void rx_truncated(const struct suite *s)
{
	static uint8_t rec[MAX_REC], pt[1000];
	struct skeys k;
	int n;

	rx_setup(&k, s);
	n = s_seal(&k, REC_DATA, pt, sizeof(pt), 0, CBC_GOOD, rec);
	send_all(fd_raw, rec, n / 2);
	shutdown(fd_raw, SHUT_WR);
	rx_err(EMSGSIZE, "half a record, then EOF");
}

/* a header of length @len, a zero-filled body, EOF: EMSGSIZE */
static void rx_len(const struct suite *s, int len)
{
	static uint8_t rec[5 + 32768];
	struct skeys k;

	rx_setup(&k, s);
	memset(rec, 0, sizeof(rec));
	rec[0] = REC_DATA;
	rec[1] = 3;
	rec[2] = s_minor(s);
	rec[3] = len >> 8;
	rec[4] = len & 0xff;
	send_all(fd_raw, rec, 5 + len);
	shutdown(fd_raw, SHUT_WR);
	rx_err(EMSGSIZE, "record length");
}

static void rx_small(const struct suite *s) { rx_len(s, s_min_len(s) - 1); }
static void rx_oversized(const struct suite *s) { rx_len(s, 32768); }
static void rx_non_block(const struct suite *s) { rx_len(s, s_min_len(s) + 1); }
static void rx_short_header(const struct suite *s) { rx_len(s, 6); }

static void rx_unsupported(const struct suite *s)
{
	struct skeys k;

	pair();
	skeys_init(&k, s, 0);
	CHECK(s_install(fd_k, TLS_RX, &k) == -1 && errno == EPROTONOSUPPORT,
	      "TLS 1.0 receive: want EPROTONOSUPPORT");
}

/* ---------- invalid suites: TX/RX enable is EINVAL ---------- */

struct invalid {
	const char *name;
	uint16_t version, cipher;
};

static const struct invalid invalids[] = {
	{ "aes128_cbc_1_0_sha256", TLS_1_0_VERSION, TLS_CIPHER_AES_CBC_128_SHA256 },
	{ "aes128_cbc_1_0_sha384", TLS_1_0_VERSION, TLS_CIPHER_AES_CBC_128_SHA384 },
	{ "aes128_cbc_1_1_sha256", TLS_1_1_VERSION, TLS_CIPHER_AES_CBC_128_SHA256 },
	{ "aes128_cbc_1_1_sha384", TLS_1_1_VERSION, TLS_CIPHER_AES_CBC_128_SHA384 },
	{ "aes128_gcm_1_0", TLS_1_0_VERSION, TLS_CIPHER_AES_GCM_128 },
	{ "aes128_gcm_1_1", TLS_1_1_VERSION, TLS_CIPHER_AES_GCM_128 },
	{ "chacha20_poly1305_1_0", TLS_1_0_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
	{ "chacha20_poly1305_1_1", TLS_1_1_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
	{ "aes128_cbc_1_3_sha1", TLS_1_3_VERSION, TLS_CIPHER_AES_CBC_128_SHA1 },
	{ "aes128_cbc_1_3_sha256", TLS_1_3_VERSION, TLS_CIPHER_AES_CBC_128_SHA256 },
	{ "aes128_cbc_1_3_sha384", TLS_1_3_VERSION, TLS_CIPHER_AES_CBC_128_SHA384 },
};

static const struct invalid *cur_invalid;

static void invalid_enable(int opt)
{
	const struct invalid *x = cur_invalid;
	struct cbc_keys ck;
	uint8_t key[32] = { 1 }, iv[12] = { 2 }, salt[4] = { 3 };
	int rc;

	pair();
	errno = 0;
	if (cbc_cipher(x->cipher)) {
		cbc_keys_init(&ck, &cbc_vars[0], 0);
		rc = cbc_set_key(fd_k, opt, &ck, x->version, x->cipher,
				 sizeof(struct tls_crypto_info_aes_cbc_hmac));
	} else {
		rc = ktls_set_key(fd_k, opt, x->version, x->cipher, key, iv,
				  salt, NULL);
	}
	CHECK(rc == -1 && errno == EINVAL, "%s enable: want EINVAL", x->name);
}

static void tx_invalid(const struct suite *s) { (void)s; invalid_enable(TLS_TX); }
static void rx_invalid(const struct suite *s) { (void)s; invalid_enable(TLS_RX); }

/* ---------- miscellaneous ---------- */

/*
 * ktls_listening_socket: listen() after TX or RX enable is EINVAL; on a
 * listening socket Linux refuses the ULP itself, ENOTCONN, before any
 * TLS_TX (FreeBSD: ENOTCONN) or TLS_RX (FreeBSD: EINVAL) is possible.
 */
static void listening_socket(const struct suite *s)
{
	struct skeys k;
	int port = 0, l;

	(void)s;
	skeys_init(&k, &suites[4], 0);	/* aes128_cbc_1_2_sha1 */
	pair();
	CHECK(!s_install(fd_k, TLS_TX, &k), "TLS_TX");
	CHECK(listen(fd_k, 1) == -1 && errno == EINVAL, "listen after TX: EINVAL");
	close(fd_k);
	close(fd_raw);
	pair();
	CHECK(!s_install(fd_k, TLS_RX, &k), "TLS_RX");
	CHECK(listen(fd_k, 1) == -1 && errno == EINVAL, "listen after RX: EINVAL");
	l = tcp_listen("127.0.0.1", &port);
	CHECK(l >= 0, "listen");
	CHECK(ktls_ulp(l) == -1 && errno == ENOTCONN,
	      "TCP_ULP on a listening socket: want ENOTCONN");
	CHECK(setsockopt(l, SOL_TLS, TLS_TX, "", 0) == -1, "TLS_TX without ULP");
}

/* ---------- the case list ---------- */

static unsigned int ported, na;
static const char *glob = "*";

static bool selected(const char *name)
{
	return !fnmatch(glob, name, 0);
}

static void run(const char *name, void (*fn)(const struct suite *),
		const struct suite *s)
{
	int status, rc;
	pid_t pid;

	if (!selected(name))
		return;
	ported++;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		case_name = name;
		alarm(60);
		fn(s);
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		rc = 1;
	else if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else
		rc = 128 + WTERMSIG(status);
	printf("RESULT %s %d\n", name, rc);
}

static void not_applicable(const char *name, const char *why)
{
	if (!selected(name))
		return;
	na++;
	printf("NA %s: %s\n", name, why);
}

static void runf(void (*fn)(const struct suite *), const struct suite *s,
		 const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	run(name, fn, s);
}

static void transmit_cases(void)
{
	const struct suite *s;
	unsigned int i;
	char name[128];
	int p;

	for (i = 0; i < nsuites; i++) {
		s = &suites[i];
		runf(tx_short, s, "ktls_transmit_%s_short", s->name);
		runf(tx_long, s, "ktls_transmit_%s_long", s->name);
		runf(tx_control, s, "ktls_transmit_%s_control", s->name);
		snprintf(name, sizeof(name), "ktls_transmit_%s_empty_fragment", s->name);
		not_applicable(name, "a 0-byte send is a no-op returning 0 on Linux "
			       "(tls.ko's contract): no empty TLS 1.0 fragment, no EINVAL");
		if (!s->c)
			continue;
		for (p = 1; p <= 16; p++) {
			tx_pad_len = p;
			runf(tx_padding, s, "ktls_transmit_%s_padding_%d", s->name, p);
		}
	}
	for (i = 0; i < sizeof(invalids) / sizeof(invalids[0]); i++) {
		cur_invalid = &invalids[i];
		runf(tx_invalid, NULL, "ktls_transmit_invalid_%s", invalids[i].name);
	}
}

static void receive_cases(void)
{
	static const struct { const char *suffix; void (*fn)(const struct suite *); } all14[] = {
		{ "short", rx_short }, { "long", rx_long },
		{ "bad_data", rx_bad_data }, { "bad_mac", rx_bad_mac },
		{ "truncated_record", rx_truncated }, { "bad_major", rx_bad_major },
		{ "bad_minor", rx_bad_minor }, { "small_record", rx_small },
		{ "oversized_record", rx_oversized },
	};
	const struct suite *s;
	unsigned int i, j;
	int p;

	for (i = 0; i < nsuites; i++) {
		s = &suites[i];
		if (s_tls10(s)) {
			runf(rx_unsupported, s, "ktls_receive_unsupported_%s", s->name);
			continue;
		}
		for (j = 0; j < sizeof(all14) / sizeof(all14[0]); j++)
			runf(all14[j].fn, s, "ktls_receive_%s_%s", s->name, all14[j].suffix);
		if (s->c) {
			for (p = 1; p <= 16; p++) {
				rx_pad = p;
				rx_extra = 0;
				runf(rx_padding, s, "ktls_receive_%s_padding_%d", s->name, p);
			}
			rx_pad = 1;
			rx_extra = 16;
			runf(rx_padding, s, "ktls_receive_%s_padding_16_extra", s->name);
			rx_extra = 32;
			runf(rx_padding, s, "ktls_receive_%s_padding_32_extra", s->name);
			runf(rx_bad_padding, s, "ktls_receive_%s_bad_padding", s->name);
			runf(rx_non_block, s, "ktls_receive_%s_non_block_size", s->name);
		}
		if (s->c || s_gcm12(s)) {
			runf(rx_bad_iv, s, "ktls_receive_%s_bad_iv", s->name);
			runf(rx_short_header, s, "ktls_receive_%s_short_header", s->name);
		}
		if (s_tls13(s)) {
			runf(rx_short_padded, s, "ktls_receive_%s_short_padded", s->name);
			runf(rx_long_padded, s, "ktls_receive_%s_long_padded", s->name);
			runf(rx_bad_type, s, "ktls_receive_%s_bad_type", s->name);
		}
	}
	for (i = 0; i < sizeof(invalids) / sizeof(invalids[0]); i++) {
		cur_invalid = &invalids[i];
		runf(rx_invalid, NULL, "ktls_receive_invalid_%s", invalids[i].name);
	}
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1)
		glob = argv[1];
	suites_init();
	transmit_cases();
	receive_cases();
	not_applicable("ktls_sendto_baddst", "Linux TCP ignores sendto's address "
		       "on a connected socket: no EACCES to check");
	run("ktls_listening_socket", listening_socket, NULL);
	printf("PORTED %u NA %u\n", ported, na);
	return 0;
}
