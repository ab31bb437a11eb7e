#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries build, selftests, boot: usage and errors always; with a built
# kernel ($KSERIES_TEST_KERNEL, a bzImage of the project's config) real
# boots under QEMU: a clean run, a test that fails, known failures, a
# test with its own kernel command line, and guests that panic, WARN,
# BUG and hang, each with its verdict, quoted evidence and kept console
# log. With $KSERIES_TEST_SELFTESTS (a 'kseries selftests' output) the
# real smoke_test runs too. Without them those tests are skipped.

. "$(dirname "$0")/test-lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
K=${KSERIES_TEST_KERNEL:-}
ST=${KSERIES_TEST_SELFTESTS:-}

plan 45

mkdir -p "$T/proj/kernel-overlay" "$T/proj/selftests"
cp "$top/kernel-overlay/init" "$T/proj/kernel-overlay/init"
: >"$T/proj/series"

skip() {
	test_nr=$((test_nr + 1))
	echo "ok $test_nr - $1 # SKIP $2"
}

# json_has KEY VALUE: the last report has "KEY":VALUE somewhere.
json_has() {
	grep -F -q "\"$1\":$2" "$KSERIES_OUT/results/boot.json"
}

for c in build selftests boot; do
	check "$c --help starts with the summary line" \
		sh -c '"$KSERIES" '$c' --help | head -1 | grep -q "^kseries '$c' - "'
	ks $c --bogus
	check "$c: an unknown option is a usage error (129)" rc_is 129
done

ks build --tree "$T/nope" --build "$T/b"
check "build: no kernel tree is a clear error (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'no kernel tree at $T/nope' '$T/out.txt'"
ks selftests --tree "$T/nope" --build "$T/b"
check "selftests: no headers installed is a clear error (2)" \
	sh -c "[ $rc = 2 ] && grep -q \"run 'kseries build' first\" '$T/out.txt'"
ks boot --kernel "$T/nope/bzImage" --no-tests
check "boot: no kernel image is a clear error (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'no kernel image' '$T/out.txt'"
ks boot --no-tests --cmd true
check "boot: --no-tests and --cmd exclude each other" rc_is 129
ks boot --no-tests --kvm --no-kvm
check "boot: --kvm and --no-kvm exclude each other" rc_is 129
ks boot --kernel="$T/nope/bzImage" --no-tests --timeout=30
check "boot: --kernel=FILE and --timeout=S are taken" \
	sh -c "[ $rc = 2 ] && grep -q 'no kernel image $T/nope/bzImage' '$T/out.txt'"
ks boot --no-tests --timeout=0
check "boot: --timeout needs seconds above 0 (129)" rc_is 129

# The accelerator: KSERIES_ACCEL_PROBE stands in for what the probe of
# /dev/kvm, KVM_CREATE_VM, cpuinfo and 'nested' would find.
: >"$T/fake-bzImage"
KSERIES_ACCEL_PROBE="dev=2" ks boot --kernel "$T/fake-bzImage" --no-tests --kvm
check "boot --kvm without /dev/kvm: exit 2, says why" \
	sh -c "[ $rc = 2 ] && grep -q -- '--kvm: no /dev/kvm on this host' '$T/out.txt'"
KSERIES_ACCEL_PROBE="dev=0 vm=0 flags=none" ks boot --kernel "$T/fake-bzImage" \
	--no-tests --kvm --timeout 5 --boot-timeout 2
check "boot --kvm where the guest cannot nest: KVM all the same, with a warning" \
	grep -q 'accel: KVM: --kvm, although the host CPU has no VMX/SVM to give the guest' \
		"$T/out.txt"

if [ -z "$K" ] || [ ! -f "$K" ]; then
	while [ $test_nr -lt 45 ]; do
		skip "boot with a real kernel" "no KSERIES_TEST_KERNEL"
	done
	done_testing
	exit
fi

# A suite of shell-script tests: pass, skip, a known failure, a test
# that needs its own boot (lockdown=integrity: /dev/port is then not
# writable, the init falls back to reboot -f and QEMU exits 0).
S="$T/st"
mkdir -p "$S/sh"
printf '#!/bin/sh\necho passing\n' >"$S/sh/pass_test"
printf '#!/bin/sh\necho "no such feature"\nexit 4\n' >"$S/sh/skip_test"
printf '#!/bin/sh\necho "fails here, as known"\nexit 1\n' >"$S/sh/known_test"
printf '#!/bin/sh\ngrep -q lockdown=integrity /proc/cmdline\n' \
	>"$S/sh/lockdown_test"
printf 'lockdown=integrity\n' >"$S/sh/lockdown_test.cmdline"
chmod 755 "$S/sh/"*_test
printf '#!/bin/sh\nsleep 1000\n' >"$S/sh/slow_test"
chmod 755 "$S/sh/slow_test"
printf 'pass_test\nskip_test\nknown_test\nlockdown_test\nslow_test\n' \
	>"$S/sh/list"
