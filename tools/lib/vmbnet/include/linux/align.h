/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_LINUX_ALIGN_H
#define _VMBNET_TOOLS_LINUX_ALIGN_H

#define ALIGN(x, a)	(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))

#endif
