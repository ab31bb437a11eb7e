#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries build with distcc: a distccd started here on 127.0.0.1 (a free
# port, its own log), and the kernel built six times in a copy of the
# build directory, each time after removing the same few objects and
# with an empty ccache of its own, so that they are really compiled:
#
#   1 local, --no-distcc while $DISTCC_HOSTS names the daemon: nothing
#     reaches it
#   2 --distcc HOST: the build line says so, distccd's log shows it
#     compiled those objects, and the image is the same as 1's; again
#     with --no-ccache, compared with a local build without ccache
#   3 the daemon stopped, $DISTCC_HOSTS naming it: the build falls back
#     to local compiles, says so and why in one line, does not make
#     distcc try (and warn) for every file, and the image is the same
#   4 a daemon that accepts the connection but refuses the client: the
#     probe passes it, distcc's own fallback compiles every file here,
#     the build line counts them, and the image is the same
#
# Needs the kernel tree and its build: $KSERIES_TEST_TREE or <cache>/src,
# $KSERIES_TEST_KERNEL or <cache>/build/arch/x86/boot/bzImage (the build
# directory is copied, never written), distccd and ccache; otherwise the
# kernel tests are skipped.

REAL_CACHE=${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}
. "$(dirname "$0")/test-lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${KSERIES_TEST_TREE:-$REAL_CACHE/src}
KERNEL=${KSERIES_TEST_KERNEL:-$REAL_CACHE/build/arch/x86/boot/bzImage}
BUILD=${KERNEL%/arch/x86/boot/bzImage}
B=$T/build
D=$T/distccd
# Small objects, compiled in well under a second each.
OBJS="lib/ctype lib/bsearch lib/errseq lib/bcd"
N=35

unset DISTCC_HOSTS CCACHE_PREFIX CCACHE_DISABLE
export DISTCC_DIR="$T/distcc-client"
mkdir -p "$DISTCC_DIR"

plan $N

skip_rest() {
	while [ $test_nr -lt $N ]; do
		test_nr=$((test_nr + 1))
		echo "ok $test_nr - distcc build # SKIP $1"
	done
	done_testing
	exit
}

