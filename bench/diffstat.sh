#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of the diffstat of a patch, side by side in one run on the
# same patches (the project's series, or tools/testdata/series while it
# has none), from the patch text:
#
#   text:    lib/diffstat.c (patch_parse, diffstat_from_patch,
#            diffstat_format at 72 columns) against libgit2
#            (git_diff_from_buffer, git_diff_get_stats,
#            git_diff_stats_to_buf at 72);
#   counts:  the same without the layout (the lines added and deleted
#            per file), what 'kseries lint' compares with the diffstat
#            written in a patch.
#
# Also says on how many patches the two texts are byte-identical. The
# timer is bench/diffstat.c, built here against the libkseries.a beside
# $KSERIES (out/tools/kseries: make -C tools first). Each figure is the
# median of $BENCH_RUNS (5) runs of $BENCH_ROUNDS (50) passes over all
# patches; the machine is shared, so the load average is shown.
#
#   bench/diffstat.sh

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${KSERIES:-$ROOT/out/tools/kseries}
LIB=$(dirname "$K")/libkseries.a
RUNS=${BENCH_RUNS:-5}
ROUNDS=${BENCH_ROUNDS:-50}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

if [ ! -f "$LIB" ]; then
	echo "diffstat: no $LIB (run make -C tools); skipped"
	exit 0
fi
if grep -qv '^[[:space:]]*\(#\|$\)' "$ROOT/series" 2>/dev/null; then
	PROJ=$ROOT
else
	PROJ=$ROOT/tools/testdata/series
fi
mapfile -t P < <(grep -v '^[[:space:]]*#' "$PROJ/series" | awk -v d="$PROJ/patches" 'NF { print d "/" $1 }')

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -I"$ROOT/tools" \
	$($PKG_CONFIG --cflags libgit2) "$ROOT/bench/diffstat.c" \
	"$LIB" $($PKG_CONFIG --libs libgit2 libpcre2-8) \
	-lcrypto -llzma -lz -lpthread -o "$TMP/diffstat-bench"

echo "diffstat: ${#P[@]} patches of $PROJ; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$TMP/diffstat-bench" "$RUNS" "$ROUNDS" "${P[@]}"
