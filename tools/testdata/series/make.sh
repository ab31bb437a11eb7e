#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Remake the fixture series of the mail workflow's tests: four small
# patches on the real base (Linux 5.10.223) touching KVM files, clean
# for checkpatch.pl --strict, in the format 'kseries export' writes
# (git format-patch -N --zero-commit --abbrev=12 with signature
# "kseries" and the subject on one line). Patch 1 has a Fixes: tag naming the base commit, patch 3
# one naming an upstream commit of kernel-overlay/upstream-commits.
#
# usage: make.sh [KERNEL-TREE]   (default $KSERIES_TREE, ~/.cache/kseries/src)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:-${KSERIES_TREE:-$HOME/.cache/kseries/src}}
w=$(mktemp -d "${TMPDIR:-/tmp}/kseries-fixture.XXXXXX")
trap 'rm -rf "$w"' EXIT

git clone -q --shared --no-checkout "$tree" "$w/k"
cd "$w/k"
git sparse-checkout set --no-cone /arch/x86/kvm/x86.c \
	/Documentation/virt/kvm/api.rst \
	/tools/testing/selftests/kvm/lib/kvm_util.c
base=$(git rev-parse 'refs/heads/base^{commit}' 2>/dev/null ||
       git rev-parse 'refs/tags/base^{commit}')
git checkout -q -b fixture "$base"
git config user.name "KVM Series Maintainers"
git config user.email "maintainers@kvm-series.invalid"
n=0
commit() {
	n=$((n + 1))
	GIT_AUTHOR_DATE="@$((1700000000 + n * 3600)) +0000" \
	GIT_COMMITTER_DATE="@$((1700000000 + n * 3600)) +0000" \
		git commit -q -a -F -
}

perl -0pi -e 's/\nstatic int xen_hvm_config\(/\n\/*\n * Copy one page of the hypercall blob that userspace registered with\n * KVM_XEN_HVM_CONFIG (the 32- or 64-bit one, by the vCPU mode) to the\n * guest page named by the MSR write.\n *\/\nstatic int xen_hvm_config(/' arch/x86/kvm/x86.c
commit <<MSG
KVM: x86/xen: Comment on the hypercall page MSR handler

xen_hvm_config() copies a page of a userspace blob into the guest; say
which blob and where it goes, since the function name does not.

Fixes: $(git rev-parse --short=12 "$base") ("$(git log -1 --format=%s "$base")")
Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>
MSG

perl -0pi -e 's/(page of a blob \(32- or 64-bit, depending on the vcpu mode\) to guest\nmemory\.\n)/$1The page number is the low bits of the value written to the MSR; a\nnumber past the blob size is ignored.\n/' Documentation/virt/kvm/api.rst
commit <<MSG
KVM: Documentation: Say which blob page KVM_XEN_HVM_CONFIG copies

The MSR value selects the page of the blob; document it, and that a
page number beyond the blob is ignored rather than an error.

Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>
MSG

perl -0pi -e 's/ \* Notification about pvclock gtod data update\.\n/ * Notification about pvclock gtod data update: called by the timekeeping\n * core, with tk_core.seq held for writing, whenever the clocksource or\n * its parameters change.\n/' arch/x86/kvm/x86.c
commit <<MSG
KVM: x86: Explain when the clocksource notifier runs

pvclock_gtod_notify() runs with the timekeeping sequence lock held for
writing, which is why it defers work to irq_work; say so where the
function is defined.

Fixes: 16e8d74d2da9 ("KVM: x86: notifier for clocksource changes")
Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>
MSG

perl -0pi -e 's/( \* \(KVM_CAP_\*\) given by cap\.\n)/$1 * Exits with KSFT_SKIP, skipping the test, if \/dev\/kvm cannot be opened.\n/' tools/testing/selftests/kvm/lib/kvm_util.c
commit <<MSG
KVM: selftests: Document that kvm_check_cap() skips without /dev/kvm

A test calling kvm_check_cap() on a host without /dev/kvm is skipped,
not failed; the function's comment should say so.

Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>
MSG

rm -rf "$here/patches"
git format-patch -q -N --zero-commit --abbrev=12 -o "$here/patches" \
	"$base..fixture"
for f in "$here"/patches/*.patch; do
	# kseries export's signature instead of git's version, and its
	# subject on one line
	sed -i '$d' "$f"
	sed -i '$d' "$f"
	printf 'kseries\n\n' >>"$f"
	perl -0pi -e 's/^(Subject: [^\n]*)\n (?=\S)/$1 /m' "$f"
done
(cd "$here/patches" && ls) >"$here/series"
git diff --stat "$base" fixture
