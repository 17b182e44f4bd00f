#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktls RX big transfers, every byte checked: 12 MiB per cipher in random
# record sizes (TLS 1.3 with random padding), written in random chunks and
# read in random sizes; and 2 MiB through a 4 KiB receive buffer, where a
# record never fits in the TCP queue (the parser's copy mode).
. "$(dirname "$0")/rx_lib.sh"
rx_setup
rx_case bigxfer 600
rx_case copymode 600
rx_case hdr_stash 300
rx_finish
