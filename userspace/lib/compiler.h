/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's attribute shorthands, for userspace (as tools/include has). */
#ifndef KTLS_LIB_COMPILER_H
#define KTLS_LIB_COMPILER_H

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef __noreturn
#define __noreturn	__attribute__((noreturn))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif
