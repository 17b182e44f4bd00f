// SPDX-License-Identifier: GPL-2.0
/*
 * tls_mode_errs: the errnos of TLS_TX_MODE / TLS_RX_MODE and of the
 * net.ktls sysctls, over the tlssim pair of tls_lib.sh (run in $NS1; the
 * peer is a child that enters $NS2 and listens on 10.77.0.2).
 *
 * usage: tls_mode_errs NS2-PATH PORT
 *
 * Each case connects a fresh flow. The peer reads the whole stream with
 * kTLS RX and checks every byte, but only once the parent tells it to (a
 * byte on a pipe), so that the parent can fill the send buffer first: a
 * TX switch from software to the device then has records to wait for
 * (EAGAIN when non-blocking; EBUSY for a second switch meanwhile).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ktls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktls_setup.h"
#include "../lib/tap.h"

static const char *ns2;
static int port;
static unsigned char key[16] = "0123456789abcdef";
static unsigned char iv[8] = "ivivivi", salt[4] = "slt";

static int set_key(int fd, int opt)
{
	return ktls_set_key(fd, opt, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128,
			    key, iv, salt, NULL);
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void put_sysctl(const char *name, int v)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ktls/%s", name);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", v) < 0 || fclose(f))
		die(path);
}

static unsigned char pat(unsigned long long off)
{
	return off * 7 % 251;
}

/* The peer: accept, kTLS RX, wait for the go byte, check every byte. */
static void peer(int lfd, int go)
{
	unsigned long long off = 0;
	unsigned char buf[16384], c;
	int fd, ok = 1;
	ssize_t n, i;

	fd = accept(lfd, NULL, NULL);
	if (fd < 0 || ktls_ulp(fd) || set_key(fd, TLS_RX))
		die("peer setup");
	if (read(go, &c, 1) != 1)
		exit(3);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++, off++)
			ok &= buf[i] == pat(off);
	exit(n == 0 && ok ? 0 : 4);
}

struct flow {
	int fd;
	int go;		/* write a byte: the peer starts reading */
	pid_t pid;
	unsigned long long sent;
};

static void flow_open(struct flow *f, int ulp)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int p[2], lfd, one = 1, nsfd, i, small = 65536;

	inet_pton(AF_INET, "10.77.0.2", &a.sin_addr);
	if (pipe(p))
		die("pipe");
	f->pid = fork();
	if (!f->pid) {
		close(p[1]);
		nsfd = open(ns2, O_RDONLY);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			die("setns");
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		/* a small window: a writer fills it fast, then TCP stops */
		setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		if (bind(lfd, (void *)&a, sizeof(a)) || listen(lfd, 1))
			die("peer listen");
		peer(lfd, p[0]);
	}
	close(p[0]);
	f->go = p[1];
	f->sent = 0;
	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	for (i = 0; connect(f->fd, (void *)&a, sizeof(a)); i++) {
		if (i > 100)
			die("connect");
		usleep(20000);
	}
	if (ulp && ktls_ulp(f->fd))
		die("TCP_ULP");
}

/*
 * Write what the socket takes now (non-blocking), with @flags (MSG_MORE:
 * the last record stays open); bytes written.
 */
static unsigned long long flow_fill(struct flow *f, int flags)
{
	unsigned char buf[4096];
	unsigned long long n0 = f->sent;
	int fl = fcntl(f->fd, F_GETFL);
	ssize_t n, i;

	fcntl(f->fd, F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		for (i = 0; i < (ssize_t)sizeof(buf); i++)
			buf[i] = pat(f->sent + i);
		n = send(f->fd, buf, sizeof(buf), flags);
		if (n <= 0)
			break;
		f->sent += n;
	}
	fcntl(f->fd, F_SETFL, fl);
	return f->sent - n0;
}

