// SPDX-License-Identifier: GPL-2.0
/*
 * kTLS under hostile input and concurrency: each case is the regression
 * test of one defect found in ktls.ko (or one place where tls.ko itself
 * stalls or loses data), checked end to end on the bytes delivered.
 *
 *   hostile CASE [VARIANT|all]   one child per variant, prints
 *                                "RESULT CASE.VARIANT RC" (0 pass, 4 skip)
 *   hostile list                 the case names
 *
 * Records are built in userspace (rx_records.h) and written raw, or the
 * sending end is a kTLS socket itself (the close cases). Every case runs
 * under an alarm, so a stall is a failure, never a hang of the suite.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/ktls.h>
#include <openssl/evp.h>

#include "ktls_setup.h"


#define REC_DATA	23
#define MAX_PLAIN	16384
#define SKIP_RC		4
#define CASE_TIMEOUT	120

#include "rx_records.h"

static int fd_tx, fd_rx;	/* sending end, kTLS receiving end */

/* Connected loopback pair; @rcvbuf (if set) and @oobinline on fd_rx. */
static void pair(int rcvbuf, bool oobinline)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int ls, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(ls >= 0 && !bind(ls, (void *)&a, sizeof(a)) && !listen(ls, 1) &&
	      !getsockname(ls, (void *)&a, &l), "listen");
	fd_rx = socket(AF_INET, SOCK_STREAM, 0);
	if (rcvbuf)
		CHECK(!setsockopt(fd_rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				  sizeof(rcvbuf)), "SO_RCVBUF");
	if (oobinline)
		CHECK(!setsockopt(fd_rx, SOL_SOCKET, SO_OOBINLINE, &one,
				  sizeof(one)), "SO_OOBINLINE");
	CHECK(!connect(fd_rx, (void *)&a, sizeof(a)), "connect");
	fd_tx = accept(ls, NULL, NULL);
	CHECK(fd_tx >= 0, "accept");
	close(ls);
	setsockopt(fd_tx, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (setsockopt(fd_rx, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"))) {
		fprintf(stderr, "no TLS ULP\n");
		exit(SKIP_RC);
	}
}

/* Install @k on @fd for @dir (TLS_TX/TLS_RX), record sequence @seq. */
static int set_key(int fd, const struct keys *k, int dir, uint64_t seq)
{
	uint8_t seqb[8];
	int i;

	for (i = 0; i < 8; i++)
		seqb[i] = seq >> (56 - 8 * i);
	return ktls_set_key(fd, dir, k->v->version, k->v->cipher, k->key, k->iv,
			    k->salt, seqb);
}

static void rx_keys(struct keys *k, const struct var *v)
{
	keys_init(k, v, 0);
	if (set_rx(fd_rx, k))
		exit(errno == ENOENT ? SKIP_RC : (fail("TLS_RX"), 1));
}

/*
 * Both ends kTLS: fd_tx sends with @k, fd_rx receives with it. @sndbuf:
 * fixed send buffer of fd_tx (no autotuning), so that TCP really runs out
 * of room while records wait.
 */
static void tls_pair(struct keys *k, const struct var *v, int rcvbuf,
		     int sndbuf)
{
	pair(rcvbuf, false);
	if (sndbuf)
		CHECK(!setsockopt(fd_tx, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				  sizeof(sndbuf)), "SO_SNDBUF");
	rx_keys(k, v);
	CHECK(!setsockopt(fd_tx, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")),
	      "TCP_ULP on the sender");
	CHECK(!set_key(fd_tx, k, TLS_TX, 0), "TLS_TX");
}

static void send_all(int fd, const void *buf, size_t len, int flags)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, flags);

		CHECK(n > 0, "send");
		p += n;
		len -= n;
	}
}

static void send_rec(struct keys *k, const void *pt, int len)
{
	static uint8_t rec[MAX_PLAIN + 512];

	send_all(fd_tx, rec, build_record(k, REC_DATA, pt, len, 0, rec), 0);
}

static void set_rcvtimeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	CHECK(!setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	      "SO_RCVTIMEO");
}

/* Byte @p of the checked stream: position-dependent, never periodic. */
static uint8_t pat(uint64_t p)
{
	return (uint8_t)(p ^ (p >> 8) * 31 ^ (p >> 16) * 7 ^ (p >> 24));
}

static void fill_pat(uint8_t *b, uint64_t from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = pat(from + i);
}

