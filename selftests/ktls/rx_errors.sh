#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls RX bad input: every malformed or forged record gives tls.ko's errno,
# aborts as tls.ko does, and delivers nothing of the bad record.
. "$(dirname "$0")/rx_lib.sh"
rx_setup
for c in bad_len_long bad_len_short bad_version bad_auth bad_ct no_type; do
	rx_case "$c"
done
rx_finish
