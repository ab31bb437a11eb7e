/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot a guest kernel in QEMU, watch it, and judge it.
 *
 * The guest's init reports TAP on the second serial port (the results
 * port) and ends with "# ks: done"; the first serial port is the console.
 * The host reads the results live, runs a watchdog (an overall limit, a
 * limit for the init to start, and a limit of silence between two test
 * results), and when QEMU is gone reads the console for panics, oopses,
 * BUGs, WARNs, lockdep splats and stalls. The verdict is "ok" only when
 * the init said it was done and the console is clean.
 */
#ifndef KSERIES_VM_H
#define KSERIES_VM_H

#include <stdbool.h>

#include "accel.h"
#include "console.h"
#include "tap.h"

enum vm_verdict {
	VV_OK,
	VV_PANIC,
	VV_OOPS,
	VV_BUG,
	VV_WARN,
	VV_LOCKDEP,
	VV_KASAN,	/* a KASAN report: a bad memory access */
	VV_UBSAN,	/* undefined behaviour the kernel caught */
	VV_HANG,	/* the watchdog killed it, or a stall report */
	VV_QEMU_FAILED,	/* QEMU could not start or run the guest */
	VV_INCOMPLETE,	/* the guest stopped without finishing, no trace */
};

const char *vm_verdict_name(enum vm_verdict v);

/*
 * The verdict from what was seen: the init's "done", the watchdog,
 * whether QEMU started and the guest spoke, QEMU's exit status, and the
 * worst thing in the console.
 */
enum vm_verdict vm_verdict(bool done, bool watchdog, bool qemu_started,
			   bool guest_spoke, int qemu_status,
			   enum console_kind worst);

struct vm_opts {
	const char *qemu;		/* default qemu-system-x86_64 */
	const char *kernel;		/* bzImage */
	const char *initrd;
	const char *append;		/* extra kernel parameters */
	const char *console_log;	/* first serial port */
	const char *results_log;	/* second serial port */
	const char *qemu_log;		/* QEMU's own stdout/stderr */
	const char *extra_log;		/* a third serial port (ttyS2), for
					 * data the init sends when asked
					 * (ks.gcov); NULL: no third port */
	double timeout;			/* overall, seconds */
	double boot_timeout;		/* QEMU start to the init's header */
	double test_timeout;		/* per test, enforced by the init */
	double grace;			/* extra silence before "hang" */
	int mem_mb;
	int smp;
	int kvm;			/* 1 KVM, 0 TCG, -1 accel_choose() */
	bool echo_console;		/* copy the console to stderr live */
	/* Called for each result as it arrives (may be NULL). */
	void (*on_result)(void *ctx, const struct test_result *r);
	void *ctx;
};

struct vm_result {
	struct tap_run run;		/* what the results port said */
	bool started;			/* QEMU was started */
	int qemu_status;		/* exit status, 128 + signal */
	char *watchdog;			/* why the watchdog fired, or NULL */
	double first_result;		/* seconds to the first result, -1 */
	double duration;		/* seconds QEMU ran */
	struct accel_choice accel;	/* the accelerator it ran with, why
					 * (KVM: -enable-kvm -cpu host) */
	char *fallback;			/* QEMU failed under KVM: why TCG
					 * ran instead, or NULL */
	struct console_report console;
	enum vm_verdict verdict;
	char *qemu_error;		/* QEMU's messages when it failed */
	char *cmdline;			/* the kernel command line used */
};

/* The host's TSC frequency (kHz), for a TCG guest's tsc_early_khz=. */
unsigned long vm_host_tsc_khz(void);
/*
 * Run the guest to the end under the accelerator accel_choose() gives
 * for @o->kvm; if QEMU fails to start under a KVM that was not forced,
 * run it again under TCG (@r->fallback says why). 0 if it ran (whatever
 * the verdict), -1 if not (KVM forced where it cannot run, or no QEMU).
 */
int vm_run(const struct vm_opts *o, struct vm_result *r);
void vm_result_release(struct vm_result *r);

#endif