/* Read exactly @total bytes of pat() from fd_rx, then expect EOF if @eof. */
static void recv_check(size_t total, bool eof)
{
	static uint8_t got[65536];
	size_t done = 0;

	while (done < total) {
		ssize_t n = recv(fd_rx, got, sizeof(got), 0), i;

		CHECK(n > 0, "recv at %zu of %zu (returned %zd)", done, total, n);
		CHECK(done + n <= total, "%zu bytes, more than the %zu sent",
		      done + n, total);
		for (i = 0; i < n; i++)
			CHECK(got[i] == pat(done + i), "byte %zu corrupt",
			      done + i);
		done += n;
	}
	if (eof)
		CHECK(recv(fd_rx, got, 1, 0) == 0, "EOF after %zu bytes", total);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------- concurrent readers ---------- */

struct reader {
	pthread_t t;
	int blocks;		/* recv(100) calls to make */
	int got[8];		/* block index of each 100-byte read */
	int n;
	int err;
};

static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	uint8_t b[100];

	for (r->n = 0; r->n < r->blocks; r->n++) {
		ssize_t n = recv(fd_rx, b, sizeof(b), MSG_WAITALL);
		int i;

		if (n != (ssize_t)sizeof(b)) {
			r->err = n < 0 ? errno : -1;
			break;
		}
		for (i = 1; i < 100; i++)
			if (b[i] != b[0])
				r->err = -2;	/* parts of two blocks */
		r->got[r->n] = b[0];
	}
	return NULL;
}

/* 100-byte blocks @from.. filled with their index, as records of 200 */
static void send_blocks(struct keys *k, int from, int count)
{
	uint8_t pt[200];
	int i;

	for (i = 0; i < count; i += 2) {
		memset(pt, from + i, 100);
		memset(pt + 100, from + i + 1, 100);
		send_rec(k, pt, 200);
		usleep(50000);
	}
}

/*
 * Two readers asleep in recv(100) and records of 200 bytes: every block
 * reaches exactly one reader, whole, and each reader sees the stream in
 * order. Without reader serialisation the second reader slept on while
 * the first one's leftover waited on rx_list (and a later record was
 * handed out before it).
 */
static void t_readers(const struct var *v)
{
	struct reader r[2] = { { .blocks = 1 }, { .blocks = 1 } };
	int seen = 0, i, j;
	struct keys k;

	pair(0, false);
	rx_keys(&k, v);
	set_rcvtimeo(fd_rx, 5000);
	for (i = 0; i < 2; i++)
		pthread_create(&r[i].t, NULL, reader_fn, &r[i]);
	usleep(300000);		/* both readers asleep */
	send_blocks(&k, 0, 2);
	for (i = 0; i < 2; i++) {
		pthread_join(r[i].t, NULL);
		CHECK(!r[i].err, "one record, reader %d: error %d", i, r[i].err);
		seen |= 1 << r[i].got[0];
	}
	CHECK(seen == 3, "blocks 0 and 1 each read once (mask %x)", seen);

	/* four records, each reader reads four blocks */
	for (i = 0; i < 2; i++) {
		r[i] = (struct reader){ .blocks = 4 };
		pthread_create(&r[i].t, NULL, reader_fn, &r[i]);
	}
	usleep(200000);
	send_blocks(&k, 2, 8);
	seen = 0;
	for (i = 0; i < 2; i++) {
		pthread_join(r[i].t, NULL);
		CHECK(!r[i].err, "four records, reader %d: error %d", i, r[i].err);
		for (j = 0; j < 4; j++) {
			CHECK(!j || r[i].got[j] > r[i].got[j - 1],
			      "reader %d got block %d after %d", i, r[i].got[j],
			      r[i].got[j - 1]);
			seen |= 1 << r[i].got[j];
		}
	}
	CHECK(seen == 0x3fc, "blocks 2-9 each read once (mask %x)", seen);
}

/* ---------- urgent data ---------- */

struct sender {
	pthread_t t;
	struct keys *k;
	int records, len;
	int oob_rec;		/* this record's middle byte goes as MSG_OOB */
};

static void *urg_send_fn(void *arg)
{
	static uint8_t rec[MAX_PLAIN + 512], pt[MAX_PLAIN];
	struct sender *s = arg;
	uint64_t off = 0;
	int i, n;

	for (i = 0; i < s->records; i++) {
		fill_pat(pt, off, s->len);
		off += s->len;
		n = build_record(s->k, REC_DATA, pt, s->len, 0, rec);
		if (i != s->oob_rec) {
			send_all(fd_tx, rec, n, 0);
			continue;
		}
		/* the byte is the record's own: only its TCP framing is urgent */
		send_all(fd_tx, rec, n / 2, 0);
		send_all(fd_tx, rec + n / 2, 1, MSG_OOB);
		usleep(20000);
		send_all(fd_tx, rec + n / 2 + 1, n - n / 2 - 1, 0);
	}
	return NULL;
}

