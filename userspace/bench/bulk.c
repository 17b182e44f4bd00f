// SPDX-License-Identifier: GPL-2.0
/*
 * Bulk transfer over one connection, loopback or (--netns) across a
 * device pair: the parent receives, a forked child sends for a fixed time
 * (or until a byte cap).
 *
 *   mode      sender (client end)              receiver (server end)
 *   tx        kernel TLS_TX / OpenSSL records   reads ciphertext (TCP)
 *   rx        precomputed records (TCP)         kernel TLS_RX / OpenSSL
 *   txrx      kernel TLS_TX / OpenSSL records   kernel TLS_RX / OpenSSL
 *   sendfile  sendfile() under TLS_TX /         reads ciphertext (TCP)
 *             pread + OpenSSL records
 *
 * With the plain TCP provider the sender writes the pattern and the
 * receiver checks it. Every receiver checks what it got (see stream.c
 * and pattern.c) and the byte count against what the sender reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define RBUF	(256 * 1024)

enum sender { S_PLAIN, S_OSSL, S_RECORDS, S_FILE, S_OSSL_FILE };
enum receiver { R_PLAIN, R_CIPHER, R_OSSL };

struct child_res {
	double cpu;
	u64 sent;
	int err;
	char msg[160];
};

struct src {
	const u8 *map;		/* precomputed records or file contents */
	size_t len;
	int fd;
};

static int is_mode(const struct opts *o, const char *m)
{
	return !strcmp(o->mode, m);
}

/* Set the block counters of an aligned pattern buffer for offset off. */
static void pat_counters(u8 *buf, size_t len, u64 off)
{
	size_t b;

	for (b = 0; b < len; b += PAT_BLOCK) {
		u64 k = (off + b) / PAT_BLOCK;

		memcpy(buf + b, &k, 8);	/* little-endian host */
	}
}

/* Precomputed records for bulk RX: made once per configuration. */
static int records_file(const struct opts *o, struct src *s)
{
	char path[512], tmp[520];
	size_t n = o->max_bytes / o->size, rl = o->size + rec_overhead(&o->cfg);
	size_t i;
	struct rcrypt rc;
	struct stat st;
	u8 *pt, *rec;
	FILE *f;

	snprintf(path, sizeof(path), "%s/rec-v%d-%s-%zu-%zu.bin", o->file,
		 o->cfg.ver, cipher_name(o->cfg.cipher), o->size, n);
	if (stat(path, &st) || (size_t)st.st_size != n * rl) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		f = fopen(tmp, "w");
		if (!f)
			die("cannot create %s: %s", tmp, strerror(errno));
		pt = malloc(o->size);
		rec = malloc(REC_MAX);
		if (!pt || !rec || rc_init(&rc, &o->cfg, 0, 1))
			die("record generator setup failed");
		for (i = 0; i < n; i++) {
			pat_fill(pt, o->size, (u64)i * o->size, 0);
			if (fwrite(rec, 1, rc_seal(&rc, pt, o->size, rec), f) !=
			    rl)
				die("write %s: %s", tmp, strerror(errno));
		}
		rc_free(&rc);
		free(pt);
		free(rec);
		if (fclose(f) || rename(tmp, path))
			die("cannot write %s", path);
	}
	s->fd = open(path, O_RDONLY);
	if (s->fd < 0)
		die("open %s: %s", path, strerror(errno));
	s->len = n * rl;
	s->map = mmap(NULL, s->len, PROT_READ, MAP_SHARED | MAP_POPULATE,
		      s->fd, 0);
	if (s->map == MAP_FAILED)
		die("mmap %s: %s", path, strerror(errno));
	return 0;
}

/* The sendfile source: pattern data with period = file size, cached. */
static void pattern_file(const struct opts *o, struct src *s)
{
	size_t len = o->max_bytes / PAT_BLOCK * PAT_BLOCK, off;
	char path[512];
	struct stat st;
	u8 *buf;
	int fd;

	if (len > 16 << 20)
		len = 16 << 20;
	snprintf(path, sizeof(path), "%s/pattern-%zu.bin", o->file, len);
	if (stat(path, &st) || (size_t)st.st_size != len) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		buf = malloc(len);
		if (fd < 0 || !buf)
			die("cannot create %s: %s", path, strerror(errno));
		pat_fill(buf, len, 0, len);
		if (write_full(fd, buf, len) || close(fd))
			die("write %s failed", path);
		free(buf);
	}
	s->fd = open(path, O_RDONLY);
	if (s->fd < 0)
		die("open %s: %s", path, strerror(errno));
	s->len = len;
	/* Pull it into the page cache before timing. */
	buf = malloc(1 << 20);
	for (off = 0; buf && off < len; off += 1 << 20)
		if (pread(s->fd, buf, 1 << 20, off) < 0)
			break;
	free(buf);
}

