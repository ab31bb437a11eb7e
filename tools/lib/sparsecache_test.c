// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of sparse's cache: what the key is made of (the .cmd file's
 * source and dependencies by content, the arguments, the directory,
 * sparse's binary), what cannot be keyed, and runs of a fake sparse that
 * counts how often it really ran.
 */
#include <fcntl.h>
#include <limits.h>
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

#include "sparsecache.h"
#include "util.h"

/* <tmp>/src (the tree), <tmp>/build (the cwd), <tmp>/bin/sparse (fake). */
struct fx {
	char *top, *build, *prog, *cache, *runs;
	char oldcwd[PATH_MAX];
};

static void put(const char *dir, const char *rel, const char *text)
{
	char *p = path_join(dir, rel);
	char *slash = strrchr(p, '/');

	*slash = '\0';
	assert_int_equal(mkdir_p(p, 0755), 0);
	*slash = '/';
	assert_int_equal(write_file_atomic(p, text, strlen(text)), 0);
	free(p);
}

/*
 * A fake sparse: one line to <tmp>/runs a run; a finding on stderr, a
 * line on stdout; exits with $FAKE_SPARSE_STATUS (default 0).
 */
static const char fake_sparse[] =
	"#!/bin/sh\n"
	"echo run >>\"$FAKE_SPARSE_RUNS\"\n"
	"echo \"out: $#\"\n"
	"echo \"../src/lib/a.c:3:1: warning: fake finding\" >&2\n"
	"exit ${FAKE_SPARSE_STATUS:-0}\n";

static const char cmd_text[] =
	"cmd_lib/a.o := gcc -Wp,-MMD,lib/.a.o.d -c -o lib/a.o ../src/lib/a.c\n"
	"\n"
	"source_lib/a.o := ../src/lib/a.c\n"
	"\n"
	"deps_lib/a.o := \\\n"
	"  ../src/include/h.h \\\n"
	"    $(wildcard include/config/foo.h) \\\n"
	"  include/generated/autoconf.h \\\n"
	"\n"
	"lib/a.o: $(deps_lib/a.o)\n"
	"\n"
	"$(deps_lib/a.o):\n";

