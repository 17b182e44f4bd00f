#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls RX data path: record sizes, control records and cmsg, MSG_PEEK across
# records, splice, poll on partial records, SO_RCVTIMEO, EOF, MSG_WAITALL,
# SO_RCVLOWAT, TLS 1.3 KeyUpdate pause and rekey, TLS_RX_EXPECT_NO_PAD and
# zero-copy TLS 1.3 receive without it (guess),
# records queued before TLS_RX, read_sock for in-kernel consumers (through
# the test hook readsock.ko).
. "$(dirname "$0")/rx_lib.sh"
rx_setup
tap_check "insmod readsock.ko (read_sock test hook)" \
	insmod "$O/mod/$(uname -r)/selftests/ktls/readsock/readsock.ko"
for c in basic max_len control peek splice poll timeo_eof waitall rekey \
	 nopad guess prequeue read_sock; do
	rx_case "$c"
done
rx_finish
