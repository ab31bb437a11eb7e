/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's initramfs, written directly: a cpio "newc" archive (the
 * format the kernel unpacks, see Documentation/driver-api/early-userspace/
 * buffer-format.rst), optionally gzip-compressed with zlib. Archives may
 * be concatenated; the kernel unpacks them in order, later entries
 * adding to (or replacing) earlier ones.
 */
#ifndef KSERIES_INITRAMFS_H
#define KSERIES_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct testset;

struct cpio {
	int fd;
	int level;		/* 0: uncompressed */
	void *z;		/* z_stream when compressing */
	uint64_t offset;	/* uncompressed bytes written */
	uint32_t ino;
	int err;		/* first error (errno), sticky */
	char **dirs;		/* directories already written */
	size_t nr_dirs, alloc_dirs;
};

/* Start an archive on @fd (left open), gzip @level 1-9 or 0 for none. */
int cpio_open(struct cpio *c, int fd, int level);
/*
 * Entries; names are relative ("bin/busybox"), missing parent
 * directories are added (mode 0755). Each returns 0 or -1 (errno set).
 */
int cpio_dir(struct cpio *c, const char *name, unsigned int mode);
int cpio_file(struct cpio *c, const char *name, unsigned int mode,
	      const void *data, size_t len);
/* A host file's contents; @mode 0 takes the file's permission bits. */
int cpio_file_from(struct cpio *c, const char *name, unsigned int mode,
		   const char *src);
int cpio_symlink(struct cpio *c, const char *name, const char *target);
int cpio_chardev(struct cpio *c, const char *name, unsigned int mode,
		 unsigned int major, unsigned int minor);
/* Write the trailer, finish the gzip stream; frees @c's state. */
int cpio_finish(struct cpio *c);

/* What goes into a guest's initramfs. */
struct initramfs {
	const char *busybox;	/* a static busybox, /bin/busybox */
	const char *init;	/* kernel-overlay/init */
	const struct testset *ts;
	const size_t *idx;	/* which tests of @ts, in run order */
	size_t nr;
	const char *cmd;	/* a shell command run as the only test */
	int level;		/* gzip level, 0 for none */
	uint64_t bytes;		/* out: size of the file written */
};

/*
 * Write @path: busybox as /bin/busybox, the init as /init, /dev/console,
 * the tests as /tests/<suite>/<name> with /tests/<suite>/list, the run
 * order in /ks/run; then, if @cmd is set, a second archive with /ks/cmd
 * (boot with "ks.cmd").
 */
int initramfs_write(const char *path, struct initramfs *ir);

#endif
