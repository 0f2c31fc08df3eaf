/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_LINUX_BUILD_BUG_H
#define _VMBNET_TOOLS_LINUX_BUILD_BUG_H

#include <assert.h>

#endif
