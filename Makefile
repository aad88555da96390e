# SPDX-License-Identifier: GPL-2.0
#
# netconsole-rs. The module itself is built by Kbuild (see Kbuild); this file is the project's
# front door:
#
#   make              build netconsole.ko against KDIR (default: the project's test kernel,
#                     built on first use; needs `make bootstrap` once)
#   make KDIR=<dir>   build against another Rust-enabled kernel build tree
#   make check        bootstrap, build everything, run all tests (host and in-guest), and a
#                     bounded sanitizer run (NC_CHECK_DEBUG=0 leaves it out)
#   make check-debug  the sanitizer kernel (clang, KASAN, kmemleak, lockdep, failslab) and
#                     the long run under it: torture for NC_TORTURE_SECONDS (default 300),
#                     hostile configfs input, fault injection, more guest tests, both modules
#   make demo         boot the test kernel and watch its log arrive over UDP
#   make bench        compare with the kernel's C netconsole in one guest boot: table,
#                     build/bench/results.json, plots (BENCH_ARGS=--short: seconds-long mode;
#                     --mem: the memory phases only)
#   make clippy       the module with CLIPPY=1, and cargo clippy on the host crates
#   make fmt          rustfmt the sources
#   make install      build against the running kernel (or KVER=<release>, or KDIR=<dir>) and
#                     install netconsole.ko into /lib/modules/<release>/updates/ through the
#                     kernel's modules_install (INSTALL_MOD_PATH=<root> installs elsewhere);
#                     modules_install is the same

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TOOLCHAIN := . $(TOP)/scripts/lib.sh && . $(TOP)/scripts/toolchain.sh
# KDIR is resolved when a recipe runs, so that `make clean` never builds a kernel.
KDIR_CMD := $(if $(KDIR),echo $(KDIR),bash $(TOP)/scripts/build-kernel.sh)

.PHONY: all module bootstrap kernel kernel-debug check check-debug demo bench clippy fmt fmt-check clean install modules_install

all: module

# Warnings fail the build: the module must build clean (and clippy-clean with CLIPPY=1).
# A kernel built with clang (the debug flavour) needs LLVM=1 for its modules too.
module:
	@$(TOOLCHAIN) && kdir=$$($(KDIR_CMD)) && \
	if grep -qx CONFIG_CC_IS_CLANG=y "$$kdir/.config"; then NC_KMAKE_FLAGS="$$NC_KMAKE_FLAGS LLVM=1"; fi && \
	step module make -C "$$kdir" M=$(TOP) $$NC_KMAKE_FLAGS \
		$(if $(CLIPPY),CLIPPY=1 CLIPPY_DRIVER=$${NC_CLIPPY_DRIVER:-clippy-driver}) modules && \
	if grep -vE '^make\[[0-9]+\]: warning: jobserver' "$$NC_LOGS/module.log" | \
		grep -qE '(^|: )(warning|error)'; then \
		grep -E -A12 '(^|: )(warning|error)' "$$NC_LOGS/module.log"; \
		echo "error: the module build has warnings (full log: $$NC_LOGS/module.log)"; exit 1; \
	fi && echo "built $(TOP)/netconsole.ko against $$kdir"

# Installing is for a real kernel: KDIR defaults to the running kernel's (or KVER's) build tree,
# not to the test kernel. The release directory is KDIR's kernel release.
KVER ?= $(shell uname -r)
INSTALL_KDIR = $(or $(KDIR),/lib/modules/$(KVER)/build)

install modules_install:
	@$(MAKE) --no-print-directory module KDIR=$(INSTALL_KDIR)
	@$(TOOLCHAIN) && make -C $(INSTALL_KDIR) M=$(TOP) $$NC_KMAKE_FLAGS INSTALL_MOD_DIR=updates \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH)) modules_install

bootstrap:
	bash scripts/bootstrap.sh

kernel: bootstrap
	bash scripts/build-kernel.sh

check: bootstrap
	bash tests/check.sh $(ARGS)

kernel-debug: bootstrap
	bash scripts/build-kernel.sh debug

check-debug: bootstrap
	bash tests/check-debug.sh --full $(ARGS)

demo: bootstrap
	bash scripts/demo.sh

bench: bootstrap
	bash scripts/bench.sh $(BENCH_ARGS)

clippy:
	$(MAKE) module CLIPPY=1
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	/usr/bin/rustfmt --edition 2021 src/netconsole.rs
	cargo fmt --all

fmt-check:
	/usr/bin/rustfmt --edition 2021 --check src/netconsole.rs
	cargo fmt --all --check

clean:
	@$(TOOLCHAIN) && kdir=$$(ls -d "$$NC_KCACHE"/test-* 2>/dev/null | head -n 1) && \
	if [ -n "$$kdir" ]; then make -C "$$kdir" M=$(TOP) clean >/dev/null; fi
	rm -f rust-bindings/bindings_generated.rs
	cargo clean 2>/dev/null || true