/*
 * A record one of whose bytes the peer sent as TCP urgent data. To kTLS
 * it is a byte of the stream: the records decrypt and every byte arrives.
 * tcp_read_sock() stops at the urgent mark: in copy mode the reader spun
 * under the socket lock for ever, in place the stream was aborted (EPIPE).
 */
static void urgent(const struct var *v, int rcvbuf, bool inline_, int records,
		   int len)
{
	struct sender s = { .records = records, .len = len, .oob_rec = 1 };
	struct keys k;

	pair(rcvbuf, inline_);
	rx_keys(&k, v);
	set_rcvtimeo(fd_rx, 10000);
	s.k = &k;
	pthread_create(&s.t, NULL, urg_send_fn, &s);
	recv_check((size_t)records * len, false);
	pthread_join(s.t, NULL);
}

static void t_urg_inplace(const struct var *v)
{
	urgent(v, 0, true, 4, 1000);
}

static void t_urg_copy(const struct var *v)
{
	urgent(v, 4096, true, 24, MAX_PLAIN);
}

static void t_urg_noinline(const struct var *v)
{
	urgent(v, 0, false, 4, 1000);
}

/* splice_read stopped with a false end of stream at the urgent mark */
static void t_urg_splice(const struct var *v)
{
	struct sender s = { .records = 6, .len = 4000, .oob_rec = 2 };
	static uint8_t got[65536];
	size_t done = 0, total = 6 * 4000;
	struct keys k;
	int p[2];

	pair(4096, true);
	rx_keys(&k, v);
	set_rcvtimeo(fd_rx, 10000);
	CHECK(!pipe(p), "pipe");
	s.k = &k;
	pthread_create(&s.t, NULL, urg_send_fn, &s);
	while (done < total) {
		ssize_t n = splice(fd_rx, NULL, p[1], NULL, 65536, 0), i;

		CHECK(n > 0, "splice at %zu of %zu returned %zd", done, total, n);
		CHECK(read(p[0], got, n) == n, "pipe read");
		for (i = 0; i < n; i++)
			CHECK(got[i] == pat(done + i), "byte %zu corrupt", done + i);
		done += n;
	}
	pthread_join(s.t, NULL);
}

/* ---------- errors stay ---------- */

/*
 * A bad header kills the stream: every later read returns the same error
 * and poll reports it. The error used to be read once from sk_err; the
 * next recv then blocked for ever and poll showed nothing.
 */
static void t_sticky(const struct var *v)
{
	static const struct { int off, val, err; } bad[] = {
		{ 2, 1, EINVAL },		/* version 3.1 */
		{ 3, 0xff, EMSGSIZE },		/* 65 KiB record */
	};
	static uint8_t rec[MAX_PLAIN + 512], b[64];
	unsigned int i;
	int j, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pollfd pfd;
		struct keys k;

		pair(0, false);
		rx_keys(&k, v);
		set_rcvtimeo(fd_rx, 2000);
		n = build_record(&k, REC_DATA, b, sizeof(b), 0, rec);
		rec[bad[i].off] = bad[i].val;
		send_all(fd_tx, rec, n, 0);
		for (j = 0; j < 3; j++) {
			errno = 0;
			CHECK(recv(fd_rx, b, sizeof(b), 0) == -1 &&
			      errno == bad[i].err,
			      "bad header %u, read %d: want errno %d", i, j,
			      bad[i].err);
		}
		pfd = (struct pollfd){ .fd = fd_rx, .events = POLLIN };
		CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLERR) &&
		      (pfd.revents & POLLIN),
		      "bad header %u: poll revents %x, want POLLERR|POLLIN", i,
		      pfd.revents);
		close(fd_rx);
		close(fd_tx);
	}
}

