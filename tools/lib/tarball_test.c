// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the tarball import: the base tree must be the one real
 * git makes of the extracted tarball ('git add -A -f'), for GNU and pax
 * tarballs made by tar here, also when a path comes twice and for files
 * larger than a decoded block; a sha256 mismatch, a corrupt or cut tar
 * stream (the error names the entry) or an unsafe entry (.., absolute,
 * .git, through a symlink) leaves nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <lzma.h>

#include "hash.h"
#include "tarball.h"
#include "util.h"

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/kseries-tarball-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	remove_tree(dir);
	return 0;
}

static void sh(const char *fmt, ...) __printf(1, 2);

static void sh(const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&cmd, fmt, ap);
	va_end(ap);
	if (system(cmd.buf))
		fail_msg("command failed: %s", cmd.buf);
	sb_release(&cmd);
}

static char *capture(const char *cmd)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[256];
	FILE *f = popen(cmd, "r");

	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f))
		sb_addstr(&sb, buf);
	assert_int_equal(pclose(f), 0);
	sb_rtrim(&sb);
	return sb_detach(&sb);
}

/* A small tree with what a kernel tarball has, tarred in @format. */
static void make_tree_tarball(const char *format, const char *out)
{
	char long_dir[160];

	memset(long_dir, 'd', sizeof(long_dir) - 1);
	long_dir[sizeof(long_dir) - 1] = '\0';
	sh("set -e; cd %s; rm -rf linux-0.1; mkdir -p linux-0.1/arch/x86/kvm "
	   "linux-0.1/empty/dir linux-0.1/%s; cd linux-0.1; "
	   "printf 'int x;\\n' > arch/x86/kvm/x86.c; "
	   "printf '#!/bin/sh\\n' > run.sh; chmod 755 run.sh; "
	   ": > empty.h; printf 'no newline' > nonl; "
	   "printf '*.o\\n' > .gitignore; printf 'obj' > x.o; "
	   "printf 'long\\n' > %s/file-with-a-long-name.c; "
	   "ln -s arch/x86 x86link; ln arch/x86/kvm/x86.c hardlink.c; "
	   "printf 'a.c\\nb.c\\n' > arch/a-b; printf 'z' > arch/a.c; "
	   "mkdir arch/a; printf 'y' > arch/a/b; "
	   "cd ..; tar --format=%s -cJf %s linux-0.1",
	   dir, long_dir, long_dir, format, out);
}

/* What git makes of the extracted tarball. */
static char *git_tree_of(const char *tarball)
{
	char *cmd = xasprintf("set -e; cd %s; rm -rf x; mkdir x; cd x; "
			      "tar xJf %s; cd linux-0.1; git init -q; "
			      "git add -A -f; git write-tree", dir, tarball);
	char *id = capture(cmd);

	free(cmd);
	return id;
}

static void import_matches_git(const char *format)
{
	char *tarball = xasprintf("%s/%s.tar.xz", dir, format);
	char *repo = xasprintf("%s/repo-%s", dir, format);
	struct tarball_opts o = {
		.tarball = tarball, .strip = "linux-0.1", .repo = repo,
		.name = "Linux 0.1", .branch = "series", .tag = "base",
	};
	struct tarball_result r;
	char hex[65], *want, *cmd, *out;

	make_tree_tarball(format, tarball);
	assert_int_equal(sha256_file(tarball, hex), 0);
	o.sha256 = hex;
	assert_int_equal(tarball_import(&o, &r), 0);
	want = git_tree_of(tarball);
	assert_string_equal(r.tree, want);
	assert_int_equal(r.files, 12);
	/* git agrees with the index and work tree we wrote. */
	cmd = xasprintf("cd %s && git status --porcelain && git fsck --strict --no-progress 2>&1 && git rev-parse base series HEAD^{tree}",
			repo);
	out = capture(cmd);
	{
		char *expect = xasprintf("%s\n%s\n%s", r.commit, r.commit,
					 r.tree);

		assert_string_equal(out, expect);
		free(expect);
	}
	free(out);
	free(cmd);
	/* The index (gitindex.c) lists the tree's entries, stage 0. */
	cmd = xasprintf("cd %s && git ls-files -s | tr '\\t' ' ' > ix && %s",
			repo, "git ls-tree -r HEAD | awk '{ print $1, $3, 0, $4 }' > t && cmp ix t && wc -l < ix && git update-index --refresh");
	out = capture(cmd);
	assert_string_equal(out, "12");
	free(out);
	free(cmd);
	free(want);
	free(tarball);
	free(repo);
}

