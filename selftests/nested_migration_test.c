// SPDX-License-Identifier: GPL-2.0
/*
 * nested_migration_test: migrate a vCPU that runs a nested SVM guest, at the
 * points where nested state is hardest to get right, and check that no
 * event that L1 injects into L2 is lost or delivered twice.
 *
 * L1 (the test's guest) runs L2 under nested SVM, with nested paging when
 * KVM offers it.  L2 runs a loop: VMMCALL, which exits to L1; then, as L1
 * commanded, a ucall of its own (an I/O exit that L1 does not intercept, so
 * it goes straight to the host while L2 runs) or a string OUT, which L0 has
 * to emulate.  On every VMMCALL exit L1 picks the next event and puts it in
 * EVENTINJ before VMRUN: in turn an external interrupt (vector 0xe0), an
 * exception with an error code (#AC with 0x5a5) and an NMI.  The handlers
 * (L2 shares L1's IDT; an NMI counts for L2 only while L1 has L2 running)
 * count each delivery; L1 counts each event it asked for and, at the next
 * VMMCALL (by then the event must have been delivered: it is delivered
 * before L2's first instruction), asserts that the counts are equal: a lost
 * event makes them differ, and so does an event delivered twice.
 *
 * "Migration" is what userspace does to move a VM: save the complete vCPU
 * state (vcpu_save_state(), which includes KVM_GET_NESTED_STATE), destroy
 * the VM, create a new one on the same memory, load the state and resume.
 * The host migrates at these points (phases 1 and 2 of the test, then 3):
 *
 *  1. Every ucall of L1 (between two L2 runs, with an event already written
 *     to EVENTINJ in L1's VMCB) and every ucall of L2 (L2 running, the
 *     injected event delivered, so nothing may be delivered again).
 *
 *  2. Right after the VMRUN that carries the event, before L2 ran at all:
 *     nested_run_pending is set and the event is still pending.  To stop
 *     there, L1 makes a ucall just before its VMRUN; the host then turns on
 *     single-stepping (KVM_GUESTDBG_SINGLESTEP) and runs L1 one instruction
 *     at a time.  KVM emulates VMRUN and, since L1 is single-stepped, exits
 *     to userspace with KVM_EXIT_DEBUG as soon as the emulation is done,
 *     i.e. with the vCPU in guest mode and L2 not yet entered.  The host
 *     checks that KVM_GET_NESTED_STATE reports guest mode and
 *     KVM_STATE_NESTED_RUN_PENDING, turns single-stepping off, and migrates.
 *
 *  3. Once, right after a migration while L2 runs, L2 executes a string OUT,
 *     which L0 emulates through L2's page tables: it needs the MMU to be set
 *     up for L2 by KVM_SET_NESTED_STATE.
 *
 *  4. In SMM entered from L2, in a VM of its own (see test_smm_from_l2();
 *     run with L2 on L1's page tables, then with nested paging if KVM has
 *     it and -P is not given):
 *     while L2 runs, the host makes an SMI pending with KVM_SET_VCPU_EVENTS;
 *     KVM leaves guest mode to enter SMM, and the SMI handler (in SMRAM, real
 *     mode) stops at an IN.  The first time the vCPU just resumes; the
 *     second time the host saves the whole vCPU state and loads it into a
 *     new vCPU of the same VM, which then resumes.  Either way RSM must
 *     return to L2, and L2's next VMMCALL must exit to L1 with L1's state
 *     intact.  The nested state saved in SMM does not hold L1's state or
 *     L1's controls for L2 (the vCPU is not in guest mode), so RSM has to
 *     find them elsewhere; and with nested paging, RSM has to give L2 its
 *     nested CR3 back even without a restore (the #VMEXIT that entered SMM
 *     forgot it).  The state moves to a new vCPU of the same VM, not to a
 *     new VM, so SMRAM (a memory slot of address space 1) stays as it is.
 *
 * Each migration is done in one of four ways, taken in turn at each kind of
 * point (L1, L2, after VMRUN):
 *
 *  - plain;
 *  - "twice": KVM_SET_NESTED_STATE is issued a second time on the restored
 *    vCPU, which is then already in guest mode (as when a snapshot is loaded
 *    into a running VM).  L1 intercepts #DE for L2; after every VMMCALL
 *    exit L1 divides by zero itself and expects its own #DE handler to run,
 *    which fails if KVM left L1 running with controls merged for L2;
 *  - "nmi": an NMI for L1 (L1 intercepts NMIs) is queued with KVM_NMI right
 *    after the restore, so it competes with the event that L1 injected: KVM
 *    must deliver L1's event to L2 before it reflects the NMI to L1.  L1
 *    opens GIF after each NMI exit to take the NMI in its own handler, and
 *    the host checks at the end that L1 took every NMI it queued;
 *  - "cancel": KVM_RUN is entered with a signal pending (blocked in the
 *    thread, unblocked with KVM_SET_SIGNAL_MASK for KVM_RUN), so KVM gets
 *    as far as injecting the pending event, cancels the entry and returns
 *    -EINTR; the event is now kept as an interrupted injection (IDT-vectoring
 *    info) and the vCPU is migrated again.
 *
 * After each restore the host reads the nested state back and checks that
 * its flags (guest mode, nested_run_pending, GIF) and VMCB address are the
 * ones that were saved.
 *
 * Every step is deterministic: the points are chosen by the guest, not by
 * timing.  Options: -n N (phase 1 rounds), -r N (phase 2 rounds), -f LIST
 * (migration kinds to use, from plain,twice,nmi,cancel), -P (do not give L2
 * nested paging), -R (do not require nested_run_pending to survive the
 * restore, to see whether events still arrive without it), -v (log every
 * exit and migration).  The test skips when KVM lacks nested SVM or nested
 * state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "kselftest.h"
#include "kvm_util_internal.h"	/* vcpu_find(), for the vCPU fd */

