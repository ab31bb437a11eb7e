// SPDX-License-Identifier: GPL-2.0
/*
 * nested_nmi_migration_test: migrate a vCPU in the middle of the delivery
 * of an NMI that L1 injects into L2, and check that L1 can take an NMI of
 * its own as soon as L2 is done with it.
 *
 * KVM tracks a single NMI mask (HF_NMI_MASK and the IRET intercept that
 * clears it) for L1 and L2.  When it injects an NMI that L1 put in EVENTINJ,
 * it must not set that mask: blocking NMIs in L2 is L1's business, and a
 * mask set for L2's NMI would stay set after the nested VM-exit, blocking
 * L1's own NMIs until L1 happens to execute IRET.  KVM remembers that the
 * NMI it (re-)injects is L1's in svm->nmi_l1_to_l2, which is not in any
 * state that userspace saves; it must be derived again on restore.
 *
 * The test stops the vCPU with L1's NMI half-way to L2.  L1 runs L2 with
 * EVENTINJ = NMI and with L2's IDT in a page that has no memslot (GVA
 * L2_IDT_GVA, GPA L2_IDT_GPA).  Delivery of the NMI faults on the IDT read
 * (a nested page fault that L0 handles, L1 not using nested paging): L0
 * requeues the NMI as an interrupted injection and emulates L2's first
 * instruction, which reads that same IDT entry, so the vCPU exits to
 * userspace with KVM_EXIT_MMIO while the NMI is still being injected
 * (KVM_GET_VCPU_EVENTS reports nmi.injected, the test checks it).  The
 * host completes the MMIO read (KVM_RUN with immediate_exit, as before any
 * save) and then, depending on the case:
 *
 *  1. resumes the same vCPU (no migration: the reference);
 *  2. saves the whole vCPU state (regs, sregs, events, MSRs, xsave, nested
 *     state) and loads it into a new vCPU of the same VM in the order of the
 *     selftest library, vcpu_load_state() (KVM_SET_VCPU_EVENTS before
 *     KVM_SET_NESTED_STATE);
 *  3. the same, loading in the order QEMU's kvm_arch_put_registers() uses:
 *     sregs, nested state, regs, xsave, xcrs, MSRs, events, MP state, debug
 *     registers (KVM_SET_NESTED_STATE before KVM_SET_VCPU_EVENTS).
 *
 * Before resuming, the host gives L2's IDT a memslot whose NMI gate points
 * to L2's handler, so the NMI now reaches L2.  L2's handler counts it and
 * executes VMMCALL without IRET, so L2's NMI blocking never ends while L2
 * runs.  Back in L1 (#VMEXIT clears GIF, L1 sets it), L1 makes a ucall and
 * the host queues an NMI for L1 with KVM_NMI.  L1 must take it on the
 * entry that follows, before its next instruction; the test fails if L1
 * takes it only after executing an IRET, i.e. if KVM left the mask of L2's
 * NMI set for L1.
 *
 * The test skips when KVM lacks nested SVM or nested state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "svm_util.h"
#include "kselftest.h"
#include "kvm_util_internal.h"	/* vcpu_find(), for the vCPU fd */

#include "nested_migration.h"

#define VCPU_ID			0
#define NEW_VCPU_ID		1	/* the vCPU the state is loaded into */
#define NMI_VECTOR		2
#define L2_STACK_WORDS		512

/* L2's IDT: mapped in L1's page tables, backed by no memslot at first. */
#define L2_IDT_GVA		0x10000000ul
#define L2_IDT_GPA		0xc0000000ul
#define L2_IDT_MEMSLOT		1
#define L2_NMI_GATE_GVA		(L2_IDT_GVA + NMI_VECTOR * 16)
#define L2_NMI_GATE_GPA		(L2_IDT_GPA + NMI_VECTOR * 16)

/* ucall stages, args[0] of UCALL_SYNC */
enum stage {
	STAGE_L1_NMI = 1,	/* L1 back from L2, GIF set: queue its NMI */
	STAGE_AFTER_IRET,	/* L1 executed an IRET */
};

enum mode { MODE_NONE, MODE_LIB_ORDER, MODE_QEMU_ORDER, NR_MODES };

static const char * const mode_names[NR_MODES] = {
	"without migration",
	"after restore in vcpu_load_state() order (events, then nested state)",
	"after restore in QEMU's order (nested state, then events)",
};

