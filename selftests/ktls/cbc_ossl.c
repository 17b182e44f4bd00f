// SPDX-License-Identifier: GPL-2.0
/*
 * ktls.ko's CBC suites against OpenSSL's own TLS 1.2 record layer: a real
 * handshake (PSK, so no certificate; encrypt-then-MAC and tickets off) on
 * a loopback pair, then the client's socket is handed to the kernel with
 * the keys of the handshake (RFC 5246 6.3's key block, from the master
 * secret with OpenSSL's TLS1-PRF) while the server stays in OpenSSL.
 * 1 MiB goes each way and is compared byte for byte.
 *
 *   cbc_ossl SUITE   SUITE: an OpenSSL PSK CBC suite name; prints
 *                    "ok" and exits 0, 4 when OpenSSL lacks the suite
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ktls.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>

#include "ktls_setup.h"
#include "net.h"

#define XFER	(1 << 20)
#define SKIP_RC	4

static const unsigned char psk[16] = "ktls-cbc-psk-key";

struct suite {
	const char *name;	/* OpenSSL's */
	uint16_t cipher;	/* TLS_CIPHER_AES_CBC_* */
	int key, mac;
	const char *prf;	/* the PRF's hash */
};

static const struct suite suites[] = {
	{ "PSK-AES128-CBC-SHA", TLS_CIPHER_AES_CBC_128_SHA1, 16, 20, "SHA256" },
	{ "PSK-AES256-CBC-SHA", TLS_CIPHER_AES_CBC_256_SHA1, 32, 20, "SHA256" },
	{ "PSK-AES128-CBC-SHA256", TLS_CIPHER_AES_CBC_128_SHA256, 16, 32, "SHA256" },
	{ "PSK-AES256-CBC-SHA384", TLS_CIPHER_AES_CBC_256_SHA384, 32, 48, "SHA384" },
};

static void die(const char *what)
{
	fprintf(stderr, "FAIL %s (errno %d %s)\n", what, errno, strerror(errno));
	ERR_print_errors_fp(stderr);
	exit(1);
}

static unsigned int psk_client(SSL *s, const char *hint, char *id,
			       unsigned int max_id, unsigned char *out,
			       unsigned int max)
{
	(void)s; (void)hint; (void)max;
	snprintf(id, max_id, "ktls");
	memcpy(out, psk, sizeof(psk));
	return sizeof(psk);
}

static unsigned int psk_server(SSL *s, const char *id, unsigned char *out,
			       unsigned int max)
{
	(void)s; (void)id; (void)max;
	memcpy(out, psk, sizeof(psk));
	return sizeof(psk);
}

static SSL_CTX *ctx_new(const struct suite *su, bool server)
{
	SSL_CTX *c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());

	if (!c)
		die("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_security_level(c, 0);
	SSL_CTX_set_options(c, SSL_OP_NO_ENCRYPT_THEN_MAC | SSL_OP_NO_TICKET);
	if (!SSL_CTX_set_cipher_list(c, su->name))
		exit(SKIP_RC);
	if (server)
		SSL_CTX_set_psk_server_callback(c, psk_server);
	else
		SSL_CTX_set_psk_client_callback(c, psk_client);
	return c;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

/* the OpenSSL server: read 1 MiB and compare, then write 1 MiB */
static int server(const struct suite *su, int fd)
{
	static uint8_t want[XFER], got[XFER];
	SSL_CTX *c = ctx_new(su, true);
	SSL *s = SSL_new(c);
	size_t have = 0;
	int n;

	SSL_set_fd(s, fd);
	if (SSL_accept(s) != 1)
		die("server: SSL_accept");
	fill(want, XFER, 1);
	while (have < XFER) {
		n = SSL_read(s, got + have, XFER - have);
		if (n <= 0)
			die("server: SSL_read");
		have += n;
	}
	if (memcmp(want, got, XFER))
		die("server: the kernel's bytes differ");
	fill(want, XFER, 2);
	for (have = 0; have < XFER; have += n) {
		n = SSL_write(s, want + have, XFER - have);
		if (n <= 0)
			die("server: SSL_write");
	}
	/* the client closes first: no close_notify to read here */
	n = read(fd, got, 1);
	SSL_free(s);
	SSL_CTX_free(c);
	return 0;
}

/* RFC 5246 6.3: client MAC, server MAC, client key, server key, IVs */
static void key_block(const struct suite *su, SSL *s, uint8_t *out, size_t len)
{
	uint8_t master[48], seed[13 + 64];
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
	EVP_KDF_CTX *k = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[4];
	size_t mlen;

	if (!k)
		die("TLS1-PRF");
	mlen = SSL_SESSION_get_master_key(SSL_get_session(s), master,
					  sizeof(master));
	memcpy(seed, "key expansion", 13);
	SSL_get_server_random(s, seed + 13, 32);
	SSL_get_client_random(s, seed + 45, 32);
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)su->prf, 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, master, mlen);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed,
						 sizeof(seed));
	p[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(k, out, len, p) != 1)
		die("key block");
	EVP_KDF_CTX_free(k);
	EVP_KDF_free(kdf);
}

