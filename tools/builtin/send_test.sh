#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries send, end to end: the dry run (mbox and mail files, subjects,
# threading, cover letter, To/Cc from MAINTAINERS), then --send through
# git send-email to a real SMTP server on 127.0.0.1 (python3-aiosmtpd,
# started here), and the round trip: what arrived is imported into a
# fresh checkout and applied, giving the same tree; b4 am (offline)
# accepts the same mailbox and git am applies its output to the same
# tree.

here=$(cd "$(dirname "$0")" && pwd)
tree=${KSERIES_TEST_TREE:-${KSERIES_TREE:-${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}/src}}
project=${KSERIES_TEST_PROJECT:-$(cd "$here/../.." && pwd)}
. "$here/test-lib.sh"
PY=/usr/bin/python3

plan 42

make_tarball
make_project
ks apply
make_patches
ks apply
ks export
check "the fixture: three patches applied and exported" rc_is 0
cp -r "$T/proj/patches" "$T/exported"
src="$KSERIES_CACHE/src"
tree0=$(git -C "$src" rev-parse 'series^{tree}')

cat >"$T/proj/MAINTAINERS" <<'EOF2'
KVM/x86
M:	Paolo Bonzini <pbonzini@redhat.com>
R:	"H. Peter Anvin" <hpa@zytor.com>
L:	kvm@vger.kernel.org
S:	Supported
F:	arch/x86/kvm/

KVM/SVM
M:	Jörg Rödel <joro@example.org>
L:	kvm@vger.kernel.org
S:	Supported
F:	arch/x86/kvm/svm.c

THE REST
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
F:	*
F:	*/
EOF2
printf '# the posting\nKVM: x86: a test series\n\nThis is the cover letter.\n' \
	>"$T/proj/kernel-overlay/cover-letter"
printf 'v2:\n- Touched svm.c as well.\n\nv1:\n- First posting.\n' \
	>"$T/proj/kernel-overlay/changelog"
M="--file $T/proj/MAINTAINERS"

check "send --help starts with the summary line" \
	sh -c '"$KSERIES" send --help | head -1 | grep -q "^kseries send - "'

ks send $M --date 1700000000
check "a dry run succeeds" rc_is 0
box="$KSERIES_OUT/send/v2.mbox"
check "... and writes out/send/v2.mbox with the cover letter and 3 patches" \
	sh -c "[ \$(grep -c '^From kseries ' '$box') = 4 ]"
check "... and one mail a file in out/send/v2/" \
	sh -c "ls '$KSERIES_OUT/send/v2' | tr '\n' ' ' | grep -q '^0000-cover-letter.patch 0001-KVM-x86-change-line-5.patch 0002-KVM-x86-add-xen.c.patch 0003-KVM-SVM-touch-svm.c-and-nonl.h.patch \$'"
check "subjects: [PATCH 0.1 v2 0/3] and [PATCH 0.1 v2 k/3]: the pinned base, the changelog's version" \
	sh -c "grep '^Subject:' '$box' | tr '\n' '|' | grep -qF 'Subject: [PATCH 0.1 v2 0/3] KVM: x86: a test series|Subject: [PATCH 0.1 v2 1/3] KVM: x86: change line 5|Subject: [PATCH 0.1 v2 2/3] KVM: x86: add xen.c|Subject: [PATCH 0.1 v2 3/3] KVM: SVM: touch svm.c and nonl.h|'"

# threading and headers, read back with Python's email parser
cat >"$T/thread.py" <<'EOF2'
import mailbox, sys
msgs = list(mailbox.mbox(sys.argv[1]))
ids = [m["Message-Id"] for m in msgs]
assert len(set(ids)) == len(ids), ids
cover = msgs[0]
assert cover["In-Reply-To"] is None
for m in msgs[1:]:
    assert m["In-Reply-To"] == ids[0], (m["In-Reply-To"], ids[0])
    assert m["References"].split() == [ids[0]], m["References"]
