// SPDX-License-Identifier: GPL-2.0
/*
 * xen_legacy_config_test: the Xen interface 5.10 always had is still there.
 *
 * Linux 5.10 answers KVM_CAP_XEN_HVM with 1 (the hypercall page MSR) and
 * takes KVM_XEN_HVM_CONFIG with a blob: when the guest writes the
 * configured MSR, KVM copies page N of the blob (N: the low bits of the
 * value) to the guest page the value names.  The series makes the Xen
 * support a Kconfig option, CONFIG_KVM_XEN; a kernel configured without
 * naming the option (as the test guest's config fragment is, and as a
 * 5.10 config brought up with olddefconfig is) must keep all of this.
 *
 * The test checks that the capability still has the HYPERCALL_MSR bit,
 * that KVM_XEN_HVM_CONFIG accepts a legacy blob configuration, and that a
 * guest write of the MSR installs the blob's page, byte for byte.  It
 * does not skip: every x86 kernel since 2.6.33 passes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kselftest.h"

#define VCPU_ID			0

#define XEN_HYPERCALL_MSR	0x40000200
#define PAGE_GPA		0xc0000000ULL
#define PAGE_SLOT		10
#define BLOB_PAGES		1

/* KVM_XEN_HVM_CONFIG_HYPERCALL_MSR: what 5.10 answered, as a bit. */
#define CAP_HYPERCALL_MSR	1

static uint8_t blob_byte(int i)
{
	return (uint8_t)(i * 7 + 3);
}

static void guest_code(void)
{
	volatile uint8_t *page = (volatile uint8_t *)PAGE_GPA;
	int i;

	/* page 0 of the blob to PAGE_GPA */
	wrmsr(XEN_HYPERCALL_MSR, PAGE_GPA | 0);
	for (i = 0; i < 4096; i++)
		GUEST_ASSERT(page[i] == blob_byte(i));
	GUEST_SYNC(1);
	GUEST_DONE();
}

int main(int argc, char *argv[])
{
	struct kvm_xen_hvm_config cfg = { 0 };
	struct kvm_vm *vm;
	struct ucall uc;
	uint8_t *blob;
	int cap, i, synced = 0;

	ksft_print_header();
	ksft_set_plan(3);

	cap = kvm_check_cap(KVM_CAP_XEN_HVM);
	TEST_ASSERT(cap & CAP_HYPERCALL_MSR,
		    "KVM_CAP_XEN_HVM is 0x%x: the hypercall page MSR of 5.10 is gone",
		    cap);
	ksft_test_result_pass("KVM_CAP_XEN_HVM is 0x%x, with the hypercall page MSR\n",
			      cap);

	blob = aligned_alloc(4096, 4096 * BLOB_PAGES);
	TEST_ASSERT(blob, "no memory for the blob");
	for (i = 0; i < 4096 * BLOB_PAGES; i++)
		blob[i] = blob_byte(i);

	vm = vm_create_default(VCPU_ID, 0, guest_code);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, PAGE_GPA,
				    PAGE_SLOT, 1, 0);
	virt_map(vm, PAGE_GPA, PAGE_GPA, 1, 0);

	cfg.msr = XEN_HYPERCALL_MSR;
	cfg.blob_addr_32 = (uint64_t)(unsigned long)blob;
	cfg.blob_addr_64 = (uint64_t)(unsigned long)blob;
	cfg.blob_size_32 = BLOB_PAGES;
	cfg.blob_size_64 = BLOB_PAGES;
	vm_ioctl(vm, KVM_XEN_HVM_CONFIG, &cfg);
	ksft_test_result_pass("KVM_XEN_HVM_CONFIG takes a blob and an MSR\n");

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
			TEST_ASSERT(!memcmp(addr_gpa2hva(vm, PAGE_GPA), blob,
					    4096),
				    "the guest page is not the blob's page 0");
			synced = 1;
			break;
		case UCALL_DONE:
			TEST_ASSERT(synced, "done before the page was checked");
			ksft_test_result_pass("a guest write of the MSR installs the blob's page\n");
			kvm_vm_free(vm);
			free(blob);
			ksft_exit_pass();
		default:
			TEST_FAIL("unknown ucall %lu", uc.cmd);
		}
	}
}
