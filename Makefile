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

.PHONY: all modules tools clean install sparse checkpatch kunit check run help

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

install: modules
	$(KBUILD) modules_install
	depmod -a $(KREL)

# C=2 checks every object of ours whether or not it was rebuilt; only
# reports from our files count (kernel headers are not ours to fix).
sparse:
	@$(KBUILD) clean >/dev/null
	@$(KBUILD) C=2 modules 2>&1 | tee sparse.log | \
		grep -E '^$(CURDIR)/|^(drivers|include)/' | \
		grep -E ': (warning|error):' && { rm -f sparse.log; exit 1; } || true
	@rm -f sparse.log
	@echo "sparse: clean"

checkpatch:
	@out=$$(perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse \
		--show-types -f $(OUR_C_FILES) 2>&1 | \
		grep -E ': (ERROR|WARNING|CHECK):'); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	echo "checkpatch: clean ($(words $(OUR_C_FILES)) files)"

kunit:
	tools/kunit

check:
	tools/setup-deps
	tools/check

run:
	tools/setup-deps
	$(MAKE) all
	tools/vm/run tools/vm/demo

help:
	@echo "make            build drivers/net/vmbnet/*.ko and the tools"
	@echo "make run        boot the test VM, load vmbnet, show it working"
	@echo "make check      every check and test; ends with 'N passed, N failed'"
	@echo "make kunit      KUnit suites on UML (linux-source-6.1)"
	@echo "make sparse     sparse (C=2) on our objects"
	@echo "make checkpatch checkpatch.pl --strict on our C files"
	@echo "make install    install the modules into $(KDIR)'s module tree"
