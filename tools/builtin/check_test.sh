#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries check and bisect on a throwaway series of planted faults, made
# here (never in 'series'): a git worktree of the kernel tree at 'base'
# (<fixture>/src, built in <fixture>/build: the same layout as the main
# tree, so ccache shares the objects) with nine commits:
#
#   1 harmless           4 breaks the build   7 undoes 6
#   2 adds a warning     5 fixes it           8 breaks the smoke test
#   3 harmless           6 panics at boot     9 documentation only
#
# Then static analysis, on four other commits on 'base', build only:
#
#   1 a sparse warning (a __user pointer dereferenced)
#   2 a coccinelle report (free/ifnullfree)
#   3 a W=1 warning (-Wunused-but-set-variable)
#   4 fixes 2's report
#
# flagged at exactly 1, 2 and 3, each for its kind; 4 shows the fix.
#
# 'kseries check' must flag exactly 2, 4, 6 and 8 (3 must not count 2's
# warning as fixed: ctype.o is not rebuilt there; 9 is not built at
# all: no input of the image changed), put the tree back, cache its
# results by tree (a re-run builds nothing, nor does rewording a commit
# message; changing the last commit redoes only that one), and 'kseries
# bisect' must name 8 in at most ceil(log2(9 + 1)) + 1 = 5 build steps.
#
# Needs the kernel tree: $KSERIES_TEST_TREE or <cache>/src ('kseries
# apply'), and QEMU; otherwise those tests are skipped. The fixture
# lives in $KSERIES_TEST_FIXTURE (default <cache>/check-fixture) and is
# kept between runs as a build cache; check results go to a throwaway
# cache. The smoke test binary comes from $KSERIES_TEST_SELFTESTS or
# <cache>/selftests, else it is built from the fixture tree.

REAL_CACHE=${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}
# test-lib.sh moves HOME: keep ccache's cache and configuration.
if command -v ccache >/dev/null 2>&1; then
	CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir 2>/dev/null)}
	[ -n "$CCACHE_DIR" ] && export CCACHE_DIR
	conf=${CCACHE_CONFIGPATH:-${XDG_CONFIG_HOME:-$HOME/.config}/ccache/ccache.conf}
	[ -f "$conf" ] && export CCACHE_CONFIGPATH="$conf"
fi
. "$(dirname "$0")/test-lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${KSERIES_TEST_TREE:-$REAL_CACHE/src}
FIX=${KSERIES_TEST_FIXTURE:-$REAL_CACHE/check-fixture}
W=$FIX/src
B=$FIX/build
ST=$T/st
N=48

plan $N

skip() {
	test_nr=$((test_nr + 1))
	echo "ok $test_nr - $1 # SKIP $2"
}

skip_rest() {
	while [ $test_nr -lt $N ]; do
		skip "check and bisect on the fixture series" "$1"
	done
	done_testing
	exit
}

# Usage, always.
for c in check bisect; do
	check "$c --help starts with the summary line" \
		sh -c '"$KSERIES" '$c' --help | head -1 | grep -q "^kseries '$c' - "'
	ks $c --bogus
	check "$c: an unknown option is a usage error (129)" rc_is 129
done
ks bisect --good base
check "bisect: needs --test or --cmd (129)" rc_is 129
ks check --tree "$T/nope"
check "check: no kernel tree is a clear error (2, not 1: no finding)" \
	sh -c "[ $rc = 2 ] && grep -q 'no kernel tree at $T/nope' '$T/out.txt'"

if ! git -C "$SRC" rev-parse -q --verify 'refs/tags/base^{commit}' \
		>/dev/null 2>&1; then
	skip_rest "no kernel tree ($SRC): run 'kseries apply' or set KSERIES_TEST_TREE"
fi
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	skip_rest "no qemu-system-x86_64"
fi

# The project: the real config, init, known failures; a slow-tests list.
mkdir -p "$T/proj/kernel-overlay" "$T/proj/selftests" "$T/proj/patches"
cp -r "$top/kernel-overlay/config" "$T/proj/kernel-overlay/"
cp "$top/kernel-overlay/init" "$T/proj/kernel-overlay/init"
printf 'sh/never_test\tSKIP not run unless named\n' \
	>"$T/proj/selftests/known-failures"
