/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transfer phases both interop programs speak, independent of the TLS
 * library: a program supplies I/O callbacks; messages go through log.h.
 * Phase 1 carries data client->server, phase 2 server->client.
 */
#ifndef KTLS_INTEROP_PHASE_H
#define KTLS_INTEROP_PHASE_H

#include <stddef.h>

#include "log.h"

struct xfer_io {
	void *ctx;
	/* Write exactly len bytes; die() on failure. */
	void (*write_all)(void *ctx, const void *buf, size_t len);
	/* Read 1..len bytes and return how many; die() on failure or EOF. */
	size_t (*read_some)(void *ctx, void *buf, size_t len);
	/* Optional: send len bytes of fd from offset 0 (e.g. SSL_sendfile). */
	void (*send_file)(void *ctx, int fd, unsigned long long len);
	const char *send_name;	/* "SSL_write", ... for the report */
};

struct phase {
	const char *what;	/* NULL (not run), "send" or "recv" */
	unsigned long long bytes;
	double secs;
	char sha[65];
};

struct xfer_opts {
	unsigned long long bytes;	/* stream payload length */
	unsigned long long seed;	/* stream seed */
	const char *file;		/* send this file instead, via send_file */
	size_t chunk;			/* write/read size */
};

void xfer_send(const struct xfer_io *io, const struct xfer_opts *xo,
	       struct phase *ph);
void xfer_recv(const struct xfer_io *io, const struct xfer_opts *xo,
	       struct phase *ph);

#endif
