#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries rebase on two tiny fixture bases made here: a patch that moved,
# one that needs a three-way merge, one already in the new base, one that
# conflicts and one that applies clean; --abort restores everything; a
# kill -9 at each step, then --continue or --abort, never a half state.

. "$(dirname "$0")/test-lib.sh"

plan 49

# base_tree DIR VERSION: the old base (0.1) or the new one (0.2).
base_tree() {
	d=$1
	mkdir -p "$d/arch/x86/kvm" "$d/include/linux" "$d/virt"
	{
		[ "$2" = 0.2 ] && printf '/* 0.2 */\n#include <a.h>\n#include <b.h>\n'
		for i in $(seq 1 20); do
			if [ "$2" = 0.2 ] && [ "$i" = 5 ]; then
				echo "int x86_line_5(long stable);"
			else
				echo "int x86_line_$i(void);"
			fi
		done
	} >"$d/arch/x86/kvm/x86.c"
	for i in $(seq 1 12); do
		if [ "$2" = 0.2 ] && [ "$i" = 3 ]; then
			echo "merge line 3, changed by stable"
		else
			echo "merge line $i"
		fi
	done >"$d/virt/merge.c"
	printf 'struct kvm;\n' >"$d/include/linux/kvm_host.h"
	[ "$2" = 0.2 ] && printf 'int kvm_stable_fix;\n' \
		>>"$d/include/linux/kvm_host.h"
	printf '/* svm */\nint svm;\n' >"$d/arch/x86/kvm/svm.c"
	for i in $(seq 1 300); do echo "unchanged file $i"; done \
		>"$d/virt/big.c"
	ln -s ../include/linux "$d/arch/linux-headers"
}

mk_tar() {
	rm -rf "$T/build"
	mkdir -p "$T/build/linux-$1"
	base_tree "$T/build/linux-$1" "$1"
	(cd "$T/build" && tar cJf "$T/$2" "linux-$1")
}

mk_tar 0.1 base.tar.xz
mk_tar 0.2 new.tar.xz
make_project
{ echo '# the new base'; pin_text 0.2 new.tar.xz; } >"$T/new.pin"
ks apply
check "the fixture base imports" rc_is 0

# The series: moved, merged, already, conflict, clean.
make_work
w="$T/work"
sed -i 's/int x86_line_15(void);/int x86_line_15(int moved);/' \
	"$w/arch/x86/kvm/x86.c"
commit_work "KVM: x86: change line 15" "1700000000 +0000"
sed -i 's/merge line 5/merge line 5, changed by the patch/' "$w/virt/merge.c"
commit_work "KVM: merge.c needs a merge" "1700000100 +0000"
printf 'int kvm_stable_fix;\n' >>"$w/include/linux/kvm_host.h"
commit_work "KVM: the fix stable took" "1700000200 +0000"
sed -i 's/int x86_line_5(void);/int x86_line_5(int ours);/' \
	"$w/arch/x86/kvm/x86.c"
commit_work "KVM: x86: change line 5" "1700000300 +0000"
printf 'int xen;\n' >"$w/arch/x86/kvm/xen.c"
commit_work "KVM: x86: add xen.c" "1700000400 +0000"
git -C "$w" format-patch -q -o "$T/proj/patches" base..topic
{
	echo "# topic: fixture - the patches of the rebase test"
	(cd "$T/proj/patches" && ls *.patch)
} >"$T/proj/series"
ks apply
check "the fixture series applies" rc_is 0

# Everything a rebase may change, to compare before and after.
all_state() {
	state
	git -C "$KSERIES_CACHE/src" rev-parse base
	git -C "$KSERIES_CACHE/src" symbolic-ref HEAD
	cat "$KSERIES_CACHE/src/.git/kseries-applied"
	(cd "$T/proj" && find kernel-overlay series patches -type f |
	 LC_ALL=C sort | xargs sha1sum && find patches -type f |
	 xargs stat -c '%n %a')
	[ -e "$KSERIES_CACHE/src/.git/kseries-rebase" ] && echo IN PROGRESS
}

# same_as STATE: all_state is STATE now.
same_as() {
	[ "$1" = "$(all_state)" ]
}

# killed_then KILLED-RC RC STATE: killed by SIGKILL, the rerun went
# well and everything is STATE.
killed_then() {
	[ "$1" = 137 ] && [ "$2" = 0 ] && same_as "$3"
}

before=$(all_state)
snap() {
	rm -rf "$T/snap"
	mkdir -p "$T/snap"
	cp -a "$T/proj" "$KSERIES_CACHE" "$T/snap/"
}
restore() {
	rm -rf "$T/proj" "$KSERIES_CACHE"
	cp -a "$T/snap/proj" "$T/proj"
	cp -a "$T/snap/cache" "$KSERIES_CACHE"
}
snap

check "rebase --help starts with the summary line" \
	sh -c '"$KSERIES" rebase --help | head -1 | grep -q "^kseries rebase - "'
ks rebase
check "rebase without a mode is a usage error (129)" rc_is 129
ks rebase --continue
check "--continue with no rebase in progress says so (1)" \
	sh -c "[ $rc = 1 ] && grep -q 'no rebase in progress' '$T/out.txt'"

