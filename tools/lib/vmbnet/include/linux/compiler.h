/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VMBNET_TOOLS_LINUX_COMPILER_H
#define _VMBNET_TOOLS_LINUX_COMPILER_H

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#endif