#include "nested_migration.h"

#define VCPU_ID			0
#define L2_STACK_WORDS		512

#define INTR_VECTOR		0xe0
#define EXC_VECTOR		17	/* #AC: pushes an error code */
#define EXC_ERROR_CODE		0x5a5
#define NMI_VECTOR		2
#define DE_VECTOR		0

#define STRIO_PORT		0x1010
#define STRIO_BYTE		0xa5

/* Phase 4: SMRAM in address space 1 (SMM), as the base's smm_test has it. */
#define SMRAM_SIZE		65536
#define SMRAM_MEMSLOT		((1 << 16) | 1)
#define SMRAM_GPA		0x1000000
#define SMI_PORT		0xe
#define SMM_VCPU_ID		1	/* the new vCPU the state is loaded into */
#ifndef MSR_IA32_SMBASE
#define MSR_IA32_SMBASE		0x0000009e
#endif

enum kind { KIND_INTR, KIND_EXC, KIND_NMI, NR_KINDS, KIND_NONE = NR_KINDS };

/* What L2 does after its next VMMCALL returns. */
enum l2_cmd { CMD_NONE, CMD_SYNC, CMD_STRIO };

/* ucall stages: args[0] of UCALL_SYNC; args[1] is the kind still pending. */
enum stage {
	STAGE_L1 = 1,		/* L1, between two L2 runs */
	STAGE_L2,		/* L2 running */
	STAGE_ARM,		/* L1, right before a VMRUN that injects */
	STAGE_STRIO,		/* L2, right before its string OUT */
	STAGE_PHASE_DONE,	/* args[1]: the phase that ended */
	STAGE_SMI,		/* L2 of phase 4: args[1], the SMI's number */
};

enum { MIG_PLAIN, MIG_TWICE, MIG_NMI, MIG_CANCEL, NR_MIG };
static const char * const mig_names[NR_MIG] = {
	"plain", "twice", "nmi", "cancel"
};

/* Guest data, at the same address in the host's view of guest memory. */
static uint64_t nr_phase1 = 300, nr_phase2 = 100;
static uint64_t npt_root;		/* GPA of L1's nested page table, or 0 */
/*
 * Not volatile: handlers change them behind the back of L1's code, but L1
 * only reads them after run_guest() or an asm statement, which clobber
 * memory.
 */
static enum l2_cmd l2_cmd;
static bool in_l2;
static uint64_t injected[NR_KINDS], delivered[NR_KINDS];
static uint64_t bad_error_codes, l1_nmis, l1_des;
static uint64_t l2_stack[L2_STACK_WORDS] __attribute__((aligned(16)));
static const uint8_t strio_byte = STRIO_BYTE;

static void guest_intr_handler(struct ex_regs *regs)
{
	delivered[KIND_INTR]++;
}

static void guest_exc_handler(struct ex_regs *regs)
{
	if (regs->error_code != EXC_ERROR_CODE)
		bad_error_codes++;
	delivered[KIND_EXC]++;
}

static void guest_nmi_handler(struct ex_regs *regs)
{
	if (in_l2)
		delivered[KIND_NMI]++;
	else
		l1_nmis++;
}

