#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of the object store 'kseries apply' writes the series into,
# two builds side by side in one run on the same base: "memodb", this
# tree's (lib/memodb.c keeps the new objects, lib/pack.c writes them
# stored as one pack), against "mempack", the same tree with
# bench/mempack-libgit2.patch (libgit2's git_mempack keeps them,
# git_mempack_dump() packs them, libgit2's indexer writes pack and idx).
# $KSERIES is the memodb build (default out/tools/kseries), and
# $KSERIES_MEMPACK the mempack one, built in $BENCH_DIR/src if not given.
#
# The base is imported once into the cache $BENCH_CACHE (default
# $BENCH_DIR/cache; never $KSERIES_CACHE: its tree is reset and packs
# deleted) by the first apply, not timed. Then, for each of
# $BENCH_RUNS (3) rounds, each build in turn applies the whole series
# onto the base (timed: the apply and the persist step), then goes back
# to the base and its pack is deleted: libgit2 writes no object the
# store already has, so each run writes all of the series' objects.
# The builds differ only in the object store and krepo_persist(): the
# difference of the medians is the cost of the persist step (perf cannot
# tell it apart: the build keeps no frame pointers, and DWARF unwinding
# loses half the stacks in zlib). Prints the medians, and the size and
# object count of each pack written.
#
#   BENCH_DIR=out/bench/mempack bench/mempack.sh

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=${KSERIES:-$ROOT/out/tools/kseries}
NEW=${KSERIES_MEMPACK:-}
B=${BENCH_DIR:-$ROOT/out/bench/mempack}
CACHE=${BENCH_CACHE:-$B/cache}
RUNS=${BENCH_RUNS:-3}
PIN=$ROOT/kernel-overlay/pin

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The packs of the kernel tree, sorted.
packs() {
	find "$CACHE/src/.git/objects/pack" -name '*.pack' -printf '%f\n' | sort
}

# timed BIN NAME: 'BIN apply', its wall and CPU seconds in $wall, $cpu.
timed() {
	local bin=$1 name=$2 TIMEFORMAT='%3R %3U %3S' u s
	{ time "$bin" apply >"$B/$name.log" 2>&1; } 2>"$B/$name.time" ||
		{ cat "$B/$name.log" >&2; exit 1; }
	read -r wall u s <"$B/$name.time"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
}

if [ -z "$NEW" ]; then
	rm -rf "$B/src"
	mkdir -p "$B/src"
	git -C "$ROOT" archive HEAD tools | tar x -C "$B/src"
	patch -s -d "$B/src" -p1 <"$ROOT/bench/mempack-libgit2.patch"
	make -s -C "$B/src/tools" O="$B/src/out" "$B/src/out/kseries" >&2
	NEW=$B/src/out/kseries
fi

tarball=$(sed -n 's/^tarball *= *//p' "$PIN")
rm -rf "$B/proj" "$B/out" "$B"/*.perf "$B"/*.log "$B"/*.time
mkdir -p "$CACHE/dl" "$B/proj/kernel-overlay" "$B/proj/patches"
export KSERIES_CACHE="$CACHE" KSERIES_PROJECT="$B/proj" KSERIES_OUT="$B/out"
cp "$PIN" "$B/proj/kernel-overlay/pin"
cached="${XDG_CACHE_HOME:-$HOME/.cache}/kseries/dl/$tarball"
if [ -f "$cached" ] && [ ! -f "$CACHE/dl/$tarball" ]; then
	ln "$cached" "$CACHE/dl/" 2>/dev/null || cp "$cached" "$CACHE/dl/"
fi
cp "$ROOT/series" "$B/series.full"
cp "$ROOT"/patches/*.patch "$B/proj/patches/"
np=$(grep -cv '^[[:space:]]*\(#\|$\)' "$B/series.full")
: >"$B/proj/series"
"$OLD" -q apply				# the base (imported if new)
git -C "$CACHE/src" config gc.auto 0

echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
declare -A W C M
for r in $(seq 1 "$RUNS"); do
	for v in memodb mempack; do
		bin=$OLD
		[ $v = mempack ] && bin=$NEW
		cp "$B/series.full" "$B/proj/series"
		before=$(packs)
		timed "$bin" "$v-$r"
		W[$v]+=" $wall" C[$v]+=" $cpu"
		p=$(comm -13 <(echo "$before") <(packs))
		size=$(stat -c %s "$CACHE/src/.git/objects/pack/$p")
		objs=$(git show-index <"$CACHE/src/.git/objects/pack/${p%.pack}.idx" |
		       wc -l)
		tree=$(git -C "$CACHE/src" rev-parse 'series^{tree}')
		echo "# run $r $v: apply $wall s (CPU $cpu s), pack $size bytes $objs objects, tree $tree" >&2
		git -C "$CACHE/src" fsck --no-dangling \
			--connectivity-only series >&2
		# Back to the base, and the series' objects gone: libgit2
		# writes no object the store already has.
		: >"$B/proj/series"
		"$bin" -q apply
		rm -f "$CACHE/src/.git/objects/pack/${p%.pack}".*
	done
done
for v in memodb mempack; do
	# shellcheck disable=SC2086
	M[$v]=$(median ${W[$v]})
	# shellcheck disable=SC2086
	echo "$v: apply of $np patches ${M[$v]} s (CPU $(median ${C[$v]}) s; median of $RUNS)"
done
echo "mempack - memodb: $(awk -v a="${M[mempack]}" -v b="${M[memodb]}" \
	'BEGIN { printf "%+.3f s, ratio %.1fx", a - b, (b > 0 ? a / b : 0) }')"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
