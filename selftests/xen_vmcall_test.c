// SPDX-License-Identifier: GPL-2.0
/*
 * xen_vmcall_test: Xen hypercalls are intercepted to userspace.
 *
 * With KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, a guest's VMCALL/VMMCALL exits
 * with KVM_EXIT_XEN / KVM_EXIT_XEN_HCALL carrying the input, the six
 * arguments, the CPL and the mode, and the result userspace stores in the
 * exit reaches the guest's RAX once the instruction is skipped.  The test
 * makes such calls
 *   - with a raw VMCALL in 64-bit mode,
 *   - through the hypercall page that KVM writes when the guest writes the
 *     Xen MSR (whose contents the host checks),
 *   - with a raw VMCALL and through the page in 32-bit compatibility mode,
 *     where the arguments come from EBX, ECX, EDX, ESI, EDI and EBP,
 * and then a Hyper-V hypercall through the Hyper-V hypercall page, which
 * has bit 31 of EAX set and must reach KVM's Hyper-V code, not userspace.
 * It also checks that KVM_XEN_HVM_CONFIG rejects unknown flags and a blob
 * combined with INTERCEPT_HCALL, leaving the previous configuration.
 *
 * Skips unless KVM_CAP_XEN_HVM reports KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kselftest.h"
#include "xen.h"

#define VCPU_ID			0

#define XEN_HYPERCALL_MSR	0x40000200
#define HCALL_REGION_GPA	0xc0000000ULL
#define HCALL_REGION_SLOT	10
#define HCALL_REGION_PAGES	2
#define XEN_PAGE_GPA		HCALL_REGION_GPA
#define HV_PAGE_GPA		(HCALL_REGION_GPA + 0x1000)

/* 64-bit hypercalls */
#define INPUT64			17
#define ARG64(n)		(0xdeadbeef5a5a0000ULL + (n))
#define RESULT64		0xcafef00dfbfbffffULL

/* 32-bit hypercalls; the values are also used by the assembly below */
#define INPUT32			18
#define ARG32_BASE		0x5a5a0000
#define ARG32(n)		(ARG32_BASE + (n))
#define RESULT32		0x600dcafeULL
#define COMPAT_CS		0x30
#define COMPAT_SS		0x38

/* Hyper-V */
#define HV_GUEST_OS_ID_MSR	0x40000000
#define HV_HYPERCALL_MSR	0x40000001
#define HV_HYPERCALL_ENABLE	1ULL
#define HV_LINUX_OS_ID		0x8100000000000000ULL
#define HVCALL_SIGNAL_EVENT	0x005d
#define HV_STATUS_INVALID_ALIGNMENT 4

#define STR(x)			#x
#define XSTR(x)			STR(x)

enum stage {
	STAGE_RAW64 = 1,	/* raw VMCALL, 64-bit */
	STAGE_PAGE_SETUP,	/* the Xen MSR was written */
	STAGE_PAGE64,		/* hypercall page, 64-bit */
	STAGE_RAW32,		/* raw VMCALL, compatibility mode */
	STAGE_PAGE32,		/* hypercall page, compatibility mode */
	STAGE_HYPERV,		/* Hyper-V hypercall page */
	STAGE_END,
};

/*
 * uint32_t xen_compat_hypercall(uint64_t slot_addr)
 *
 * Switch to 32-bit compatibility mode (COMPAT_CS, with a 32-bit stack in
 * COMPAT_SS), load the ARG32 arguments and make a Xen hypercall: a raw
 * VMCALL with INPUT32 if @slot_addr is 0, else a call to @slot_addr in the
 * hypercall page.  Then return to 64-bit mode and give back EAX.  The code
 * and the stack are below 4 GiB, so their addresses survive the switch.
 */
