#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries selftests: usage, errors, and that the binaries do not depend
# on where the project is checked out. kseries check keys its cached
# results on the binaries' sha256, so two clones of the project (say
# this one and CI's) must build the same bytes from the same tree.
#
# Needs an applied kernel tree and its installed headers: $KSERIES_TEST_TREE
# and $KSERIES_TEST_KERNEL (make test sets both), else <cache>/src and
# <cache>/build; without them the build tests are skipped.

REAL_CACHE=${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}
. "$(dirname "$0")/test-lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${KSERIES_TEST_TREE:-$REAL_CACHE/src}
if [ -n "${KSERIES_TEST_KERNEL:-}" ]; then
	BUILD=${KSERIES_TEST_KERNEL%/arch/x86/boot/bzImage}
else
	BUILD=$REAL_CACHE/build
fi
N=10

plan $N

ks selftests --help
check "selftests --help starts with the summary line" \
	sh -c "[ $rc = 0 ] && head -1 '$T/out.txt' | grep -q '^kseries selftests - '"
ks selftests --bogus
check "selftests: an unknown option is a usage error (129)" rc_is 129
ks selftests --tree "$T/nope" --build "$T/nope-build" --output "$T/o" project
check "selftests: no kernel tree is a clear error naming it (2)" \
	sh -c "[ $rc = 2 ] && grep -q '$T/nope' '$T/out.txt'"
ks selftests --tree="$T/nope" --build="$T/nope-build" --output="$T/o" -j2 base
check "selftests: the --opt=value forms are taken" \
	sh -c "[ $rc = 2 ] && grep -q '$T/nope' '$T/out.txt'"
ks selftests -j0
check "selftests: -j needs a positive number (129)" rc_is 129

if [ ! -f "$SRC/tools/testing/selftests/kvm/lib/kvm_util.c" ] ||
   [ ! -d "$BUILD/usr/include/linux" ]; then
	while [ $test_nr -lt $N ]; do
		test_nr=$((test_nr + 1))
		echo "ok $test_nr - project selftests from two checkouts # SKIP no applied tree and headers at $SRC, $BUILD"
	done
	done_testing
	exit
fi

# Two copies of the project's selftests at paths of different lengths.
for p in "$T/a/proj" "$T/bb/other-checkout"; do
	mkdir -p "$p/kernel-overlay"
	cp -R "$top/selftests" "$p/"
	cp "$top/kernel-overlay/init" "$p/kernel-overlay/"
done

# build NAME PROJECT: kseries selftests of PROJECT into $T/out-NAME.
build() {
	KSERIES_PROJECT=$2 "$KSERIES" selftests --tree "$SRC" \
		--build "$BUILD" --output "$T/out-$1" --log "$T/$1.log" \
		project >"$T/$1.txt" 2>&1
}
build a "$T/a/proj"
rc_a=$?
build bb "$T/bb/other-checkout"
rc_b=$?
check "both checkouts build the project selftests" \
	sh -c "[ $rc_a = 0 ] && [ $rc_b = 0 ] && [ -x '$T/out-a/project/smoke_test' ]"

same_bins() {
	n=0
	for f in "$T/out-a/project/"*_test; do
		[ -f "$f" ] || return 1
		cmp -s "$f" "$T/out-bb/project/${f##*/}" ||
			{ echo "differs: ${f##*/}"; return 1; }
		n=$((n + 1))
	done
	[ $n -gt 0 ]
}
check "the binaries are the same bytes whichever the checkout's path" \
	same_bins
check "no binary names either checkout's path" \
	sh -c "! grep -l -F -e '$T/a/proj' -e '$T/bb/other-checkout' \
		'$T/out-a/project/'*_test '$T/out-bb/project/'*_test"
check "the run order lists smoke_test first" \
	sh -c "head -1 '$T/out-a/project/list' | grep -qx smoke_test"

# A selftest that does not compile is a finding (1), not a failure (2).
printf 'int main(void) { return not_declared; }\n' \
	>"$T/a/proj/selftests/broken_test.c"
build a "$T/a/proj"
rc_a=$?
check "a selftest that does not compile: exit 1, the log named" \
	sh -c "[ $rc_a = 1 ] && grep -q '$T/a.log' '$T/a.txt'"

done_testing