/* Guest data, at the same address in the host's view of guest memory. */
uint64_t l2_nmis;			/* counted by L2's handler (asm) */
static uint64_t l1_nmis;
static uint64_t l2_stack[L2_STACK_WORDS] __aligned(16);
/* L2's IDT as L1 builds it; the host copies it into L2_IDT_GPA. */
static uint8_t l2_idt[4096] __aligned(4096);

/* L2's NMI handler: count, then exit to L1 while NMIs are blocked. */
asm(".pushsection .text\n"
	"l2_nmi_entry:\n\t"
	"lock incq l2_nmis(%rip)\n\t"
	"vmmcall\n\t"
	"ud2\n\t"
	".popsection");

static void l2_guest_code(void)
{
	/*
	 * Never reached natively: the injected NMI comes first.  L0 emulates
	 * this read of the gate whose fetch faulted, and exits to the host.
	 */
	asm volatile("movl %c0, %%eax" : : "i"(L2_NMI_GATE_GVA) : "rax",
		     "memory");
	asm volatile("ud2");
}

static void l1_nmi_handler(struct ex_regs *regs)
{
	l1_nmis++;
}

static void l1_iret_to_self(void)
{
	asm volatile("mov %%rsp, %%rcx\n\t"
		     "mov %%ss, %%eax\n\t"
		     "push %%rax\n\t"
		     "push %%rcx\n\t"
		     "pushfq\n\t"
		     "mov %%cs, %%eax\n\t"
		     "push %%rax\n\t"
		     "lea 1f(%%rip), %%rax\n\t"
		     "push %%rax\n\t"
		     "iretq\n\t"
		     "1:\n\t"
		     : : : "rax", "rcx", "memory");
}

static void l1_guest_code(struct svm_test_data *svm)
{
	uint32_t *gate = (uint32_t *)&l2_idt[NMI_VECTOR * 16];
	struct vmcb *vmcb = svm->vmcb;
	uint64_t handler, before, after;
	uint16_t cs;

	asm volatile("lea l2_nmi_entry(%%rip), %0" : "=r"(handler));
	/* A 64-bit interrupt gate, present, DPL 0, on L2's current stack. */
	asm volatile("mov %%cs, %0" : "=r"(cs));
	gate[0] = (handler & 0xffff) | ((uint32_t)cs << 16);
	gate[1] = (handler & 0xffff0000) | 0x8e00;
	gate[2] = handler >> 32;
	gate[3] = 0;

	generic_svm_setup(svm, l2_guest_code, &l2_stack[L2_STACK_WORDS]);
	vmcb->save.idtr.base = L2_IDT_GVA;
	vmcb->save.idtr.limit = sizeof(l2_idt) - 1;
	vmcb->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI |
				  NMI_VECTOR;

	run_guest(vmcb, svm->vmcb_gpa);

	GUEST_ASSERT_2(vmcb->control.exit_code == SVM_EXIT_VMMCALL,
		       vmcb->control.exit_code, vmcb->control.exit_info_1);
	GUEST_ASSERT_1(READ_ONCE(l2_nmis) == 1, l2_nmis);
	GUEST_ASSERT_1(!READ_ONCE(l1_nmis), l1_nmis);

	/* #VMEXIT cleared GIF; set it, as a hypervisor does, to take NMIs. */
	asm volatile("stgi" : : : "memory");

	/* The host queues an NMI for L1: it comes on the next entry. */
	ucall(UCALL_SYNC, 1, STAGE_L1_NMI);
	before = READ_ONCE(l1_nmis);

	/* An IRET ends any NMI blocking, and an exit lets KVM notice. */
	l1_iret_to_self();
	ucall(UCALL_SYNC, 1, STAGE_AFTER_IRET);
	after = READ_ONCE(l1_nmis);

	ucall(UCALL_DONE, 2, before, after);
}

/* Host side. */

static struct kvm_vm *vm;

static void nested_state_get(uint32_t vcpuid, union nested_state_buf *buf)
{
	memset(buf, 0, sizeof(*buf));
	buf->state.size = sizeof(*buf);
	vcpu_nested_state_get(vm, vcpuid, &buf->state);
}

static void new_vcpu(void)
{
	vm_vcpu_add(vm, NEW_VCPU_ID);
	vcpu_set_cpuid(vm, NEW_VCPU_ID, kvm_get_supported_cpuid());
}

/* The selftest library: KVM_SET_VCPU_EVENTS before KVM_SET_NESTED_STATE. */
static void migrate_lib_order(void)
{
	struct kvm_x86_state *state = vcpu_save_state(vm, VCPU_ID);

	new_vcpu();
	vcpu_load_state(vm, NEW_VCPU_ID, state);
	free(state);
}

