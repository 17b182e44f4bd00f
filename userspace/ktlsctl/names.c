// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl names: verdicts and directions as the command line spells them,
 * TLS versions, ciphers and configurations as `ss -tie` prints them, so
 * that the two tools agree on a socket.
 */
#include <stdio.h>
#include <string.h>

#include <linux/ktls.h>

#include "compiler.h"
#include "ktlsctl.h"

static const char *const verdicts[] = {
	[KTLS_VERDICT_DEFAULT]		= "default",
	[KTLS_VERDICT_SW]		= "software",
	[KTLS_VERDICT_DEVICE]		= "device",
	[KTLS_VERDICT_DEVICE_ONLY]	= "device-only",
	[KTLS_VERDICT_DENY]		= "deny",
};

const char *verdict_name(unsigned int v)
{
	return v < ARRAY_SIZE(verdicts) ? verdicts[v] : "invalid";
}

int verdict_parse(const char *s)
{
	unsigned int v;

	for (v = 0; v < ARRAY_SIZE(verdicts); v++)
		if (!strcmp(s, verdicts[v]))
			return v;
	return -1;
}

/* ktls_rule.dirs: 0 and TX|RX both mean both */
const char *dir_name(unsigned int dirs)
{
	switch (dirs) {
	case KTLS_DIR_TX:
		return "tx";
	case KTLS_DIR_RX:
		return "rx";
	}
	return "both";
}

int dir_parse(const char *s)
{
	if (!strcmp(s, "tx"))
		return KTLS_DIR_TX;
	if (!strcmp(s, "rx"))
		return KTLS_DIR_RX;
	if (!strcmp(s, "both"))
		return 0;
	return -1;
}

/* TLS_INFO_TXCONF / TLS_INFO_RXCONF values */
const char *conf_name(unsigned int conf)
{
	switch (conf) {
	case TLS_CONF_BASE:
		return "none";
	case TLS_CONF_SW:
		return "sw";
	case TLS_CONF_HW:
		return "hw";
	case TLS_CONF_HW_RECORD:
		return "hw-record";
	}
	return "unknown";
}

const char *version_name(unsigned int version)
{
	switch (version) {
	case TLS_1_0_VERSION:
		return "1.0";
	case TLS_1_1_VERSION:
		return "1.1";
	case TLS_1_2_VERSION:
		return "1.2";
	case TLS_1_3_VERSION:
		return "1.3";
	}
	return NULL;
}

static const struct {
	unsigned int type;
	const char *name;
} ciphers[] = {
	{ TLS_CIPHER_AES_GCM_128, "aes-gcm-128" },
	{ TLS_CIPHER_AES_GCM_256, "aes-gcm-256" },
	{ TLS_CIPHER_AES_CCM_128, "aes-ccm-128" },
	{ TLS_CIPHER_CHACHA20_POLY1305, "chacha20-poly1305" },
	{ TLS_CIPHER_SM4_GCM, "sm4-gcm" },
	{ TLS_CIPHER_SM4_CCM, "sm4-ccm" },
	/* 6.2's ARIA (57, 58): not in 6.1's <linux/tls.h> */
	{ 57, "aria-gcm-128" },
	{ 58, "aria-gcm-256" },
	/* ktls.ko's CBC suites (<linux/ktls.h>) */
	{ TLS_CIPHER_AES_CBC_128_SHA1, "aes-cbc-128-sha1" },
	{ TLS_CIPHER_AES_CBC_256_SHA1, "aes-cbc-256-sha1" },
	{ TLS_CIPHER_AES_CBC_128_SHA256, "aes-cbc-128-sha256" },
	{ TLS_CIPHER_AES_CBC_256_SHA256, "aes-cbc-256-sha256" },
	{ TLS_CIPHER_AES_CBC_128_SHA384, "aes-cbc-128-sha384" },
	{ TLS_CIPHER_AES_CBC_256_SHA384, "aes-cbc-256-sha384" },
};

/* @buf holds the number of a cipher this table does not know */
const char *cipher_name(unsigned int cipher, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++)
		if (ciphers[i].type == cipher)
			return ciphers[i].name;
	snprintf(buf, len, "%u", cipher);
	return buf;
}
