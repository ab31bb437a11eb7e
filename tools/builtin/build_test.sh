#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries build: usage, and the exit status that tells the build's
# findings (1: the config or the code does not build) from the tool's
# failures (2: no tree, no build directory, bad distcc hosts). On small
# fake trees: no kernel is built here (distcc_test.sh builds real ones).

. "$(dirname "$0")/test-lib.sh"

plan 7

check "build --help starts with the summary line" \
	sh -c '"$KSERIES" build --help | head -1 | grep -q "^kseries build - "'
ks build --bogus
check "build: an unknown option is a usage error (129)" rc_is 129

ks build --tree "$T/nope" --build "$T/b"
check "build: no kernel tree: the tool could not do its job (2)" \
	sh -c "[ $rc = 2 ] && grep -q \"no kernel tree at $T/nope\" '$T/out.txt'"

# A "kernel tree" whose config step fails: kbuild ran, the tree is wrong.
tree="$T/tree"
mkdir -p "$tree" "$T/proj/kernel-overlay/config"
: >"$tree/Kconfig"
printf 'tinyconfig:\n\t@echo "no config here" >&2; exit 2\n' >"$tree/Makefile"
echo 'CONFIG_X=y' >"$T/proj/kernel-overlay/config/a.config"
touch "$T/proj/series"
ks build --tree "$tree" --build "$T/b1" --log "$T/b1.log"
check "build: a config that fails is a finding (1), the log named" \
	sh -c "[ $rc = 1 ] && grep -q '$T/b1.log' '$T/out.txt'"

: >"$T/file"
ks build --tree "$tree" --build "$T/file/sub" --log "$T/b2.log"
check "build: a build directory that cannot be made (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'cannot create $T/file/sub' '$T/out.txt'"

ks build --tree "$tree" --build "$T/b3" --distcc 'host/x'
check "build: a malformed --distcc host is a usage error (129)" rc_is 129

ks -q build --tree "$tree" --build "$T/b4" --log "$T/b4.log"
check "build -q: the failure is still said, the notes are not" \
	sh -c "[ $rc = 1 ] && grep -q 'error' '$T/out.txt' && ! grep -q '^kseries: building' '$T/out.txt'"

done_testing
