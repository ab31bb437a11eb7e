// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the direct index reader/writer against real git: what
 * git wrote is found, and what we write git reads back (ls-files -s,
 * fsck of the index, a clean status).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gitindex.h"
#include "util.h"

static char dir[64];

static char *run(const char *fmt, ...) __printf(1, 2);

static char *run(const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
	char buf[512];
	va_list ap;
	FILE *f;

	sb_addf(&cmd, "cd %s && ", dir);
	va_start(ap, fmt);
	sb_vaddf(&cmd, fmt, ap);
	va_end(ap);
	f = popen(cmd.buf, "r");
	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f))
		sb_addstr(&out, buf);
	if (pclose(f))
		fail_msg("failed: %s", cmd.buf);
	sb_release(&cmd);
	return sb_detach(&out);
}

/* Parse the 40 hex digits at @hex. */
static void hex_oid(const char *hex, unsigned char oid[20])
{
	int i;

	for (i = 0; i < 20; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &oid[i]), 1);
}

static int setup(void **state)
{
	strcpy(dir, "/tmp/kseries-index-XXXXXX");
	assert_non_null(mkdtemp(dir));
	free(run("git init -q && mkdir -p a/b && echo 1 > a/b/one && "
		 "echo 2 > a/two && echo 3 > three && ln -s three link && "
		 "echo x > a.c && git add -A && git -c user.name=a -c user.email=b@c commit -q -m base && "
		 "git update-index --index-version %s",
		 (char *)*state));
	return 0;
}

static int teardown(void **state)
{
	remove_tree(dir);
	return 0;
}

static char *index_path(void)
{
	return xasprintf("%s/.git/index", dir);
}

static void test_read_find(void **state)
{
	char *p = index_path();
	struct gitindex ix;
	struct gitindex_entry e;
	char *want;
	char hex[41];

	assert_int_equal(gitindex_read(&ix, p), 0);
	assert_int_equal(ix.nr, 5);
	assert_true(gitindex_find(&ix, "a/b/one", &e));
	want = run("git rev-parse :a/b/one");
	hex_encode(hex, e.oid, 20);
	assert_memory_equal(hex, want, 40);
	assert_int_equal(e.mode, 0100644);
	assert_int_equal(e.size, 2);
	assert_true(gitindex_find(&ix, "link", &e));
	assert_int_equal(e.mode, 0120000);
	assert_true(gitindex_find(&ix, "a.c", &e));
	assert_false(gitindex_find(&ix, "a", &e));
	assert_false(gitindex_find(&ix, "zzz", &e));
	assert_false(gitindex_find(&ix, "", &e));
	free(want);
	gitindex_release(&ix);
	free(p);
}

static void test_write(void **state)
{
	char *p = index_path(), *out, *want;
	struct gitindex_entry changed, added;
	struct gitindex_update up[3];
	struct stat st;
	struct gitindex ix;
	char *f;

	/* Change a/two, add a/b/new, remove three, as git would. */
	free(run("echo changed > a/two && echo new > a/b/new && "
		 "rm three && git hash-object -w a/two a/b/new >/dev/null"));
	assert_int_equal(gitindex_read(&ix, p), 0);
	memset(&changed, 0, sizeof(changed));
	f = xasprintf("%s/a/two", dir);
	assert_int_equal(lstat(f, &st), 0);
	free(f);
	gitindex_stat(&changed, &st);
	changed.mode = 0100755;
	out = run("git hash-object a/two");
	hex_oid(out, changed.oid);
	free(out);
	memset(&added, 0, sizeof(added));
	f = xasprintf("%s/a/b/new", dir);
	assert_int_equal(lstat(f, &st), 0);
	free(f);
	gitindex_stat(&added, &st);
	added.mode = 0100644;
	out = run("git hash-object a/b/new");
	hex_oid(out, added.oid);
	free(out);
	up[0] = (struct gitindex_update){ "three", NULL };
	up[1] = (struct gitindex_update){ "a/two", &changed };
	up[2] = (struct gitindex_update){ "a/b/new", &added };
	assert_int_equal(gitindex_write(&ix, up, 3), 0);
	gitindex_release(&ix);

	out = run("git ls-files -s | cut -c1-6,50-");
	want = xstrdup("100644\ta.c\n100644\ta/b/new\n100644\ta/b/one\n"
		       "100755\ta/two\n120000\tlink\n");
	assert_string_equal(out, want);
	free(out);
	free(want);
	/* git reads our index without complaint; a/two's mode differs. */
	out = run("git status --porcelain=v1 2>&1");
	assert_string_equal(out, "A  a/b/new\nMM a/two\nD  three\n");
	free(out);
	assert_false(path_exists(p) && access(p, R_OK));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(test_read_find, setup,
							 teardown, "2"),
		cmocka_unit_test_prestate_setup_teardown(test_read_find, setup,
							 teardown, "3"),
		cmocka_unit_test_prestate_setup_teardown(test_write, setup,
							 teardown, "2"),
	};

	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	return cmocka_run_group_tests_name("gitindex", tests, NULL, NULL);
}
