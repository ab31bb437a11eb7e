#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries fetch: verify, cache, refuse a mismatch, do not fetch twice.
# The apt download itself is tested only with KSERIES_TEST_APT=1 (it
# needs the Debian mirror and 122 MB).

. "$(dirname "$0")/test-lib.sh"

plan 20

make_tarball
make_project
dl="$KSERIES_CACHE/dl/base.tar.xz"

check "fetch --help starts with the summary line" \
	sh -c '"$KSERIES" fetch --help | head -1 | grep -q "^kseries fetch - "'
ks fetch --nope
check "an unknown option is a usage error (129)" rc_is 129

ks fetch
check "fetch from the pin's file:// url succeeds" rc_is 0
check "the verified tarball is cached in <cache>/dl" cmp "$dl" "$T/base.tar.xz"
ino=$(stat -c %i "$dl")
ks fetch
check "a second fetch does not fetch again and says so" \
	sh -c "[ $rc = 0 ] && grep -q 'nothing downloaded' '$T/out.txt' && ! grep -q copying '$T/out.txt' && [ $ino = \$(stat -c %i '$dl') ]"

# A corrupt file is refused, in a fresh cache.
rm -rf "$KSERIES_CACHE"
cp "$T/base.tar.xz" "$T/bad.tar.xz"
printf 'garbage' | dd of="$T/bad.tar.xz" bs=1 seek=100 conv=notrunc 2>/dev/null
want=$(sha256sum "$T/base.tar.xz" | cut -d' ' -f1)
got=$(sha256sum "$T/bad.tar.xz" | cut -d' ' -f1)
ks fetch --from "$T/bad.tar.xz"
check "a tarball with the wrong sha256 is refused (exit 2)" rc_is 2
check "the error shows expected and actual sha256" \
	sh -c "grep -q 'expected: $want' '$T/out.txt' && grep -q 'actual:   $got' '$T/out.txt'"
check "the bad file is moved aside, nothing is cached" \
	sh -c "[ ! -e '$dl' ] && [ -e '$dl.bad' ] && [ \$(ls '$KSERIES_CACHE/dl' | wc -l) = 1 ]"

# A cached file that went bad is noticed and fetched again.
ks fetch
printf 'x' | dd of="$dl" bs=1 seek=300 conv=notrunc 2>/dev/null
ks fetch
check "a corrupted cached tarball is detected and fetched again" \
	sh -c "[ $rc = 0 ] && grep -q 'does not match the pin' '$T/out.txt' && cmp '$dl' '$T/base.tar.xz'"

ks fetch --force --from "$T/missing.tar.xz"
check "a missing --from file is an error" \
	sh -c "[ $rc = 2 ] && grep -q 'cannot open' '$T/out.txt'"

sed -i 's/^sha256 = .*/sha256 = 1234/' "$T/proj/kernel-overlay/pin"
ks fetch
check "a malformed pin is an error naming the pin" \
	sh -c "[ $rc = 2 ] && grep -q 'sha256 must be 64 hex digits' '$T/out.txt'"

# The archive's address comes from the system's apt configuration.
etc="$T/etc-apt"
mkdir -p "$etc/sources.list.d"
cat >"$etc/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
EOF
apt_pin() {
	cat >"$T/apt.pin" <<EOF
package = linux
package-version = 5.10.223-1
suite = $1
tarball = linux_5.10.223.orig.tar.xz
sha256 = $(printf '%064d' 0)
strip = linux-5.10.223
EOF
}
apt_pin bullseye
KSERIES_APT_ETC="$etc" ks fetch --pin="$T/apt.pin" --print-source
check "--pin=FILE is taken (fetch)" rc_is 0
KSERIES_APT_ETC="$etc" ks fetch --pin "$T/apt.pin" --print-source
check "a suite takes its archive from apt's deb822 sources" \
	sh -c "[ $rc = 0 ] && grep -qx 'deb-src http://mirror.example/debian bullseye main' '$T/out.txt'"
apt_pin bullseye-security
KSERIES_APT_ETC="$etc" ks fetch --pin "$T/apt.pin" --print-source
check "a -security suite takes the security archive" \
	sh -c "[ $rc = 0 ] && grep -qx 'deb-src http://mirror.example/debian-security bullseye-security main' '$T/out.txt'"
rm "$etc/sources.list.d/debian.sources"
echo "deb [arch=amd64] http://one-line.example/debian bookworm main" \
	>"$etc/sources.list"
apt_pin bullseye
KSERIES_APT_ETC="$etc" ks fetch --pin "$T/apt.pin" --print-source
check "one-line sources.list entries count too" \
	sh -c "[ $rc = 0 ] && grep -qx 'deb-src http://one-line.example/debian bullseye main' '$T/out.txt'"
apt_pin bullseye-security
KSERIES_APT_ETC="$etc" ks fetch --pin "$T/apt.pin"
check "no archive for the suite in apt's configuration is an error" \
	sh -c "[ $rc = 2 ] && grep -q 'names no security archive' '$T/out.txt'"
echo "apt-source = deb-src http://host.example/debian bullseye main" \
	>>"$T/apt.pin"
ks fetch --pin "$T/apt.pin" --print-source
check "a pin naming an archive host (apt-source) is refused" \
	sh -c "[ $rc = 2 ] && grep -q \"'apt-source' names an archive host\" '$T/out.txt'"
pin="$(cd "$(dirname "$0")/../.." && pwd)/kernel-overlay/pin"
check "the project's pin names a suite and no host" \
	sh -c "grep -q '^suite = ' '$pin' && ! grep -q '://' '$pin'"

# The real download with apt, into a private state directory.
if [ -n "${KSERIES_TEST_APT:-}" ]; then
	pin="$(cd "$(dirname "$0")/../.." && pwd)/kernel-overlay/pin"
	export KSERIES_CACHE="$T/aptcache"
	ks fetch --pin "$pin"
	check "apt download of the pinned tarball verifies" \
		sh -c "[ $rc = 0 ] && ls '$KSERIES_CACHE/apt/lists' | grep -q Sources"
	ks fetch --pin "$pin"
	check "the second fetch downloads nothing" \
		sh -c "[ $rc = 0 ] && grep -q 'nothing downloaded' '$T/out.txt'"
else
	ok "apt download of the pinned tarball # SKIP set KSERIES_TEST_APT=1"
	ok "the second fetch downloads nothing # SKIP set KSERIES_TEST_APT=1"
fi

done_testing
