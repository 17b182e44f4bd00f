// SPDX-License-Identifier: GPL-2.0
/*
 * core_sockopt: exact errnos of the SOL_TLS socket options and of the TX
 * entry points, as TAP lines. Run against ktls.ko, or with -k against the
 * kernel's tls.ko (then only the cases 6.1 has are run, which proves ktls
 * gives the same errno as tls.ko for each of them).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ktls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ktls_setup.h"
#include "net.h"
#include "../lib/tap.h"

static int tlsko;

static void check(const char *what, int ret, int want_errno)
{
	int got = ret < 0 ? errno : 0;

	if (ret >= 0 && want_errno == 0)
		tap_ok("%s", what);
	else if (ret < 0 && got == want_errno)
		tap_ok("%s (%s)", what, strerror(got));
	else
		tap_fail("%s: got %d %s, want %s", what, ret,
			 ret < 0 ? strerror(got) : "success",
			 want_errno ? strerror(want_errno) : "success");
}

static void pair(int *s, int *t)
{
	if (tcp_pair_loopback(s, t, 0))
		exit(2);
}

static struct tls12_crypto_info_aes_gcm_128 g128(int ver)
{
	struct tls12_crypto_info_aes_gcm_128 c;

	memset(&c, 0x33, sizeof(c));
	c.info.version = ver;
	c.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	return c;
}

static void t_setsockopt_conf(void)
{
	struct tls12_crypto_info_aes_gcm_128 c = g128(TLS_1_2_VERSION), r;
	struct tls12_crypto_info_aes_gcm_256 c256;
	struct tls12_crypto_info_sm4_gcm sm4;
	struct tls12_crypto_info_aria_gcm_128 aria;
	socklen_t len;
	int s, t, v;

	pair(&s, &t);
	check("TLS_TX before TCP_ULP: ENOPROTOOPT",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), ENOPROTOOPT);
	check("TCP_ULP tls", ktls_ulp(s), 0);
	check("TCP_ULP twice: EEXIST", ktls_ulp(s), EEXIST);
	check("TLS_TX NULL optval: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, NULL, sizeof(c)), EINVAL);
	check("TLS_TX optlen 2: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, 2), EINVAL);
	c.info.version = 0x0302;
	check("TLS_TX version 1.1: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), EINVAL);
	c.info.version = TLS_1_2_VERSION;
	c.info.cipher_type = 99;
	check("TLS_TX unknown cipher: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), EINVAL);
	c.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	check("TLS_TX short length: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c) - 1), EINVAL);
	check("TLS_TX long length: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c) + 1), EINVAL);
	memset(&sm4, 0x11, sizeof(sm4));
	sm4.info.version = TLS_1_3_VERSION;
	sm4.info.cipher_type = TLS_CIPHER_SM4_GCM;
	check("TLS_TX SM4-GCM (not in this kernel): ENOENT",
	      setsockopt(s, SOL_TLS, TLS_TX, &sm4, sizeof(sm4)), ENOENT);
	memset(&aria, 0x11, sizeof(aria));
	aria.info.version = TLS_1_3_VERSION;
	aria.info.cipher_type = TLS_CIPHER_ARIA_GCM_128;
	check("TLS_TX ARIA with TLS 1.3: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &aria, sizeof(aria)), EINVAL);
	aria.info.version = TLS_1_2_VERSION;
	check("TLS_TX ARIA-GCM-128 (not in this kernel): ENOENT",
	      setsockopt(s, SOL_TLS, TLS_TX, &aria, sizeof(aria)), ENOENT);
	len = sizeof(r);
	check("getsockopt TLS_TX before set: EBUSY",
	      getsockopt(s, SOL_TLS, TLS_TX, &r, &len), EBUSY);
	check("unknown SOL_TLS option: ENOPROTOOPT",
	      setsockopt(s, SOL_TLS, 77, &c, sizeof(c)), ENOPROTOOPT);
	check("TLS_TX AES-GCM-128 TLS 1.2",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), 0);
	check("TLS_TX again on TLS 1.2: EBUSY",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), EBUSY);
	memset(&c256, 0, sizeof(c256));
	c256.info.version = TLS_1_2_VERSION;
	c256.info.cipher_type = TLS_CIPHER_AES_GCM_256;
	check("TLS_RX other cipher than TX: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_RX, &c256, sizeof(c256)), EINVAL);
	c = g128(TLS_1_3_VERSION);
	check("TLS_RX other version than TX: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_RX, &c, sizeof(c)), EINVAL);

	len = 2;
	check("getsockopt TLS_TX len 2: EINVAL",
	      getsockopt(s, SOL_TLS, TLS_TX, &r, &len), EINVAL);
	len = sizeof(r) + 1;
	check("getsockopt TLS_TX wrong len: EINVAL",
	      getsockopt(s, SOL_TLS, TLS_TX, &r, &len), EINVAL);
	len = sizeof(struct tls_crypto_info);
	memset(&r, 0, sizeof(r));
	check("getsockopt TLS_TX header only",
	      getsockopt(s, SOL_TLS, TLS_TX, &r, &len), 0);
	len = sizeof(r);
	check("getsockopt TLS_TX full",
	      getsockopt(s, SOL_TLS, TLS_TX, &r, &len), 0);
	c = g128(TLS_1_2_VERSION);
	tap_result(!memcmp(&r, &c, sizeof(c)),
		   "getsockopt TLS_TX returns what was set");
	len = sizeof(r);
	check("getsockopt TLS_RX not set: EBUSY",
	      getsockopt(s, SOL_TLS, TLS_RX, &r, &len), EBUSY);
	v = 1;
	check("TLS_RX_EXPECT_NO_PAD on TLS 1.2: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, sizeof(v)), EINVAL);
	len = sizeof(v);
	check("getsockopt TLS_RX_EXPECT_NO_PAD on TLS 1.2: EINVAL",
	      getsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, &len), EINVAL);
	close(s);
	close(t);
}

static void t_zc_nopad(void)
{
	struct tls12_crypto_info_aes_gcm_128 c = g128(TLS_1_3_VERSION);
	unsigned int v;
	uint64_t big;
	socklen_t len;
	int s, t;

	pair(&s, &t);
	ktls_ulp(s);
	v = 1;
	check("TLS_TX_ZEROCOPY_RO optlen 8: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX_ZEROCOPY_RO, &big, 8), EINVAL);
	v = 2;
	check("TLS_TX_ZEROCOPY_RO value 2: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX_ZEROCOPY_RO, &v, sizeof(v)), EINVAL);
	v = 1;
	check("TLS_TX_ZEROCOPY_RO 1",
	      setsockopt(s, SOL_TLS, TLS_TX_ZEROCOPY_RO, &v, sizeof(v)), 0);
	v = 0;
	len = sizeof(v);
	check("getsockopt TLS_TX_ZEROCOPY_RO",
	      getsockopt(s, SOL_TLS, TLS_TX_ZEROCOPY_RO, &v, &len), 0);
	tap_result(v == 1, "TLS_TX_ZEROCOPY_RO reads back 1");
	len = 2;
	check("getsockopt TLS_TX_ZEROCOPY_RO len 2: EINVAL",
	      getsockopt(s, SOL_TLS, TLS_TX_ZEROCOPY_RO, &v, &len), EINVAL);

	check("TLS_TX TLS 1.3", setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), 0);
	v = 1;
	check("TLS_RX_EXPECT_NO_PAD without TLS_RX: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, sizeof(v)), EINVAL);
	check("TLS_RX TLS 1.3", setsockopt(s, SOL_TLS, TLS_RX, &c, sizeof(c)), 0);
	v = 2;
	check("TLS_RX_EXPECT_NO_PAD value 2: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, sizeof(v)), EINVAL);
	check("TLS_RX_EXPECT_NO_PAD optlen 2: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, 2), EINVAL);
	big = 1ULL << 40 | 1;
	check("TLS_RX_EXPECT_NO_PAD long with non-zero tail: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &big, 8), EINVAL);
	big = 1;
	check("TLS_RX_EXPECT_NO_PAD long zero-extended",
	      setsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &big, 8), 0);
	v = 0;
	len = sizeof(v);
	check("getsockopt TLS_RX_EXPECT_NO_PAD",
	      getsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, &len), 0);
	tap_result(v == 1, "TLS_RX_EXPECT_NO_PAD reads back 1");
	len = 2;
	check("getsockopt TLS_RX_EXPECT_NO_PAD len 2: EINVAL",
	      getsockopt(s, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, &len), EINVAL);
	close(s);
	close(t);
}

static void t_send_flags(void)
{
	struct tls12_crypto_info_aes_gcm_128 c = g128(TLS_1_2_VERSION);
	char buf[16] = "hello", cbuf[CMSG_SPACE(4)];
	struct iovec io = { buf, 5 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	int s, t;

	pair(&s, &t);
	ktls_ulp(s);
	check("connect(AF_UNSPEC) with ULP: EOPNOTSUPP",
	      connect(s, &sa, sizeof(sa)), EOPNOTSUPP);
	setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c));
	check("send MSG_OOB: EOPNOTSUPP", send(s, buf, 5, MSG_OOB), EOPNOTSUPP);
	check("send MSG_WAITALL: EOPNOTSUPP", send(s, buf, 5, MSG_WAITALL),
	      EOPNOTSUPP);
	m.msg_control = cbuf;
	m.msg_controllen = CMSG_SPACE(1);
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_TLS;
	cm->cmsg_type = TLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(cm) = 21;
	check("TLS_SET_RECORD_TYPE with MSG_MORE: EINVAL",
	      sendmsg(s, &m, MSG_MORE), EINVAL);
	cm->cmsg_type = 7;
	check("SOL_TLS cmsg of unknown type: EINVAL", sendmsg(s, &m, 0), EINVAL);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = 99;
	check("control data without a SOL_TLS cmsg: EINVAL",
	      sendmsg(s, &m, 0), EINVAL);
	cm->cmsg_level = SOL_TLS;
	cm->cmsg_type = TLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(0);
	check("TLS_SET_RECORD_TYPE without data byte: EINVAL",
	      sendmsg(s, &m, 0), EINVAL);
	cm->cmsg_len = CMSG_LEN(1);
	check("TLS_SET_RECORD_TYPE alert", sendmsg(s, &m, 0), 0);
	if (!tlsko) {
		check("send MSG_EOR|MSG_MORE: EINVAL",
		      send(s, buf, 5, MSG_EOR | MSG_MORE), EINVAL);
		check("send MSG_EOR", send(s, buf, 5, MSG_EOR), 0);
	}
	close(s);
	close(t);
}

static void t_newer(void)
{
	struct tls12_crypto_info_aes_gcm_128 c = g128(TLS_1_3_VERSION), r;
	struct tls12_crypto_info_aes_gcm_256 c256;
	char buf[100];
	socklen_t len;
	uint16_t v;
	int s, t, iv;

	pair(&s, &t);
	ktls_ulp(s);
	ktls_ulp(t);
	v = 1000;
	check("TLS_TX_MAX_PAYLOAD_LEN before TLS_TX",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, 2), 0);
	check("TLS_TX TLS 1.3", setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), 0);
	check("TLS_RX TLS 1.3 (peer)", setsockopt(t, SOL_TLS, TLS_RX, &c, sizeof(c)), 0);
	v = 62;
	check("TLS_TX_MAX_PAYLOAD_LEN 62 on 1.3: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, 2), EINVAL);
	v = 63;
	check("TLS_TX_MAX_PAYLOAD_LEN 63 on 1.3",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, 2), 0);
	v = 16385;
	check("TLS_TX_MAX_PAYLOAD_LEN 16385: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, 2), EINVAL);
	iv = 4096;
	check("TLS_TX_MAX_PAYLOAD_LEN optlen 4: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &iv, 4), EINVAL);
	v = 16384;
	check("TLS_TX_MAX_PAYLOAD_LEN 16384",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, 2), 0);
	v = 0;
	len = 1;
	check("getsockopt TLS_TX_MAX_PAYLOAD_LEN len 1: EINVAL",
	      getsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, &len), EINVAL);
	len = 8;
	check("getsockopt TLS_TX_MAX_PAYLOAD_LEN",
	      getsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, &len), 0);
	tap_result(v == 16384 && len == 2,
		   "TLS_TX_MAX_PAYLOAD_LEN reads back 16384, optlen 2");
	check("send MSG_MORE (open record)", send(s, "abc", 3, MSG_MORE), 0);
	v = 100;
	check("TLS_TX_MAX_PAYLOAD_LEN with open record: EBUSY",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, 2), EBUSY);
	check("send closes record", send(s, "def", 3, 0), 0);
	check("TLS_TX_MAX_PAYLOAD_LEN after record closed",
	      setsockopt(s, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, 2), 0);
	iv = recv(t, buf, sizeof(buf), MSG_DONTWAIT);
	if (iv == 6 && !memcmp(buf, "abcdef", 6))
		tap_ok("MSG_MORE data arrives in one record");
	else
		tap_fail("MSG_MORE data arrives in one record (recv %d %s)",
			 iv, iv < 0 ? strerror(errno) : "");

	/* rekey */
	c.key[0] ^= 1;
	check("TX rekey TLS 1.3", setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), 0);
	len = sizeof(r);
	getsockopt(s, SOL_TLS, TLS_TX, &r, &len);
	tap_result(!memcmp(&r, &c, sizeof(c)),
		   "getsockopt TLS_TX after rekey returns new key");
	c.info.version = TLS_1_2_VERSION;
	check("TX rekey changing version: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)), EINVAL);
	memset(&c256, 0, sizeof(c256));
	c256.info.version = TLS_1_3_VERSION;
	c256.info.cipher_type = TLS_CIPHER_AES_GCM_256;
	check("TX rekey changing cipher: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c256, sizeof(c256)), EINVAL);
	check("TX rekey wrong length: EINVAL",
	      setsockopt(s, SOL_TLS, TLS_TX, &c256, sizeof(c) - 1), EINVAL);
	close(s);
	close(t);
}

static void t_recseq_wrap(void)
{
	struct tls12_crypto_info_aes_gcm_128 c = g128(TLS_1_2_VERSION);
	int s, t;

	pair(&s, &t);
	ktls_ulp(s);
	memset(c.rec_seq, 0xff, sizeof(c.rec_seq));
	setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c));
	check("record sequence wrap: EBADMSG", send(s, "x", 1, 0), EBADMSG);
	check("socket stays failed: EBADMSG", send(s, "x", 1, 0), EBADMSG);
	close(s);
	close(t);
}

