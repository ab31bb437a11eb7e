// SPDX-License-Identifier: GPL-2.0
#include "initramfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "testset.h"
#include "util.h"

#define CPIO_TRAILER	"TRAILER!!!"

/* Push @len bytes through the compressor (or straight out). */
static int emit(struct cpio *c, const void *data, size_t len, bool end)
{
	unsigned char out[65536];
	z_stream *z = c->z;

	if (c->err)
		return -1;
	c->offset += len;
	if (!z) {
		if (write_in_full(c->fd, data, len))
			goto fail;
		return 0;
	}
	z->next_in = (unsigned char *)data;
	z->avail_in = len;
	do {
		int ret;

		z->next_out = out;
		z->avail_out = sizeof(out);
		ret = deflate(z, end ? Z_FINISH : Z_NO_FLUSH);
		if (ret == Z_STREAM_ERROR) {
			errno = EIO;
			goto fail;
		}
		if (write_in_full(c->fd, out, sizeof(out) - z->avail_out))
			goto fail;
	} while (z->avail_out == 0 || (end && z->avail_in));
	return 0;
fail:
	c->err = errno ? errno : EIO;
	return -1;
}

static int pad4(struct cpio *c)
{
	static const char zero[4];
	size_t n = (4 - (c->offset & 3)) & 3;

	return n ? emit(c, zero, n, false) : 0;
}

int cpio_open(struct cpio *c, int fd, int level)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->level = level;
	c->ino = 1;
	if (level > 0) {
		z_stream *z = xcalloc(1, sizeof(*z));

		/* 15 + 16: a gzip stream, which the kernel's RD_GZIP takes. */
		if (deflateInit2(z, level, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			free(z);
			errno = ENOMEM;
			return -1;
		}
		c->z = z;
	}
	return 0;
}

static int header(struct cpio *c, const char *name, unsigned int mode,
		  uint32_t size, unsigned int rmaj, unsigned int rmin)
{
	unsigned int nlen = strlen(name) + 1;
	char hdr[128];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->ino++, mode, 0, 0,
		 S_ISDIR(mode) ? 2 : 1, 0, size, 0, 0, rmaj, rmin, nlen, 0);
	if (emit(c, hdr, 110, false) || emit(c, name, nlen, false))
		return -1;
	return pad4(c);
}

static bool have_dir(const struct cpio *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nr_dirs; i++)
		if (!strcmp(c->dirs[i], name))
			return true;
	return false;
}

/* Write every missing parent directory of @name. */
static int parents(struct cpio *c, const char *name)
{
	const char *slash;

	for (slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		char *dir = xstrndup(name, slash - name);
		int ret = 0;

		if (*dir && !have_dir(c, dir))
			ret = cpio_dir(c, dir, 0755);
		free(dir);
		if (ret)
			return -1;
	}
	return 0;
}

static const char *clean_name(const char *name)
{
	while (*name == '/')
		name++;
	return name;
}

int cpio_dir(struct cpio *c, const char *name, unsigned int mode)
{
	name = clean_name(name);
	if (have_dir(c, name))
		return 0;
	if (parents(c, name))
		return -1;
	ALLOC_GROW(c->dirs, c->nr_dirs + 1, c->alloc_dirs);
	c->dirs[c->nr_dirs++] = xstrdup(name);
	return header(c, name, S_IFDIR | (mode & 07777), 0, 0, 0);
}

int cpio_file(struct cpio *c, const char *name, unsigned int mode,
	      const void *data, size_t len)
{
	name = clean_name(name);
	if (len > UINT32_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (parents(c, name) ||
	    header(c, name, S_IFREG | (mode & 07777), len, 0, 0) ||
	    emit(c, data, len, false))
		return -1;
	return pad4(c);
}

int cpio_file_from(struct cpio *c, const char *name, unsigned int mode,
		   const char *src)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int ret;

	if (stat(src, &st) || read_file(src, &sb))
		return -1;
	if (!mode)
		mode = st.st_mode & 07777;
	ret = cpio_file(c, name, mode, sb.buf, sb.len);
	sb_release(&sb);
	return ret;
}

int cpio_symlink(struct cpio *c, const char *name, const char *target)
{
	size_t len = strlen(target);

	name = clean_name(name);
	if (parents(c, name) ||
	    header(c, name, S_IFLNK | 0777, len, 0, 0) ||
	    emit(c, target, len, false))
		return -1;
	return pad4(c);
}

int cpio_chardev(struct cpio *c, const char *name, unsigned int mode,
		 unsigned int major, unsigned int minor)
{
	name = clean_name(name);
	if (parents(c, name))
		return -1;
	return header(c, name, S_IFCHR | (mode & 07777), 0, major, minor);
}