/* Only L1 divides by zero: skip the 2-byte DIV. */
static void guest_de_handler(struct ex_regs *regs)
{
	l1_des++;
	regs->rip += 2;
}

static void l2_guest_code(void)
{
	uint64_t i;

	for (i = 0;; i++) {
		asm volatile("vmmcall" : : : "memory");

		switch (l2_cmd) {
		case CMD_SYNC:
			ucall(UCALL_SYNC, 2, STAGE_L2, KIND_NONE);
			break;
		case CMD_STRIO: {
			const uint8_t *p = &strio_byte;

			ucall(UCALL_SYNC, 2, STAGE_STRIO, KIND_NONE);
			asm volatile("cld; outsb"
				     : "+S"(p) : "d"(STRIO_PORT) : "memory");
			break;
		}
		default:
			break;
		}
	}
}

static uint32_t kind_event(enum kind kind)
{
	switch (kind) {
	case KIND_INTR:
		return SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | INTR_VECTOR;
	case KIND_EXC:
		return SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR |
		       SVM_EVTINJ_TYPE_EXEPT | EXC_VECTOR;
	default:
		return SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | NMI_VECTOR;
	}
}

static void l1_divide_by_zero(void)
{
	asm volatile("xor %%edx, %%edx\n\t"
		     "mov $1, %%eax\n\t"
		     "xor %%ecx, %%ecx\n\t"
		     "divl %%ecx\n\t"
		     : : : "rax", "rcx", "rdx", "memory");
}

static void l1_guest_code(struct svm_test_data *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	uint64_t round = 0, des;
	enum kind kind;
	bool arm;
	int k;

	/* Like any hypervisor, keep GIF clear except to take host NMIs. */
	asm volatile("clgi");

	generic_svm_setup(svm, l2_guest_code, &l2_stack[L2_STACK_WORDS]);
	vmcb->control.intercept |= BIT_ULL(INTERCEPT_NMI);
	vmcb->control.intercept_exceptions |= BIT(DE_VECTOR);
	if (npt_root) {
		vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
		vmcb->control.nested_cr3 = npt_root;
	}

	ucall(UCALL_SYNC, 2, STAGE_L1, KIND_NONE);

	for (;;) {
		in_l2 = true;
		run_guest(vmcb, svm->vmcb_gpa);
		in_l2 = false;

		/*
		 * If the exit interrupted the delivery of an event, inject it
		 * again: it is the same event, not a new one.
		 */
		if (vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID) {
			vmcb->control.event_inj = vmcb->control.exit_int_info;
			vmcb->control.event_inj_err =
				vmcb->control.exit_int_info_err;
		} else {
			vmcb->control.event_inj = 0;
		}

		if (vmcb->control.exit_code == SVM_EXIT_NMI) {
			/* The host's NMI for L1: take it in L1's handler. */
			asm volatile("stgi; nop; clgi" : : : "memory");
			continue;
		}
		GUEST_ASSERT_2(vmcb->control.exit_code == SVM_EXIT_VMMCALL,
			       vmcb->control.exit_code,
			       vmcb->control.exit_info_1);
		GUEST_ASSERT_1(!vmcb->control.event_inj,
			       vmcb->control.exit_int_info);

		/* L2 is at a VMMCALL: each event arrived exactly once. */
		for (k = 0; k < NR_KINDS; k++)
			GUEST_ASSERT_3(delivered[k] == injected[k], k,
				       delivered[k], injected[k]);
		GUEST_ASSERT_1(!bad_error_codes, bad_error_codes);

		/* L1 runs with its own intercepts, not with L2's. */
		des = l1_des;
		l1_divide_by_zero();
		GUEST_ASSERT_2(l1_des == des + 1, l1_des, des);

		vmcb->save.rip += 3;	/* skip VMMCALL */
		round++;

		if (round == nr_phase1 || round == nr_phase1 + nr_phase2)
			ucall(UCALL_SYNC, 2, STAGE_PHASE_DONE,
			      round == nr_phase1 ? 1 : 2);
		if (round == nr_phase1 + nr_phase2 + 1)
			break;

		arm = round > nr_phase1;
		if (round == nr_phase1 + nr_phase2)
			l2_cmd = CMD_STRIO;
		else if (arm)
			l2_cmd = CMD_NONE;
		else
			l2_cmd = CMD_SYNC;

		kind = round % NR_KINDS;
		vmcb->control.event_inj = kind_event(kind);
		vmcb->control.event_inj_err = EXC_ERROR_CODE;
		injected[kind]++;

		ucall(UCALL_SYNC, 2, arm ? STAGE_ARM : STAGE_L1, kind);
	}

	ucall(UCALL_SYNC, 2, STAGE_PHASE_DONE, 3);
	GUEST_DONE();
}

