/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_KUNIT_VISIBILITY_H
#define _VMBNET_TOOLS_KUNIT_VISIBILITY_H

#include <assert.h>

/* User space has no modules: what the kernel exports for KUnit is just there. */
#define EXPORT_SYMBOL_IF_KUNIT(symbol)	static_assert(1, #symbol)

#endif
