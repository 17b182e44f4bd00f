// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_flows: N kTLS connections in one process, for the BPF steering
 * tests. The server end lives in one network namespace and the client end
 * in another (a tlssim pair between them: both ends can offload), or both
 * in the current one (loopback: no device can).
 *
 * Each connection: TCP_ULP "tls", then TLS_TX and TLS_RX (AES-GCM-128,
 * TLS 1.2 or 1.3, fixed keys) on both ends; the errno of each of the four
 * setsockopt calls is counted. When all four succeed, each end sends
 * BYTES in writes of WRITE bytes (one record each) and checks every byte
 * it receives; when all four fail alike the connection must still carry
 * the same bytes in plaintext (what OpenSSL does after a refusal).
 *
 * usage: ktls_flows -a ADDR [-s SRV_NETNS] [-c CLI_NETNS] [-n FLOWS]
 *                   [-b BYTES] [-w WRITE] [-V 12|13] [-K] [-r] [-H FILE]
 * -K: TLS 1.3 only: after the bytes, every end installs a new key in
 * both directions (TLS 1.3 rekey; in lock-step no record is in flight)
 * and the bytes go once more under the new keys.
 * -r: a direction that fails is set once more (the retry must succeed:
 * the failed attempt left the socket as it was).
 * -H: once every connection carried its bytes, create FILE.ready and wait
 * (up to 60 s) until FILE exists before closing (ss -tie looks meanwhile).
 * Prints "ok N eperm N eopnotsupp N other N" (setsockopt calls) and
 * "bytes N" (verified, both ways); exits 0 when every byte was right.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ktls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktls_setup.h"
#include "log.h"

#define MAX_FLOWS	64

static int nflows = 4, tls13, retry, rekey;
/* added to every key byte: the generation of the keys (-K) */
static int keygen;
static long long nbytes = 65536;
static int wsize = 16384;
static unsigned long long verified;
static int count_ok, count_eperm, count_eopnotsupp, count_other;

static void enter_ns(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die_errno(path);
	close(fd);
}

static unsigned char pattern(long long off, int who)
{
	return (unsigned char)(off * 131 + (off >> 11) + who * 7 + 1);
}

/* 0 when set, else errno; counted */
static int try_dir(int fd, int opt, int c2s)
{
	unsigned char key[16], iv[8], salt[4];
	int i, rc;

	for (i = 0; i < 16; i++)
		key[i] = 0x40 + i + c2s + keygen;
	for (i = 0; i < 8; i++)
		iv[i] = 0x10 + i * c2s;
	memcpy(salt, c2s ? "c2s!" : "s2c!", 4);
	rc = ktls_set_key(fd, opt, tls13 ? TLS_1_3_VERSION : TLS_1_2_VERSION,
			  TLS_CIPHER_AES_GCM_128, key, iv, salt, NULL) ? errno : 0;
	if (!rc)
		count_ok++;
	else if (rc == EPERM)
		count_eperm++;
	else if (rc == EOPNOTSUPP)
		count_eopnotsupp++;
	else
		count_other++;
	return rc;
}

static int set_dir(int fd, int opt, int c2s)
{
	int rc = try_dir(fd, opt, c2s);

	return rc && retry ? try_dir(fd, opt, c2s) : rc;
}

static void send_all(int fd, long long off, int len, int who)
{
	unsigned char buf[16384];
	int i, n;

	for (i = 0; i < len; i++)
		buf[i] = pattern(off + i, who);
	n = send(fd, buf, len, 0);
	if (n != len)
		die_errno("send");
}

static void recv_check(int fd, long long off, int len, int who)
{
	unsigned char buf[16384];
	int got = 0, i, n;

	while (got < len) {
		n = recv(fd, buf, len - got, 0);
		if (n <= 0)
			die_errno("recv");
		for (i = 0; i < n; i++)
			if (buf[i] != pattern(off + got + i, who))
				die("byte %lld differs", off + got + i);
		got += n;
	}
	verified += len;
}