/*
 * Phase 4.  The SMI handler runs in real mode at SMBASE + 0x8000: it reads
 * SMI_PORT, which exits to the host with the vCPU in SMM, and returns.
 */
static const uint8_t smi_handler[] = {
	0xe4, SMI_PORT,		/* in $SMI_PORT, %al */
	0x0f, 0xaa,		/* rsm */
};

static uint64_t smm_l2_smis;	/* SMIs L2 saw through, counted by L2 */

static void smm_l2_guest_code(void)
{
	/* The host makes an SMI pending at each of these ucalls. */
	ucall(UCALL_SYNC, 2, STAGE_SMI, 1);
	smm_l2_smis++;
	ucall(UCALL_SYNC, 2, STAGE_SMI, 2);
	smm_l2_smis++;
	asm volatile("vmmcall" : : : "memory");
}

static void smm_l1_guest_code(struct svm_test_data *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	uint64_t des = l1_des;

	generic_svm_setup(svm, smm_l2_guest_code, &l2_stack[L2_STACK_WORDS]);
	vmcb->control.intercept_exceptions |= BIT(DE_VECTOR);
	if (npt_root) {
		vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
		vmcb->control.nested_cr3 = npt_root;
	}

	run_guest(vmcb, svm->vmcb_gpa);

	GUEST_ASSERT_4(vmcb->control.exit_code == SVM_EXIT_VMMCALL,
		       vmcb->control.exit_code, vmcb->control.exit_info_1,
		       vmcb->control.exit_info_2, smm_l2_smis);
	GUEST_ASSERT_1(smm_l2_smis == 2, smm_l2_smis);
	/* L1 runs on its own state and with its own intercepts. */
	l1_divide_by_zero();
	GUEST_ASSERT_2(l1_des == des + 1, l1_des, des);
	GUEST_DONE();
}

/* Host side. */

static struct kvm_vm *vm;
static unsigned int mig_mask = (1u << NR_MIG) - 1;
static unsigned long nr_migrations, mig_count[NR_MIG], nmis_sent;
static bool verbose;
static uint16_t flags_checked = 0xffff;	/* nested state flags compared */

static void set_signal_mask(void)
{
	/* The kernel's sigset_t (8 bytes) follows the 4-byte header. */
	struct {
		struct kvm_signal_mask hdr;
		uint8_t set[8];
	} mask = { .hdr.len = sizeof(mask.set) };

	_Static_assert(sizeof(struct kvm_signal_mask) == 4,
		       "kvm_signal_mask header is 4 bytes");
	/* Nothing is blocked while in KVM_RUN (SIGUSR1 is outside it). */
	vcpu_ioctl(vm, VCPU_ID, KVM_SET_SIGNAL_MASK, &mask);
}

static void nested_state_get_vcpu(uint32_t vcpuid, union nested_state_buf *buf)
{
	memset(buf, 0, sizeof(*buf));
	buf->state.size = sizeof(*buf);
	vcpu_nested_state_get(vm, vcpuid, &buf->state);
}

static void nested_state_get(union nested_state_buf *buf)
{
	nested_state_get_vcpu(VCPU_ID, buf);
}

/*
 * Save the vCPU, destroy the VM, restore into a new one.  @saved receives
 * the nested state as it was saved (vcpu_save_state() keeps its copy
 * private), and is compared with what the new vCPU reports.
 */
static void save_restore(union nested_state_buf *saved)
{
	struct kvm_x86_state *state;
	union nested_state_buf now;

	state = vcpu_save_state(vm, VCPU_ID);
	nested_state_get(saved);

	kvm_vm_release(vm);
	kvm_vm_restart(vm, O_RDWR);
	vm_vcpu_add(vm, VCPU_ID);
	vcpu_set_cpuid(vm, VCPU_ID, kvm_get_supported_cpuid());
	vcpu_load_state(vm, VCPU_ID, state);
	free(state);
	set_signal_mask();

	nested_state_get(&now);
	TEST_ASSERT(!((now.state.flags ^ saved->state.flags) & flags_checked),
		    "nested state flags 0x%x after restore, saved 0x%x",
		    now.state.flags, saved->state.flags);
	if (saved->state.flags & KVM_STATE_NESTED_GUEST_MODE)
		TEST_ASSERT(now.state.hdr.svm.vmcb_pa ==
			    saved->state.hdr.svm.vmcb_pa,
			    "VMCB at 0x%llx after restore, saved 0x%llx",
			    now.state.hdr.svm.vmcb_pa,
			    saved->state.hdr.svm.vmcb_pa);
}

