// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the cpio writer: what it writes is read back by GNU cpio
 * (listing and extraction in a temporary directory), compressed or not,
 * and the guest initramfs has the layout the init expects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "initramfs.h"
#include "testset.h"
#include "util.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/ks-cpio-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static int sh(const char *cmd, struct strbuf *out)
{
	const char *argv[] = { "sh", "-c", cmd, NULL };

	return run_capture(argv, NULL, out);
}

static void write_archive(const char *path, int level)
{
	static const char data[] = "#!/bin/sh\necho hello\n";
	struct cpio c;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char big[70000];
	size_t i;

	assert_true(fd >= 0);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	assert_int_equal(cpio_open(&c, fd, level), 0);
	assert_int_equal(cpio_dir(&c, "tmp", 01777), 0);
	assert_int_equal(cpio_file(&c, "/bin/hello", 0755, data,
				   sizeof(data) - 1), 0);
	/* Parents appear on their own: a/b/c/. */
	assert_int_equal(cpio_file(&c, "a/b/c/big", 0644, big, sizeof(big)),
			 0);
	assert_int_equal(cpio_file(&c, "empty", 0600, "", 0), 0);
	assert_int_equal(cpio_symlink(&c, "bin/sh", "hello"), 0);
	assert_int_equal(cpio_chardev(&c, "dev/console", 0600, 5, 1), 0);
	assert_int_equal(cpio_finish(&c), 0);
	close(fd);
}

static void check_extracted(const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	struct stat st;
	size_t i;

	p = path_join(dir, "x/bin/hello");
	assert_int_equal(read_file(p, &sb), 0);
	assert_string_equal(sb.buf, "#!/bin/sh\necho hello\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	free(p);
	sb_reset(&sb);

	p = path_join(dir, "x/a/b/c/big");
	assert_int_equal(read_file(p, &sb), 0);
	assert_int_equal(sb.len, 70000);
	for (i = 0; i < sb.len; i++)
		if (sb.buf[i] != (char)(i * 7 + i / 251))
			fail_msg("big differs at %zu", i);
	free(p);
	sb_reset(&sb);

	p = path_join(dir, "x/empty");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(p);

	p = path_join(dir, "x/tmp");
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 01777);
	free(p);

	p = path_join(dir, "x/bin/sh");
	{
		char target[64];
		ssize_t n = readlink(p, target, sizeof(target) - 1);

		assert_true(n > 0);
		target[n] = '\0';
		assert_string_equal(target, "hello");
	}
	free(p);
	sb_release(&sb);
}

static void roundtrip(int level)
{
	char *dir = tmpdir(), *arc = path_join(dir, "a.cpio");
	struct strbuf out = STRBUF_INIT;
	char *cmd;

	write_archive(arc, level);
	/* GNU cpio lists it: names, the device node, the symlink. */
	cmd = xasprintf("%s %s | cpio -tv --quiet 2>&1",
			level ? "gzip -dc" : "cat", arc);
	assert_int_equal(sh(cmd, &out), 0);
	free(cmd);
	assert_non_null(strstr(out.buf, " bin/hello\n"));
	assert_non_null(strstr(out.buf, " a/b/c/big\n"));
	assert_non_null(strstr(out.buf, " a/b\n"));
	assert_non_null(strstr(out.buf, "crw-------"));
	assert_non_null(strstr(out.buf, "5,   1"));
	assert_non_null(strstr(out.buf, "bin/sh -> hello"));
	/* Parents come before children. */
	assert_true(strstr(out.buf, " a/b\n") < strstr(out.buf, " a/b/c\n"));
	sb_reset(&out);

	/* Extract (not the device node: that needs no privileges here). */
	cmd = xasprintf("mkdir %s/x && cd %s/x && %s %s | cpio -idm --quiet --no-absolute-filenames 'bin/*' 'a/*' a empty tmp 2>&1",
			dir, dir, level ? "gzip -dc" : "cat", arc);
	assert_int_equal(sh(cmd, &out), 0);
	free(cmd);
	check_extracted(dir);
	if (level) {
		/* It is a gzip stream the kernel's RD_GZIP can take. */
		cmd = xasprintf("gzip -t %s", arc);
		assert_int_equal(sh(cmd, &out), 0);
		free(cmd);
	} else {
		struct stat st;

		/* newc pads everything to 4 bytes. */
		assert_int_equal(stat(arc, &st), 0);
		assert_int_equal(st.st_size % 4, 0);
	}
	sb_release(&out);
	free(arc);
	remove_tree(dir);
	free(dir);
}

static void test_roundtrip_plain(void **state)
{
	roundtrip(0);
}

static void test_roundtrip_gzip(void **state)
{
	roundtrip(6);
}

