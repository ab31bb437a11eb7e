#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries status: base, applied / modified / not applied, extra commits,
# local changes; human and JSON output.

. "$(dirname "$0")/test-lib.sh"

plan 14

make_tarball
make_project
src="$KSERIES_CACHE/src"

check "status --help starts with the summary line" \
	sh -c '"$KSERIES" status --help | head -1 | grep -q "^kseries status - "'
ks status --bogus
check "an unknown option is a usage error (129)" rc_is 129
ks status --pin="$T/proj/kernel-overlay/pin" --series="$T/proj/series"
check "--pin=FILE and --series=FILE are taken (status)" \
	sh -c "[ $rc = 0 ] && grep -q 'not imported yet' '$T/out.txt'"
ks status --pin="$T/no-such-pin"
check "a pin that cannot be read: the tool could not do its job (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'no-such-pin' '$T/out.txt'"
ks status
check "before the first apply the base is 'not imported yet'" \
	sh -c "[ $rc = 0 ] && grep -q 'not imported yet' '$T/out.txt'"

ks apply
make_patches
head -2 "$T/proj/series" >"$T/s2"
cp "$T/proj/series" "$T/s3"
cp "$T/s2" "$T/proj/series"
ks apply
cp "$T/s3" "$T/proj/series"
ks status
check "status names the base, tag and commit" \
	sh -c "[ $rc = 0 ] && grep -q \"^base:    Linux 0.1 (tag base, commit \$(git -C '$src' rev-parse --short=12 base))\" '$T/out.txt'"
check "applied and not applied patches" \
	sh -c "grep -q '^  applied  *0001-KVM-x86-change-line-5.patch' '$T/out.txt' && grep -q '^  not applied  *0003-KVM-SVM-touch-svm.c-and-nonl.h.patch' '$T/out.txt' && grep -q '2 of 3 patches applied' '$T/out.txt'"
check "a clean work tree is reported clean" has "work tree: clean"

ks apply
git -C "$src" commit -q --amend -m "KVM: SVM: reworded"
echo "int extra;" >>"$src/include/linux/kvm_host.h"
git -C "$src" commit -q -am "KVM: extra commit"
# A subject in Latin-1 (0xe9, not UTF-8): the JSON must stay valid.
printf 'KVM: caf\351 in Latin-1\n' >"$T/latin1.msg"
git -C "$src" -c i18n.commitEncoding=ISO-8859-1 commit -q --allow-empty \
	-F "$T/latin1.msg"
echo "dirty" >>"$src/arch/x86/kvm/x86.c"
ks status
check "a commit that differs from its patch is 'modified'" \
	sh -c "grep -q '^  modified  *0003-KVM-SVM-touch-svm.c-and-nonl.h.patch' '$T/out.txt'"
check "commits past the series are 'not exported'" \
	sh -c "grep -q 'not exported.*KVM: extra commit' '$T/out.txt'"
check "local changes are listed" \
	sh -c "grep -q 'local changes:' '$T/out.txt' && grep -q 'modified *arch/x86/kvm/x86.c' '$T/out.txt'"

"$KSERIES" status --json >"$T/st.json" 2>"$T/st.err"
rc=$?
check "status --json prints one valid JSON object" \
	sh -c "[ $rc = 0 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '$T/st.json'"
check "the JSON has states, extra commits and dirty paths" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["base"]["tag"] == "base"
assert [p["state"] for p in d["patches"]] == ["applied", "applied", "modified"], d["patches"]
assert d["extra_commits"][0]["subject"] == "KVM: extra commit"
assert d["dirty"] and d["changes"][0]["path"] == "arch/x86/kvm/x86.c"
assert d["applied"] == 2 and d["total"] == 3
' "$T/st.json"
check "a Latin-1 subject is valid JSON, read as Latin-1" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["extra_commits"][1]["subject"] == "KVM: caf\u00e9 in Latin-1", d["extra_commits"]
' "$T/st.json"

done_testing
