# SPDX-License-Identifier: GPL-2.0
#
# Shared by builtin/*_test.sh: TAP output and small fixtures (a tiny
# "kernel" tarball, a project with a pin pointing at it, patches made
# with real git), all in a temporary directory.
#
# KSERIES is the kseries binary to test (make test sets it).

set -u

: "${KSERIES:=$(cd "$(dirname "$0")/../.." && pwd)/out/tools/kseries}"
T=$(mktemp -d "${TMPDIR:-/tmp}/kseries-test.XXXXXX")
trap '[ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
export KSERIES_CACHE="$T/cache" KSERIES_PROJECT="$T/proj" KSERIES_OUT="$T/out"
export GIT_CONFIG_NOSYSTEM=1 HOME="$T/home"
unset KSERIES_PIN KSERIES_TREE
mkdir -p "$HOME"
git config --global user.name "Test Builder"
git config --global user.email "builder@example.org"
git config --global init.defaultBranch master
git config --global advice.detachedHead false

test_nr=0
test_failed=0

# plan N
plan() {
	echo "1..$1"
}

ok() {
	test_nr=$((test_nr + 1))
	echo "ok $test_nr - $1"
}

not_ok() {
	test_nr=$((test_nr + 1))
	test_failed=$((test_failed + 1))
	echo "not ok $test_nr - $1"
}

# check DESCRIPTION COMMAND...: one test, passing if COMMAND succeeds.
check() {
	desc=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/# /' "$T/check.out" | head -20
	fi
}

# ks ARGS...: run kseries, stdout+stderr to $T/out.txt, status in $rc.
ks() {
	"$KSERIES" "$@" >"$T/out.txt" 2>&1
	rc=$?
	return 0
}

# has TEXT: the last ks output contains TEXT.
has() {
	grep -F -q -- "$1" "$T/out.txt"
}

rc_is() {
	[ "$rc" = "$1" ]
}

show_out() {
	sed 's/^/#   /' "$T/out.txt" | head -30
}

# A tiny tree laid out like a kernel: base.tar.xz with top dir linux-0.1.
make_tarball() {
	b="$T/build/linux-0.1"
	rm -rf "$T/build"
	mkdir -p "$b/arch/x86/kvm" "$b/include/linux" "$b/scripts" \
		"$b/Documentation/empty" "$b/tools/testing"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		echo "int x86_line_$i(void);"
	done >"$b/arch/x86/kvm/x86.c"
	printf '/* svm */\nint svm;\nint svm_x;\n' >"$b/arch/x86/kvm/svm.c"
	printf 'struct kvm;\n' >"$b/include/linux/kvm_host.h"
	printf '#!/bin/sh\necho build\n' >"$b/scripts/build.sh"
	chmod 755 "$b/scripts/build.sh"
	printf 'no newline at the end' >"$b/include/linux/nonl.h"
	: >"$b/tools/testing/empty.c"
	printf '*.o\n' >"$b/.gitignore"
	printf 'ignored but in the tarball\n' >"$b/arch/x86/kvm/x.o"
	ln -s ../include/linux "$b/arch/linux-headers"
	(cd "$T/build" && tar cJf "$T/base.tar.xz" linux-0.1)
}

# pin_text VERSION TARBALL: a pin of $T/TARBALL, whose top directory is
# linux-VERSION.
pin_text() {
	cat <<EOF
name = Linux $1
url = file://$T/$2
tarball = $2
sha256 = $(sha256sum "$T/$2" | cut -d' ' -f1)
strip = linux-$1
EOF
}

# The project: kernel-overlay/pin naming base.tar.xz, empty series.
make_project() {
	mkdir -p "$T/proj/kernel-overlay" "$T/proj/patches"
	pin_text 0.1 base.tar.xz >"$T/proj/kernel-overlay/pin"
	: >"$T/proj/series"
}

# A clone of the imported base to make patches with real git.
make_work() {
	rm -rf "$T/work"
	git clone -q "$KSERIES_CACHE/src" "$T/work"
	git -C "$T/work" checkout -q -b topic base
}

# commit_work "subject" "date": commit what changed in $T/work.
commit_work() {
	git -C "$T/work" add -A
	GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" \
		git -C "$T/work" commit -q -m "$1" -m "Body of '$1'.

Signed-off-by: Test Builder <builder@example.org>"
}

# Three patches: modify, create, modify at EOF without newline.
make_patches() {
	make_work
	w="$T/work"
	sed -i 's/int x86_line_5(void);/int x86_line_5(int changed);/' \
		"$w/arch/x86/kvm/x86.c"
	commit_work "KVM: x86: change line 5" "1700000000 +0100"
	printf '/* new */\nint xen;\n' >"$w/arch/x86/kvm/xen.c"
	commit_work "KVM: x86: add xen.c" "1700000100 -0500"
	printf 'no newline at the end, changed' >"$w/include/linux/nonl.h"
	echo 'int svm_y;' >>"$w/arch/x86/kvm/svm.c"
	commit_work "KVM: SVM: touch svm.c and nonl.h" "1700000200 +0000"
	rm -f "$T/proj/patches/"*.patch
	git -C "$w" format-patch -q -o "$T/proj/patches" base..topic
	(cd "$T/proj/patches" && ls *.patch) >"$T/proj/series"
}

# A checksum of everything in the work tree (content, modes, links).
tree_sum() {
	(cd "$KSERIES_CACHE/src" &&
	 find . -path ./.git -prune -o \( -type f -o -type l \) -print |
	 LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then
			echo "L $f $(readlink "$f")"
		else
			echo "F $f $(stat -c %a "$f") $(sha1sum <"$f")"
		fi
	 done | sha1sum)
}

# Everything apply may change: branch, HEAD, index, status, work tree.
state() {
	git -C "$KSERIES_CACHE/src" rev-parse series HEAD
	git -C "$KSERIES_CACHE/src" ls-files -s | sha1sum
	git -C "$KSERIES_CACHE/src" status --porcelain
	tree_sum
}

done_testing() {
	[ "$test_failed" = 0 ]
}
