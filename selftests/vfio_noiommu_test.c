// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_noiommu_test: unsafe no-IOMMU mode can be switched on and off when
 * the kernel is not locked down.
 *
 * Companion of vfio_noiommu_lockdown_test: the lockdown check must only
 * refuse the mode under lockdown.  Without lockdown, writing Y (or 1) to
 * vfio.enable_unsafe_noiommu_mode turns the mode on and N turns it off
 * again, as before.  SKIPs without CONFIG_VFIO_NOIOMMU or when the kernel
 * was booted locked down.
 */
#include <stdlib.h>

#include "kselftest.h"
#include "vfio_noiommu.h"

static void set_and_check(const char *val, int expect)
{
	int ret = noiommu_write(val);
	int now = noiommu_read();

	ksft_test_result(ret == 0 && now == expect,
			 "writing %s: %s, mode now %c\n", val,
			 ret ? strerror(-ret) : "ok", now > 0 ? now : '?');
}

int main(void)
{
	int cur;

	ksft_print_header();

	cur = noiommu_read();
	if (cur < 0)
		ksft_exit_skip("no %s (%s): kernel without CONFIG_VFIO_NOIOMMU\n",
			       NOIOMMU_PARAM, strerror(-cur));
	if (cmdline_lockdown_level() != 0 || devport_locked_down() == 1)
		ksft_exit_skip("kernel is locked down; see vfio_noiommu_lockdown_test\n");

	ksft_set_plan(5);

	ksft_test_result(cur == 'N', "no-IOMMU mode off by default (%c)\n", cur);
	set_and_check("Y", 'Y');
	set_and_check("N", 'N');
	set_and_check("1", 'Y');
	set_and_check("0", 'N');

	ksft_print_cnts();
	return ksft_get_fail_cnt() ? KSFT_FAIL : KSFT_PASS;
}
