/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_LINUX_ALIGN_H
#define _VMBNET_TOOLS_LINUX_ALIGN_H

/* x rounded up to a multiple of a, a power of two; each evaluated once. */
#define ALIGN(x, a) ({						\
	__typeof__(x) __mask = (__typeof__(x))(a) - 1;		\
	((x) + __mask) & ~__mask;				\
})

#endif
