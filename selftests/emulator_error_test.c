// SPDX-License-Identifier: GPL-2.0
/*
 * emulator_error_test: userspace as the fallback for emulation failures,
 * KVM_CAP_EXIT_ON_EMULATION_FAILURE (capability 204, upstream Linux 5.14).
 *
 * The guest runs "flds (%rdi)", which KVM's emulator does not implement,
 * against a page that must be emulated (see include/emulation_failure.h).
 * With no dependency on a smaller guest MAXPHYADDR, the page is MMIO, which
 * KVM emulates with NPT, EPT and shadow paging alike. Checked:
 *
 *  1. KVM_CHECK_EXTENSION returns 1; KVM_ENABLE_CAP accepts args[0] 0 and 1
 *     and fails with EINVAL for anything else (and for nonzero flags).
 *  2. Capability off: the old behaviour, an exit with
 *     KVM_INTERNAL_ERROR_EMULATION at CPL0 with #UD queued, which the guest
 *     then takes.
 *  3. The same after enabling and then disabling the capability.
 *  4. Capability on: KVM_EXIT_INTERNAL_ERROR, suberror
 *     KVM_INTERNAL_ERROR_EMULATION, ndata 3, flags INSTRUCTION_BYTES,
 *     insn_size and insn_bytes equal to guest memory at RIP, nothing queued;
 *     userspace decodes the length from the bytes, steps over the
 *     instruction, and the guest resumes and finishes.
 *  5. As 4, with flds in the last two bytes of a page: KVM's instruction
 *     fetch stops at the page boundary, so insn_size is 2 (unless the CPU
 *     supplied the bytes) and insn_bytes[2..14] must be the 0x90 padding.
 *  6. The reserved-bit variant of the cover letter, where
 *     KVM_CAP_SMALLER_MAXPHYADDR is available: guest MAXPHYADDR 36, bit 36
 *     set in a PTE. With EPT that is an emulation failure exit as in 4.
 *     With shadow paging (SVM npt=0, VMX ept=0) KVM does not emulate at
 *     all: its MMU finds the reserved bit and injects #PF(P|RSVD), and the
 *     test checks that instead. On SVM with NPT, where the capability is
 *     absent, this one is reported as SKIP; emulator_error_npt0_test runs
 *     it in a boot with kvm_amd.npt=0.
 *
 * Without KVM_CAP_EXIT_ON_EMULATION_FAILURE the test is skipped. With
 * --without-cap it runs only scenario 2 on such a kernel instead, to show
 * the old behaviour is the same on both (unpatched 5.10 reports ndata 0).
 */
#include "emulation_failure.h"

int main(int argc, char *argv[])
{
	bool have_cap = kvm_check_cap(KVM_CAP_EXIT_ON_EMULATION_FAILURE);

	ksft_print_header();
	if (!have_cap) {
		if (argc < 2 || strcmp(argv[1], "--without-cap"))
			ksft_exit_skip("KVM_CAP_EXIT_ON_EMULATION_FAILURE not supported\n");
		ksft_set_plan(1);
		ef_test_cap_off(false, false);
		ksft_exit_pass();
	}

	ksft_set_plan(6);
	ef_test_enable_cap();
	ef_test_cap_off(false, true);
	ef_test_cap_off(true, true);
	ef_test_mmio(false);
	ef_test_mmio(true);
	ef_test_reserved_bit();
	ksft_exit_pass();
}
