// SPDX-License-Identifier: GPL-2.0
/*
 * gnutls_peer: a GnuTLS endpoint speaking ktls_interop's transfer phases,
 * so that a second, independent TLS implementation exchanges checksummed
 * data with a kernel TLS socket.
 *
 * By default GnuTLS does the records in userspace (the usual peer of a
 * ktls_interop --kernel side).  With --kernel, GnuTLS's own kTLS support
 * is switched on (its system config "[global] ktls = true"), which also
 * installs TLS 1.3 receive keys, something OpenSSL 3.0 never does; that
 * needs a GnuTLS built with --enable-ktls (Debian's 3.7.9 is not, and then
 * the session simply stays in userspace and the RESULT says so).  GnuTLS
 * reads that config when the library initialises, before main(), so the
 * program writes a config file and re-executes itself once.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <gnutls/socket.h>

#include "net.h"
#include "interop_data.h"
#include "interop_phase.h"

#define MAX_CERTS 2
#define REEXEC_ENV "KTLS_GNUTLS_PEER_CONFIG"

enum { DIR_TX = 1, DIR_RX = 2 };

static struct {
	int server;
	int tls;
	const char *cipher, *priority;
	unsigned long long bytes, seed;
	size_t chunk;
	int dir;
	const char *addr;
	int port;
	int kernel, require;
	const char *cert[MAX_CERTS], *key[MAX_CERTS];
	int ncert, nkey;
	const char *name;
} o = {
	.tls = 13, .bytes = 1 << 20, .seed = 1, .chunk = 65536,
	.dir = DIR_TX | DIR_RX, .addr = "127.0.0.1", .port = 4433,
	.name = "gnutls",
};


static void gnutls_write_all(void *ctx, const void *buf, size_t len)
{
	gnutls_session_t s = ctx;
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = gnutls_record_send(s, p, len);

		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n < 0)
			die("gnutls_record_send: %s", gnutls_strerror(n));
		p += n;
		len -= n;
	}
}

static size_t gnutls_read_some(void *ctx, void *buf, size_t len)
{
	gnutls_session_t s = ctx;

	for (;;) {
		ssize_t n = gnutls_record_recv(s, buf, len);

		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n == 0)
			die("peer closed the connection early");
		if (n < 0)
			die("gnutls_record_recv: %s", gnutls_strerror(n));
		return n;
	}
}

static void gnutls_send_file(void *ctx, int fd, unsigned long long len)
{
	gnutls_session_t s = ctx;
	off_t off = 0;

	while ((unsigned long long)off < len) {
		ssize_t n = gnutls_record_send_file(s, fd, &off, len - off);

		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0)
			die("gnutls_record_send_file: %s",
			    n ? gnutls_strerror(n) : "no progress");
	}
}

static int tcp_socket(void)
{
	int fd, lfd, port = o.port;

	if (o.server) {
		lfd = tcp_listen_at(o.addr, &port, 1);
		if (lfd < 0)
			die("listen %s:%d: %s", o.addr, o.port, strerror(errno));
		return sock_accept_one(lfd);
	}
	/* The server may still be starting (slow guests): retry for 60 s. */
	fd = tcp_connect_retry(o.addr, o.port, 60);
	if (fd < 0)
		die("connect %s:%d: %s", o.addr, o.port, strerror(errno));
	sock_set_timeouts(fd);
	return fd;
}

static void build_priority(char *buf, size_t len)
{
	if (o.priority) {
		snprintf(buf, len, "%s", o.priority);
		return;
	}
	snprintf(buf, len, "NORMAL:-VERS-ALL:+VERS-TLS1.%d%s%s",
		 o.tls == 12 ? 2 : 3, o.cipher ? ":-CIPHER-ALL:+" : "",
		 o.cipher ? o.cipher : "");
}

