// SPDX-License-Identifier: GPL-2.0
/*
 * xen_shinfo_test: KVM maintains the Xen structures shared with the guest.
 *
 * The VMM registers a shared_info page, a vcpu_info, a vcpu_time_info and
 * a runstate area through KVM_XEN_HVM_SET_ATTR and KVM_XEN_VCPU_SET_ATTR.
 * The test checks that
 *   - the wall clock lands in shared_info in the 32-bit and the 64-bit
 *     layout (version even, time within the window the host measured,
 *     wc_sec_hi), and that the long mode is latched when the guest writes
 *     the Xen hypercall MSR, here 0x40000000 where the Hyper-V guest OS ID
 *     MSR lives;
 *   - the pvclock data in vcpu_info and vcpu_time_info is published with
 *     even versions and agrees;
 *   - the runstate follows the states the VMM sets and the time the vCPU
 *     spends preempted, round trips through RUNSTATE_DATA and
 *     RUNSTATE_ADJUST, and is written in the 64-bit and 32-bit layouts;
 *   - the upcall vector is injected when evtchn_upcall_pending is set, and
 *     only while the guest has interrupts enabled;
 *   - invalid input (unknown types, addresses outside guest memory,
 *     vectors 1-15, RUNSTATE_ADJUST read back, bad runstates) fails with
 *     a clear errno and changes nothing.
 *
 * Skips unless KVM_CAP_XEN_HVM reports KVM_XEN_HVM_CONFIG_SHARED_INFO; the
 * runstate checks skip unless it reports KVM_XEN_HVM_CONFIG_RUNSTATE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kselftest.h"
#include "xen.h"

#define VCPU_ID			0

#define SHINFO_REGION_GPA	0xc0000000ULL
#define SHINFO_REGION_SLOT	10
#define SHINFO_REGION_PAGES	3
#define SHINFO_GPA		SHINFO_REGION_GPA
#define VCPU_INFO_GPA		(SHINFO_REGION_GPA + 0x40)
#define TIME_INFO_GPA		(SHINFO_REGION_GPA + 0x1000)
#define RUNSTATE_GPA		(SHINFO_REGION_GPA + 0x1020)
#define HCALL_PAGE_GPA		(SHINFO_REGION_GPA + 0x2000)
/* A frame that no memslot backs */
#define BAD_GPA			0x7fff0000ULL

/* Xen puts its MSR here unless Viridian is on; so does this test. */
#define XEN_HYPERCALL_MSR	0x40000000
#define UPCALL_VECTOR		0xf0
#define MIN_STEAL_NS		200000ULL
#define GPA_INVALID		(~0ULL)

enum stage {
	S_HCALL_MSR = 1,	/* the guest wrote the Xen MSR */
	S_PVCLOCK,		/* the guest checked its time information */
	S_RS_RUNNABLE,		/* the host sets a runstate... */
	S_RS_BLOCKED,
	S_RS_OFFLINE,
	S_RS_ADJUST,		/* ... adjusts it, */
	S_RS_DATA,		/* ... replaces it, */
	S_RS_STEAL,		/* ... steals time, */
	S_RS_COMPAT,		/* ... and has it written in the 32-bit layout */
	S_RS_COMPAT_CHECK,
	S_UPCALL,		/* the host sets evtchn_upcall_pending */
	S_END,
};

static bool has_runstate;
static volatile int upcalls;

/* Enable interrupts until *flag is nonzero or the loop runs out. */
void xen_wait_for_upcall(volatile int *flag);
asm(".pushsection .text\n"
    ".global xen_wait_for_upcall\n"
    "xen_wait_for_upcall:\n"
    "	mov $0x1000000, %ecx\n"
    "	sti\n"
    "1:	cmpl $0, (%rdi)\n"
    "	jne 2f\n"
    "	pause\n"
    "	dec %ecx\n"
    "	jnz 1b\n"
    "2:	cli\n"
    "	ret\n"
    ".popsection\n");

static void evtchn_handler(struct ex_regs *regs)
{
	struct xen_vcpu_info *vi = (void *)VCPU_INFO_GPA;

	vi->evtchn_upcall_pending = 0;
	upcalls++;
}