uint32_t xen_compat_hypercall(uint64_t slot_addr);
asm(".pushsection .text\n"
    ".code64\n"
    ".global xen_compat_hypercall\n"
    "xen_compat_hypercall:\n"
    "	push %rbx\n"
    "	push %rbp\n"
    "	xor %eax, %eax\n"
    "	mov %ss, %ax\n"
    "	push %rax\n"
    "	pushq $" XSTR(COMPAT_CS) "\n"
    "	lea 1f(%rip), %rax\n"
    "	push %rax\n"
    "	lretq\n"
    ".code32\n"
    "1:	mov $" XSTR(COMPAT_SS) ", %eax\n"
    "	mov %eax, %ss\n"
    "	push %edi\n"
    "	mov $" XSTR(ARG32_BASE) " + 1, %ebx\n"
    "	mov $" XSTR(ARG32_BASE) " + 2, %ecx\n"
    "	mov $" XSTR(ARG32_BASE) " + 3, %edx\n"
    "	mov $" XSTR(ARG32_BASE) " + 4, %esi\n"
    "	mov $" XSTR(ARG32_BASE) " + 5, %edi\n"
    "	mov $" XSTR(ARG32_BASE) " + 6, %ebp\n"
    "	cmpl $0, (%esp)\n"
    "	je 3f\n"
    "	call *(%esp)\n"
    "	jmp 4f\n"
    "3:	mov $" XSTR(INPUT32) ", %eax\n"
    "	vmcall\n"
    "4:	add $4, %esp\n"
    "	pushl $8\n"
    "	pushl $2f\n"
    "	lret\n"
    ".code64\n"
    "2:	pop %rcx\n"
    "	mov %ecx, %ss\n"
    "	mov %eax, %eax\n"
    "	pop %rbp\n"
    "	pop %rbx\n"
    "	ret\n"
    ".popsection\n");

static uint64_t xen_hypercall_raw(uint64_t nr)
{
	register uint64_t r10 __asm__("r10") = ARG64(4);
	register uint64_t r8 __asm__("r8") = ARG64(5);
	register uint64_t r9 __asm__("r9") = ARG64(6);
	uint64_t rax = nr;

	__asm__ __volatile__("vmcall"
			     : "+a"(rax)
			     : "D"(ARG64(1)), "S"(ARG64(2)), "d"(ARG64(3)),
			       "r"(r10), "r"(r8), "r"(r9)
			     : "memory");
	return rax;
}

/* Call into a hypercall page; step over the caller's red zone first. */
static uint64_t call_page(uint64_t addr, uint64_t rax, uint64_t rcx,
			  uint64_t rdx, uint64_t r8)
{
	register uint64_t r10 __asm__("r10") = ARG64(4);
	register uint64_t r8_ __asm__("r8") = r8;
	register uint64_t r9 __asm__("r9") = ARG64(6);

	__asm__ __volatile__("sub $128, %%rsp\n\t"
			     "call *%[fn]\n\t"
			     "add $128, %%rsp"
			     : "+a"(rax), "+c"(rcx), "+d"(rdx), "+r"(r8_),
			       "+r"(r10), "+r"(r9)
			     : [fn] "r"(addr), "D"(ARG64(1)), "S"(ARG64(2))
			     : "memory", "r11");
	return rax;
}

static void guest_code(void)
{
	uint64_t ret;

	GUEST_SYNC(STAGE_RAW64);
	ret = xen_hypercall_raw(INPUT64);
	GUEST_ASSERT(ret == RESULT64);

	wrmsr(XEN_HYPERCALL_MSR, XEN_PAGE_GPA);
	GUEST_SYNC(STAGE_PAGE_SETUP);

	GUEST_SYNC(STAGE_PAGE64);
	ret = call_page(XEN_PAGE_GPA + 32 * INPUT64, 0, 0, ARG64(3),
			ARG64(5));
	GUEST_ASSERT(ret == RESULT64);

	GUEST_SYNC(STAGE_RAW32);
	ret = xen_compat_hypercall(0);
	GUEST_ASSERT(ret == RESULT32);

	GUEST_SYNC(STAGE_PAGE32);
	ret = xen_compat_hypercall(XEN_PAGE_GPA + 32 * INPUT32);
	GUEST_ASSERT(ret == RESULT32);

	/* Enable Hyper-V hypercalls and signal an event, misaligned. */
	wrmsr(HV_GUEST_OS_ID_MSR, HV_LINUX_OS_ID);
	wrmsr(HV_HYPERCALL_MSR, HV_PAGE_GPA | HV_HYPERCALL_ENABLE);
	GUEST_SYNC(STAGE_HYPERV);
	ret = call_page(HV_PAGE_GPA, 0, HVCALL_SIGNAL_EVENT, 0x5a5a5a5a, 0);
	GUEST_ASSERT(ret == HV_STATUS_INVALID_ALIGNMENT);

	GUEST_SYNC(STAGE_END);
	GUEST_DONE();
}

