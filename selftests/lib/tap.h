/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output for the C test programs, the counterpart of tap.sh: one
 * "ok N - ..." or "not ok N - ..." line per check on stdout, and the plan
 * "1..N" last (the suite script relays the lines into its results.tap).
 *
 *   tap_result(cond, fmt, ...)  record a check; returns cond
 *   tap_ok(fmt, ...)            record a pass
 *   tap_fail(fmt, ...)          record a failure
 *   tap_done()                  print the plan; the exit status: 0 or 1
 */
#ifndef KTLS_SELFTESTS_TAP_H
#define KTLS_SELFTESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

#include "compiler.h"	/* userspace/lib: __printf */

static int tap_n, tap_failed;

static inline void tap_vline(int ok, const char *fmt, va_list ap)
{
	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static inline __printf(2, 3)
int tap_result(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(ok, fmt, ap);
	va_end(ap);
	return ok;
}

static inline __printf(1, 2)
void tap_ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(1, fmt, ap);
	va_end(ap);
}

static inline __printf(1, 2)
void tap_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(0, fmt, ap);
	va_end(ap);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
