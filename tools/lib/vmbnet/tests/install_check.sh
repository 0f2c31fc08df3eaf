#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# libvmbnet as a third party gets it: `make install` into a scratch prefix,
# then outside.c built with `$(pkg-config --cflags --libs vmbnet)` and
# nothing else, shared and static, and run. Also: the
# shared library exports only vmbnet.h's calls, under its SONAME.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s -C "$here/.." install PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs vmbnet)
static=$(pkg-config --cflags --libs --static vmbnet)
# Only the prefix's files: no -I into the source tree.
[[ $flags != *"$here"* ]] || { echo "pkg-config points into the source tree: $flags"; exit 1; }

cc -Wall -Wextra -Werror -std=c11 -pedantic -o "$tmp/app" "$here/outside.c" $flags
LD_LIBRARY_PATH=$tmp/prefix/lib "$tmp/app"
echo "ok: C, shared: built with pkg-config alone, and ran"
cc -Wall -Wextra -Werror -o "$tmp/app-static" "$here/outside.c" \
	"$tmp/prefix/lib/libvmbnet.a" $(pkg-config --cflags --libs-only-other --static vmbnet) \
	-lpthread
"$tmp/app-static"
echo "ok: C, static ($static)"

soname=$(objdump -p "$tmp/prefix/lib/libvmbnet.so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libvmbnet.so.1 ] || { echo "SONAME $soname"; exit 1; }
exported=$(nm -D --defined-only "$tmp/prefix/lib/libvmbnet.so" | awk '$2 == "T" { print $3 }' |
	sed 's/@.*//' | sort)
declared=$(grep -oE '[a-z0-9_]+[ *]+vmbnet_[a-z_]+\(' "$tmp/prefix/include/vmbnet.h" |
	grep -oE 'vmbnet_[a-z_]+' | sort -u)
[ "$exported" = "$declared" ] || {
	echo "exports differ from vmbnet.h's calls:"
	diff <(echo "$declared") <(echo "$exported") || true
	exit 1
}
echo "ok: libvmbnet.so.1 exports exactly vmbnet.h's $(wc -l <<<"$declared") calls"
