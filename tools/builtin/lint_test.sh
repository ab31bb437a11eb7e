#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries lint on the fixture series (tools/testdata/series): clean as
# it is, and on copies with one defect each, it reports exactly that
# defect. checkpatch.pl comes from a kernel tree: $KSERIES_TEST_TREE (set
# by ci/test), $KSERIES_TREE, else the
# cache's src (after 'make apply'); without one those tests are skipped.

here=$(cd "$(dirname "$0")" && pwd)
project=${KSERIES_TEST_PROJECT:-$(cd "$here/../.." && pwd)}
tree=${KSERIES_TEST_TREE:-${KSERIES_TREE:-${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}/src}}
. "$here/test-lib.sh"
fixture="$here/../testdata/series"
PY=/usr/bin/python3

plan 23

check "lint --help starts with the summary line" \
	sh -c '"$KSERIES" lint --help | head -1 | grep -q "^kseries lint - "'
ks lint --bogus
check "an unknown option is a usage error (129)" rc_is 129
ks lint --tree="$T/nope" --no-checkpatch "$T/none.patch"
check "--tree=DIR is taken: a tree that cannot be opened stops lint (2)" \
	sh -c "[ $rc = 2 ] && grep -q '$T/nope' '$T/out.txt'"

if [ ! -f "$tree/scripts/checkpatch.pl" ] || [ ! -d "$tree/.git" ]; then
	while [ "$test_nr" -lt 23 ]; do
		test_nr=$((test_nr + 1))
		echo "ok $test_nr # SKIP no kernel tree with checkpatch.pl (set KSERIES_TREE or run make apply)"
	done
	exit 0
fi

# A project holding the fixture; patch 1's Fixes: names this tree's base.
new_project() {
	rm -rf "$T/proj"
	mkdir -p "$T/proj"
	cp -r "$fixture/patches" "$fixture/series" "$fixture/kernel-overlay" \
		"$T/proj/"
	base=$(git -C "$tree" rev-parse --short=12 'base^{commit}')
	subj=$(git -C "$tree" log -1 --format=%s 'base^{commit}')
	sed -i "s/^Fixes: [0-9a-f]* (\"Linux 5.10.223\")\$/Fixes: $base (\"$subj\")/" \
		"$T/proj/patches/0001-"*.patch
}
p1="$T/proj/patches/0001-KVM-x86-xen-Comment-on-the-hypercall-page-MSR-handle.patch"
p2="$T/proj/patches/0002-KVM-Documentation-Say-which-blob-page-KVM_XEN_HVM_CO.patch"
p3="$T/proj/patches/0003-KVM-x86-Explain-when-the-clocksource-notifier-runs.patch"
p4="$T/proj/patches/0004-KVM-selftests-Document-that-kvm_check_cap-skips-with.patch"

# findings_are "patch:check ..." : lint --json found exactly these
findings_are() {
	"$KSERIES" lint --tree "$tree" --json >"$T/lint.json" 2>"$T/lint.err"
	rc=$?
	$PY - "$T/lint.json" "$rc" "$@" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
got = []
for p in r["patches"]:
    for f in p["findings"]:
        got.append("%s:%s" % (p["patch"].split("/")[-1][:4], f["check"]))
for f in r["series"]:
    got.append("series:%s" % f["check"])
want = sys.argv[3:]
rc = int(sys.argv[2])
if sorted(got) != sorted(want) or rc != (1 if want else 0) or r["ok"] != (not want):
    print("# want %s (exit %d), got %s (exit %d)" % (want, 1 if want else 0, got, rc))
    print("# " + json.dumps(r)[:1500])
    sys.exit(1)
PYEOF
}

# defect NAME EXPECTED... : one test on the project as it is now
defect() {
	desc=$1
	shift
	if findings_are "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
	new_project
}

new_project
ks lint --tree "$tree"
check "the fixture series is clean" rc_is 0
check "... and the summary says so" has "lint: 4 patches, 0 with problems; 0 problems"
check "--json says ok with no findings" findings_are

sed -i 's/^+number past the blob size is ignored\.$/+number past the blob size is ignored. /' "$p2"
defect "checkpatch.pl's findings are attributed to the patch" "0002:checkpatch"

