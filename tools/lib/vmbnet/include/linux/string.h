/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_LINUX_STRING_H
#define _VMBNET_TOOLS_LINUX_STRING_H

#include <string.h>

#endif
