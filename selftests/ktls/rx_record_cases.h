/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rx_test cases of per-record receive (TLS_RX_RECORD, ktls.ko only):
 * included by rx_test.c, which has the sockets and the record codec.
 */

/* recvmsg with room for one TLS_GET_RECORD cmsg (or none: @ctl 0) */
static ssize_t recv_rec(void *buf, size_t len, int flags, int ctl,
			struct tls_get_record *r, int *mflags)
{
	char cbuf[CMSG_SPACE(sizeof(*r))];
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	if (ctl) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
	}
	memset(r, 0xff, sizeof(*r));
	n = recvmsg(fd_rx, &m, flags);
	*mflags = m.msg_flags;
	for (c = ctl ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_TLS && c->cmsg_type == TLS_GET_RECORD &&
		    c->cmsg_len == CMSG_LEN(sizeof(*r)))
			memcpy(r, CMSG_DATA(c), sizeof(*r));
	return n;
}

static void record_on(void)
{
	int one = 1;

	CHECK(!setsockopt(fd_rx, SOL_TLS, TLS_RX_RECORD, &one, sizeof(one)),
	      "TLS_RX_RECORD 1");
}

/* one record read whole: its bytes, cmsg, MSG_EOR */
static void expect_rec(const uint8_t *pt, int len, int type)
{
	static uint8_t got[MAX_PLAIN + 16];
	struct tls_get_record r;
	int fl;
	ssize_t n = recv_rec(got, sizeof(got), 0, 1, &r, &fl);

	CHECK(n == len && !memcmp(got, pt, len), "record of %d: got %zd", len, n);
	CHECK(r.tls_type == type && r.tls_vmajor == 3 && r.tls_vminor == 3 &&
	      ntohs(r.tls_length) == len,
	      "cmsg of the %d-byte record: type %d version %d.%d length %d",
	      len, r.tls_type, r.tls_vmajor, r.tls_vminor, ntohs(r.tls_length));
	CHECK((fl & MSG_EOR) && !(fl & MSG_CTRUNC), "flags 0x%x", fl);
}

/* Boundaries, types and lengths of records of many sizes, padding. */
static void t_record(const struct var *v)
{
	static uint8_t pt[MAX_PLAIN];
	static const int sizes[] = { 100, 2, MAX_PLAIN, 10, 1, 0, 3000, 17 };
	static const int types[] = { REC_DATA, REC_ALERT, REC_DATA, REC_HS,
				     REC_DATA, REC_DATA, REC_DATA, REC_DATA };
	bool tls13 = v->version == TLS_1_3_VERSION;
	struct keys k;
	unsigned int i;

	setup(&k, v);
	record_on();
	fill(pt, sizeof(pt), 7);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		send_rec(&k, types[i], pt, sizes[i],
			 tls13 && sizes[i] < 1000 ? 20 : 0);
	usleep(100000);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (!sizes[i])
			continue;	/* an empty data record is skipped */
		expect_rec(pt, sizes[i], types[i]);
	}
	expect_eagain();
}

