#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of the mail workflow, side by side in one run on the same
# patches (the project's series, or tools/testdata/series while it has
# none) and the same kernel tree:
#
#   maintainers: 'kseries maintainers --plain' for all patches in one run
#                against the base's scripts/get_maintainer.pl --no-git
#                --no-git-fallback --no-rolestats run once per patch (what
#                git send-email --cc-cmd does);
#   lint:        'kseries lint' (checkpatch.pl once for all patches, plus
#                its own checks) against checkpatch.pl --strict run once
#                per patch.
#
# Each timing is the median of $BENCH_RUNS (3) runs; the machine is shared,
# so the load average is shown.
#
#   KSERIES=out/tools/kseries KSERIES_TREE=~/.cache/kseries/src bench/mail.sh

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
K=${KSERIES:-$ROOT/out/tools/kseries}
TREE=${KSERIES_TREE:-${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}/src}
RUNS=${BENCH_RUNS:-3}

if [ ! -f "$TREE/scripts/get_maintainer.pl" ]; then
	echo "mail: no kernel tree at $TREE (run make apply, or set KSERIES_TREE); skipped"
	exit 0
fi
if grep -qv '^[[:space:]]*\(#\|$\)' "$ROOT/series" 2>/dev/null; then
	PROJ=$ROOT
else
	PROJ=$ROOT/tools/testdata/series
fi
mapfile -t P < <(grep -v '^[[:space:]]*#' "$PROJ/series" | awk -v d="$PROJ/patches" 'NF { print d "/" $1 }')

now() {
	date +%s.%N
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# timed CMD...: median wall time of $RUNS runs, in seconds
timed() {
	local t=() i s
	for ((i = 0; i < RUNS; i++)); do
		s=$(now)
		"$@" >/dev/null 2>&1 || true
		t+=("$(awk -v a="$s" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')")
	done
	median "${t[@]}"
}

gm_each() {
	local p
	cd "$TREE"
	for p in "${P[@]}"; do
		perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats "$p"
	done
}

cp_each() {
	local p
	cd "$TREE"
	for p in "${P[@]}"; do
		perl scripts/checkpatch.pl --strict --ignore UNKNOWN_COMMIT_ID "$p"
	done
}

echo "mail: ${#P[@]} patches of $PROJ; tree $TREE; load $(cut -d' ' -f1-3 /proc/loadavg)"
km=$(timed "$K" maintainers --tree "$TREE" --plain "${P[@]}")
gm=$(timed gm_each)
kl=$(timed env KSERIES_PROJECT="$PROJ" "$K" lint --tree "$TREE")
cp=$(timed cp_each)
awk -v km="$km" -v gm="$gm" -v kl="$kl" -v cp="$cp" 'BEGIN {
	printf "maintainers: kseries %.2f s, get_maintainer.pl %.2f s: %.1fx\n", km, gm, gm / km
	printf "lint:        kseries %.2f s, checkpatch.pl %.2f s: %.1fx\n", kl, cp, cp / kl
}'