static void guest_check_pvclock(void)
{
	struct xen_vcpu_info *vi = (void *)VCPU_INFO_GPA;
	struct xen_pvclock_time_info *ti = (void *)TIME_INFO_GPA;

	GUEST_ASSERT(vi->time.version && !(vi->time.version & 1));
	GUEST_ASSERT(ti->version && !(ti->version & 1));
	GUEST_ASSERT(vi->time.tsc_timestamp == ti->tsc_timestamp);
	GUEST_ASSERT(vi->time.system_time == ti->system_time);
	GUEST_ASSERT(vi->time.tsc_to_system_mul == ti->tsc_to_system_mul);
	GUEST_ASSERT(vi->time.tsc_to_system_mul != 0);
	GUEST_ASSERT(vi->time.tsc_shift == ti->tsc_shift);
}

static void guest_check_runstate(struct xen_runstate_info *rs)
{
	GUEST_ASSERT(rs->state == XEN_RUNSTATE_running);
	GUEST_ASSERT(!(rs->state_entry_time & XEN_RUNSTATE_UPDATE));
	GUEST_ASSERT(rs->state_entry_time == rs->time[0] + rs->time[1] +
		     rs->time[2] + rs->time[3]);
}

static void guest_code(void)
{
	struct xen_runstate_info *rs = (void *)RUNSTATE_GPA;
	struct xen_vcpu_info *vi = (void *)VCPU_INFO_GPA;
	uint64_t before;
	int i, st;

	wrmsr(XEN_HYPERCALL_MSR, HCALL_PAGE_GPA);
	GUEST_SYNC(S_HCALL_MSR);

	guest_check_pvclock();
	GUEST_SYNC(S_PVCLOCK);

	if (has_runstate) {
		/* The host puts the vCPU in state st until it runs again. */
		for (st = XEN_RUNSTATE_runnable; st <= XEN_RUNSTATE_offline;
		     st++) {
			before = rs->time[st];
			GUEST_SYNC(S_RS_RUNNABLE + st - XEN_RUNSTATE_runnable);
			guest_check_runstate(rs);
			GUEST_ASSERT(rs->time[st] > before);
		}

		GUEST_SYNC(S_RS_ADJUST);
		guest_check_runstate(rs);
		GUEST_ASSERT(rs->time[XEN_RUNSTATE_blocked] == 0x5a);
		GUEST_ASSERT(rs->time[XEN_RUNSTATE_offline] == 0x6b6b);

		GUEST_SYNC(S_RS_DATA);
		guest_check_runstate(rs);
		GUEST_ASSERT(rs->time[XEN_RUNSTATE_blocked] == 0x6b6b);
		GUEST_ASSERT(rs->time[XEN_RUNSTATE_offline] == 0x5a);
		GUEST_ASSERT(rs->state_entry_time >= 0x6b6b + 0x5a);

		before = rs->time[XEN_RUNSTATE_runnable];
		GUEST_SYNC(S_RS_STEAL);
		guest_check_runstate(rs);
		GUEST_ASSERT(rs->time[XEN_RUNSTATE_runnable] >=
			     before + MIN_STEAL_NS);

		GUEST_SYNC(S_RS_COMPAT);
		GUEST_SYNC(S_RS_COMPAT_CHECK);
	}

	/* Nothing arrives while interrupts are disabled... */
	GUEST_SYNC(S_UPCALL);
	for (i = 0; i < 1000; i++)
		GUEST_ASSERT(!upcalls);
	GUEST_ASSERT(vi->evtchn_upcall_pending);
	/* ... the upcall does once they are enabled, and only once. */
	xen_wait_for_upcall(&upcalls);
	GUEST_ASSERT(upcalls == 1);
	GUEST_ASSERT(!vi->evtchn_upcall_pending);
	xen_wait_for_upcall(&upcalls);
	GUEST_ASSERT(upcalls == 1);

	GUEST_SYNC(S_END);
	GUEST_DONE();
}

