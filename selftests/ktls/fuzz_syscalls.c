// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall-sequence fuzzer for kernel TLS sockets.
 *
 * A few connected loopback pairs with kTLS on both ends (TX and RX, one
 * cipher variant per pair), and 2-4 threads that each run a random
 * sequence of calls on random ends: SOL_TLS set/getsockopt with valid and
 * invalid lengths and values (rekeys included), send/sendmsg with and
 * without record-type cmsgs and with MSG_MORE/MSG_EOR/MSG_DONTWAIT,
 * sendfile, splice both ways, recv with MSG_PEEK/MSG_WAITALL/MSG_DONTWAIT
 * and small or missing control buffers, poll, FIONREAD, shutdown, socket
 * options, and close followed by a new pair. Every call is bounded
 * (SO_RCVTIMEO/SO_SNDTIMEO, poll timeouts) and the whole run by an alarm,
 * so a stuck call fails the run. The sequences come from the seed; the
 * interleaving of the threads does not. What is checked is that nothing
 * hangs, crashes or splats, and, by the suite, that the module comes back
 * to its baseline (no socket, context or module reference left).
 *
 *   fuzz_syscalls [-s SEED] [-t SECONDS] [-T THREADS] [-P PAIRS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ktls.h>

#include "ktls_setup.h"
#include "mix.h"


#define MAX_PAIRS	8
#define MAX_THREADS	4
#define BUF_SIZE	(64 << 10)


static uint32_t rnd(uint64_t *s, uint32_t n)
{
	*s = ktls_mix64(*s);
	return n ? (uint32_t)(*s >> 32) % n : 0;
}

/* the ciphers every kernel has */
static const uint16_t ciphers[] = {
	TLS_CIPHER_AES_GCM_128, TLS_CIPHER_AES_GCM_256,
	TLS_CIPHER_AES_CCM_128, TLS_CIPHER_CHACHA20_POLY1305,
};

struct pair {
	pthread_rwlock_t lock;	/* calls read-lock, close/reopen write-locks */
	int fd[2];
	uint16_t version;
	const struct ktls_cipher *c;
	int gen;		/* key generation, bumped by rekeys */
};

static struct pair pairs[MAX_PAIRS];
static int npairs = 2;
static int tmpfile_fd;
static volatile int stop;
static long calls[MAX_THREADS], errors[MAX_THREADS];

/* A crypto_info for @p at key generation @gen into @buf; its size. */
static int crypto_info(const struct pair *p, int gen, uint8_t *buf)
{
	struct tls_crypto_info *ci = (void *)buf;
	int off = sizeof(*ci), i;

	memset(buf, 0, 128);
	ci->version = p->version;
	ci->cipher_type = p->c->type;
	/* every UAPI crypto_info: info, iv, key, salt, rec_seq */
	for (i = 0; i < p->c->iv + p->c->key + p->c->salt + 8; i++)
		buf[off + i] = (uint8_t)(gen * 37 + i);
	return off + i;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_usec = 50000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* New connected pair, kTLS TX and RX on both ends (as far as possible). */
static void pair_open(struct pair *p, uint64_t *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	uint8_t ci[128];
	int ls, i, n;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (void *)&a, &l)) {
		perror("listen");
		exit(1);
	}
	p->fd[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(p->fd[0], (void *)&a, sizeof(a))) {
		perror("connect");
		exit(1);
	}
	p->fd[1] = accept(ls, NULL, NULL);
	close(ls);
	p->version = rnd(s, 2) ? TLS_1_3_VERSION : TLS_1_2_VERSION;
	p->c = ktls_cipher(ciphers[rnd(s, sizeof(ciphers) / sizeof(ciphers[0]))]);
	p->gen = 0;
	for (i = 0; i < 2; i++) {
		set_timeouts(p->fd[i]);
		/* now and then an end stays plain TCP, or TLS without keys */
		if (!rnd(s, 16))
			continue;
		setsockopt(p->fd[i], IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"));
		n = crypto_info(p, 0, ci);
		if (rnd(s, 8))
			setsockopt(p->fd[i], SOL_TLS, TLS_TX, ci, n);
		if (rnd(s, 8))
			setsockopt(p->fd[i], SOL_TLS, TLS_RX, ci, n);
	}
}

static void pair_close(struct pair *p)
{
	close(p->fd[0]);
	close(p->fd[1]);
}

static void op_setsockopt(struct pair *p, int fd, uint64_t *s)
{
	static const int names[] = {
		TLS_TX, TLS_RX, TLS_TX_ZEROCOPY_RO, TLS_RX_EXPECT_NO_PAD,
		TLS_TX_MAX_PAYLOAD_LEN, 0, 6, 7, 100,
	};
	uint8_t buf[256];
	int name = names[rnd(s, sizeof(names) / sizeof(names[0]))];
	int len, i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = rnd(s, 4) ? 0 : rnd(s, 256);
	switch (rnd(s, 4)) {
	case 0:		/* a valid crypto_info (a rekey when already set) */
		len = crypto_info(p, ++p->gen, buf);
		if (rnd(s, 4) == 0)
			len += rnd(s, 3) - 1;
		break;
	case 1:		/* small values of the right size */
		len = name == TLS_TX_MAX_PAYLOAD_LEN ? 2 : 4;
		if (name == TLS_TX_MAX_PAYLOAD_LEN) {
			uint16_t v = rnd(s, 2) ? 40 + rnd(s, 16400) : rnd(s, 65536);

			memcpy(buf, &v, 2);
		} else {
			int v = rnd(s, 3);

			memcpy(buf, &v, 4);
		}
		break;
	default:
		len = rnd(s, 2) ? rnd(s, 8) : rnd(s, sizeof(buf) + 1);
		break;
	}
	setsockopt(fd, SOL_TLS, name, rnd(s, 32) ? buf : NULL, len);
}

static void op_getsockopt(int fd, uint64_t *s)
{
	uint8_t buf[256];
	int name = rnd(s, 8);
	socklen_t len = rnd(s, 2) ? rnd(s, sizeof(buf) + 1) : rnd(s, 64);

	if (!rnd(s, 16))
		len = (socklen_t)-1;
	getsockopt(fd, SOL_TLS, name, buf, &len);
}

static void op_send(int fd, uint8_t *buf, uint64_t *s)
{
	static const int fl[] = { MSG_MORE, MSG_DONTWAIT, MSG_EOR, MSG_OOB,
				  MSG_CONFIRM, MSG_ZEROCOPY };
	char cbuf[CMSG_SPACE(8)];
	struct iovec iov[3];
	struct msghdr m = { .msg_iov = iov };
	size_t len = rnd(s, 3) ? rnd(s, 2000) : rnd(s, BUF_SIZE);
	int flags = MSG_NOSIGNAL, i;

	for (i = 0; i < (int)(sizeof(fl) / sizeof(fl[0])); i++)
		if (!rnd(s, i < 3 ? 3 : 32))
			flags |= fl[i];
	m.msg_iovlen = 1 + rnd(s, 3);
	for (i = 0; i < (int)m.msg_iovlen; i++) {
		iov[i].iov_base = buf + rnd(s, BUF_SIZE / 2);
		iov[i].iov_len = len / m.msg_iovlen;
	}
	if (!rnd(s, 4)) {
		struct cmsghdr *c = (void *)cbuf;

		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = rnd(s, 8) ? CMSG_SPACE(1) : rnd(s, sizeof(cbuf));
		c->cmsg_len = rnd(s, 8) ? CMSG_LEN(1) : rnd(s, 64);
		c->cmsg_level = rnd(s, 8) ? SOL_TLS : SOL_SOCKET;
		c->cmsg_type = rnd(s, 8) ? TLS_SET_RECORD_TYPE : rnd(s, 4);
		*CMSG_DATA(c) = rnd(s, 2) ? 21 + rnd(s, 3) : rnd(s, 256);
	}
	sendmsg(fd, &m, flags);
}

static void op_recv(int fd, uint8_t *buf, uint64_t *s)
{
	static const int fl[] = { MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL,
				  MSG_TRUNC, MSG_OOB, MSG_ERRQUEUE };
	char cbuf[CMSG_SPACE(8)];
	struct iovec iov = { .iov_base = buf, .iov_len = 1 + rnd(s, BUF_SIZE) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int flags = 0, i;

	for (i = 0; i < (int)(sizeof(fl) / sizeof(fl[0])); i++)
		if (!rnd(s, i < 3 ? 3 : 32))
			flags |= fl[i];
	if (rnd(s, 2)) {
		m.msg_control = cbuf;
		m.msg_controllen = rnd(s, 4) ? sizeof(cbuf) : rnd(s, sizeof(cbuf));
	}
	recvmsg(fd, &m, flags);
}

static void op_splice(int fd, uint8_t *buf, uint64_t *s)
{
	int p[2];
	ssize_t n;

	if (pipe2(p, O_NONBLOCK))
		return;
	if (rnd(s, 2)) {
		n = write(p[1], buf, 1 + rnd(s, 20000));
		if (n > 0)
			splice(p[0], NULL, fd, NULL, n,
			       rnd(s, 2) ? SPLICE_F_MORE : 0);
	} else {
		splice(fd, NULL, p[1], NULL, 1 + rnd(s, 30000),
		       rnd(s, 2) ? SPLICE_F_NONBLOCK : 0);
	}
	close(p[0]);
	close(p[1]);
}

static void op_misc(int fd, uint64_t *s)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };
	off_t off = rnd(s, 1 << 20);
	int v = rnd(s, 2);

	switch (rnd(s, 8)) {
	case 0:
		poll(&pfd, 1, rnd(s, 20));
		break;
	case 1:
		ioctl(fd, rnd(s, 2) ? FIONREAD : SIOCOUTQ, &v);
		break;
	case 2:
		sendfile(fd, tmpfile_fd, &off, rnd(s, 40000));
		break;
	case 3:
		setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &v, sizeof(v));
		break;
	case 4:
		v = 1 + rnd(s, 70000);
		setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v));
		break;
	case 5:
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v));
		break;
	case 6:
		v = rnd(s, 2) ? 4096 : 1 << 20;
		setsockopt(fd, SOL_SOCKET, rnd(s, 2) ? SO_SNDBUF : SO_RCVBUF, &v,
			   sizeof(v));
		break;
	default:
		/* a setsockopt of TCP_ULP on a configured socket */
		setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"));
		break;
	}
}