static int setup(void **state)
{
	char tmpl[] = "/tmp/ks-sparse-XXXXXX";
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(mkdtemp(tmpl));
	f->top = xstrdup(tmpl);
	f->build = path_join(tmpl, "build");
	f->cache = path_join(tmpl, "cache");
	f->runs = path_join(tmpl, "runs");
	put(f->top, "src/lib/a.c", "int a;\n");
	put(f->top, "src/include/h.h", "#define H 1\n");
	put(f->top, "src/lib/other.c", "int other;\n");
	put(f->build, "include/generated/autoconf.h", "#define CONFIG_X 1\n");
	put(f->build, "lib/.a.o.cmd", cmd_text);
	put(f->top, "bin/sparse", fake_sparse);
	f->prog = path_join(tmpl, "bin/sparse");
	assert_int_equal(chmod(f->prog, 0755), 0);
	setenv("FAKE_SPARSE_RUNS", f->runs, 1);
	unsetenv("FAKE_SPARSE_STATUS");
	assert_non_null(getcwd(f->oldcwd, sizeof(f->oldcwd)));
	assert_int_equal(chdir(f->build), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(chdir(f->oldcwd), 0);
	remove_tree(f->top);
	free(f->top);
	free(f->build);
	free(f->prog);
	free(f->cache);
	free(f->runs);
	free(f);
	return 0;
}

static char *const argv_a[] = {
	"-D__CHECKER__", "-Wp,-MMD,lib/.a.o.d", "-Iinclude", "../src/lib/a.c",
};
#define NR_A ARRAY_SIZE(argv_a)

static void key_of(struct fx *f, char *const *argv, size_t argc,
		   char hex[65])
{
	struct strbuf why = STRBUF_INIT;

	assert_int_equal(sparse_cache_key(f->prog, argv, argc, f->build, hex,
					  &why), 0);
	assert_int_equal(why.len, 0);
	assert_int_equal(strlen(hex), 64);
	sb_release(&why);
}

/* The key follows every input, and nothing else. */
static void test_key_inputs(void **state)
{
	struct fx *f = *state;
	char k0[65], k[65];
	char *argv2[NR_A];

	key_of(f, argv_a, NR_A, k0);
	key_of(f, argv_a, NR_A, k);
	assert_string_equal(k, k0);

	/* A file the object was not built from: the same key. */
	put(f->top, "src/lib/other.c", "int other2;\n");
	key_of(f, argv_a, NR_A, k);
	assert_string_equal(k, k0);

	/* A header it includes, by content. */
	put(f->top, "src/include/h.h", "#define H 2\n");
	key_of(f, argv_a, NR_A, k);
	assert_string_not_equal(k, k0);
	put(f->top, "src/include/h.h", "#define H 1\n");
	key_of(f, argv_a, NR_A, k);
	assert_string_equal(k, k0);

	/* The source (source_ line, not in deps_). */
	put(f->top, "src/lib/a.c", "int a2;\n");
	key_of(f, argv_a, NR_A, k);
	assert_string_not_equal(k, k0);
	put(f->top, "src/lib/a.c", "int a;\n");

	/* The last dependency, after the wildcard line. */
	put(f->build, "include/generated/autoconf.h", "#define CONFIG_X 2\n");
	key_of(f, argv_a, NR_A, k);
	assert_string_not_equal(k, k0);
	put(f->build, "include/generated/autoconf.h", "#define CONFIG_X 1\n");

	/* A config file that comes to exist. */
	put(f->build, "include/config/foo.h", "");
	key_of(f, argv_a, NR_A, k);
	assert_string_not_equal(k, k0);
	unlink("include/config/foo.h");
	key_of(f, argv_a, NR_A, k);
	assert_string_equal(k, k0);

	/* An argument. */
	memcpy(argv2, argv_a, sizeof(argv2));
	argv2[2] = "-Iinclude2";
	key_of(f, argv2, NR_A, k);
	assert_string_not_equal(k, k0);

	/* sparse's binary. */
	put(f->top, "bin/sparse", "#!/bin/sh\n# another sparse\nexit 0\n");
	key_of(f, argv_a, NR_A, k);
	assert_string_not_equal(k, k0);
}

/* What cannot be keyed says why. */
static void test_key_refused(void **state)
{
	struct fx *f = *state;
	struct strbuf why = STRBUF_INIT;
	static char *const no_dep[] = { "-D__CHECKER__", "../src/lib/a.c" };
	static char *const other[] = { "-Wp,-MMD,lib/.b.o.d", "../src/lib/b.c" };
	char hex[65];

	assert_int_equal(sparse_cache_key(f->prog, no_dep, 2, f->build, hex,
					  &why), -1);
	assert_non_null(strstr(why.buf, "-Wp,-MMD"));
	sb_reset(&why);
	assert_int_equal(sparse_cache_key(f->prog, other, 2, f->build, hex,
					  &why), -1);
	assert_non_null(strstr(why.buf, "lib/.b.o.cmd"));
	sb_reset(&why);
	/* A header that went away (not a wildcard one): not keyed. */
	unlink("../src/include/h.h");
	assert_int_equal(sparse_cache_key(f->prog, argv_a, NR_A, f->build,
					  hex, &why), -1);
	assert_non_null(strstr(why.buf, "cannot read ../src/include/h.h"));
	sb_reset(&why);
	/* A .cmd file without its dependencies. */
	put(f->build, "lib/.a.o.cmd", "cmd_lib/a.o := gcc\n");
	assert_int_equal(sparse_cache_key(f->prog, argv_a, NR_A, f->build,
					  hex, &why), -1);
	assert_non_null(strstr(why.buf, "deps_"));
	sb_release(&why);
}

/* Number of lines in <tmp>/runs: how often the fake sparse ran. */
static int runs(struct fx *f)
{
	struct strbuf sb = STRBUF_INIT;
	int n = 0;
	size_t i;

	if (!read_file(f->runs, &sb))
		for (i = 0; i < sb.len; i++)
			n += sb.buf[i] == '\n';
	sb_release(&sb);
	return n;
}

/* One run through the cache; its output into @out. */
static int run(struct fx *f, char *const *argv, size_t argc,
	       enum sparse_cache_how *how, struct strbuf *out)
{
	char *path = path_join(f->top, "out");
	struct strbuf why = STRBUF_INIT;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int status;

	assert_true(fd >= 0);
	status = sparse_cache_run(f->prog, argv, argc, f->cache, fd, how,
				  &why);
	close(fd);
	sb_reset(out);
	assert_int_equal(read_file(path, out), 0);
	if (*how == SPARSE_CACHE_UNCACHED)
		assert_true(why.len > 0);
	sb_release(&why);
	free(path);
	return status;
}

static void test_run_cached(void **state)
{
	struct fx *f = *state;
	struct strbuf out = STRBUF_INIT, first = STRBUF_INIT;
	enum sparse_cache_how how;

	assert_int_equal(run(f, argv_a, NR_A, &how, &first), 0);
	assert_int_equal(how, SPARSE_CACHE_MISS);
	assert_int_equal(runs(f), 1);
	assert_non_null(strstr(first.buf, "out: 4\n"));
	assert_non_null(strstr(first.buf, "warning: fake finding\n"));

	/* Again: from the cache, the same bytes, sparse not run. */
	assert_int_equal(run(f, argv_a, NR_A, &how, &out), 0);
	assert_int_equal(how, SPARSE_CACHE_HIT);
	assert_int_equal(runs(f), 1);
	assert_string_equal(out.buf, first.buf);

	/* A header changes: run again; and its exit status is kept. */
	put(f->top, "src/include/h.h", "#define H 3\n");
	setenv("FAKE_SPARSE_STATUS", "1", 1);
	assert_int_equal(run(f, argv_a, NR_A, &how, &out), 1);
	assert_int_equal(how, SPARSE_CACHE_MISS);
	assert_int_equal(runs(f), 2);
	unsetenv("FAKE_SPARSE_STATUS");
	assert_int_equal(run(f, argv_a, NR_A, &how, &out), 1);
	assert_int_equal(how, SPARSE_CACHE_HIT);
	assert_int_equal(runs(f), 2);

	/* Back to the first header: the first entry. */
	put(f->top, "src/include/h.h", "#define H 1\n");
	assert_int_equal(run(f, argv_a, NR_A, &how, &out), 0);
	assert_int_equal(how, SPARSE_CACHE_HIT);
	assert_string_equal(out.buf, first.buf);
	assert_int_equal(runs(f), 2);
	sb_release(&out);
	sb_release(&first);
}

/* Without a .cmd file to key on, sparse runs every time. */
static void test_run_uncached(void **state)
{
	struct fx *f = *state;
	struct strbuf out = STRBUF_INIT;
	static char *const no_dep[] = { "-D__CHECKER__", "../src/lib/a.c" };
	enum sparse_cache_how how;

	assert_int_equal(run(f, no_dep, 2, &how, &out), 0);
	assert_int_equal(how, SPARSE_CACHE_UNCACHED);
	assert_int_equal(run(f, no_dep, 2, &how, &out), 0);
	assert_int_equal(how, SPARSE_CACHE_UNCACHED);
	assert_int_equal(runs(f), 2);
	assert_non_null(strstr(out.buf, "warning: fake finding"));
	sb_release(&out);
}

/* An entry that is not this version's is not a hit. */
static void test_load(void **state)
{
	struct fx *f = *state;
	struct strbuf out = STRBUF_INIT;
	const char *hex = "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
	char *p;
	int st = -1;

	assert_int_equal(sparse_cache_load(f->cache, hex, &st, &out), -1);
	assert_int_equal(sparse_cache_store(f->cache, hex, 3, "x\ny", 3), 0);
	assert_int_equal(sparse_cache_load(f->cache, hex, &st, &out), 0);
	assert_int_equal(st, 3);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.buf, "x\ny", 3);
	p = xasprintf("%s/ab/%s", f->cache, hex + 2);
	assert_int_equal(write_file_atomic(p, "kseries-sparse-cache 0\n", 23),
			 0);
	assert_int_equal(sparse_cache_load(f->cache, hex, &st, &out), -1);
	free(p);
	sb_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_inputs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_key_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_cached, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_uncached, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
	};

	return cmocka_run_group_tests_name("sparsecache", tests, NULL, NULL);
}