/* both ways, one write at a time: no end ever blocks the other */
static void carry(int cfd, int sfd)
{
	long long off;
	int len;

	for (off = 0; off < nbytes; off += len) {
		len = nbytes - off < wsize ? nbytes - off : wsize;
		send_all(cfd, off, len, 1);
		recv_check(sfd, off, len, 1);
		send_all(sfd, off, len, 2);
		recv_check(cfd, off, len, 2);
	}
}

static void hold(const char *file)
{
	char ready[256];
	struct stat st;
	int i, fd;

	snprintf(ready, sizeof(ready), "%s.ready", file);
	fd = open(ready, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 600 && stat(file, &st); i++)
		usleep(100000);
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *srv_ns = NULL, *cli_ns = NULL, *hold_file = NULL;
	int cfd[MAX_FLOWS], sfd[MAX_FLOWS], rc[4], lfd, one = 1, i, o;
	struct sockaddr_storage ss = {};
	socklen_t sl;

	while ((o = getopt(argc, argv, "a:s:c:n:b:w:V:KrH:")) != -1) {
		switch (o) {
		case 'a': addr = optarg; break;
		case 's': srv_ns = optarg; break;
		case 'c': cli_ns = optarg; break;
		case 'n': nflows = atoi(optarg); break;
		case 'b': nbytes = atoll(optarg); break;
		case 'w': wsize = atoi(optarg); break;
		case 'V': tls13 = atoi(optarg) == 13; break;
		case 'K': rekey = 1; break;
		case 'r': retry = 1; break;
		case 'H': hold_file = optarg; break;
		default: die("usage: see the header of ktls_flows.c");
		}
	}
	if (!addr || nflows < 1 || nflows > MAX_FLOWS || wsize < 1 ||
	    wsize > 16384)
		die("usage: see the header of ktls_flows.c");

	if (strchr(addr, ':')) {
		struct sockaddr_in6 *a = (void *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(4433);
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (void *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(4433);
		inet_pton(AF_INET, addr, &a->sin_addr);
		sl = sizeof(*a);
	}
	enter_ns(srv_ns);
	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (void *)&ss, sl) || listen(lfd, MAX_FLOWS))
		die_errno("listen");
	enter_ns(cli_ns);
	for (i = 0; i < nflows; i++) {
		cfd[i] = socket(ss.ss_family, SOCK_STREAM, 0);
		if (cfd[i] < 0 || connect(cfd[i], (void *)&ss, sl))
			die_errno("connect");
		sfd[i] = accept(lfd, NULL, NULL);
		if (sfd[i] < 0)
			die_errno("accept");
		if (ktls_ulp(cfd[i]) || ktls_ulp(sfd[i]))
			die_errno("TCP_ULP");
		rc[0] = set_dir(cfd[i], TLS_TX, 1);
		rc[1] = set_dir(cfd[i], TLS_RX, 0);
		rc[2] = set_dir(sfd[i], TLS_TX, 0);
		rc[3] = set_dir(sfd[i], TLS_RX, 1);
		if (rc[0] == rc[1] && rc[1] == rc[2] && rc[2] == rc[3]) {
			carry(cfd[i], sfd[i]);
			if (rekey && !rc[0]) {
				keygen = 0x20;
				if (set_dir(cfd[i], TLS_TX, 1) ||
				    set_dir(sfd[i], TLS_RX, 1) ||
				    set_dir(sfd[i], TLS_TX, 0) ||
				    set_dir(cfd[i], TLS_RX, 0))
					die_errno("rekey");
				keygen = 0;
				carry(cfd[i], sfd[i]);
			}
		} else
			printf("flow %d: mixed errnos %d %d %d %d: no data\n",
			       i, rc[0], rc[1], rc[2], rc[3]);
	}
	if (hold_file)
		hold(hold_file);
	for (i = 0; i < nflows; i++) {
		close(cfd[i]);
		close(sfd[i]);
	}
	close(lfd);
	printf("ok %d eperm %d eopnotsupp %d other %d\n", count_ok,
	       count_eperm, count_eopnotsupp, count_other);
	printf("bytes %llu\n", verified);
	return 0;
}
