#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ci/tap-summary, which gives 'make test' its last line: what passes,
# fails, is skipped or expected to fail, a plan whose tests did not all
# report, and the exit status.

. "$(dirname "$0")/../tools/builtin/test-lib.sh"

SUM=$(cd "$(dirname "$0")" && pwd)/tap-summary

plan 6

# sum NAME: run the summary on $T/NAME.tap; its output in $T/NAME.out.
sum() {
	awk -f "$SUM" <"$T/$1.tap" >"$T/$1.out"
	rc=$?
}

printf '1..4\nok 1 - a\nok 2 - b # SKIP no tree\nnot ok 3 - c # TODO known\nok 4 - d\n' \
	>"$T/pass.tap"
sum pass
check "passes, a skip and an expected failure: exit 0, counted apart" \
	sh -c "[ $rc = 0 ] && tail -3 '$T/pass.out' | tr '\n' '|' | grep -qx '# 1 skipped|# 1 expected failures (TODO)|2 passed, 0 failed|'"

printf '1..2\nok 1 - a\nnot ok 2 - b\n' >"$T/fail.tap"
sum fail
check "a failure: exit 1, counted" \
	sh -c "[ $rc = 1 ] && tail -1 '$T/fail.out' | grep -qx '1 passed, 1 failed'"

# cmocka 1.1.5 writes a skip() as "not ok N # SKIP": not a failure.
printf '1..2\nok 1 - test_a\nnot ok 2 # SKIP test_end_to_end\n' >"$T/cmocka.tap"
sum cmocka
check "cmocka's 'not ok N # SKIP' is a skip, not a failure" \
	sh -c "[ $rc = 0 ] && tail -2 '$T/cmocka.out' | tr '\n' '|' | grep -qx '# 1 skipped|1 passed, 0 failed|'"

# SKIP in a test's description is not a directive.
printf '1..1\nnot ok 1 - the SKIP list is read\n' >"$T/word.tap"
sum word
check "the word SKIP outside a directive: still a failure" \
	sh -c "[ $rc = 1 ] && tail -1 '$T/word.out' | grep -qx '0 passed, 1 failed'"

# A program that crashed after two of four: the two count as failed,
# and the next program's plan (after its Subtest line) is its own.
printf '1..4\nok 1 - a\nok 2 - b\n# Subtest: next\n1..1\nok 1 - c\n' \
	>"$T/crash.tap"
sum crash
check "a plan not fulfilled: the missing tests fail" \
	sh -c "[ $rc = 1 ] && grep -q '^not ok - 2 test(s) of the plan above never reported' '$T/crash.out' && tail -1 '$T/crash.out' | grep -qx '3 passed, 2 failed'"

printf '1..1\nBail out! no kernel\n' >"$T/bail.tap"
sum bail
check "Bail out! fails" sh -c "[ $rc = 1 ]"
