#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of 'kseries apply', side by side in one run on the same base:
#
#   import: 'kseries apply' from scratch (stream the pinned tarball into
#           git objects, work tree and index) against 'tar x' + 'git add
#           -A -f' + 'git commit' of the same tarball;
#   apply:  'kseries apply' of the series against 'git am' of the same
#           patches on the same base. While the real series has fewer
#           than $BENCH_PATCHES (30) patches, that many small KVM patches
#           are generated (real edits to arch/x86/kvm files, committed
#           and 'git format-patch'ed in a scratch clone).
#
# Each import timing is the median of $BENCH_IMPORT_RUNS (3) runs, each
# apply timing the median of $BENCH_RUNS (3) runs. Prints the
# times and ratios; the machine is shared, so the load average is shown.
#
#   KSERIES=out/tools/kseries BENCH_DIR=out/bench/apply bench/apply.sh

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${KSERIES:-$ROOT/out/tools/kseries}
B=${BENCH_DIR:-$ROOT/out/bench/apply}
N=${BENCH_PATCHES:-30}
RUNS=${BENCH_RUNS:-3}
IMPORT_RUNS=${BENCH_IMPORT_RUNS:-3}
PIN=$ROOT/kernel-overlay/pin

pin_value() {
	sed -n "s/^$1 *= *//p" "$PIN"
}

now() {
	date +%s.%N
}

# secs START END
secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'
}

# timed NAME CMD...: run CMD (output to $B/NAME.log); sets $wall and
# $cpu (user + system seconds of it and its children).
timed() {
	local name=$1 TIMEFORMAT='%3R %3U %3S' t
	shift
	{ time "$@" >"$B/$name.log" 2>&1; } 2>"$B/$name.time" ||
		{ cat "$B/$name.log" >&2; exit 1; }
	read -r wall u s <"$B/$name.time"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	wall=$(printf '%.2f' "$wall")
}

ref_import() {
	mkdir "$B/ref"
	tar xJf "$tb" -C "$B/ref"
	git -C "$B/ref/$strip" init -q
	# No 'git gc --auto' after the commit: 70k loose objects start one in
	# the background, and it would eat the CPUs of the runs after it.
	git -C "$B/ref/$strip" config gc.auto 0
	git -C "$B/ref/$strip" add -A -f
	git -C "$B/ref/$strip" commit -q -m base
}

log() {
	echo "# $*" >&2
}

tarball=$(pin_value tarball)
strip=$(pin_value strip)
rm -rf "$B"
mkdir -p "$B/cache/dl" "$B/proj/kernel-overlay" "$B/proj/patches"
export KSERIES_CACHE="$B/cache" KSERIES_PROJECT="$B/proj" KSERIES_OUT="$B/out"
export GIT_AUTHOR_NAME="KVM Series Maintainers"
export GIT_AUTHOR_EMAIL="maintainers@kvm-series.invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
cp "$PIN" "$B/proj/kernel-overlay/pin"
: >"$B/proj/series"

# The verified tarball: reuse the default cache's copy (fetch verifies it).
cached="${XDG_CACHE_HOME:-$HOME/.cache}/kseries/dl/$tarball"
if [ -f "$cached" ]; then
	ln "$cached" "$B/cache/dl/$tarball" 2>/dev/null ||
		cp "$cached" "$B/cache/dl/$tarball"
fi
"$K" -q fetch
tb="$B/cache/dl/$tarball"

echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# 1. Import of the base, $IMPORT_RUNS times each, alternating; every run
# starts from an empty directory as on a fresh machine: dirty pages
# written back and, where we may (root), the kernel's caches dropped.
# Without that, each run pays for the 70,000 files the one before it
# created and deleted: measured here, the same import took 8, 16, then
# 22 s in three runs in a row, and 8 s every time with the caches dropped.
fresh() {
	sync
	if [ -w /proc/sys/vm/drop_caches ]; then
		echo 3 >/proc/sys/vm/drop_caches
	fi
}
if [ -w /proc/sys/vm/drop_caches ]; then
	echo "# import: the kernel's caches are dropped before every run"
else
	echo "# import: not root: the caches stay (runs after the first may be slower)"
fi
ki=() kic=() gi=() gic=()
for r in $(seq 1 "$IMPORT_RUNS"); do
	rm -rf "$B/cache/src" "$B/ref"
	fresh
	timed import-kseries "$K" apply
	ki+=("$wall") kic+=("$cpu")
	log "import run $r: kseries apply from scratch: $wall s (CPU $cpu s)"
	fresh
	timed import-git ref_import
	gi+=("$wall") gic+=("$cpu")
	log "import run $r: tar x + git add -A -f + git commit: $wall s (CPU $cpu s)"