/*
 * QEMU (kvm_arch_put_registers()): sregs first, so that EFER.SVME is set,
 * then the nested state, and the vCPU events after it.
 */
static void migrate_qemu_order(void)
{
	struct kvm_msr_list *list = kvm_get_msr_index_list();
	struct kvm_vcpu_events events;
	union nested_state_buf nested;
	struct kvm_debugregs debugregs;
	struct kvm_mp_state mp_state;
	struct kvm_sregs sregs;
	struct kvm_xsave xsave;
	struct kvm_regs regs;
	struct kvm_xcrs xcrs;
	struct kvm_msrs *msrs;
	int r, i;

	msrs = calloc(1, sizeof(*msrs) +
			 list->nmsrs * sizeof(msrs->entries[0]));
	TEST_ASSERT(msrs, "calloc");
	msrs->nmsrs = list->nmsrs;
	for (i = 0; i < list->nmsrs; i++)
		msrs->entries[i].index = list->indices[i];

	vcpu_sregs_get(vm, VCPU_ID, &sregs);
	nested_state_get(VCPU_ID, &nested);
	vcpu_regs_get(vm, VCPU_ID, &regs);
	vcpu_ioctl(vm, VCPU_ID, KVM_GET_XSAVE, &xsave);
	vcpu_ioctl(vm, VCPU_ID, KVM_GET_XCRS, &xcrs);
	r = _vcpu_ioctl(vm, VCPU_ID, KVM_GET_MSRS, msrs);
	TEST_ASSERT(r == msrs->nmsrs, "KVM_GET_MSRS: %d of %u", r,
		    msrs->nmsrs);
	vcpu_events_get(vm, VCPU_ID, &events);
	vcpu_ioctl(vm, VCPU_ID, KVM_GET_MP_STATE, &mp_state);
	vcpu_ioctl(vm, VCPU_ID, KVM_GET_DEBUGREGS, &debugregs);

	new_vcpu();
	vcpu_sregs_set(vm, NEW_VCPU_ID, &sregs);
	vcpu_nested_state_set(vm, NEW_VCPU_ID, &nested.state, false);
	vcpu_regs_set(vm, NEW_VCPU_ID, &regs);
	vcpu_ioctl(vm, NEW_VCPU_ID, KVM_SET_XSAVE, &xsave);
	vcpu_ioctl(vm, NEW_VCPU_ID, KVM_SET_XCRS, &xcrs);
	r = _vcpu_ioctl(vm, NEW_VCPU_ID, KVM_SET_MSRS, msrs);
	TEST_ASSERT(r == msrs->nmsrs, "KVM_SET_MSRS: %d of %u", r,
		    msrs->nmsrs);
	vcpu_events_set(vm, NEW_VCPU_ID, &events);
	vcpu_ioctl(vm, NEW_VCPU_ID, KVM_SET_MP_STATE, &mp_state);
	vcpu_ioctl(vm, NEW_VCPU_ID, KVM_SET_DEBUGREGS, &debugregs);

	free(msrs);
	free(list);
}

/* Run until a ucall; fail on anything else. */
static void run_to_ucall(uint32_t vcpuid, struct ucall *uc, const char *what)
{
	struct kvm_run *run = vcpu_state(vm, vcpuid);

	vcpu_run(vm, vcpuid);
	assert_on_unhandled_exception(vm, vcpuid);
	TEST_ASSERT(run->exit_reason == KVM_EXIT_IO,
		    "%s: exit reason %u (%s)", what, run->exit_reason,
		    exit_reason_str(run->exit_reason));
	if (get_ucall(vm, vcpuid, uc) == UCALL_ABORT)
		TEST_FAIL("guest: %s at %s:%ld (0x%lx 0x%lx)",
			  (const char *)uc->args[0], __FILE__, uc->args[1],
			  uc->args[2], uc->args[3]);
}

static void expect_stage(uint32_t vcpuid, enum stage stage, const char *what)
{
	struct ucall uc;

	run_to_ucall(vcpuid, &uc, what);
	TEST_ASSERT(uc.cmd == UCALL_SYNC && uc.args[0] == stage,
		    "%s: ucall %lu stage %lu, expected stage %d", what,
		    uc.cmd, uc.args[0], stage);
}

