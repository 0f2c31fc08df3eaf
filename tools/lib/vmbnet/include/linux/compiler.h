/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VMBNET_TOOLS_LINUX_COMPILER_H
#define _VMBNET_TOOLS_LINUX_COMPILER_H

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

/* The kernel's attribute spellings, for code shared with it and its style. */
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __aligned(x)		__attribute__((aligned(x)))

#endif
