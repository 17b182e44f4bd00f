// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_interop: OpenSSL 3.0 client/server that checks kernel TLS end to end.
 *
 * One side (the "kernel" side) sets SSL_OP_ENABLE_KTLS, so that after the
 * handshake OpenSSL installs the keys in the kernel's "tls" ULP and the
 * records are built and parsed by the kernel; the peer is plain userspace
 * OpenSSL.  Every byte is checked: each transfer phase carries a header, a
 * payload (a seeded pseudo-random stream or a file sent with SSL_sendfile)
 * and the sender's SHA-256 of it; the receiver recomputes the digest and,
 * for stream payloads, compares each byte with the regenerated stream.
 *
 * Phases are sequential (client->server, then server->client), so the tool
 * never needs concurrent SSL_read/SSL_write on one SSL object.
 *
 * What OpenSSL 3.0 offloads on Linux (ssl/ktls.c, t1_enc.c, tls13_enc.c):
 *   TLS 1.2: TX and RX for AES-128-GCM, AES-256-GCM, CHACHA20-POLY1305 and
 *            AES-128-CCM (16-byte tag only; CCM8 stays in userspace).
 *   TLS 1.3: TX only (3.0 never installs TLS_RX for 1.3) for AES-128-GCM,
 *            AES-256-GCM, CHACHA20-POLY1305; TLS_AES_128_CCM_SHA256 is
 *            refused by OpenSSL's check and stays in userspace.
 * --require-ktls=auto encodes exactly this table.  --manual-rx adds kernel
 * receive for TLS 1.3 (all four ciphers) outside OpenSSL: see manual_rx.c.
 *
 * Usage: "pair" runs both ends (server here, client in a forked child);
 * "server"/"client" run one end against any peer speaking the phases of
 * interop_phase.c (e.g. gnutls_peer).  A RESULT line per end summarises.
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
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <linux/ktls.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "log.h"
#include "net.h"
#include "interop_data.h"
#include "interop_phase.h"
#include "manual_rx.h"

enum role { ROLE_SERVER, ROLE_CLIENT, ROLE_PAIR };
enum { DIR_TX = 1, DIR_RX = 2 };	/* bit set, from one process's view */
enum { REQ_NONE, REQ_AUTO, REQ_TX, REQ_RX, REQ_BOTH };

#define MAX_CERTS 2

struct opts {
	enum role role;
	int tls;		/* 12 or 13 */
	const char *cipher;
	unsigned long long bytes;
	int dir;		/* DIR_* bits for this process */
	const char *sendfile;
	const char *addr;
	int port;
	int kernel;		/* this process uses kTLS */
	int pair_kernel;	/* pair mode: 1 server, 2 client, 3 both, 0 none */
	int require;
	const char *cert[MAX_CERTS], *key[MAX_CERTS];
	int ncert;
	unsigned long long seed;
	size_t chunk;
	int tickets;		/* -1: OpenSSL default */
	int linger;		/* seconds to keep the session open at the end */
	int manual_rx;		/* TLS 1.3: install TLS_RX ourselves */
	const char *name;	/* log prefix */
};

static struct opts o = {
	.tls = 13, .bytes = 1 << 20, .dir = DIR_TX | DIR_RX,
	.addr = "127.0.0.1", .port = -1, .seed = 1, .chunk = 65536,
	.tickets = -1, .pair_kernel = 1,
};

static void print_ssl_errors(void)
{
	ERR_print_errors_fp(stderr);
}

/* The log prefix of this process: "[server] ...", "[server] FAIL: ..." */
static void set_name(const char *name)
{
	o.name = name;
	log_set_name(name, LOG_BRACKET);
	log_set_die_hook(print_ssl_errors);
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		end++;
	}
	if (*end)
		die("bad size '%s'", s);
	return v;
}

/* ---- SSL setup ---------------------------------------------------------- */