static void test_gnu_tar(void **state)
{
	import_matches_git("gnu");
}

static void test_pax_tar(void **state)
{
	import_matches_git("pax");
}

static void test_sha_mismatch(void **state)
{
	char *tarball = xasprintf("%s/t.tar.xz", dir);
	char *repo = xasprintf("%s/repo", dir);
	struct tarball_opts o = {
		.tarball = tarball, .strip = "linux-0.1", .repo = repo,
		.sha256 = "0000000000000000000000000000000000000000000000000000000000000000",
	};
	struct tarball_result r;
	char *ls, *cmd;

	make_tree_tarball("gnu", tarball);
	assert_int_equal(tarball_import(&o, &r), -1);
	assert_false(path_exists(repo));
	cmd = xasprintf("ls %s | grep -c repo || true", dir);
	ls = capture(cmd);
	assert_string_equal(ls, "0");
	free(ls);
	free(cmd);
	free(tarball);
	free(repo);
}

/* A tar header for @name (type @type, @size bytes, link @link). */
static void tar_header(struct strbuf *sb, const char *name, char type,
		       size_t size, const char *link)
{
	unsigned char h[512];
	unsigned int sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", (unsigned int)size);
	snprintf((char *)h + 136, 12, "%011o", 1700000000);
	memset(h + 148, ' ', 8);
	h[156] = type;
	if (link)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	sb_add(sb, h, 512);
}

static void tar_file(struct strbuf *sb, const char *name, const char *data)
{
	size_t n = strlen(data);
	static const char zeros[512];

	tar_header(sb, name, '0', n, NULL);
	sb_add(sb, data, n);
	sb_add(sb, zeros, (512 - n % 512) % 512);
}

/* Write @tar as it is, compressed, to @path. */
static void write_xz_raw(const struct strbuf *tar, const char *path)
{
	size_t pos = 0, cap;
	uint8_t *out;

	cap = lzma_stream_buffer_bound(tar->len);
	out = xmalloc(cap);
	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL,
						 (uint8_t *)tar->buf,
						 tar->len, out, &pos, cap),
			 LZMA_OK);
	assert_int_equal(write_file_atomic(path, out, pos), 0);
	free(out);
}

/* Write @tar (ending it) as .xz to @path. */
static void write_xz(struct strbuf *tar, const char *path)
{
	static const char zeros[1024];

	sb_add(tar, zeros, sizeof(zeros));
	write_xz_raw(tar, path);
}

/* A tarball whose entries after a good file are @evil must be refused. */
static void refuse(void (*evil)(struct strbuf *), const char *what)
{
	char *tarball = xasprintf("%s/evil.tar.xz", dir);
	char *repo = xasprintf("%s/evil-repo", dir);
	struct tarball_opts o = {
		.tarball = tarball, .strip = "linux-0.1", .repo = repo,
	};
	struct strbuf tar = STRBUF_INIT;
	struct tarball_result r;

	tar_header(&tar, "linux-0.1/", '5', 0, NULL);
	tar_file(&tar, "linux-0.1/ok.c", "ok\n");
	evil(&tar);
	write_xz(&tar, tarball);
	if (tarball_import(&o, &r) != -1)
		fail_msg("%s was accepted", what);
	assert_false(path_exists(repo));
	{
		char *escaped = xasprintf("%s/escaped", dir);

		assert_false(path_exists(escaped));
		free(escaped);
	}
	sb_release(&tar);
	free(tarball);
	free(repo);
}

static void evil_dotdot(struct strbuf *t)
{
	tar_file(t, "linux-0.1/../escaped", "x");
}

static void evil_git(struct strbuf *t)
{
	tar_file(t, "linux-0.1/.git/hooks/post-checkout", "x");
}

static void evil_outside(struct strbuf *t)
{
	tar_file(t, "other/file", "x");
}

static void evil_symlink(struct strbuf *t)
{
	tar_header(t, "linux-0.1/l", '2', 0, "..");
	tar_file(t, "linux-0.1/l/escaped", "x");
}

static void test_unsafe_entries(void **state)
{
	refuse(evil_dotdot, "a '..' entry");
	refuse(evil_git, "a .git entry");
	refuse(evil_outside, "an entry outside the top directory");
	refuse(evil_symlink, "an entry through a symlink");
}

