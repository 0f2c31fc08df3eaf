# SPDX-License-Identifier: GPL-2.0
#
# vmbnet: build, check and run. `make` builds the modules against Debian's
# installed headers (never `uname -r`: this machine is not the target);
# `make KDIR=/path/to/headers` builds against another tree.

ifeq ($(origin KREL),undefined)
KREL := $(shell tools/vm/kernel-release)
endif
KDIR ?= /usr/src/linux-headers-$(KREL)
KBUILD := $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_VMBNET=m

KSRC = $(shell tools/kernel-source)
# tools/lib/vmbnet/include/ holds stand-ins for kernel headers, not our style.
OUR_C_FILES = $(filter-out tools/lib/vmbnet/include/%,$(shell git ls-files --cached --others --exclude-standard -- '*.c' '*.h'))

.PHONY: all modules tools clean install sparse checkpatch kunit check check-debug run help

all: modules tools

modules:
	$(KBUILD) modules

tools:
	$(MAKE) -C tools
	$(MAKE) -C selftests

clean:
	$(KBUILD) clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
	$(MAKE) -C tools/bench clean

install: modules
	$(KBUILD) modules_install
	depmod -a $(KREL)

# C=2 checks every object of ours whether or not it was rebuilt; only
# reports from our files count (kernel headers are not ours to fix). Its
# kbuild clean removes every *.o below, build/bpf's too: `make tools` again.
sparse:
	@$(KBUILD) clean >/dev/null
	@$(KBUILD) C=2 modules 2>&1 | tee sparse.log | \
		grep -E '^$(CURDIR)/|^(drivers|include)/' | \
		grep -E ': (warning|error):' && { rm -f sparse.log; exit 1; } || true
	@rm -f sparse.log
	@echo "sparse: clean"

# User space has no __printf() or u32 and rightly uses volatile sig_atomic_t; the
# compat header is where kernel versions are compared.
CHECKPATCH = perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse --show-types
USER_IGNORE = VOLATILE,PREFER_DEFINED_ATTRIBUTE_MACRO,EMBEDDED_FUNCTION_NAME,PREFER_KERNEL_TYPES
checkpatch:
	@out=$$( { $(CHECKPATCH) -f $(filter-out tools/% selftests/% drivers/net/vmbnet/compat.h,$(OUR_C_FILES)); \
		$(CHECKPATCH) --ignore LINUX_VERSION_CODE -f drivers/net/vmbnet/compat.h; \
		$(CHECKPATCH) --ignore $(USER_IGNORE) -f $(filter tools/% selftests/%,$(OUR_C_FILES)); } 2>&1 | \
		grep -E ': (ERROR|WARNING|CHECK):'); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	echo "checkpatch: clean ($(words $(OUR_C_FILES)) files)"

kunit:
	tools/kunit

check:
	tools/setup-deps
	tools/check

# Every selftest and every case (VMBNET_DEBUG_ALL=1), and vmbnet's KUnit
# suites as a module (kunit_debug.sh), on the debug kernel: KASAN, UBSAN,
# lockdep, kmemleak... (tools/vm/run --debug; the kernel is built once per
# machine, some 20 minutes cold). Fails on a failed case
# or a failed run (kernel report, vmbnet leak, crash). Log: build/check-debug.log
DEBUG_TESTS = $(filter-out kunit_debug.sh,$(shell sed -n 's/^TEST_PROGS := //p' selftests/Makefile)) kunit_debug.sh

check-debug:
	tools/setup-deps
	$(MAKE) tools
	@mkdir -p build
	@{ VMBNET_DEBUG_ALL=1 tools/vm/run --debug --vf 52:54:00:00:00:10 selftests/run_tests.sh $(DEBUG_TESTS) </dev/null 2>&1; \
		echo $$? >build/check-debug.status; } | tee build/check-debug.log
	@s=$$(cat build/check-debug.status); rm -f build/check-debug.status; \
		p=$$(grep -cE '^# ok [0-9]+ ' build/check-debug.log); \
		k=$$(grep -cE '^# ok [0-9]+ .*# SKIP' build/check-debug.log); \
		f=$$(grep -cE '^# not ok [0-9]+ ' build/check-debug.log); \
		echo "check-debug: $$((p - k)) passed, $$f failed, $$k skipped; VM run status $$s"; \
		[ "$$f" -eq 0 ] && [ "$$s" -eq 0 ]

run:
	tools/setup-deps
	$(MAKE) all
	tools/vm/run tools/vm/demo

help:
	@echo "make            build drivers/net/vmbnet/*.ko and the tools"
	@echo "make run        boot the test VM, load vmbnet, show it working"
	@echo "make check      every check and test; ends with 'N passed, N failed'"
	@echo "make check-debug every selftest and KUnit suite on the debug kernel (KASAN, lockdep, kmemleak)"
	@echo "make kunit      KUnit suites on UML (linux-source-6.1)"
	@echo "make sparse     sparse (C=2) on our objects"
	@echo "make checkpatch checkpatch.pl --strict on our C files"
	@echo "make install    install the modules into $(KDIR)'s module tree"