/* KVM_RUN with SIGUSR1 pending: KVM cancels the entry it prepared. */
static void cancel_entry(void)
{
	struct kvm_run *run = vcpu_state(vm, VCPU_ID);
	sigset_t set;
	int rc, sig;

	raise(SIGUSR1);
	/* Not _vcpu_run(): it retries on EINTR. */
	rc = ioctl(vcpu_find(vm, VCPU_ID)->fd, KVM_RUN, NULL);
	TEST_ASSERT(rc == -1 && errno == EINTR &&
		    run->exit_reason == KVM_EXIT_INTR,
		    "KVM_RUN with a signal pending: rc %d errno %d exit %u",
		    rc, errno, run->exit_reason);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sig = sigwaitinfo(&set, NULL);
	TEST_ASSERT(sig == SIGUSR1, "sigwaitinfo: %d", sig);
}

static void migrate(enum stage stage, enum kind pending)
{
	static unsigned long turn[STAGE_PHASE_DONE];
	union nested_state_buf saved;
	uint64_t taken;
	int how, i;

	/*
	 * Take the kinds in turn, separately for each stage so that every
	 * kind is used at every stage.  An NMI is queued only when L1 took the
	 * previous one, and not while L2 is about to get an NMI of its own:
	 * KVM tracks a single NMI mask for both levels, so L1 could not take
	 * its NMI before L2's handler returned.  Otherwise, and when no
	 * enabled kind fits, migrate plainly.
	 */
	how = MIG_PLAIN;
	for (i = 0; i < NR_MIG; i++) {
		int k = (turn[stage] + i) % NR_MIG;

		if (!(mig_mask & (1u << k)))
			continue;
		if (k == MIG_NMI) {
			sync_global_from_guest(vm, l1_nmis);
			taken = l1_nmis;
			if (taken != nmis_sent || pending == KIND_NMI)
				continue;
		}
		how = k;
		break;
	}
	turn[stage]++;
	nr_migrations++;
	mig_count[how]++;
	if (verbose)
		pr_info("migration %lu: %s at stage %d, pending kind %d\n",
			nr_migrations, mig_names[how], stage, pending);

	save_restore(&saved);

	switch (how) {
	case MIG_TWICE:
		vcpu_nested_state_set(vm, VCPU_ID, &saved.state, false);
		break;
	case MIG_NMI:
		vcpu_ioctl(vm, VCPU_ID, KVM_NMI, NULL);
		nmis_sent++;
		break;
	case MIG_CANCEL:
		cancel_entry();
		save_restore(&saved);
		break;
	}
}

/* Single-step L1 until KVM has emulated its VMRUN; return nested flags. */
static uint16_t step_through_vmrun(void)
{
	struct kvm_guest_debug debug = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};
	struct kvm_run *run = vcpu_state(vm, VCPU_ID);
	union nested_state_buf buf;
	int steps;

	vcpu_set_guest_debug(vm, VCPU_ID, &debug);
	for (steps = 0; steps < 10000; steps++) {
		vcpu_run(vm, VCPU_ID);
		TEST_ASSERT(run->exit_reason == KVM_EXIT_DEBUG,
			    "single-step: exit reason %u (%s) after %d steps",
			    run->exit_reason,
			    exit_reason_str(run->exit_reason), steps);
		nested_state_get(&buf);
		if (buf.state.flags & KVM_STATE_NESTED_GUEST_MODE)
			break;
	}
	TEST_ASSERT(steps < 10000, "L1 did not reach VMRUN");

	debug.control = 0;
	vcpu_set_guest_debug(vm, VCPU_ID, &debug);
	return buf.state.flags;
}

/*
 * The byte of a port I/O exit.  The 5.10 library maps only the first page of
 * the vCPU's kvm_run area, and the data lives at io.data_offset (the PIO
 * page), so map that page from the vCPU fd here.
 */
static uint8_t pio_data_byte(void)
{
	struct kvm_run *run = vcpu_state(vm, VCPU_ID);
	size_t len = run->io.data_offset + getpagesize();
	uint8_t *map, byte;

	map = mmap(NULL, len, PROT_READ, MAP_SHARED,
		   vcpu_find(vm, VCPU_ID)->fd, 0);
	TEST_ASSERT(map != MAP_FAILED, "mmap of the vCPU's PIO page");
	byte = map[run->io.data_offset];
	munmap(map, len);
	return byte;
}