static void test_truncated(void **state)
{
	char *tarball = xasprintf("%s/t.tar.xz", dir);
	char *repo = xasprintf("%s/repo", dir);
	struct tarball_opts o = {
		.tarball = tarball, .strip = "linux-0.1", .repo = repo,
	};
	struct tarball_result r;

	make_tree_tarball("gnu", tarball);
	assert_int_equal(truncate(tarball, 300), 0);
	assert_int_equal(tarball_import(&o, &r), -1);
	assert_false(path_exists(repo));
	free(tarball);
	free(repo);
}

/* Send stderr to the file @log; returns what stderr was. */
static int stderr_to(const char *log)
{
	int saved, fd;

	fflush(stderr);
	saved = dup(2);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	close(fd);
	return saved;
}

/* Back to the @saved stderr; @err gets what was written to @log. */
static void stderr_back(int saved, const char *log, struct strbuf *err)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	sb_reset(err);
	assert_int_equal(read_file(log, err), 0);
	fputs(err->buf, stderr);
}

/* Import @tar (ended or not) into a new repository: its result and stderr. */
static int import_tar(struct strbuf *tar, bool end, struct strbuf *err)
{
	char *tarball = xasprintf("%s/c.tar.xz", dir);
	char *repo = xasprintf("%s/c-repo", dir);
	char *log = xasprintf("%s/stderr", dir);
	struct tarball_opts o = {
		.tarball = tarball, .strip = "linux-0.1", .repo = repo,
	};
	struct tarball_result r;
	int saved, ret;

	if (end)
		write_xz(tar, tarball);
	else
		write_xz_raw(tar, tarball);
	saved = stderr_to(log);
	ret = tarball_import(&o, &r);
	stderr_back(saved, log, err);
	if (ret)
		assert_false(path_exists(repo));
	free(tarball);
	free(repo);
	free(log);
	return ret;
}

/* A corrupt header is refused, and the error names the entry before it. */
static void test_corrupt_header(void **state)
{
	struct strbuf tar = STRBUF_INIT, err = STRBUF_INIT;
	char junk[512];

	memset(junk, 'j', sizeof(junk));
	tar_header(&tar, "linux-0.1/", '5', 0, NULL);
	tar_file(&tar, "linux-0.1/ok.c", "ok\n");
	sb_add(&tar, junk, sizeof(junk));
	assert_int_equal(import_tar(&tar, true, &err), -1);
	assert_non_null(strstr(err.buf,
			       "corrupt tar archive after 'linux-0.1/ok.c'"));
	sb_release(&tar);
	sb_release(&err);
}

/* A tar stream cut in a file's data names the file. */
static void test_ends_early(void **state)
{
	struct strbuf tar = STRBUF_INIT, err = STRBUF_INIT;

	tar_header(&tar, "linux-0.1/", '5', 0, NULL);
	tar_file(&tar, "linux-0.1/ok.c", "ok\n");
	tar_header(&tar, "linux-0.1/cut.c", '0', 4096, NULL);
	sb_add(&tar, "only this", 9);
	assert_int_equal(import_tar(&tar, false, &err), -1);
	assert_non_null(strstr(err.buf,
			       "corrupt tar archive in 'linux-0.1/cut.c'"));
	sb_release(&tar);
	sb_release(&err);
}

/*
 * Files larger than a decoded block (4 MB), so across two of them, and
 * empty files come out whole, next to the small ones read in place.
 */
static void test_big_files(void **state)
{
	struct strbuf tar = STRBUF_INIT, err = STRBUF_INIT;
	size_t n = (9 << 20) + 7, i;
	char *big = xmalloc(n + 1), *cmd, *out, *want;

	for (i = 0; i < n; i++)
		big[i] = 'a' + (i * 7 + i / 4099) % 26;
	big[n] = '\0';
	tar_header(&tar, "linux-0.1/", '5', 0, NULL);
	tar_file(&tar, "linux-0.1/small.c", "small\n");
	tar_file(&tar, "linux-0.1/big", big);
	tar_file(&tar, "linux-0.1/empty", "");
	tar_file(&tar, "linux-0.1/big2", big + 12345);
	tar_file(&tar, "linux-0.1/after.c", "after\n");
	assert_int_equal(import_tar(&tar, true, &err), 0);
	want = xasprintf("%s\n%s\nsmall\nafter", big, big + 12345);
	cmd = xasprintf("cd %s/c-repo && cat big && echo && cat big2 && echo && cat small.c after.c empty && git status --porcelain && git fsck --strict --no-progress 2>&1",
			dir);
	out = capture(cmd);
	assert_true(!strcmp(out, want));
	free(out);
	free(cmd);
	free(want);
	free(big);
	sb_release(&tar);
	sb_release(&err);
}

