#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries coverage: usage and errors always, and the coverage work tree
# with its Makefile marks on the small fixture tree (fast, no kernel:
# the fixture's build fails at tinyconfig, after the work tree). With
# $KSERIES_TEST_COVERAGE_CACHE, a cache where 'kseries coverage' has
# built the coverage kernel once (KSERIES_CACHE of that run: the kernel
# tree, selftests/, coverage/src and coverage/build), the real thing
# with --no-build and two tests, smoke_test and the lockdown test (a
# boot each, with ks.gcov): the guest's gcov data back from both, the
# lockdown boot's too (kernel-overlay/coverage/gcov-data-readonly.patch),
# the report in text, JSON and HTML; then --no-boot
# reports again from that data. About 40 s under TCG; the cache is only
# read.

. "$(dirname "$0")/test-lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
C=${KSERIES_TEST_COVERAGE_CACHE:-}

plan 30

skip() {
	test_nr=$((test_nr + 1))
	echo "ok $test_nr - $1 # SKIP $2"
}

check "coverage --help starts with the summary line" \
	sh -c '"$KSERIES" coverage --help | head -1 | grep -q "^kseries coverage - "'
ks coverage --bogus
check "coverage: an unknown option is a usage error (129)" rc_is 129
ks coverage --no-boot --tests project/smoke_test
check "coverage: --tests with --no-boot is a usage error (129)" rc_is 129
ks coverage --kvm --no-kvm
check "coverage: --kvm and --no-kvm exclude each other (129)" rc_is 129
ks coverage --jobs x
check "coverage: --jobs needs a number (129)" rc_is 129
ks coverage --no-build --no-boot
check "coverage: no kernel tree is a clear error (2)" \
	sh -c "[ $rc = 2 ] && grep -q \"no kernel tree .*run 'kseries apply' first\" '$T/out.txt'"
mkdir -p "$KSERIES_CACHE/build-coverage/arch"
ks coverage --no-build --no-boot
check "coverage: the build directory of earlier versions is removed, said" \
	sh -c "[ ! -e '$KSERIES_CACHE/build-coverage' ] && grep -q 'removing .*build-coverage (earlier versions. build directory)' '$T/out.txt'"
ks coverage --no-build --jobs=2 --test-timeout=60 --tests=project/smoke_test
check "coverage: the --opt=value forms are taken (then: no tree, 2)" \
	sh -c "[ $rc = 2 ] && grep -q 'no kernel tree' '$T/out.txt'"
ks coverage --test-timeout=-1
check "coverage: --test-timeout needs seconds above 0 (129)" rc_is 129

# The guest's side: ks.gcov is only acted on when asked for.
check "init: sends gcov only with ks.gcov, before 'done'" \
	sh -c "grep -q 'ks.gcov) gcov=1' '$top/kernel-overlay/init' &&
	       grep -A1 '^finish()' '$top/kernel-overlay/init' | grep -q 'send_gcov'"