static void check_hcall_exit(struct kvm_run *run, int stage)
{
	struct kvm_xen_exit *xen = XEN_EXIT(run);
	bool lm = stage == STAGE_RAW64 || stage == STAGE_PAGE64;
	uint64_t input = lm ? INPUT64 : INPUT32;
	int i;

	TEST_ASSERT(stage != STAGE_HYPERV,
		    "Hyper-V hypercall (input 0x%llx) went to userspace",
		    (unsigned long long)xen->u.hcall.input);
	TEST_ASSERT(xen->type == KVM_EXIT_XEN_HCALL, "exit type %u",
		    xen->type);
	TEST_ASSERT(xen->u.hcall.longmode == lm, "stage %d: longmode %u",
		    stage, xen->u.hcall.longmode);
	TEST_ASSERT(xen->u.hcall.cpl == 0, "stage %d: cpl %u", stage,
		    xen->u.hcall.cpl);
	TEST_ASSERT(xen->u.hcall.input == input,
		    "stage %d: input 0x%llx, expected 0x%lx", stage,
		    (unsigned long long)xen->u.hcall.input, input);
	for (i = 0; i < 6; i++) {
		uint64_t want = lm ? ARG64(i + 1) : ARG32(i + 1);

		TEST_ASSERT(xen->u.hcall.params[i] == want,
			    "stage %d: param %d is 0x%llx, expected 0x%lx",
			    stage, i, (unsigned long long)xen->u.hcall.params[i],
			    want);
	}
	xen->u.hcall.result = lm ? RESULT64 : RESULT32;
}

/* Slot N: mov $N, %eax; vmcall or vmmcall; ret; int3 padding. */
static void check_hypercall_page(struct kvm_vm *vm)
{
	const uint8_t *page = addr_gpa2hva(vm, XEN_PAGE_GPA);
	uint8_t insn = page[7];
	uint32_t nr;
	int i, j;

	TEST_ASSERT(insn == 0xc1 || insn == 0xd9,
		    "slot 0 has no vmcall/vmmcall: %02x %02x %02x",
		    page[5], page[6], page[7]);
	for (i = 0; i < 4096 / 32; i++) {
		const uint8_t *slot = page + 32 * i;

		memcpy(&nr, slot + 1, sizeof(nr));
		TEST_ASSERT(slot[0] == 0xb8 && nr == i, "slot %d: mov", i);
		TEST_ASSERT(slot[5] == 0x0f && slot[6] == 0x01 &&
			    slot[7] == insn, "slot %d: hypercall insn", i);
		TEST_ASSERT(slot[8] == 0xc3, "slot %d: ret", i);
		for (j = 9; j < 32; j++)
			TEST_ASSERT(slot[j] == 0xcc, "slot %d: byte %d", i, j);
	}
}

static void set_compat_segments(struct kvm_vm *vm)
{
	struct kvm_sregs sregs;
	uint64_t *gdt;

	vcpu_sregs_get(vm, VCPU_ID, &sregs);
	TEST_ASSERT(sregs.gdt.limit >= COMPAT_SS + 7, "GDT too small");
	gdt = addr_gva2hva(vm, sregs.gdt.base);
	/* Flat 4 GiB, DPL 0: 32-bit code (D=1, L=0), 32-bit data (B=1) */
	gdt[COMPAT_CS / 8] = 0x00cf9b000000ffffULL;
	gdt[COMPAT_SS / 8] = 0x00cf93000000ffffULL;
}

/* KVM_XEN_HVM_CONFIG must fail with EINVAL, leaving the config alone. */
static void check_bad_config(struct kvm_vm *vm, struct kvm_xen_hvm_config *c,
			     const char *what)
{
	int r = ioctl(vm_get_fd(vm), KVM_XEN_HVM_CONFIG, c);

	TEST_ASSERT(r == -1 && errno == EINVAL,
		    "KVM_XEN_HVM_CONFIG with %s: %d, errno %d", what, r, errno);
	ksft_test_result_pass("KVM_XEN_HVM_CONFIG with %s: EINVAL\n", what);
}