static int xen_hvm_attr(struct kvm_vm *vm, unsigned long ioctl_nr,
			struct kvm_xen_hvm_attr *a)
{
	return ioctl(vm_get_fd(vm), ioctl_nr, a) ? -errno : 0;
}

static int xen_vcpu_attr(struct kvm_vm *vm, unsigned long ioctl_nr,
			 struct kvm_xen_vcpu_attr *a)
{
	return _vcpu_ioctl(vm, VCPU_ID, ioctl_nr, a) ? -errno : 0;
}

static uint64_t get_shinfo_gfn(struct kvm_vm *vm)
{
	struct kvm_xen_hvm_attr a = { .type = KVM_XEN_ATTR_TYPE_SHARED_INFO };

	TEST_ASSERT(!xen_hvm_attr(vm, KVM_XEN_HVM_GET_ATTR, &a),
		    "GET SHARED_INFO");
	return a.u.shared_info.gfn;
}

static void set_shinfo_gfn(struct kvm_vm *vm, uint64_t gfn)
{
	struct kvm_xen_hvm_attr a = {
		.type = KVM_XEN_ATTR_TYPE_SHARED_INFO,
		.u.shared_info.gfn = gfn,
	};

	TEST_ASSERT(!xen_hvm_attr(vm, KVM_XEN_HVM_SET_ATTR, &a),
		    "SET SHARED_INFO 0x%lx", gfn);
}

static int get_long_mode(struct kvm_vm *vm)
{
	struct kvm_xen_hvm_attr a = { .type = KVM_XEN_ATTR_TYPE_LONG_MODE };

	TEST_ASSERT(!xen_hvm_attr(vm, KVM_XEN_HVM_GET_ATTR, &a),
		    "GET LONG_MODE");
	return a.u.long_mode;
}

static void set_long_mode(struct kvm_vm *vm, int lm)
{
	struct kvm_xen_hvm_attr a = {
		.type = KVM_XEN_ATTR_TYPE_LONG_MODE,
		.u.long_mode = lm,
	};

	TEST_ASSERT(!xen_hvm_attr(vm, KVM_XEN_HVM_SET_ATTR, &a),
		    "SET LONG_MODE");
}

static uint64_t get_vcpu_gpa(struct kvm_vm *vm, int type)
{
	struct kvm_xen_vcpu_attr a = { .type = type };

	TEST_ASSERT(!xen_vcpu_attr(vm, KVM_XEN_VCPU_GET_ATTR, &a),
		    "GET vCPU attribute %d", type);
	return a.u.gpa;
}

static void set_vcpu_gpa(struct kvm_vm *vm, int type, uint64_t gpa)
{
	struct kvm_xen_vcpu_attr a = { .type = type, .u.gpa = gpa };

	TEST_ASSERT(!xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a),
		    "SET vCPU attribute %d to 0x%lx", type, gpa);
}

static void get_runstate(struct kvm_vm *vm, struct kvm_xen_vcpu_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_DATA;
	TEST_ASSERT(!xen_vcpu_attr(vm, KVM_XEN_VCPU_GET_ATTR, a),
		    "GET RUNSTATE_DATA");
}

static void set_runstate_current(struct kvm_vm *vm, uint64_t state)
{
	struct kvm_xen_vcpu_attr a = {
		.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_CURRENT,
		.u.runstate.state = state,
	};

	TEST_ASSERT(!xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a),
		    "SET RUNSTATE_CURRENT %lu", state);
	memset(&a.u, 0, sizeof(a.u));
	TEST_ASSERT(!xen_vcpu_attr(vm, KVM_XEN_VCPU_GET_ATTR, &a),
		    "GET RUNSTATE_CURRENT");
	TEST_ASSERT(a.u.runstate.state == state,
		    "RUNSTATE_CURRENT reads back %llu, not %lu",
		    (unsigned long long)a.u.runstate.state, state);
}