printf 'sh/slow_test\tslow on purpose\n' >"$T/proj/selftests/slow-tests"

# The worktree, made once and reused (a build cache), reset to 'base'.
common=$(git -C "$W" rev-parse --git-common-dir 2>/dev/null)
if [ -d "$W" ] && [ "$(cd "$W" && cd "$common" 2>/dev/null && pwd)" = \
		"$(cd "$SRC" && cd "$(git rev-parse --git-common-dir)" && pwd)" ]; then
	git -C "$W" bisect reset -q >/dev/null 2>&1
	rm -f "$(git -C "$W" rev-parse --git-dir)/kseries-walk"
	git -C "$W" reset -q --hard && git -C "$W" checkout -q --detach base
else
	rm -rf "$W"
	git -C "$SRC" worktree prune
	mkdir -p "$FIX"
	git -C "$SRC" worktree add -q --detach "$W" base
fi
mkdir -p "$B"

GIT_AUTHOR_NAME="KVM Series Maintainers"
GIT_AUTHOR_EMAIL="maintainers@kvm-series.invalid"
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
GIT_AUTHOR_DATE="1700000000 +0000"
GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE

# fx FILE SUBJECT: commit FILE as one fixture patch.
fx() {
	git -C "$W" add "$1" &&
	git -C "$W" commit -q -m "$2" -m "Planted by check_test.sh." -- "$1"
}

printf '/* kseries check fixture: harmless */\n' >>"$W/lib/errseq.c"
fx lib/errseq.c "lib/errseq: fixture: a harmless comment"
printf '\nstatic int fixture_unused(void)\n{\n\treturn 0;\n}\n' \
	>>"$W/lib/ctype.c"
fx lib/ctype.c "lib/ctype: fixture: add a compiler warning"
printf '/* kseries check fixture: harmless */\n' >>"$W/lib/bsearch.c"
fx lib/bsearch.c "lib/bsearch: fixture: a harmless comment"
printf 'int fixture_broken = ;\n' >>"$W/lib/cmdline.c"
fx lib/cmdline.c "lib/cmdline: fixture: break the build"
git -C "$W" show HEAD~1:lib/cmdline.c >"$W/lib/cmdline.c"
fx lib/cmdline.c "lib/cmdline: fixture: fix the build"
cat >>"$W/lib/bcd.c" <<'EOF'

#include <linux/init.h>
#include <linux/kernel.h>

static int __init fixture_panic(void)
{
	panic("kseries fixture: planted panic");
	return 0;
}
late_initcall(fixture_panic);
EOF
fx lib/bcd.c "lib/bcd: fixture: panic at boot"
git -C "$W" show HEAD~1:lib/bcd.c >"$W/lib/bcd.c"
fx lib/bcd.c "lib/bcd: fixture: do not panic"
sed -i 's/sregs->efer = vcpu->arch.efer;/sregs->efer = vcpu->arch.efer \& ~EFER_LMA;/' \
	"$W/arch/x86/kvm/x86.c"
fx arch/x86/kvm/x86.c "KVM: x86: fixture: hide EFER.LMA from KVM_GET_SREGS"
printf '\nkseries check fixture: documentation only.\n' \
	>>"$W/Documentation/core-api/errseq.rst"
fx Documentation/core-api/errseq.rst "docs: errseq: fixture: documentation only"
git -C "$W" format-patch -q -o "$T/proj/patches" base..HEAD
(cd "$T/proj/patches" && ls) >"$T/proj/series"
tip=$(git -C "$W" rev-parse HEAD)
check "fixture: nine commits on base" \
	[ "$(git -C "$W" rev-list --count base..HEAD)" = 9 ]

# The tests: the real smoke test, and a slow one run only at the ends.
mkdir -p "$ST/project" "$ST/sh"
smoke=
for d in "${KSERIES_TEST_SELFTESTS:-}" "$REAL_CACHE/selftests"; do
	if [ -n "$d" ] && [ -x "$d/project/smoke_test" ]; then
		smoke=$d/project/smoke_test
		break
	fi
