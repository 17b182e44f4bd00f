// SPDX-License-Identifier: GPL-2.0
/* Kernel TLS key installation and the cipher table; see ktls_setup.h. */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/ktls.h>

#include "compiler.h"
#include "ktls_setup.h"

#define CIPHER(n) { TLS_CIPHER_##n, #n, TLS_CIPHER_##n##_KEY_SIZE, \
		    TLS_CIPHER_##n##_IV_SIZE, TLS_CIPHER_##n##_SALT_SIZE }

static const struct ktls_cipher ciphers[] = {
	CIPHER(AES_GCM_128),
	CIPHER(AES_GCM_256),
	CIPHER(AES_CCM_128),
	CIPHER(CHACHA20_POLY1305),
	CIPHER(SM4_GCM),
	CIPHER(SM4_CCM),
	CIPHER(ARIA_GCM_128),
	CIPHER(ARIA_GCM_256),
};

const struct ktls_cipher *ktls_cipher(int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++)
		if (ciphers[i].type == type)
			return &ciphers[i];
	return NULL;
}

const char *ktls_cipher_name(int type)
{
	const struct ktls_cipher *c = ktls_cipher(type);

	if (!type)
		return "-";
	return c ? c->name : "other";
}

int ktls_ulp(int fd)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"));
}

int ktls_set_key(int fd, int opt, uint16_t version, uint16_t cipher,
		 const void *key, const void *iv, const void *salt,
		 const void *rec_seq)
{
	const struct ktls_cipher *c = ktls_cipher(cipher);
	unsigned char buf[128] = { 0 };
	struct tls_crypto_info *ci = (void *)buf;
	size_t off = sizeof(*ci);
	int ret;

	if (!c) {
		errno = EINVAL;
		return -1;
	}
	ci->version = version;
	ci->cipher_type = cipher;
	memcpy(buf + off, iv, c->iv);
	off += c->iv;
	memcpy(buf + off, key, c->key);
	off += c->key;
	if (c->salt)
		memcpy(buf + off, salt, c->salt);
	off += c->salt;
	if (rec_seq)
		memcpy(buf + off, rec_seq, TLS_CIPHER_AES_GCM_128_REC_SEQ_SIZE);
	off += TLS_CIPHER_AES_GCM_128_REC_SEQ_SIZE;
	ret = setsockopt(fd, SOL_TLS, opt, buf, off);
	memset(buf, 0, sizeof(buf));
	return ret;
}