/*
 * A tarball may name a path twice (tar -r appends): the later entry wins,
 * in the work tree and in the tree, as with 'tar x' and 'git add'; a
 * file may even become a symlink.
 */
static void test_path_twice(void **state)
{
	char *tarball = xasprintf("%s/twice.tar.xz", dir);
	char *repo = xasprintf("%s/twice-repo", dir);
	struct tarball_opts o = {
		.tarball = tarball, .strip = "linux-0.1", .repo = repo,
		.name = "Linux 0.1", .branch = "series", .tag = "base",
	};
	struct strbuf tar = STRBUF_INIT;
	struct tarball_result r;
	char hex[65], *want, *cmd, *out;

	tar_header(&tar, "linux-0.1/", '5', 0, NULL);
	tar_file(&tar, "linux-0.1/a.c", "first\n");
	tar_file(&tar, "linux-0.1/l", "a file first\n");
	tar_file(&tar, "linux-0.1/a.c", "second\n");
	tar_header(&tar, "linux-0.1/l", '2', 0, "a.c");
	write_xz(&tar, tarball);
	assert_int_equal(sha256_file(tarball, hex), 0);
	o.sha256 = hex;
	assert_int_equal(tarball_import(&o, &r), 0);
	want = git_tree_of(tarball);
	assert_string_equal(r.tree, want);
	cmd = xasprintf("cd %s && cat a.c l && readlink l && git status --porcelain",
			repo);
	out = capture(cmd);
	assert_string_equal(out, "second\nsecond\na.c");
	free(out);
	free(cmd);
	free(want);
	sb_release(&tar);
	free(tarball);
	free(repo);
}

struct seen {
	size_t calls, files, bytes;
	double seconds;
	bool done, after_done;
};

static void count_progress(const struct tarball_progress *p, void *data)
{
	struct seen *s = data;

	s->after_done |= s->done;
	assert_true(p->files >= s->files && p->bytes >= s->bytes);
	assert_true(p->seconds >= s->seconds);
	s->calls++;
	s->files = p->files;
	s->bytes = p->bytes;
	s->seconds = p->seconds;
	s->done = p->done;
}

/*
 * Progress goes to the caller's function, the last call with the totals;
 * tarball_print_progress() is the usual line.
 */
static void test_progress(void **state)
{
	char *tarball = xasprintf("%s/p.tar.xz", dir);
	char *repo = xasprintf("%s/p-repo", dir);
	char *log = xasprintf("%s/stderr", dir);
	struct seen seen = { 0 };
	struct tarball_opts o = {
		.tarball = tarball, .strip = "linux-0.1", .repo = repo,
		.progress_fn = count_progress, .progress_data = &seen,
	};
	struct tarball_progress p = {
		.files = 3000, .bytes = 5 << 20, .seconds = 2.0, .done = true,
	};
	struct tarball_result r;
	struct strbuf err = STRBUF_INIT;
	int saved;

	make_tree_tarball("gnu", tarball);
	saved = stderr_to(log);
	assert_int_equal(tarball_import(&o, &r), 0);
	stderr_back(saved, log, &err);
	assert_string_equal(err.buf, "");
	assert_true(seen.calls >= 1 && seen.done && !seen.after_done);
	assert_int_equal(seen.files, 12);
	assert_int_equal(seen.files, r.files);
	assert_int_equal(seen.bytes, r.bytes);
	saved = stderr_to(log);
	tarball_print_progress(&p, NULL);
	stderr_back(saved, log, &err);
	assert_string_equal(err.buf,
			    "kseries: import: 3000 files, 5 MB, 1500 files/s, 2.0 s\n");
	sb_release(&err);
	free(tarball);
	free(repo);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gnu_tar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pax_tar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sha_mismatch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_entries, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_path_twice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ends_early, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_big_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup,
						teardown),
	};

	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	return cmocka_run_group_tests_name("tarball", tests, NULL, NULL);
}
