#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries apply on a tiny fixture base: import, one commit per patch,
# atomic failure, already-applied detection, unsafe paths, local changes.

. "$(dirname "$0")/test-lib.sh"

plan 44

make_tarball
make_project

# A hand-written patch mail: evil NAME, then the diff on stdin.
evil() {
	{
		echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
		echo "From: Mallory <mallory@example.org>"
		echo "Date: Tue, 14 Nov 2023 22:13:20 +0000"
		echo "Subject: [PATCH] $1"
		echo
		echo "---"
		cat
		echo "-- "
		echo "kseries"
	} >"$T/proj/patches/$1.patch"
}

# new_file PATH LINE: the diff creating PATH holding LINE.
new_file() {
	echo "diff --git a/$1 b/$1"
	echo "new file mode 100644"
	echo "index 000000000000..111111111111"
	echo "--- /dev/null"
	echo "+++ b/$1"
	echo "@@ -0,0 +1 @@"
	echo "+$2"
}

# new_link PATH TARGET: the diff creating symlink PATH -> TARGET.
new_link() {
	echo "diff --git a/$1 b/$1"
	echo "new file mode 120000"
	echo "index 000000000000..222222222222"
	echo "--- /dev/null"
	echo "+++ b/$1"
	echo "@@ -0,0 +1 @@"
	echo "+$2"
	echo '\ No newline at end of file'
}

# refused SERIES-LINES...: apply fails and changes nothing.
refused() {
	before=$(state)
	printf '%s\n' "$@" >"$T/proj/series"
	ks apply
	after=$(state)
	rc_is 1 && [ "$before" = "$after" ]
}

check "apply --help starts with the summary line" \
	sh -c '"$KSERIES" apply --help | head -1 | grep -q "^kseries apply - "'
ks apply --bogus
check "an unknown option is a usage error (129)" rc_is 129

# Import of the base.
ks apply
check "first apply imports the base and succeeds" rc_is 0
check "progress of the import is reported" has "import:"
src="$KSERIES_CACHE/src"
(mkdir -p "$T/ref" && cd "$T/ref" && tar xJf "$T/base.tar.xz" &&
 cd linux-0.1 && git init -q && git add -A -f &&
 git write-tree >"$T/ref.tree")
check "base tree equals 'git add -A -f' of the extracted tarball" \
	[ "$(git -C "$src" rev-parse 'base^{tree}')" = "$(cat "$T/ref.tree")" ]
check "the work tree is checked out and clean" \
	sh -c "[ -x '$src/scripts/build.sh' ] && [ -L '$src/arch/linux-headers' ] && [ -z \"\$(git -C '$src' status --porcelain)\" ]"
check "HEAD is branch series at the tag base" \
	[ "$(git -C "$src" rev-parse HEAD)" = "$(git -C "$src" rev-parse base)" ]

# Apply three patches made with git.
make_patches
ks apply
check "apply of three patches succeeds" rc_is 0
ks apply --check --pin="$T/proj/kernel-overlay/pin" --series="$T/proj/series"
check "--pin=FILE and --series=FILE are taken (apply)" rc_is 0
ks apply --series
check "an option without its value is a usage error (129)" rc_is 129
check "one commit per patch" \
	[ "$(git -C "$src" rev-list --count base..series)" = 3 ]
git -C "$src" log --reverse --format='%an <%ae>|%ad|%cn <%ce>|%cd|%s' \
	--date=raw base..series >"$T/got.log"
git -C "$T/work" log --reverse --format='%an <%ae>|%ad|%an <%ae>|%ad|%s' \
	--date=raw base..topic >"$T/want.log"
check "author, date and subject from the patch; committer = author" \
	cmp "$T/got.log" "$T/want.log"
check "commit message body from the patch" \
	sh -c "git -C '$src' log -1 --format=%B series~2 | grep -q \"Body of 'KVM: x86: change line 5'\""
check "the commits' trees equal git's" \
	[ "$(git -C "$src" rev-parse 'series^{tree}')" = "$(git -C "$T/work" rev-parse 'topic^{tree}')" ]
check "work tree and index match the branch" \
	sh -c "[ -z \"\$(git -C '$src' status --porcelain)\" ] && grep -q 'int xen;' '$src/arch/x86/kvm/xen.c'"
tip=$(git -C "$src" rev-parse series)
ks apply
check "a second apply is up to date and keeps the commits" \
	sh -c "[ $rc = 0 ] && grep -q 'up to date' '$T/out.txt' && [ \"\$(git -C '$src' rev-parse series)\" = $tip ]"
mv "$src" "$T/src.old"
ks apply
check "commits are deterministic (a fresh import gives the same ids)" \
	[ "$(git -C "$src" rev-parse series)" = "$tip" ]

# Patch 2 of 3 does not apply.
good_series=$(cat "$T/proj/series")
cp "$T/proj/patches/0002-KVM-x86-add-xen.c.patch" "$T/p2.save"
cp "$T/proj/patches/0001-KVM-x86-change-line-5.patch" "$T/p1.save"
sed -i 's/^ int x86_line_7(void);/ int x86_line_7(long);/' \
	"$T/proj/patches/0001-KVM-x86-change-line-5.patch"
