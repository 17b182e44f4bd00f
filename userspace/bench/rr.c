// SPDX-License-Identifier: GPL-2.0
/*
 * Request/response over one connection. The client (forked child) sends
 * a message, the server echoes it back, the client checks every byte of
 * the echo before sending the next; transactions per second are counted
 * by the client. Both ends use the provider (kernel TLS_TX + TLS_RX,
 * userspace OpenSSL records, or plain TCP).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

struct rr_end {
	enum provider prov;
	int fd;
	struct rcrypt tx, rx;
	u8 *rec;
};

static int rr_init(struct rr_end *e, const struct opts *o, int fd, int client)
{
	int one = 1;

	memset(e, 0, sizeof(*e));
	e->prov = o->prov;
	e->fd = fd;
	/* Latency test: no Nagle delay, for every provider alike. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	e->rec = malloc(REC_MAX);
	if (!e->rec)
		return -ENOMEM;
	if (o->prov == PROV_OSSL)
		return rc_init(&e->tx, &o->cfg, !client, 1) ?:
		       rc_init(&e->rx, &o->cfg, client, 0);
	if (o->prov == PROV_KERNEL &&
	    (ktls_ulp(fd) || ktls_install(fd, &o->cfg, 1, !client) ||
	     ktls_install(fd, &o->cfg, 0, client)))
		return -errno;
	return 0;
}

static void rr_free(struct rr_end *e)
{
	if (e->prov == PROV_OSSL) {
		rc_free(&e->tx);
		rc_free(&e->rx);
	}
	free(e->rec);
}

static int rr_send(struct rr_end *e, const u8 *msg, size_t n)
{
	if (e->prov != PROV_OSSL)
		return write_full(e->fd, msg, n);
	return write_full(e->fd, e->rec, rc_seal(&e->tx, msg, n, e->rec));
}

/* Receive exactly n payload bytes into msg (one record for OpenSSL). */
static int rr_recv(struct rr_end *e, u8 *msg, size_t n)
{
	size_t len, ptlen;
	u8 *pt;
	int err;

	if (e->prov != PROV_OSSL)
		return read_full(e->fd, msg, n);
	err = read_full(e->fd, e->rec, REC_HDR);
	if (err)
		return err;
	len = (size_t)e->rec[3] << 8 | e->rec[4];
	if (len > REC_MAX - REC_HDR)
		return -EBADMSG;
	err = read_full(e->fd, e->rec + REC_HDR, len);
	if (err)
		return err;
	if (rc_open(&e->rx, e->rec, REC_HDR + len, &pt, &ptlen))
		return -EBADMSG;
	if (ptlen != n)
		return -EMSGSIZE;
	memcpy(msg, pt, n);
	return 0;
}

struct rr_res {
	u64 n;
	double secs, cpu;
	int err;
};

static void rr_client(const struct opts *o, int fd, int go, int res)
{
	struct rr_res r = { 0 };
	u8 *msg = malloc(o->size), *back = malloc(o->size);
	struct rr_end e;
	double t0, c0, end;
	char b;

	if (!msg || !back || read(go, &b, 1) != 1)
		_exit(1);
	r.err = rr_init(&e, o, fd, 1);
	c0 = cpu_self();
	t0 = now();
	end = t0 + o->secs;
	while (!r.err && now() < end) {
		pat_fill(msg, o->size, r.n * o->size, 0);
		r.err = rr_send(&e, msg, o->size) ?:
			rr_recv(&e, back, o->size);
		if (!r.err && memcmp(msg, back, o->size))
			r.err = -EIO;
		r.n++;
	}
	r.secs = now() - t0;
	r.cpu = cpu_self() - c0;
	shutdown(fd, SHUT_WR);
	while (!r.err && read(fd, &b, 1) > 0)
		;
	if (write(res, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	rr_free(&e);
	close_rst(fd);
	_exit(0);
}

int run_rr(const struct opts *o)
{
	int lfd, port, cfd, sfd, go[2], res[2], err, status;
	u8 *msg = malloc(o->size);
	struct rr_end e;
	struct rr_res r;
	double c0, c1;
	pid_t pid;

	if (!msg || !o->size || o->size > REC_MAX_PT)
		die("bad message size %zu", o->size);
	lfd = tcp_listen(o->addr, &port);
	if (lfd < 0 || tcp_pair(o->addr, lfd, port, &cfd, &sfd))
		die("loopback connection: %s", strerror(errno));
	close(lfd);
	if (o->prov != PROV_TCP)
		rc_warm(&o->cfg);
	pid = fork_measured(go, res);
	if (!pid) {
		close(sfd);
		rr_client(o, cfd, go[0], res[1]);
	}
	close(cfd);
	err = rr_init(&e, o, sfd, 0);
	if (err) {
		kill(pid, SIGKILL);
		die("server key install: %s", strerror(-err));
	}
	c0 = cpu_self();
	if (write(go[1], "g", 1) != 1)
		die("pipe write failed");
	for (;;) {
		err = rr_recv(&e, msg, o->size);
		if (!err)
			err = rr_send(&e, msg, o->size);
		if (err)
			break;
	}
	c1 = cpu_self();
	close_rst(sfd);
	if (read(res[0], &r, sizeof(r)) != sizeof(r))
		die("client died (server: %s)", strerror(-err));
	waitpid(pid, &status, 0);
	if (r.err)
		die("client: %s", strerror(-r.err));
	if (err != -EPIPE)
		die("server: %s", strerror(-err));
	if (!r.n)
		die("no transaction completed");
	rr_free(&e);
	json_head(o);
	printf(",\"transactions\":%llu,\"secs\":%.6f,\"tps\":%.2f,"
	       "\"cpu_s\":%.6f,\"cpu_us_per_txn\":%.3f}\n",
	       (unsigned long long)r.n, r.secs, r.n / r.secs,
	       r.cpu + (c1 - c0), (r.cpu + (c1 - c0)) * 1e6 / r.n);
	return 0;
}