/* A buffer smaller than the record, MSG_PEEK, no cmsg room, toggling. */
static void t_record_small(const struct var *v)
{
	uint8_t pt[5000], got[6000];
	struct tls_get_record r;
	struct keys k;
	socklen_t ol = sizeof(int);
	int fl, val = -1, two = 2, zero = 0;
	ssize_t n;

	setup(&k, v);
	CHECK(!getsockopt(fd_rx, SOL_TLS, TLS_RX_RECORD, &val, &ol) && !val,
	      "TLS_RX_RECORD is 0 by default (%d)", val);
	CHECK(setsockopt(fd_rx, SOL_TLS, TLS_RX_RECORD, &two, sizeof(two)) &&
	      errno == EINVAL, "TLS_RX_RECORD 2: EINVAL");
	record_on();
	ol = sizeof(int);
	CHECK(!getsockopt(fd_rx, SOL_TLS, TLS_RX_RECORD, &val, &ol) && val == 1,
	      "TLS_RX_RECORD reads 1 (%d)", val);
	fill(pt, sizeof(pt), 3);
	send_rec(&k, REC_DATA, pt, 5000, 0);
	send_rec(&k, REC_DATA, pt, 100, 0);
	send_rec(&k, REC_DATA, pt + 100, 100, 0);
	send_rec(&k, REC_DATA, pt + 200, 100, 0);
	usleep(100000);

	n = recv_rec(got, 1000, 0, 1, &r, &fl);
	CHECK(n == 1000 && !memcmp(got, pt, n) && ntohs(r.tls_length) == 5000 &&
	      !(fl & MSG_EOR), "first 1000 of 5000: %zd, length %d, flags 0x%x",
	      n, ntohs(r.tls_length), fl);
	n = recv_rec(got, sizeof(got), MSG_PEEK, 1, &r, &fl);
	CHECK(n == 4000 && !memcmp(got, pt + 1000, n) && (fl & MSG_EOR) &&
	      ntohs(r.tls_length) == 5000, "peek the rest: %zd, flags 0x%x", n, fl);
	n = recv_rec(got, 3000, 0, 1, &r, &fl);
	CHECK(n == 3000 && !memcmp(got, pt + 1000, n) && !(fl & MSG_EOR),
	      "next 3000: %zd, flags 0x%x", n, fl);
	n = recv_rec(got, sizeof(got), 0, 1, &r, &fl);
	CHECK(n == 1000 && !memcmp(got, pt + 4000, n) && (fl & MSG_EOR) &&
	      r.tls_type == REC_DATA, "last 1000 with MSG_EOR: %zd, flags 0x%x", n, fl);
	/* one record per call, even with room for three */
	n = recv_rec(got, sizeof(got), 0, 0, &r, &fl);
	CHECK(n == 100 && !memcmp(got, pt, n) && (fl & MSG_CTRUNC) && (fl & MSG_EOR),
	      "no cmsg room: one record, MSG_CTRUNC (%zd, flags 0x%x)", n, fl);
	/* stream mode again: the two records left join one read */
	CHECK(!setsockopt(fd_rx, SOL_TLS, TLS_RX_RECORD, &zero, sizeof(zero)),
	      "TLS_RX_RECORD 0");
	n = recv(fd_rx, got, sizeof(got), 0);
	CHECK(n == 200 && !memcmp(got, pt + 100, n), "stream mode: 200 in one read (%zd)", n);
	expect_eagain();
}

/* recv's -1 with @err in per-record mode */
static void expect_rec_err(int err, const char *what)
{
	static uint8_t got[MAX_PLAIN];
	struct tls_get_record r;
	ssize_t n;
	int fl;

	errno = 0;
	n = recv_rec(got, sizeof(got), 0, 1, &r, &fl);
	CHECK(n == -1 && errno == err, "%s: %zd, errno %d, want %d", what, n,
	      errno, err);
}

/* FreeBSD's errnos, each on a fresh flow. */
static void t_record_errs(const struct var *v)
{
	static uint8_t rec[MAX_PLAIN + 512], pt[100];
	uint8_t hdr[5 + 64] = { REC_DATA, 3, 3 };
	bool tls13 = v->version == TLS_1_3_VERSION;
	int over = 16 + (!tls13 && v->cipher != TLS_CIPHER_CHACHA20_POLY1305 ? 8 : 0);
	int len = MAX_PLAIN + over + tls13 + 1;
	struct keys k;
	int n;

	/* a length above the largest record: EMSGSIZE */
	setup(&k, v);
	record_on();
	hdr[3] = len >> 8;
	hdr[4] = len & 0xff;
	send_all(fd_tx, hdr, sizeof(hdr));
	expect_rec_err(EMSGSIZE, "oversized record");

	/* a length below the cipher's overhead: EMSGSIZE (stream: EBADMSG) */
	setup(&k, v);
	record_on();
	hdr[3] = 0;
	hdr[4] = 15;
	send_all(fd_tx, hdr, 5 + 15);
	expect_rec_err(EMSGSIZE, "record shorter than its overhead");

	/* another version: EINVAL */
	setup(&k, v);
	record_on();
	n = build_record(&k, REC_DATA, pt, sizeof(pt), 0, rec);
	rec[2] = 4;
	send_all(fd_tx, rec, n);
	expect_rec_err(EINVAL, "bad minor version");

	/* a broken tag: EBADMSG */
	setup(&k, v);
	record_on();
	n = build_record(&k, REC_DATA, pt, sizeof(pt), 0, rec);
	rec[n - 1] ^= 1;
	send_all(fd_tx, rec, n);
	expect_rec_err(EBADMSG, "bad tag");

	/* the end of the stream inside a record: EMSGSIZE */
	setup(&k, v);
	record_on();
	n = build_record(&k, REC_DATA, pt, sizeof(pt), 0, rec);
	send_all(fd_tx, rec, n / 2);
	shutdown(fd_tx, SHUT_WR);
	usleep(50000);
	expect_rec_err(EMSGSIZE, "end of stream inside a record");

	/* TLS 1.3: an outer type other than 23 is EINVAL */
	if (tls13) {
		setup(&k, v);
		record_on();
		n = build_record(&k, REC_DATA, pt, sizeof(pt), 0, rec);
		rec[0] = 24;
		send_all(fd_tx, rec, n);
		expect_rec_err(EINVAL, "TLS 1.3 outer type 24");
	}
}