done
if [ -z "$smoke" ]; then
	make -s -C "$W" O="$B" headers_install >"$T/hdr.log" 2>&1 &&
	make -s -C "$top/selftests" KTREE="$W" KHDR="$B/usr" \
		OUTPUT="$T/stb" "$T/stb/project/smoke_test" \
		>"$T/stb.log" 2>&1 &&
	smoke=$T/stb/project/smoke_test
fi
[ -n "$smoke" ] || skip_rest "cannot build the smoke test (see $T/stb.log)"
cp "$smoke" "$ST/project/smoke_test"
echo smoke_test >"$ST/project/list"
printf '#!/bin/sh\necho slow but fine\n' >"$ST/sh/slow_test"
chmod 755 "$ST/sh/slow_test"
printf '#!/bin/sh\necho never to be run; exit 1\n' >"$ST/sh/never_test"
chmod 755 "$ST/sh/never_test"
printf 'slow_test\nnever_test\n' >"$ST/sh/list"

CK="--tree $W --build $B --tests-dir $ST"
start=$(date +%s)
"$KSERIES" check $CK --tap >"$T/tap1" 2>"$T/err1"
rc=$?
took1=$(( $(date +%s) - start ))
echo "# first check: ${took1}s"
check "check: exit 1 (patches flagged)" rc_is 1
flagged=$(grep '^not ok' "$T/tap1" | sed 's/^not ok \([0-9]*\) .*/\1/' | tr '\n' ' ')
check "check: exactly patches 2, 4, 6 and 8 are flagged (got: $flagged)" \
	[ "$flagged" = "2 4 6 8 " ]
check "check: 2 adds the warning, by file and message" \
	grep -q "^not ok 2 - 0002 lib/ctype: fixture: add a compiler warning # 1 new warning$" "$T/tap1"
check "check: the warning is quoted with its file" \
	grep -q "+ warning: lib/ctype.c: 'fixture_unused' defined but not used \[-Wunused-function\]" "$T/tap1"
check "check: 3 (ctype.o not rebuilt) does not count it as fixed" \
	sh -c "grep -q '^# 0003 lib/bsearch: fixture: .* ok  *\\.  *\\.  *\\.  *\\. ok  ' '$T/tap1' && ! grep -q 'warning (fixed)' '$T/tap1'"
check "check: 4 fails to build, with the compiler's error" \
	sh -c "grep -q '^not ok 4 - 0004 .* # build failed$' '$T/tap1' && grep -q 'lib/cmdline.c.*error: expected expression' '$T/tap1'"
check "check: 6 panics, with the panic quoted" \
	sh -c "grep -q '^not ok 6 - 0006 .* # boot: panic$' '$T/tap1' && grep -q 'Kernel panic - not syncing: kseries fixture: planted panic' '$T/tap1'"
check "check: 8 regresses the smoke test, its output quoted" \
	sh -c "grep -q '^not ok 8 - 0008 .* # project/smoke_test PASS->FAIL$' '$T/tap1' && grep -q 'not in long mode' '$T/tap1'"
check "check: the slow test runs at the first and last commit only" \
	sh -c "grep -q '^# 0000 (base) .* PP *\$' '$T/tap1' && grep -q '^# 0009 .* FP *\$' '$T/tap1' && grep -q '^# 0001 .* P- *\$' '$T/tap1'"
check "check: a test known-failures marks SKIP is not run" \
	sh -c "! grep -q never_test '$T/tap1' && ! grep -q never_test '$KSERIES_OUT/check/check.json'"
check "check: rows name their patch files" \
	grep -q '0008 KVM: x86: fixture: hide EFER.LMA from KVM_GET_SREGS (.*) patches/0008-KVM-x86-fixture-hide-EFER.LMA-from-KVM_GET_SREGS.patch' "$T/tap1"
check "check: progress a patch, with elapsed time" \
	sh -c "grep -q '^\[8/9\] 0008 KVM: x86: fixture' '$T/err1' && grep -q '=> FLAGGED: project/smoke_test PASS->FAIL (.* elapsed)' '$T/err1'"
check "check: JSON and JUnit reports" \
	sh -c "grep -q '\"flagged\":4,' '$KSERIES_OUT/check/check.json' && grep -c '<testsuite ' '$KSERIES_OUT/check/junit.xml' | grep -qx 10 && grep -q 'failures=\"4\"' '$KSERIES_OUT/check/junit.xml'"