static SSL_CTX *make_ctx(int server)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() :
					    TLS_client_method());
	int ver = o.tls == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;
	int i;

	if (!ctx)
		die("SSL_CTX_new");
	if (!SSL_CTX_set_min_proto_version(ctx, ver) ||
	    !SSL_CTX_set_max_proto_version(ctx, ver))
		die("cannot pin TLS version");
	if (o.cipher) {
		if (o.tls == 12 && !SSL_CTX_set_cipher_list(ctx, o.cipher))
			die("unknown TLS 1.2 cipher '%s'", o.cipher);
		if (o.tls == 13 && !SSL_CTX_set_ciphersuites(ctx, o.cipher))
			die("unknown TLS 1.3 suite '%s'", o.cipher);
	}
	if (o.kernel && o.manual_rx)
		manual_rx_prepare(ctx);
	if (o.kernel)
		SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS);
	else
		SSL_CTX_clear_options(ctx, SSL_OP_ENABLE_KTLS);
	if (server) {
		if (!o.ncert)
			die("server needs --cert/--key");
		for (i = 0; i < o.ncert; i++) {
			if (SSL_CTX_use_certificate_chain_file(ctx, o.cert[i]) != 1)
				die("cannot load certificate %s", o.cert[i]);
			if (SSL_CTX_use_PrivateKey_file(ctx, o.key[i],
							SSL_FILETYPE_PEM) != 1)
				die("cannot load key %s", o.key[i]);
		}
		if (o.tickets >= 0)
			SSL_CTX_set_num_tickets(ctx, o.tickets);
	} else {
		/* Throwaway self-signed certificates: no verification. */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	}
	return ctx;
}

/* ---- exact I/O over SSL ------------------------------------------------- */

static void ssl_write_all(SSL *ssl, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		size_t done = 0;

		if (SSL_write_ex(ssl, p, len, &done) != 1)
			die("SSL_write: error %d", SSL_get_error(ssl, 0));
		p += done;
		len -= done;
	}
}

/* ---- phase I/O over OpenSSL ------------------------------------------- */

/* What the phase callbacks get: the SSL, and our kernel RX when in use. */
struct sess {
	SSL *ssl;
	struct manual_rx *mrx;
};

static size_t ssl_read_some(void *ctx, void *buf, size_t len)
{
	struct sess *se = ctx;
	SSL *ssl = se->ssl;
	size_t got = 0;

	if (se->mrx)
		return manual_rx_read(se->mrx, buf, len);

	if (SSL_read_ex(ssl, buf, len, &got) != 1)
		die("SSL_read: error %d", SSL_get_error(ssl, 0));
	return got;
}

static void ssl_write_cb(void *ctx, const void *buf, size_t len)
{
	ssl_write_all(((struct sess *)ctx)->ssl, buf, len);
}

/* SSL_sendfile hands the file pages to the kernel's TLS transmit path. */
static void ssl_send_file(void *ctx, int fd, unsigned long long len)
{
	SSL *ssl = ((struct sess *)ctx)->ssl;
	off_t off = 0;

	if (!BIO_get_ktls_send(SSL_get_wbio(ssl)))
		die("--sendfile needs kernel TLS transmit, which is off");
	while ((unsigned long long)off < len) {
		size_t n = len - off;
		ossl_ssize_t r;

		if (n > (1u << 30))
			n = 1u << 30;
		r = SSL_sendfile(ssl, fd, off, n, 0);
		if (r <= 0)
			die("SSL_sendfile at %lld: %zd", (long long)off, r);
		off += r;
	}
}

/* ---- kTLS state --------------------------------------------------------- */

static int expected_cipher_type(SSL *ssl)
{
	const char *c = SSL_get_cipher_name(ssl);

	if (strstr(c, "AES128-GCM") || strstr(c, "AES_128_GCM"))
		return TLS_CIPHER_AES_GCM_128;
	if (strstr(c, "AES256-GCM") || strstr(c, "AES_256_GCM"))
		return TLS_CIPHER_AES_GCM_256;
	if (strstr(c, "CHACHA20"))
		return TLS_CIPHER_CHACHA20_POLY1305;
	if (strstr(c, "CCM8") || strstr(c, "CCM_8"))
		return -1;
	if (strstr(c, "AES128-CCM") || strstr(c, "AES_128_CCM"))
		return TLS_CIPHER_AES_CCM_128;
	return -1;
}