static void handle_strio(void)
{
	struct kvm_run *run = vcpu_state(vm, VCPU_ID);
	uint8_t data = pio_data_byte();

	TEST_ASSERT(run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.size == 1 && run->io.count == 1 &&
		    data == STRIO_BYTE,
		    "string OUT: dir %u size %u count %u data 0x%x",
		    run->io.direction, run->io.size, run->io.count, data);
}

static void phase_done(int phase)
{
	switch (phase) {
	case 1:
		ksft_test_result_pass("migration at every exit of L1 and L2: %lu rounds\n",
				      nr_phase1);
		break;
	case 2:
		ksft_test_result_pass("migration right after VMRUN with EVENTINJ: %lu rounds\n",
				      nr_phase2);
		break;
	default:
		ksft_test_result_pass("string I/O of L2 emulated after restore\n");
	}
}

static unsigned int parse_kinds(const char *list)
{
	char *copy = strdup(list), *tok, *save;
	unsigned int mask = 0;
	int i;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NR_MIG; i++)
			if (!strcmp(tok, mig_names[i]))
				break;
		TEST_ASSERT(i < NR_MIG, "unknown migration kind '%s'", tok);
		mask |= 1u << i;
	}
	free(copy);
	return mask;
}

static uint64_t setup_npt(void)
{
	vm_vaddr_t pml4 = vm_vaddr_alloc(vm, getpagesize(), 0x10000, 0, 0);
	vm_vaddr_t pdpt = vm_vaddr_alloc(vm, getpagesize(), 0x10000, 0, 0);
	vm_vaddr_t pd = vm_vaddr_alloc(vm, getpagesize(), 0x10000, 0, 0);
	uint64_t *p;
	int i;

	/* Identity map of the first GiB with 2 MiB pages: L2 GPA = L1 GPA. */
	p = addr_gva2hva(vm, pml4);
	memset(p, 0, getpagesize());
	p[0] = addr_gva2gpa(vm, pdpt) | NPT_PRESENT_RW_USER;
	p = addr_gva2hva(vm, pdpt);
	memset(p, 0, getpagesize());
	p[0] = addr_gva2gpa(vm, pd) | NPT_PRESENT_RW_USER;
	p = addr_gva2hva(vm, pd);
	for (i = 0; i < 512; i++)
		p[i] = ((uint64_t)i << 21) | NPT_PRESENT_RW_USER | NPT_LARGE;

	return addr_gva2gpa(vm, pml4);
}

/*
 * Phase 4: SMM entered from L2, with and without moving the vCPU state to a
 * new vCPU while in SMM.  Creates and frees a VM of its own in @vm.
 */
