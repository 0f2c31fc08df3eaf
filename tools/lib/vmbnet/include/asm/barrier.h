/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The kernel's SMP barriers, from the compiler's C11 atomics. */
#ifndef _VMBNET_TOOLS_ASM_BARRIER_H
#define _VMBNET_TOOLS_ASM_BARRIER_H

/* Orders loads and stores before it against those after it. */
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Orders loads before it against loads after it. */
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
/* Orders stores before it against stores after it. */
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
/* What follows the load is not seen before it. */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
/* What precedes the store is seen before it. */
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

#endif