EOF2
check "threading: every patch replies to the cover letter (In-Reply-To, References)" \
	$PY "$T/thread.py" "$box"

base=$(git -C "$src" rev-parse 'base^{commit}')
check "the cover letter: text, changes, shortlog, diffstat, base-commit" \
	$PY - "$box" "$base" <<'EOF2'
import mailbox, sys
body = list(mailbox.mbox(sys.argv[1]))[0].get_payload(decode=True).decode()
want = ["This is the cover letter.\n\nChanges in v2:\n- Touched svm.c as well.\n\n",
        "Test Builder (3):\n  KVM: x86: change line 5\n  KVM: x86: add xen.c\n  KVM: SVM: touch svm.c and nonl.h\n",
        " arch/x86/kvm/svm.c   | 1 +\n",
        " 4 files changed, 5 insertions(+), 2 deletions(-)\n",
        "base-commit: " + sys.argv[2] + "\n"]
for w in want:
    assert w in body, (w, body)
assert "First posting" not in body
EOF2

check "To: the maintainers, Cc: reviewers and lists, as 'kseries maintainers' says" \
	$PY - "$box" <<'EOF2'
import mailbox, sys
from email.header import decode_header, make_header
msgs = list(mailbox.mbox(sys.argv[1]))
def hdr(m, h):
    return str(make_header(decode_header(m[h] or ""))).replace("\n", "").replace("\t", " ")
assert hdr(msgs[1], "To") == "Paolo Bonzini <pbonzini@redhat.com>", hdr(msgs[1], "To")
assert hdr(msgs[1], "Cc") == '"H. Peter Anvin" <hpa@zytor.com>, kvm@vger.kernel.org, linux-kernel@vger.kernel.org', hdr(msgs[1], "Cc")
assert "Jörg Rödel <joro@example.org>" in hdr(msgs[3], "To"), hdr(msgs[3], "To")
assert "Jörg Rödel" in hdr(msgs[0], "To") and "pbonzini" in hdr(msgs[0], "To")
assert "=?UTF-8?q?" in msgs[3]["To"]
EOF2

cp "$box" "$T/first.mbox"
ks send $M --date 1700000000
check "the same input and date give the same mails" cmp "$box" "$T/first.mbox"

ks send $M -v 3 --rfc --date 1700000000 --to extra@example.org
check "-v 3 --rfc: [RFC PATCH 0.1 v3 k/3] in out/send/v3.mbox, --to added" \
	sh -c "[ $rc = 0 ] && grep -q '^Subject: \[RFC PATCH 0.1 v3 2/3\] KVM: x86: add xen.c' '$KSERIES_OUT/send/v3.mbox' && grep -q '^To: extra@example.org' '$KSERIES_OUT/send/v3.mbox'"

ks send $M --date 1700000000 --in-reply-to '<v1-cover@example.org>' --out "$T/irt"
check "--in-reply-to: the cover letter answers it, the patches reference both" \
	$PY - "$T/irt/v2.mbox" <<'EOF2'
import mailbox, sys
msgs = list(mailbox.mbox(sys.argv[1]))
assert msgs[0]["In-Reply-To"] == "<v1-cover@example.org>", msgs[0]["In-Reply-To"]
assert msgs[0]["References"] == "<v1-cover@example.org>"
for m in msgs[1:]:
    assert m["In-Reply-To"] == msgs[0]["Message-Id"]
    assert m["References"].split() == ["<v1-cover@example.org>", msgs[0]["Message-Id"]], m["References"]
EOF2

ks send $M -- --smtp-server=x
check "options for git send-email without --send are a usage error" rc_is 129

# --- the options: --opt=value, -vN, and what is refused ----------------
ks send --file="$T/proj/MAINTAINERS" -v3 --rfc --date=1700000000 \
	--to=extra@example.org --out="$T/eq"
