// SPDX-License-Identifier: GPL-2.0
/* ktls RX: placeholder, filled in by the RX path. */
#include "ktls_rx.h"
