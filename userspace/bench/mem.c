// SPDX-License-Identifier: GPL-2.0
/*
 * Memory per idle flow. N loopback connections are opened (2N sockets),
 * the system settles, keys are installed on both ends of every flow
 * (TLS_TX + TLS_RX, or two OpenSSL contexts per end), the system settles
 * again. The per-flow cost of the TLS state is the growth of used memory
 * (MemTotal - MemFree - Buffers - Cached, which covers slab, page
 * allocations, page tables and userspace anonymous memory alike) and of
 * Slab between the two snapshots, divided by N. For plain TCP the figure
 * is the cost of the connections themselves.
 *
 * MemFree does not count free pages parked on the per-CPU page lists
 * (several MiB after heavy traffic), and allocations served from those
 * lists do not lower it: a flow set built right after a bulk figure once
 * measured 0 bytes per flow. Free memory is therefore MemFree plus the
 * per-CPU lists' pages (/proc/zoneinfo "count:"); `ktls_bench memcheck`
 * tests the meter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "bench.h"

struct memsnap {
	long long used, slab;	/* bytes */
	long long pcp;		/* free pages on per-CPU lists, bytes */
};

/* Free pages held on the per-CPU page lists of every zone, in bytes. */
static long long pcp_free_bytes(void)
{
	long long sum = 0, v;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		die("/proc/zoneinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &v) == 1)
			sum += v;
	fclose(f);
	return sum * sysconf(_SC_PAGESIZE);
}

static void snap(struct memsnap *m)
{
	long long total = 0, mfree = 0, buf = 0, cached = 0, v;
	char line[256], key[64];
	FILE *f;

	/* Let RCU-freed objects and deferred work from setup drain. */
	usleep(700000);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	m->slab = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lld", key, &v) != 2)
			continue;
		v *= 1024;
		if (!strcmp(key, "MemTotal"))
			total = v;
		else if (!strcmp(key, "MemFree"))
			mfree = v;
		else if (!strcmp(key, "Buffers"))
			buf = v;
		else if (!strcmp(key, "Cached"))
			cached = v;
		else if (!strcmp(key, "Slab"))
			m->slab = v;
	}
	fclose(f);
	m->pcp = pcp_free_bytes();
	m->used = total - mfree - m->pcp - buf - cached;
}

/*
 * Test of the meter: free 32 MiB (filling the per-CPU lists), then
 * allocate and touch 8 MiB; the growth of used memory must be the 8 MiB.
 * Prints both figures, with and without the per-CPU lists; exit 1 when
 * the meter is off by more than 10 %.
 */
int run_memcheck(void)
{
	const size_t big = 32 << 20, want = 8 << 20;
	long long got, raw;
	struct memsnap a, b;
	void *p;

	/* mmap + MAP_POPULATE: real pages, no store a compiler could drop */
	p = mmap(NULL, big, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	munmap(p, big);
	snap(&a);
	p = mmap(NULL, want, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	snap(&b);
	got = b.used - a.used;
	raw = got + (b.pcp - a.pcp);
	printf("{\"test\":\"memcheck\",\"allocated\":%zu,\"measured\":%lld,"
	       "\"measured_without_pcp\":%lld}\n", want, got, raw);
	munmap(p, want);
	return got < want * 0.9 || got > want * 1.1;
}

int run_mem(const struct opts *o)
{
	size_t n = o->flows, i;
	struct rcrypt *rc = NULL;
	struct memsnap m0, m1, m2;
	const struct memsnap *a, *b;
	int *fds, lfd, port;
	double t0, tinst;

	if (!n)
		die("--flows must be > 0");
	raise_nofile(2 * n + 64);
	fds = calloc(2 * n, sizeof(*fds));
	if (o->prov == PROV_OSSL)
		rc = calloc(4 * n, sizeof(*rc));
	if (!fds || (o->prov == PROV_OSSL && !rc))
		die("out of memory");
	lfd = tcp_listen(o->addr, &port);
	if (lfd < 0)
		die("listen: %s", strerror(errno));
	snap(&m0);
	for (i = 0; i < n; i++)
		if (tcp_pair(o->addr, lfd, port, &fds[2 * i], &fds[2 * i + 1]))
			die("connection %zu: %s", i, strerror(errno));
	snap(&m1);
	t0 = now();
	for (i = 0; i < 2 * n && o->prov == PROV_KERNEL; i++) {
		int client = !(i & 1);

		if (ktls_ulp(fds[i]) ||
		    ktls_install(fds[i], &o->cfg, 1, !client) ||
		    ktls_install(fds[i], &o->cfg, 0, client))
			die("key install on socket %zu: %s", i,
			    strerror(errno));
	}
	for (i = 0; i < 2 * n && o->prov == PROV_OSSL; i++) {
		int client = !(i & 1);

		if (rc_init(&rc[2 * i], &o->cfg, !client, 1) ||
		    rc_init(&rc[2 * i + 1], &o->cfg, client, 0))
			die("OpenSSL context %zu failed", i);
	}
	tinst = now() - t0;
	snap(&m2);
	a = o->prov == PROV_TCP ? &m0 : &m1;
	b = o->prov == PROV_TCP ? &m1 : &m2;

	json_head(o);
	printf(",\"flows\":%zu,\"bytes_per_flow\":%.1f,"
	       "\"slab_per_flow\":%.1f,\"tcp_bytes_per_flow\":%.1f,"
	       "\"install_s\":%.6f}\n",
	       n, (double)(b->used - a->used) / n,
	       (double)(b->slab - a->slab) / n,
	       (double)(m1.used - m0.used) / n, tinst);
	fflush(stdout);
	for (i = 0; i < 4 * n && rc; i++)
		rc_free(&rc[i]);
	for (i = 0; i < 2 * n; i++)
		close_rst(fds[i]);
	close(lfd);
	free(rc);
	free(fds);
	return 0;
}