struct worker {
	pthread_t t;
	int id;
	uint64_t seed;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	uint64_t s = w->seed;
	uint8_t *buf = malloc(BUF_SIZE);
	int i;

	for (i = 0; i < BUF_SIZE; i++)
		buf[i] = i * 7;
	while (!stop) {
		struct pair *p = &pairs[rnd(&s, npairs)];
		uint32_t op = rnd(&s, 100);
		int fd;

		if (op >= 98) {
			/* close both ends, then a fresh pair in their place */
			pthread_rwlock_wrlock(&p->lock);
			if (rnd(&s, 2))
				shutdown(p->fd[rnd(&s, 2)], rnd(&s, 3));
			pair_close(p);
			pair_open(p, &s);
			pthread_rwlock_unlock(&p->lock);
			calls[w->id]++;
			continue;
		}
		pthread_rwlock_rdlock(&p->lock);
		fd = p->fd[rnd(&s, 2)];
		errno = 0;
		if (op < 12)
			op_setsockopt(p, fd, &s);
		else if (op < 20)
			op_getsockopt(fd, &s);
		else if (op < 50)
			op_send(fd, buf, &s);
		else if (op < 80)
			op_recv(fd, buf, &s);
		else if (op < 90)
			op_splice(fd, buf, &s);
		else if (op < 97)
			op_misc(fd, &s);
		else
			shutdown(fd, rnd(&s, 3));
		if (errno)
			errors[w->id]++;
		calls[w->id]++;
		pthread_rwlock_unlock(&p->lock);
	}
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[MAX_THREADS];
	uint64_t seed = 1, s;
	int nthreads = 3, c, i;
	double seconds = 30;
	long total = 0, errs = 0;
	char path[] = "/tmp/fuzz_syscalls.XXXXXX";
	uint8_t page[4096];

