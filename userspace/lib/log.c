// SPDX-License-Identifier: GPL-2.0
/* say() and die() for every tool; see log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_name = "ktls";
static enum log_style log_style = LOG_PROG;
static void (*log_die_hook)(void);

void log_set_name(const char *name, enum log_style style)
{
	log_name = name;
	log_style = style;
}

void log_set_die_hook(void (*hook)(void))
{
	log_die_hook = hook;
}

void say(const char *fmt, ...)
{
	va_list ap;

	printf(log_style == LOG_BRACKET ? "[%s] " : "%s: ", log_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void __noreturn vdie(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, log_style == LOG_BRACKET ? "[%s] FAIL: " : "%s: ",
		log_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (log_die_hook)
		log_die_hook();
	exit(1);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(fmt, ap);
}

void die_errno(const char *what)
{
	die("%s: %s", what, strerror(errno));
}