"$KSERIES" rebase --to "$T/new.pin" --print-pin >"$T/printed.pin" 2>&1
check "--print-pin prints the new pin and changes nothing" \
	sh -c "cmp '$T/printed.pin' '$T/new.pin' && [ ! -e '$KSERIES_CACHE/src/.git/kseries-rebase' ]"
"$KSERIES" rebase --to="$T/new.pin" --print-pin >"$T/printed2.pin" 2>&1
check "--to=PIN is taken as --to PIN is" cmp "$T/printed.pin" "$T/printed2.pin"
ks rebase --bogus
check "an unknown option is a usage error (129)" rc_is 129
ks rebase --abort --to
check "--to without a value is a usage error (129)" rc_is 129

ks rebase --to "$T/new.pin"
cp "$T/out.txt" "$T/first.txt"
check "the rebase stops at the conflict (exit 1)" rc_is 1 || show_out
check "an incremental import: only changed files are new objects" \
	grep -q 'imported Linux 0.2: 6 files, [0-9] new objects' "$T/first.txt"
check "patch 1 moved, by +3 lines" \
	sh -c "grep -q 'moved.*0001-KVM-x86-change-line-15' '$T/first.txt'"
check "patch 2 merged, patch 3 already in the base" \
	sh -c "grep -q 'merged.*0002-' '$T/first.txt' && grep -q 'already.*0003-' '$T/first.txt'"
check "the conflict names the patch and the file" \
	sh -c "grep -q '0004-KVM-x86-change-line-5.patch, conflicts with Linux 0.2' '$T/first.txt' && grep -q 'arch/x86/kvm/x86.c: conflict' '$T/first.txt'"
x86="$KSERIES_CACHE/src/arch/x86/kvm/x86.c"
check "the work tree holds the conflict with diff3 markers" \
	sh -c "grep -q '^<<<<<<< Linux 0.2 + 2 patches' '$x86' && grep -q '^||||||| old base' '$x86' && grep -q '^>>>>>>> patches/0004' '$x86' && grep -q 'int x86_line_5(long stable);' '$x86' && grep -q 'int x86_line_5(int ours);' '$x86'"
check "HEAD is detached at the new series so far" \
	sh -c "! git -C '$KSERIES_CACHE/src' symbolic-ref -q HEAD"
ks rebase --to "$T/new.pin"
check "a second rebase while one is in progress is refused" \
	sh -c "[ $rc = 1 ] && grep -q 'in progress' '$T/out.txt'"
ks rebase --continue
check "--continue with markers left refuses (1)" \
	sh -c "[ $rc = 1 ] && grep -q 'conflict markers are still in' '$T/out.txt'"

ks rebase --abort
check "--abort succeeds" rc_is 0
check "--abort restores everything bit for bit" same_as "$before"

"$KSERIES" rebase --to "$T/new.pin" --json >"$T/stop.json" 2>/dev/null
check "--json at a stop: the patch, its conflict and the patches done" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["stopped"].startswith("0004-") and d["index"]==4 and d["of"]==5, d; assert d["conflicts"]==["arch/x86/kvm/x86.c: conflict (markers in the file)"], d; assert [p["status"] for p in d["done"]]==["moved","merged","already"], d' "$T/stop.json"
ks rebase --abort

# resolve: take both changes on line 5.
resolve() {
	awk '/^<<<<<<< /{skip=1; next} /^>>>>>>> /{skip=0;
		print "int x86_line_5(long stable, int ours);"; next}
		!skip' "$x86" >"$x86.new" && mv "$x86.new" "$x86"
}

ks rebase --to "$T/new.pin"
resolve
ks rebase --continue --json
cp "$T/out.txt" "$T/done.txt"
check "--continue after resolving finishes (exit 0)" rc_is 0 || show_out
after=$(all_state)
check "the pin names the new base and its base-commit" \
	sh -c "grep -q '^name = Linux 0.2' '$T/proj/kernel-overlay/pin' && grep -q \"^base-commit = \$(git -C '$KSERIES_CACHE/src' rev-parse base)\" '$T/proj/kernel-overlay/pin'"
check "tag base is the new base, as a fresh import would make it" \
	sh -c "git -C '$KSERIES_CACHE/src' log -1 --format=%s base | grep -q 'Linux 0.2' && [ \$(git -C '$KSERIES_CACHE/src' rev-parse base^{tree}) = \$(cd '$T/build' && rm -rf x && mkdir x && tar xJf '$T/new.tar.xz' -C x && cd x/linux-0.2 && git init -q && git add -A && git write-tree) ]"
mkdir -p "$T/proj2/kernel-overlay"
cp "$T/new.pin" "$T/proj2/kernel-overlay/pin"
: >"$T/proj2/series"
KSERIES_CACHE="$T/cache2" KSERIES_PROJECT="$T/proj2" "$KSERIES" apply \
	>"$T/out2.txt" 2>&1
check "the incremental import's base commit is the one a fresh import makes" \
	sh -c "[ \$(git -C '$T/cache2/src' rev-parse base) = \$(git -C '$KSERIES_CACHE/src' rev-parse base) ]"