check "check: check.json loads, a row per commit, judged as the TAP says" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["patches"]; assert [x["index"] for x in p]==list(range(10)), p; assert [i for i,x in enumerate(p) if x["flagged"]]==[2,4,6,8], d; assert d["flagged"]==4; assert p[4]["build"]["status"]=="fail" and p[4]["boot"] is None and p[4]["build"]["errors"]; assert p[9]["build"]["same_build"]==p[8]["commit"], p[9]; assert all(isinstance(x["total_secs"], float) and x["total_secs"]>0 for x in p), p' "$KSERIES_OUT/check/check.json"
check "check: kbuild's own messages stay hidden (the progress says it)" \
	sh -c "! grep -q -e '^kseries: config: ' -e '^kseries: build: ' -e 'kernel build failed' -e '^The complete output is in' '$T/err1'"
check "check: 9 (documentation only) is not built, its image booted" \
	sh -c "sed -n '/^\[9\/9\] 0009/,\$p' '$T/err1' | grep -q '^      not built: no input of the image differs from' && ! sed -n '/^\[9\/9\] 0009/,\$p' '$T/err1' | grep -q '^      building' && grep -q '^ok 9 - 0009 docs: errseq: fixture: documentation only$' '$T/tap1'"
check "check: the work tree is back at the tip, clean, nothing left" \
	sh -c "[ \"\$(git -C '$W' rev-parse HEAD)\" = $tip ] && [ -z \"\$(git -C '$W' status --porcelain -uno)\" ] && [ ! -e \"\$(git -C '$W' rev-parse --git-dir)/kseries-walk\" ]"

start=$(date +%s)
"$KSERIES" check $CK --tap >"$T/tap2" 2>"$T/err2"
rc=$?
took2=$(( $(date +%s) - start ))
check "check again: the same verdicts, all 10 from the cache (${took2}s)" \
	sh -c "[ $rc = 1 ] && diff '$T/tap1' '$T/tap2' >/dev/null && [ \$(grep -c '(cached, was' '$T/err2') = 10 ] && ! grep -q '^      building' '$T/err2'"

# Reword the last commit's message: the same tree, so the same results.
git -C "$W" commit -q --amend -m "docs: errseq: fixture: documentation only, reworded" \
	-m "Planted by check_test.sh."
"$KSERIES" check $CK --tap >"$T/tapr" 2>"$T/errr"
rc=$?
check "check after rewording a commit: all 10 from the cache, the new subject shown" \
	sh -c "[ $rc = 1 ] && [ \$(grep -c '(cached, was' '$T/errr') = 10 ] && ! grep -q '^      building' '$T/errr' && grep -q '^ok 9 - 0009 docs: errseq: fixture: documentation only, reworded$' '$T/tapr'"

# Change only the last patch: only it is checked again.
printf '/* kseries check fixture: harmless, changed */\n' >>"$W/lib/errseq.c"
git -C "$W" add lib/errseq.c && git -C "$W" commit -q --amend --no-edit
"$KSERIES" check $CK --tap >"$T/tap3" 2>"$T/err3"
rc=$?
check "check after changing the last patch: only it is redone" \
	sh -c "[ $rc = 1 ] && [ \$(grep -c '(cached, was' '$T/err3') = 9 ] && [ \$(grep -c '^      building' '$T/err3') = 1 ] && grep -q '^ok 9 - 0009' '$T/tap3'"

"$KSERIES" check $CK --from HEAD~3 --to HEAD~2 --build-only >"$T/out4" 2>"$T/err4"
rc=$?
check "check --from/--to --build-only: one patch, built, not booted" \
	sh -c "[ $rc = 0 ] && grep -q '^0007 lib/bcd: fixture: do not panic' '$T/out4' && ! grep -q 'boot ok' '$T/err4' && grep -q 'no patch flagged: 1 patch builds' '$T/out4'"

# --distcc: the decision is said once, before the first build; a host
# that does not answer leaves the builds local, and the line says why.
"$KSERIES" check $CK --from HEAD~3 --to HEAD~2 --build-only --no-cache \
	--distcc 127.0.0.1:1 >"$T/out4d" 2>"$T/err4d"