/* TLS 1.3 record holding only a tag: no content type, EBADMSG */
static void t_tag_only(const struct var *v)
{
	uint8_t rec[5 + 16] = { REC_DATA, 3, 3, 0, 16 }, b[16];
	struct keys k;

	if (v->version != TLS_1_3_VERSION)
		exit(SKIP_RC);
	pair(0, false);
	rx_keys(&k, v);
	set_rcvtimeo(fd_rx, 2000);
	memset(rec + 5, 0xa5, 16);
	send_all(fd_tx, rec, sizeof(rec), 0);
	errno = 0;
	CHECK(recv(fd_rx, b, sizeof(b), 0) == -1 && errno == EBADMSG,
	      "tag-only record: want EBADMSG");
	errno = 0;
	CHECK(recv(fd_rx, b, sizeof(b), 0) == -1 && errno == EBADMSG,
	      "tag-only record, sticky");
}

/* ---------- TX sequence exhaustion ---------- */

static int sock_error(int fd)
{
	int err = 0;
	socklen_t l = sizeof(err);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
	return err;
}

/*
 * The record with the last sequence number goes out; after it every send
 * path fails with EBADMSG, also once SO_ERROR has been read (which clears
 * sk_err): a record with sequence 0 again would reuse a nonce.
 */
static void t_seq_wrap(const struct var *v)
{
	uint8_t b[100] = { 1 };
	struct keys k;
	int p[2];

	pair(0, false);
	CHECK(!setsockopt(fd_tx, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")),
	      "TCP_ULP");
	keys_init(&k, v, 0);
	if (set_key(fd_tx, &k, TLS_TX, ~0ULL))
		exit(errno == ENOENT ? SKIP_RC : (fail("TLS_TX"), 1));
	errno = 0;
	CHECK(send(fd_tx, b, sizeof(b), 0) == -1 && errno == EBADMSG,
	      "last sequence number: want EBADMSG");
	CHECK(sock_error(fd_tx) == EBADMSG, "SO_ERROR after the wrap");
	CHECK(sock_error(fd_tx) == 0, "SO_ERROR read clears sk_err");
	errno = 0;
	CHECK(send(fd_tx, b, sizeof(b), 0) == -1 && errno == EBADMSG,
	      "send after SO_ERROR: want EBADMSG");
	sock_error(fd_tx);
	errno = 0;
	CHECK(send(fd_tx, b, sizeof(b), MSG_MORE) == -1 && errno == EBADMSG,
	      "MSG_MORE send: want EBADMSG");
	sock_error(fd_tx);
	CHECK(!pipe(p) && write(p[1], b, sizeof(b)) == sizeof(b), "pipe");
	errno = 0;
	CHECK(splice(p[0], NULL, fd_tx, NULL, sizeof(b), 0) == -1 &&
	      errno == EBADMSG, "splice: want EBADMSG");
}

/* ---------- close delivers what send() accepted ---------- */

/* The receiving end reads (and checks) everything after @delay_ms. */
struct drain {
	pthread_t t;
	int delay_ms;
	size_t want;
	int err;
	size_t got;
};

static void *drain_fn(void *arg)
{
	static uint8_t got[65536];
	struct drain *d = arg;
	ssize_t n, i;

	usleep(d->delay_ms * 1000);
	for (;;) {
		n = recv(fd_rx, got, sizeof(got), 0);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			if (got[i] != pat(d->got + i) && !d->err)
				d->err = -2;
		d->got += n;
		usleep(2000);	/* a slow reader: close must wait for it */
	}
	if (n < 0)
		d->err = errno;
	return NULL;
}

static void drain_check(struct drain *d, const char *what)
{
	pthread_join(d->t, NULL);
	CHECK(!d->err && d->got == d->want,
	      "%s: peer got %zu of %zu bytes, error %d", what, d->got, d->want,
	      d->err);
}

/*
 * A blocking send cut short by SO_SNDTIMEO returns a partial count; the
 * records holding those bytes were queued but not all taken by TCP. close
 * pushed once without waiting and freed the rest: the peer saw a clean
 * FIN after a truncated stream.
 */
static void t_close_partial(const struct var *v)
{
	static uint8_t buf[8 << 20];
	struct timeval tv = { .tv_usec = 300000 };
	struct drain d = { .delay_ms = 500 };
	struct keys k;
	ssize_t n;

	tls_pair(&k, v, 65536, 16384);
	CHECK(!setsockopt(fd_tx, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)),
	      "SO_SNDTIMEO");
	fill_pat(buf, 0, sizeof(buf));
	n = send(fd_tx, buf, sizeof(buf), 0);
	CHECK(n > 0 && n < (ssize_t)sizeof(buf), "partial send (%zd)", n);
	d.want = n;
	pthread_create(&d.t, NULL, drain_fn, &d);
	close(fd_tx);
	drain_check(&d, "partial send, close");
}

