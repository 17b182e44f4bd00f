// SPDX-License-Identifier: GPL-2.0
/*
 * Connection setup rate: the client (forked child) connects, installs
 * its keys and sends a 1-byte message; the server accepts, installs
 * TLS_TX + TLS_RX, reads the byte and answers with one; the client reads
 * the answer and resets the connection. The answer proves the keys work
 * on every connection. Reported: connections per second (client wall
 * clock) and the server's mean time from accept() to keys installed.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

struct conn_keys {
	struct rcrypt tx, rx;
};

/* Install keys for one end; for OpenSSL the contexts are the state. */
static int keys_up(const struct opts *o, int fd, int client,
		   struct conn_keys *k)
{
	if (o->prov == PROV_KERNEL)
		return ktls_ulp(fd) || ktls_install(fd, &o->cfg, 1, !client) ||
		       ktls_install(fd, &o->cfg, 0, client) ? -errno : 0;
	if (o->prov == PROV_OSSL)
		return rc_init(&k->tx, &o->cfg, !client, 1) ?:
		       rc_init(&k->rx, &o->cfg, client, 0);
	return 0;
}

static void keys_down(const struct opts *o, struct conn_keys *k)
{
	if (o->prov == PROV_OSSL) {
		rc_free(&k->tx);
		rc_free(&k->rx);
	}
}

/* Send or receive the 1-byte message through the provider. */
static int one_byte(const struct opts *o, int fd, struct conn_keys *k,
		    int send, u8 val)
{
	u8 rec[64], *pt, b = val;
	size_t len, ptlen;
	int err;

	if (o->prov != PROV_OSSL) {
		if (send)
			return write_full(fd, &b, 1);
		err = read_full(fd, &b, 1);
		return err ?: (b == val ? 0 : -EIO);
	}
	if (send)
		return write_full(fd, rec, rc_seal(&k->tx, &b, 1, rec));
	err = read_full(fd, rec, REC_HDR);
	if (err)
		return err;
	len = (size_t)rec[3] << 8 | rec[4];
	if (len > sizeof(rec) - REC_HDR)
		return -EBADMSG;
	err = read_full(fd, rec + REC_HDR, len);
	if (err)
		return err;
	if (rc_open(&k->rx, rec, REC_HDR + len, &pt, &ptlen))
		return -EBADMSG;
	return ptlen == 1 && *pt == val ? 0 : -EIO;
}

struct setup_res {
	u64 n;
	double secs, cpu;
	int err;
	char msg[120];
};

static void setup_client(const struct opts *o, int port, int go, int res)
{
	struct setup_res r = { 0 };
	struct conn_keys k;
	double t0, c0, end;
	const char *step = "";
	int fd;
	char b;

	if (read(go, &b, 1) != 1)
		_exit(1);
	c0 = cpu_self();
	t0 = now();
	end = t0 + o->secs;
	while (now() < end) {
		step = "connect";
		fd = tcp_connect(o->addr, port);
		if (fd < 0) {
			r.err = -errno;
			break;
		}
		step = "key install";
		r.err = keys_up(o, fd, 1, &k);
		if (!r.err) {
			step = "message";
			r.err = one_byte(o, fd, &k, 1, 0x5a) ?:
				one_byte(o, fd, &k, 0, 0xa5);
			keys_down(o, &k);
		}
		close_rst(fd);
		if (r.err)
			break;
		r.n++;
	}
	r.secs = now() - t0;
	r.cpu = cpu_self() - c0;
	if (r.err)
		snprintf(r.msg, sizeof(r.msg), "client %s: %s", step,
			 strerror(-r.err));
	if (write(res, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

int run_setup(const struct opts *o)
{
	int lfd, port, fd, go[2], res[2], err = 0, status;
	double c0, c1, t, inst = 0;
	struct conn_keys k;
	struct pollfd pf[2];
	struct setup_res r;
	u64 served = 0;
	pid_t pid;

	lfd = tcp_listen(o->addr, &port);
	if (lfd < 0)
		die("listen: %s", strerror(errno));
	if (o->prov != PROV_TCP)
		rc_warm(&o->cfg);
	pid = fork_measured(go, res);
	if (!pid)
		setup_client(o, port, go[0], res[1]);
	c0 = cpu_self();
	if (write(go[1], "g", 1) != 1)
		die("pipe write failed");
	pf[0].fd = lfd;
	pf[0].events = POLLIN;
	pf[1].fd = res[0];
	pf[1].events = POLLIN;
	for (;;) {
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (!(pf[0].revents & POLLIN))
			break;	/* only the client's result is left */
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept: %s", strerror(errno));
		t = now();
		err = keys_up(o, fd, 0, &k);
		inst += now() - t;
		if (err) {
			kill(pid, SIGKILL);
			die("server key install: %s", strerror(-err));
		}
		err = one_byte(o, fd, &k, 0, 0x5a) ?:
		      one_byte(o, fd, &k, 1, 0xa5);
		keys_down(o, &k);
		close(fd);
		if (err) {
			kill(pid, SIGKILL);
			die("server message: %s", strerror(-err));
		}
		served++;
	}
	c1 = cpu_self();
	if (read(res[0], &r, sizeof(r)) != sizeof(r))
		die("client died");
	waitpid(pid, &status, 0);
	if (r.err)
		die("%s", r.msg);
	if (r.n != served || !r.n)
		die("client counted %llu connections, server %llu",
		    (unsigned long long)r.n, (unsigned long long)served);
	json_head(o);
	printf(",\"connections\":%llu,\"secs\":%.6f,\"conn_per_s\":%.2f,"
	       "\"install_us\":%.3f,\"cpu_s\":%.6f}\n",
	       (unsigned long long)r.n, r.secs, r.n / r.secs,
	       inst * 1e6 / served, r.cpu + (c1 - c0));
	return 0;
}
