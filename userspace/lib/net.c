// SPDX-License-Identifier: GPL-2.0
/* IPv4 TCP setup; see net.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

static void sa_fill(struct sockaddr_in *sa, const char *addr, int port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	inet_pton(AF_INET, addr, &sa->sin_addr);
}

static void close_keep_errno(int fd)
{
	int err = errno;

	close(fd);
	errno = err;
}

int tcp_listen(const char *addr, int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa_fill(&sa, addr, 0);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4096) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		close_keep_errno(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static int tcp_connect_rcvbuf(const char *addr, int port, int rcvbuf)
{
	struct sockaddr_in sa;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (rcvbuf &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf))) {
		close_keep_errno(fd);
		return -1;
	}
	sa_fill(&sa, addr, port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int tcp_connect(const char *addr, int port)
{
	return tcp_connect_rcvbuf(addr, port, 0);
}

static int tcp_pair_rcvbuf(const char *addr, int lfd, int port, int *cfd,
			   int *sfd, int rcvbuf)
{
	*cfd = tcp_connect_rcvbuf(addr, port, rcvbuf);
	if (*cfd < 0)
		return -1;
	*sfd = accept(lfd, NULL, NULL);
	if (*sfd < 0) {
		close_keep_errno(*cfd);
		return -1;
	}
	return 0;
}

int tcp_pair(const char *addr, int lfd, int port, int *cfd, int *sfd)
{
	return tcp_pair_rcvbuf(addr, lfd, port, cfd, sfd, 0);
}

int tcp_pair_loopback(int *cfd, int *sfd, int cli_rcvbuf)
{
	int lfd, port, ret;

	lfd = tcp_listen("127.0.0.1", &port);
	if (lfd < 0)
		return -1;
	ret = tcp_pair_rcvbuf("127.0.0.1", lfd, port, cfd, sfd, cli_rcvbuf);
	close_keep_errno(lfd);
	return ret;
}

int tcp_listen_at(const char *addr, int *port, int backlog)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int one = 1, fd;

	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(*port);
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(*port);
		len = sizeof(*s6);
	} else {
		errno = EINVAL;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog)) {
		close_keep_errno(fd);
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		*port = ntohs(ss.ss_family == AF_INET ? s4->sin_port :
							s6->sin6_port);
	return fd;
}

int tcp_connect_retry(const char *host, int port, int secs)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char serv[16];
	int fd = -1, tries;

	snprintf(serv, sizeof(serv), "%d", port);
	if (getaddrinfo(host, serv, &hints, &res)) {
		errno = EHOSTUNREACH;
		return -1;
	}
	for (tries = 0; tries < secs * 10 && fd < 0; tries++) {
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, SOCK_STREAM, 0);
			if (fd >= 0 && !connect(fd, ai->ai_addr, ai->ai_addrlen))
				break;
			if (fd >= 0)
				close_keep_errno(fd);
			fd = -1;
		}
		if (fd < 0)
			usleep(100000);
	}
	freeaddrinfo(res);
	return fd;
}