# The daemon goes with the test, however it ends.
stop_distccd() {
	spid=$(cat "$D/pid" 2>/dev/null)
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	i=0
	while [ $i -lt 50 ] && { listening "$port" ||
			{ [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; }; }; do
		sleep 0.1
		i=$((i + 1))
	done
	rm -f "$D/pid"
}
trap 'stop_distccd; [ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
port=

# listening PORT: something listens on 127.0.0.1:PORT (/proc/net/tcp).
listening() {
	[ -n "$1" ] || return 1
	hex=$(printf '0100007F:%04X' "$1")
	grep -q " $hex 00000000:0000 0A " /proc/net/tcp
}

# Usage, always.
check "build --help has --distcc" \
	sh -c '"$KSERIES" build --help | grep -q -- "--distcc HOSTS"'
ks build --distcc
check "build: --distcc without a value is a usage error (129)" rc_is 129
ks build --distcc 'host/x'
check "build: --distcc with a bad host list is a usage error (129)" \
	sh -c "[ $rc = 129 ] && grep -q \"'host/x' is not a distcc host\" '$T/out.txt'"
mkdir -p "$T/notree"
: >"$T/notree/Makefile"
: >"$T/notree/Kconfig"
: >"$T/frag.config"
DISTCC_HOSTS='+zeroconf' "$KSERIES" build --tree "$T/notree" \
	--build "$T/nobuild" --fragment "$T/frag.config" >"$T/out.txt" 2>&1
rc=$?
check "build: a bad \$DISTCC_HOSTS cannot be used (2), and says so" \
	sh -c "[ $rc = 2 ] && grep -q \"'+zeroconf' is not a distcc host.*(from DISTCC_HOSTS)\" '$T/out.txt'"

if [ ! -f "$SRC/Makefile" ] || [ ! -f "$BUILD/.config" ] ||
		[ ! -f "$KERNEL" ]; then
	skip_rest "no kernel tree and build ($SRC, $BUILD): run 'kseries build'"
fi
for o in $OBJS; do
	[ -f "$BUILD/$o.o" ] || skip_rest "no $o.o in $BUILD"
done
command -v distccd >/dev/null 2>&1 || skip_rest "no distccd"
command -v distcc >/dev/null 2>&1 || skip_rest "no distcc"
command -v ccache >/dev/null 2>&1 || skip_rest "no ccache"

# The build directory copied with its times, so nothing else rebuilds;
# the same fragments, by the same paths, so the config stays as it is.
cp -a "$BUILD" "$B"
# Except objtool: its own build records absolute paths, so the copy
# relinks it, and every object depends on it (CONFIG_STACK_VALIDATION).
# Relink it now and give it back its old time, so that only the removed
# objects are compiled (seconds, not the whole kernel again).
make -s -C "$SRC" O="$B" tools/objtool >"$T/objtool.log" 2>&1
if [ -e "$BUILD/tools/objtool/objtool" ]; then
	find "$B/tools/objtool" -exec touch -h -r \
		"$BUILD/tools/objtool/objtool" {} +
fi
FRAGS=
for f in "$top"/kernel-overlay/config/*.config; do
	FRAGS="$FRAGS --fragment $f"
done
# The copy's config must be up to date with these fragments; otherwise
# (a build of other fragments, or of another checkout's paths) the
# builds below would compile the whole kernel.
# shellcheck disable=SC2086
"$KSERIES" build --tree "$SRC" --build "$B" --log "$T/config.log" \
	--config-only --no-distcc $FRAGS >"$T/out.txt" 2>&1
grep -q "^kseries: config: up to date$" "$T/out.txt" ||
	skip_rest "the config of $BUILD is not that of $top's fragments: run 'kseries build' from here"

# distccd as root drops to nobody, who must reach its directory.
mkdir -p "$D"
chmod 777 "$D"
chmod 711 "$T"
user=
[ "$(id -u)" = 0 ] && user="--user nobody"
# start_distccd ALLOW LOG: a daemon on a free port of 127.0.0.1 that
# serves the clients of ALLOW, logging to LOG; $port, or empty.
start_distccd() {
	for try in 1 2 3 4 5; do
		port=$((20000 + ($$ * 7 + try * 4099) % 40000))
		listening "$port" && continue
		# shellcheck disable=SC2086
		distccd --daemon --allow "$1" --listen 127.0.0.1 \
			--port "$port" --jobs 2 --log-file "$2" \
			--pid-file "$D/pid" $user
		i=0
		while [ $i -lt 50 ] && ! listening "$port"; do
			sleep 0.1
			i=$((i + 1))
		done
		listening "$port" && return
		stop_distccd
	done
	port=
}
start=$(date +%s)
start_distccd 127.0.0.1 "$D/log"
check "distccd listens on 127.0.0.1:$port" listening "$port"
[ -n "$port" ] || skip_rest "distccd did not start (see $D/log)"
HOSTS="127.0.0.1:$port/2"

# kbuild N ARGS...: remove the objects, build with an empty ccache of
# its own (N), keep the output in $T/out.txt and $T/build-N.log.
kbuild() {
	n=$1
	shift
	for o in $OBJS; do
		rm -f "$B/$o.o"
	done
	s=$(date +%s)
	# shellcheck disable=SC2086
	CCACHE_DIR="$T/ccache-$n" "$KSERIES" build --tree "$SRC" \
		--build "$B" --log "$T/build-$n.log" --no-headers -j 2 \
		$FRAGS "$@" >"$T/out.txt" 2>&1
	rc=$?
	took=$(($(date +%s) - s))
	cp "$T/out.txt" "$T/out-$n.txt"
	sha256sum <"$B/arch/x86/boot/bzImage" >"$T/image-$n"
}

compiles() {
	c=$(grep -c COMPILE_OK "$D/log" 2>/dev/null)
	echo "${c:-0}"
}

# 1: local, although $DISTCC_HOSTS names the daemon.
DISTCC_HOSTS=$HOSTS kbuild local --no-distcc
echo "# local build: $took s"
check "local build (--no-distcc) succeeds" rc_is 0
check "local build: no distcc line" \
	sh -c "! grep -q 'build: distcc' '$T/out.txt'"
check "local build: the usual build line" \
	grep -q "^kseries: build: bzImage, [0-9]* compiled ([0-9.]* s)$" \
	"$T/out.txt"
check "local build: the objects were compiled" \
	grep -q "  CC      lib/ctype.o" "$T/build-local.log"
check "local build: nothing reached distccd" [ "$(compiles)" = 0 ]

# 2: through distccd, named by --distcc.
kbuild distcc --distcc "$HOSTS"
echo "# distcc build: $took s"
check "distcc build succeeds" rc_is 0
check "distcc build: the build line says so" \
	grep -q "^kseries: build: distcc on 1 host (2 slots), ccache, -j2$" \
	"$T/out.txt"
check "distcc build: distccd's log has a compile of each object" \
	sh -c "for o in $OBJS; do grep -q \"COMPILE_OK .* [^ ]*/\$o.c\$\" '$D/log' || exit 1; done"
check "distcc build: every compile went out (ccache missed, distcc sent)" \
	[ "$(compiles)" -ge 4 ]
check "distcc build: distcc never fell back" \
	sh -c "! grep -q 'failed to distribute' '$T/build-distcc.log'"
check "distcc build: the same image as the local build" \
	cmp -s "$T/image-local" "$T/image-distcc"
echo "# image: local $(cut -c1-16 "$T/image-local"), distcc $(cut -c1-16 "$T/image-distcc")"
sed -n 's/.*COMPILE_OK.*time:\([0-9]*ms\) \(.*\)/# distccd: \2 (\1)/p' \
	"$D/log" | head -8

# 2b: through distccd without ccache (kseries' gcc wrapper first on
# PATH): the compiler's version text is unchanged, so only the removed
# objects are compiled, and the image is that of a local build without
# ccache (not 1's: ccache's CCACHE_BASEDIR makes the source paths
# relative, which -fmacro-prefix-map then leaves in __FILE__).
before=$(compiles)
kbuild local-nocache --no-ccache --no-distcc
check "local build without ccache succeeds" rc_is 0
kbuild nocache --no-ccache --distcc "$HOSTS"
echo "# distcc build without ccache: $took s"
check "distcc build without ccache succeeds" rc_is 0
check "distcc build without ccache: the build line says so" \
	grep -q "^kseries: build: distcc on 1 host (2 slots), no ccache, -j2$" \
	"$T/out.txt"
check "distcc build without ccache: only the removed objects compiled" \
	sh -c "! grep -q 'SYNC *include/config' '$T/build-nocache.log' && [ \$(grep -c '^  CC ' '$T/build-nocache.log') -le 8 ]"
check "distcc build without ccache: distccd compiled them" \
	[ "$(compiles)" -ge $((before + 4)) ]
check "distcc build without ccache: the same image as without distcc" \
	cmp -s "$T/image-local-nocache" "$T/image-nocache"

# 3: the daemon gone, $DISTCC_HOSTS still naming it.
before=$(compiles)
dpid=$(cat "$D/pid")
stop_distccd
check "distccd stopped" \
	sh -c "! kill -0 $dpid 2>/dev/null && ! grep -q ' $(printf '0100007F:%04X' "$port") 00000000:0000 0A ' /proc/net/tcp"
DISTCC_HOSTS=$HOSTS kbuild fallback
echo "# fallback build: $took s"
check "fallback build succeeds" rc_is 0
check "fallback build: the usual build line" \
	grep -q "^kseries: build: bzImage, [0-9]* compiled ([0-9.]* s)$" \
	"$T/out.txt"
check "fallback build: one line says it fell back, and why" \
	sh -c "[ \$(grep -c 'build: distcc' '$T/out.txt') = 1 ] && grep -q '^kseries: build: distcc fell back to local compiles (ccache, -j2): no host answered: 127.0.0.1:$port (Connection refused)$' '$T/out.txt'"
check "fallback build: distcc was not run at all (no warning a file)" \
	sh -c "! grep -q 'distcc\[' '$T/build-fallback.log'"
check "fallback build: the objects were compiled here" \
	sh -c "grep -q '  CC      lib/ctype.o' '$T/build-fallback.log' && [ $(compiles) = $before ]"
check "fallback build: the same image" \
	cmp -s "$T/image-local" "$T/image-fallback"

# 4: a daemon that answers the probe but refuses this client (its
# access list names another address): distcc's own fallback
# (DISTCC_FALLBACK, on by default) compiles each file here after all,
# and the build line counts them.
start_distccd 10.255.255.254 "$D/log-refuse"
check "a refusing distccd listens on 127.0.0.1:$port" listening "$port"
kbuild refused --distcc "127.0.0.1:$port/2"
echo "# refused build: $took s"
check "refused build succeeds" rc_is 0
check "refused build: the build line says distcc is used" \
	grep -q "^kseries: build: distcc on 1 host (2 slots), ccache, -j2$" \
	"$T/out.txt"
check "refused build: distccd refused the client" \
	grep -q "denied by access list" "$D/log-refuse"
fell=$(grep -c '^distcc\[.*Warning: failed to distribute.*running locally instead$' \
	"$T/build-refused.log")
check "refused build: distcc compiled them here ($fell), the build line counts them" \
	sh -c "[ $fell -ge 4 ] && grep -q '^kseries: build: bzImage, [0-9]* compiled, $fell of them here: distcc could not send them (' '$T/out.txt'"
check "refused build: the same image" \
	cmp -s "$T/image-local" "$T/image-refused"
stop_distccd
echo "# distcc test: $(($(date +%s) - start)) s for the six builds"

done_testing
