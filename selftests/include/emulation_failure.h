/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared code of the emulator_error tests: KVM_CAP_EXIT_ON_EMULATION_FAILURE
 * and the emulation_failure view of kvm_run (upstream Linux 5.14 ABI).
 *
 * Every scenario creates its own VM whose guest calls a two-instruction stub
 * that the host wrote into guest memory:
 *
 *	d9 07		flds (%rdi)	(x87 load; KVM's emulator has no FLD)
 *	c3		ret
 *
 * with %rdi pointing at a page the scenario chose (MMIO, or a PTE with a
 * reserved bit set). The rest of the stub's two pages is filled with int3
 * (0xcc) so that prefetched instruction bytes are recognisable. The stub sits
 * either in the middle of the first page or in its last two bytes, so that
 * KVM's instruction fetch stops at the page boundary after exactly the two
 * bytes of flds and the 0x90 padding of insn_bytes[] becomes visible.
 *
 * The guest handles #UD and #PF itself: the handlers count the exception,
 * record the error code and CR2, and step over the two-byte flds.
 */
#ifndef SELFTEST_EMULATION_FAILURE_H
#define SELFTEST_EMULATION_FAILURE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kselftest.h"

/*
 * Upstream 5.14 uapi, for kernel trees that lack it (values equal to
 * upstream's). The real header defines the flag together with
 * kvm_run.emulation_failure: remember which one we got.
 */
#ifdef KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES
#define EF_UAPI_HAS_EMULATION_FAILURE 1
#else
#define KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES (1ULL << 0)
#endif
#ifndef KVM_CAP_EXIT_ON_EMULATION_FAILURE
#define KVM_CAP_EXIT_ON_EMULATION_FAILURE 204
#endif
#ifndef KVM_CAP_SMALLER_MAXPHYADDR
#define KVM_CAP_SMALLER_MAXPHYADDR 185
#endif

/* kvm_run.emulation_failure, an overlay of kvm_run.internal. */
struct ef_exit {
	__u32 suberror;
	__u32 ndata;
	__u64 flags;
	__u8 insn_size;
	__u8 insn_bytes[15];
};

#define EF_RUN_OFFSET 32	/* offsetof(struct kvm_run, internal) */
_Static_assert(offsetof(struct kvm_run, internal) == EF_RUN_OFFSET,
	       "kvm_run.internal moved");
_Static_assert(offsetof(struct kvm_run, internal.ndata) == 36,
	       "kvm_run.internal.ndata moved");
_Static_assert(offsetof(struct kvm_run, internal.data) == 40,
	       "kvm_run.internal.data moved");
_Static_assert(offsetof(struct ef_exit, ndata) == 4 &&
	       offsetof(struct ef_exit, flags) == 8 &&
	       offsetof(struct ef_exit, insn_size) == 16 &&
	       offsetof(struct ef_exit, insn_bytes) == 17 &&
	       sizeof(struct ef_exit) == 32, "struct ef_exit layout");
#ifdef EF_UAPI_HAS_EMULATION_FAILURE
_Static_assert(offsetof(struct kvm_run, emulation_failure) == 32 &&
	       offsetof(struct kvm_run, emulation_failure.suberror) == 32 &&
	       offsetof(struct kvm_run, emulation_failure.ndata) == 36 &&
	       offsetof(struct kvm_run, emulation_failure.flags) == 40 &&
	       offsetof(struct kvm_run, emulation_failure.insn_size) == 48 &&
	       offsetof(struct kvm_run, emulation_failure.insn_bytes) == 49,
	       "kvm_run.emulation_failure layout differs from upstream");
_Static_assert(sizeof(((struct kvm_run *)0)->emulation_failure.insn_size) == 1 &&
	       sizeof(((struct kvm_run *)0)->emulation_failure.insn_bytes) == 15 &&
	       sizeof(((struct kvm_run *)0)->emulation_failure.flags) == 8,
	       "kvm_run.emulation_failure field sizes differ from upstream");
_Static_assert(KVM_CAP_EXIT_ON_EMULATION_FAILURE == 204,
	       "KVM_CAP_EXIT_ON_EMULATION_FAILURE differs from upstream");
_Static_assert(KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES == 1,
	       "INSTRUCTION_BYTES flag differs from upstream");
#endif
_Static_assert(KVM_INTERNAL_ERROR_EMULATION == 1, "suberror value");

static inline struct ef_exit *ef_exit(struct kvm_run *run)
{
	return (struct ef_exit *)((char *)run + EF_RUN_OFFSET);
}

#define EF_VCPU_ID	0
#define EF_MMIO_GPA	0xc0000000ULL	/* no memslot there */
#define EF_STUB_MID	0x100		/* stub offset in its page */
#define EF_FILL		0xcc		/* int3 around the stub */
#define EF_NOP		0x90		/* insn_bytes[] padding */
#define EF_GUEST_PA_BITS 36		/* smaller guest MAXPHYADDR */
#define EF_PTE_ADDR_MASK 0x000ffffffffff000ULL
#define EF_PFERR_PRESENT (1ULL << 0)
#define EF_PFERR_RSVD	(1ULL << 3)

static const uint8_t ef_stub[] = {
	0xd9, 0x07,	/* flds (%rdi) */
	0xc3,		/* ret */
};

#define EF_FLDS_LEN	2

/* Guest side */

static uint64_t ef_nr_ud, ef_nr_pf;
static uint64_t ef_fault_rip, ef_pf_error, ef_pf_cr2;

static inline uint64_t ef_get_cr2(void)
{
	uint64_t cr2;

	__asm__ __volatile__("mov %%cr2, %[cr2]" : [cr2]"=r"(cr2));
	return cr2;
}

static void ef_guest_ud_handler(struct ex_regs *regs)
{
	ef_nr_ud++;
	ef_fault_rip = regs->rip;
	regs->rip += EF_FLDS_LEN;
}

static void ef_guest_pf_handler(struct ex_regs *regs)
{
	ef_nr_pf++;
	ef_fault_rip = regs->rip;
	ef_pf_error = regs->error_code;
	ef_pf_cr2 = ef_get_cr2();
	regs->rip += EF_FLDS_LEN;
}

static void ef_guest_code(uint64_t stub, uint64_t addr)
{
	((void (*)(uint64_t))stub)(addr);
	GUEST_DONE();
}

/* Host side */

struct ef_vm {
	struct kvm_vm *vm;
	vm_vaddr_t stub;	/* guest address of flds */
	vm_vaddr_t addr;	/* what flds loads from */
};

static void ef_poke(struct kvm_vm *vm, vm_vaddr_t gva, uint8_t byte)
{
	*(uint8_t *)addr_gva2hva(vm, gva) = byte;
}

static uint8_t ef_peek(struct kvm_vm *vm, vm_vaddr_t gva)
{
	return *(uint8_t *)addr_gva2hva(vm, gva);
}

/*
 * A VM that runs ef_guest_code() with the stub at the end of a page
 * (page_end) or in its middle; t->addr is a fresh data page that the
 * scenario remaps as it needs.
 */
static void ef_vm_create(struct ef_vm *t, bool page_end)
{
	unsigned int psize;
	vm_vaddr_t code;
	size_t i;

	t->vm = vm_create_default(EF_VCPU_ID, 0, ef_guest_code);
	vm_init_descriptor_tables(t->vm);
	vcpu_init_descriptor_tables(t->vm, EF_VCPU_ID);
	vm_handle_exception(t->vm, UD_VECTOR, ef_guest_ud_handler);
	vm_handle_exception(t->vm, PF_VECTOR, ef_guest_pf_handler);

	psize = vm_get_page_size(t->vm);
	code = vm_vaddr_alloc(t->vm, 2 * psize, 0x10000, 0, 0);
	/* The two pages need not be adjacent in guest physical memory. */
	memset(addr_gva2hva(t->vm, code), EF_FILL, psize);
	memset(addr_gva2hva(t->vm, code + psize), EF_FILL, psize);
	t->stub = page_end ? code + psize - EF_FLDS_LEN : code + EF_STUB_MID;
	for (i = 0; i < sizeof(ef_stub); i++)
		ef_poke(t->vm, t->stub + i, ef_stub[i]);

	t->addr = vm_vaddr_alloc(t->vm, psize, 0x10000, 0, 0);
	vcpu_args_set(t->vm, EF_VCPU_ID, 2, t->stub, t->addr);
}

static void ef_vm_free(struct ef_vm *t)
{
	kvm_vm_free(t->vm);
	t->vm = NULL;
}

static int ef_enable_cap(struct kvm_vm *vm, uint64_t arg, uint32_t flags)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE,
		.flags = flags,
		.args = { arg },
	};

	return ioctl(vm_get_fd(vm), KVM_ENABLE_CAP, &cap);
}

