#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries import: the newest version of a series from a mailbox, review
# trailers from replies, the patchwork form; and what it refuses (not a
# kernel series, incomplete, malformed) without touching patches/ or
# series.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/test-lib.sh"
PY=/usr/bin/python3

plan 22

make_tarball
make_project
ks apply
make_patches
ks apply
ks export
proj="$T/proj"
cp -r "$proj/patches" "$T/exported"
printf 'KVM: x86: a test series\n\nCover.\n' >"$proj/kernel-overlay/cover-letter"

# v1 had the first two patches only; v2 all three
cp "$proj/series" "$T/series.all"
head -2 "$T/series.all" >"$proj/series"
"$KSERIES" send --no-maintainers --to a@example.org -v 1 --date 1600000000 \
	--out "$T/mb" >/dev/null
cp "$T/series.all" "$proj/series"
"$KSERIES" send --no-maintainers --to a@example.org -v 2 --date 1700000000 \
	--out "$T/mb" >/dev/null
v1="$T/mb/v1.mbox"
v2="$T/mb/v2.mbox"

# target: an empty project, with a series file carrying a comment
mkdir -p "$T/dst/patches" "$T/dst/kernel-overlay"
cp "$proj/kernel-overlay/pin" "$T/dst/kernel-overlay/"
printf '# topic: x86 - the x86 part\n0002-KVM-x86-add-xen.c.patch\n' \
	>"$T/dst/series"
cp "$T/exported/0002-KVM-x86-add-xen.c.patch" "$T/dst/patches/"
export KSERIES_PROJECT="$T/dst"
state() {
	(cd "$T/dst" && cat series && find patches -type f | sort |
	 xargs sha1sum) | sha1sum
}
before=$(state)

check "import --help starts with the summary line" \
	sh -c '"$KSERIES" import --help | head -1 | grep -q "^kseries import - "'
ks import
check "import without a mailbox is a usage error" rc_is 129
ks import --bogus "$T/none.mbox"
check "an unknown option is a usage error (129)" rc_is 129
ks import "$T/none.mbox" --tree
check "--tree without a directory is a usage error (129)" rc_is 129
ks import --tree="$T/no-such-tree" "$T/none.mbox"
check "--tree=DIR is taken (the tree named is opened; 2 if it cannot be)" \
	sh -c "[ $rc = 2 ] && grep -q 'no-such-tree' '$T/out.txt'"

# --- refusals: nothing changes --------------------------------------
$PY - "$v2" "$T/incomplete.mbox" <<'EOF2'
import sys
box = open(sys.argv[1]).read().split("\nFrom kseries ")
del box[2]          # the cover letter is [0]; drop patch 2/3
open(sys.argv[2], "w").write("\nFrom kseries ".join(box))
EOF2
ks import "$T/incomplete.mbox"
check "an incomplete series is refused" \
	sh -c "[ $rc = 1 ] && grep -q 'incomplete series: v2 lacks patch 2 of 3; nothing imported' '$T/out.txt'"
check "... and patches/ and series are untouched" [ "$(state)" = "$before" ]

KSERIES_PROJECT="$proj" "$KSERIES" send --no-maintainers --to a@example.org \
	--subject-prefix "kvm-unit-tests PATCH" --out "$T/kut" >/dev/null
ks import "$T/kut/v1.mbox"
check "a kvm-unit-tests series is refused (subject tag)" \
	sh -c "[ $rc = 1 ] && grep -q \"not a kernel series: the subject tag 'kvm-unit-tests'\" '$T/out.txt'"

sed 's#arch/x86/kvm/#target/i386/kvm/#g' "$v2" >"$T/qemu.mbox"
ks import "$T/qemu.mbox"
check "a series on QEMU's paths is refused (paths)" \
	sh -c "[ $rc = 1 ] && grep -q 'not a kernel series: target/i386/kvm/x86.c, target/i386/kvm/xen.c' '$T/out.txt'"

$PY - "$v2" "$T/malformed.mbox" <<'EOF2'
import sys
box = open(sys.argv[1]).read().split("\nFrom kseries ")
box[3] = box[3].replace("\nMessage-Id:", "\nthis line is no header\nMessage-Id:", 1)
open(sys.argv[2], "w").write("\nFrom kseries ".join(box))
EOF2
ks import "$T/malformed.mbox"
check "a malformed mail is refused, naming the message and line" \
	sh -c "[ $rc = 1 ] && grep -q 'message 4 (line [0-9]*): line 4: not a mail header' '$T/out.txt'"

sed 's/^@@ -2,7 +2,7 @@/@@ -2,9 +2,9 @@/' "$v2" >"$T/corrupt.mbox"
ks import "$T/corrupt.mbox"
check "a patch whose diff does not parse is refused" \
	sh -c "[ $rc = 1 ] && grep -q 'malformed patch mail' '$T/out.txt'"
