// SPDX-License-Identifier: GPL-2.0
/*
 * Raw kernel AEAD throughput through AF_ALG, for the bound: one
 * encryption per record-sized buffer with a 13-byte AAD (as TLS 1.2
 * uses), in a loop for a fixed time. Also reports which implementation
 * /proc/crypto says serves an algorithm (highest priority instance).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <linux/if_alg.h>
#include "bench.h"

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

/* Best driver for an algorithm name, "?" when /proc/crypto lacks it. */
static void crypto_driver(const char *alg, char *out, size_t outlen)
{
	char line[256], name[128] = "", drv[128] = "", k[64], v[128];
	int prio = -1, best = -1;
	FILE *f = fopen("/proc/crypto", "r");

	snprintf(out, outlen, "?");
	if (!f)
		return;
	for (;;) {
		char *got = fgets(line, sizeof(line), f);

		if (!got || line[0] == '\n') {
			if (!strcmp(name, alg) && prio > best) {
				best = prio;
				snprintf(out, outlen, "%s(prio %d)", drv, prio);
			}
			name[0] = drv[0] = 0;
			prio = -1;
			if (!got)
				break;
			continue;
		}
		if (sscanf(line, "%63s : %127s", k, v) != 2)
			continue;
		if (!strcmp(k, "name"))
			snprintf(name, sizeof(name), "%s", v);
		else if (!strcmp(k, "driver"))
			snprintf(drv, sizeof(drv), "%s", v);
		else if (!strcmp(k, "priority"))
			prio = atoi(v);
	}
	fclose(f);
}

int run_crypto_info(void)
{
	static const char * const algs[] = {
		"gcm(aes)", "rfc7539(chacha20,poly1305)", "aes", "ghash",
		"chacha20", "poly1305", "ctr(aes)",
	};
	char d[200];
	unsigned int i;

	printf("{\"test\":\"crypto\"");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		crypto_driver(algs[i], d, sizeof(d));
		printf(",\"%s\":\"%s\"", algs[i], d);
	}
	printf("}\n");
	return 0;
}

/* The first AF_ALG result must equal OpenSSL's for the same input. */
static void aead_verify(const struct opts *o, const struct dirkey *k,
			const u8 *nonce, const u8 *in, size_t n, const u8 *out)
{
	const EVP_CIPHER *c = o->cfg.cipher == CIPH_CHACHA ?
		EVP_chacha20_poly1305() : EVP_aes_128_gcm();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	u8 *exp = malloc(n + REC_TAG);
	int l;

	if (!ctx || !exp ||
	    EVP_EncryptInit_ex(ctx, c, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, k->key, nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &l, in, 13) != 1 ||
	    EVP_EncryptUpdate(ctx, exp, &l, in + 13, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, exp + l, &l) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, REC_TAG,
				exp + n) != 1)
		die("OpenSSL reference encryption failed");
	if (memcmp(exp, out + 13, n + REC_TAG))
		die("AF_ALG output differs from OpenSSL's");
	EVP_CIPHER_CTX_free(ctx);
	free(exp);
}

int run_aead(const struct opts *o)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "aead" };
	const char *alg = o->cfg.cipher == CIPH_CHACHA ?
		"rfc7539(chacha20,poly1305)" : "gcm(aes)";
	char cbuf[CMSG_SPACE(4) + CMSG_SPACE(4 + 12) + CMSG_SPACE(4)];
	size_t n = o->size, inlen = 13 + n, outlen = 13 + n + REC_TAG;
	struct dirkey k;
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	struct af_alg_iv *iv;
	struct iovec io;
	u8 *in, *out;
	double t0, c0, end, secs;
	u64 ops = 0;
	int tfm, op;
	char drv[200];

	bench_keys(0, &o->cfg, &k);
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", alg);
	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		die("AF_ALG socket: %s", strerror(errno));
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)))
		die("AF_ALG bind %s: %s", alg, strerror(errno));
	if (setsockopt(tfm, SOL_ALG, ALG_SET_KEY, k.key,
		       o->cfg.cipher == CIPH_CHACHA ? 32 : 16) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, REC_TAG))
		die("AF_ALG key: %s", strerror(errno));
	op = accept(tfm, NULL, 0);
	if (op < 0)
		die("AF_ALG accept: %s", strerror(errno));
	in = calloc(1, inlen);
	out = malloc(outlen);
	if (!in || !out)
		die("out of memory");
	pat_fill(in + 13, n, 0, 0);

	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(4);
	*(uint32_t *)CMSG_DATA(c) = ALG_OP_ENCRYPT;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(4 + 12);
	iv = (struct af_alg_iv *)CMSG_DATA(c);
	iv->ivlen = 12;
	memcpy(iv->iv, k.iv, 12);
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
	c->cmsg_len = CMSG_LEN(4);
	*(uint32_t *)CMSG_DATA(c) = 13;
	io.iov_base = in;
	io.iov_len = inlen;
	msg.msg_iov = &io;
	msg.msg_iovlen = 1;

	/* One checked operation first, outside the timed loop. */
	if (sendmsg(op, &msg, 0) != (ssize_t)inlen ||
	    read(op, out, outlen) != (ssize_t)outlen)
		die("AF_ALG %s: %s", alg, strerror(errno));
	aead_verify(o, &k, iv->iv, in, n, out);

	c0 = cpu_self();
	t0 = now();
	end = t0 + o->secs;
	do {
		/* A new nonce per record, as TLS does. */
		memcpy(iv->iv + 4, &ops, 8);
		if (sendmsg(op, &msg, 0) != (ssize_t)inlen)
			die("AF_ALG sendmsg: %s", strerror(errno));
		if (read(op, out, outlen) != (ssize_t)outlen)
			die("AF_ALG read: %s", strerror(errno));
		ops++;
	} while (now() < end);
	secs = now() - t0;
	crypto_driver(alg, drv, sizeof(drv));
	json_head(o);
	printf(",\"alg\":\"%s\",\"driver\":\"%s\",\"bytes\":%llu,"
	       "\"secs\":%.6f,\"mbps\":%.3f,\"cpu_s\":%.6f}\n",
	       alg, drv, (unsigned long long)(ops * n), secs,
	       ops * n / secs / 1e6, cpu_self() - c0);
	close(op);
	close(tfm);
	free(in);
	free(out);
	return 0;
}
