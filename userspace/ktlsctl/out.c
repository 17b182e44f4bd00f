// SPDX-License-Identifier: GPL-2.0
/*
 * ktlsctl output helpers (out.h). The JSON writer keeps, per nesting
 * level, whether a member was written yet: json.tool puts the first
 * member on a new line, separates the others with ",\n", and closes a
 * container on its own line unless it is empty ("[]", "{}").
 */
#include <stdarg.h>
#include <stdio.h>

#include "out.h"

#define J_DEPTH_MAX	16

static int depth;
static bool has_member[J_DEPTH_MAX];

static void j_indent(int n)
{
	printf("%*s", n * 4, "");
}

static void j_putstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		default:
			/* as json.tool: other control bytes as \u00XX */
			if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

/* Start a member: separator, indentation, key */
static void j_member(const char *key)
{
	if (depth > 0) {
		fputs(has_member[depth] ? ",\n" : "\n", stdout);
		has_member[depth] = true;
		j_indent(depth);
	}
	if (key) {
		j_putstr(key);
		fputs(": ", stdout);
	}
}

static void j_open(const char *key, char c)
{
	j_member(key);
	putchar(c);
	if (depth < J_DEPTH_MAX - 1)
		depth++;
	has_member[depth] = false;
}

static void j_close(char c)
{
	if (has_member[depth]) {
		putchar('\n');
		j_indent(depth - 1);
	}
	putchar(c);
	if (depth > 0)
		depth--;
	if (!depth)
		putchar('\n');
}

void j_obj(const char *key)
{
	j_open(key, '{');
}

void j_end_obj(void)
{
	j_close('}');
}

void j_arr(const char *key)
{
	j_open(key, '[');
}

void j_end_arr(void)
{
	j_close(']');
}

void j_str(const char *key, const char *val)
{
	j_member(key);
	if (val)
		j_putstr(val);
	else
		fputs("null", stdout);
}

void j_u64(const char *key, __u64 val)
{
	j_member(key);
	printf("%llu", (unsigned long long)val);
}

void j_bool(const char *key, bool val)
{
	j_member(key);
	fputs(val ? "true" : "false", stdout);
}

void j_null(const char *key)
{
	j_str(key, NULL);
}

int err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ktlsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ktlsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (ktlsctl --help)\n", stderr);
	return 2;
}