static void check_ktls(gnutls_session_t s)
{
	int k = gnutls_transport_is_ktls_enabled(s);
	int ver = gnutls_protocol_get_version(s);
	int tx = !!(k & GNUTLS_KTLS_SEND), rx = !!(k & GNUTLS_KTLS_RECV);
	char *desc = gnutls_session_get_desc(s);

	say("negotiated %s", desc ? desc : "?");
	gnutls_free(desc);
	say("kTLS %s: send=%s recv=%s", o.kernel ? "requested (ktls = true)" :
	    "off (userspace peer)", tx ? "KERNEL" : "userspace",
	    rx ? "KERNEL" : "userspace");
	if (!o.kernel && (tx || rx))
		die("GnuTLS enabled kTLS on the side that should be userspace");
	if (o.require && (!tx || !rx))
		die("kernel TLS required in both directions but GnuTLS has send=%d recv=%d (%s)",
		    tx, rx, gnutls_protocol_get_name(ver));
}

static int run(void)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	struct phase a = { 0 }, b = { 0 }, none = { .sha = "-" };
	const struct phase *snd, *rcv;
	struct xfer_io io = {
		.write_all = gnutls_write_all, .read_some = gnutls_read_some,
		.send_file = gnutls_send_file, .send_name = "gnutls_record_send",
	};
	struct xfer_opts xo = { .bytes = o.bytes, .chunk = o.chunk };
	const char *err = NULL;
	char prio[512];
	int r, i, fd, first = o.server ? DIR_RX : DIR_TX;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		die("credentials");
	for (i = 0; i < o.ncert; i++) {
		r = gnutls_certificate_set_x509_key_file(cred, o.cert[i],
							 o.key[i],
							 GNUTLS_X509_FMT_PEM);
		if (r < 0)
			die("load %s: %s", o.cert[i], gnutls_strerror(r));
	}
	if (o.server && !o.ncert)
		die("server needs --cert/--key");
	if (gnutls_init(&s, o.server ? GNUTLS_SERVER : GNUTLS_CLIENT) < 0)
		die("gnutls_init");
	build_priority(prio, sizeof(prio));
	r = gnutls_priority_set_direct(s, prio, &err);
	if (r < 0)
		die("priority '%s' at '%s': %s", prio, err ? err : "?",
		    gnutls_strerror(r));
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	/* Throwaway self-signed certificates: the client verifies nothing. */
	fd = tcp_socket();
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
	do {
		r = gnutls_handshake(s);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0)
		die("handshake: %s", gnutls_strerror(r));
	check_ktls(s);

	io.ctx = s;
	xo.seed = o.seed * 2 + o.server;
	if (o.dir & first)
		(first == DIR_TX ? xfer_send : xfer_recv)(&io, &xo, &a);
	if (o.dir & (first ^ (DIR_TX | DIR_RX)))
		(first == DIR_TX ? xfer_recv : xfer_send)(&io, &xo, &b);

	/* Our close_notify, then the peer's. */
	do {
		r = gnutls_bye(s, GNUTLS_SHUT_RDWR);
	} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r < 0)
		die("gnutls_bye: %s", gnutls_strerror(r));

	snd = a.what && !strcmp(a.what, "send") ? &a :
	      b.what && !strcmp(b.what, "send") ? &b : &none;
	rcv = a.what && !strcmp(a.what, "recv") ? &a :
	      b.what && !strcmp(b.what, "recv") ? &b : &none;
	r = gnutls_transport_is_ktls_enabled(s);
	printf("RESULT role=%s kernel_side=%d version=%s cipher=%s ktls_tx=%d ktls_rx=%d sent=%llu sent_sha256=%s recv=%llu recv_sha256=%s status=ok\n",
	       o.name, o.kernel,
	       gnutls_protocol_get_name(gnutls_protocol_get_version(s)),
	       gnutls_cipher_get_name(gnutls_cipher_get(s)),
	       !!(r & GNUTLS_KTLS_SEND), !!(r & GNUTLS_KTLS_RECV),
	       snd->bytes, snd->sha, rcv->bytes, rcv->sha);
	fflush(stdout);
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	close(fd);
	return 0;
}