rc=$?
check "check --distcc: said once, local when no host answers, still built" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c '^check: distcc fell back to local compiles' '$T/err4d') = 1 ] && grep -q 'no host answered: 127.0.0.1:1' '$T/err4d' && grep -q 'no patch flagged: 1 patch builds' '$T/out4d'"

echo '/* local change */' >>"$W/lib/errseq.c"
"$KSERIES" check $CK --to HEAD~8 >"$T/out5" 2>&1
rc=$?
check "check: refuses a work tree with local changes (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'has local changes' '$T/out5' && grep -q 'lib/errseq.c' '$T/out5'"
git -C "$W" checkout -q -- lib/errseq.c

# Interrupted during a build: exit 130, the tree back at the tip.
before=$(git -C "$W" rev-parse HEAD)
"$KSERIES" check $CK --no-cache --build-only --from HEAD~6 --to HEAD~5 \
	>"$T/out6" 2>&1 &
pid=$!
# Interrupt it while its make runs (a fixed sleep raced a warm build that
# was done before it: "kill: No such process"). At most a minute.
i=0
while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null &&
	! pgrep -f "[O]=$B" >/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT $pid
wait $pid
rc=$?
check "check: interrupted, exit 130, tree back at HEAD and clean" \
	sh -c "[ $rc = 130 ] && [ \"\$(git -C '$W' rev-parse HEAD)\" = $before ] && [ -z \"\$(git -C '$W' status --porcelain -uno)\" ] && ! pgrep -f '[O]=$B' >/dev/null"
check "check: nothing left running or recorded after the interrupt" \
	sh -c "[ ! -e \"\$(git -C '$W' rev-parse --git-dir)/kseries-walk\" ] && grep -q 'interrupted' '$T/out6'"

# bisect: the smoke test, base (good) to the tip (bad): patch 8.
start=$(date +%s)
"$KSERIES" bisect --test project/smoke_test $CK >"$T/bis" 2>"$T/bis.err"
rc=$?
echo "# bisect: $(( $(date +%s) - start ))s"
builds=$(sed -n 's/.*"build_steps":\([0-9]*\).*/\1/p' "$KSERIES_OUT/bisect/bisect.json")
check "bisect: finds patch 8, exit 0" \
	sh -c "[ $rc = 0 ] && grep -q '^first bad commit: 0008 KVM: x86: fixture: hide EFER.LMA' '$T/bis'"
check "bisect: names its patch file and quotes the evidence" \
	sh -c "grep -q '^patch: patches/0008-KVM-x86-fixture-hide-EFER.LMA-from-KVM_GET_SREGS.patch' '$T/bis' && grep -q '| project/smoke_test: FAIL' '$T/bis' && grep -q 'not in long mode' '$T/bis'"
check "bisect: at most ceil(log2(10)) + 1 = 5 build steps (took ${builds:-?})" \
	sh -c "[ -n '$builds' ] && [ '$builds' -le 5 ] && grep -q '^steps: .* build' '$T/bis'"
check "bisect: reset afterwards: HEAD at the tip, no bisect state" \
	sh -c "[ \"\$(git -C '$W' rev-parse HEAD)\" = $before ] && [ ! -e \"\$(git -C '$W' rev-parse --git-dir)/BISECT_START\" ] && [ -z \"\$(git -C '$W' status --porcelain -uno)\" ]"
check "bisect: every step exited 0, 1 or 125" \
	sh -c "! grep -o '\"exit\":[0-9]*' '$KSERIES_OUT/bisect/bisect.json' | grep -qv -e ':0\$' -e ':1\$' -e ':125\$'"

# The step's contract, directly: a commit that does not build is 125,
# the regression 1, the one before it 0.
step() {
	git -C "$W" checkout -q --detach "$1" &&
	"$KSERIES" bisect --run-step --state "$T/rs" --test project/smoke_test \
		$CK >"$T/step.out" 2>&1
	rc=$?
	git -C "$W" checkout -q --detach "$tip2"
	return 0
}
tip2=$(git -C "$W" rev-parse HEAD)
mkdir -p "$T/rs"
step "$tip2~5"
check "bisect --run-step: a commit that does not build exits 125" rc_is 125
step "$tip2~1"
check "bisect --run-step: the smoke test failing exits 1" rc_is 1
step "$tip2~2"
check "bisect --run-step: the commit before it exits 0" rc_is 0
step "$tip2~3"
check "bisect --run-step: a panic before the test exits 125 (untestable)" \
	rc_is 125

