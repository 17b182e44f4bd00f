#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls.ko under hostile input and concurrency (hostile.c): concurrent
# readers, TCP urgent data inside records, sticky stream errors, TX
# sequence exhaustion, close delivering everything send() accepted,
# splice_eof racing sendmsg, a flood of empty records against a signal.
# Every case checks the bytes delivered; a stall fails by timeout.
. "$(dirname "$0")/rx_lib.sh"
RX_TEST=$O/ktls/hostile
rx_setup
# cheap cases on every cipher variant, the heavy ones on one per version
for c in readers urg_inplace urg_noinline sticky tag_only seq_wrap close_open; do
	rx_case "$c"
done
RX_VARIANTS="12gcm 13chacha"
for c in urg_copy urg_splice close_partial close_queued splice_eof empty_signal; do
	rx_case "$c"
done
rx_finish