/* Turn GnuTLS's kTLS on through its config file, read at library init. */
static void reexec_with_ktls(char **argv)
{
	char path[] = "/tmp/gnutls-ktls.XXXXXX";
	static const char cfg[] = "[global]\nktls = true\n";
	int fd;

	if (getenv(REEXEC_ENV)) {
		unlink(getenv(REEXEC_ENV));
		return;
	}
	fd = mkstemp(path);
	if (fd < 0 || write(fd, cfg, sizeof(cfg) - 1) != sizeof(cfg) - 1)
		die("cannot write GnuTLS config: %s", strerror(errno));
	close(fd);
	setenv("GNUTLS_SYSTEM_PRIORITY_FILE", path, 1);
	setenv(REEXEC_ENV, path, 1);
	execv("/proc/self/exe", argv);
	die("re-exec: %s", strerror(errno));
}

static void usage(void)
{
	fputs("usage: gnutls_peer server|client [options]\n"
	      "  --tls 1.2|1.3  --cipher GNUTLS-CIPHER (e.g. AES-128-GCM)\n"
	      "  --priority STRING (overrides --tls/--cipher)\n"
	      "  --bytes N  --direction tx|rx|both (this process's view)\n"
	      "  --addr A --port P  --cert F --key F (repeatable)\n"
	      "  --kernel [--require-ktls]  let GnuTLS itself use kernel TLS\n"
	      "  --seed N --chunk N\n", stderr);
	exit(2);
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	if (*end || !v)
		die("bad size '%s'", s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "tls", 1, NULL, 'v' }, { "cipher", 1, NULL, 'c' },
		{ "priority", 1, NULL, 'P' }, { "bytes", 1, NULL, 'b' },
		{ "direction", 1, NULL, 'd' }, { "addr", 1, NULL, 'a' },
		{ "port", 1, NULL, 'p' }, { "cert", 1, NULL, 'C' },
		{ "key", 1, NULL, 'Y' }, { "kernel", 0, NULL, 'k' },
		{ "require-ktls", 0, NULL, 'r' }, { "seed", 1, NULL, 's' },
		{ "chunk", 1, NULL, 'n' }, { NULL, 0, NULL, 0 }
	};
	int c;

	signal(SIGPIPE, SIG_IGN);
	log_set_name(o.name, LOG_BRACKET);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'v': o.tls = !strcmp(optarg, "1.2") ? 12 : 13; break;
		case 'c': o.cipher = optarg; break;
		case 'P': o.priority = optarg; break;
		case 'b': o.bytes = parse_size(optarg); break;
		case 'd':
			o.dir = !strcmp(optarg, "tx") ? DIR_TX :
				!strcmp(optarg, "rx") ? DIR_RX : DIR_TX | DIR_RX;
			break;
		case 'a': o.addr = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'C':
			if (o.ncert == MAX_CERTS)
				usage();
			o.cert[o.ncert++] = optarg;
			break;
		case 'Y':
			if (o.nkey == MAX_CERTS)
				usage();
			o.key[o.nkey++] = optarg;
			break;
		case 'k': o.kernel = 1; break;
		case 'r': o.require = 1; break;
		case 's': o.seed = strtoull(optarg, NULL, 0); break;
		case 'n': o.chunk = parse_size(optarg); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || o.ncert != o.nkey)
		usage();
	if (!strcmp(argv[optind], "server"))
		o.server = 1;
	else if (strcmp(argv[optind], "client"))
		usage();
	o.name = o.server ? "gnutls-server" : "gnutls-client";
	log_set_name(o.name, LOG_BRACKET);
	if (o.kernel)
		reexec_with_ktls(argv);
	return run();
}
