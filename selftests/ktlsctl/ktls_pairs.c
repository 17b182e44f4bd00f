// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_pairs: loopback TCP pairs with kTLS on both ends, at fixed ports,
 * held open for ktlsctl to look at (selftests/ktlsctl/ktlsctl.sh).
 *
 *   ktls_pairs SPEC...     SPEC = FAMILY:VERSION:SERVER_PORT:CLIENT_PORT
 *                          FAMILY 4 or 6, VERSION 12 or 13
 *
 * Each end attaches "tls" and sets TLS_TX, then TLS_RX, with fixed
 * AES-GCM-128 keys, and prints what setsockopt answered: the policy may
 * refuse a direction. Then one record of MSG_LEN bytes goes each way
 * whose two ends both have kTLS, and is checked. "ready" on stdout: the
 * sockets are up; they are closed (client, then server) at EOF on stdin,
 * so that the policy's CLOSE counts are known when it exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ktls.h>

#include "ktls_setup.h"

#define PAIRS_MAX	8
#define MSG_LEN		100

struct end {
	int fd;
	int tx, rx;		/* errno of TLS_TX / TLS_RX, 0: set */
};

struct pair {
	int family, version;
	int sport, cport;
	struct end srv, cli;
};

static void fail(const char *what)
{
	fprintf(stderr, "ktls_pairs: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t sockaddr_of(int family, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_loopback;
		return sizeof(*s6);
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*s4);
}

/* a socket bound to loopback port @port, reusable across suite runs */
static int bound(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(family, port, &ss);
	int one = 1, fd;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		fail("SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&ss, len))
		fail("bind");
	return fd;
}

static void connect_pair(struct pair *p)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(p->family, p->sport, &ss);
	int lfd = bound(p->family, p->sport);

	if (listen(lfd, 1))
		fail("listen");
	p->cli.fd = bound(p->family, p->cport);
	if (connect(p->cli.fd, (struct sockaddr *)&ss, len))
		fail("connect");
	p->srv.fd = accept(lfd, NULL, NULL);
	if (p->srv.fd < 0)
		fail("accept");
	close(lfd);
}

/* the client's TX key is the server's RX key, and the other way round */
static int set_key(const struct pair *p, int fd, int opt, int client_tx)
{
	unsigned char key[16], iv[8], salt[4];
	__u16 v = p->version == 13 ? TLS_1_3_VERSION : TLS_1_2_VERSION;

	memset(key, client_tx ? 0x11 : 0x22, sizeof(key));
	memset(iv, client_tx ? 0x33 : 0x44, sizeof(iv));
	memset(salt, client_tx ? 0x55 : 0x66, sizeof(salt));
	if (ktls_set_key(fd, opt, v, TLS_CIPHER_AES_GCM_128, key, iv, salt,
			 NULL))
		return errno;
	return 0;
}

static void setup_end(const struct pair *p, struct end *e, int client)
{
	if (ktls_ulp(e->fd))
		fail("TCP_ULP tls");
	e->tx = set_key(p, e->fd, TLS_TX, client);
	e->rx = set_key(p, e->fd, TLS_RX, !client);
}

static const char *result(int e)
{
	return e ? strerrorname_np(e) : "ok";
}

/* one record @from -> @to; returns 0 if it arrived intact */
static int send_one(int from, int to, unsigned char seed)
{
	unsigned char out[MSG_LEN], in[MSG_LEN];
	size_t got = 0;
	ssize_t n;
	int i;

	for (i = 0; i < MSG_LEN; i++)
		out[i] = seed + i;
	if (send(from, out, sizeof(out), 0) != sizeof(out))
		return -1;
	while (got < sizeof(in)) {
		n = recv(to, in + got, sizeof(in) - got, 0);
		if (n <= 0)
			return -1;
		got += n;
	}
	return memcmp(in, out, sizeof(in));
}

static int parse(const char *s, struct pair *p)
{
	memset(p, 0, sizeof(*p));
	if (sscanf(s, "%d:%d:%d:%d", &p->family, &p->version, &p->sport,
		   &p->cport) != 4 ||
	    (p->family != 4 && p->family != 6) ||
	    (p->version != 12 && p->version != 13))
		return -1;
	p->family = p->family == 6 ? AF_INET6 : AF_INET;
	return 0;
}

int main(int argc, char **argv)
{
	struct pair pairs[PAIRS_MAX], *p;
	int i, n = argc - 1, rc = 0;
	char c;

	if (n < 1 || n > PAIRS_MAX) {
		fprintf(stderr, "usage: ktls_pairs F:V:SPORT:CPORT...\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (parse(argv[i + 1], &pairs[i])) {
			fprintf(stderr, "ktls_pairs: bad spec '%s'\n",
				argv[i + 1]);
			return 2;
		}
	}
	for (i = 0; i < n; i++) {
		p = &pairs[i];
		connect_pair(p);
		setup_end(p, &p->srv, 0);
		setup_end(p, &p->cli, 1);
		printf("pair %d server :%d tx %s rx %s\n", i, p->sport,
		       result(p->srv.tx), result(p->srv.rx));
		printf("pair %d client :%d tx %s rx %s\n", i, p->cport,
		       result(p->cli.tx), result(p->cli.rx));
		if (!p->cli.tx && !p->srv.rx) {
			rc |= send_one(p->cli.fd, p->srv.fd, i);
			printf("pair %d client -> server: %s\n", i,
			       rc ? "FAIL" : "ok");
		}
		if (!p->srv.tx && !p->cli.rx) {
			rc |= send_one(p->srv.fd, p->cli.fd, 0x80 + i);
			printf("pair %d server -> client: %s\n", i,
			       rc ? "FAIL" : "ok");
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	for (i = 0; i < n; i++) {
		close(pairs[i].cli.fd);
		close(pairs[i].srv.fd);
	}
	return rc ? 1 : 0;
}
