#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel build and boot benchmark, measured side by side in one run:
#
#   cold build      fresh O= directory, ccache disabled (CCACHE_DISABLE=1)
#   no-op rebuild   the same directory again, nothing changed
#   one-file        touch arch/x86/kvm/x86.c, rebuild (ccache disabled,
#                   so the file is really compiled)
#   boot            QEMU start to the first selftest result, median of
#                   N boots, with the initramfs plain and gzip-compressed
#
#   bench/kernel.sh [--tree DIR] [--kernel BZIMAGE] [--no-cold] [-n N]
#
# --no-cold skips the builds (about 8 min on 2 idle cores) and boots
# --kernel (default <cache>/build's image). The boot test is the project's
# smoke_test when 'kseries selftests' has built it, else a shell command.
# Environment: KSERIES (the binary), KSERIES_CACHE, BENCH_DIR (scratch,
# default a temporary directory, removed at the end).

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
KSERIES=${KSERIES:-$top/out/tools/kseries}
cache=${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}
tree=$cache/src
kernel=
cold=1
boots=5

while [ $# -gt 0 ]; do
	case $1 in
	--tree) tree=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--no-cold) cold= ;;
	-n) boots=$2; shift ;;
	-h|--help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/kernel.sh: unknown argument $1" >&2; exit 129 ;;
	esac
	shift
done

[ -x "$KSERIES" ] || { echo "bench: build kseries first (make tools)" >&2; exit 1; }
export KSERIES_PROJECT=${KSERIES_PROJECT:-$top}
scratch=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/kseries-bench.XXXXXX")}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$scratch"' EXIT
export KSERIES_OUT=$scratch/out

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
ratio() { echo "scale=3; $1 / $2" | bc; }

echo "# kseries kernel benchmark: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "$cold" ]; then
	[ -f "$tree/Makefile" ] || { echo "bench: no kernel tree at $tree" >&2; exit 1; }
	b=$scratch/build
	t0=$(now)
	CCACHE_DISABLE=1 "$KSERIES" -q build --tree "$tree" --build "$b" \
		--log "$scratch/cold.log" --no-headers
	t1=$(now)
	"$KSERIES" -q build --tree "$tree" --build "$b" \
		--log "$scratch/noop.log" --no-headers
	t2=$(now)
	touch "$tree/arch/x86/kvm/x86.c"
	t3=$(now)
	CCACHE_DISABLE=1 "$KSERIES" -q build --tree "$tree" --build "$b" \
		--log "$scratch/one.log" --no-headers
	t4=$(now)
	cold_s=$(secs "$t0" "$t1")
	noop_s=$(secs "$t1" "$t2")
	one_s=$(secs "$t3" "$t4")
	printf 'cold build (no ccache, -j%s):    %8.1f s  (%s objects)\n' \
		"$(nproc)" "$cold_s" "$(grep -c '^  CC ' "$scratch/cold.log")"
	printf 'no-op rebuild:                  %8.1f s  (%.3f of cold)\n' \
		"$noop_s" "$(ratio "$noop_s" "$cold_s")"
	printf 'one-file rebuild (kvm/x86.c):   %8.1f s  (%.3f of cold, %s compiled)\n' \
		"$one_s" "$(ratio "$one_s" "$cold_s")" \
		"$(grep -c '^  CC ' "$scratch/one.log")"
	kernel=${kernel:-$b/arch/x86/boot/bzImage}
fi

kernel=${kernel:-$cache/build/arch/x86/boot/bzImage}
[ -f "$kernel" ] || { echo "bench: no kernel image $kernel" >&2; exit 1; }
st=$(dirname "$(dirname "$(dirname "$(dirname "$kernel")")")")/selftests
[ -x "$st/project/smoke_test" ] || st=$cache/selftests
if [ -x "$st/project/smoke_test" ]; then
	what="project/smoke_test"
	set -- --tests-dir "$st" --tests project/smoke_test
else
	what="a shell command (no selftests built)"
	set -- --cmd true
fi

# median of the first_result_s of $boots boots with extra args
boot_median() {
	local i vals=
	for i in $(seq "$boots"); do
		"$KSERIES" -q boot --kernel "$kernel" "$@" --json \
			>"$scratch/boot.json" 2>/dev/null || true
		v=$(sed -n 's/.*"first_result_s":\([0-9.]*\).*/\1/p' \
			"$scratch/boot.json" | head -1)
		[ -n "$v" ] && vals="$vals $v"
	done
	[ -n "$vals" ] || { echo "nan"; return; }
	echo $vals | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {
		print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

plain=$(boot_median "$@" --gzip 0)
gz=$(boot_median "$@" --gzip 1)
printf 'boot to first result (%s), median of %s:\n' "$what" "$boots"
printf '  initramfs plain:              %8.2f s\n' "$plain"
printf '  initramfs gzip -1:            %8.2f s  (%.2fx plain)\n' "$gz" \
	"$(ratio "$gz" "$plain" 2>/dev/null || echo 0)"
