// SPDX-License-Identifier: GPL-2.0
/*
 * Record fuzzer for the kernel TLS receive path.
 *
 * Each stream is a fresh loopback pair: a raw TCP sender writes records
 * built here with OpenSSL (rx_records.h), valid ones and at most one bad
 * one, cut at random byte boundaries; the receiver has TLS_RX set and is
 * read with random-sized recv (plain, MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT
 * after poll) and splice. A reference model, the same records decoded in
 * userspace, predicts the outcome: every byte of every good record before
 * the bad one, each read of one record type only, then the errno the bad
 * record gives (or end of stream when the stream was cut short). Anything
 * else is a divergence: the seed, the stream number and the record list
 * are printed, and "fuzz_records -s SEED -n STREAM -v" replays it.
 *
 *   fuzz_records [-s SEED] [-r RECORDS] [-t SECONDS] [-n STREAM] [-v]
 *                [-p tls]   (-p tls: tls.ko's known differences allowed)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ktls.h>
#include <openssl/evp.h>

#include "ktls_setup.h"
#include "mix.h"


#define REC_DATA	23
#define REC_ALERT	21
#define REC_HS		22
#define MAX_PLAIN	16384
#define MAX_RECS	48
#define STREAM_MAX	(MAX_RECS * (MAX_PLAIN + 512))

#include "rx_records.h"

/* ---------- deterministic randomness ---------- */

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *r, uint32_t n)
{
	r->s = ktls_mix64(r->s);
	return n ? (uint32_t)(r->s >> 32) % n : 0;
}

/* ---------- streams and the model ---------- */

static bool tls_ko;	/* -p tls: the kernel's tls.ko is the provider */
static bool verbose;

enum mut {
	M_NONE, M_HDR_TYPE, M_VERSION, M_LEN_LONG, M_LEN_SHORT, M_LEN_OTHER,
	M_BODY_BIT, M_TAG_BIT, M_TYPE_ZERO, M_TRUNCATE, M_NR
};

static const char *const mut_name[M_NR] = {
	"none", "header type bit", "version", "length past max",
	"length below overhead", "other length", "ciphertext bit", "tag bit",
	"content type 0 / all padding", "stream cut",
};

struct stream {
	const struct var *v;
	int gen;			/* key generation (keys_init) */
	int nrec, bad;			/* bad: index of the mutated record */
	enum mut mut;
	struct { uint8_t type; int len, pad; } rec[MAX_RECS];
	uint8_t *wire;			/* what the sender writes */
	size_t wire_len;
	uint8_t *exp, *etype;		/* plaintext of good records, per byte type */
	size_t exp_len;
	int end;			/* 0: EOF, else the errno after exp */
};

static uint8_t plain_byte(uint64_t sseed, size_t pos)
{
	return (uint8_t)ktls_mix64(sseed ^ (pos * 0x100000001b3ULL));
}

static int rec_len_pick(struct rng *r)
{
	uint32_t c = rnd(r, 100);

	if (c < 70)
		return rnd(r, 257);
	if (c < 95)
		return 257 + rnd(r, 4096 - 256);
	return 4097 + rnd(r, MAX_PLAIN - 4096);	/* up to 2^14 exactly */
}

