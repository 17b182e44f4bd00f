/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 TCP setup for tools and tests: listen on an ephemeral port, connect,
 * and a connected pair over loopback. Each returns -1 (errno set) on
 * failure and leaves no socket open then.
 */
#ifndef KTLS_LIB_NET_H
#define KTLS_LIB_NET_H

/* Listen on an ephemeral port of @addr; the port is returned in *port. */
int tcp_listen(const char *addr, int *port);
int tcp_connect(const char *addr, int port);
/* Connect to @lfd (listening on @port of @addr): *cfd client, *sfd server end. */
int tcp_pair(const char *addr, int lfd, int port, int *cfd, int *sfd);
/*
 * A connected pair on 127.0.0.1 with its own listener: *cfd connects,
 * *sfd is accepted. @cli_rcvbuf: SO_RCVBUF of *cfd set before connecting
 * (0: the default).
 */
int tcp_pair_loopback(int *cfd, int *sfd, int cli_rcvbuf);

/*
 * Listen on @addr, a numeric IPv4 or IPv6 address, port *port (0: an
 * ephemeral one, returned in *port), with SO_REUSEADDR and @backlog.
 */
int tcp_listen_at(const char *addr, int *port, int backlog);
/*
 * Connect to @host (a name or address) port @port, trying every address it
 * resolves to, and again every 100 ms for @secs seconds while the server
 * is not yet listening (slow guests).
 */
int tcp_connect_retry(const char *host, int port, int secs);

#endif