int cpio_finish(struct cpio *c)
{
	size_t i;
	int ret;

	/* The trailer is a header with nlink 1; pad to 4 for what follows. */
	c->ino = 0;
	ret = header(c, CPIO_TRAILER, 0, 0, 0, 0);
	if (!ret)
		ret = pad4(c);
	if (c->z) {
		if (!ret)
			ret = emit(c, NULL, 0, true);
		deflateEnd(c->z);
		free(c->z);
		c->z = NULL;
	}
	for (i = 0; i < c->nr_dirs; i++)
		free(c->dirs[i]);
	free(c->dirs);
	c->dirs = NULL;
	c->nr_dirs = c->alloc_dirs = 0;
	if (c->err) {
		errno = c->err;
		return -1;
	}
	return ret;
}

static int add_base(struct cpio *c, const struct initramfs *ir)
{
	static const char *const dirs[] = {
		"bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev",
		"tmp", "root", "etc", "tests", "ks",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (cpio_dir(c, dirs[i], !strcmp(dirs[i], "tmp") ?
			     01777 : 0755))
			return -1;
	/* The kernel opens /dev/console for init before /dev is mounted. */
	if (cpio_chardev(c, "dev/console", 0600, 5, 1))
		return -1;
	if (cpio_file_from(c, "bin/busybox", 0755, ir->busybox))
		return error("cannot pack %s: %s", ir->busybox,
			     strerror(errno));
	if (cpio_symlink(c, "bin/sh", "busybox"))
		return -1;
	if (cpio_file_from(c, "init", 0755, ir->init))
		return error("cannot pack %s: %s", ir->init, strerror(errno));
	return 0;
}

static int add_tests(struct cpio *c, const struct initramfs *ir)
{
	struct strbuf run = STRBUF_INIT;
	char **suites = NULL;
	size_t nr_suites = 0, alloc = 0, i, j;
	int ret = 0;

	for (i = 0; i < ir->nr && !ret; i++) {
		const struct test_entry *t = &ir->ts->t[ir->idx[i]];
		char *dst = xasprintf("tests/%s", t->name);

		if (cpio_file_from(c, dst, 0755, t->path))
			ret = error("cannot pack %s: %s", t->path,
				    strerror(errno));
		free(dst);
		sb_addf(&run, "%s%s", i ? "," : "", t->name);
		for (j = 0; j < nr_suites; j++)
			if (!strncmp(suites[j], t->name, strlen(suites[j])) &&
			    t->name[strlen(suites[j])] == '/')
				break;
		if (j == nr_suites) {
			ALLOC_GROW(suites, nr_suites + 1, alloc);
			suites[nr_suites++] = xstrndup(t->name,
				strcspn(t->name, "/"));
		}
	}
	/* A list a suite, for the init's ks.run=all. */
	for (j = 0; j < nr_suites && !ret; j++) {
		struct strbuf list = STRBUF_INIT;
		char *dst = xasprintf("tests/%s/list", suites[j]);
		size_t n = strlen(suites[j]);

		for (i = 0; i < ir->nr; i++) {
			const char *name = ir->ts->t[ir->idx[i]].name;

			if (!strncmp(name, suites[j], n) && name[n] == '/')
				sb_addf(&list, "%s\n", name + n + 1);
		}
		ret = cpio_file(c, dst, 0644, list.buf, list.len);
		free(dst);
		sb_release(&list);
	}
	if (!ret && !ir->cmd) {
		if (!ir->nr)
			sb_addstr(&run, "none");
		sb_addch(&run, '\n');
		ret = cpio_file(c, "ks/run", 0644, run.buf, run.len);
	}
	for (j = 0; j < nr_suites; j++)
		free(suites[j]);
	free(suites);
	sb_release(&run);
	return ret;
}

int initramfs_write(const char *path, struct initramfs *ir)
{
	struct cpio c;
	struct stat st;
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return error("cannot create %s: %s", path, strerror(errno));
	ret = cpio_open(&c, fd, ir->level);
	if (!ret)
		ret = add_base(&c, ir);
	if (!ret && ir->ts)
		ret = add_tests(&c, ir);
	else if (!ret && !ir->cmd)
		ret = cpio_file(&c, "ks/run", 0644, "none\n", 5);
	if (cpio_finish(&c) && !ret)
		ret = error("cannot write %s: %s", path, strerror(errno));
	if (!ret && ir->cmd) {
		/* The command: a second archive, as a caller may append. */
		struct strbuf sb = STRBUF_INIT;

		sb_addf(&sb, "%s\n", ir->cmd);
		ret = cpio_open(&c, fd, ir->level);
		if (!ret)
			ret = cpio_file(&c, "ks/cmd", 0755, sb.buf, sb.len);
		if (cpio_finish(&c) && !ret)
			ret = error("cannot write %s: %s", path,
				    strerror(errno));
		sb_release(&sb);
	}
	if (!ret && !fstat(fd, &st))
		ir->bytes = st.st_size;
	if (close(fd) && !ret)
		ret = error("cannot write %s: %s", path, strerror(errno));
	return ret ? -1 : 0;
}
