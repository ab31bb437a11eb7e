#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of the tar reader of the base import (lib/tarball.c), side by
# side in one run on the real pinned tarball: the reader of this tree
# (libarchive parsing the stream our multi-threaded xz decoder gives it)
# against the hand-written parser of commit $BENCH_OLD, everything else
# (xz decoding, hashing, pack, work tree, index) the same code.
#
#   bench/tarreader.sh [-n RUNS] [--only hash-only|tree]
#
# Two series of RUNS runs, each importing with the old reader and then
# the new one: first --hash-only (as into a repository that has every
# object: xz decoding, tar parsing and hashing, nothing written, where
# the reader weighs most), then into a new repository as 'kseries apply'
# does the first time (pack, work tree, index); --only runs one series. The median of RUNS (3) is shown
# for the wall clock and the user and system CPU time (all threads), and
# the ratios new/old; user CPU is the steadiest on a loaded machine. All
# runs must make the same base commit. The timer is bench/tarimport.c,
# built against the libkseries.a beside $KSERIES (make -C tools first),
# and for the old reader with tarball.c of $BENCH_OLD in its place.
#
# Environment: KSERIES, BENCH_TARBALL and BENCH_STRIP (default: the pin's
# tarball in the download cache, only read), BENCH_DIR (scratch for the
# imports, about 1.3 GB; default a temporary directory, removed at the
# end), BENCH_OLD.
# The machine is shared: the load average is printed before and after.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${KSERIES:-$ROOT/out/tools/kseries}
LIB=$(dirname "$K")/libkseries.a
PIN=$ROOT/kernel-overlay/pin
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kseries
# The last commit with the hand-written tar parser.
OLD=${BENCH_OLD:-7f3b82b0e246786852f61390daea00e8f95a3abb}
RUNS=3
MODES="--hash-only tree"
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

while [ $# -gt 0 ]; do
	case $1 in
	-n) RUNS=$2; shift ;;
	--only) MODES=$2; shift ;;
	-h|--help) sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/tarreader.sh: unknown argument $1" >&2; exit 129 ;;
	esac
	shift
done

pin() { sed -n "s/^$1 *= *//p" "$PIN"; }
TARBALL=${BENCH_TARBALL:-$CACHE/dl/$(pin tarball)}
STRIP=${BENCH_STRIP:-$(pin strip)}
if [ ! -f "$LIB" ] || [ ! -f "$TARBALL" ]; then
	echo "tarreader: no $LIB or no $TARBALL (make -C tools; kseries fetch); skipped"
	exit 0
fi

TMP=$(mktemp -d)
SCRATCH=${BENCH_DIR:-$TMP}
mkdir -p "$SCRATCH"
trap 'rm -rf "$TMP" "$SCRATCH/repo"' EXIT

# shellcheck disable=SC2046
build() {	# OUT [OBJ...]: the timer, linked first with the OBJs
	local out=$1

	shift
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -I"${INC:-$ROOT/tools}" \
		-I"$ROOT/tools" "$ROOT/bench/tarimport.c" "$@" "$LIB" \
		$($PKG_CONFIG --libs libgit2 libpcre2-8 jansson libarchive) \
		-lcrypto -llzma -lz -lpthread -o "$out"
}
build "$TMP/new"
mkdir -p "$TMP/old/lib"
git -C "$ROOT" show "$OLD:tools/lib/tarball.c" >"$TMP/old/lib/tarball.c"
git -C "$ROOT" show "$OLD:tools/lib/tarball.h" >"$TMP/old/lib/tarball.h"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -I"$ROOT/tools/lib" \
	$($PKG_CONFIG --cflags libgit2) -c "$TMP/old/lib/tarball.c" \
	-o "$TMP/old/tarball.o"
INC=$TMP/old build "$TMP/old/bin" "$TMP/old/tarball.o"

summary() {	# FILE: the medians and ratios of the runs in FILE
	awk '
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		k = ++n[$1]
		v[$1, 1, k] = $2; v[$1, 2, k] = $3; v[$1, 3, k] = $4
		if (!($6 in seen)) { seen[$6] = 1; commits++ }
	}
	END {
		split("wall user sys", what, " ")
		for (w = 0; w < 2; w++) {
			way = w ? "new" : "old"
			line = sprintf("  %-4s median", way)
			for (f = 1; f <= 3; f++) {
				for (i = 1; i <= n[way]; i++)
					a[i] = v[way, f, i]
				m[way, f] = median(a, n[way])
				line = line sprintf("  %s %.2f s", what[f], m[way, f])
			}
			print line
		}
		line = "  new/old      "
		for (f = 1; f <= 3; f++)
			line = line sprintf("  %s %.3f", what[f],
					    m["new", f] / m["old", f])
		print line
		if (commits != 1) { print "  DIFFERENT base commits"; exit 1 }
	}' "$1"
}

echo "tarreader: $TARBALL, $RUNS runs of each; load $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do
	case $mode in
	hash-only|--hash-only) mode=--hash-only ;;
	tree) ;;
	*) echo "bench/tarreader.sh: no mode $mode" >&2; exit 129 ;;
	esac
	echo "$mode:"
	: >"$TMP/times"
	for _ in $(seq "$RUNS"); do
		for way in old new; do
			bin=$TMP/new
			[ $way = old ] && bin=$TMP/old/bin
			rm -rf "$SCRATCH/repo"
			sync
			# shellcheck disable=SC2046
			echo "$way $("$bin" $([ "$mode" = tree ] || echo "$mode") \
				"$TARBALL" "$STRIP" "$SCRATCH/repo")" |
				tee -a "$TMP/times" | sed 's/^/    /'
		done
	done
	summary "$TMP/times"
done
rm -rf "$SCRATCH/repo"
echo "tarreader: load $(cut -d' ' -f1-3 /proc/loadavg)"
