/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_ASM_BYTEORDER_H
#define _VMBNET_TOOLS_ASM_BYTEORDER_H

#include_next <asm/byteorder.h>

#define le16_to_cpu	__le16_to_cpu
#define le32_to_cpu	__le32_to_cpu
#define le64_to_cpu	__le64_to_cpu
#define cpu_to_le16	__cpu_to_le16
#define cpu_to_le32	__cpu_to_le32
#define cpu_to_le64	__cpu_to_le64

#endif
