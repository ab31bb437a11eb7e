# SPDX-License-Identifier: GPL-2.0
#
# The KVM series on Linux 5.10.262: fetch the pinned base, apply the
# series, build, boot in QEMU and run the selftests in the guest.
#
#   make            set up, then fetch + apply + kernel + selftests + boot,
#                   ending with the guest's per-test results
#   make test       the project's tests (unit, integration, end to end,
#                   per-patch check), ending with "N passed, N failed"
#
# Every step is a kseries subcommand (tools/builtin/NAME.c); this file
# only orders them. Outputs: out/ (tools, logs, reports) and the cache
# ($KSERIES_CACHE, default ~/.cache/kseries: downloads, kernel tree, builds).

KSERIES := out/tools/kseries
Q := @
SAY = @printf '\n==> %s\n' 

all: deps tools
	$(SAY)"fetch: the pinned base (Linux 5.10.262, sha256-verified)"
	$(Q)$(KSERIES) fetch
	$(SAY)"apply: the series, one commit per patch"
	$(Q)$(KSERIES) apply
	$(SAY)"kernel: configure and build (O= build dir, ccache)"
	$(Q)$(KSERIES) build
	$(SAY)"selftests: build the project's and the base's KVM selftests"
	$(Q)$(KSERIES) selftests
	$(SAY)"boot: run the selftests in a QEMU guest"
	$(Q)$(KSERIES) boot

deps:
	$(Q)ci/deps

tools: deps
	$(Q)$(MAKE) -s -C tools

fetch: tools
	$(Q)$(KSERIES) fetch

apply: tools
	$(Q)$(KSERIES) apply

export: tools
	$(Q)$(KSERIES) export

status: tools
	$(Q)$(KSERIES) status

kernel: tools
	$(Q)$(KSERIES) build

selftests: tools
	$(Q)$(KSERIES) selftests

boot: tools
	$(Q)$(KSERIES) boot

check-series: tools
	$(Q)$(KSERIES) check

# Which lines each patch adds the selftests execute: a gcov build of the
# tip in its own work tree and build directory (kseries coverage).
coverage: tools
	$(Q)$(KSERIES) apply
	$(Q)$(KSERIES) selftests
	$(Q)$(KSERIES) coverage

# The selftests under a debug kernel (KASAN, UBSAN, lockdep, ...) at the
# base and at the tip: a report the tip adds fails (ci/check-debug).
check-debug: deps tools
	$(Q)ci/check-debug

lint: tools
	$(Q)$(KSERIES) lint

test: deps tools
	$(Q)set -o pipefail 2>/dev/null; ci/test 2>&1 | ci/tap-summary

bench: deps tools
	$(Q)ci/bench

fuzz: deps
	$(Q)$(MAKE) -s -C tools fuzz

clean:
	rm -rf out

.PHONY: all deps tools fetch apply export status kernel selftests boot \
	check-series check-debug coverage lint test bench fuzz clean
SHELL := /bin/bash
