/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHECK()/fail() of the case programs (rx_test, hostile, fuzz_records,
 * cbc_test): a failed check prints the case, the reason and errno, and
 * ends the case's process with status 1 (cases.h runs each in a child).
 * Included before the cases; not a library.
 */
#ifndef KTLS_SELFTESTS_CHECK_H
#define KTLS_SELFTESTS_CHECK_H

/* ---------- failing a case ---------- */

/* the case being run, for fail()'s message */
static const char *case_name = "?";

/* Print why the case failed, with errno, and end the case's process. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s: ", case_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (errno %d %s)\n", errno, strerror(errno));
	va_end(ap);
	exit(1);
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

#endif /* KTLS_SELFTESTS_CHECK_H */
