// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_noiommu_lockdown_test: unsafe no-IOMMU mode stays off under lockdown.
 *
 * VFIO's no-IOMMU mode gives user space DMA to all of memory, so a kernel
 * locked down for integrity must refuse to turn it on.  Boot with
 * lockdown=integrity (vfio_noiommu_lockdown_test.cmdline), then:
 *  - check that lockdown is in force (root cannot open /dev/port);
 *  - writing Y, or 1, to vfio.enable_unsafe_noiommu_mode fails with EPERM
 *    and the mode stays off;
 *  - writing N (keeping it off) still works.
 *
 * A kernel without the "VFIO unsafe no-iommu mode" lockdown reason accepts
 * the write: the test then FAILS, that is the bug being fixed.  Without
 * lockdown on the command line, or without CONFIG_VFIO_NOIOMMU, it SKIPs;
 * vfio_noiommu_test covers the unlocked case.
 */
#include <stdlib.h>

#include "kselftest.h"
#include "vfio_noiommu.h"

static void try_enable(const char *val)
{
	int ret = noiommu_write(val);

	if (!ret) {
		ksft_test_result_fail("writing %s enabled no-IOMMU mode under lockdown\n",
				      val);
		/* Leave the mode off for whatever runs next. */
		noiommu_write("N");
		return;
	}
	ksft_test_result(ret == -EPERM && noiommu_read() == 'N',
			 "writing %s refused (%s), mode still off\n", val,
			 strerror(-ret));
}

int main(void)
{
	int cur, ret;

	ksft_print_header();

	cur = noiommu_read();
	if (cur < 0)
		ksft_exit_skip("no %s (%s): kernel without CONFIG_VFIO_NOIOMMU\n",
			       NOIOMMU_PARAM, strerror(-cur));
	if (cmdline_lockdown_level() == 0)
		ksft_exit_skip("kernel not booted with lockdown=integrity\n");

	ksft_set_plan(4);

	ret = devport_locked_down();
	if (ret < 0)
		ksft_test_result_skip("/dev/port unavailable, lockdown not confirmed\n");
	else
		ksft_test_result(ret == 1, "lockdown is enforced (/dev/port refused)\n");

	if (cur != 'N') {
		/* Enabled before lockdown took effect, e.g. on the command line */
		ksft_exit_fail_msg("no-IOMMU mode already on at start (%c)\n", cur);
	}

	try_enable("Y");
	try_enable("1");

	ret = noiommu_write("N");
	ksft_test_result(ret == 0 && noiommu_read() == 'N',
			 "writing N still allowed (%s)\n",
			 ret ? strerror(-ret) : "ok");

	ksft_print_cnts();
	return ksft_get_fail_cnt() ? KSFT_FAIL : KSFT_PASS;
}