static void ef_set_cap(struct kvm_vm *vm, uint64_t arg)
{
	int r = ef_enable_cap(vm, arg, 0);

	TEST_ASSERT(!r, "KVM_ENABLE_CAP(EXIT_ON_EMULATION_FAILURE, %lu): %d, errno %d",
		    arg, r, errno);
}

/* The exception KVM has queued for the vCPU, or -1. */
static int ef_queued_exception(struct kvm_vm *vm)
{
	struct kvm_vcpu_events ev;

	vcpu_events_get(vm, EF_VCPU_ID, &ev);
	if (ev.exception.injected || ev.exception.pending)
		return ev.exception.nr;
	return -1;
}

static uint64_t ef_rip(struct kvm_vm *vm)
{
	struct kvm_regs regs;

	vcpu_regs_get(vm, EF_VCPU_ID, &regs);
	return regs.rip;
}

/* Run and expect the emulation failure exit at the stub. */
static struct ef_exit *ef_run_expect_failure(struct ef_vm *t)
{
	struct kvm_run *run = vcpu_state(t->vm, EF_VCPU_ID);
	int r;

	r = _vcpu_run(t->vm, EF_VCPU_ID);
	TEST_ASSERT(!r, "KVM_RUN: %d, errno %d", r, errno);
	assert_on_unhandled_exception(t->vm, EF_VCPU_ID);
	TEST_ASSERT(run->exit_reason == KVM_EXIT_INTERNAL_ERROR,
		    "exit reason %u (%s), expected KVM_EXIT_INTERNAL_ERROR",
		    run->exit_reason, exit_reason_str(run->exit_reason));
	TEST_ASSERT(ef_exit(run)->suberror == KVM_INTERNAL_ERROR_EMULATION,
		    "suberror %u, expected KVM_INTERNAL_ERROR_EMULATION",
		    ef_exit(run)->suberror);
	TEST_ASSERT(ef_rip(t->vm) == t->stub,
		    "RIP %#lx at the exit, stub at %#lx", ef_rip(t->vm),
		    t->stub);
	return ef_exit(run);
}

