/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which accelerator runs the guest, decided in one place for every user
 * of QEMU (boot, check, bisect, the benchmarks).
 *
 * The guest runs KVM selftests, so its own KVM needs VMX or SVM. Under
 * TCG, `-cpu max,la57=off` gives it SVM with nested paging on any host.
 * Under KVM (`-enable-kvm -cpu host`) it gets VMX or SVM only where the
 * host CPU has the flag and the host's kvm_intel/kvm_amd module has its
 * `nested` parameter on; without that every KVM selftest would skip, and
 * on some hosts QEMU does not even start ("failed to set MSR 0x10a").
 * So KVM is chosen only where /dev/kvm opens, KVM_CREATE_VM works and the
 * guest will get VMX or SVM; TCG everywhere else.
 *
 * The decision is a pure function of what the probe saw (struct
 * accel_host), so it is tested from fake inputs; accel_choose() probes
 * the real host once per process. KSERIES_ACCEL_PROBE replaces the probe
 * with its text (accel_host_parse()), for the tests of what follows a
 * decision, such as the fall-back to TCG when QEMU fails under KVM.
 */
#ifndef KSERIES_ACCEL_H
#define KSERIES_ACCEL_H

#include <stdbool.h>

enum accel { ACCEL_TCG, ACCEL_KVM };

/* What the probe of the host saw. */
struct accel_host {
	int dev_err;		/* errno of opening /dev/kvm, 0: it opened */
	int vm_err;		/* errno of KVM_CREATE_VM, 0: it worked */
	bool vmx, svm;		/* the host CPU's flags (/proc/cpuinfo) */
	int nested;		/* kvm_amd/kvm_intel `nested`: 1, 0, -1 */
};

/* Which accelerator to use, and why, in one line. */
struct accel_choice {
	enum accel accel;
	bool forced;		/* --kvm or --no-kvm said so */
	char why[256];		/* "TCG: /dev/kvm works but ..." */
};

/* "kvm" or "tcg", as reports and cache keys name it. */
const char *accel_name(enum accel a);

/* Whether the "flags" of @cpuinfo (/proc/cpuinfo's text) has vmx, svm. */
void accel_cpu_flags(const char *cpuinfo, bool *vmx, bool *svm);

/* The value of a module's `nested` parameter: "Y"/"1" 1, "N"/"0" 0, -1. */
int accel_parse_nested(const char *text);

/*
 * The probe's results from text such as "dev=0 vm=0 flags=svm nested=1"
 * (dev/vm: an errno, 0 for success; flags: vmx, svm, both "vmx,svm" or
 * "none"); fields left out mean "works" for dev and vm, no flags, and
 * unknown nesting. -1 on a malformed text.
 */
int accel_host_parse(const char *text, struct accel_host *h);

/* Probe the real host: /dev/kvm, KVM_CREATE_VM, cpuinfo, `nested`. */
void accel_probe(struct accel_host *h);

/*
 * Decide from @h. @want: 1 KVM (--kvm), 0 TCG (--no-kvm), -1 decide.
 * 0 with @c filled; -1 when KVM was asked for and cannot run at all
 * (@c->why says why).
 */
int accel_decide(const struct accel_host *h, int want,
		 struct accel_choice *c);

/*
 * accel_decide() on this host, probed once per process (or as
 * KSERIES_ACCEL_PROBE says). After accel_fall_back(), a decision that
 * was not forced gives TCG with the fall-back's reason.
 */
int accel_choose(int want, struct accel_choice *c);

/*
 * QEMU failed to start under KVM (@qemu_error: what it said): from now
 * on this process uses TCG unless KVM is forced. Fills @c with the
 * one-line reason.
 */
void accel_fall_back(const char *qemu_error, struct accel_choice *c);

#endif