check "the series is exported: 4 patches, the one in the base dropped" \
	sh -c "[ \$(grep -c '\.patch$' '$T/proj/series') = 4 ] && ! grep -q stable-took '$T/proj/series' && [ \$(ls '$T/proj/patches' | wc -l) = 4 ] && grep -q '^# topic: fixture' '$T/proj/series'"
check "the resolution is in the exported patch" \
	grep -q '^+int x86_line_5(long stable, int ours);' \
	"$T/proj/patches/0003-KVM-x86-change-line-5.patch"
ks apply
check "kseries apply agrees: the series is up to date on the new base" \
	has "up to date: 4 patches on Linux 0.2"
check "the range-diff is JSON with every status" \
	sh -c "grep -q '^{\"from\":\"Linux 0.1\"' '$T/done.txt' && python3 -c 'import json,sys; d=json.load(sys.stdin); s=[p[\"status\"] for p in d[\"patches\"]]; assert s==[\"moved\",\"merged\",\"already\",\"conflict\",\"clean\"], s; assert d[\"patches\"][0][\"changed\"] is False; assert d[\"patches\"][3][\"changed\"] is True' <'$T/out/rebase/range-diff.json'"
check "the range-diff text says what changed beyond line numbers" \
	sh -c "grep -q 'conflict  ! 0004-' '$T/out/rebase/range-diff.txt' && grep -q 'moved     = 0001-' '$T/out/rebase/range-diff.txt' && grep -q '^     | +.*long stable, int ours' '$T/out/rebase/range-diff.txt'"
check "the evidence names the hunk found present" \
	grep -q 'include/linux/kvm_host.h: hunk 1 .* present at line 1' \
	"$T/out/rebase/range-diff.txt"
check "the moved patch says by how much" \
	grep -q 'arch/x86/kvm/x86.c: hunk 1 +3' "$T/out/rebase/range-diff.txt"
check "no rebase state is left" \
	sh -c "[ ! -e '$KSERIES_CACHE/src/.git/kseries-rebase' ]"

# --skip drops the conflicting patch.
restore
ks rebase --to "$T/new.pin"
ks rebase --skip
check "--skip drops the conflicting patch and finishes" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c '\.patch$' '$T/proj/series') = 3 ] && grep -q 'skipped' '$T/out.txt'"

# A kill -9 before the stop: --abort puts everything back.
for k in replay stopped checkout; do
	restore
	KSERIES_REBASE_KILL=$k "$KSERIES" rebase --to "$T/new.pin" \
		>"$T/out.txt" 2>&1
	krc=$?
	ks rebase --abort
	check "killed at '$k' ($krc), then --abort: everything as before" \
		killed_then "$krc" "$rc" "$before"
done

# Killed in the middle of the replay, --continue replays from the state.
restore
KSERIES_REBASE_KILL=replay "$KSERIES" rebase --to "$T/new.pin" >/dev/null 2>&1
ks rebase --continue
check "killed in the replay, --continue stops at the same conflict" \
	sh -c "[ $rc = 1 ] && grep -q '0004-KVM-x86-change-line-5.patch, conflicts' '$T/out.txt' && grep -q '^<<<<<<< ' '$x86'"

# A kill -9 at each step of the end: --continue finishes it the same.
for k in checkout refs export pin; do
	restore
	ks rebase --to "$T/new.pin"
	resolve
	KSERIES_REBASE_KILL=$k "$KSERIES" rebase --continue \
		>"$T/out.txt" 2>&1
	krc=$?
	ks rebase --continue
	check "killed at '$k' ($krc) after resolving, then --continue: the same end" \
		killed_then "$krc" "$rc" "$after"
done
for k in refs pin; do
	restore
	ks rebase --to "$T/new.pin"
	resolve
	KSERIES_REBASE_KILL=$k "$KSERIES" rebase --continue \
		>"$T/out.txt" 2>&1
	ks rebase --abort
	check "killed at '$k' at the end, then --abort: everything as before" \
		same_as "$before"
done

# A killed --abort is finished by running it again.
restore
ks rebase --to "$T/new.pin"
KSERIES_REBASE_KILL=abort "$KSERIES" rebase --abort >"$T/out.txt" 2>&1
ks rebase --abort
check "a killed --abort, run again, restores everything" same_as "$before"

# The same base again: nothing to do.
restore
ks rebase --to "$T/proj/kernel-overlay/pin"
check "a rebase to the current base changes nothing" \
	sh -c "[ $rc = 0 ] && grep -q 'already on Linux 0.1' '$T/out.txt'"
check "... and leaves everything as it was" same_as "$before"

# A bad tarball for the new pin: refused, nothing changed.
restore
sed 's/^sha256 = .*/sha256 = 0000000000000000000000000000000000000000000000000000000000000000/' \
	"$T/new.pin" >"$T/bad.pin"
ks rebase --to "$T/bad.pin"
check "a new base whose sha256 does not match is refused (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'sha256 mismatch' '$T/out.txt'"
check "... and nothing changed" same_as "$before"

done_testing