static void test_smm_from_l2(bool use_npt)
{
	uint32_t vcpuid = VCPU_ID;
	struct kvm_vcpu_events events;
	union nested_state_buf ns;
	vm_vaddr_t svm_gva;
	int smi;

	vm = vm_create_default(VCPU_ID, 0, smm_l1_guest_code);
	vcpu_set_cpuid(vm, VCPU_ID, kvm_get_supported_cpuid());
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vm, VCPU_ID);
	vm_handle_exception(vm, DE_VECTOR, guest_de_handler);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vm, VCPU_ID, 1, svm_gva);

	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, SMRAM_GPA,
				    SMRAM_MEMSLOT, SMRAM_SIZE / getpagesize(), 0);
	TEST_ASSERT(vm_phy_pages_alloc(vm, SMRAM_SIZE / getpagesize(),
				       SMRAM_GPA, SMRAM_MEMSLOT) == SMRAM_GPA,
		    "SMRAM allocation");
	memset(addr_gpa2hva(vm, SMRAM_GPA), 0, SMRAM_SIZE);
	memcpy(addr_gpa2hva(vm, SMRAM_GPA) + 0x8000, smi_handler,
	       sizeof(smi_handler));
	vcpu_set_msr(vm, VCPU_ID, MSR_IA32_SMBASE, SMRAM_GPA);

	npt_root = use_npt ? setup_npt() : 0;
	sync_global_to_guest(vm, npt_root);

	for (smi = 1;; smi++) {
		struct kvm_run *run;
		struct ucall uc;

		vcpu_run(vm, vcpuid);
		run = vcpu_state(vm, vcpuid);
		TEST_ASSERT(run->exit_reason == KVM_EXIT_IO,
			    "SMM from L2, SMI %d: exit reason %u (%s)%s", smi,
			    run->exit_reason, exit_reason_str(run->exit_reason),
			    vcpuid != VCPU_ID ? ", state loaded into a new vCPU in SMM" : "");
		switch (get_ucall(vm, vcpuid, &uc)) {
		case UCALL_ABORT:
			TEST_FAIL("guest: %s at %s:%ld (0x%lx 0x%lx 0x%lx 0x%lx)",
				  (const char *)uc.args[0], __FILE__,
				  uc.args[1], uc.args[2], uc.args[3],
				  uc.args[4], uc.args[5]);
			break;
		case UCALL_DONE:
			TEST_ASSERT(smi == 3, "L1 done after %d SMIs", smi - 1);
			goto done;
		case UCALL_SYNC:
			TEST_ASSERT(uc.args[0] == STAGE_SMI && uc.args[1] == smi,
				    "stage %lu (%lu), expected SMI %d in L2",
				    uc.args[0], uc.args[1], smi);
			break;
		default:
			TEST_FAIL("unknown ucall %lu", uc.cmd);
		}

		/* L2 runs (after RSM, for smi > 1): make an SMI pending. */
		nested_state_get_vcpu(vcpuid, &ns);
		TEST_ASSERT(ns.state.flags & KVM_STATE_NESTED_GUEST_MODE,
			    "SMI %d: L2 not running, nested flags 0x%x", smi,
			    ns.state.flags);
		vcpu_events_get(vm, vcpuid, &events);
		events.flags |= KVM_VCPUEVENT_VALID_SMM;
		events.smi.pending = 1;
		vcpu_events_set(vm, vcpuid, &events);

		/* The SMI handler's IN. */
		vcpu_run(vm, vcpuid);
		TEST_ASSERT(run->exit_reason == KVM_EXIT_IO &&
			    run->io.port == SMI_PORT,
			    "SMI %d: exit reason %u (%s) port 0x%x, expected the SMI handler",
			    smi, run->exit_reason,
			    exit_reason_str(run->exit_reason), run->io.port);
		vcpu_events_get(vm, vcpuid, &events);
		TEST_ASSERT(events.smi.smm, "SMI %d: handler ran outside SMM",
			    smi);

		if (smi == 2) {
			struct kvm_x86_state *state;

			/* Save everything; load it into a new vCPU. */
			state = vcpu_save_state(vm, vcpuid);
			vcpuid = SMM_VCPU_ID;
			vm_vcpu_add(vm, vcpuid);
			vcpu_set_cpuid(vm, vcpuid, kvm_get_supported_cpuid());
			vcpu_load_state(vm, vcpuid, state);
			free(state);
		}
	}
done:
	ksft_test_result_pass("RSM to L2 %s nested paging, also after the SMM state moved to a new vCPU\n",
			      use_npt ? "with" : "without");
	kvm_vm_free(vm);
	vm = NULL;
}