static void expect_errno(int r, int err, const char *what)
{
	TEST_ASSERT(r == -err, "%s: got %d (%s), expected -%d (%s)", what, r,
		    strerror(-r), err, strerror(err));
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

/*
 * The wall clock is the time of day at kvmclock 0, which is when the VM
 * was created: it must lie between @before and now.  Adding the guest's
 * system time must not go past now either.
 */
static void check_wallclock(struct kvm_vm *vm, unsigned int wc_ofs,
			    unsigned int sec_hi_ofs,
			    const struct timespec *before)
{
	uint8_t *shinfo = addr_gpa2hva(vm, SHINFO_GPA);
	struct xen_wall_clock *wc = (void *)(shinfo + wc_ofs);
	struct xen_vcpu_info *vi = addr_gpa2hva(vm, VCPU_INFO_GPA);
	uint32_t sec_hi;
	struct timespec now;
	uint64_t wc_ns;

	clock_gettime(CLOCK_REALTIME, &now);
	memcpy(&sec_hi, shinfo + sec_hi_ofs, sizeof(sec_hi));

	TEST_ASSERT(wc->version && !(wc->version & 1),
		    "wall clock at 0x%x: version %u", wc_ofs, wc->version);
	TEST_ASSERT(sec_hi == (uint64_t)now.tv_sec >> 32,
		    "wc_sec_hi at 0x%x is %u", sec_hi_ofs, sec_hi);
	wc_ns = (((uint64_t)sec_hi << 32) + wc->sec) * 1000000000ULL +
		wc->nsec;
	TEST_ASSERT(wc_ns + 1000000000ULL >= ts_ns(before) &&
		    wc_ns <= ts_ns(&now),
		    "wall clock %lu ns not in [%lu, %lu]", wc_ns,
		    ts_ns(before), ts_ns(&now));
	if (vi->time.version)
		TEST_ASSERT(wc_ns + vi->time.system_time <=
			    ts_ns(&now) + 1000000000ULL,
			    "wall clock + system time is in the future");
}

static void check_hvm_attrs_bad_input(struct kvm_vm *vm)
{
	struct kvm_xen_hvm_attr a = { .type = 0x100 };
	uint64_t gfn = get_shinfo_gfn(vm);
	int v;

	expect_errno(xen_hvm_attr(vm, KVM_XEN_HVM_SET_ATTR, &a), ENOENT,
		     "HVM SET_ATTR type 0x100");
	expect_errno(xen_hvm_attr(vm, KVM_XEN_HVM_GET_ATTR, &a), ENOENT,
		     "HVM GET_ATTR type 0x100");
	ksft_test_result_pass("HVM attributes of unknown type: ENOENT\n");

	a.type = KVM_XEN_ATTR_TYPE_SHARED_INFO;
	a.u.shared_info.gfn = BAD_GPA >> 12;
	expect_errno(xen_hvm_attr(vm, KVM_XEN_HVM_SET_ATTR, &a), EFAULT,
		     "SHARED_INFO outside memslots");
	TEST_ASSERT(get_shinfo_gfn(vm) == gfn, "shared_info gfn changed");
	ksft_test_result_pass("shared_info gfn outside memslots: EFAULT, "
			      "registration kept\n");

	a.type = KVM_XEN_ATTR_TYPE_UPCALL_VECTOR;
	a.u.vector = UPCALL_VECTOR;
	TEST_ASSERT(!xen_hvm_attr(vm, KVM_XEN_HVM_SET_ATTR, &a),
		    "SET UPCALL_VECTOR");
	for (v = 1; v < 16; v++) {
		a.u.vector = v;
		expect_errno(xen_hvm_attr(vm, KVM_XEN_HVM_SET_ATTR, &a), EINVAL,
			     "UPCALL_VECTOR 1-15");
	}
	memset(&a.u, 0, sizeof(a.u));
	TEST_ASSERT(!xen_hvm_attr(vm, KVM_XEN_HVM_GET_ATTR, &a),
		    "GET UPCALL_VECTOR");
	TEST_ASSERT(a.u.vector == UPCALL_VECTOR, "upcall vector is 0x%x",
		    a.u.vector);
	ksft_test_result_pass("upcall vectors 1-15: EINVAL, vector kept\n");
}

static void check_vcpu_attrs_bad_input(struct kvm_vm *vm)
{
	static const int types[] = {
		KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO,
		KVM_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO,
		KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR,
	};
	struct kvm_xen_vcpu_attr a = { .type = 0x100 };
	int i, n = has_runstate ? 3 : 2;

	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a), ENOENT,
		     "vCPU SET_ATTR type 0x100");
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_GET_ATTR, &a), ENOENT,
		     "vCPU GET_ATTR type 0x100");
	ksft_test_result_pass("vCPU attributes of unknown type: ENOENT\n");

	for (i = 0; i < n; i++) {
		uint64_t old = get_vcpu_gpa(vm, types[i]);

		a.type = types[i];
		a.u.gpa = BAD_GPA;
		expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a),
			     EFAULT, "vCPU area outside memslots");
		TEST_ASSERT(get_vcpu_gpa(vm, types[i]) == old,
			    "vCPU attribute %d changed", types[i]);
	}
	ksft_test_result_pass("vcpu_info, vcpu_time_info%s outside memslots: "
			      "EFAULT, registration kept\n",
			      has_runstate ? ", runstate" : "");
}

