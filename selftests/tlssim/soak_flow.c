// SPDX-License-Identifier: GPL-2.0
/*
 * soak_flow: many concurrent kTLS flows, every byte checked.
 *
 *   soak_flow -l ADDR -p PORT -F FLOWS -t SECS     server: accepts FLOWS
 *   soak_flow -c ADDR -p PORT -F FLOWS -t SECS     client: opens FLOWS
 *
 * Each flow is one TCP connection with kernel TLS on both ends and data
 * both ways for SECS seconds. Flow i uses TLS 1.2 when i is even and TLS
 * 1.3 when odd, and cipher i/2 mod 4 (AES-GCM-128, AES-GCM-256,
 * ChaCha20-Poly1305, AES-CCM-128). Every byte sent is a function of the
 * flow, the direction and its offset, and the receiver checks each one.
 * TLS 1.3 senders rekey every few MiB: a KeyUpdate handshake record, then
 * TLS_TX with the next key; the receiver sees the KeyUpdate, gets
 * EKEYEXPIRED, installs the next TLS_RX key and reads on. Each direction
 * ends with a record of type 25 carrying the byte count, so truncation is
 * caught too. Prints one line of totals; exit 0 when every flow was
 * byte-exact both ways.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ktls.h>

#include "ktls_setup.h"
#include "mix.h"


#define MAX_FLOWS	64
#define REC_HS		22
#define REC_COUNT	25	/* the end-of-direction record */
#define KEYUPDATE	24
#define CHUNK		(64 << 10)

/* flow i uses cipher i/2 mod 4 */
static const uint16_t ciphers[] = {
	TLS_CIPHER_AES_GCM_128, TLS_CIPHER_AES_GCM_256,
	TLS_CIPHER_CHACHA20_POLY1305, TLS_CIPHER_AES_CCM_128,
};

static int nflows = 8, is_server;
static double seconds = 10;
static atomic_ullong total_sent, total_checked, total_rekeys;
static atomic_int failures;

struct flow {
	int id, fd;
	uint16_t version, cipher;
	pthread_t tx, rx;
};


/* byte @off of direction @dir (0: client to server) of flow @id */
static uint8_t pat(int id, int dir, uint64_t off)
{
	return (uint8_t)(ktls_mix64(((uint64_t)id << 48) ^ ((uint64_t)dir << 47) ^
			     (off >> 3)) >> ((off & 7) * 8));
}