done
k_import=$(median "${ki[@]}") k_import_cpu=$(median "${kic[@]}")
g_import=$(median "${gi[@]}") g_import_cpu=$(median "${gic[@]}")
ref="$B/ref/$strip"
git -C "$ref" tag base

same_tree=no
[ "$(git -C "$ref" rev-parse 'HEAD^{tree}')" = \
  "$(git -C "$B/cache/src" rev-parse 'base^{tree}')" ] && same_tree=yes

# 2. The patches: the real series, or generated ones.
nreal=0
if [ -f "$ROOT/series" ]; then
	nreal=$(grep -cv '^[[:space:]]*\(#\|$\)' "$ROOT/series" || true)
fi
if [ "$nreal" -ge "$N" ]; then
	what="the series ($nreal patches)"
	cp "$ROOT/series" "$B/proj/series"
	cp "$ROOT"/patches/*.patch "$B/proj/patches/"
	mapfile -t plist < <(grep -v '^[[:space:]]*\(#\|$\)' "$B/proj/series" |
			     awk '{ print $1 }')
else
	what="$N generated KVM patches"
	log "generating $N small patches to arch/x86/kvm"
	git -C "$ref" checkout -q -b gen
	mapfile -t files < <(cd "$ref" && ls arch/x86/kvm/*.c arch/x86/kvm/*/*.c |
			     LC_ALL=C sort)
	for i in $(seq 1 "$N"); do
		f=${files[$(( (i * 7) % ${#files[@]} ))]}
		lines=$(wc -l <"$ref/$f")
		at=$(( (i * 37) % (lines - 1) + 1 ))
		sed -i "${at}a\\/* kseries bench: change $i to $(basename "$f") */" \
			"$ref/$f"
		git -C "$ref" commit -q -a \
			--date="@$((1700000000 + i * 60)) +0000" \
			-m "KVM: x86: bench change $i to $(basename "$f")" \
			-m "A small real edit for the apply benchmark.

Signed-off-by: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
	done
	git -C "$ref" format-patch -q -o "$B/proj/patches" base..gen
	(cd "$B/proj/patches" && ls ./*.patch | sed 's|^\./||') \
		>"$B/proj/series"
	mapfile -t plist <"$B/proj/series"
	git -C "$ref" checkout -q master
fi
np=${#plist[@]}

# 3. git am of the patches on the base, in the git-add tree.
gam=() gamc=()
for r in $(seq 1 "$RUNS"); do
	git -C "$ref" checkout -q -B am base
	timed git-am git -C "$ref" am -q "${plist[@]/#/$B/proj/patches/}"
	gam+=("$wall") gamc+=("$cpu")
	log "git am run $r: $wall s (CPU $cpu s)"
done
am_tree=$(git -C "$ref" rev-parse 'HEAD^{tree}')

# 4. kseries apply of the same patches on the same base.
cp "$B/proj/series" "$B/series.full"
kap=() kapc=()
for r in $(seq 1 "$RUNS"); do
	: >"$B/proj/series"
	"$K" -q apply			# back to the base (not timed)
	cp "$B/series.full" "$B/proj/series"
	timed kseries-apply "$K" apply
	kap+=("$wall") kapc+=("$cpu")
	log "kseries apply run $r: $wall s (CPU $cpu s)"
done
k_tree=$(git -C "$B/cache/src" rev-parse 'series^{tree}')

g=$(median "${gam[@]}") gc=$(median "${gamc[@]}")
k=$(median "${kap[@]}") kc=$(median "${kapc[@]}")
same_apply=no
[ "$am_tree" = "$k_tree" ] && same_apply=yes

echo "import: tar x + git add -A + commit $g_import s, kseries $k_import s, ratio $(ratio "$g_import" "$k_import")x (CPU $g_import_cpu s vs $k_import_cpu s; median of $IMPORT_RUNS; target: kseries <= 10 s; same tree: $same_tree)"
echo "apply: git am $g s, kseries $k s, ratio $(ratio "$g" "$k")x (CPU $gc s vs $kc s, ratio $(ratio "$gc" "$kc")x; $np patches: $what; median of $RUNS; target >= 10x; same tree: $same_apply)"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