static void check_runstate_bad_input(struct kvm_vm *vm)
{
	struct kvm_xen_vcpu_attr before, after, a;

	get_runstate(vm, &before);

	memset(&a, 0, sizeof(a));
	a.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADJUST;
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_GET_ATTR, &a), EINVAL,
		     "GET RUNSTATE_ADJUST");
	ksft_test_result_pass("RUNSTATE_ADJUST via GET_ATTR: EINVAL\n");

	a.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_CURRENT;
	a.u.runstate.state = XEN_RUNSTATE_offline + 1;
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a), EINVAL,
		     "RUNSTATE_CURRENT 4");

	/* Times that do not add up to state_entry_time */
	a = before;
	a.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_DATA;
	a.u.runstate.state_entry_time += 1;
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a), EINVAL,
		     "RUNSTATE_DATA not adding up");
	/* An entry time in the future */
	a = before;
	a.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_DATA;
	a.u.runstate.time_offline += 1ULL << 60;
	a.u.runstate.state_entry_time += 1ULL << 60;
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a), EINVAL,
		     "RUNSTATE_DATA in the future");
	/* A bad state for DATA and ADJUST */
	a = before;
	a.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_DATA;
	a.u.runstate.state = 7;
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a), EINVAL,
		     "RUNSTATE_DATA state 7");
	memset(&a.u, 0, sizeof(a.u));
	a.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADJUST;
	a.u.runstate.state = 7;
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a), EINVAL,
		     "RUNSTATE_ADJUST state 7");
	/* An adjustment that does not add up */
	a.u.runstate.state = -1;
	a.u.runstate.time_blocked = 10;
	expect_errno(xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a), EINVAL,
		     "RUNSTATE_ADJUST not adding up");

	get_runstate(vm, &after);
	TEST_ASSERT(!memcmp(&before, &after, sizeof(before)),
		    "rejected runstate updates changed the runstate");
	ksft_test_result_pass("bad RUNSTATE_CURRENT/DATA/ADJUST: EINVAL, "
			      "runstate kept\n");
}

/* Compare a runstate area in guest memory with RUNSTATE_DATA. */
static void check_runstate_area(struct kvm_vm *vm, bool compat)
{
	void *area = addr_gpa2hva(vm, RUNSTATE_GPA);
	struct kvm_xen_vcpu_attr a;
	uint64_t entry, times[4];
	int state;

	if (compat) {
		struct xen_compat_runstate_info *rs = area;

		state = rs->state;
		entry = rs->state_entry_time;
		memcpy(times, rs->time, sizeof(times));
	} else {
		struct xen_runstate_info *rs = area;

		state = rs->state;
		entry = rs->state_entry_time;
		memcpy(times, rs->time, sizeof(times));
	}

	get_runstate(vm, &a);
	TEST_ASSERT(state == a.u.runstate.state, "state %d, KVM has %llu",
		    state, (unsigned long long)a.u.runstate.state);
	TEST_ASSERT(entry == a.u.runstate.state_entry_time,
		    "entry time 0x%lx, KVM has 0x%llx", entry,
		    (unsigned long long)a.u.runstate.state_entry_time);
	TEST_ASSERT(times[0] == a.u.runstate.time_running &&
		    times[1] == a.u.runstate.time_runnable &&
		    times[2] == a.u.runstate.time_blocked &&
		    times[3] == a.u.runstate.time_offline,
		    "%s runstate times differ from RUNSTATE_DATA",
		    compat ? "32-bit" : "64-bit");
	TEST_ASSERT(entry == times[0] + times[1] + times[2] + times[3],
		    "runstate times do not add up");
}