/*
 * The instruction bytes KVM reported: flagged, counted in ndata, equal to
 * guest memory at RIP for insn_size bytes, 0x90 after that. Returns
 * insn_size.
 */
static unsigned int ef_check_bytes(struct ef_vm *t, struct ef_exit *e)
{
	unsigned int i;
	char hex[3 * 15 + 1] = "";

	TEST_ASSERT(e->flags == KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES,
		    "flags %#llx, expected INSTRUCTION_BYTES only",
		    (unsigned long long)e->flags);
	TEST_ASSERT(e->ndata == 3, "ndata %u, expected 3 (flags + 16 bytes)",
		    e->ndata);
	TEST_ASSERT(e->insn_size >= EF_FLDS_LEN &&
		    e->insn_size <= sizeof(e->insn_bytes),
		    "insn_size %u out of range", e->insn_size);
	for (i = 0; i < sizeof(e->insn_bytes); i++) {
		uint8_t want = i < e->insn_size ? ef_peek(t->vm, t->stub + i)
						: EF_NOP;

		snprintf(hex + 3 * i, 4, " %02x", e->insn_bytes[i]);
		TEST_ASSERT(e->insn_bytes[i] == want,
			    "insn_bytes[%u] = %#x, expected %#x (insn_size %u)",
			    i, e->insn_bytes[i], want, e->insn_size);
	}
	ksft_print_msg("insn_size %u, insn_bytes%s\n", e->insn_size, hex);
	return e->insn_size;
}

/*
 * What a VMM would do: decode the reported bytes just enough to know the
 * instruction's length (D9 /0 with a register-indirect operand: opcode and
 * ModRM, no SIB, no displacement) and step over it.
 */
