#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of 'kseries check', side by side in one run on the same
# commits, tree and build directory:
#
#   naive    the loop ktest's patchcheck runs: at each commit 'git
#            checkout', 'make W=1 bzImage' and a boot with every test
#            ('kseries boot': all of them, a boot per command line);
#            the figure 'kseries check' is compared with (ratio, target
#            >= 3x)
#   make     a plain loop: 'git checkout' each commit, 'make W=1 bzImage'
#            (same O= directory, ccache, kbuild's environment): kbuild's
#            own incremental build, what any per-patch check must pay
#   build    'kseries check --build-only --no-cache' over the same
#            commits: against 'make', the cost of checking out commits,
#            the config check and tracking warnings per unit
#   check    'kseries check --no-cache --no-static' (build, boots,
#            selftests), warm ccache: per patch, the wall time of the
#            range less that of its reference alone (a commit boots
#            while the next builds: the make and QEMU time of check.json
#            overlap, by how much is shown)
#   static   'kseries check --no-cache' (the default: sparse on what each
#            build compiles, coccinelle on what each patch changes): what
#            static analysis adds per patch to the check without it
#            (target < 25%), split into the build's share (sparse) and
#            coccinelle's pass
#   cold     the same check with ccache disabled (CCACHE_DISABLE=1)
#
# The commits: the last $BENCH_PATCHES (default 10; --all: every one)
# patches of the series (branch 'series' of <cache>/src), or --from REV
# --to REV (revisions of the series, e.g. series~17 series~10); while the
# series has fewer, that many small harmless patches are generated on
# the base. They are walked in a worktree of <cache>/src kept in
# $BENCH_DIR (default <cache>/bench-check: a build cache between runs).
# The first commit of the range is the reference, built before timing.
# Target: kseries' overhead under 10% of the builds it drives (build).
#
#   bench/check.sh [--all | --last N | --from REV --to REV] [--no-cold]
#                  [--no-naive]

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${KSERIES:-$ROOT/out/tools/kseries}
CACHE=${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}
SRC=${KSERIES_TEST_TREE:-$CACHE/src}
D=${BENCH_DIR:-$CACHE/bench-check}
N=${BENCH_PATCHES:-10}
cold=1
naive=1
rfrom=
rto=

while [ $# -gt 0 ]; do
	case $1 in
	--all) N=0 ;;
	--last) N=$2; shift ;;
	--no-cold) cold= ;;
	--no-naive) naive= ;;
	--from) rfrom=$2; shift ;;
	--to) rto=$2; shift ;;
	-h|--help) sed -n '3,39p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/check.sh: unknown argument $1" >&2; exit 129 ;;
	esac
	shift
done

[ -x "$K" ] || { echo "bench: build kseries first (make tools)" >&2; exit 1; }
if ! git -C "$SRC" rev-parse -q --verify 'refs/tags/base^{commit}' >/dev/null; then
	echo "bench/check.sh: no kernel tree at $SRC ('kseries apply' first); skipped"
	exit 0
fi
export KSERIES_PROJECT=${KSERIES_PROJECT:-$ROOT}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/kseries-bench-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# Results go to a throwaway cache: every run really checks.
export KSERIES_CACHE=$scratch/cache KSERIES_OUT=$scratch/out
W=$D/src
B=$D/build

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The worktree, reused between runs.
if [ ! -d "$W" ] || ! git -C "$W" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	rm -rf "$W"
	git -C "$SRC" worktree prune
	mkdir -p "$D"
	git -C "$SRC" worktree add -q --detach "$W" base
fi
git -C "$W" bisect reset >/dev/null 2>&1 || true
rm -f "$(git -C "$W" rev-parse --git-dir)/kseries-walk"
git -C "$W" reset -q --hard
mkdir -p "$B"

total=$(git -C "$SRC" rev-list --count base..series 2>/dev/null || echo 0)
if [ "$N" = 0 ]; then
	N=$total
fi
if [ -n "$rfrom$rto" ]; then
	git -C "$W" checkout -q --detach "$(git -C "$SRC" rev-parse "${rto:-series}")"
	rfrom=$(git -C "$SRC" rev-parse "${rfrom:-base}")
	N=$(git -C "$W" rev-list --count "$rfrom..HEAD")
	what="$N patches of the series' $total ($(git -C "$W" log -1 --format=%s "$rfrom" | cut -c1-40)... to HEAD)"
elif [ "$total" -ge "$N" ] && [ "$N" -gt 0 ]; then
	what="the last $N of the series' $total patches"
	git -C "$W" checkout -q --detach series