sed -i 's/^From: .*/From: Other Person <other@example.org>/' "$p3"
defect "From: that is not the last Signed-off-by" "0003:from-signoff"

sed -i 's/^Subject: \[PATCH\] KVM: x86: /Subject: [PATCH] /' "$p3"
defect "a subject without a subsystem prefix" "0003:subject-prefix"

sed -i 's/^\(Subject: .*\)$/\1./' "$p4"
defect "a subject ending with a period" "0004:subject-period"

sed -i 's/^Fixes: 16e8d74d2da9 .*/Fixes: 16e8d74d2da9 ("KVM: x86: a notifier for clocksource changes")/' "$p3"
defect "a Fixes: tag with the wrong subject" "0003:fixes"

sed -i 's/^Fixes: 16e8d74d2da9 /Fixes: 16e8d74d /' "$p3"
defect "a Fixes: tag with an 8-digit abbreviation" "0003:fixes"

sed -i 's/^Fixes: 16e8d74d2da9 /Fixes: 0123456789ab /' "$p3"
defect "a Fixes: tag naming an unknown commit" "0003:fixes"

sed -i "s/^Fixes: [0-9a-f]* (/Fixes: $(git -C "$tree" rev-parse --short=8 'base^{commit}') (/" "$p1"
defect "a Fixes: tag with a short id of a commit of the tree" "0001:fixes"

sed -i 's/^Subject: .*/Subject: [PATCH] KVM: x86\/xen: Comment on the hypercall page MSR handler/' "$p2"
defect "two patches with one subject" "0002:duplicate-subject"

echo "0005-not-there.patch" >>"$T/proj/series"
defect "a series entry without its file" "series:series-missing"

cp "$p4" "$T/proj/patches/extra.patch"
defect "a file in patches/ that the series does not list" "series:series-orphan"

sed -i 's/^ Documentation\/virt\/kvm\/api.rst | 2 ++$/ Documentation\/virt\/kvm\/api.rst | 3 +++/' "$p2"
sed -i 's/^ 1 file changed, 2 insertions(+)$/ 1 file changed, 3 insertions(+)/' "$p2"
defect "a diffstat that does not match the diff" "0002:diffstat"

new_project
sed -i 's/^Subject: \[PATCH\] KVM: selftests: Document that/Subject: [PATCH] KVM: selftests: Fix that/' "$p4"
ks lint --tree "$tree"
check "a patch that says it fixes something without Fixes: is a warning, exit 0" \
	sh -c "[ $rc = 0 ] && grep -q '0004-.*:4: warning: fixes-missing: ' '$T/out.txt' && grep -q '0 problems, 1 warning\$' '$T/out.txt'"
new_project

ks lint --tree "$tree" --no-checkpatch "$p3" "$p4"
check "lint of named patch files, without checkpatch.pl" \
	sh -c "[ $rc = 0 ] && grep -q '2 patches, 0 with problems; 0 problems (checkpatch.pl not run)' '$T/out.txt'"

cp "$p3" "$T/broken.patch"
sed -i 's/^Subject: \[PATCH\] KVM: x86: /Subject: [PATCH] /' "$T/broken.patch"
ks lint --tree "$tree" "$T/broken.patch"
check "human output names the file, line and check" \
	sh -c "[ $rc = 1 ] && grep -q '$T/broken.patch:4: subject-prefix: the subject' '$T/out.txt'"
ks lint --tree "$T/nope" "$T/broken.patch"
check "no kernel tree for checkpatch.pl: lint could not run (2), not a finding" \
	sh -c "[ $rc = 2 ] && grep -q '$T/nope' '$T/out.txt'"

# the project's own series, when it has one
if grep -qv '^[[:space:]]*\(#\|$\)' "$project/series" 2>/dev/null; then
	KSERIES_PROJECT="$project" ks lint --tree "$tree"
	check "the project's series is clean" rc_is 0
	[ "$rc" = 0 ] || show_out
else
	test_nr=$((test_nr + 1))
	echo "ok $test_nr # SKIP the project has no series yet"
fi

done_testing
