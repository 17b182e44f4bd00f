// SPDX-License-Identifier: GPL-2.0
/*
 * TLS 1.3 kernel receive for OpenSSL 3.0 sessions; see manual_rx.h.
 *
 * The key log callback hands us the peer's application traffic secret
 * (CLIENT_TRAFFIC_SECRET_0 on the server, SERVER_TRAFFIC_SECRET_0 on the
 * client).  RFC 8446 7.3: key = HKDF-Expand-Label(secret, "key", "", n),
 * iv = HKDF-Expand-Label(secret, "iv", "", 12).  The receive sequence is 0
 * because OpenSSL reads records exactly (no read-ahead), so when the
 * handshake returns no record of the new epoch has been consumed; a server's
 * NewSessionTickets then arrive through the kernel as handshake records.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/ktls.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "ktls_setup.h"
#include "interop_phase.h"
#include "manual_rx.h"

#define REC_ALERT	21
#define REC_HANDSHAKE	22
#define REC_DATA	23
#define HS_NEW_SESSION_TICKET 4

/* One session per process: the callback has nowhere better to put it. */
static unsigned char peer_secret[EVP_MAX_MD_SIZE];
static size_t peer_secret_len;

static int unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (s[0] && s[1] && s[0] != ' ' && n < max) {
		unsigned int v;

		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = v;
		s += 2;
	}
	return n;
}

static void keylog_cb(const SSL *ssl, const char *line)
{
	const char *want = SSL_is_server(ssl) ? "CLIENT_TRAFFIC_SECRET_0 " :
						"SERVER_TRAFFIC_SECRET_0 ";
	const char *p;
	int n;

	if (strncmp(line, want, strlen(want)))
		return;
	p = strchr(line + strlen(want), ' ');	/* skip the client random */
	if (!p)
		return;
	n = unhex(p + 1, peer_secret, sizeof(peer_secret));
	peer_secret_len = n > 0 ? n : 0;
}

void manual_rx_prepare(SSL_CTX *ctx)
{
	SSL_CTX_set_keylog_callback(ctx, keylog_cb);
}

/* HKDF-Expand-Label with an empty context (RFC 8446 7.1). */
static void expand_label(const EVP_MD *md, const char *label,
			 unsigned char *out, size_t len)
{
	unsigned char info[2 + 1 + 255 + 1];
	size_t ll = strlen("tls13 ") + strlen(label), n = 0;
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);

	info[n++] = len >> 8;
	info[n++] = len;
	info[n++] = ll;
	memcpy(info + n, "tls13 ", 6);
	memcpy(info + n + 6, label, strlen(label));
	n += ll;
	info[n++] = 0;		/* empty context */
	if (!pctx || EVP_PKEY_derive_init(pctx) <= 0 ||
	    EVP_PKEY_CTX_set_hkdf_mode(pctx,
				       EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) <= 0 ||
	    EVP_PKEY_CTX_set_hkdf_md(pctx, md) <= 0 ||
	    EVP_PKEY_CTX_set1_hkdf_key(pctx, peer_secret,
				       peer_secret_len) <= 0 ||
	    EVP_PKEY_CTX_add1_hkdf_info(pctx, info, n) <= 0 ||
	    EVP_PKEY_derive(pctx, out, &len) <= 0)
		die("HKDF-Expand-Label(%s) failed", label);
	EVP_PKEY_CTX_free(pctx);
}

/* OpenSSL's TLS 1.3 cipher suites the kernel has, as TLS_CIPHER_* */
static const struct {
	const char *suite;
	int cipher;
} suites[] = {
	{ "TLS_AES_128_GCM_SHA256", TLS_CIPHER_AES_GCM_128 },
	{ "TLS_AES_256_GCM_SHA384", TLS_CIPHER_AES_GCM_256 },
	{ "TLS_AES_128_CCM_SHA256", TLS_CIPHER_AES_CCM_128 },
	{ "TLS_CHACHA20_POLY1305_SHA256", TLS_CIPHER_CHACHA20_POLY1305 },
};