int main(int argc, char *argv[])
{
	struct kvm_xen_hvm_config cfg = {
		.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL,
		.msr = XEN_HYPERCALL_MSR,
	};
	struct kvm_xen_hvm_config bad;
	int stage = 0, exits = 0;
	struct kvm_vm *vm;
	struct ucall uc;
	int cap;

	ksft_print_header();

	cap = kvm_check_cap(KVM_CAP_XEN_HVM);
	if (!(cap & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL))
		ksft_exit_skip("KVM_CAP_XEN_HVM is 0x%x: no INTERCEPT_HCALL\n",
			       cap);
	ksft_set_plan(9);
	TEST_ASSERT(cap & KVM_XEN_HVM_CONFIG_HYPERCALL_MSR,
		    "KVM_CAP_XEN_HVM 0x%x lacks HYPERCALL_MSR", cap);
	ksft_test_result_pass("KVM_CAP_XEN_HVM is 0x%x\n", cap);

	vm = vm_create_default(VCPU_ID, 0, guest_code);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, HCALL_REGION_GPA,
				    HCALL_REGION_SLOT, HCALL_REGION_PAGES, 0);
	virt_map(vm, HCALL_REGION_GPA, HCALL_REGION_GPA, HCALL_REGION_PAGES, 0);
	set_compat_segments(vm);

	vm_ioctl(vm, KVM_XEN_HVM_CONFIG, &cfg);

	/* Rejected configurations must not replace the one above. */
	bad = (struct kvm_xen_hvm_config){ .flags = 1 << 2 };
	check_bad_config(vm, &bad, "an unknown flag");
	bad = (struct kvm_xen_hvm_config){
		.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL,
		.blob_size_64 = 1,
	};
	check_bad_config(vm, &bad, "INTERCEPT_HCALL and a blob");

	for (;;) {
		struct kvm_run *run = vcpu_state(vm, VCPU_ID);

		vcpu_run(vm, VCPU_ID);

		if (run->exit_reason == KVM_EXIT_XEN) {
			check_hcall_exit(run, stage);
			exits++;
			continue;
		}

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
			TEST_ASSERT(stage == STAGE_END, "done at stage %d",
				    stage);
			kvm_vm_free(vm);
			ksft_exit_pass();
		default:
			TEST_FAIL("unknown ucall %lu", uc.cmd);
		}

		/* The previous stage made exactly the exits it should. */
		switch (stage) {
		case STAGE_RAW64:
			TEST_ASSERT(exits == 1, "raw vmcall: %d exits", exits);
			ksft_test_result_pass("64-bit VMCALL exits with input, "
					      "arguments, cpl and mode; result "
					      "returned (so the failed configs "
					      "changed nothing)\n");
			break;
		case STAGE_PAGE_SETUP:
			check_hypercall_page(vm);
			ksft_test_result_pass("Xen MSR writes the hypercall "
					      "page\n");
			break;
		case STAGE_PAGE64:
			TEST_ASSERT(exits == 1, "page call: %d exits", exits);
			ksft_test_result_pass("64-bit call through the "
					      "hypercall page\n");
			break;
		case STAGE_RAW32:
			TEST_ASSERT(exits == 1, "compat vmcall: %d exits",
				    exits);
			ksft_test_result_pass("32-bit VMCALL exits with "
					      "EBX..EBP arguments and "
					      "longmode 0\n");
			break;
		case STAGE_PAGE32:
			TEST_ASSERT(exits == 1, "compat page call: %d exits",
				    exits);
			ksft_test_result_pass("32-bit call through the "
					      "hypercall page\n");
			break;
		case STAGE_HYPERV:
			TEST_ASSERT(exits == 0, "Hyper-V call: %d exits", exits);
			ksft_test_result_pass("Hyper-V hypercall (bit 31 set) "
					      "handled by KVM's Hyper-V code\n");
			break;
		default:
			TEST_ASSERT(exits == 0, "%d exits before stage %lu",
				    exits, uc.args[1]);
			break;
		}

		TEST_ASSERT(uc.args[1] == stage + 1, "stage %lu after %d",
			    uc.args[1], stage);
		stage = uc.args[1];
		exits = 0;
	}
}