static void stream_gen(struct stream *s, uint64_t sseed)
{
	static uint8_t pt[MAX_PLAIN], rec[MAX_PLAIN + 512];
	struct rng r = { sseed };
	bool t13;
	struct keys k;
	size_t ppos = 0;
	int i, j, n;

	s->v = &vars[rnd(&r, sizeof(vars) / sizeof(vars[0]))];
	t13 = s->v->version == TLS_1_3_VERSION;
	s->gen = rnd(&r, 4);
	keys_init(&k, s->v, s->gen);
	s->nrec = 1 + rnd(&r, MAX_RECS);
	s->mut = rnd(&r, 2) ? M_NONE : 1 + rnd(&r, M_NR - 1);
	/*
	 * tls.ko builds the TLS 1.3 AAD with type 23 whatever the header
	 * says, so a changed outer type goes unnoticed there (ktls checks
	 * it): no prediction to make for tls.ko.
	 */
	if (tls_ko && t13 && s->mut == M_HDR_TYPE)
		s->mut = M_NONE;
	s->bad = s->mut == M_NONE ? s->nrec : (int)rnd(&r, s->nrec);
	s->wire_len = 0;
	s->exp_len = 0;
	s->end = 0;

	for (i = 0; i < s->nrec; i++) {
		uint32_t c = rnd(&r, 100);
		uint8_t type = c < 85 ? REC_DATA : c < 95 ? REC_ALERT : REC_HS;
		int len = rec_len_pick(&r), pad = 0;

		/* an empty non-data record reads as end of stream: not made */
		if (type != REC_DATA && !len)
			len = 1;
		/* TLS 1.3 type 0: the inner plaintext is all zero padding */
		if (t13 && i == s->bad && s->mut == M_TYPE_ZERO)
			len = 0;
		if (t13 && rnd(&r, 4) == 0)
			pad = rnd(&r, 4) ? rnd(&r, 32) : rnd(&r, MAX_PLAIN - len + 1);
		/* the inner plaintext may hold 2^14 + 1 bytes, type included */
		if (len + pad > MAX_PLAIN)
			pad = MAX_PLAIN - len;
		for (j = 0; j < len; j++)
			pt[j] = plain_byte(sseed, ppos + j);
		/* a TLS 1.3 KeyUpdate would pause the stream for new keys */
		if (t13 && type == REC_HS && pt[0] == 24)
			pt[0] = 1;
		ppos += len;
		if (i == s->bad && s->mut == M_TYPE_ZERO)
			type = 0;
		s->rec[i].type = type;
		s->rec[i].len = len;
		s->rec[i].pad = pad;
		n = build_record(&k, type, pt, len, pad, rec);
		if (i == s->bad) {
			int overhead = n - 5 - len - (t13 ? 1 + pad : 0);
			int max = MAX_PLAIN + overhead + (t13 ? 1 : 0);
			int dlen = n - 5, nl;

			switch (s->mut) {
			case M_HDR_TYPE:
				rec[0] ^= 1 << rnd(&r, 8);
				s->end = EBADMSG;
				break;
			case M_VERSION:
				rec[1 + rnd(&r, 2)] ^= 1 << rnd(&r, 8);
				s->end = EINVAL;
				break;
			case M_LEN_LONG:
				nl = max + 1 + rnd(&r, 65535 - max);
				rec[3] = nl >> 8;
				rec[4] = nl;
				s->end = EMSGSIZE;
				break;
			case M_LEN_SHORT:
				nl = rnd(&r, overhead);
				rec[3] = nl >> 8;
				rec[4] = nl;
				n = 5 + nl;
				s->end = EBADMSG;
				break;
			case M_LEN_OTHER:
				/* a different length in range: the tag fails */
				do {
					nl = overhead + rnd(&r, max - overhead + 1);
				} while (nl == dlen);
				rec[3] = nl >> 8;
				rec[4] = nl;
				for (j = n; j < 5 + nl; j++)
					rec[j] = rnd(&r, 256);
				n = 5 + nl;
				s->end = EBADMSG;
				break;
			case M_BODY_BIT:
				j = 5 + rnd(&r, dlen - 16);
				rec[j] ^= 1 << rnd(&r, 8);
				s->end = EBADMSG;
				break;
			case M_TAG_BIT:
				rec[n - 1 - rnd(&r, 16)] ^= 1 << rnd(&r, 8);
				s->end = EBADMSG;
				break;
			case M_TYPE_ZERO:
				s->end = EBADMSG;
				break;
			case M_TRUNCATE:
				n = rnd(&r, n);
				s->end = 0;
				break;
			default:
				break;
			}
			memcpy(s->wire + s->wire_len, rec, n);
			s->wire_len += n;
			/* garbage after the bad record is never reached */
			if (s->mut != M_TRUNCATE && rnd(&r, 2)) {
				n = rnd(&r, 4096);
				for (j = 0; j < n; j++)
					s->wire[s->wire_len++] = rnd(&r, 256);
			}
			break;
		}
		memcpy(s->wire + s->wire_len, rec, n);
		s->wire_len += n;
		memcpy(s->exp + s->exp_len, pt, len);
		memset(s->etype + s->exp_len, type, len);
		s->exp_len += len;
	}
}

static void stream_print(const struct stream *s, uint64_t seed, long idx)
{
	int i;

	fprintf(stderr, "  reproduce: fuzz_records -s %llu -n %ld -v\n",
		(unsigned long long)seed, idx);
	fprintf(stderr, "  variant %s, %d records, mutation '%s' on record %d\n",
		s->v->name, s->nrec, mut_name[s->mut], s->bad);
	for (i = 0; i < s->nrec && i <= s->bad; i++)
		fprintf(stderr, "    record %d: type %u, %d bytes, pad %d\n", i,
			s->rec[i].type, s->rec[i].len, s->rec[i].pad);
}

