// SPDX-License-Identifier: GPL-2.0
/*
 * One transfer phase on the wire: header, payload, sender's SHA-256.
 * The receiver recomputes the digest and, for stream payloads, compares
 * every byte with the regenerated stream so that corruption is located.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "interop_data.h"
#include "interop_phase.h"

static void phase_report(const struct phase *ph, const char *how)
{
	double mbs = ph->secs > 0 ? ph->bytes / ph->secs / 1e6 : 0;

	say("%s %llu bytes in %.3f s (%.1f MB/s) sha256=%s %s", ph->what,
	    ph->bytes, ph->secs, mbs, ph->sha, how);
}

static void file_digest(int fd, const char *name, unsigned long long size,
			struct digest *d)
{
	static unsigned char buf[1 << 16];
	unsigned long long off = 0;

	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);

		if (n <= 0)
			die("read %s: %s", name, n ? strerror(errno) : "EOF");
		digest_update(d, buf, n);
		off += n;
	}
}

void xfer_send(const struct xfer_io *io, const struct xfer_opts *xo,
	       struct phase *ph)
{
	struct xfer_hdr h = { .magic = XFER_MAGIC };
	unsigned char hdrb[XFER_HDR_LEN], *buf;
	char how[64];
	struct digest d;
	int fd = -1;
	double t0;

	if (digest_init(&d))
		die("digest");
	if (xo->file) {
		struct stat st;

		if (!io->send_file)
			die("this side cannot send files");
		fd = open(xo->file, O_RDONLY);
		if (fd < 0 || fstat(fd, &st))
			die("open %s: %s", xo->file, strerror(errno));
		h.len = st.st_size;
		file_digest(fd, xo->file, h.len, &d);
	} else {
		h.flags = XFER_F_STREAM;
		h.len = xo->bytes;
		h.seed = xo->seed;
	}
	buf = malloc(xo->chunk);
	if (!buf)
		die("malloc");
	xfer_hdr_pack(&h, hdrb);
	t0 = now_seconds();
	io->write_all(io->ctx, hdrb, sizeof(hdrb));
	if (fd >= 0) {
		io->send_file(io->ctx, fd, h.len);
		close(fd);
	} else {
		unsigned long long pos = 0;

		while (pos < h.len) {
			size_t n = h.len - pos < xo->chunk ? h.len - pos :
							     xo->chunk;

			stream_fill(h.seed, pos, buf, n);
			digest_update(&d, buf, n);
			io->write_all(io->ctx, buf, n);
			pos += n;
		}
	}
	if (digest_final(&d))
		die("digest");
	io->write_all(io->ctx, d.md, XFER_DIGEST_LEN);
	ph->secs = now_seconds() - t0;
	ph->bytes = h.len;
	ph->what = "send";
	digest_hex(d.md, ph->sha);
	free(buf);
	snprintf(how, sizeof(how), "(%s)", fd >= 0 ? "sendfile" : io->send_name);
	phase_report(ph, how);
}

static void read_all(const struct xfer_io *io, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		size_t n = io->read_some(io->ctx, p, len);

		p += n;
		len -= n;
	}
}

void xfer_recv(const struct xfer_io *io, const struct xfer_opts *xo,
	       struct phase *ph)
{
	unsigned char hdrb[XFER_HDR_LEN], peer_md[XFER_DIGEST_LEN], *buf;
	unsigned long long pos = 0;
	struct xfer_hdr h;
	struct digest d;
	char peer_hex[65];
	double t0;

	buf = malloc(xo->chunk);
	if (!buf || digest_init(&d))
		die("malloc");
	read_all(io, hdrb, sizeof(hdrb));
	t0 = now_seconds();
	if (xfer_hdr_unpack(hdrb, &h))
		die("bad phase header (magic %08x)", h.magic);
	while (pos < h.len) {
		size_t n = h.len - pos < xo->chunk ? h.len - pos : xo->chunk;

		n = io->read_some(io->ctx, buf, n);
		if (h.flags & XFER_F_STREAM) {
			long long bad = stream_compare(h.seed, pos, buf, n);

			if (bad >= 0)
				die("data corrupted: first bad byte at offset %lld of %llu",
				    bad, (unsigned long long)h.len);
		}
		digest_update(&d, buf, n);
		pos += n;
	}
	read_all(io, peer_md, sizeof(peer_md));
	ph->secs = now_seconds() - t0;
	if (digest_final(&d))
		die("digest");
	digest_hex(d.md, ph->sha);
	digest_hex(peer_md, peer_hex);
	ph->bytes = h.len;
	ph->what = "recv";
	if (memcmp(d.md, peer_md, XFER_DIGEST_LEN))
		die("SHA-256 mismatch: received %s, sender sent %s", ph->sha,
		    peer_hex);
	free(buf);
	phase_report(ph, h.flags & XFER_F_STREAM ?
		     "matches sender, every byte verified" : "matches sender");
}