check "--file=F -v3 --date=E --to=A --out=D: the mails of the spaced forms" \
	sh -c "[ $rc = 0 ] && cmp '$T/eq/v3.mbox' '$KSERIES_OUT/send/v3.mbox'"
ks send --help
hrc=$rc
ks send --bogus
check "--help exits 0; an unknown option is a usage error (129) naming it" \
	sh -c "[ $hrc = 0 ] && [ $rc = 129 ] && grep -q \"unknown option '--bogus'\" '$T/out.txt' && grep -q '^usage: kseries send' '$T/out.txt'"
bad=
for args in '-v 0' '-vx' '-v' '--to' '--to=' '--cc=' '--from nobody' \
	'--date 17x' '--in-reply-to <>' '--subject-prefix=' '--out=' 'stray'; do
	# shellcheck disable=SC2086 # split on purpose
	ks send $M $args
	{ [ "$rc" = 129 ] && grep -q '^usage: kseries send' "$T/out.txt"; } ||
		bad="$bad [$args: $rc]"
done
ks send $M --to
grep -q "option '--to' needs a value" "$T/out.txt" || bad="$bad [--to: message]"
ks send $M -v 0
grep -q "option '-v' expects an integer of at least 1, not '0'" "$T/out.txt" ||
	bad="$bad [-v 0: message]"
check "bad or missing values and a stray argument: 129, the usage, the option named" \
	sh -c 'echo "wrong:$1"; [ -z "$1" ]' - "$bad"

# --- where it goes, and the base in the subject ------------------------
ks send --date 1700000000 --out "$T/own"
check "without --file, To/Cc come from the project's own MAINTAINERS" \
	sh -c "[ $rc = 0 ] && cmp '$T/own/v2.mbox' '$T/first.mbox'"

printf '# the base in subjects\nsubject-base = 5.10\n' >"$T/proj/kernel-overlay/send"
ks send $M --date 1700000000 --out "$T/sb"
check "kernel-overlay/send's subject-base: [PATCH 5.10 v2 1/3]" \
	sh -c "[ $rc = 0 ] && grep -q '^Subject: \[PATCH 5.10 v2 1/3\] KVM: x86: change line 5' '$T/sb/v2.mbox'"
ks send $M --date 1700000000 --out "$T/nb" --base ''
check "--base '': subjects name no base, [PATCH v2 1/3]" \
	sh -c "[ $rc = 0 ] && grep -q '^Subject: \[PATCH v2 1/3\] KVM: x86: change line 5' '$T/nb/v2.mbox'"
rm -f "$T/proj/kernel-overlay/send"

sed -i 's/^name = Linux 0.1$/name = Linux 0.1.7/' "$T/proj/kernel-overlay/pin"
ks send --upstream --date 1700000000 --out "$T/up"
check "--upstream on a stable base (0.1.7) says so and stops, nothing written" \
	sh -c "[ $rc = 2 ] && grep -q 'a stable release: upstream has moved past 0.1' '$T/out.txt' && ! [ -e '$T/up/v2.mbox' ]"
ks send --upstream --yes --date 1700000000 --out "$T/up"
check "--upstream --yes goes on to the tree's MAINTAINERS" \
	sh -c "! grep -q 'stable release' '$T/out.txt' && grep -q 'MAINTAINERS' '$T/out.txt'"
sed -i 's/^name = Linux 0.1.7$/name = Linux 0.1/' "$T/proj/kernel-overlay/pin"
ks send --yes --date 1700000000
check "--yes without --upstream is a usage error" rc_is 129

# --- through a real SMTP server -------------------------------------
port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/maildir/tmp" "$T/maildir/new" "$T/maildir/cur"
$PY -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox \
	"$T/maildir" >"$T/smtpd.log" 2>&1 &