static void test_initramfs_layout(void **state)
{
	char *dir = tmpdir(), *arc = path_join(dir, "initrd.cpio");
	char *bin = path_join(dir, "t_test"), *init = path_join(dir, "init");
	struct initramfs ir = { 0 };
	struct testset ts = { 0 };
	struct strbuf out = STRBUF_INIT;
	size_t idx[] = { 1, 0 };
	char *cmd;

	assert_int_equal(write_file_atomic(bin, "BIN", 3), 0);
	assert_int_equal(write_file_atomic(init, "#!/bin/sh\n", 10), 0);
	testset_add(&ts, "project/one_test", bin, NULL);
	testset_add(&ts, "base/two", bin, NULL);
	ir.busybox = bin;
	ir.init = init;
	ir.ts = &ts;
	ir.idx = idx;
	ir.nr = 2;
	assert_int_equal(initramfs_write(arc, &ir), 0);
	assert_true(ir.bytes > 0);
	cmd = xasprintf("cd %s && mkdir x && cd x && cpio -idm --quiet init 'tests/*' 'ks/*' 'bin/*' < %s && "
			"cat tests/base/list tests/project/list ks/run && "
			"stat -c '%%a %%n' init tests/base/two bin/busybox && "
			"cpio -t --quiet < %s | grep -c '^dev/console$'",
			dir, arc, arc);
	assert_int_equal(sh(cmd, &out), 0);
	free(cmd);
	assert_string_equal(out.buf,
		"two\n"
		"one_test\n"
		"base/two,project/one_test\n"
		"755 init\n"
		"755 tests/base/two\n"
		"755 bin/busybox\n"
		"1\n");
	sb_release(&out);
	testset_release(&ts);
	free(arc);
	free(bin);
	free(init);
	remove_tree(dir);
	free(dir);
}

/* Walk every archive of a file of concatenated newc archives. */
static int count_entries(const char *buf, size_t len, const char *want,
			 char **content)
{
	size_t off = 0;
	int trailers = 0;

	while (off + 110 <= len) {
		unsigned int nsize, fsize;
		char name[256], num[9] = { 0 };

		if (memcmp(buf + off, "070701", 6)) {
			off += 4;	/* padding between archives */
			continue;
		}
		memcpy(num, buf + off + 54, 8);
		fsize = strtoul(num, NULL, 16);
		memcpy(num, buf + off + 94, 8);
		nsize = strtoul(num, NULL, 16);
		snprintf(name, sizeof(name), "%.*s", (int)nsize - 1,
			 buf + off + 110);
		off = (off + 110 + nsize + 3) & ~(size_t)3;
		if (!strcmp(name, "TRAILER!!!"))
			trailers++;
		if (!strcmp(name, want))
			*content = xstrndup(buf + off, fsize);
		off = (off + fsize + 3) & ~(size_t)3;
	}
	return trailers;
}

static void test_cmd_archive(void **state)
{
	char *dir = tmpdir(), *arc = path_join(dir, "initrd.cpio");
	char *init = path_join(dir, "init");
	struct initramfs ir = { 0 };
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	char *content = NULL, *cmd;

	assert_int_equal(write_file_atomic(init, "#!/bin/sh\n", 10), 0);
	ir.busybox = init;
	ir.init = init;
	ir.cmd = "echo c > /proc/sysrq-trigger";
	assert_int_equal(initramfs_write(arc, &ir), 0);
	assert_int_equal(read_file(arc, &sb), 0);
	/* Two archives; the second holds /ks/cmd; no /ks/run. */
	assert_int_equal(count_entries(sb.buf, sb.len, "ks/cmd", &content),
			 2);
	assert_non_null(content);
	assert_string_equal(content, "echo c > /proc/sysrq-trigger\n");
	free(content);
	content = NULL;
	count_entries(sb.buf, sb.len, "ks/run", &content);
	assert_null(content);
	/* GNU cpio reads the first archive and stops at its trailer. */
	cmd = xasprintf("cpio -t --quiet < %s | tail -1", arc);
	assert_int_equal(sh(cmd, &out), 0);
	assert_string_equal(out.buf, "init\n");
	free(cmd);

	/* Compressed: two gzip members, gunzip reads them as one. */
	ir.level = 1;
	assert_int_equal(initramfs_write(arc, &ir), 0);
	sb_reset(&out);
	cmd = xasprintf("gzip -dc %s", arc);
	assert_int_equal(sh(cmd, &out), 0);
	free(cmd);
	assert_int_equal(count_entries(out.buf, out.len, "ks/cmd", &content),
			 2);
	assert_string_equal(content, "echo c > /proc/sysrq-trigger\n");
	free(content);
	sb_release(&sb);
	sb_release(&out);
	free(arc);
	free(init);
	remove_tree(dir);
	free(dir);
}

static void test_errors(void **state)
{
	struct initramfs ir = { .busybox = "/nonexistent/busybox",
				.init = "/nonexistent/init" };
	char *dir = tmpdir(), *arc = path_join(dir, "x");

	assert_int_equal(initramfs_write(arc, &ir), -1);
	assert_int_equal(initramfs_write("/nonexistent/dir/x", &ir), -1);
	free(arc);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_plain),
		cmocka_unit_test(test_roundtrip_gzip),
		cmocka_unit_test(test_initramfs_layout),
		cmocka_unit_test(test_cmd_archive),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("initramfs", tests, NULL, NULL);
}