static void install(int fd, int opt, const struct suite *su, const uint8_t *mac,
		    const uint8_t *key)
{
	struct tls_crypto_info_aes_cbc_hmac ci;

	memset(&ci, 0, sizeof(ci));
	ci.info.version = TLS_1_2_VERSION;
	ci.info.cipher_type = su->cipher;
	memcpy(ci.key, key, su->key);
	memcpy(ci.mac_key, mac, su->mac);
	/* the Finished message was record 0 in each direction */
	ci.rec_seq[7] = 1;
	if (setsockopt(fd, SOL_TLS, opt, &ci, sizeof(ci)))
		die(opt == TLS_TX ? "TLS_TX" : "TLS_RX");
}

int main(int argc, char **argv)
{
	static uint8_t buf[XFER], want[XFER];
	const struct suite *su = NULL;
	uint8_t kb[2 * 48 + 2 * 32 + 2 * 16];
	int cfd, sfd, status;
	size_t i, have;
	SSL_CTX *c;
	pid_t pid;
	ssize_t n;
	SSL *s;

	for (i = 0; argc > 1 && i < sizeof(suites) / sizeof(suites[0]); i++)
		if (!strcasecmp(argv[1], suites[i].name))
			su = &suites[i];
	if (!su) {
		fprintf(stderr, "usage: cbc_ossl SUITE\n");
		return 2;
	}
	if (tcp_pair_loopback(&cfd, &sfd, 0))
		die("loopback pair");
	pid = fork();
	if (!pid) {
		close(cfd);
		exit(server(su, sfd));
	}
	close(sfd);

	c = ctx_new(su, false);
	s = SSL_new(c);
	SSL_set_fd(s, cfd);
	if (SSL_connect(s) != 1)
		die("client: SSL_connect");
	if (strcmp(SSL_CIPHER_get_name(SSL_get_current_cipher(s)), su->name) ||
	    SSL_pending(s))
		die("client: negotiated another suite, or data is buffered");
	key_block(su, s, kb, sizeof(kb));

	/* the kernel takes the client's side over from OpenSSL */
	if (ktls_ulp(cfd))
		die("TCP_ULP tls");
	install(cfd, TLS_TX, su, kb, kb + 2 * su->mac);
	install(cfd, TLS_RX, su, kb + su->mac, kb + 2 * su->mac + su->key);
	fill(want, XFER, 1);
	for (have = 0; have < XFER; have += n) {
		n = send(cfd, want + have, XFER - have, 0);
		if (n <= 0)
			die("client: send");
	}
	fill(want, XFER, 2);
	for (have = 0; have < XFER; have += n) {
		n = recv(cfd, buf + have, XFER - have, 0);
		if (n <= 0)
			die("client: recv");
	}
	if (memcmp(buf, want, XFER))
		die("client: OpenSSL's bytes differ");
	close(cfd);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("the OpenSSL server failed");
	printf("ok %s: 1 MiB each way\n", su->name);
	SSL_free(s);
	SSL_CTX_free(c);
	return 0;
}