smtpd=$!
trap 'kill $smtpd 2>/dev/null; [ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
i=0
until $PY -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.1
done
check "the SMTP server (aiosmtpd) listens on 127.0.0.1:$port" \
	$PY -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"

ks send $M --date 1700000000 --send -- --smtp-server=127.0.0.1 \
	--smtp-server-port="$port" --quiet
check "send --send hands the mails to git send-email" rc_is 0
[ "$rc" = 0 ] || show_out

# what arrived, as an mbox in the order sent
$PY - "$T/maildir" "$T/arrived.mbox" <<'EOF2'
import mailbox, sys
md = mailbox.Maildir(sys.argv[1], create=False)
out = mailbox.mbox(sys.argv[2])
for key in sorted(md.keys(), key=lambda k: md[k]["Message-Id"].split("-")[1]):
    out.add(md[key])
out.flush()
EOF2
check "four mails arrived" sh -c "[ \$(grep -c '^From ' '$T/arrived.mbox') = 4 ]"
check "... with the Message-Ids and threading of the dry run" \
	$PY - "$T/arrived.mbox" "$T/first.mbox" <<'EOF2'
import mailbox, sys
a = list(mailbox.mbox(sys.argv[1]))
b = list(mailbox.mbox(sys.argv[2]))
assert len(a) == len(b) == 4, (len(a), len(b))
for x, y in zip(a, b):
    for h in ("Message-Id", "In-Reply-To", "References", "Subject"):
        assert (x[h] or "").split() == (y[h] or "").split(), (h, x[h], y[h])
EOF2
check "... delivered to every To: and Cc: address" \
	$PY - "$T/arrived.mbox" <<'EOF2'
import mailbox, sys
m = list(mailbox.mbox(sys.argv[1]))[3]
rcpt = m["X-RcptTo"]
for a in ("pbonzini@redhat.com", "hpa@zytor.com", "kvm@vger.kernel.org",
          "linux-kernel@vger.kernel.org", "joro@example.org"):
    assert a in rcpt, (a, rcpt)
EOF2

# --- round trip: import what arrived into a fresh checkout, apply ----
fresh="$T/fresh"
mkdir -p "$fresh/patches"
cp -r "$T/proj/kernel-overlay" "$fresh/"
: >"$fresh/series"
KSERIES_PROJECT="$fresh" ks import "$T/arrived.mbox"
check "import of what arrived succeeds" rc_is 0
# git send-email dates each mail when it sends it: the author date
# becomes the send date, as with any mailed patch
check "... and writes the exported patches byte for byte, but for Date:" \
	diff -r -I '^Date: ' "$T/exported" "$fresh/patches"
check "... and the series file lists them in order" \
	sh -c "cd '$fresh' && [ \"\$(cat series)\" = \"\$(cd patches && ls)\" ]"
KSERIES_PROJECT="$fresh" KSERIES_CACHE="$T/cache2" KSERIES_OUT="$T/out2" \
	ks apply
check "kseries apply of the imported series in a fresh checkout" rc_is 0
check "... gives the same tree (git tree hash)" \
	[ "$(git -C "$T/cache2/src" rev-parse 'series^{tree}')" = "$tree0" ]

mkdir -p "$T/fresh2/patches"
cp -r "$T/proj/kernel-overlay" "$T/fresh2/"
KSERIES_PROJECT="$T/fresh2" ks import "$T/first.mbox"
check "import of the dry run's mailbox gives the exported patches byte for byte" \
	sh -c "[ $rc = 0 ] && diff -r '$T/exported' '$T/fresh2/patches'"

# --- b4 am, offline, then git am ---------------------------------------
git config --global b4.attestation-policy off
mkdir -p "$T/b4"
(cd "$T/b4" && b4 --offline-mode --no-interactive --no-stdin am -C \
	-m "$T/arrived.mbox" -o "$T/b4" -n series) >"$T/b4.log" 2>&1