static void test_nmi_migration(enum mode mode)
{
	struct kvm_vcpu_events events;
	union nested_state_buf nested;
	uint32_t vcpuid = VCPU_ID;
	struct kvm_run *run;
	vm_vaddr_t svm_gva;
	struct ucall uc;
	uint32_t event_inj;

	vm = vm_create_default(VCPU_ID, 0, l1_guest_code);
	vcpu_set_cpuid(vm, VCPU_ID, kvm_get_supported_cpuid());
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vm, VCPU_ID);
	vm_handle_exception(vm, NMI_VECTOR, l1_nmi_handler);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vm, VCPU_ID, 1, svm_gva);
	virt_pg_map(vm, L2_IDT_GVA, L2_IDT_GPA, 0);

	/* L1 runs L2; the NMI's delivery faults on L2's IDT. */
	vcpu_run(vm, VCPU_ID);
	run = vcpu_state(vm, VCPU_ID);
	if (run->exit_reason == KVM_EXIT_IO) {
		assert_on_unhandled_exception(vm, VCPU_ID);
		if (get_ucall(vm, VCPU_ID, &uc) == UCALL_ABORT)
			TEST_FAIL("guest: %s at %s:%ld (0x%lx 0x%lx)",
				  (const char *)uc.args[0], __FILE__,
				  uc.args[1], uc.args[2], uc.args[3]);
	}
	TEST_ASSERT(run->exit_reason == KVM_EXIT_MMIO &&
		    run->mmio.phys_addr == L2_NMI_GATE_GPA &&
		    !run->mmio.is_write,
		    "expected the MMIO read of L2's NMI gate (0x%lx), got exit %u (%s) at 0x%llx",
		    L2_NMI_GATE_GPA, run->exit_reason,
		    exit_reason_str(run->exit_reason),
		    (unsigned long long)run->mmio.phys_addr);

	/* Complete the read, as userspace must before saving the state. */
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	vcpu_run_complete_io(vm, VCPU_ID);

	vcpu_events_get(vm, VCPU_ID, &events);
	nested_state_get(VCPU_ID, &nested);
	event_inj = ((struct vmcb *)nested.state.data.svm)->control.event_inj;
	TEST_ASSERT(events.nmi.injected &&
		    (nested.state.flags & KVM_STATE_NESTED_GUEST_MODE),
		    "L2's NMI not in delivery: nmi.injected %u, nested flags 0x%x",
		    events.nmi.injected, nested.state.flags);
	ksft_print_msg("%s: saved with nmi.injected %u nmi.masked %u, nested flags 0x%x, VMCB12 event_inj 0x%x\n",
		       mode_names[mode], events.nmi.injected,
		       events.nmi.masked, nested.state.flags, event_inj);

	switch (mode) {
	case MODE_LIB_ORDER:
		migrate_lib_order();
		vcpuid = NEW_VCPU_ID;
		break;
	case MODE_QEMU_ORDER:
		migrate_qemu_order();
		vcpuid = NEW_VCPU_ID;
		break;
	default:
		break;
	}

	/* L2's IDT, now in memory: the NMI reaches L2's handler. */
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, L2_IDT_GPA,
				    L2_IDT_MEMSLOT, 1, 0);
	memcpy(addr_gpa2hva(vm, L2_IDT_GPA),
	       addr_gva2hva(vm, (vm_vaddr_t)l2_idt), sizeof(l2_idt));

	expect_stage(vcpuid, STAGE_L1_NMI, "L2's NMI");
	vcpu_ioctl(vm, vcpuid, KVM_NMI, NULL);
	expect_stage(vcpuid, STAGE_AFTER_IRET, "L1's NMI");
	run_to_ucall(vcpuid, &uc, "L1's IRET");
	TEST_ASSERT(uc.cmd == UCALL_DONE, "ucall %lu, expected done",
		    uc.cmd);

	if (uc.args[0] == 1)
		ksft_test_result_pass("L1 takes its NMI after L2's NMI, %s\n",
				      mode_names[mode]);
	else if (uc.args[1] == 1)
		ksft_test_result_fail("L1's NMI held until L1's IRET (NMI mask of L2's NMI left set), %s\n",
				      mode_names[mode]);
	else
		ksft_test_result_fail("L1 took %lu NMIs, %lu after IRET, %s\n",
				      uc.args[0], uc.args[1],
				      mode_names[mode]);

	kvm_vm_free(vm);
	vm = NULL;
}

int main(int argc, char *argv[])
{
	int mode;

	ksft_print_header();

	if (!kvm_check_cap(KVM_CAP_NESTED_STATE))
		ksft_exit_skip("KVM_CAP_NESTED_STATE not available\n");
	if (!nested_svm_supported())
		ksft_exit_skip("nested SVM not available\n");

	ksft_set_plan(NR_MODES);
	for (mode = 0; mode < NR_MODES; mode++)
		test_nmi_migration(mode);

	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}