static void check_ktls(SSL *ssl, int fd, int *tx, int *rx)
{
	struct ktls_kernel_view kv;
	int want_tx = 0, want_rx = 0, ct = expected_cipher_type(ssl);
	int ver = SSL_version(ssl);

	*tx = BIO_get_ktls_send(SSL_get_wbio(ssl)) ? 1 : 0;
	*rx = BIO_get_ktls_recv(SSL_get_rbio(ssl)) ? 1 : 0;
	ktls_kernel_query(fd, &kv);
	say("negotiated %s %s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
	say("kTLS %s: send=%s recv=%s; kernel: ULP=%s TLS_TX=%s TLS_RX=%s",
	     o.kernel ? "requested (SSL_OP_ENABLE_KTLS)" : "off (userspace peer)",
	     *tx ? "KERNEL" : "userspace", *rx ? "KERNEL" : "userspace",
	     kv.ulp[0] ? kv.ulp : "none", ktls_cipher_name(kv.tx_cipher),
	     ktls_cipher_name(kv.rx_cipher));

	if (o.kernel && !*tx && !*rx)
		say("kernel TLS NOT active: OpenSSL fell back to userspace records");

	/* What OpenSSL 3.0 hands to the kernel; see the table at the top. */
	switch (o.require) {
	case REQ_AUTO:
		if (ct < 0)
			break;
		want_tx = !(ver == TLS1_3_VERSION && ct == TLS_CIPHER_AES_CCM_128);
		want_rx = ver == TLS1_2_VERSION;
		break;
	case REQ_TX:
		want_tx = 1;
		break;
	case REQ_RX:
		want_rx = 1;
		break;
	case REQ_BOTH:
		want_tx = want_rx = 1;
		break;
	}
	if (want_tx && !*tx)
		die("kernel TLS transmit required but OpenSSL did not enable it%s",
		    kv.ulp[0] ? "" : " (no \"tls\" ULP on the socket)");
	if (want_rx && !*rx)
		die("kernel TLS receive required but OpenSSL did not enable it%s",
		    kv.ulp[0] ? "" : " (no \"tls\" ULP on the socket)");
	if (!o.kernel && (*tx || *rx))
		die("kTLS active on the side that should be userspace");
	/* Cross-check OpenSSL's claim with the kernel's own state. */
	if (*tx && (kv.tx_version != ver || kv.tx_cipher != ct))
		die("kernel TLS_TX is version %#x cipher %d, expected %#x/%d",
		    kv.tx_version, kv.tx_cipher, ver, ct);
	if (*rx && (kv.rx_version != ver || kv.rx_cipher != ct))
		die("kernel TLS_RX is version %#x cipher %d, expected %#x/%d",
		    kv.rx_version, kv.rx_cipher, ver, ct);
}

/* ---- session ------------------------------------------------------------ */

static int run_session(int fd, int server)
{
	SSL_CTX *ctx = make_ctx(server);
	SSL *ssl = SSL_new(ctx);
	struct phase a = { 0 }, b = { 0 }, none = { .sha = "-" };
	const struct phase *snd, *rcv;
	struct xfer_io io = {
		.write_all = ssl_write_cb, .read_some = ssl_read_some,
		.send_file = ssl_send_file, .send_name = "SSL_write",
	};
	struct xfer_opts xo = {
		.bytes = o.bytes, .file = o.sendfile, .chunk = o.chunk,
	};
	int tx, rx, r, first_dir = server ? DIR_RX : DIR_TX;
	static struct manual_rx mrx;
	struct sess se = { .ssl = ssl };

	if (!ssl || SSL_set_fd(ssl, fd) != 1)
		die("SSL_new");
	r = server ? SSL_accept(ssl) : SSL_connect(ssl);
	if (r != 1)
		die("handshake failed: error %d", SSL_get_error(ssl, r));
	check_ktls(ssl, fd, &tx, &rx);
	if (o.kernel && o.manual_rx) {
		struct ktls_kernel_view kv;

		manual_rx_install(ssl, fd, &mrx);
		se.mrx = &mrx;
		ktls_kernel_query(fd, &kv);
		if (kv.rx_version != TLS1_3_VERSION ||
		    kv.rx_cipher != expected_cipher_type(ssl))
			die("kernel TLS_RX reads back as %#x/%d", kv.rx_version,
			    kv.rx_cipher);
		rx = 1;
	}

	/*
	 * Phase 1 is client->server, phase 2 server->client; each way its
	 * own stream, so that a reflected stream cannot pass.
	 */
	io.ctx = &se;
	xo.seed = o.seed * 2 + server;
	if (o.dir & first_dir)
		(first_dir == DIR_TX ? xfer_send : xfer_recv)(&io, &xo, &a);
	if (o.dir & (first_dir ^ (DIR_TX | DIR_RX)))
		(first_dir == DIR_TX ? xfer_recv : xfer_send)(&io, &xo, &b);

	/*
	 * Let an observer (the demo) look at the live socket with ss; it
	 * may end the wait early with SIGUSR1.
	 */
	if (o.linger > 0 && o.kernel) {
		say("lingering %d s before close (port %d)", o.linger, o.port);
		sleep(o.linger);
	}

	/* Orderly close: our close_notify, then wait for the peer's. */
	r = SSL_shutdown(ssl);
	if (r == 0 && se.mrx) {
		manual_rx_wait_close(se.mrx);
	} else if (r == 0) {
		unsigned char c;
		size_t got;

		if (SSL_read_ex(ssl, &c, 1, &got) == 1)
			die("unexpected data after the last phase");
		if (SSL_get_error(ssl, 0) != SSL_ERROR_ZERO_RETURN)
			die("no close_notify from peer (error %d)",
			    SSL_get_error(ssl, 0));
	} else if (r < 0) {
		die("SSL_shutdown: error %d", SSL_get_error(ssl, r));
	}
	snd = a.what && !strcmp(a.what, "send") ? &a :
	      b.what && !strcmp(b.what, "send") ? &b : &none;
	rcv = a.what && !strcmp(a.what, "recv") ? &a :
	      b.what && !strcmp(b.what, "recv") ? &b : &none;
	printf("RESULT role=%s kernel_side=%d version=%s cipher=%s ktls_tx=%d ktls_rx=%d sent=%llu sent_sha256=%s recv=%llu recv_sha256=%s status=ok\n",
	       o.name, o.kernel, SSL_get_version(ssl), SSL_get_cipher_name(ssl),
	       tx, rx, snd->bytes, snd->sha, rcv->bytes, rcv->sha);
	fflush(stdout);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return 0;
}

static int listen_socket(void)
{
	int fd = tcp_listen_at(o.addr, &o.port, 4);

	if (fd < 0)
		die("bind/listen %s:%d: %s", o.addr, o.port, strerror(errno));
	return fd;
}

static int connect_socket(void)
{
	/* The server may still be starting (slow guests): retry for 60 s. */
	int fd = tcp_connect_retry(o.addr, o.port, 60);

	if (fd < 0)
		die("connect %s:%d: %s", o.addr, o.port, strerror(errno));
	sock_set_timeouts(fd);
	return fd;
}

/* Pair mode: this process serves, a forked child connects. */
static int run_pair(void)
{
	int lfd, status, rc, kdir = o.dir;
	int inv = (o.dir & DIR_TX ? DIR_RX : 0) | (o.dir & DIR_RX ? DIR_TX : 0);
	const char *sf = o.sendfile;
	pid_t pid;

	/* --direction is the kernel side's view (the client's if both/none). */
	lfd = listen_socket();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(lfd);
		set_name("client");
		o.kernel = !!(o.pair_kernel & 2);
		o.dir = o.pair_kernel == 1 ? inv : kdir;
		o.sendfile = o.kernel && (o.pair_kernel != 1) ? sf : NULL;
		if (!o.kernel)
			o.require = REQ_NONE;
		exit(run_session(connect_socket(), 0));
	}
	set_name("server");
	o.kernel = !!(o.pair_kernel & 1);
	o.dir = o.pair_kernel == 1 ? kdir : inv;
	o.sendfile = o.pair_kernel == 1 ? sf : NULL;
	if (!o.kernel)
		o.require = REQ_NONE;
	rc = run_session(sock_accept_one(lfd), 1);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		rc = 1;
	return rc;
}

