/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The case programs' data helpers (rx_test, cbc_test, freebsd_ktls): a
 * reproducible byte pattern, whole sends and receives that fail the case
 * (check.h) on an error, and a /proc/net/tls_stat counter. Include after
 * check.h; not a library.
 */
#ifndef KTLS_SELFTESTS_SOCKIO_H
#define KTLS_SELFTESTS_SOCKIO_H

/* @n pattern bytes from @seed (the same seed gives the same bytes) */
static inline void fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

static inline void send_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, 0);

		CHECK(n > 0, "send");
		p += n;
		len -= n;
	}
}

static inline void recv_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = recv(fd, p, len, 0);

		CHECK(n > 0, "recv (%zu left)", len);
		p += n;
		len -= n;
	}
}

/* a /proc/net/tls_stat counter, -1 when missing */
static inline long stat_get(const char *name)
{
	char line[128], n[64];
	long val = -1, x;
	FILE *f = fopen("/proc/net/tls_stat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", n, &x) == 2 && !strcmp(n, name))
			val = x;
	fclose(f);
	return val;
}

#endif /* KTLS_SELFTESTS_SOCKIO_H */