mv "$T/proj/patches/0001-KVM-x86-change-line-5.patch" \
	"$T/proj/patches/0002-broken.patch"
cp "$T/p1.save" "$T/proj/patches/0001-KVM-x86-change-line-5.patch"
git -C "$src" checkout -q -B series base 2>/dev/null
before=$(state)
printf '0002-KVM-x86-add-xen.c.patch\n0002-broken.patch\n' >"$T/proj/series"
ks apply
after=$(state)
check "a patch that does not apply fails (exit 1)" rc_is 1
check "the error names the patch file and patch 2 of 2" \
	has "patches/0002-broken.patch (patch 2 of 2"
check "the error names the file, hunk and @@ header" \
	sh -c "grep -q 'arch/x86/kvm/x86.c: hunk #1 (@@ -2,7 +2,7 @@' '$T/out.txt'"
check "the error shows the tree line, expected and found text" \
	sh -c "grep -q \"expected at line 7: 'int x86_line_7(long);', found: 'int x86_line_7(void);'\" '$T/out.txt'"
check "branch, index and work tree are exactly as before" \
	[ "$before" = "$after" ]

# Already applied: patch 1 twice.
printf '%s\n' "0001-KVM-x86-change-line-5.patch" \
	"0001-KVM-x86-change-line-5.patch" >"$T/proj/series"
before=$(state)
ks apply
after=$(state)
check "an already-applied patch is reported as such" \
	sh -c "[ $rc = 1 ] && grep -q 'is already applied' '$T/out.txt' && ! grep -q 'does not apply' '$T/out.txt'"
check "... and nothing changed" [ "$before" = "$after" ]

# Unsafe patches: refused before anything is written.
printf '%s\n' "$good_series" >"$T/proj/series"
ks apply
new_file "../evil" "pwned" | evil dotdot
refused 0001-KVM-x86-change-line-5.patch dotdot.patch
r1=$?
check "a path with '..' is refused and nothing changes" \
	sh -c "[ $r1 = 0 ] && grep -q \"refusing the path '../evil'\" '$T/out.txt' && [ ! -e '$KSERIES_CACHE/evil' ]"
new_file "$T/abs-evil" "pwned" | evil absolute
refused 0001-KVM-x86-change-line-5.patch absolute.patch
r1=$?
check "an absolute path is refused and nothing changes" \
	sh -c "[ $r1 = 0 ] && grep -q 'an absolute path' '$T/out.txt' && [ ! -e '$T/abs-evil' ]"
new_file ".git/hooks/post-checkout" "pwned" | evil gitdir
refused gitdir.patch
r1=$?
check "a path into .git/ is refused and nothing changes" \
	sh -c "[ $r1 = 0 ] && grep -q \"'.git' component\" '$T/out.txt' && [ ! -e '$src/.git/hooks/post-checkout' ]"
new_link "arch/x86/kvm/lnk" "../../.." | evil mklink
new_file "arch/x86/kvm/lnk/pwned.c" "pwned" | evil uselink
refused mklink.patch uselink.patch
r1=$?
check "writing through a symlink an earlier patch created is refused" \
	sh -c "[ $r1 = 0 ] && grep -q \"through the symlink 'arch/x86/kvm/lnk' created by patches/mklink.patch\" '$T/out.txt' && [ ! -e '$src/pwned.c' ]"
{ new_link "arch/x86/kvm/lnk" "../../.."
  new_file "arch/x86/kvm/lnk/pwned.c" "pwned"; } | evil samelink
refused 0001-KVM-x86-change-line-5.patch samelink.patch
r1=$?
check "writing through a symlink the same patch creates is refused" \
	sh -c "[ $r1 = 0 ] && grep -q 'symlink .arch/x86/kvm/lnk. that this patch creates' '$T/out.txt'"
new_link "arch/x86/kvm/out" "../../../../etc" | evil outlink
refused outlink.patch
r1=$?
check "a symlink pointing outside the tree is refused" \
	sh -c "[ $r1 = 0 ] && grep -q 'points outside the tree' '$T/out.txt' && [ ! -e '$src/arch/x86/kvm/out' ]"

# Local changes.
printf '%s\n' "$good_series" >"$T/proj/series"
ks apply
echo "local" >>"$src/arch/x86/kvm/svm.c"
echo "elsewhere" >>"$src/include/linux/kvm_host.h"
printf '%s\n' "$good_series" | head -2 >"$T/proj/series"
before=$(state)
ks apply
after=$(state)
check "local changes in a path the series changes stop apply" \
	sh -c "[ $rc = 1 ] && grep -q 'arch/x86/kvm/svm.c (modified in the work tree)' '$T/out.txt' && [ \"$before\" = \"$after\" ]"
ks apply --check
after=$(state)
check "apply --check reports success and changes nothing" \
	sh -c "[ $rc = 0 ] && [ \"$before\" = \"$after\" ]"