/* ---------- one stream over a socket pair ---------- */

struct sender {
	int fd;
	const struct stream *s;
	uint64_t seed;
};

static void *sender_fn(void *arg)
{
	struct sender *sd = arg;
	struct rng r = { sd->seed };
	size_t off = 0;

	while (off < sd->s->wire_len) {
		size_t c = 1 + rnd(&r, rnd(&r, 4) ? 512 : 16384);
		ssize_t n;

		if (c > sd->s->wire_len - off)
			c = sd->s->wire_len - off;
		n = send(sd->fd, sd->s->wire + off, c, MSG_NOSIGNAL);
		if (n <= 0)
			break;		/* the reader is gone: it saw the error */
		off += n;
		if (!rnd(&r, 16))
			usleep(rnd(&r, 2000));
	}
	shutdown(sd->fd, SHUT_WR);
	return NULL;
}

static void pair(int *tx, int *rx)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 10 };
	socklen_t l = sizeof(a);
	int ls, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(ls >= 0 && !bind(ls, (void *)&a, sizeof(a)) && !listen(ls, 1) &&
	      !getsockname(ls, (void *)&a, &l), "listen");
	*rx = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(!connect(*rx, (void *)&a, sizeof(a)), "connect");
	*tx = accept(ls, NULL, NULL);
	CHECK(*tx >= 0, "accept");
	close(ls);
	setsockopt(*tx, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	CHECK(!setsockopt(*rx, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")),
	      "TCP_ULP");
}



struct stats {
	long streams, records, reads, divergences;
	long tls_eof;		/* -p tls: a bad header read as end of stream */
	unsigned long long bytes;
};

/*
 * Read stream @s from @fd with random operations and hold every result
 * against the model. Returns NULL, or what diverged.
 */
static const char *stream_read(int fd, const struct stream *s, uint64_t rseed,
			       struct stats *st, char *why, size_t whylen)
{
	static uint8_t buf[65536];
	struct rng r = { rseed };
	size_t pos = 0;
	int p[2], ops = 0, end_seen = 0;

	CHECK(!pipe(p), "pipe");
	while (end_seen < 2 && ops++ < 100000) {
		uint32_t op = rnd(&r, 100);
		size_t len = 1 + rnd(&r, rnd(&r, 2) ? 600 : sizeof(buf));
		int flags = 0, type = REC_DATA, e;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (op < 10) {
			n = poll(&pfd, 1, 10000);
			if (n != 1) {
				snprintf(why, whylen, "poll at %zu of %zu: %zd", pos,
					 s->exp_len, n);
				goto out;
			}
			/* readable: a non-blocking read must not say EAGAIN */
			flags = MSG_DONTWAIT;
		} else if (op < 25) {
			flags = MSG_PEEK;
		} else if (op < 35) {
			flags = MSG_WAITALL;
		}
		if (op >= 90) {
			n = splice(fd, NULL, p[1], NULL, len, 0);
			e = errno;
			if (n == -1 && e == EINVAL && pos < s->exp_len &&
			    s->etype[pos] != REC_DATA)
				continue;	/* a pipe cannot carry the type */
			if (n > 0 && read(p[0], buf, n) != n)
				fail("pipe read");
		} else {
			n = recv_type(fd, buf, len, flags, &type);
			e = errno;
		}
		st->reads++;
		if (n > 0) {
			ssize_t i;

			if (pos + n > s->exp_len) {
				snprintf(why, whylen,
					 "%zd bytes at %zu, only %zu good", n,
					 pos, s->exp_len);
				goto out;
			}
			if (type != s->etype[pos]) {
				snprintf(why, whylen, "type %d at %zu, want %u",
					 type, pos, s->etype[pos]);
				goto out;
			}
			for (i = 0; i < n; i++) {
				if (buf[i] != s->exp[pos + i] ||
				    s->etype[pos + i] != s->etype[pos]) {
					snprintf(why, whylen,
						 "byte %zu wrong (read of %zd at %zu)",
						 pos + i, n, pos);
					goto out;
				}
			}
			if (!(flags & MSG_PEEK)) {
				pos += n;
				st->bytes += n;
			}
			continue;
		}
		/*
		 * Non-blocking after poll: an empty record makes poll say
		 * readable without anything to read (poll itself must not
		 * time out, checked above).
		 */
		if (n < 0 && e == EAGAIN && flags == MSG_DONTWAIT)
			continue;
		if (pos < s->exp_len) {
			snprintf(why, whylen, "returned %zd (errno %d) at %zu of %zu",
				 n, n < 0 ? e : 0, pos, s->exp_len);
			goto out;
		}
		/* at the end of the good bytes: EOF or the predicted errno */
		if ((!s->end && n == 0) || (s->end && n < 0 && e == s->end)) {
			end_seen++;
			/* tls.ko reports a bad header once, then reads block */
			if (tls_ko && end_seen == 1 && s->end != EBADMSG)
				break;
			continue;
		}
		/*
		 * tls.ko, when the peer's FIN came with the bad header: the
		 * read says end of stream, the error is never reported
		 */
		if (tls_ko && n == 0 && (s->mut == M_VERSION ||
					 s->mut == M_LEN_LONG ||
					 s->mut == M_LEN_SHORT)) {
			st->tls_eof++;
			break;
		}
		/* a TLS 1.2 record of type 0 stays queued; a pipe refuses it */
		if (op >= 90 && n < 0 && e == EINVAL && s->mut == M_TYPE_ZERO)
			continue;
		snprintf(why, whylen, "end: returned %zd errno %d, want %s%d",
			 n, n < 0 ? e : 0, s->end ? "errno " : "EOF ", s->end);
		goto out;
	}
	why = NULL;
out:
	close(p[0]);
	close(p[1]);
	return why;
}

static int run_stream(struct stream *s, uint64_t seed, long idx,
		      struct stats *st)
{
	uint64_t sseed = ktls_mix64(seed ^ ktls_mix64(idx));
	struct sender sd;
	struct keys k;
	pthread_t t;
	char why[256];
	const char *bad;
	int tx, rx, recs;

	stream_gen(s, sseed);
	if (verbose)
		stream_print(s, seed, idx);
	pair(&tx, &rx);
	keys_init(&k, s->v, s->gen);
	if (set_rx(rx, &k)) {
		close(tx);
		close(rx);
		return errno == ENOENT ? 0 : (fail("TLS_RX"), 1);
	}
	sd = (struct sender){ .fd = tx, .s = s, .seed = ktls_mix64(sseed + 1) };
	pthread_create(&t, NULL, sender_fn, &sd);
	bad = stream_read(rx, s, ktls_mix64(sseed + 2), st, why, sizeof(why));
	close(rx);
	pthread_join(t, NULL);
	close(tx);
	recs = s->bad < s->nrec ? s->bad + 1 : s->nrec;
	st->records += recs;
	st->streams++;
	if (bad) {
		st->divergences++;
		fprintf(stderr, "DIVERGENCE: %s\n", bad);
		stream_print(s, seed, idx);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stream s = {};
	struct stats st = {};
	uint64_t seed = 1;
	long records = 100000, one = -1, idx;
	double seconds = 0, t0;
	struct timespec ts;
	int c;

	case_name = "fuzz";
	while ((c = getopt(argc, argv, "s:r:t:n:vp:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'r': records = atol(optarg); break;
		case 't': seconds = atof(optarg); records = 0; break;
		case 'n': one = atol(optarg); break;
		case 'v': verbose = true; break;
		case 'p': tls_ko = !strcmp(optarg, "tls"); break;
		default:
			fprintf(stderr, "usage: %s [-s seed] [-r records] [-t seconds] [-n stream] [-v] [-p tls]\n",
				argv[0]);
			return 2;
		}
	}
	s.wire = malloc(STREAM_MAX + 8192);
	s.exp = malloc(MAX_RECS * MAX_PLAIN);
	s.etype = malloc(MAX_RECS * MAX_PLAIN);
	CHECK(s.wire && s.exp && s.etype, "malloc");

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;
	for (idx = one >= 0 ? one : 0;; idx++) {
		run_stream(&s, seed, idx, &st);
		if (one >= 0 || st.divergences >= 10)
			break;
		if (records && st.records >= records)
			break;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (seconds && ts.tv_sec + ts.tv_nsec / 1e9 - t0 >= seconds)
			break;
	}
	if (tls_ko)
		printf("fuzz_records: tls.ko read a bad header as end of stream %ld times\n",
		       st.tls_eof);
	printf("fuzz_records: seed %llu, %ld streams, %ld records, %ld reads, %llu bytes checked, %ld divergences\n",
	       (unsigned long long)seed, st.streams, st.records, st.reads,
	       st.bytes, st.divergences);
	return st.divergences ? 1 : 0;
}