check "the coverage fragment is not merged into the normal build" \
	sh -c "[ -f '$top/kernel-overlay/coverage/gcov.config' ] &&
	       ! grep -q GCOV '$top'/kernel-overlay/config/*.config"

# The fixture: a base with arch/x86/kvm/Makefile, three patches.
make_tarball
printf 'obj-y += x86.o\n' >"$T/build/linux-0.1/arch/x86/kvm/Makefile"
(cd "$T/build" && tar cJf "$T/base.tar.xz" linux-0.1)
make_project
ks apply
make_patches
ks apply
mkdir -p "$T/proj/kernel-overlay/config" "$T/proj/kernel-overlay/coverage"
echo 'CONFIG_X=y' >"$T/proj/kernel-overlay/config/a.config"
cp "$top/kernel-overlay/coverage/gcov.config" "$T/proj/kernel-overlay/coverage/"
# An instrumentation patch of the coverage work tree only (as
# gcov-data-readonly.patch is for the real one).
cat >"$T/proj/kernel-overlay/coverage/fixture.patch" <<'EOF'
# comment lines before the diff are allowed
diff --git a/scripts/build.sh b/scripts/build.sh
--- a/scripts/build.sh
+++ b/scripts/build.sh
@@ -1,2 +1,3 @@
 #!/bin/sh
 echo build
+echo coverage
EOF
src=$KSERIES_CACHE/src
wt=$KSERIES_CACHE/coverage/src
marks() {
	grep -c '^GCOV_PROFILE := y # kseries coverage$' "$wt/arch/x86/kvm/Makefile"
}
ks coverage --jobs 1
check "fixture: the build fails (no kernel Makefile), exit 2" \
	sh -c "[ $rc = 2 ] && grep -q 'make tinyconfig failed' '$T/out.txt'"
check "fixture: a work tree of the kernel tree at the tip" \
	[ "$(git -C "$wt" rev-parse HEAD)" = "$(git -C "$src" rev-parse series)" ]
check "fixture: arch/x86/kvm/Makefile there profiles the directory" \
	[ "$(marks)" = 1 ]
check "fixture: the kernel tree itself is untouched" \
	sh -c "! grep -q GCOV '$src/arch/x86/kvm/Makefile' &&
	       [ -z \"\$(git -C '$src' status --porcelain)\" ]"
check "fixture: the coverage patch is applied to the work tree" \
	sh -c "grep -q 'applying .*fixture.patch' '$T/out.txt' &&
	       [ \"\$(grep -c '^echo coverage' '$wt/scripts/build.sh')\" = 1 ] &&
	       ! grep -q coverage '$src/scripts/build.sh'"
ks coverage --jobs 1
check "fixture: a second run adds no second mark" [ "$(marks)" = 1 ]
check "fixture: a second run applies the patch no second time" \
	sh -c "! grep -q 'applying' '$T/out.txt' &&
	       [ \"\$(grep -c '^echo coverage' '$wt/scripts/build.sh')\" = 1 ]"
printf 'diff --git a/scripts/build.sh b/scripts/build.sh\n--- a/scripts/build.sh\n+++ b/scripts/build.sh\n@@ -1,2 +1,3 @@\n #!/bin/sh\n echo nothing\n+echo more\n' \
	>"$T/proj/kernel-overlay/coverage/zz-bad.patch"
ks coverage --jobs 1
check "fixture: a coverage patch that does not apply stops it, named (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'zz-bad.patch does not apply' '$T/out.txt' &&
	       ! grep -q 'make tinyconfig' '$T/out.txt'"
rm "$T/proj/kernel-overlay/coverage/zz-bad.patch"
rm -rf "$src/.git/worktrees"
ks coverage --jobs 1
check "fixture: a work tree its repository forgot is made again" \
	sh -c "grep -q 'making it again' '$T/out.txt' && [ \"$(marks)\" = 1 ] &&
	       [ -n \"\$(git -C '$src' worktree list | grep coverage/src)\" ]"

if [ -z "$C" ] || [ ! -f "$C/coverage/build/arch/x86/boot/bzImage" ]; then
	for d in "real boot: exit 0" "real boot: gcov data received" \
		"real boot: the table has topics and a total" \
		"real boot: JSON has patches and topics" \
		"real boot: HTML highlights executed lines" \
		"real boot: some added line executed" \
		"real boot: the lockdown boot brings its gcov data too" \
		"--no-boot: the same report from the kept data" \
		"--no-boot: the normal build was not touched" \
		"--no-boot without data: exit 2"; do
		skip "$d" "no KSERIES_TEST_COVERAGE_CACHE with a coverage build"
	done
	done_testing
	exit
fi

before=$(ls -l --time-style=+%s "$C/build/arch/x86/boot/bzImage" 2>/dev/null)
export KSERIES_PROJECT="$top"
KSERIES_CACHE="$C" ks coverage --no-build \
	--tests project/smoke_test,project/vfio_noiommu_lockdown_test
cp "$T/out.txt" "$T/real.txt"
check "real boot: exit 0" rc_is 0
check "real boot: gcov data received" grep -q "gcov data received" "$T/real.txt"
check "real boot: the table has topics and a total" \
	sh -c "grep -q '^emulation-failure ' '$T/real.txt' && grep -q '^total ' '$T/real.txt'"
R=$KSERIES_OUT/coverage
check "real boot: JSON has patches and topics" \
	sh -c "grep -q '\"patches\":\[{\"index\":1,' '$R/coverage.json' &&
	       grep -q '\"topics\":\[{\"name\":\"emulation-failure\"' '$R/coverage.json' &&
	       grep -q '\"gcov\":true' '$R/coverage.json'"
check "real boot: HTML highlights executed lines" \
	grep -q '<span class="x">' "$R/coverage.html"
check "real boot: some added line executed" \
	sh -c "grep -q '\"total\":{\"added\":[1-9][0-9]*,\"executable\":[1-9][0-9]*,\"executed\":[1-9]' '$R/coverage.json'"
check "real boot: the lockdown boot brings its gcov data too" \
	sh -c "! grep -q 'do not count' '$T/real.txt' &&
	       [ \"\$(grep -o '\"gcov\":true' '$R/coverage.json' | wc -l)\" = 2 ]"
KSERIES_CACHE="$C" ks coverage --no-build --no-boot
grep '^total ' "$T/real.txt" >"$T/total.real"
grep '^total ' "$T/out.txt" >"$T/total.again"
check "--no-boot: the same report from the kept data" \
	sh -c "[ $rc = 0 ] && [ -s '$T/total.real' ] && cmp -s '$T/total.real' '$T/total.again'"
after=$(ls -l --time-style=+%s "$C/build/arch/x86/boot/bzImage" 2>/dev/null)
check "--no-boot: the normal build was not touched" [ "$before" = "$after" ]
rm -rf "$R/gcda"
KSERIES_CACHE="$C" ks coverage --no-build --no-boot
check "--no-boot without data: exit 2" \
	sh -c "[ $rc = 2 ] && grep -q 'no gcov data' '$T/out.txt'"

done_testing