/*
 * Non-blocking sends queue records for the worker to push; a last send
 * with MSG_MORE leaves a record open. close must deliver both (it dropped
 * them), and must not wait for the slow reader to finish.
 */
static void t_close_queued(const struct var *v)
{
	static uint8_t buf[32 << 20];
	struct drain d = { .delay_ms = 300 };
	size_t total = 0;
	struct keys k;
	double t0;
	ssize_t n;

	tls_pair(&k, v, 8192, 16384);
	fill_pat(buf, 0, sizeof(buf));
	for (;;) {
		n = send(fd_tx, buf + total, 16384, MSG_DONTWAIT);
		if (n < 0) {
			CHECK(errno == EAGAIN, "non-blocking send");
			break;
		}
		total += n;
		CHECK(total + 16384 + 1000 < sizeof(buf), "send never filled up");
	}
	n = send(fd_tx, buf + total, 1000, MSG_MORE | MSG_DONTWAIT);
	if (n > 0)
		total += n;
	d.want = total;
	/* the worker pushes what fits; then TCP is full and records wait */
	usleep(200000);
	pthread_create(&d.t, NULL, drain_fn, &d);
	t0 = now();
	close(fd_tx);
	CHECK(now() - t0 < 2.0, "close took %.1f s", now() - t0);
	drain_check(&d, "queued records, close");
}

/*
 * A send with MSG_MORE leaves its record open; close must send it, as TCP
 * sends corked data on close (it was dropped, as tls.ko drops it).
 */
static void t_close_open(const struct var *v)
{
	static uint8_t buf[6000];
	struct drain d = { .delay_ms = 100, .want = sizeof(buf) };
	struct keys k;

	tls_pair(&k, v, 0, 0);
	fill_pat(buf, 0, sizeof(buf));
	send_all(fd_tx, buf, 5000, 0);
	send_all(fd_tx, buf + 5000, 1000, MSG_MORE);
	pthread_create(&d.t, NULL, drain_fn, &d);
	close(fd_tx);
	drain_check(&d, "open record, close");
}

/* ---------- splice_eof against sendmsg ---------- */

#define CHUNK_MAGIC	0x6b746c73u

struct chunk_hdr {
	uint32_t magic, writer, seq, len;
};

static void chunk_fill(uint8_t *b, uint32_t writer, uint32_t seq, uint32_t len)
{
	struct chunk_hdr h = { CHUNK_MAGIC, writer, seq, len };
	uint32_t i;

	memcpy(b, &h, sizeof(h));
	for (i = sizeof(h); i < len; i++)
		b[i] = (uint8_t)(writer * 131 + seq * 7 + i);
}

static volatile int stop_writers;

/* splice writer: one chunk per splice, ending without SPLICE_F_MORE */
static void *splice_writer(void *arg)
{
	static uint8_t b[3000];
	uint32_t seq = 0;
	int p[2];

	(void)arg;
	CHECK(!pipe(p), "pipe");
	while (!stop_writers) {
		chunk_fill(b, 1, seq++, sizeof(b));
		CHECK(write(p[1], b, sizeof(b)) == sizeof(b), "pipe write");
		if (splice(p[0], NULL, fd_tx, NULL, sizeof(b), 0) != sizeof(b)) {
			/* the reader closed once it had enough */
			CHECK(stop_writers, "splice");
			break;
		}
	}
	return NULL;
}

/* sendmsg writer: one chunk per send, MSG_MORE on every other one */
static void *send_writer(void *arg)
{
	static uint8_t b[1000];
	uint32_t seq = 0;

	(void)arg;
	while (!stop_writers) {
		chunk_fill(b, 2, seq, sizeof(b));
		if (send(fd_tx, b, sizeof(b), seq & 1 ? MSG_MORE : 0) !=
		    sizeof(b)) {
			CHECK(stop_writers, "send");
			break;
		}
		seq++;
	}
	return NULL;
}

/*
 * splice_eof looked into the open record without locks while sendmsg on
 * another thread could free it. Race the two for a while: every chunk
 * arrives whole and in its writer's order.
 */
