// SPDX-License-Identifier: GPL-2.0
/* placeholder, filled in by the TLS engine work */
#include "tlssim_tls.h"