check "b4 am (offline) accepts the mailbox" test -s "$T/b4/series.mbx"
[ -s "$T/b4/series.mbx" ] || sed 's/^/# /' "$T/b4.log"
check "... and keeps the three patches (b4 drops the base from the prefix)" \
	sh -c "[ \$(grep -c '^Subject: \[PATCH v2 [123]/3\]' '$T/b4/series.mbx') = 3 ]"
git clone -q "$src" "$T/am"
git -C "$T/am" checkout -q -b am base
check "git am applies b4's output" git -C "$T/am" am -q "$T/b4/series.mbx"
check "... and gives the same tree" \
	[ "$(git -C "$T/am" rev-parse 'HEAD^{tree}')" = "$tree0" ]

kill $smtpd 2>/dev/null

# --- the project's own series on the real base ------------------------
# Posted (dry run), imported and fed to b4: the same tree as the patches
# give. Trees are computed without a work tree: the patches applied with
# git apply --cached to a scratch index of a shared clone of the tree.
# The base is the pinned commit, not whatever the tree's tag says: a tree
# still on an older pin must not make both sides fail alike.
real_tests=5
real_base=$(sed -n 's/^base-commit[[:space:]]*=[[:space:]]*//p' \
	"$project/kernel-overlay/pin" 2>/dev/null)
if ! [ -s "$project/series" ] || ! grep -qv '^[[:space:]]*\(#\|$\)' "$project/series" ||
   [ -z "$real_base" ] ||
   ! git -C "$tree" rev-parse -q --verify "$real_base^{commit}" >/dev/null 2>&1; then
	while [ $real_tests -gt 0 ]; do
		test_nr=$((test_nr + 1))
		echo "ok $test_nr # SKIP the project's series on the real base: no series yet, or no kernel tree holding the pinned base-commit"
		real_tests=$((real_tests - 1))
	done
	done_testing
	exit
fi
git clone -q --shared --no-checkout "$tree" "$T/rt"
# tree_of PATCH...: the tree the patches give on the base
tree_of() {
	GIT_INDEX_FILE="$T/rt.index" git -C "$T/rt" read-tree "$real_base^{commit}" &&
	for p in "$@"; do
		GIT_INDEX_FILE="$T/rt.index" git -C "$T/rt" apply --cached "$p" ||
			return 1
	done &&
	GIT_INDEX_FILE="$T/rt.index" git -C "$T/rt" write-tree
}
real_patches=$(grep -v '^[[:space:]]*#' "$project/series" | awk 'NF { print "'"$project"'/patches/" $1 }')
want=$(tree_of $real_patches)
check "the project's patches apply to the pinned base" [ -n "$want" ]
KSERIES_PROJECT="$project" ks send --tree "$tree" --out "$T/real"
check "send (dry run) of the project's series, To/Cc from its own MAINTAINERS" \
	sh -c "[ $rc = 0 ] && ls '$T'/real/v*.mbox >/dev/null"
realbox=$(ls "$T"/real/v*.mbox | head -1)
mkdir -p "$T/realimp/patches"
cp -r "$project/kernel-overlay" "$T/realimp/"
KSERIES_PROJECT="$T/realimp" ks import --tree "$tree" "$realbox"
check "import of it into a fresh checkout" rc_is 0
check "... gives the series' tree" \
	[ "$(cd "$T/realimp" && tree_of $(grep -v '^#' series | sed "s#^#$T/realimp/patches/#"))" = "$want" ]
mkdir -p "$T/realb4" "$T/split"
(cd "$T/realb4" && b4 --offline-mode --no-interactive --no-stdin am -C \
	-m "$realbox" -o "$T/realb4" -n series) >"$T/b4real.log" 2>&1
git mailsplit -o"$T/split" "$T/realb4/series.mbx" >/dev/null 2>&1
check "b4 am accepts it, and its patches give the series' tree" \
	[ "$(tree_of "$T"/split/*)" = "$want" ]

done_testing
