/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_bench: shared declarations.
 *
 * One invocation measures one figure (bulk transfer, request/response,
 * connection setup, idle-flow memory or raw AF_ALG AEAD) for one provider
 * and prints a single JSON object on stdout. The driver (userspace/bench/run.sh)
 * decides which module provides the "tls" ULP; to this tool the kernel
 * providers are all "kernel".
 */
#ifndef KTLS_BENCH_H
#define KTLS_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <openssl/evp.h>

#include "ktls_setup.h"
#include "log.h"
#include "net.h"

typedef uint8_t u8;
typedef uint64_t u64;

#define REC_HDR		5
#define REC_TAG		16
#define REC_MAX_PT	16384
#define REC_MAX		(REC_HDR + 8 + REC_MAX_PT + 1 + REC_TAG + 256)

/* Pattern blocks: a counter (u64) then bytes of a fixed template. */
#define PAT_BLOCK	1024

enum provider { PROV_TCP, PROV_KERNEL, PROV_OSSL };
enum cipher { CIPH_AES128GCM, CIPH_CHACHA };

struct tlscfg {
	int ver;		/* 12 or 13 */
	enum cipher cipher;
};

/* Key material of one direction: for AES-GCM iv = salt(4) || iv(8). */
struct dirkey {
	u8 key[32];
	u8 iv[12];
};

/* Userspace record protection (one direction, one record sequence). */
struct rcrypt {
	EVP_CIPHER_CTX *ctx;
	struct tlscfg cfg;
	struct dirkey k;
	u64 seq;
	int enc;
};

struct opts {
	const char *test;	/* bulk rr setup mem aead crypto */
	const char *mode;	/* bulk: tx rx txrx sendfile */
	enum provider prov;
	struct tlscfg cfg;
	size_t size;		/* write / record / message size */
	double secs;		/* duration of a timed run */
	size_t max_bytes;	/* cap for bulk and the record file */
	size_t flows;		/* mem: number of idle flows */
	const char *file;	/* sendfile source / record cache dir */
	const char *addr;	/* IPv4 address to listen on */
	/*
	 * bulk over a device pair: the sender's and the receiver's network
	 * namespaces (paths such as /run/netns/NAME), or NULL for loopback
	 */
	const char *ns_snd, *ns_rcv;
};

/* keys.c / record.c */
void bench_keys(int dir, const struct tlscfg *cfg, struct dirkey *k);
int ktls_install(int fd, const struct tlscfg *cfg, int dir_tx, int keydir);
size_t rec_overhead(const struct tlscfg *cfg);
int rc_init(struct rcrypt *rc, const struct tlscfg *cfg, int keydir, int enc);
void rc_free(struct rcrypt *rc);
void rc_warm(const struct tlscfg *cfg);
size_t rc_seal(struct rcrypt *rc, const u8 *pt, size_t n, u8 *out);
int rc_open(struct rcrypt *rc, u8 *rec, size_t len, u8 **pt, size_t *ptlen);
const char *cipher_name(enum cipher c);

/* pattern.c */
void pat_init(void);
void pat_fill(u8 *buf, size_t len, u64 off, u64 period);
int pat_check(const u8 *buf, size_t len, u64 off, u64 period, int full);

/*
 * Record stream consumer: checks every header, decrypts every
 * `every`-th record (1 = all) and verifies the plaintext pattern.
 */
struct rstream {
	struct rcrypt rc;
	u8 *buf;
	size_t have;
	u64 records;
	u64 pt_off;		/* plaintext stream offset */
	u64 period;
	unsigned int every;
	int full_check;
};

int rs_init(struct rstream *rs, const struct tlscfg *cfg, int keydir,
	    unsigned int every, u64 period);
int rs_feed(struct rstream *rs, int fd, ssize_t *got);
void rs_free(struct rstream *rs);

/* net.c; TCP setup (tcp_listen, tcp_connect, tcp_pair) is in lib/net.h */
int read_full(int fd, void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);
void close_rst(int fd);
double now(void);
double cpu_self(void);
void raise_nofile(size_t n);
/* move this process into the network namespace at @path; exits on error */
void enter_netns(const char *path);
/* a counter of /proc/self/net/tls_stat (this namespace), -1 if absent */
long tls_stat(const char *name);
/* pipe(go), pipe(res), fork(): the child measures, told by go, answers on res */
pid_t fork_measured(int go[2], int res[2]);

/* tests */
int run_bulk(const struct opts *o);
int run_rr(const struct opts *o);
int run_setup(const struct opts *o);
int run_mem(const struct opts *o);
int run_memcheck(void);
int run_aead(const struct opts *o);
int run_crypto_info(void);

/* output; die() is lib/log.h's */
void json_head(const struct opts *o);
const char *prov_name(enum provider p);

#endif
