// SPDX-License-Identifier: GPL-2.0
/*
 * emulator_error_npt0_test: emulator_error_test's scenarios under shadow
 * paging, where KVM_CAP_SMALLER_MAXPHYADDR is available without
 * allow_smaller_maxphyaddr. The project's runner boots this test with the
 * extra kernel parameters in emulator_error_npt0_test.cmdline
 * (kvm_amd.npt=0 kvm_intel.ept=0; KVM is built in). It is skipped when KVM
 * uses EPT/NPT or lacks the capabilities.
 *
 * What happens with npt=0: an instruction the emulator cannot handle on
 * MMIO still gives the emulation failure exit with the instruction bytes,
 * as with NPT. The cover letter's reserved-bit variant (guest MAXPHYADDR
 * 36, bit 36 set in a PTE) does not: KVM's shadow MMU walks the guest page
 * tables with the guest's MAXPHYADDR, sees the reserved bit and injects
 * #PF with error code P|RSVD into the guest without emulating anything, so
 * no exit reaches userspace (upstream's test, which expects the exit there,
 * fails under npt=0). The test checks for that #PF.
 */
#include "emulation_failure.h"

int main(void)
{
	ksft_print_header();
	if (!kvm_check_cap(KVM_CAP_EXIT_ON_EMULATION_FAILURE))
		ksft_exit_skip("KVM_CAP_EXIT_ON_EMULATION_FAILURE not supported\n");
	if (!kvm_check_cap(KVM_CAP_SMALLER_MAXPHYADDR) ||
	    ef_tdp_with_smaller_maxphyaddr())
		ksft_exit_skip("KVM uses NPT/EPT: boot with kvm_amd.npt=0 or kvm_intel.ept=0\n");

	ksft_set_plan(5);
	ef_test_enable_cap();
	ef_test_cap_off(false, true);
	ef_test_mmio(false);
	ef_test_mmio(true);
	ef_test_reserved_bit();
	ksft_exit_pass();
}