printf 'sh/known_test\tfails in this guest\nsh/slow_test SKIP far too slow\n' \
	>"$T/proj/selftests/known-failures"

ks boot --kernel "$K" --tests-dir "$S" --timeout 300
check "suite: exit 0 with a pass, a skip and a known failure" rc_is 0
check "suite: per-test results in the table" \
	sh -c "grep -q '^PASS  *sh/pass_test' '$T/out.txt' && grep -q '^SKIP  *sh/skip_test' '$T/out.txt' && grep -q '^XFAIL  *sh/known_test .*fails in this guest' '$T/out.txt'"
check "suite: the lockdown test ran in a boot of its own and passed" \
	sh -c "grep -q 'boot 2/2: 1 test, kernel parameters .lockdown=integrity.' '$T/out.txt' && grep -q '^PASS  *sh/lockdown_test' '$T/out.txt'"
check "suite: a test marked SKIP in known-failures is not run" \
	grep -q '^SKIP  *sh/slow_test .*not run by default: far too slow' \
		"$T/out.txt"
check "suite: TAP report with TODO for the known failure" \
	grep -q '^not ok 3 sh/known_test # TODO fails in this guest' \
		"$KSERIES_OUT/results/boot.tap"
check "suite: JSON report with verdict and counts" \
	sh -c 'json_has() { grep -F -q "\"$1\":$2" "$KSERIES_OUT/results/boot.json"; }; json_has verdict "\"ok\"" && json_has pass 2 && json_has skip 2 && json_has xfail 1 && json_has fail 0'
check "suite: one line says which accelerator and why" \
	grep -E -q '^accel: (TCG|KVM): ' "$T/out.txt"
check "suite: the reports record the accelerator" \
	sh -c "grep -E -q '\"accel\":\"(tcg|kvm)\",\"accel_reason\":\"(TCG|KVM): ' '$KSERIES_OUT/results/boot.json' && sed -n 2p '$KSERIES_OUT/results/boot.tap' | grep -E -q '^# accel: (TCG|KVM): ' && grep -E -q '^verdict: ok \(2 boots, (tcg|kvm)\)' '$T/out.txt'"

# A host whose probe says KVM can nest, but whose QEMU fails to start
# under -enable-kvm (as on an AMD EPYC without SVM: "failed to set MSR
# 0x10a"): a stand-in qemu-system-x86_64 first on PATH fails that way and
# runs the real QEMU otherwise. The boot falls back to TCG and says why.
real_qemu=$(command -v qemu-system-x86_64)
mkdir -p "$T/stub"
cat >"$T/stub/qemu-system-x86_64" <<EOS
#!/bin/sh
for a; do
	if [ "\$a" = -enable-kvm ]; then
		echo 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69' >&2
		exit 1
	fi
done
exec '$real_qemu' "\$@"
EOS
chmod 755 "$T/stub/qemu-system-x86_64"
PATH="$T/stub:$PATH" KSERIES_ACCEL_PROBE="dev=0 vm=0 flags=svm nested=1" \
	ks boot --kernel "$K" --tests-dir "$S" --tests sh/pass_test,sh/lockdown_test
check "fall-back: KVM chosen first, and why" \
	grep -q '^accel: KVM: /dev/kvm works and kvm_amd nests SVM for the guest$' "$T/out.txt"
check "fall-back: QEMU failed under KVM, the boot ran under TCG and passed" \
	sh -c "[ $rc = 0 ] && grep -q '^boot 1/2: TCG: QEMU failed to start under KVM (qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69); retrying under TCG$' '$T/out.txt' && grep -q '^PASS  *sh/pass_test' '$T/out.txt' && grep -q '^PASS  *sh/lockdown_test' '$T/out.txt'"
check "fall-back: the second boot went straight to TCG" \
	sh -c "! grep -q '^boot 2/2: TCG: QEMU failed' '$T/out.txt' && [ \$(grep -o '\"accel\":\"tcg\"' '$KSERIES_OUT/results/boot.json' | wc -l) = 3 ]"
check "fall-back: the report says TCG and why" \
	grep -F -q '"accel":"tcg","accel_reason":"TCG: QEMU failed to start under KVM (qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69); retrying under TCG"' \
		"$KSERIES_OUT/results/boot.json"
PATH="$T/stub:$PATH" KSERIES_ACCEL_PROBE="dev=0 vm=0 flags=svm nested=1" \
	ks boot --kernel "$K" --tests-dir "$S" --tests sh/pass_test --kvm
check "fall-back: not when --kvm forces KVM (qemu-failed, exit 1)" \
	sh -c "[ $rc = 1 ] && grep -q '^verdict: qemu-failed' '$T/out.txt'"