static void flow_fail(const struct flow *f, const char *what)
{
	fprintf(stderr, "soak_flow: flow %d (%s, TLS 1.%d): %s: %s\n", f->id,
		is_server ? "server" : "client",
		f->version == TLS_1_3_VERSION ? 3 : 2, what, strerror(errno));
	atomic_fetch_add(&failures, 1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Install key generation @gen of direction @dir on @f for @optname. */
static int set_key(const struct flow *f, int optname, int dir, int gen)
{
	uint8_t k[32 + 12 + 4];
	unsigned int i;

	for (i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)ktls_mix64(f->id * 1000 + dir * 100 + gen * 7 + i);
	return ktls_set_key(f->fd, optname, f->version, f->cipher, k, k + 32,
			    k + 44, NULL);
}

static ssize_t send_typed(int fd, uint8_t type, const void *buf, size_t len)
{
	char cbuf[CMSG_SPACE(1)] = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(c) = type;
	return sendmsg(fd, &m, MSG_NOSIGNAL);
}

static void *tx_fn(void *arg)
{
	struct flow *f = arg;
	int dir = is_server, gen = 0;
	static __thread uint8_t buf[CHUNK];
	uint64_t off = 0, next_rekey = 2 << 20;
	double end = now() + seconds;
	uint64_t rnd = ktls_mix64(f->id + 77);

	while (now() < end) {
		size_t len, i;
		ssize_t n;

		rnd = ktls_mix64(rnd);
		len = 1 + rnd % CHUNK;
		for (i = 0; i < len; i++)
			buf[i] = pat(f->id, dir, off + i);
		n = send(f->fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0) {
			flow_fail(f, "send");
			return NULL;
		}
		off += n;
		if (f->version == TLS_1_3_VERSION && off >= next_rekey) {
			static const uint8_t ku[] = { KEYUPDATE, 0, 0, 1, 0 };

			if (send_typed(f->fd, REC_HS, ku, sizeof(ku)) != sizeof(ku) ||
			    set_key(f, TLS_TX, dir, ++gen)) {
				flow_fail(f, "TX rekey");
				return NULL;
			}
			atomic_fetch_add(&total_rekeys, 1);
			next_rekey = off + (1 << 20) + ktls_mix64(rnd) % (4 << 20);
		}
	}
	if (send_typed(f->fd, REC_COUNT, &off, sizeof(off)) != sizeof(off))
		flow_fail(f, "send count");
	atomic_fetch_add(&total_sent, off);
	shutdown(f->fd, SHUT_WR);
	return NULL;
}

static void *rx_fn(void *arg)
{
	struct flow *f = arg;
	int dir = !is_server, gen = 0, type;
	static __thread uint8_t buf[CHUNK];
	char cbuf[CMSG_SPACE(1)];
	uint64_t off = 0, count = ~0ULL;

	for (;;) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr m = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c;
		ssize_t n = recvmsg(f->fd, &m, 0), i;

		if (n < 0 && errno == EKEYEXPIRED) {
			if (set_key(f, TLS_RX, dir, ++gen)) {
				flow_fail(f, "RX rekey");
				return NULL;
			}
			continue;
		}
		if (n < 0) {
			flow_fail(f, "recv");
			return NULL;
		}
		if (n == 0)
			break;
		c = CMSG_FIRSTHDR(&m);
		type = c && c->cmsg_type == TLS_GET_RECORD_TYPE ?
		       *CMSG_DATA(c) : 23;
		if (type == REC_HS && buf[0] == KEYUPDATE)
			continue;	/* EKEYEXPIRED comes next */
		if (type == REC_COUNT && n == sizeof(count)) {
			memcpy(&count, buf, sizeof(count));
			continue;
		}
		if (type != 23) {
			errno = EPROTO;
			flow_fail(f, "unexpected record type");
			return NULL;
		}
		for (i = 0; i < n; i++) {
			if (buf[i] != pat(f->id, dir, off + i)) {
				errno = EILSEQ;
				flow_fail(f, "data mismatch");
				return NULL;
			}
		}
		off += n;
	}
	if (count != off) {
		errno = EPIPE;
		flow_fail(f, count == ~0ULL ? "no byte count record" :
			  "byte count differs");
	}
	atomic_fetch_add(&total_checked, off);
	return NULL;
}

static int flow_start(struct flow *f)
{
	struct timeval tv = { .tv_sec = 60 };
	int one = 1;

	f->version = f->id % 2 ? TLS_1_3_VERSION : TLS_1_2_VERSION;
	f->cipher = ciphers[(f->id / 2) % 4];
	setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* a flow stalled for a minute is a failure, not a hang */
	setsockopt(f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(f->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (setsockopt(f->fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")) ||
	    set_key(f, TLS_TX, is_server, 0) || set_key(f, TLS_RX, !is_server, 0)) {
		flow_fail(f, "kTLS setup");
		return -1;
	}
	pthread_create(&f->tx, NULL, tx_fn, f);
	pthread_create(&f->rx, NULL, rx_fn, f);
	return 0;
}

int main(int argc, char **argv)
{
	static struct flow flows[MAX_FLOWS];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	const char *addr = NULL, *port = "7000";
	int c, i, ls = -1, started = 0, one = 1;

	while ((c = getopt(argc, argv, "l:c:p:F:t:")) != -1) {
		switch (c) {
		case 'l': addr = optarg; is_server = 1; break;
		case 'c': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'F': nflows = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		default: addr = NULL; optind = argc; break;
		}
	}
	if (!addr || nflows < 1 || nflows > MAX_FLOWS) {
		fprintf(stderr, "usage: soak_flow -l|-c ADDR [-p PORT] [-F FLOWS] [-t SECS]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned int)seconds + 300);
	if (getaddrinfo(addr, port, &hints, &ai)) {
		fprintf(stderr, "soak_flow: bad address %s\n", addr);
		return 2;
	}
	if (is_server) {
		ls = socket(ai->ai_family, SOCK_STREAM, 0);
		setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ls < 0 || bind(ls, ai->ai_addr, ai->ai_addrlen) ||
		    listen(ls, MAX_FLOWS)) {
			perror("soak_flow: listen");
			return 1;
		}
	}
	for (i = 0; i < nflows; i++) {
		struct flow *f = &flows[i];

		if (is_server) {
			uint32_t id;

			f->fd = accept(ls, NULL, NULL);
			/* the client says which flow this is */
			if (f->fd < 0 || recv(f->fd, &id, 4, MSG_WAITALL) != 4 ||
			    id >= MAX_FLOWS) {
				perror("soak_flow: accept");
				return 1;
			}
			f->id = id;
		} else {
			uint32_t id = i;
			int tries = 0;

			f->id = i;
			/* the server may not listen yet on a loaded host */
			for (;;) {
				f->fd = socket(ai->ai_family, SOCK_STREAM, 0);
				if (!connect(f->fd, ai->ai_addr, ai->ai_addrlen) ||
				    errno != ECONNREFUSED || ++tries == 300)
					break;
				close(f->fd);
				usleep(100000);
			}
			if (send(f->fd, &id, 4, 0) != 4) {
				perror("soak_flow: connect");
				return 1;
			}
		}
		if (!flow_start(f))
			started++;
	}
	for (i = 0; i < nflows; i++) {
		if (!flows[i].tx)
			continue;
		pthread_join(flows[i].tx, NULL);
		pthread_join(flows[i].rx, NULL);
		close(flows[i].fd);
	}
	printf("soak_flow %s: %d flows, %llu bytes sent, %llu bytes received and checked, %llu rekeys, %d failures\n",
	       is_server ? "server" : "client", started,
	       (unsigned long long)total_sent, (unsigned long long)total_checked,
	       (unsigned long long)total_rekeys, (int)failures);
	return failures || started != nflows ? 1 : 0;
}
