/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel TLS 1.3 receive for an OpenSSL 3.0 session: OpenSSL 3.0 offloads
 * only TLS 1.3 transmit, so ktls_interop --manual-rx derives the peer's
 * application traffic key itself (from the key log callback's secret) and
 * installs TLS_RX, then reads records with recvmsg() and the record-type
 * cmsg instead of SSL_read().
 */
#ifndef KTLS_INTEROP_MANUAL_RX_H
#define KTLS_INTEROP_MANUAL_RX_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

struct manual_rx {
	int fd;
	uint64_t data_records;	/* application data records read */
	uint64_t tickets;	/* NewSessionTicket records skipped */
	int closed;		/* close_notify seen */
	size_t off, len;	/* unread part of buf */
	unsigned char buf[16384 + 256];
};

/* Register on the SSL_CTX before the handshake. */
void manual_rx_prepare(SSL_CTX *ctx);

/* After the handshake: derive the key and set TLS_RX on @fd. */
void manual_rx_install(SSL *ssl, int fd, struct manual_rx *m);

/* Read 1..len bytes of application data; die() on EOF or bad record. */
size_t manual_rx_read(struct manual_rx *m, void *buf, size_t len);

/* Read until the peer's close_notify; die() if data arrives instead. */
void manual_rx_wait_close(struct manual_rx *m);

#endif