printf '#!/bin/sh\nexit 0\n' >"$S/sh/known_test"
ks boot --kernel "$K" --tests-dir "$S" --tests sh/known_test
check "a known failure that passes is flagged, not failed" \
	sh -c "[ $rc = 0 ] && grep -q '^XPASS  *sh/known_test' '$T/out.txt' && grep -q 'remove it from the list' '$T/out.txt'"

ks boot --kernel "$K" --cmd 'echo "the value was 41, expected 42"; exit 3'
check "a failing test: exit 1, FAIL with its exit status" \
	sh -c "[ $rc = 1 ] && grep -q '^FAIL  *cmd/cmd .*exit status 3' '$T/out.txt'"
check "a failing test: its output is quoted" \
	grep -q '| the value was 41, expected 42' "$T/out.txt"
check "a failing test: the boot itself is ok" json_has verdict '"ok"'

ks boot --kernel "$K" --cmd 'echo c > /proc/sysrq-trigger' --timeout 120
check "panic: verdict panic, exit 1" \
	sh -c "[ $rc = 1 ] && grep -q '^verdict: panic' '$T/out.txt'"
check "panic: the panic line is quoted" \
	grep -q '| .*Kernel panic - not syncing: sysrq triggered crash' \
		"$T/out.txt"
log=$(sed -n 's/^  console log kept: //p' "$T/out.txt")
check "panic: the console log is kept and has the panic" \
	sh -c "[ -n '$log' ] && grep -q 'Kernel panic' '$log'"
check "panic: the test that was running is named" \
	grep -q 'panic at console line [0-9]*, during cmd/cmd' "$T/out.txt"

dbg=/sys/kernel/debug/provoke-crash/DIRECT
ks boot --kernel "$K" --cmd "echo WARNING > $dbg" --timeout 120
check "WARN: verdict warn and exit 1 although the init finished" \
	sh -c "[ $rc = 1 ] && grep -q '^verdict: warn' '$T/out.txt' && grep -q '^PASS  *cmd/cmd' '$T/out.txt'"
check "WARN: the WARNING line is quoted" \
	grep -q '| .*WARNING: CPU: [0-9]* PID: [0-9]* at ' "$T/out.txt"
cp "$KSERIES_OUT/results/boot.reports" "$T/warn.reports"
check "reports: the WARN's signature, without numbers, with its frames" \
	grep -q '^warn: WARNING: CPU: PID: at [^ ]*lkdtm[^ ]* [A-Za-z_]* \[.*\]	cmd/cmd$' \
		"$T/warn.reports"
ks boot --kernel "$K" --cmd "echo WARNING > $dbg" --timeout 120 \
	--baseline "$T/warn.reports"
check "baseline: a WARN the baseline has does not fail the run" \
	sh -c "[ $rc = 0 ] && grep -q '\"new\":false' '$KSERIES_OUT/results/boot.json'"

ks boot --kernel "$K" --cmd "echo BUG > $dbg" --timeout 120
check "BUG: verdict bug, 'kernel BUG at' quoted" \
	sh -c "[ $rc = 1 ] && grep -q '^verdict: bug' '$T/out.txt' && grep -q '| .*kernel BUG at ' '$T/out.txt'"
ks boot --kernel "$K" --cmd "echo BUG > $dbg" --timeout 120 \
	--baseline "$T/warn.reports"
check "baseline: a report the baseline lacks fails the run, named" \
	sh -c "[ $rc = 1 ] && grep -q '^new report (not in the baseline): bug: kernel BUG at [^ ]*lkdtm' '$T/out.txt' && grep -q '\"new\":true' '$KSERIES_OUT/results/boot.json'"

start=$(date +%s)
ks boot --kernel "$K" --cmd 'sleep 1000' --timeout 20
took=$(( $(date +%s) - start ))
check "hang: the watchdog stops the guest, verdict hang, exit 1" \
	sh -c "[ $rc = 1 ] && grep -q '^verdict: hang' '$T/out.txt' && grep -q 'watchdog: overall timeout' '$T/out.txt' && [ $took -lt 60 ]"
log=$(sed -n 's/^  console log kept: //p' "$T/out.txt")
check "hang: the console log is kept" \
	sh -c "[ -n '$log' ] && grep -q 'ks: ===== begin cmd/cmd' '$log'"

if [ -n "$ST" ] && [ -x "$ST/project/smoke_test" ]; then
	ks boot --kernel "$K" --tests-dir "$ST" --tests project/smoke_test
	check "smoke_test: KVM in the guest, PASS, verdict ok" \
		sh -c "[ $rc = 0 ] && grep -q '^PASS  *project/smoke_test' '$T/out.txt' && grep -q '^verdict: ok' '$T/out.txt'"
else
	skip "smoke_test in the guest" "no KSERIES_TEST_SELFTESTS"
fi

done_testing
