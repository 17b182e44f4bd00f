/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages of the project's tools: say() logs a progress line, die()
 * reports a failure and exits 1. One definition for every tool.
 *
 *   log_set_name("server", LOG_BRACKET)  say: "[server] ...",
 *                                        die: "[server] FAIL: ..."
 *   log_set_name("ktls_bench", LOG_PROG) say and die: "ktls_bench: ..."
 */
#ifndef KTLS_LIB_LOG_H
#define KTLS_LIB_LOG_H

#include "compiler.h"

enum log_style { LOG_PROG, LOG_BRACKET };

/* @name must stay valid; it may be changed at any time (after a fork). */
void log_set_name(const char *name, enum log_style style);
/* Called by die() after the message, before exit (e.g. a library's error queue). */
void log_set_die_hook(void (*hook)(void));

/* One line on stdout (a newline is added), flushed. */
void say(const char *fmt, ...) __printf(1, 2);
/* One line on stderr (a newline is added), then exit(1). */
void die(const char *fmt, ...) __noreturn __printf(1, 2);
/* die("@what: strerror(errno)") */
void die_errno(const char *what) __noreturn;

#endif