	while ((c = getopt(argc, argv, "s:t:T:P:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atof(optarg); break;
		case 'T': nthreads = atoi(optarg); break;
		case 'P': npairs = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-s seed] [-t seconds] [-T threads] [-P pairs]\n",
				argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS || npairs < 1 ||
	    npairs > MAX_PAIRS) {
		fprintf(stderr, "threads 1-%d, pairs 1-%d\n", MAX_THREADS,
			MAX_PAIRS);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* a call that does not come back within its bounds kills the run */
	alarm((unsigned int)seconds + 120);

	tmpfile_fd = mkstemp(path);
	if (tmpfile_fd < 0)
		return 1;
	unlink(path);
	for (i = 0; i < 256; i++) {
		memset(page, i, sizeof(page));
		if (write(tmpfile_fd, page, sizeof(page)) != sizeof(page))
			return 1;
	}
	s = ktls_mix64(seed);
	for (i = 0; i < npairs; i++) {
		pthread_rwlock_init(&pairs[i].lock, NULL);
		pair_open(&pairs[i], &s);
	}
	for (i = 0; i < nthreads; i++) {
		w[i].id = i;
		w[i].seed = ktls_mix64(seed * 1000003 + i);
		pthread_create(&w[i].t, NULL, worker_fn, &w[i]);
	}
	usleep((useconds_t)(seconds * 1e6));
	stop = 1;
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].t, NULL);
		total += calls[i];
		errs += errors[i];
	}
	for (i = 0; i < npairs; i++)
		pair_close(&pairs[i]);
	printf("fuzz_syscalls: seed %llu, %d threads, %d pairs, %.0f s, %ld calls (%ld returned an error)\n",
	       (unsigned long long)seed, nthreads, npairs, seconds, total, errs);
	return 0;
}