void manual_rx_install(SSL *ssl, int fd, struct manual_rx *m)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const char *name = SSL_CIPHER_get_name(c);
	const EVP_MD *md = SSL_CIPHER_get_handshake_digest(c);
	const struct ktls_cipher *kc = NULL;
	unsigned char key[32], iv[12];
	socklen_t ulen;
	char ulp[16] = "";
	size_t i;

	if (SSL_version(ssl) != TLS1_3_VERSION)
		die("--manual-rx is for TLS 1.3 (OpenSSL offloads 1.2 RX itself)");
	if (!peer_secret_len || !md)
		die("no peer traffic secret from the key log callback");
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (!strcmp(name, suites[i].suite))
			kc = ktls_cipher(suites[i].cipher);
	if (!kc)
		die("--manual-rx: no kernel cipher for %s", name);
	expand_label(md, "key", key, kc->key);
	expand_label(md, "iv", iv, sizeof(iv));
	OPENSSL_cleanse(peer_secret, sizeof(peer_secret));

	/* OpenSSL attached the ULP only if it offloaded TX. */
	ulen = sizeof(ulp) - 1;
	if (getsockopt(fd, IPPROTO_TCP, TCP_ULP, ulp, &ulen) || strcmp(ulp, "tls"))
		if (ktls_ulp(fd))
			die("TCP_ULP tls: %s", strerror(errno));
	/* The 12-byte TLS 1.3 IV is the UAPI's salt then iv, or iv alone. */
	if (ktls_set_key(fd, TLS_RX, TLS_1_3_VERSION, kc->type, key,
			 iv + kc->salt, iv, NULL))
		die("setsockopt TLS_RX: %s", strerror(errno));
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(iv, sizeof(iv));
	memset(m, 0, offsetof(struct manual_rx, buf));
	m->fd = fd;
	say("installed TLS 1.3 receive key (%s) in the kernel ourselves", name);
}

/* Read one record into m->buf; returns its type. */
static int read_record(struct manual_rx *m)
{
	char cbuf[CMSG_SPACE(sizeof(unsigned char))];
	struct iovec iov = { m->buf, sizeof(m->buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int type = REC_DATA;
	ssize_t n;

	do {
		n = recvmsg(m->fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("kernel TLS recvmsg: %s", strerror(errno));
	if (n == 0)
		die("peer closed the connection without close_notify");
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_level == SOL_TLS &&
	    cm->cmsg_type == TLS_GET_RECORD_TYPE)
		type = *CMSG_DATA(cm);
	m->off = 0;
	m->len = n;
	return type;
}

/*
 * Returns 1 with data in m->buf, 0 after close_notify.  Post-handshake
 * NewSessionTickets are skipped (we never resume); anything else that is
 * not application data ends the test: a KeyUpdate would need new keys.
 */
static int fill(struct manual_rx *m)
{
	for (;;) {
		int type = read_record(m);

		if (type == REC_DATA) {
			m->data_records++;
			return 1;
		}
		if (type == REC_HANDSHAKE && m->buf[0] == HS_NEW_SESSION_TICKET) {
			m->tickets++;
			m->len = 0;
			continue;
		}
		if (type == REC_ALERT && m->len == 2 && m->buf[1] == 0) {
			m->closed = 1;
			m->len = 0;
			return 0;
		}
		die("unexpected record type %d (%zu bytes, first byte %u)", type,
		    m->len, m->buf[0]);
	}
}

size_t manual_rx_read(struct manual_rx *m, void *buf, size_t len)
{
	size_t n;

	if (m->off == m->len && (m->closed || !fill(m)))
		die("close_notify while data was expected");
	n = m->len - m->off;
	if (n > len)
		n = len;
	memcpy(buf, m->buf + m->off, n);
	m->off += n;
	return n;
}

void manual_rx_wait_close(struct manual_rx *m)
{
	if (m->off != m->len || (!m->closed && fill(m)))
		die("unexpected data after the last phase");
	say("kernel received %llu data records, skipped %llu session tickets, then close_notify",
	    (unsigned long long)m->data_records,
	    (unsigned long long)m->tickets);
}