int main(int argc, char *argv[])
{
	bool use_npt = true, stop = false;
	struct kvm_cpuid_entry2 *svm_leaf;
	vm_vaddr_t svm_gva;
	struct timespec t0, t1;
	sigset_t sigs;
	int opt, i;

	while ((opt = getopt(argc, argv, "n:r:f:PRv")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'R':
			flags_checked &= ~KVM_STATE_NESTED_RUN_PENDING;
			break;
		case 'n':
			nr_phase1 = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			nr_phase2 = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			mig_mask = parse_kinds(optarg);
			break;
		case 'P':
			use_npt = false;
			break;
		default:
			fprintf(stderr, "usage: %s [-n N] [-r N] [-f kinds] [-P] [-R] [-v]\n",
				argv[0]);
			exit(KSFT_FAIL);
		}
	}
	TEST_ASSERT(nr_phase1 >= 1 && nr_phase2 >= 1, "need -n, -r >= 1");

	ksft_print_header();

	if (!kvm_check_cap(KVM_CAP_NESTED_STATE))
		ksft_exit_skip("KVM_CAP_NESTED_STATE not available\n");
	if (!nested_svm_supported())
		ksft_exit_skip("nested SVM not available (VMX is not tested here)\n");

	svm_leaf = kvm_get_supported_cpuid_entry(0x8000000a);
	use_npt = use_npt && (svm_leaf->edx & SVM_FEATURE_NPT);
	ksft_set_plan(4 + (kvm_check_cap(KVM_CAP_X86_SMM) ? 1 + use_npt : 0));

	/* SIGUSR1 stays pending outside KVM_RUN; see cancel_entry(). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	TEST_ASSERT(!sigprocmask(SIG_BLOCK, &sigs, NULL), "sigprocmask");

	vm = vm_create_default(VCPU_ID, 0, l1_guest_code);
	vcpu_set_cpuid(vm, VCPU_ID, kvm_get_supported_cpuid());
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vm, VCPU_ID);
	vm_handle_exception(vm, INTR_VECTOR, guest_intr_handler);
	vm_handle_exception(vm, EXC_VECTOR, guest_exc_handler);
	vm_handle_exception(vm, NMI_VECTOR, guest_nmi_handler);
	vm_handle_exception(vm, DE_VECTOR, guest_de_handler);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vm, VCPU_ID, 1, svm_gva);
	set_signal_mask();

	npt_root = use_npt ? setup_npt() : 0;
	sync_global_to_guest(vm, npt_root);
	sync_global_to_guest(vm, nr_phase1);
	sync_global_to_guest(vm, nr_phase2);
	pr_info("L2 %s nested paging; %lu + %lu rounds; migrations: %#x\n",
		use_npt ? "with" : "without", nr_phase1, nr_phase2, mig_mask);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		struct kvm_run *run = vcpu_state(vm, VCPU_ID);
		struct ucall uc;
		uint16_t flags;

		vcpu_run(vm, VCPU_ID);
		if (verbose)
			pr_info("exit %u port 0x%x\n", run->exit_reason,
				run->io.port);
		assert_on_unhandled_exception(vm, VCPU_ID);
		TEST_ASSERT(run->exit_reason == KVM_EXIT_IO,
			    "unexpected exit reason %u (%s), suberror %u",
			    run->exit_reason, exit_reason_str(run->exit_reason),
			    run->internal.suberror);
		if (run->io.port == STRIO_PORT) {
			handle_strio();
			continue;
		}

		switch (get_ucall(vm, VCPU_ID, &uc)) {
		case UCALL_ABORT:
			TEST_FAIL("guest: %s at %s:%ld (0x%lx 0x%lx 0x%lx)",
				  (const char *)uc.args[0], __FILE__,
				  uc.args[1], uc.args[2], uc.args[3],
				  uc.args[4]);
			break;
		case UCALL_DONE:
			stop = true;
			break;
		case UCALL_SYNC:
			break;
		default:
			TEST_FAIL("unknown ucall %lu", uc.cmd);
		}
		if (stop)
			break;

		switch (uc.args[0]) {
		case STAGE_L1:
		case STAGE_L2:
			migrate(uc.args[0], uc.args[1]);
			break;
		case STAGE_ARM:
			flags = step_through_vmrun();
			TEST_ASSERT(flags & KVM_STATE_NESTED_RUN_PENDING,
				    "VMRUN emulated but nested state flags 0x%x",
				    flags);
			migrate(uc.args[0], uc.args[1]);
			break;
		case STAGE_STRIO: {
			union nested_state_buf saved;

			save_restore(&saved);
			break;
		}
		case STAGE_PHASE_DONE:
			phase_done(uc.args[1]);
			break;
		default:
			TEST_FAIL("unknown stage %lu", uc.args[0]);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	sync_global_from_guest(vm, injected);
	sync_global_from_guest(vm, delivered);
	sync_global_from_guest(vm, l1_nmis);
	sync_global_from_guest(vm, l1_des);
	for (i = 0; i < NR_KINDS; i++)
		TEST_ASSERT(injected[i] == delivered[i],
			    "kind %d: injected %lu delivered %lu", i,
			    injected[i], delivered[i]);
	TEST_ASSERT(l1_nmis == nmis_sent, "L1 took %lu NMIs, host sent %lu",
		    l1_nmis, nmis_sent);
	TEST_ASSERT(l1_des == nr_phase1 + nr_phase2 + 1,
		    "L1 took %lu #DE, expected %lu", l1_des,
		    nr_phase1 + nr_phase2 + 1);
	pr_info("%lu migrations (plain %lu, twice %lu, nmi %lu, cancel %lu) in %.1fs\n",
		nr_migrations, mig_count[MIG_PLAIN], mig_count[MIG_TWICE],
		mig_count[MIG_NMI], mig_count[MIG_CANCEL],
		(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ksft_test_result_pass("events delivered once: %lu intr, %lu exc, %lu NMI; L1 NMIs %lu\n",
			      delivered[KIND_INTR], delivered[KIND_EXC],
			      delivered[KIND_NMI], l1_nmis);

	kvm_vm_free(vm);

	if (kvm_check_cap(KVM_CAP_X86_SMM)) {
		test_smm_from_l2(false);
		if (use_npt)
			test_smm_from_l2(true);
	} else
		ksft_print_msg("KVM_CAP_X86_SMM not available: no SMM test\n");

	ksft_exit_pass();
}