ks import "$T/none.mbox"
check "a missing mailbox is an error (2: the tool could not read it)" rc_is 2
check "after all refusals, patches/ and series are untouched" \
	[ "$(state)" = "$before" ]

# --- the newest version ----------------------------------------------
cat "$v2" "$v1" >"$T/both.mbox"
ks import --dry-run "$T/both.mbox"
check "--dry-run says what it would write and writes nothing" \
	sh -c "[ $rc = 0 ] && grep -q 'would write patches/0003-KVM-SVM-touch-svm.c-and-nonl.h.patch' '$T/out.txt' && [ \"\$(cat '$T/dst/series' | tail -1)\" = 0002-KVM-x86-add-xen.c.patch ]"
ks import "$T/both.mbox"
check "v2 and v1 in one mailbox: v2 is imported" \
	sh -c "[ $rc = 0 ] && grep -q \"imported v2 of 'KVM: x86: a test series': 3 patches\" '$T/out.txt'"
check "... its patches as exported, byte for byte" \
	diff -r "$T/exported" "$T/dst/patches"
check "... the series in order, keeping the comment above a known patch" \
	sh -c "[ \"\$(cat '$T/dst/series')\" = \"\$(printf '0001-KVM-x86-change-line-5.patch\n# topic: x86 - the x86 part\n0002-KVM-x86-add-xen.c.patch\n0003-KVM-SVM-touch-svm.c-and-nonl.h.patch')\" ]"
KSERIES_CACHE="$T/cache2" KSERIES_OUT="$T/out2" ks apply
[ "$rc" = 0 ] || show_out
check "the imported series applies" rc_is 0

# --- review trailers -------------------------------------------------
cover=$(grep -m1 '^Message-Id:' "$v2" | sed 's/^Message-Id: //')
p2=$(grep '^Message-Id:' "$v2" | sed -n 3p | sed 's/^Message-Id: //')
{
	cat "$v2"
	printf 'From r Mon Jan  1 00:00:00 2024\nFrom: R <r@example.org>\nSubject: Re: [PATCH v2 0/3] KVM: x86: a test series\nMessage-Id: <r1@example.org>\nIn-Reply-To: %s\nReferences: %s\n\n> Cover.\n\nAcked-by: Main Tainer <maint@example.org>\n\n' "$cover" "$cover"
	printf 'From r Mon Jan  1 00:00:00 2024\nFrom: R <r@example.org>\nSubject: Re: [PATCH v2 2/3] KVM: x86: add xen.c\nMessage-Id: <r2@example.org>\nIn-Reply-To: %s\nReferences: %s %s\n\nReviewed-by: Rev Iewer <rev@example.org>\n' "$p2" "$cover" "$p2"
} >"$T/reviewed.mbox"
ks import "$T/reviewed.mbox"
check "trailers from replies: the import says how many" \
	sh -c "[ $rc = 0 ] && grep -q '3 patches, 4 review trailers added' '$T/out.txt'"
check "... the cover letter's Acked-by on every patch, after the sign-off" \
	sh -c "for f in '$T'/dst/patches/*.patch; do grep -A1 '^Signed-off-by: Test Builder' \"\$f\" | grep -q '^Acked-by: Main Tainer <maint@example.org>\$' || exit 1; done"
check "... the patch's Reviewed-by on patch 2 only" \
	sh -c "[ \$(grep -l '^Reviewed-by: Rev Iewer' '$T'/dst/patches/*.patch) = '$T/dst/patches/0002-KVM-x86-add-xen.c.patch' ]"

# --- the patchwork form ---------------------------------------------
$PY - "$v2" "$T/pw.mbox" <<'EOF2'
import re, sys
box = open(sys.argv[1]).read().split("\nFrom kseries ")[1:]   # no cover
out = []
for i, m in enumerate(box):
    m = m.split("\n", 1)[1]                     # drop the postmark's rest
    m = "X-Patchwork-Submitter: Test Builder <builder@example.org>\nX-Patchwork-Id: %d\n" % (100 + i) + m
    m = m.replace("\nBody of", "\nFrom the start: the body of", 1)
    out.append("From patchwork Mon Nov 13 22:13:2%d 2023\n" % i + m)
open(sys.argv[2], "w").write("\n".join(out))
EOF2
ks import "$T/pw.mbox"
check "a patchwork series mbox (no cover, unquoted From lines) imports" \
	sh -c "[ $rc = 0 ] && grep -q '3 patches' '$T/out.txt' && grep -q '^From the start: the body of' '$T/dst/patches/0002-KVM-x86-add-xen.c.patch'"

done_testing