/* Let the peer read, close, and see that it got every byte right. */
static int flow_close(struct flow *f)
{
	int st;

	if (write(f->go, "g", 1) != 1)
		die("go");
	close(f->fd);
	close(f->go);
	port++;
	return waitpid(f->pid, &st, 0) == f->pid && WIFEXITED(st) &&
	       !WEXITSTATUS(st);
}

static int mode_get(int fd, int opt)
{
	socklen_t l = sizeof(int);
	int v = -1;

	if (getsockopt(fd, SOL_TLS, opt, &v, &l))
		return -errno;
	return v;
}

/* setsockopt(TLS_*_MODE, @v): 0 or -errno */
static int mode_set(int fd, int opt, int v, socklen_t len)
{
	return setsockopt(fd, SOL_TLS, opt, &v, len) ? -errno : 0;
}

static void expect(const char *what, int want, int got)
{
	tap_result(want == got, "%s (want %d, got %d)", what, want, got);
}

struct bg_switch {
	int fd, want, rc;
};

static void *bg_switch(void *arg)
{
	struct bg_switch *b = arg;

	b->rc = mode_set(b->fd, TLS_TX_MODE, b->want, sizeof(int));
	return NULL;
}

/* One blocking 64 KiB send of the stream (the next bytes of @f). */
struct bg_write {
	struct flow *f;
	int rc;
};

static void *bg_write(void *arg)
{
	static unsigned char buf[65536];
	struct bg_write *w = arg;
	size_t i, off = 0;
	ssize_t n;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pat(w->f->sent + i);
	w->rc = 0;
	while (off < sizeof(buf)) {
		n = write(w->f->fd, buf + off, sizeof(buf) - off);
		if (n <= 0) {
			w->rc = -1;
			break;
		}
		off += n;
	}
	w->f->sent += off;
	return NULL;
}