static void ef_skip_reported_insn(struct ef_vm *t, struct ef_exit *e)
{
	uint8_t modrm = e->insn_bytes[1];
	struct kvm_regs regs;

	TEST_ASSERT(e->insn_bytes[0] == 0xd9 && (modrm >> 6) == 0 &&
		    ((modrm >> 3) & 7) == 0 && (modrm & 7) != 4 &&
		    (modrm & 7) != 5,
		    "not flds (reg): %02x %02x", e->insn_bytes[0], modrm);
	vcpu_regs_get(t->vm, EF_VCPU_ID, &regs);
	regs.rip += EF_FLDS_LEN;
	vcpu_regs_set(t->vm, EF_VCPU_ID, &regs);
}

/* Run until GUEST_DONE; fetch the guest's exception bookkeeping. */
static void ef_run_to_done(struct ef_vm *t)
{
	struct kvm_run *run = vcpu_state(t->vm, EF_VCPU_ID);
	struct ucall uc;
	int r;

	r = _vcpu_run(t->vm, EF_VCPU_ID);
	TEST_ASSERT(!r, "KVM_RUN: %d, errno %d", r, errno);
	assert_on_unhandled_exception(t->vm, EF_VCPU_ID);
	TEST_ASSERT(run->exit_reason == KVM_EXIT_IO,
		    "exit reason %u (%s), expected the guest to finish",
		    run->exit_reason, exit_reason_str(run->exit_reason));
	switch (get_ucall(t->vm, EF_VCPU_ID, &uc)) {
	case UCALL_DONE:
		break;
	case UCALL_ABORT:
		TEST_FAIL("guest assertion: %s at line %lu",
			  (const char *)uc.args[0], uc.args[1]);
		break;
	default:
		TEST_FAIL("unexpected ucall %lu", uc.cmd);
	}
	sync_global_from_guest(t->vm, ef_nr_ud);
	sync_global_from_guest(t->vm, ef_nr_pf);
	sync_global_from_guest(t->vm, ef_fault_rip);
	sync_global_from_guest(t->vm, ef_pf_error);
	sync_global_from_guest(t->vm, ef_pf_cr2);
}

/* Scenarios */

/* KVM_CHECK_EXTENSION says 1; args[0] must be 0 or 1; flags must be 0. */
static void ef_test_enable_cap(void)
{
	static const uint64_t bad[] = { 2, 3, 0x100, 1ULL << 63, ~0ULL };
	struct ef_vm t;
	unsigned int i;
	int r;

	r = kvm_check_cap(KVM_CAP_EXIT_ON_EMULATION_FAILURE);
	TEST_ASSERT(r == 1, "KVM_CHECK_EXTENSION returned %d, expected 1", r);

	ef_vm_create(&t, false);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = ef_enable_cap(t.vm, bad[i], 0);
		TEST_ASSERT(r == -1 && errno == EINVAL,
			    "args[0] %#lx: %d, errno %d; expected EINVAL",
			    bad[i], r, errno);
	}
	r = ef_enable_cap(t.vm, 1, 1);
	TEST_ASSERT(r == -1 && errno == EINVAL,
		    "flags 1: %d, errno %d; expected EINVAL", r, errno);
	ef_set_cap(t.vm, 1);
	ef_set_cap(t.vm, 0);
	ef_set_cap(t.vm, 1);
	ef_vm_free(&t);
	ksft_test_result_pass("KVM_CHECK_EXTENSION is 1; KVM_ENABLE_CAP takes 0 and 1, EINVAL otherwise\n");
}

/*
 * Capability off (never enabled, or enabled and then disabled): the old
 * behaviour. At CPL0 outside guest mode KVM queues #UD *and* exits with
 * KVM_INTERNAL_ERROR_EMULATION; on re-entry the guest takes the #UD.
 */