static int do_send(const struct opts *o, enum sender sk, int fd,
		   struct src *s, u64 *sent)
{
	double end;
	size_t w = o->size, rl = w + rec_overhead(&o->cfg), chunk;
	u8 *buf = malloc(w), *rec = malloc(REC_MAX);
	struct rcrypt rc;
	off_t foff = 0;
	u64 off = 0;
	int err = 0;

	if (!buf || !rec)
		return -ENOMEM;
	if ((sk == S_OSSL || sk == S_OSSL_FILE) && rc_init(&rc, &o->cfg, 0, 1))
		return -EINVAL;
	pat_fill(buf, w, 0, 0);
	chunk = (65536 / rl ? 65536 / rl : 1) * rl;
	/* The clock starts after setup; at least one write always happens. */
	end = now() + o->secs;
	while (!err && off + w <= o->max_bytes && (!off || now() < end)) {
		switch (sk) {
		case S_PLAIN:
			pat_counters(buf, w, off);
			err = write_full(fd, buf, w);
			off += w;
			break;
		case S_OSSL:
			pat_counters(buf, w, off);
			err = write_full(fd, rec, rc_seal(&rc, buf, w, rec));
			off += w;
			break;
		case S_RECORDS: {
			size_t at = off / w * rl, n = chunk;

			if (at >= s->len)
				goto out;
			if (n > s->len - at)
				n = s->len - at;
			err = write_full(fd, s->map + at, n);
			off += n / rl * w;
			break;
		}
		case S_FILE: {
			ssize_t r;

			if ((size_t)foff == s->len)
				foff = 0;
			r = sendfile(fd, s->fd, &foff,
				     w < s->len - foff ? w : s->len - foff);
			if (r <= 0)
				err = r < 0 ? -errno : -EIO;
			else
				off += r;
			break;
		}
		case S_OSSL_FILE:
			if ((size_t)foff == s->len)
				foff = 0;
			if (pread(s->fd, buf, w, foff) != (ssize_t)w) {
				err = -EIO;
				break;
			}
			foff += w;
			err = write_full(fd, rec, rc_seal(&rc, buf, w, rec));
			off += w;
			break;
		}
	}
out:
	*sent = off;
	if (sk == S_OSSL || sk == S_OSSL_FILE)
		rc_free(&rc);
	free(buf);
	free(rec);
	return err;
}

static void sender_child(const struct opts *o, enum sender sk, int fd,
			 struct src *s, int go, int res)
{
	struct child_res cr = { 0 };
	double c0;
	char b;

	if (read(go, &b, 1) != 1)
		_exit(1);
	c0 = cpu_self();
	cr.err = do_send(o, sk, fd, s, &cr.sent);
	if (cr.err)
		snprintf(cr.msg, sizeof(cr.msg), "sender: %s",
			 strerror(-cr.err));
	shutdown(fd, SHUT_WR);
	/* Wait for the receiver to finish before tearing down. */
	while (read(fd, &b, 1) > 0)
		;
	cr.cpu = cpu_self() - c0;
	if (write(res, &cr, sizeof(cr)) != sizeof(cr))
		_exit(1);
	close_rst(fd);
	_exit(0);
}

static int do_recv(const struct opts *o, enum receiver rk, int fd,
		   u64 period, u64 *got, u64 *records, const char **what)
{
	struct rstream rs;
	u8 *buf = NULL;
	ssize_t r;
	u64 off = 0;
	int err = 0;

	*what = "receive";
	if (rk == R_PLAIN) {
		buf = malloc(RBUF);
		if (!buf)
			return -ENOMEM;
		/* Decrypted data is checked in full, raw TCP sampled. */
		while ((r = read(fd, buf, RBUF)) > 0) {
			if (pat_check(buf, r, off, period,
				      o->prov != PROV_TCP)) {
				*what = "plaintext check";
				err = -EIO;
				break;
			}
			off += r;
		}
		if (r < 0 && !err)
			err = -errno;
		free(buf);
		*got = off;
		*records = 0;
		return err;
	}
	if (rs_init(&rs, &o->cfg, 0, rk == R_OSSL ? 1 : 64, period))
		return -EINVAL;
	do {
		err = rs_feed(&rs, fd, &r);
	} while (!err && r > 0);
	if (!err && rs.have) {
		*what = "record stream";
		err = -EPIPE;	/* ended inside a record */
	} else if (err == -EBADMSG || err == -EIO) {
		*what = err == -EIO ? "plaintext check" : "record check";
	}
	*got = rs.pt_off;
	*records = rs.records;
	rs_free(&rs);
	return err;
}

/*
 * Over a device pair: where the kernel put each kTLS direction of this
 * flow, read from each namespace's tls_stat (the flow is the only one):
 * "device", "software" or "mixed" (one direction each way); NULL on
 * loopback.  Leaves the process in the receiver's namespace.
 */
