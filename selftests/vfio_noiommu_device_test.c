// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_noiommu_device_test: a no-IOMMU device opened before lockdown is
 * refused after it.
 *
 * No-IOMMU mode can be on before the kernel is locked down: enabled on
 * the command line (vfio_noiommu_device_test.cmdline), then lockdown
 * raised at run time through securityfs.  Once locked down, VFIO must not
 * hand out what the mode gives: the device file of a no-IOMMU group, a
 * container for one, or a new no-IOMMU group.  Driven through the real
 * VFIO uapi with QEMU's pci-testdev (1b36:0005), which no driver claims:
 *  - bound to vfio-pci, it gets a no-IOMMU group (/dev/vfio/noiommu-N);
 *  - before lockdown, the group takes a container with the no-IOMMU
 *    backend and gives out the device file, as it always did;
 *  - after "integrity" is written to /sys/kernel/security/lockdown, the
 *    device file and a new container are refused with EPERM, and bound
 *    again the device gets no group at all.
 * A kernel without those checks hands all three out: the test FAILS.
 * SKIPs without the mode on, vfio-pci, the test device or securityfs.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/vfio.h>

#include "kselftest.h"
#include "vfio_noiommu.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"
#define VFIO_PCI	"/sys/bus/pci/drivers/vfio-pci"
#define SECURITYFS	"/sys/kernel/security"
#define LOCKDOWN	SECURITYFS "/lockdown"

/* Write @val to the sysfs file @dir/@name: 0 or -errno. */
static int sysfs_write(const char *dir, const char *name, const char *val)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* The hex value in @dir/@name, or -1. */
static long sysfs_hex(const char *dir, const char *name)
{
	char path[PATH_MAX], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 16) : -1;
}

/* The last path component of the link @dir/@name into @out, or "". */
static void link_name(const char *dir, const char *name, char *out,
		      size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	snprintf(out, size, "%s", strrchr(target, '/') ?
		 strrchr(target, '/') + 1 : target);
}

/* The first pci-testdev without a driver into @bdf: 0, or -1 if none. */
static int find_testdev(char *bdf, size_t size)
{
	char dir[PATH_MAX], drv[64];
	struct dirent *e;
	DIR *d = opendir(PCI_DEVICES);
	int ret = -1;

	if (!d)
		return -1;
	while (ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), PCI_DEVICES "/%s", e->d_name);
		link_name(dir, "driver", drv, sizeof(drv));
		if (sysfs_hex(dir, "vendor") == 0x1b36 &&
		    sysfs_hex(dir, "device") == 0x0005 && !drv[0]) {
			snprintf(bdf, size, "%s", e->d_name);
			ret = 0;
		}
	}
	closedir(d);
	return ret;
}

/* Bind @bdf to vfio-pci; its driver's name afterwards into @drv. */
static void bind_vfio(const char *dir, const char *bdf, char *drv,
		      size_t size)
{
	sysfs_write(dir, "driver_override", "vfio-pci");
	sysfs_write("/sys/bus/pci", "drivers_probe", bdf);
	link_name(dir, "driver", drv, size);
}

/* Raise lockdown to integrity: 0 or -errno. */
static int lock_down(void)
{
	struct stat st;
	int fd, ret;

	if (stat(LOCKDOWN, &st) &&
	    mount("securityfs", SECURITYFS, "securityfs", 0, NULL) &&
	    errno != EBUSY)
		return -errno;
	fd = open(LOCKDOWN, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, "integrity", strlen("integrity")) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

int main(void)
{
	char bdf[64], dir[PATH_MAX], drv[64], grp[32], path[PATH_MAX];
	int container, group, device, cur, ret;

	ksft_print_header();

	cur = noiommu_read();
	if (cur != 'Y')
		ksft_exit_skip("no-IOMMU mode not on (%c): needs vfio.enable_unsafe_noiommu_mode=1\n",
			       cur > 0 ? cur : '?');
	if (access(VFIO_PCI, F_OK))
		ksft_exit_skip("no %s: kernel without CONFIG_VFIO_PCI\n",
			       VFIO_PCI);
	if (find_testdev(bdf, sizeof(bdf)))
		ksft_exit_skip("no free pci-testdev (QEMU -device pci-testdev)\n");

	ksft_set_plan(8);
	snprintf(dir, sizeof(dir), PCI_DEVICES "/%s", bdf);

	bind_vfio(dir, bdf, drv, sizeof(drv));
	link_name(dir, "iommu_group", grp, sizeof(grp));
	ksft_test_result(!strcmp(drv, "vfio-pci") && grp[0],
			 "%s bound to vfio-pci (driver '%s', group '%s')\n",
			 bdf, drv, grp);
	if (!grp[0])
		ksft_exit_fail_msg("no group: nothing further to test\n");

	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%s", grp);
	group = open(path, O_RDWR);
	container = open("/dev/vfio/vfio", O_RDWR);
	if (group < 0 || container < 0)
		ksft_exit_fail_msg("open %s or /dev/vfio/vfio: %s\n", path,
				   strerror(errno));
	ksft_test_result(ioctl(container, VFIO_CHECK_EXTENSION,
			       VFIO_NOIOMMU_IOMMU) > 0,
			 "container offers the no-IOMMU backend\n");

	ret = ioctl(group, VFIO_GROUP_SET_CONTAINER, &container);
	if (!ret)
		ret = ioctl(container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU);
	ksft_test_result(!ret, "%s: container set, no-IOMMU backend (%s)\n",
			 path, ret ? strerror(errno) : "ok");

	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	ksft_test_result(device >= 0, "device file before lockdown (%s)\n",
			 device < 0 ? strerror(errno) : "ok");
	if (device >= 0)
		close(device);

	ret = lock_down();
	if (ret)
		ksft_exit_fail_msg("cannot raise lockdown: %s\n",
				   strerror(-ret));
	ksft_test_result(devport_locked_down() == 1,
			 "lockdown raised to integrity at run time\n");

	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	ksft_test_result(device < 0 && errno == EPERM,
			 "device file after lockdown refused (%s)\n",
			 device < 0 ? strerror(errno) : "handed out");
	if (device >= 0)
		close(device);

	ioctl(group, VFIO_GROUP_UNSET_CONTAINER);
	ret = ioctl(group, VFIO_GROUP_SET_CONTAINER, &container);
	ksft_test_result(ret < 0 && errno == EPERM,
			 "container for the group after lockdown refused (%s)\n",
			 ret < 0 ? strerror(errno) : "set");
	if (!ret)
		ioctl(group, VFIO_GROUP_UNSET_CONTAINER);
	close(group);
	close(container);

	/* Unbound and bound again: no new no-IOMMU group may be made. */
	sysfs_write(VFIO_PCI, "unbind", bdf);
	bind_vfio(dir, bdf, drv, sizeof(drv));
	link_name(dir, "iommu_group", grp, sizeof(grp));
	ksft_test_result(!grp[0] && strcmp(drv, "vfio-pci"),
			 "bound again after lockdown: no group (driver '%s', group '%s')\n",
			 drv, grp);

	ksft_print_cnts();
	return ksft_get_fail_cnt() ? KSFT_FAIL : KSFT_PASS;
}