static void ef_test_cap_off(bool toggled, bool have_cap)
{
	struct ef_vm t;
	struct ef_exit *e;
	int vec;

	ef_vm_create(&t, false);
	virt_pg_map(t.vm, t.addr, EF_MMIO_GPA, 0);
	if (toggled) {
		ef_set_cap(t.vm, 1);
		ef_set_cap(t.vm, 0);
	}

	e = ef_run_expect_failure(&t);
	vec = ef_queued_exception(t.vm);
	TEST_ASSERT(vec == UD_VECTOR,
		    "queued exception %d at the exit, expected #UD", vec);
	/*
	 * With the capability in the kernel, this exit carries the bytes too
	 * (as upstream's does); unpatched 5.10 reported no data.
	 */
	if (have_cap || e->ndata)
		ef_check_bytes(&t, e);
	else
		ksft_print_msg("no instruction bytes (ndata 0)\n");

	ef_run_to_done(&t);
	TEST_ASSERT(ef_nr_ud == 1 && ef_nr_pf == 0,
		    "guest saw %lu #UD and %lu #PF, expected one #UD",
		    ef_nr_ud, ef_nr_pf);
	TEST_ASSERT(ef_fault_rip == t.stub, "#UD at %#lx, stub at %#lx",
		    ef_fault_rip, t.stub);
	ef_vm_free(&t);
	ksft_test_result_pass("capability %s: exit at CPL0 with #UD queued, guest takes #UD\n",
			      toggled ? "enabled then disabled" : "off");
}

/*
 * Capability on: flds on MMIO exits with the instruction bytes and nothing
 * queued; userspace steps over the instruction and the guest finishes.
 */
static void ef_test_mmio(bool page_end)
{
	struct ef_vm t;
	struct ef_exit *e;
	unsigned int size;
	int vec;

	ef_vm_create(&t, page_end);
	virt_pg_map(t.vm, t.addr, EF_MMIO_GPA, 0);
	ef_set_cap(t.vm, 1);

	e = ef_run_expect_failure(&t);
	vec = ef_queued_exception(t.vm);
	TEST_ASSERT(vec == -1, "exception %d queued with the capability on",
		    vec);
	size = ef_check_bytes(&t, e);
	ef_skip_reported_insn(&t, e);

	ef_run_to_done(&t);
	TEST_ASSERT(ef_nr_ud == 0 && ef_nr_pf == 0,
		    "guest saw %lu #UD and %lu #PF after the skip",
		    ef_nr_ud, ef_nr_pf);
	ef_vm_free(&t);
	ksft_test_result_pass("flds on MMIO%s: exit, %u insn bytes%s, skipped from userspace, guest finished\n",
			      page_end ? " at a page end" : "", size,
			      size < 15 ? " + 0x90 padding" : "");
}

/* The guest's PTE for gva, through the guest's own page tables. */
static uint64_t *ef_guest_pte(struct kvm_vm *vm, vm_vaddr_t gva)
{
	struct kvm_sregs sregs;
	uint64_t *table, e;
	int level;

	vcpu_sregs_get(vm, EF_VCPU_ID, &sregs);
	table = addr_gpa2hva(vm, sregs.cr3 & EF_PTE_ADDR_MASK);
	for (level = 3; level > 0; level--) {
		e = table[(gva >> (12 + 9 * level)) & 0x1ff];
		TEST_ASSERT((e & 1) && !(e & (1ULL << 7)),
			    "level %d entry %#lx for %#lx: not a table",
			    level + 1, e, gva);
		table = addr_gpa2hva(vm, e & EF_PTE_ADDR_MASK);
	}
	return &table[(gva >> 12) & 0x1ff];
}

static void ef_set_guest_maxphyaddr(struct kvm_vm *vm, unsigned int bits)
{
	struct kvm_cpuid2 *sup = kvm_get_supported_cpuid();
	size_t size = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *cpuid = malloc(size);
	bool found = false;
	int i;

	TEST_ASSERT(cpuid, "malloc");
	memcpy(cpuid, sup, size);	/* the library caches *sup */
	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *ent = &cpuid->entries[i];

		if (ent->function != 0x80000008)
			continue;
		ent->eax = (ent->eax & ~0xffu) | bits;
		found = true;
	}
	TEST_ASSERT(found, "no CPUID leaf 0x80000008");
	vcpu_set_cpuid(vm, EF_VCPU_ID, cpuid);
	free(cpuid);
}

/*
 * Does KVM use two-dimensional paging (EPT/NPT) for this guest? SVM offers
 * KVM_CAP_SMALLER_MAXPHYADDR only without NPT (svm.c: allow_smaller_maxphyaddr
 * = !npt_enabled); VMX offers it with EPT (allow_smaller_maxphyaddr=1) and
 * always without EPT, so ask kvm_intel.
 */
