/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktlsctl output: one JSON document per command, written in the layout
 * of `python3 -m json.tool` (indent 4, ", " and ": "), so that a golden
 * file is both what ktlsctl printed and what json.tool prints back.
 * Members are written in order: no document is built in memory.
 *
 *   j_obj(NULL); j_str("provider", "ktls.ko"); j_end_obj(); j_done();
 *
 * A key is NULL for an array element and for the document itself.
 */
#ifndef KTLSCTL_OUT_H
#define KTLSCTL_OUT_H

#include <stdbool.h>
#include <linux/types.h>

#include "compiler.h"

void j_obj(const char *key);
void j_end_obj(void);
void j_arr(const char *key);
void j_end_arr(void);
/* @val NULL: null */
void j_str(const char *key, const char *val);
void j_u64(const char *key, __u64 val);
void j_bool(const char *key, bool val);
void j_null(const char *key);

/* "ktlsctl: MSG" on stderr; returns 1, the exit status of a failure */
int err(const char *fmt, ...) __printf(1, 2);

/* a command line error: the message, a pointer to --help; returns 2 */
int usage_err(const char *fmt, ...) __printf(1, 2);

#endif