static uint64_t run_delay_ns(void)
{
	unsigned long long run, delay;
	FILE *f = fopen("/proc/self/schedstat", "r");

	TEST_ASSERT(f, "open /proc/self/schedstat");
	TEST_ASSERT(fscanf(f, "%llu %llu", &run, &delay) == 2,
		    "parse /proc/self/schedstat");
	fclose(f);
	return delay;
}

/* Let a CPU hog on our CPU steal at least @ns from this thread. */
static void steal_time(uint64_t ns)
{
	cpu_set_t one, all;
	uint64_t start;
	struct timespec t0, t;
	pid_t pid;

	TEST_ASSERT(!sched_getaffinity(0, sizeof(all), &all), "getaffinity");
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	TEST_ASSERT(!sched_setaffinity(0, sizeof(one), &one), "setaffinity");

	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (!pid)
		for (;;)
			;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	start = run_delay_ns();
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		TEST_ASSERT(ts_ns(&t) - ts_ns(&t0) < 30000000000ULL,
			    "no run delay after 30 s");
	} while (run_delay_ns() - start < ns);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	TEST_ASSERT(!sched_setaffinity(0, sizeof(all), &all), "setaffinity");
}

/* Move the blocked and offline times to the given values via ADJUST. */
static void adjust_runstate(struct kvm_vm *vm, uint64_t blocked,
			    uint64_t offline)
{
	struct kvm_xen_vcpu_attr cur, a = {
		.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADJUST,
	};

	get_runstate(vm, &cur);
	a.u.runstate.state = -1;
	a.u.runstate.time_blocked = blocked - cur.u.runstate.time_blocked;
	a.u.runstate.time_offline = offline - cur.u.runstate.time_offline;
	a.u.runstate.time_running = -a.u.runstate.time_blocked -
				    a.u.runstate.time_offline;
	TEST_ASSERT(!xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a),
		    "RUNSTATE_ADJUST");
}

static void set_runstate_data(struct kvm_vm *vm)
{
	struct kvm_xen_vcpu_attr a = {
		.type = KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_DATA,
		.u.runstate = {
			.state = XEN_RUNSTATE_running,
			.state_entry_time = 0x6b6b + 0x5a,
			.time_blocked = 0x6b6b,
			.time_offline = 0x5a,
		},
	};
	struct kvm_xen_vcpu_attr b;

	TEST_ASSERT(!xen_vcpu_attr(vm, KVM_XEN_VCPU_SET_ATTR, &a),
		    "SET RUNSTATE_DATA");
	get_runstate(vm, &b);
	TEST_ASSERT(!memcmp(&a, &b, sizeof(a)), "RUNSTATE_DATA round trip");
}

static void check_hypercall_page(struct kvm_vm *vm)
{
	const uint8_t *page = addr_gpa2hva(vm, HCALL_PAGE_GPA);
	uint32_t nr;

	memcpy(&nr, page + 32 * 5 + 1, sizeof(nr));
	TEST_ASSERT(page[32 * 5] == 0xb8 && nr == 5 &&
		    page[32 * 5 + 8] == 0xc3,
		    "no hypercall page at 0x%llx", HCALL_PAGE_GPA);
}