static void t_splice_eof(const struct var *v)
{
	static uint8_t got[3000], want[3000];
	uint32_t next[3] = { 0 }, chunks = 0;
	pthread_t a, b;
	struct keys k;

	tls_pair(&k, v, 0, 0);
	set_rcvtimeo(fd_rx, 10000);
	pthread_create(&a, NULL, splice_writer, NULL);
	pthread_create(&b, NULL, send_writer, NULL);
	while (chunks < 3000) {
		struct chunk_hdr h;

		CHECK(recv(fd_rx, &h, sizeof(h), MSG_WAITALL) == sizeof(h),
		      "chunk header %u", chunks);
		CHECK(h.magic == CHUNK_MAGIC && (h.writer == 1 || h.writer == 2) &&
		      h.len <= sizeof(got) && h.seq == next[h.writer],
		      "chunk %u: writer %u seq %u (want %u)", chunks, h.writer,
		      h.seq, h.writer < 3 ? next[h.writer] : 0);
		CHECK(recv(fd_rx, got + sizeof(h), h.len - sizeof(h),
			   MSG_WAITALL) == (ssize_t)(h.len - sizeof(h)),
		      "chunk %u body", chunks);
		chunk_fill(want, h.writer, h.seq, h.len);
		CHECK(!memcmp(got + sizeof(h), want + sizeof(h),
			      h.len - sizeof(h)), "chunk %u corrupt", chunks);
		next[h.writer]++;
		chunks++;
	}
	stop_writers = 1;
	close(fd_rx);		/* unread data: a reset wakes blocked writers */
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	CHECK(next[1] && next[2], "both writers got through (%u, %u)", next[1],
	      next[2]);
}

/* ---------- empty records ---------- */

static void on_signal(int sig)
{
	(void)sig;
}

/* SIGUSR1 to @arg's thread after 30 ms (the case's alarm stays armed) */
static void *poke_fn(void *arg)
{
	usleep(30000);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return NULL;
}

#define FLOOD_RECORDS	50000

struct flood {
	uint8_t *buf;
	size_t len;
};

static void *flood_fn(void *arg)
{
	struct flood *f = arg;

	send_all(fd_tx, f->buf, f->len, 0);
	return NULL;
}

/*
 * Many empty records, then "END": a reader interrupted by a signal
 * returns EINTR at once, not after decrypting every empty record the
 * peer keeps queuing (it returned "END" after the whole flood before).
 */
static void t_empty_signal(const struct var *v)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t self = pthread_self(), poke;
	struct flood fl = { .buf = malloc(FLOOD_RECORDS * 64 + 64) };
	int i, inq = 0;
	struct keys k;
	pthread_t t;
	char b[16];
	ssize_t n;
	FILE *f;

	f = fopen("/proc/sys/net/core/rmem_max", "w");
	if (f) {
		fputs("16777216", f);
		fclose(f);
	}
	pair(8 << 20, false);
	rx_keys(&k, v);
	set_rcvtimeo(fd_rx, 30000);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	for (i = 0; i < FLOOD_RECORDS; i++)
		fl.len += build_record(&k, REC_DATA, NULL, 0, 0, fl.buf + fl.len);
	fl.len += build_record(&k, REC_DATA, (const uint8_t *)"END", 3, 0,
			       fl.buf + fl.len);
	pthread_create(&t, NULL, flood_fn, &fl);
	/* most of the flood is queued before the read starts */
	for (i = 0; i < 500 && inq < (int)fl.len / 2; i++) {
		usleep(10000);
		CHECK(!ioctl(fd_rx, FIONREAD, &inq), "FIONREAD");
	}
	pthread_create(&poke, NULL, poke_fn, &self);
	errno = 0;
	n = recv(fd_rx, b, sizeof(b), 0);
	pthread_join(poke, NULL);
	CHECK(n == -1 && errno == EINTR,
	      "recv during the flood returned %zd, want EINTR", n);
	/* exactly "END": a longer MSG_WAITALL read waited out SO_RCVTIMEO */
	n = recv(fd_rx, b, 3, MSG_WAITALL);
	CHECK(n == 3 && !memcmp(b, "END", 3), "after the flood: %zd bytes", n);
	pthread_join(t, NULL);
	free(fl.buf);
}

#include "cases.h"

static const struct tcase cases[] = {
	{ "readers", t_readers },
	{ "urg_inplace", t_urg_inplace }, { "urg_copy", t_urg_copy },
	{ "urg_noinline", t_urg_noinline }, { "urg_splice", t_urg_splice },
	{ "sticky", t_sticky }, { "tag_only", t_tag_only },
	{ "seq_wrap", t_seq_wrap },
	{ "close_partial", t_close_partial }, { "close_queued", t_close_queued },
	{ "close_open", t_close_open },
	{ "splice_eof", t_splice_eof }, { "empty_signal", t_empty_signal },
};


int main(int argc, char **argv)
{
	return cases_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			  CASE_TIMEOUT);
}
