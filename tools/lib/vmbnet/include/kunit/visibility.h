/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef _VMBNET_TOOLS_KUNIT_VISIBILITY_H
#define _VMBNET_TOOLS_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif
