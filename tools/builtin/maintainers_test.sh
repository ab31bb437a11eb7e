#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries maintainers against the base's scripts/get_maintainer.pl
# --no-git --no-git-fallback --no-rolestats, patch by patch: on the
# fixture series, on the project's series (when it has patches), with
# the tree's MAINTAINERS and with the project's (--file / --mpath). The
# kernel tree is $KSERIES_TEST_TREE (ci/test), $KSERIES_TREE, else the
# cache's src; without one the comparisons are skipped.
#
# Where sections match equally deep, get_maintainer.pl orders them by
# Perl's randomised hash order, so its own output varies from run to
# run; there the test accepts kseries' order (MAINTAINERS order) if the
# script gives it under one of PERL_HASH_SEED=0..15, and says so.

here=$(cd "$(dirname "$0")" && pwd)
tree=${KSERIES_TEST_TREE:-${KSERIES_TREE:-${KSERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kseries}/src}}
project=${KSERIES_TEST_PROJECT:-$(cd "$here/../.." && pwd)}
. "$here/test-lib.sh"
fixture="$here/../testdata/series"

patches=$(ls "$fixture"/patches/*.patch)
nproject=0
if [ -s "$project/series" ]; then
	for f in $(grep -v '^[[:space:]]*#' "$project/series" |
		   awk 'NF { print $1 }'); do
		[ -f "$project/patches/$f" ] || continue
		patches="$patches $project/patches/$f"
		nproject=$((nproject + 1))
	done
fi
n=$(echo $patches | wc -w)

plan $((7 + 2 * n))

check "maintainers --help starts with the summary line" \
	sh -c '"$KSERIES" maintainers --help | head -1 | grep -q "^kseries maintainers - "'
ks maintainers --bogus
check "an unknown option is a usage error (129)" rc_is 129
ks maintainers --tree="$T/nope" "$T/none.patch"
check "--tree=DIR is taken: a tree that cannot be opened is an error" \
	sh -c "[ $rc = 2 ] && grep -q '$T/nope' '$T/out.txt'"

if [ ! -f "$tree/scripts/get_maintainer.pl" ]; then
	while [ "$test_nr" -lt $((7 + 2 * n)) ]; do
		test_nr=$((test_nr + 1))
		echo "ok $test_nr # SKIP no kernel tree with get_maintainer.pl (set KSERIES_TREE or run make apply)"
	done
	exit 0
fi
echo "# $n patches: $((n - nproject)) of the fixture, $nproject of the project's series"

# same PATCH [MAINTAINERS]: kseries and get_maintainer.pl agree
same() {
	if [ -n "${2:-}" ]; then
		kopt="--file $2"
		gopt="--mpath $2"
	else
		kopt=
		gopt=
	fi
	"$KSERIES" maintainers --tree "$tree" $kopt --plain "$1" \
		>"$T/ks.txt" 2>"$T/ks.err" || return 1
	(cd "$tree" && perl scripts/get_maintainer.pl --no-git \
		--no-git-fallback --no-rolestats $gopt "$1") \
		>"$T/gm.txt" 2>"$T/gm.err" || return 1
	cmp -s "$T/ks.txt" "$T/gm.txt" && return 0
	for seed in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		(cd "$tree" && PERL_HASH_SEED=$seed perl scripts/get_maintainer.pl \
			--no-git --no-git-fallback --no-rolestats $gopt "$1") \
			>"$T/gm.txt" 2>"$T/gm.err"
		if cmp -s "$T/ks.txt" "$T/gm.txt"; then
			echo "# $(basename "$1"): sections of equal depth; get_maintainer.pl gives this order with PERL_HASH_SEED=$seed"
			return 0
		fi
	done
	diff "$T/gm.txt" "$T/ks.txt" | sed 's/^/# /'
	return 1
}

for p in $patches; do
	check "$(basename "$p"): the tree's MAINTAINERS, as get_maintainer.pl" \
		same "$p"
done
for p in $patches; do
	check "$(basename "$p"): the project's MAINTAINERS, as get_maintainer.pl --mpath" \
		same "$p" "$project/MAINTAINERS"
done

p1=$(echo $patches | cut -d' ' -f1)
ks maintainers --tree "$tree" "$p1"
check "human output: To: for maintainers, Cc: for the rest" \
	sh -c "[ $rc = 0 ] && grep -q '^  To: Paolo Bonzini <pbonzini@redhat.com>\$' '$T/out.txt' && grep -q '^  Cc: kvm@vger.kernel.org\$' '$T/out.txt'"
ks maintainers --tree "$tree" --json "$p1"
check "--json parses and has to, cc and roles" \
	/usr/bin/python3 -c "
import json, sys
r = json.load(open('$T/out.txt'))['patches'][0]
assert 'Paolo Bonzini <pbonzini@redhat.com>' in r['to']
assert 'kvm@vger.kernel.org' in r['cc']
assert {a['role'] for a in r['addresses']} >= {'maintainer', 'reviewer', 'list'}
"
ks maintainers --tree "$tree" "$T/nonexistent.patch"
check "a missing patch file is an error" \
	sh -c "[ $rc = 2 ] && grep -q 'cannot read' '$T/out.txt'"
ks maintainers --tree "$tree" --file "$T/none" "$p1"
check "a missing MAINTAINERS file is an error" \
	sh -c "[ $rc = 2 ] && grep -q 'cannot read $T/none' '$T/out.txt'"

done_testing