int main(int argc, char **argv)
{
	struct flow f;
	struct bg_switch b;
	struct bg_write w;
	pthread_t th, wth;
	int d, rc, want;

	if (argc != 3)
		return 2;
	ns2 = argv[1];
	port = atoi(argv[2]);
	signal(SIGPIPE, SIG_IGN);

	/* no key yet: no mode, nothing to switch */
	flow_open(&f, 1);
	expect("TLS_TX_MODE before TLS_TX is TLS_MODE_NONE", TLS_MODE_NONE,
	       mode_get(f.fd, TLS_TX_MODE));
	expect("TLS_RX_MODE before TLS_RX is TLS_MODE_NONE", TLS_MODE_NONE,
	       mode_get(f.fd, TLS_RX_MODE));
	expect("switch TX before TLS_TX: ENOTCONN", -ENOTCONN,
	       mode_set(f.fd, TLS_TX_MODE, TLS_MODE_SW, sizeof(int)));
	expect("switch RX before TLS_RX: ENOTCONN", -ENOTCONN,
	       mode_set(f.fd, TLS_RX_MODE, TLS_MODE_DEVICE, sizeof(int)));
	if (set_key(f.fd, TLS_TX) || set_key(f.fd, TLS_RX))
		die("TLS_TX/TLS_RX");
	expect("TLS_TX on a tlssim device: TLS_MODE_DEVICE", TLS_MODE_DEVICE,
	       mode_get(f.fd, TLS_TX_MODE));
	expect("TLS_RX on a tlssim device: TLS_MODE_DEVICE", TLS_MODE_DEVICE,
	       mode_get(f.fd, TLS_RX_MODE));
	for (d = 0; d < 2; d++) {
		int opt = d ? TLS_RX_MODE : TLS_TX_MODE;
		const char *n = d ? "RX" : "TX";
		char what[96];

		snprintf(what, sizeof(what), "%s to the mode it is in: EALREADY", n);
		expect(what, -EALREADY, mode_set(f.fd, opt, TLS_MODE_DEVICE, sizeof(int)));
		snprintf(what, sizeof(what), "%s to mode 7: EINVAL", n);
		expect(what, -EINVAL, mode_set(f.fd, opt, 7, sizeof(int)));
		snprintf(what, sizeof(what), "%s to TLS_MODE_NONE: EINVAL", n);
		expect(what, -EINVAL, mode_set(f.fd, opt, TLS_MODE_NONE, sizeof(int)));
		snprintf(what, sizeof(what), "%s with a 2-byte option: EINVAL", n);
		expect(what, -EINVAL, mode_set(f.fd, opt, TLS_MODE_SW, 2));
		snprintf(what, sizeof(what), "%s to software", n);
		expect(what, 0, mode_set(f.fd, opt, TLS_MODE_SW, sizeof(int)));
		expect(what, TLS_MODE_SW, mode_get(f.fd, opt));
		put_sysctl("device_enable", 0);
		snprintf(what, sizeof(what), "%s to the device with device_enable 0: ENXIO", n);
		expect(what, -ENXIO, mode_set(f.fd, opt, TLS_MODE_DEVICE, sizeof(int)));
		put_sysctl("device_enable", 1);
		snprintf(what, sizeof(what), "%s back to the device", n);
		expect(what, 0, mode_set(f.fd, opt, TLS_MODE_DEVICE, sizeof(int)));
		expect(what, TLS_MODE_DEVICE, mode_get(f.fd, opt));
	}
	flow_fill(&f, 0);
	tap_result(flow_close(&f), "the peer got every byte of the switched flow");

	/*
	 * TX from the software path with records still waiting for room:
	 * non-blocking EAGAIN; a blocking switch waits; a second one
	 * meanwhile is EBUSY, for either direction.
	 */
	flow_open(&f, 1);
	put_sysctl("device_enable", 0);
	if (set_key(f.fd, TLS_TX) || set_key(f.fd, TLS_RX))
		die("TLS_TX/TLS_RX");
	put_sysctl("device_enable", 1);
	expect("TLS_TX with device_enable 0: TLS_MODE_SW", TLS_MODE_SW,
	       mode_get(f.fd, TLS_TX_MODE));
	/*
	 * Until the peer's window is shut and TCP holds all it may: then
	 * the last record stays open, and the switch must close and push
	 * it into a full socket.
	 */
	for (d = 0; d < 3; d++) {
		/* three empty fills in a row: TCP sends nothing any more */
		if (flow_fill(&f, MSG_MORE))
			d = -1;
		usleep(300000);
	}
	fcntl(f.fd, F_SETFL, fcntl(f.fd, F_GETFL) | O_NONBLOCK);
	rc = mode_set(f.fd, TLS_TX_MODE, TLS_MODE_DEVICE, sizeof(int));
	fcntl(f.fd, F_SETFL, fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);
	/*
	 * 6.1's sendpage appends a record's pages to TCP's last skb without
	 * a memory check, so there TCP takes the open record at once.
	 */
	tap_result(rc == -EAGAIN || rc == 0,
		   "TX to the device, non-blocking, last record open in a full socket: EAGAIN, or 0 when TCP takes it (%d)",
		   rc);
	/*
	 * A blocking send waits for room holding tx_lock; a TX switch then
	 * waits for tx_lock; meanwhile any other switch is EBUSY.
	 */
	w.f = &f;
	pthread_create(&wth, NULL, bg_write, &w);
	usleep(300000);
	want = mode_get(f.fd, TLS_TX_MODE) == TLS_MODE_DEVICE ?
	       TLS_MODE_SW : TLS_MODE_DEVICE;
	b.fd = f.fd;
	b.want = want;
	pthread_create(&th, NULL, bg_switch, &b);
	usleep(300000);
	expect("a second TX switch while one waits: EBUSY", -EBUSY,
	       mode_set(f.fd, TLS_TX_MODE, want, sizeof(int)));
	expect("an RX switch while a TX switch waits: EBUSY", -EBUSY,
	       mode_set(f.fd, TLS_RX_MODE, TLS_MODE_DEVICE, sizeof(int)));
	if (write(f.go, "g", 1) != 1)
		die("go");
	pthread_join(wth, NULL);
	pthread_join(th, NULL);
	expect("the waiting switch completes once the peer reads", 0, b.rc);
	expect("TX is in the mode it switched to", want,
	       mode_get(f.fd, TLS_TX_MODE));
	tap_result(w.rc == 0, "the blocked send completes");
	flow_fill(&f, 0);
	/* flow_close writes the go byte again: the peer reads past it */
	tap_result(flow_close(&f), "the peer got every byte across the wait");

	/* net.ktls.enable 0: no new kernel TLS (FreeBSD: ENOTSUP) */
	flow_open(&f, 1);
	put_sysctl("enable", 0);
	expect("TLS_TX with net.ktls.enable 0: EOPNOTSUPP", -EOPNOTSUPP,
	       set_key(f.fd, TLS_TX) ? -errno : 0);
	put_sysctl("enable", 1);
	expect("TLS_TX with net.ktls.enable 1", 0,
	       set_key(f.fd, TLS_TX) ? -errno : 0);
	flow_fill(&f, 0);
	tap_result(flow_close(&f), "the peer got every byte after enable 1");

	/*
	 * net.ktls.default_policy: the verdict without a BPF answer, for
	 * this namespace. 1 software on a capable device, 4 deny, 3 device
	 * only (the tlssim device can), 5 refused, 0 back to bpf_default.
	 */
	flow_open(&f, 1);
	put_sysctl("default_policy", 1);
	expect("default_policy 1: TLS_TX", 0, set_key(f.fd, TLS_TX) ? -errno : 0);
	expect("default_policy 1: TX in software despite the device",
	       TLS_MODE_SW, mode_get(f.fd, TLS_TX_MODE));
	flow_fill(&f, 0);
	tap_result(flow_close(&f), "the peer got every byte (default_policy 1)");
	flow_open(&f, 1);
	put_sysctl("default_policy", 4);
	expect("default_policy 4: TLS_TX is EPERM", -EPERM,
	       set_key(f.fd, TLS_TX) ? -errno : 0);
	put_sysctl("default_policy", 3);
	expect("default_policy 3: TLS_TX on the device", 0,
	       set_key(f.fd, TLS_TX) ? -errno : 0);
	expect("default_policy 3: TX on the device", TLS_MODE_DEVICE,
	       mode_get(f.fd, TLS_TX_MODE));
	flow_fill(&f, 0);
	tap_result(flow_close(&f), "the peer got every byte (default_policy 3)");
	{
		FILE *pf = fopen("/proc/sys/net/ktls/default_policy", "w");
		int bad = !pf || fprintf(pf, "5\n") < 0 || fclose(pf);

		tap_result(bad, "default_policy 5 is refused");
	}
	put_sysctl("default_policy", 0);
	flow_open(&f, 1);
	expect("default_policy 0: TLS_TX", 0, set_key(f.fd, TLS_TX) ? -errno : 0);
	expect("default_policy 0: bpf_default (device)", TLS_MODE_DEVICE,
	       mode_get(f.fd, TLS_TX_MODE));
	flow_fill(&f, 0);
	tap_result(flow_close(&f), "the peer got every byte (default_policy 0)");

	/*
	 * FreeBSD's listening-socket case: here no listening socket can
	 * have kernel TLS at all, so TLS_*_MODE never meets one: TCP
	 * refuses the ULP on a listening socket (and listen() on any
	 * connected socket).
	 */
	{
		struct sockaddr_in a = { .sin_family = AF_INET };
		int lfd = socket(AF_INET, SOCK_STREAM, 0);

		if (bind(lfd, (void *)&a, sizeof(a)) || listen(lfd, 1))
			die("listen");
		expect("TCP_ULP tls on a listening socket fails", -1,
		       ktls_ulp(lfd) ? -1 : 0);
		close(lfd);
	}
	return tap_done();
}