ks apply --force
check "--force overwrites them; other local changes are kept" \
	sh -c "[ $rc = 0 ] && ! grep -q local '$src/arch/x86/kvm/svm.c' && grep -q elsewhere '$src/include/linux/kvm_host.h'"
check "dropping a patch from series reverts its files" \
	sh -c "[ \"\$(git -C '$src' rev-list --count base..series)\" = 2 ] && grep -q 'no newline at the end\$' '$src/include/linux/nonl.h' && [ \"\$(git -C '$src' status --porcelain)\" = ' M include/linux/kvm_host.h' ]"

# A commit made by hand on the branch is not dropped silently.
git -C "$src" checkout -q -- include/linux/kvm_host.h
echo "int by_hand;" >>"$src/arch/x86/kvm/xen.c"
git -C "$src" commit -q -am "KVM: a commit made by hand"
before=$(state)
ks apply
after=$(state)
check "apply refuses to drop a commit it did not make, naming it" \
	sh -c "[ $rc = 1 ] && grep -q 'KVM: a commit made by hand' '$T/out.txt' && grep -q 'kseries export' '$T/out.txt' && [ \"$before\" = \"$after\" ]"
ks apply --force
check "--force drops it" \
	sh -c "[ $rc = 0 ] && [ \"\$(git -C '$src' rev-list --count base..series)\" = 2 ] && ! grep -q by_hand '$src/arch/x86/kvm/xen.c'"

# The pin moves to a new release: apply imports it beside the old base
# and puts the series on it; a commit made by hand stops it first.
old_base=$(git -C "$src" rev-parse base)
rm -rf "$T/b2" && mkdir -p "$T/b2"
tar xJf "$T/base.tar.xz" -C "$T/b2"
mv "$T/b2/linux-0.1" "$T/b2/linux-0.2"
echo 'echo stable' >>"$T/b2/linux-0.2/scripts/build.sh"
echo 'int stable_fix;' >"$T/b2/linux-0.2/include/linux/stable.h"
(cd "$T/b2" && tar cJf "$T/new.tar.xz" linux-0.2)
cp "$T/proj/kernel-overlay/pin" "$T/old.pin"
pin_text 0.2 new.tar.xz >"$T/proj/kernel-overlay/pin"
echo "int by_hand_again;" >>"$src/arch/x86/kvm/xen.c"
git -C "$src" commit -q -am "KVM: another commit made by hand"
before="$(state; git -C "$src" rev-parse base)"
ks apply
after="$(state; git -C "$src" rev-parse base)"
check "a new pin with a commit made by hand: refused, nothing moved" \
	sh -c "[ $rc = 1 ] && grep -q 'KVM: another commit made by hand' '$T/out.txt' && [ \"$before\" = \"$after\" ]"
ks apply --force
check "apply moves the tree to the new pin, importing it beside the old" \
	sh -c "[ $rc = 0 ] && grep -q 'moved from base' '$T/out.txt' && grep -q 'new objects' '$T/out.txt'"
new_sha=$(sha256sum "$T/new.tar.xz" | cut -d' ' -f1)
check "... the tag base is the new release, the series on it" \
	sh -c "[ \"\$(git -C '$src' rev-parse base)\" != '$old_base' ] && git -C '$src' log -1 --format=%B base | grep -q '$new_sha' && [ \"\$(git -C '$src' rev-list --count base..series)\" = 2 ] && ! git -C '$src' merge-base --is-ancestor '$old_base' series"
check "... the work tree is the new release with the series, clean" \
	sh -c "grep -q 'echo stable' '$src/scripts/build.sh' && [ -f '$src/include/linux/stable.h' ] && grep -q changed '$src/arch/x86/kvm/x86.c' && ! grep -q by_hand '$src/arch/x86/kvm/xen.c' && [ -z \"\$(git -C '$src' status --porcelain)\" ]"
ks status
check "... and status agrees with the new pin" \
	sh -c "[ $rc = 0 ] && grep -q 'Linux 0.2' '$T/out.txt'"
{ cat "$T/old.pin"; echo "base-commit = $old_base"; } >"$T/proj/kernel-overlay/pin"
ks apply
check "back to the old pin: its base is there already, nothing imported" \
	sh -c "[ $rc = 0 ] && grep -q 'imported already' '$T/out.txt' && [ \"\$(git -C '$src' rev-parse base)\" = '$old_base' ]"

# A corrupt tarball: nothing imported, nothing left behind.
rm -rf "$KSERIES_CACHE"
cp "$T/base.tar.xz" "$T/good.tar.xz"
printf 'x' | dd of="$T/base.tar.xz" bs=1 seek=200 conv=notrunc 2>/dev/null
ks apply
check "a corrupt tarball is refused with a sha256 mismatch (2: no base)" \
	sh -c "[ $rc = 2 ] && grep -q 'sha256 mismatch' '$T/out.txt'"
check "... and no kernel tree or partial download is left" \
	sh -c "[ ! -e '$src' ] && [ ! -e '$KSERIES_CACHE/dl/base.tar.xz' ] && ! ls '$KSERIES_CACHE/dl' | grep -q tmp"

done_testing
