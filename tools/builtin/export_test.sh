#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries export: format-patch mails back into patches/ and series.

. "$(dirname "$0")/test-lib.sh"

plan 16

make_tarball
make_project
ks apply
make_patches
src="$KSERIES_CACHE/src"
p="$T/proj/patches"

check "export --help starts with the summary line" \
	sh -c '"$KSERIES" export --help | head -1 | grep -q "^kseries export - "'

# Topics in the series file.
{
	echo "# The series."
	echo "# topic: x86 - the x86 part"
	sed -n 1,2p "$T/proj/series"
	echo "# topic: svm - the SVM part"
	sed -n 3p "$T/proj/series"
	echo "# end"
} >"$T/series.new"
mv "$T/series.new" "$T/proj/series"
cp "$T/proj/series" "$T/series.orig"
ks apply
ks export
check "export after apply succeeds" rc_is 0
check "series keeps its comments and topics" cmp "$T/proj/series" "$T/series.orig"
check "the patch files keep git format-patch's names" \
	sh -c "[ \"\$(cd '$p' && ls)\" = \"\$(cd '$T/work' && git format-patch -q -o '$T/fp' base..topic && cd '$T/fp' && ls)\" ]"
check "the mails are git format-patch -N --zero-commit --abbrev=12 but for the signature" \
	sh -c "cd '$T/work' && git format-patch -q -N --zero-commit --abbrev=12 -o '$T/fpz' base..topic && for f in '$T'/fpz/*; do sed '\$d' \"\$f\" | sed '\$d' >\"\$f.a\"; sed '\$d' '$p'/\$(basename \"\$f\") | sed '\$d' >\"\$f.b\"; cmp \"\$f.a\" \"\$f.b\" || exit 1; done"
check "the From line is the zero commit and the signature fixed" \
	sh -c "head -1 '$p/0001-KVM-x86-change-line-5.patch' | grep -q '^From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\$' && tail -3 '$p/0001-KVM-x86-change-line-5.patch' | head -2 | tr '\n' '|' | grep -q '^-- |kseries|\$'"

cp -r "$p" "$T/p1"
ks apply
ks export
check "apply followed by export leaves patches/ byte-identical" \
	sh -c "[ $rc = 0 ] && diff -r '$T/p1' '$p'"

# git am accepts the exported patches and gives the same tree.
git clone -q "$src" "$T/am"
git -C "$T/am" checkout -q -b am base
check "git am accepts the exported patches" \
	git -C "$T/am" am -q "$p/0001-KVM-x86-change-line-5.patch" \
		"$p/0002-KVM-x86-add-xen.c.patch" \
		"$p/0003-KVM-SVM-touch-svm.c-and-nonl.h.patch"
check "... and gives the series' tree" \
	[ "$(git -C "$T/am" rev-parse 'HEAD^{tree}')" = "$(git -C "$src" rev-parse 'series^{tree}')" ]

# A commit added in the middle (developed in the kernel tree).
git -C "$src" checkout -q -b mid series~1
echo "int middle;" >>"$src/include/linux/kvm_host.h"
git -C "$src" commit -q -am "KVM: add a patch in the middle"
git -C "$src" cherry-pick series >/dev/null
git -C "$src" checkout -q -B series mid
git -C "$src" branch -q -D mid
ks export
check "a new commit in the middle becomes a new patch in its place" \
	sh -c "[ $rc = 0 ] && sed -n 5p '$T/proj/series' | grep -q '^0003-KVM-add-a-patch-in-the-middle.patch\$' && grep -q '^# topic: svm' '$T/proj/series'"
check "the other patches' contents do not change" \
	sh -c "cmp '$T/p1/0001-KVM-x86-change-line-5.patch' '$p/0001-KVM-x86-change-line-5.patch' && sed '1,/^---\$/d' '$T/p1/0003-KVM-SVM-touch-svm.c-and-nonl.h.patch' >'$T/a' && sed '1,/^---\$/d' '$p/0004-KVM-SVM-touch-svm.c-and-nonl.h.patch' >'$T/b' && cmp '$T/a' '$T/b'"
check "old patch files no longer in the series are removed" \
	[ ! -e "$p/0003-KVM-SVM-touch-svm.c-and-nonl.h.patch" ]

# A failure leaves patches/ and series as they were.
cp -r "$p" "$T/p2"
cp "$T/proj/series" "$T/series2"
ks export --base no-such-rev
check "an export that fails changes nothing (exit 2)" \
	sh -c "[ $rc = 2 ] && diff -r '$T/p2' '$p' && cmp '$T/series2' '$T/proj/series' && ! ls '$T/proj' | grep -q tmp"

# --repo --base --branch: export a topic developed elsewhere.
mkdir "$T/other"
ks export --repo "$T/work" --base base --branch topic \
	--series "$T/other/series" --patches "$T/other/patches"
check "--repo/--base/--branch export another repository's commits" \
	sh -c "[ $rc = 0 ] && [ \$(ls '$T/other/patches' | wc -l) = 3 ] && [ \$(wc -l <'$T/other/series') = 3 ]"
mkdir "$T/other2"
ks export --repo="$T/work" --base=base --branch=topic \
	--series="$T/other2/series" --patches="$T/other2/patches"
check "the --opt=value forms give the same export" \
	sh -c "[ $rc = 0 ] && diff -r '$T/other' '$T/other2'"
ks export --bogus
check "an unknown option is a usage error (129)" rc_is 129

done_testing