static void usage(void)
{
	fputs("usage: ktls_interop server|client|pair [options]\n"
	      "  --tls 1.2|1.3            TLS version (default 1.3)\n"
	      "  --cipher NAME            OpenSSL cipher (1.2) or suite (1.3) name\n"
	      "  --bytes N[K|M|G]         payload per direction (default 1M)\n"
	      "  --direction tx|rx|both   this process's view; in pair mode the\n"
	      "                           kernel side's view (default both)\n"
	      "  --sendfile FILE          send FILE with SSL_sendfile (needs kTLS TX)\n"
	      "  --addr A --port P        listen/connect address (default 127.0.0.1:4433)\n"
	      "  --kernel                 this process uses kernel TLS\n"
	      "  --kernel-side server|client|both|none   pair mode (default server)\n"
	      "  --require-ktls[=auto|tx|rx|both]  fail unless the kernel carries\n"
	      "                           records (auto: what OpenSSL 3.0 offloads)\n"
	      "  --cert F --key F         server certificate/key (repeatable: RSA+ECDSA)\n"
	      "  --seed N --chunk N --tickets N\n"
	      "  --manual-rx              TLS 1.3: derive the peer's key and set\n"
	      "                           TLS_RX ourselves (OpenSSL 3.0 does not)\n"
	      "  --linger SEC             kernel side keeps the session open SEC s\n"
	      "                           after the data (to look at it with ss;\n"
	      "                           SIGUSR1 ends the wait)\n", stderr);
	exit(2);
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "tls", 1, NULL, 'v' }, { "cipher", 1, NULL, 'c' },
		{ "bytes", 1, NULL, 'b' }, { "direction", 1, NULL, 'd' },
		{ "sendfile", 1, NULL, 'f' }, { "addr", 1, NULL, 'a' },
		{ "port", 1, NULL, 'p' }, { "kernel", 0, NULL, 'k' },
		{ "kernel-side", 1, NULL, 'K' }, { "require-ktls", 2, NULL, 'r' },
		{ "cert", 1, NULL, 'C' }, { "key", 1, NULL, 'Y' },
		{ "seed", 1, NULL, 's' }, { "chunk", 1, NULL, 'n' },
		{ "tickets", 1, NULL, 't' }, { "help", 0, NULL, 'h' },
		{ "linger", 1, NULL, 'L' }, { "manual-rx", 0, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	int c, nkey = 0;

	set_name("main");
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (!strcmp(optarg, "1.2"))
				o.tls = 12;
			else if (!strcmp(optarg, "1.3"))
				o.tls = 13;
			else
				die("--tls must be 1.2 or 1.3");
			break;
		case 'c': o.cipher = optarg; break;
		case 'b': o.bytes = parse_size(optarg); break;
		case 'd':
			if (!strcmp(optarg, "tx"))
				o.dir = DIR_TX;
			else if (!strcmp(optarg, "rx"))
				o.dir = DIR_RX;
			else if (!strcmp(optarg, "both"))
				o.dir = DIR_TX | DIR_RX;
			else
				die("--direction must be tx, rx or both");
			break;
		case 'f': o.sendfile = optarg; break;
		case 'a': o.addr = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'k': o.kernel = 1; break;
		case 'K':
			if (!strcmp(optarg, "server"))
				o.pair_kernel = 1;
			else if (!strcmp(optarg, "client"))
				o.pair_kernel = 2;
			else if (!strcmp(optarg, "both"))
				o.pair_kernel = 3;
			else if (!strcmp(optarg, "none"))
				o.pair_kernel = 0;
			else
				die("bad --kernel-side");
			break;
		case 'r':
			if (!optarg || !strcmp(optarg, "auto"))
				o.require = REQ_AUTO;
			else if (!strcmp(optarg, "tx"))
				o.require = REQ_TX;
			else if (!strcmp(optarg, "rx"))
				o.require = REQ_RX;
			else if (!strcmp(optarg, "both"))
				o.require = REQ_BOTH;
			else
				die("bad --require-ktls");
			break;
		case 'C':
			if (o.ncert == MAX_CERTS)
				die("at most %d certificates", MAX_CERTS);
			o.cert[o.ncert++] = optarg;
			break;
		case 'Y':
			if (nkey == MAX_CERTS)
				die("at most %d keys", MAX_CERTS);
			o.key[nkey++] = optarg;
			break;
		case 's': o.seed = strtoull(optarg, NULL, 0); break;
		case 'n':
			o.chunk = parse_size(optarg);
			if (!o.chunk)
				die("--chunk must be > 0");
			break;
		case 't': o.tickets = atoi(optarg); break;
		case 'L': o.linger = atoi(optarg); break;
		case 'M': o.manual_rx = 1; break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (!strcmp(argv[optind], "server"))
		o.role = ROLE_SERVER;
	else if (!strcmp(argv[optind], "client"))
		o.role = ROLE_CLIENT;
	else if (!strcmp(argv[optind], "pair"))
		o.role = ROLE_PAIR;
	else
		usage();
	if (nkey != o.ncert)
		die("give one --key per --cert");
	if (o.role != ROLE_PAIR && o.sendfile && !o.kernel)
		die("--sendfile is for the kernel side (--kernel)");
}

static void wake(int sig)
{
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = wake };	/* no SA_RESTART */

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGUSR1, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(argc, argv);
	if (o.port < 0 && o.role != ROLE_PAIR)
		o.port = 4433;
	switch (o.role) {
	case ROLE_SERVER:
		set_name("server");
		return run_session(sock_accept_one(listen_socket()), 1);
	case ROLE_CLIENT:
		set_name("client");
		return run_session(connect_socket(), 0);
	case ROLE_PAIR:
		if (o.port < 0)
			o.port = 0;	/* any free port */
		return run_pair();
	}
	return 2;
}
