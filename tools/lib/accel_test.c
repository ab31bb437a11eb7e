// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the accelerator decision, from fake probe results: the
 * host CPU's flags as /proc/cpuinfo gives them, the `nested` parameter,
 * and what opening /dev/kvm and KVM_CREATE_VM returned.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accel.h"
#include "util.h"

/* Two CPUs of an AMD EPYC as a cloud host shows it: no svm. */
static const char epyc_no_svm[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"model name\t: AMD EPYC 7B13\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca "
	"cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext "
	"fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc "
	"cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 sse4_1 "
	"sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor "
	"lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch "
	"osvw topoext svm_lock ibrs ibpb stibp vmmcall fsgsbase\n"
	"bugs\t\t: sysret_ss_attrs spectre_v1 spectre_v2\n"
	"\n"
	"processor\t: 1\n"
	"flags\t\t: fpu svm\n";

static void test_cpu_flags(void **state)
{
	bool vmx, svm;

	/* "svm_lock" is not "svm"; only the first CPU's flags count. */
	accel_cpu_flags(epyc_no_svm, &vmx, &svm);
	assert_false(vmx);
	assert_false(svm);

	accel_cpu_flags("processor\t: 0\nflags\t\t: fpu svm npt\n", &vmx, &svm);
	assert_false(vmx);
	assert_true(svm);

	accel_cpu_flags("flags\t\t: fpu vmx ept\nvmx flags\t: vnmi\n", &vmx,
			&svm);
	assert_true(vmx);
	assert_false(svm);

	/* "vmx flags" (newer kernels) is another line, not the flags. */
	accel_cpu_flags("vmx flags\t: vnmi svm\nflags\t\t: fpu\n", &vmx, &svm);
	assert_false(vmx);
	assert_false(svm);

	accel_cpu_flags("", &vmx, &svm);
	assert_false(vmx || svm);
}

static void test_parse_nested(void **state)
{
	assert_int_equal(accel_parse_nested("Y\n"), 1);	/* kvm_intel */
	assert_int_equal(accel_parse_nested("1\n"), 1);	/* kvm_amd */
	assert_int_equal(accel_parse_nested("N\n"), 0);
	assert_int_equal(accel_parse_nested("0\n"), 0);
	assert_int_equal(accel_parse_nested(""), -1);
	assert_int_equal(accel_parse_nested("maybe"), -1);
	assert_int_equal(accel_parse_nested(NULL), -1);
}

static void test_host_parse(void **state)
{
	struct accel_host h;

	assert_int_equal(accel_host_parse("dev=0 vm=0 flags=svm nested=1", &h),
			 0);
	assert_int_equal(h.dev_err, 0);
	assert_int_equal(h.vm_err, 0);
	assert_true(h.svm);
	assert_false(h.vmx);
	assert_int_equal(h.nested, 1);

	assert_int_equal(accel_host_parse("dev=2", &h), 0);
	assert_int_equal(h.dev_err, ENOENT);
	assert_int_equal(h.nested, -1);
	assert_false(h.vmx || h.svm);

	assert_int_equal(accel_host_parse("flags=vmx,svm nested=?", &h), 0);
	assert_true(h.vmx && h.svm);
	assert_int_equal(h.nested, -1);

	assert_int_equal(accel_host_parse("flags=none", &h), 0);
	assert_int_equal(accel_host_parse("dev=x", &h), -1);
	assert_int_equal(accel_host_parse("flags=avx", &h), -1);
	assert_int_equal(accel_host_parse("nested=perhaps", &h), -1);
	assert_int_equal(accel_host_parse("colour=blue", &h), -1);
	assert_int_equal(accel_host_parse("dev", &h), -1);
}

static void decide(const char *probe, int want, int ret, enum accel a,
		   const char *why)
{
	struct accel_host h;
	struct accel_choice c;

	assert_int_equal(accel_host_parse(probe, &h), 0);
	assert_int_equal(accel_decide(&h, want, &c), ret);
	if (!ret)
		assert_int_equal(c.accel, a);
	assert_string_equal(c.why, why);
	assert_int_equal(c.forced, want >= 0);
}

static void test_decide_auto(void **state)
{
	decide("dev=2", -1, 0, ACCEL_TCG, "TCG: no /dev/kvm on this host");
	decide("dev=13 flags=svm nested=1", -1, 0, ACCEL_TCG,
	       "TCG: /dev/kvm cannot be opened: Permission denied");
	decide("vm=12 flags=svm nested=1", -1, 0, ACCEL_TCG,
	       "TCG: /dev/kvm opens but KVM_CREATE_VM fails: Cannot allocate memory");
	/* The machine of the first-run report. */
	decide("dev=0 vm=0 flags=none", -1, 0, ACCEL_TCG,
	       "TCG: /dev/kvm works but the host CPU has no VMX/SVM to give the guest");
	decide("flags=svm nested=0", -1, 0, ACCEL_TCG,
	       "TCG: /dev/kvm works but kvm_amd's nested parameter is off, so the guest gets no SVM");
	decide("flags=vmx", -1, 0, ACCEL_TCG,
	       "TCG: /dev/kvm works but kvm_intel's nested parameter cannot be read, so the guest may get no VMX");
	decide("flags=svm nested=1", -1, 0, ACCEL_KVM,
	       "KVM: /dev/kvm works and kvm_amd nests SVM for the guest");
	decide("flags=vmx nested=1", -1, 0, ACCEL_KVM,
	       "KVM: /dev/kvm works and kvm_intel nests VMX for the guest");
}

static void test_decide_forced(void **state)
{
	decide("flags=vmx nested=1", 0, 0, ACCEL_TCG, "TCG: --no-kvm");
	decide("dev=2", 0, 0, ACCEL_TCG, "TCG: --no-kvm");
	decide("dev=2", 1, -1, ACCEL_TCG, "--kvm: no /dev/kvm on this host");
	decide("vm=1 flags=svm nested=1", 1, -1, ACCEL_TCG,
	       "--kvm: /dev/kvm opens but KVM_CREATE_VM fails: Operation not permitted");
	decide("flags=svm nested=1", 1, 0, ACCEL_KVM, "KVM: --kvm");
	decide("flags=none", 1, 0, ACCEL_KVM,
	       "KVM: --kvm, although the host CPU has no VMX/SVM to give the guest (its KVM selftests will skip)");
}

/* Last: the fall-back is for the rest of the process. */
static void test_choose_and_fall_back(void **state)
{
	struct accel_choice c;

	setenv("KSERIES_ACCEL_PROBE", "dev=0 vm=0 flags=svm nested=1", 1);
	assert_int_equal(accel_choose(-1, &c), 0);
	assert_int_equal(c.accel, ACCEL_KVM);

	accel_fall_back("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\n"
			"qemu-system-x86_64: ../target/i386/kvm/kvm.c: kvm_buf_set_msrs: Assertion failed",
			&c);
	assert_int_equal(c.accel, ACCEL_TCG);
	assert_string_equal(c.why,
			    "TCG: QEMU failed to start under KVM (qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69); retrying under TCG");

	/* Later decisions stay with TCG, and say why; --kvm still wins. */
	assert_int_equal(accel_choose(-1, &c), 0);
	assert_int_equal(c.accel, ACCEL_TCG);
	assert_non_null(strstr(c.why, "failed to set MSR 0x10a"));
	assert_int_equal(accel_choose(1, &c), 0);
	assert_int_equal(c.accel, ACCEL_KVM);
	assert_int_equal(accel_choose(0, &c), 0);
	assert_string_equal(c.why, "TCG: --no-kvm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_flags),
		cmocka_unit_test(test_parse_nested),
		cmocka_unit_test(test_host_parse),
		cmocka_unit_test(test_decide_auto),
		cmocka_unit_test(test_decide_forced),
		cmocka_unit_test(test_choose_and_fall_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
