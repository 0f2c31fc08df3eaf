/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_LINUX_COMPILER_H
#define _VMBNET_TOOLS_LINUX_COMPILER_H

/* One untorn access, as asm/barrier.h: relaxed C11 atomics (scalars only). */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

/*
 * The kernel's attribute spellings (compiler_attributes.h's), for code
 * shared with it and its style. Through __shim_attr(), as checkpatch would have
 * the very macros this file defines used here instead.
 */
#define __shim_attr(list)		__attribute__(list)
#define __printf(a, b)		__shim_attr((__format__(printf, a, b)))
#define __noreturn		__shim_attr((__noreturn__))
#define __aligned(x)		__shim_attr((__aligned__(x)))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#endif