/* -h: keep a configured pair open (for ss -tie) until stdin closes */
static int hold(void)
{
	struct tls12_crypto_info_aes_gcm_128 c = g128(TLS_1_3_VERSION);
	unsigned int v = 1;
	char b;
	int s, t;

	pair(&s, &t);
	if (ktls_ulp(s) || ktls_ulp(t) ||
	    setsockopt(s, SOL_TLS, TLS_TX, &c, sizeof(c)) ||
	    setsockopt(s, SOL_TLS, TLS_TX_ZEROCOPY_RO, &v, sizeof(v)) ||
	    setsockopt(t, SOL_TLS, TLS_RX, &c, sizeof(c)) ||
	    setsockopt(t, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, sizeof(v))) {
		perror("hold setup");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, &b, 1) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	int s;

	if (argc > 1 && !strcmp(argv[1], "-h"))
		return hold();
	tlsko = argc > 1 && !strcmp(argv[1], "-k");
	s = socket(AF_INET, SOCK_STREAM, 0);
	check("TCP_ULP on unconnected socket: ENOTCONN", ktls_ulp(s), ENOTCONN);
	close(s);
	t_setsockopt_conf();
	t_zc_nopad();
	t_send_flags();
	if (!tlsko) {
		t_newer();
		t_recseq_wrap();
	}
	return tap_done();
}