static bool ef_tdp_with_smaller_maxphyaddr(void)
{
	char c = 0;
	FILE *f;

	if (!is_intel_cpu())
		return false;
	f = fopen("/sys/module/kvm_intel/parameters/ept", "r");
	TEST_ASSERT(f, "cannot read kvm_intel.ept");
	TEST_ASSERT(fread(&c, 1, 1, f) == 1, "cannot read kvm_intel.ept");
	fclose(f);
	return c == 'Y' || c == '1';
}

/*
 * The cover letter's variant: guest MAXPHYADDR 36 and bit 36 set in the
 * PTE of the page flds loads from.
 *
 * With EPT the CPU walks the guest's page tables with the host's
 * MAXPHYADDR, bit 36 becomes part of the GPA, the EPT violation hits an
 * illegal GPA and KVM emulates the instruction to deliver the #PF(RSVD):
 * flds cannot be emulated, so userspace gets the emulation failure exit.
 *
 * Without it (SVM with npt=0, VMX with ept=0) KVM's shadow MMU walks the
 * guest's page tables itself, with the guest's MAXPHYADDR, and injects
 * #PF with PFERR_RSVD | PFERR_PRESENT directly: nothing is emulated, no
 * exit reaches userspace, which is what real hardware with a 36-bit
 * MAXPHYADDR does. The test checks for exactly that.
 */
static void ef_test_reserved_bit(void)
{
	unsigned int pa_bits, va_bits;
	struct ef_vm t;
	struct ef_exit *e;
	uint64_t *pte;
	bool tdp;

	if (!kvm_check_cap(KVM_CAP_SMALLER_MAXPHYADDR)) {
		ksft_test_result_skip("reserved PTE bit with guest MAXPHYADDR %d: no KVM_CAP_SMALLER_MAXPHYADDR (SVM with NPT, or VMX without allow_smaller_maxphyaddr)\n",
				      EF_GUEST_PA_BITS);
		return;
	}
	kvm_get_cpu_address_width(&pa_bits, &va_bits);
	if (pa_bits <= EF_GUEST_PA_BITS) {
		ksft_test_result_skip("reserved PTE bit: host MAXPHYADDR %u is not above %d\n",
				      pa_bits, EF_GUEST_PA_BITS);
		return;
	}
	tdp = ef_tdp_with_smaller_maxphyaddr();

	ef_vm_create(&t, false);
	ef_set_guest_maxphyaddr(t.vm, EF_GUEST_PA_BITS);
	pte = ef_guest_pte(t.vm, t.addr);
	*pte |= 1ULL << EF_GUEST_PA_BITS;
	ef_set_cap(t.vm, 1);

	if (tdp) {
		e = ef_run_expect_failure(&t);
		ef_check_bytes(&t, e);
		ef_skip_reported_insn(&t, e);
		ef_run_to_done(&t);
		TEST_ASSERT(ef_nr_ud == 0 && ef_nr_pf == 0,
			    "guest saw %lu #UD and %lu #PF after the skip",
			    ef_nr_ud, ef_nr_pf);
	} else {
		ef_run_to_done(&t);
		TEST_ASSERT(ef_nr_pf == 1 && ef_nr_ud == 0,
			    "shadow paging: guest saw %lu #PF and %lu #UD, expected one #PF",
			    ef_nr_pf, ef_nr_ud);
		TEST_ASSERT(ef_pf_error == (EF_PFERR_PRESENT | EF_PFERR_RSVD),
			    "#PF error code %#lx, expected P|RSVD (0x9)",
			    ef_pf_error);
		TEST_ASSERT(ef_pf_cr2 == t.addr && ef_fault_rip == t.stub,
			    "#PF CR2 %#lx RIP %#lx, expected %#lx at %#lx",
			    ef_pf_cr2, ef_fault_rip, t.addr, t.stub);
	}
	ef_vm_free(&t);
	ksft_test_result_pass("reserved PTE bit with guest MAXPHYADDR %d, %s: %s\n",
			      EF_GUEST_PA_BITS,
			      tdp ? "EPT" : "shadow paging",
			      tdp ? "emulation failure exit, skipped, guest finished"
				  : "no emulation, guest gets #PF(P|RSVD) at the stub");
}

#endif /* SELFTEST_EMULATION_FAILURE_H */