else
	what="$N generated harmless patches (the series has $total)"
	git -C "$W" checkout -q --detach base
	export GIT_AUTHOR_NAME="KVM Series Maintainers"
	export GIT_AUTHOR_EMAIL="maintainers@kvm-series.invalid"
	export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
	export GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
	export GIT_AUTHOR_DATE="1700000000 +0000"
	export GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	files=(arch/x86/kvm/lapic.c arch/x86/kvm/cpuid.c lib/bcd.c
	       arch/x86/kvm/irq.c virt/kvm/eventfd.c lib/errseq.c
	       arch/x86/kvm/pmu.c arch/x86/kvm/i8254.c lib/bsearch.c
	       arch/x86/kvm/mtrr.c)
	for i in $(seq "$N"); do
		f=${files[$(( (i - 1) % ${#files[@]} ))]}
		printf '/* bench patch %s */\n' "$i" >>"$W/$f"
		git -C "$W" commit -q -m "bench: patch $i touches $f" -- "$f"
	done
fi
FROM=$(git -C "$W" rev-parse "HEAD~$N")
TO=$(git -C "$W" rev-parse HEAD)

ST=$CACHE/selftests
if [ -x "$ST/project/smoke_test" ]; then
	tests=(--tests-dir "$ST")
	btests=(--tests-dir "$ST")
	twhat="the selftests in $ST (fast set)"
else
	tests=(--tests none)
	btests=(--no-tests)
	twhat="no selftests built: boot only"
fi
CK=(--tree "$W" --build "$B" --from "$FROM" --to "$TO")

echo "# kseries check benchmark: $what; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# tests: $twhat"

# The reference commit built (and its warnings learnt) before timing.
"$K" -q check --tree "$W" --build "$B" --from "$FROM" --to "$FROM" \
	--build-only >/dev/null 2>"$scratch/prep.log" ||
	{ echo "bench: preparing the build failed (see below)"; tail "$scratch/prep.log"; exit 1; }

# W=1's KCFLAGS as kseries passes them (lib/kbuild.c: W=1's warnings
# are not errors under kvm's -Werror), from the prepared build's log,
# where make's command line is written as sh takes it: one quoted word.
KC=$(grep -h -m1 -o "'KCFLAGS=[^']*'" "$KSERIES_OUT"/check/logs/*.build.log 2>/dev/null |
	head -1 | sed "s/^'KCFLAGS=//; s/'\$//" || true)

# kbuild's environment, as kseries gives it.
kbuild_env() {
	export PATH=/usr/lib/ccache:$PATH LC_ALL=C
	export KBUILD_BUILD_TIMESTAMP=kseries KBUILD_BUILD_USER=kseries
	export KBUILD_BUILD_HOST=kseries CCACHE_BASEDIR=$(dirname "$D")
	unset MAKEFLAGS
}

# The naive loop: make and a boot with every test, commit by commit.
naive_s=
if [ -n "$naive" ]; then
	git -C "$W" checkout -q --detach "$FROM"
	(
		kbuild_env
		make -C "$W" O="$B" -j"$(nproc)" W=1 KCFLAGS="$KC" bzImage >/dev/null 2>&1
		t0=$(now)
		for c in $(git -C "$W" rev-list --reverse "$FROM..$TO"); do
			git -C "$W" checkout -q --detach "$c"
			rc=0
			make -C "$W" O="$B" -j"$(nproc)" W=1 KCFLAGS="$KC" bzImage \
				>"$scratch/make.log" 2>&1 || rc=2
			# boot exits 1 when a test fails: still a full run.
			[ $rc != 0 ] ||
				"$K" -q boot --build "$B" "${btests[@]}" \
					--report "$scratch/boot.json" \
					>"$scratch/boot.log" 2>&1 || rc=$?
			[ $rc -le 1 ] || echo "# (make or boot failed at $c)"
		done
		t1=$(now)
		secs "$t0" "$t1" >"$scratch/naive.secs"
	)
	naive_s=$(cat "$scratch/naive.secs")
fi

# kbuild's own incremental make, commit by commit.
git -C "$W" checkout -q --detach "$FROM"
(
	export PATH=/usr/lib/ccache:$PATH LC_ALL=C
	export KBUILD_BUILD_TIMESTAMP=kseries KBUILD_BUILD_USER=kseries
	export KBUILD_BUILD_HOST=kseries CCACHE_BASEDIR=$(dirname "$D")
	unset MAKEFLAGS
	make -C "$W" O="$B" -j"$(nproc)" W=1 KCFLAGS="$KC" bzImage >/dev/null 2>&1
	t0=$(now)
	for c in $(git -C "$W" rev-list --reverse "$FROM..$TO"); do
		git -C "$W" checkout -q --detach "$c"
		make -C "$W" O="$B" -j"$(nproc)" W=1 KCFLAGS="$KC" bzImage >"$scratch/make.log" 2>&1 ||
			echo "# (make failed at $c)"
	done
	t1=$(now)
	secs "$t0" "$t1" >"$scratch/make.secs"
)
git -C "$W" checkout -q --detach "$TO"
make_s=$(cat "$scratch/make.secs")

# sum KEY: the sum of a check.json number over the judged rows.
sum() {
	grep -o "\"$1\":[0-9.]*" "$KSERIES_OUT/check/check.json" |
		awk -F: 'NR > 1 { s += $2 } END { printf "%.1f", s }'
}

"$K" -q check "${CK[@]}" --build-only --no-cache >/dev/null 2>&1 || true
build_s=$(sum total_secs)
bmake_s=$(sum make_secs)

# walked ARGS...: the wall time of the check of the range (the reference
# and the patches) less that of the reference alone, checked just before
# with the same ARGS (so the build directory is at the reference for
# both): the patches' share, into $walked. A commit boots while the next
# one builds, so the rows' own times overlap and do not add up to it.
walked() {
	local t0 t1 t2
	t0=$(now)
	"$K" -q check --tree "$W" --build "$B" --from "$FROM" --to "$FROM" \
		"$@" --no-cache >/dev/null 2>&1 || true
	t1=$(now)
	"$K" -q check "${CK[@]}" "$@" --no-cache >/dev/null 2>&1 || true
	t2=$(now)
	walked=$(awk -v a="$t0" -v b="$t1" -v c="$t2" \
		'BEGIN { printf "%.1f", (c - b) - (b - a) }')
}

walked "${tests[@]}" --no-static
check_s=$walked
cmake_s=$(sum make_secs)
qemu_s=$(sum qemu_secs)

# The same with static analysis (the default); its coccinelle pass runs
# before the walk (check.json's cocci_secs), in the wall time.
walked "${tests[@]}"
static_s=$walked
smake_s=$(sum make_secs)
cocci_s=$(sed -n 's/.*"cocci_secs":\([0-9.]*\).*/\1/p' "$KSERIES_OUT/check/check.json")
cocci_s=${cocci_s:-0}

# The ternaries are parenthesised: in awk, "print a > b ? c : d" writes
# to a file.
per() { awk -v a="$1" -v n="$N" 'BEGIN { printf "%.2f s", a / n }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", (b > 0 ? 100 * a / b : 0) }'; }
row() { printf '%-44s %8s  %s\n' "$1:" "$2" "${3:-}"; }

if [ -n "$naive_s" ]; then
	row "naive loop per patch (make + boot, all tests)" "$(per "$naive_s")" \
		"(ktest patchcheck's way)"
	row "kseries check --no-static per patch" "$(per "$check_s")" \
		"($(div "$naive_s" "$check_s")x faster than the naive loop; target >= 3x)"
fi
row "plain make per patch (warm ccache)" "$(per "$make_s")"
row "check --build-only per patch (warm ccache)" "$(per "$build_s")" \
	"($(div "$build_s" "$make_s")x the plain make; overhead $(pct "$(awk -v a="$build_s" -v b="$make_s" 'BEGIN { print a - b }')" "$make_s"))"
over=$(awk -v t="$check_s" -v m="$cmake_s" -v q="$qemu_s" 'BEGIN { print m + q - t }')
row "check per patch (warm ccache)" "$(per "$check_s")" \
	"(make $(per "$cmake_s") + QEMU $(per "$qemu_s"), $(per "$over") of it overlapping)"
added=$(awk -v s="$static_s" -v n="$check_s" 'BEGIN { print s - n }')
row "static analysis added per patch" "$(per "$added")" \
	"($(pct "$added" "$check_s") of the check without it; target < 25%)"
row "  of it: the builds (W=1 + sparse)" \
	"$(per "$(awk -v a="$smake_s" -v b="$cmake_s" 'BEGIN { print a - b }')")" \
	"(make $(per "$smake_s") against $(per "$cmake_s"))"
row "  of it: coccinelle, one pass for all" "$(per "$cocci_s")" \
	"($(printf '%.1f' "$cocci_s") s for $N patches)"
if [ -n "$cold" ]; then
	export CCACHE_DISABLE=1
	walked "${tests[@]}" --no-static
	unset CCACHE_DISABLE
	cold_s=$walked
	row "check per patch (cold: ccache disabled)" "$(per "$cold_s")" \
		"($(div "$cold_s" "$check_s")x warm)"
fi
row "whole series ($total patches) at these rates" \
	"$(awk -v a="$check_s" -v n="$N" -v t="$total" 'BEGIN { printf "%.0f min", a / n * t / 60 }')" \
	"warm$([ -n "$cold" ] && awk -v a="$cold_s" -v n="$N" -v t="$total" 'BEGIN { printf "; cold %.0f min", a / n * t / 60 }')"
