/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vfio no-IOMMU tests: the module parameter that
 * switches the unsafe mode on and off, and whether the kernel is locked
 * down.
 */
#ifndef SELFTEST_VFIO_NOIOMMU_H
#define SELFTEST_VFIO_NOIOMMU_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOIOMMU_PARAM \
	"/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"

/* Y/N as the kernel reports it, or -errno if the parameter is unreadable. */
static inline int noiommu_read(void)
{
	char buf[8] = "";
	int fd, n;

	fd = open(NOIOMMU_PARAM, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	return buf[0];
}

/* Write @val to the parameter: 0, or -errno as the write reported it. */
static inline int noiommu_write(const char *val)
{
	ssize_t n;
	int fd;

	fd = open(NOIOMMU_PARAM, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/*
 * The lockdown level requested on the kernel command line: 0 none,
 * 1 integrity, 2 confidentiality.
 */
static inline int cmdline_lockdown_level(void)
{
	char buf[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");
	char *p;

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);

	for (p = strtok(buf, " \n"); p; p = strtok(NULL, " \n")) {
		if (!strcmp(p, "lockdown=integrity"))
			return 1;
		if (!strcmp(p, "lockdown=confidentiality"))
			return 2;
	}
	return 0;
}

/*
 * Evidence that the lockdown LSM enforces integrity lockdown right now:
 * opening /dev/port is an integrity-restricted operation (it is refused
 * with EPERM for root when locked down, and allowed otherwise).
 * Returns 1 locked down, 0 not, -1 if /dev/port cannot tell.
 */
static inline int devport_locked_down(void)
{
	int fd = open("/dev/port", O_RDONLY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EPERM ? 1 : -1;
}

#endif /* SELFTEST_VFIO_NOIOMMU_H */