static const char *bulk_path(const struct opts *o, int tx, int rx)
{
	int dev = 0, n = 0;

	if (!o->ns_snd || o->prov != PROV_KERNEL)
		return NULL;
	if (tx) {
		dev += tls_stat("TlsCurrTxDevice") > 0;
		n++;
	}
	enter_netns(o->ns_rcv);
	if (rx) {
		dev += tls_stat("TlsCurrRxDevice") > 0;
		n++;
	}
	return !dev ? "software" : dev == n ? "device" : "mixed";
}

int run_bulk(const struct opts *o)
{
	int tx = is_mode(o, "tx"), rx = is_mode(o, "rx");
	int txrx = is_mode(o, "txrx"), sf = is_mode(o, "sendfile");
	int lfd, port, cfd, sfd, go[2], res[2], err, status;
	struct src s = { .fd = -1 };
	struct child_res cr;
	enum receiver rk;
	enum sender sk;
	u64 got = 0, recs = 0, period = 0;
	double t0, t1, c0, c1;
	const char *what, *path;
	pid_t pid;

	if (!tx && !rx && !txrx && !sf)
		die("unknown bulk mode %s", o->mode);
	if (o->size % PAT_BLOCK || o->size > REC_MAX_PT)
		die("bulk size must be a multiple of %d up to %d", PAT_BLOCK,
		    REC_MAX_PT);
	if (o->prov == PROV_TCP && (rx || txrx))
		die("plain TCP has no rx/txrx figure");
	if (o->prov == PROV_OSSL) {
		sk = sf ? S_OSSL_FILE : rx ? S_RECORDS : S_OSSL;
		rk = rx || txrx ? R_OSSL : R_CIPHER;
	} else if (o->prov == PROV_KERNEL) {
		sk = sf ? S_FILE : rx ? S_RECORDS : S_PLAIN;
		rk = rx || txrx ? R_PLAIN : R_CIPHER;
	} else {
		sk = sf ? S_FILE : S_PLAIN;
		rk = R_PLAIN;
	}
	if (rx)
		records_file(o, &s);
	if (sf) {
		pattern_file(o, &s);
		period = s.len;
	}

	if (o->prov != PROV_TCP)
		rc_warm(&o->cfg);
	/*
	 * A socket stays in the namespace it was made in: the listener (and
	 * so the accepted receiver) in RCV, the connecting sender in SND.
	 */
	if (o->ns_rcv)
		enter_netns(o->ns_rcv);
	lfd = tcp_listen(o->addr, &port);
	if (o->ns_snd)
		enter_netns(o->ns_snd);
	if (lfd < 0 || tcp_pair(o->addr, lfd, port, &cfd, &sfd))
		die("connection to %s: %s", o->addr, strerror(errno));
	close(lfd);
	if (o->prov == PROV_KERNEL) {
		if (!rx && (ktls_ulp(cfd) || ktls_install(cfd, &o->cfg, 1, 0)))
			die("sender TLS_TX: %s", strerror(errno));
		if ((rx || txrx) &&
		    (ktls_ulp(sfd) || ktls_install(sfd, &o->cfg, 0, 0)))
			die("receiver TLS_RX: %s", strerror(errno));
	}
	path = bulk_path(o, !rx, rx || txrx);
	pid = fork_measured(go, res);
	if (!pid) {
		close(sfd);
		sender_child(o, sk, cfd, &s, go[0], res[1]);
	}
	close(cfd);

	c0 = cpu_self();
	t0 = now();
	if (write(go[1], "g", 1) != 1)
		die("pipe write failed");
	err = do_recv(o, rk, sfd, period, &got, &recs, &what);
	t1 = now();
	c1 = cpu_self();
	if (err) {
		kill(pid, SIGKILL);
		die("%s failed after %llu bytes: %s", what,
		    (unsigned long long)got, strerror(-err));
	}
	close_rst(sfd);
	if (read(res[0], &cr, sizeof(cr)) != sizeof(cr))
		die("sender died");
	waitpid(pid, &status, 0);
	if (cr.err)
		die("%s", cr.msg);
	if (cr.sent != got)
		die("sent %llu bytes but received %llu",
		    (unsigned long long)cr.sent, (unsigned long long)got);
	if (!got)
		die("nothing transferred");

	json_head(o);
	if (path)
		printf(",\"path\":\"%s\"", path);
	printf(",\"bytes\":%llu,\"secs\":%.6f,\"mbps\":%.3f,\"cpu_s\":%.6f,"
	       "\"cpu_s_per_gib\":%.4f,\"records\":%llu}\n",
	       (unsigned long long)got, t1 - t0, got / (t1 - t0) / 1e6,
	       (c1 - c0) + cr.cpu, ((c1 - c0) + cr.cpu) * (1 << 30) / got,
	       (unsigned long long)recs);
	return 0;
}
