#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of 'kseries rebase', side by side in one run:
#
#   rebase: 'kseries rebase --to NEW' of a fixture series (import of the
#           new base included) against 'git rebase --onto NEW-BASE' of
#           the same commits in a clone of the same repository, the new
#           base already in it. The fixture series is $BENCH_PATCHES (30)
#           small real edits to arch/x86/kvm files of the pinned base,
#           made and 'git format-patch'ed in a scratch clone; a patch
#           that conflicts is skipped by both (--skip).
#   import: the new base imported over the old one (the figure kseries
#           rebase reports: only changed files become objects) against
#           'kseries apply' importing it from scratch in an empty cache.
#
# The series goes from $BENCH_FROM to $BENCH_TO, each a pin file or a
# version looked up in Debian's source index: by default from 5.10.259
# to the project's pin (5.10.262), a point release's worth of change.
# Needs the archive for the tarballs unless they are cached, or
# $BENCH_TO_TARBALL names a local copy of the new one. One run of each;
# the machine is shared, so the load average is shown.
#
#   KSERIES=out/tools/kseries BENCH_DIR=out/bench/rebase bench/rebase.sh

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${KSERIES:-$ROOT/out/tools/kseries}
B=${BENCH_DIR:-$ROOT/out/bench/rebase}
N=${BENCH_PATCHES:-30}
PIN=$ROOT/kernel-overlay/pin
FROM=${BENCH_FROM:-5.10.259}
TO=${BENCH_TO:-$PIN}

pin_value() {
	sed -n "s/^$1 *= *//p" "$2"
}

log() {
	echo "# $*" >&2
}

# timed NAME CMD...: run CMD (output to $B/NAME.log); sets $wall and $cpu.
# A status of 1 is a stop at a conflict, not a failure.
timed() {
	local name=$1 TIMEFORMAT='%3R %3U %3S' rc=0
	shift
	{ time "$@" >"$B/$name.log" 2>&1; } 2>"$B/$name.time" || rc=$?
	if [ "$rc" -gt 1 ]; then
		cat "$B/$name.log" >&2
		exit 1
	fi
	read -r wall u s <"$B/$name.time"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	wall=$(printf '%.2f' "$wall")
	return "$rc"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'
}

rm -rf "$B"
mkdir -p "$B/cache/dl" "$B/proj/kernel-overlay" "$B/proj/patches"
export KSERIES_CACHE="$B/cache" KSERIES_PROJECT="$B/proj" KSERIES_OUT="$B/out"
export GIT_AUTHOR_NAME="KVM Series Maintainers"
export GIT_AUTHOR_EMAIL="maintainers@kvm-series.invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
if [ -f "$FROM" ]; then
	cp "$FROM" "$B/proj/kernel-overlay/pin"
else
	KSERIES_PROJECT="$ROOT" "$K" rebase --to "$FROM" --print-pin \
		>"$B/proj/kernel-overlay/pin"
fi
: >"$B/proj/series"
old_tarball=$(pin_value tarball "$B/proj/kernel-overlay/pin")
old_name=$(pin_value name "$B/proj/kernel-overlay/pin")
cached="${XDG_CACHE_HOME:-$HOME/.cache}/kseries/dl/$old_tarball"
[ -f "$cached" ] && { ln "$cached" "$B/cache/dl/" 2>/dev/null ||
		      cp "$cached" "$B/cache/dl/"; }

echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# 1. The old base and the fixture series on it (not timed).
log "importing the pinned base and making $N patches"
"$K" -q apply
src="$B/cache/src"
git clone -q --shared "$src" "$B/gen"
g="$B/gen"
git -C "$g" checkout -q -b gen base
mapfile -t files < <(cd "$g" && ls arch/x86/kvm/*.c arch/x86/kvm/*/*.c |
		     LC_ALL=C sort)