int main(int argc, char *argv[])
{
	struct kvm_xen_hvm_config cfg = {
		.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL,
		.msr = XEN_HYPERCALL_MSR,
	};
	struct xen_vcpu_info *vi;
	struct timespec before;
	struct kvm_vm *vm;
	struct ucall uc;
	int stage = 0;
	int cap;

	ksft_print_header();

	cap = kvm_check_cap(KVM_CAP_XEN_HVM);
	if (!(cap & KVM_XEN_HVM_CONFIG_SHARED_INFO))
		ksft_exit_skip("KVM_CAP_XEN_HVM is 0x%x: no SHARED_INFO\n",
			       cap);
	has_runstate = cap & KVM_XEN_HVM_CONFIG_RUNSTATE;
	ksft_set_plan(21);

	clock_gettime(CLOCK_REALTIME, &before);
	vm = vm_create_default(VCPU_ID, 0, guest_code);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS,
				    SHINFO_REGION_GPA, SHINFO_REGION_SLOT,
				    SHINFO_REGION_PAGES, 0);
	virt_map(vm, SHINFO_REGION_GPA, SHINFO_REGION_GPA,
		 SHINFO_REGION_PAGES, 0);
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vm, VCPU_ID);
	vm_handle_exception(vm, UPCALL_VECTOR, evtchn_handler);
	sync_global_to_guest(vm, has_runstate);
	vi = addr_gpa2hva(vm, VCPU_INFO_GPA);

	vm_ioctl(vm, KVM_XEN_HVM_CONFIG, &cfg);

	/* The 32-bit layout first: the guest has not latched its mode. */
	set_long_mode(vm, 0);
	TEST_ASSERT(get_long_mode(vm) == 0, "LONG_MODE round trip");
	ksft_test_result_pass("LONG_MODE set and read back\n");

	set_shinfo_gfn(vm, SHINFO_GPA >> 12);
	TEST_ASSERT(get_shinfo_gfn(vm) == SHINFO_GPA >> 12,
		    "SHARED_INFO round trip");
	check_wallclock(vm, XEN_SHINFO_WC_32, XEN_SHINFO_WC_SEC_HI_32,
			&before);
	ksft_test_result_pass("32-bit shared_info: wall clock at 0x900, "
			      "version even, within the host's window\n");

	set_shinfo_gfn(vm, GPA_INVALID);
	TEST_ASSERT(get_shinfo_gfn(vm) == GPA_INVALID,
		    "shared_info still set after ~0");
	set_shinfo_gfn(vm, SHINFO_GPA >> 12);
	ksft_test_result_pass("shared_info gfn ~0 unregisters it\n");

	set_vcpu_gpa(vm, KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO, VCPU_INFO_GPA);
	set_vcpu_gpa(vm, KVM_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO, GPA_INVALID);
	TEST_ASSERT(get_vcpu_gpa(vm, KVM_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO) ==
		    GPA_INVALID, "vcpu_time_info set after ~0");
	set_vcpu_gpa(vm, KVM_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO, TIME_INFO_GPA);
	TEST_ASSERT(get_vcpu_gpa(vm, KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO) ==
		    VCPU_INFO_GPA, "VCPU_INFO round trip");
	TEST_ASSERT(get_vcpu_gpa(vm, KVM_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO) ==
		    TIME_INFO_GPA, "VCPU_TIME_INFO round trip");
	if (has_runstate) {
		set_vcpu_gpa(vm, KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR,
			     RUNSTATE_GPA);
		TEST_ASSERT(get_vcpu_gpa(vm,
					 KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR)
			    == RUNSTATE_GPA, "RUNSTATE_ADDR round trip");
	}
	ksft_test_result_pass("vcpu_info and vcpu_time_info registered, "
			      "~0 unregisters\n");

	check_hvm_attrs_bad_input(vm);
	check_vcpu_attrs_bad_input(vm);
	if (has_runstate) {
		check_runstate_bad_input(vm);
	} else {
		ksft_test_result_skip("RUNSTATE_ADJUST via GET_ATTR: no "
				      "RUNSTATE\n");
		ksft_test_result_skip("bad runstate input: no RUNSTATE\n");
	}

	for (;;) {
		struct kvm_run *run = vcpu_state(vm, VCPU_ID);

		vcpu_run(vm, VCPU_ID);
		TEST_ASSERT(run->exit_reason == KVM_EXIT_IO,
			    "unexpected exit reason %u (%s)", run->exit_reason,
			    exit_reason_str(run->exit_reason));

		switch (get_ucall(vm, VCPU_ID, &uc)) {
		case UCALL_ABORT:
			TEST_FAIL("guest assertion: %s at %s:%ld",
				  (const char *)uc.args[0], __FILE__,
				  uc.args[1]);
			break;
		case UCALL_SYNC:
			break;
		case UCALL_DONE:
			TEST_ASSERT(stage == S_END, "done at stage %d", stage);
			kvm_vm_free(vm);
			ksft_exit_pass();
		default:
			TEST_FAIL("unknown ucall %lu", uc.cmd);
		}

		/* Report what the guest checked after the previous sync. */
		switch (stage) {
		case S_RS_RUNNABLE:
		case S_RS_BLOCKED:
			break;
		case S_RS_OFFLINE:
			ksft_test_result_pass("runstate runnable, blocked, "
					      "offline set by the VMM and "
					      "accounted\n");
			break;
		case S_RS_ADJUST:
			ksft_test_result_pass("RUNSTATE_ADJUST\n");
			break;
		case S_RS_DATA:
			ksft_test_result_pass("RUNSTATE_DATA round trip\n");
			break;
		case S_RS_STEAL:
			ksft_test_result_pass("time the vCPU thread waited for "
					      "a CPU is runnable time\n");
			check_runstate_area(vm, false);
			ksft_test_result_pass("64-bit runstate area matches "
					      "RUNSTATE_DATA\n");
			break;
		case S_UPCALL:
			ksft_test_result_pass("upcall vector delivered once "
					      "evtchn_upcall_pending is set and "
					      "interrupts are enabled\n");
			break;
		}

		stage = uc.args[1];
		switch (stage) {
		case S_HCALL_MSR:
			check_hypercall_page(vm);
			TEST_ASSERT(get_long_mode(vm) == 1,
				    "long mode not latched");
			ksft_test_result_pass("hypercall MSR 0x40000000 writes "
					      "the page and latches long "
					      "mode\n");
			set_shinfo_gfn(vm, SHINFO_GPA >> 12);
			check_wallclock(vm, XEN_SHINFO_WC_64,
					XEN_SHINFO_WC_SEC_HI_64, &before);
			ksft_test_result_pass("64-bit shared_info: wall clock at "
					      "0xc00 with wc_sec_hi, version "
					      "even, within the host's "
					      "window\n");
			break;
		case S_PVCLOCK:
			TEST_ASSERT(vi->time.version && !(vi->time.version & 1),
				    "vcpu_info time version %u",
				    vi->time.version);
			ksft_test_result_pass("pvclock in vcpu_info and "
					      "vcpu_time_info, versions "
					      "even\n");
			if (!has_runstate) {
				int i;

				for (i = 0; i < 6; i++)
					ksft_test_result_skip("runstate: no "
							      "RUNSTATE\n");
			}
			break;
		case S_RS_RUNNABLE:
			set_runstate_current(vm, XEN_RUNSTATE_runnable);
			break;
		case S_RS_BLOCKED:
			set_runstate_current(vm, XEN_RUNSTATE_blocked);
			break;
		case S_RS_OFFLINE:
			set_runstate_current(vm, XEN_RUNSTATE_offline);
			break;
		case S_RS_ADJUST:
			adjust_runstate(vm, 0x5a, 0x6b6b);
			break;
		case S_RS_DATA:
			set_runstate_data(vm);
			break;
		case S_RS_STEAL:
			steal_time(MIN_STEAL_NS);
			break;
		case S_RS_COMPAT:
			set_long_mode(vm, 0);
			break;
		case S_RS_COMPAT_CHECK:
			check_runstate_area(vm, true);
			set_long_mode(vm, 1);
			ksft_test_result_pass("32-bit runstate area matches "
					      "RUNSTATE_DATA\n");
			break;
		case S_UPCALL:
			vi->evtchn_upcall_pending = 1;
			break;
		case S_END:
			break;
		default:
			TEST_FAIL("unknown stage %d", stage);
		}
	}
}
