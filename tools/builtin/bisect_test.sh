#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries bisect: what it refuses before any build (a bisection already
# in progress, a step in a tree without git). Bisections that build and
# boot are not run here.

. "$(dirname "$0")/test-lib.sh"

plan 4

make_tarball
make_project
mkdir -p "$T/proj/kernel-overlay/config"
echo "CONFIG_KVM=y" >"$T/proj/kernel-overlay/config/kvm.config"
ks apply
src="$KSERIES_CACHE/src"

check "bisect --help starts with the summary line" \
	sh -c '"$KSERIES" bisect --help | head -1 | grep -q "^kseries bisect - "'

: >"$src/.git/BISECT_START"
ks bisect --cmd true --build "$T/build-out"
check "a bisection in progress in the tree is refused (2)" \
	sh -c "[ $rc = 2 ] && grep -q \"^kseries: error: a bisection is in progress in $src: finish it or run 'git bisect reset' there\\\$\" '$T/out.txt'"
check "... before anything is built" [ ! -e "$T/build-out/.config" ]
rm -f "$src/.git/BISECT_START"

mkdir -p "$T/plain" "$T/state"
ks bisect --run-step --state "$T/state" --cmd true --tree "$T/plain" \
	--build "$T/build-out"
check "a step in a tree without git cannot read HEAD (128)" \
	sh -c "[ $rc = 128 ] && grep -q '^kseries: error: cannot read HEAD in $T/plain\$' '$T/out.txt'"

done_testing