for i in $(seq 1 "$N"); do
	f=${files[$(( (i * 7) % ${#files[@]} ))]}
	lines=$(wc -l <"$g/$f")
	at=$(( (i * 37) % (lines - 1) + 1 ))
	sed -i "${at}a\\/* kseries bench: change $i to $(basename "$f") */" "$g/$f"
	git -C "$g" commit -q -a --date="@$((1700000000 + i * 60)) +0000" \
		-m "KVM: x86: bench change $i to $(basename "$f")" \
		-m "A small real edit for the rebase benchmark.

Signed-off-by: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
done
git -C "$g" format-patch -q -o "$B/proj/patches" base..gen
(cd "$B/proj/patches" && ls ./*.patch | sed 's|^\./||') >"$B/proj/series"
rm -rf "$g"
"$K" -q apply
old_base=$(git -C "$src" rev-parse base)
old_tip=$(git -C "$src" rev-parse series)

# The new pin (a file, or looked up), and its tarball fetched (not timed).
if [ -f "$TO" ]; then
	cp "$TO" "$B/new.pin"
else
	"$K" rebase --to "$TO" --print-pin >"$B/new.pin"
fi
new_tarball=$(pin_value tarball "$B/new.pin")
if [ -n "${BENCH_TO_TARBALL:-}" ]; then
	"$K" -q fetch --pin "$B/new.pin" --from "$BENCH_TO_TARBALL"
else
	"$K" -q fetch --pin "$B/new.pin"
fi

# 2. kseries rebase: import of the new base + replay, conflicts skipped.
sync
rc=0
timed kseries-rebase "$K" rebase --to "$B/new.pin" || rc=$?
k_wall=$wall k_cpu=$cpu skips=0
while [ "$rc" = 1 ]; do
	skips=$((skips + 1))
	rc=0
	timed kseries-skip-$skips "$K" rebase --skip || rc=$?
	k_wall=$(awk -v a="$k_wall" -v b="$wall" 'BEGIN { printf "%.2f", a + b }')
	k_cpu=$(awk -v a="$k_cpu" -v b="$cpu" 'BEGIN { printf "%.2f", a + b }')
done
imp=$(sed -n 's/.*rebase: imported .*, \([0-9]*\) new objects, \([0-9.]*\) s (CPU \([0-9.]*\) s);.*/\2 \1 \3/p' \
	"$B/kseries-rebase.log")
read -r inc_import inc_objects inc_cpu <<<"$imp"
new_base=$(git -C "$src" rev-parse base)
k_tree=$(git -C "$src" rev-parse 'series^{tree}')
counts=$(head -1 "$B/out/rebase/range-diff.txt" | sed 's/^range-diff [^:]*: //')

# 3. git rebase of the same commits onto the same new base.
log "cloning for git rebase (not timed)"
git clone -q --shared --no-checkout "$src" "$B/git"
git -C "$B/git" config gc.auto 0
git -C "$B/git" checkout -q "$old_tip"
sync
rc=0
timed git-rebase git -C "$B/git" rebase -q --onto "$new_base" "$old_base" || rc=$?
g_wall=$wall g_cpu=$cpu gskips=0
while [ "$rc" = 1 ]; do
	gskips=$((gskips + 1))
	rc=0
	timed git-skip-$gskips git -C "$B/git" rebase --skip || rc=$?
	g_wall=$(awk -v a="$g_wall" -v b="$wall" 'BEGIN { printf "%.2f", a + b }')
	g_cpu=$(awk -v a="$g_cpu" -v b="$cpu" 'BEGIN { printf "%.2f", a + b }')
done
g_tree=$(git -C "$B/git" rev-parse 'HEAD^{tree}')
same=no
[ "$k_tree" = "$g_tree" ] && same=yes

# 4. The new base imported from scratch, in an empty cache.
mkdir -p "$B/cache2/dl" "$B/proj2/kernel-overlay"
ln "$B/cache/dl/$new_tarball" "$B/cache2/dl/"
cp "$B/new.pin" "$B/proj2/kernel-overlay/pin"
: >"$B/proj2/series"
sync
[ -w /proc/sys/vm/drop_caches ] && echo 3 >/proc/sys/vm/drop_caches
KSERIES_CACHE="$B/cache2" KSERIES_PROJECT="$B/proj2" \
	timed import-scratch "$K" apply
s_wall=$wall s_cpu=$cpu
s_base=$(git -C "$B/cache2/src" rev-parse base)

echo "# from $old_name to $(pin_value name "$B/new.pin"); the series: $N generated patches"
echo "# kseries: $counts"
echo "rebase: kseries rebase ${k_wall} s (CPU ${k_cpu} s, $skips skipped, import included) vs git rebase ${g_wall} s (CPU ${g_cpu} s, $gskips skipped, base already imported): same tree: $same"
echo "import: incremental ${inc_import} s (CPU ${inc_cpu} s, $inc_objects new objects) vs from scratch ${s_wall} s (CPU ${s_cpu} s): $(ratio "$s_wall" "$inc_import")x; same base commit: $([ "$s_base" = "$new_base" ] && echo yes || echo no)"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