# Static analysis: four commits on base, planted one finding each.
git -C "$W" checkout -q --detach base
cat >>"$W/lib/errseq.c" <<'EOF'

int fixture_peek(const int __user *p);
int fixture_peek(const int __user *p)
{
	return *p;
}
EOF
fx lib/errseq.c "lib/errseq: fixture: dereference a __user pointer"
cat >>"$W/lib/bsearch.c" <<'EOF'

#include <linux/slab.h>

void fixture_free(void *p);
void fixture_free(void *p)
{
	if (p)
		kfree(p);
}
EOF
fx lib/bsearch.c "lib/bsearch: fixture: a NULL check before kfree()"
# (Not a missing prototype: sparse says "not declared" of that too.)
cat >>"$W/lib/cmdline.c" <<'EOF'

int fixture_w1(int a);
int fixture_w1(int a)
{
	int fixture_set;

	fixture_set = a;
	return 1;
}
EOF
fx lib/cmdline.c "lib/cmdline: fixture: a variable set but not used"
sed -i '/^\tif (p)$/d; s/^\t\tkfree(p);$/\tkfree(p);/' "$W/lib/bsearch.c"
fx lib/bsearch.c "lib/bsearch: fixture: no NULL check before kfree()"
"$KSERIES" check $CK --build-only --from base --tap >"$T/tapS" 2>"$T/errS"
rc=$?
flagged=$(grep '^not ok' "$T/tapS" | sed 's/^not ok \([0-9]*\) .*/\1/' | tr '\n' ' ')
check "static: exactly the planted patches 1, 2 and 3 are flagged (got: $flagged)" \
	sh -c "[ $rc = 1 ] && [ '$flagged' = '1 2 3 ' ]"
check "static: 1 adds a sparse warning, named" \
	sh -c "grep -q '^not ok 1 - 0001 .* # 1 new sparse warning\$' '$T/tapS' && grep -q '+ sparse: lib/errseq.c: sparse: dereference of noderef expression' '$T/tapS'"
check "static: 2 adds a coccinelle report, named with its script and function" \
	sh -c "grep -q '^not ok 2 - 0002 .* # 1 new coccinelle report\$' '$T/tapS' && grep -q '+ cocci: lib/bsearch.c: cocci: free/ifnullfree: fixture_free(): ' '$T/tapS'"
check "static: 3 adds a W=1 warning, named" \
	sh -c "grep -q '^not ok 3 - 0003 .* # 1 new W=1 warning\$' '$T/tapS' && grep -q \"+ W=1: lib/cmdline.c: variable 'fixture_set' set but not used \\[-Wunused-but-set-variable\\]\" '$T/tapS'"
check "static: 4 fixes the report and is not flagged" \
	sh -c "grep -q '^ok 4 - 0004 ' '$T/tapS' && grep -q '^#   - cocci (fixed): lib/bsearch.c: cocci: free/ifnullfree: fixture_free(): ' '$T/tapS'"
check "static: check.json counts each row's findings by kind" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["static"] is True; k=[{n:(v["added"],v["fixed"]) for n,v in x["warnings"]["by_kind"].items()} for x in d["patches"][1:]]; z=(0,0); want=[{"gcc":z,"W=1":z,"sparse":(1,0),"cocci":z},{"gcc":z,"W=1":z,"sparse":z,"cocci":(1,0)},{"gcc":z,"W=1":(1,0),"sparse":z,"cocci":z},{"gcc":z,"W=1":z,"sparse":z,"cocci":(0,1)}]; assert k==want, k' "$KSERIES_OUT/check/check.json"
"$KSERIES" check $CK --build-only --from base --no-static --tap >"$T/tapN" 2>"$T/errN"
rc=$?
flagged=$(grep '^not ok' "$T/tapN" | sed 's/^not ok \([0-9]*\) .*/\1/' | tr '\n' ' ')
check "static: --no-static flags only the W=1 patch (got: $flagged)" \
	sh -c "[ $rc = 1 ] && [ '$flagged' = '3 ' ] && grep -q 'sparse and coccinelle did not run (--no-static)' '$T/tapN'"

done_testing
