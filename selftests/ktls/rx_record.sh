#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls.ko per-record receive (TLS_RX_RECORD, FreeBSD's receive model), for
# every cipher variant of rx_test: record boundaries, types (data, alert,
# handshake) and lengths in the TLS_GET_RECORD cmsg, MSG_EOR only on a
# record's last byte, a buffer smaller than the record, MSG_PEEK, no cmsg
# room (MSG_CTRUNC), the option's errnos and toggling back to stream mode,
# and FreeBSD's errnos (EMSGSIZE too long / too short / end of stream in
# a record, EINVAL version or TLS 1.3 outer type, EBADMSG tag).
. "$(dirname "$0")/rx_lib.sh"
rx_setup
for c in record record_small record_errs; do
	rx_case "$c"
done
rx_finish
