// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of warnings by content: parsing and normalising compiler,
 * objtool, linker and modpost warnings; kbuild's quiet lines; set
 * differences; and the per-unit database that carries the warnings of
 * units an incremental build does not rebuild.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "warnings.h"
#include "util.h"

#define TREE	"/root/x/src"
#define BUILD	"/root/x/build"

static void parse_ok(const char *line, const char *file, const char *msg)
{
	struct warning w;

	assert_true(warning_parse(line, TREE, BUILD, &w));
	assert_string_equal(w.file, file);
	assert_string_equal(w.msg, msg);
	warning_release(&w);
}

static void parse_no(const char *line)
{
	struct warning w;

	assert_false(warning_parse(line, TREE, BUILD, &w));
}

static void test_parse(void **state)
{
	/* gcc, with the path ccache makes relative to the build dir */
	parse_ok("../src/kernel/sys.c:123:7: warning: unused variable 'x' [-Wunused-variable]",
		 "kernel/sys.c", "unused variable 'x' [-Wunused-variable]");
	/* the same with an absolute path and another line: equal */
	parse_ok("/root/x/src/kernel/sys.c:9:1: warning: unused variable 'x' [-Wunused-variable]",
		 "kernel/sys.c", "unused variable 'x' [-Wunused-variable]");
	/* a line without a column; a generated file in the build dir */
	parse_ok("./include/generated/foo.h:3: warning: \"X\" redefined",
		 "include/generated/foo.h", "\"X\" redefined");
	/* kernel-doc (W=1): a .c file's line, no column */
	parse_ok("/root/x/src/kernel/sys.c:33: warning: Function parameter or member 'l' not described in 'f'",
		 "kernel/sys.c",
		 "kernel-doc: Function parameter or member 'l' not described in 'f'");
	/* gcc's quotes in a UTF-8 locale: the same warning as in C */
	parse_ok("../src/lib/ctype.c:40:12: warning: \u2018fixture_unused\u2019 defined but not used [-Wunused-function]",
		 "lib/ctype.c",
		 "'fixture_unused' defined but not used [-Wunused-function]");
	/* colours (ccache keeps gcc's) and a CR */
	parse_ok("\033[01m\033[K../src/mm/a.c:1:2:\033[m\033[K \033[01;35m\033[Kwarning: \033[m\033[Kx\r",
		 "mm/a.c", "x");
	/* objtool: offsets change with every edit */
	parse_ok("arch/x86/kvm/x86.o: warning: objtool: kvm_foo()+0x1a2: unreachable instruction",
		 "arch/x86/kvm/x86.o",
		 "objtool: kvm_foo()+0x?: unreachable instruction");
	parse_ok("ld: warning: creating DT_TEXTREL in a PIE", "ld",
		 "creating DT_TEXTREL in a PIE");
	parse_ok("WARNING: modpost: vmlinux.o(.text+0x1234): Section mismatch in reference from the function f() to the variable g",
		 "",
		 "modpost: vmlinux.o(.text+0x?): Section mismatch in reference from the function f() to the variable g");
	/* Not warnings: context, carets, notes, errors, code quoting one */
	parse_no("../src/kernel/sys.c: In function 'foo':");
	parse_no("  123 |  int x; /* warning: not this */");
	parse_no("      |      ^");
	parse_no("../src/kernel/sys.c:12:3: note: declared here");
	parse_no("../src/kernel/sys.c:12:3: error: expected ';'");
	parse_no("In file included from ../src/include/linux/kvm_host.h:5,");
	parse_no("make[2]: *** [scripts/Makefile.build:280: x.o] Error 1");
	parse_no("a b.c:1:2: warning: a space in the path");
	parse_no("x.c:1a:2: warning: not a line number");
}

static void test_quiet_lines(void **state)
{
	char *t;

	t = kbuild_quiet_target("  CC      arch/x86/kvm/x86.o");
	assert_string_equal(t, "arch/x86/kvm/x86.o");
	free(t);
	t = kbuild_quiet_target("  CC [M]  drivers/foo.o");
	assert_string_equal(t, "drivers/foo.o");
	free(t);
	t = kbuild_quiet_target("  LD      vmlinux.o\r");
	assert_string_equal(t, "vmlinux.o");
	free(t);
	/* virt/kvm's objects, built from arch/x86/kvm's Makefile */
	t = kbuild_quiet_target("  CC      arch/x86/kvm/../../../virt/kvm/kvm_main.o");
	assert_string_equal(t, "virt/kvm/kvm_main.o");
	free(t);
	t = kbuild_quiet_target("  HOSTCC  scripts/basic/fixdep");
	assert_string_equal(t, "scripts/basic/fixdep");
	free(t);
	assert_null(kbuild_quiet_target("  Kernel: arch/x86/boot/bzImage is ready  (#1)"));
	assert_null(kbuild_quiet_target("   CC     x.o"));
	assert_null(kbuild_quiet_target("CC x.o"));
	assert_null(kbuild_quiet_target("  CC      "));
	assert_null(kbuild_quiet_target("  123 | int x;"));
}

static void add(struct wset *s, const char *file, const char *msg)
{
	struct warning w = { (char *)file, (char *)msg };

	wset_add(s, &w);
}

static void test_sets(void **state)
{
	struct wset a = { 0 }, b = { 0 }, added = { 0 }, fixed = { 0 };

	add(&a, "kernel/a.c", "unused variable 'x'");
	add(&a, "kernel/b.c", "unused variable 'y'");
	add(&a, "kernel/a.c", "unused variable 'x'");	/* once */
	assert_int_equal(a.nr, 2);
	/* The child replaces a warning by another: same count. */
	add(&b, "kernel/a.c", "unused variable 'x'");
	add(&b, "kernel/b.c", "unused variable 'z'");
	assert_int_equal(b.nr, a.nr);
	wset_diff(&a, &b, &added, &fixed);
	assert_int_equal(added.nr, 1);
	assert_string_equal(added.w[0].msg, "unused variable 'z'");
	assert_int_equal(fixed.nr, 1);
	assert_string_equal(fixed.w[0].msg, "unused variable 'y'");
	assert_true(wset_has(&b, &added.w[0]));
	assert_false(wset_has(&a, &added.w[0]));
	wset_release(&a);
	wset_release(&b);
	wset_release(&added);
	wset_release(&fixed);
}

/* A fake build directory: objects with kbuild's .NAME.o.cmd files. */
static char *fake_build(void)
{
	char tmpl[] = "/tmp/ks-wdb-XXXXXX";
	char *dir;

	assert_non_null(mkdtemp(tmpl));
	dir = path_join(tmpl, "build");
	assert_int_equal(mkdir_p(dir, 0755), 0);
	return dir;
}

/* The tree beside a fake build directory: <tmp>/src. */
static char *tree_of(const char *build)
{
	return xasprintf("%.*s/src", (int)(strrchr(build, '/') - build),
			 build);
}

static void remove_fake(char *build)
{
	*strrchr(build, '/') = '\0';
	remove_tree(build);
	free(build);
}

static void touch_obj(const char *build, const char *obj)
{
	char *p = path_join(build, obj), *slash, *cmd;
	struct timespec ts = { 0, 2000000 };

	slash = strrchr(p, '/');
	*slash = '\0';
	mkdir_p(p, 0755);
	cmd = xasprintf("%s/.%s.cmd", p, slash + 1);
	*slash = '/';
	assert_int_equal(write_file_atomic(cmd, "cmd\n", 4), 0);
	nanosleep(&ts, NULL);	/* a new mtime for each write */
	assert_int_equal(write_file_atomic(p, "obj", 3), 0);
	free(cmd);
	free(p);
}

static void rm_obj(const char *build, const char *obj)
{
	char *p = path_join(build, obj);

	unlink(p);
	free(p);
}

static bool obj_exists(const char *build, const char *obj)
{
	char *p = path_join(build, obj);
	bool r = path_exists(p);

	free(p);
	return r;
}

static void all_of(const struct wdb *db, struct wset *out)
{
	wset_release(out);
	wdb_all(db, out);
}

/*
 * The point of per-unit tracking: patch 2 rebuilds only b.o, so the
 * warning of a.o printed by patch 1's build is not in patch 2's build
 * output, and must not count as fixed.
 */
static void test_carry_over(void **state)
{
	char *b = fake_build(), *t = tree_of(b);
	struct wdb db = { 0 };
	struct wset p1 = { 0 }, p2 = { 0 }, p3 = { 0 }, rebuilt = { 0 };
	struct wset added = { 0 }, fixed = { 0 };

	/* Patch 1: a full build; a.c has a warning. */
	touch_obj(b, "kernel/a.o");
	touch_obj(b, "kernel/b.o");
	wdb_update(&db,
		   "  CC      kernel/a.o\n"
		   "../src/kernel/a.c: In function 'f':\n"
		   "../src/kernel/a.c:3:6: warning: unused variable 'x' [-Wunused-variable]\n"
		   "    3 |  int x;\n"
		   "  CC      kernel/b.o\n"
		   "  LD      vmlinux\n",
		   t, b, NULL, NULL);
	all_of(&db, &p1);
	assert_int_equal(p1.nr, 1);
	assert_string_equal(p1.w[0].file, "kernel/a.c");
	assert_int_equal(wdb_save(&db, b), 0);
	wdb_release(&db);

	/* Patch 2: only b.o is rebuilt, with a new warning. */
	assert_int_equal(wdb_load(&db, b), 0);
	assert_int_equal(wdb_prepare(&db, b, NULL, NULL), 0);	/* all known */
	touch_obj(b, "kernel/b.o");
	wdb_update(&db,
		   "  CC      kernel/b.o\n"
		   "../src/kernel/b.c:9:2: warning: 'y' may be used uninitialized\n",
		   t, b, NULL, &rebuilt);
	assert_int_equal(rebuilt.nr, 1);
	all_of(&db, &p2);
	wset_diff(&p1, &p2, &added, &fixed);
	assert_int_equal(added.nr, 1);
	assert_string_equal(added.w[0].file, "kernel/b.c");
	assert_int_equal(fixed.nr, 0);	/* a.c's warning carried over */
	wset_release(&added);
	wset_release(&fixed);

	/* Patch 3: a.o rebuilt clean: now the warning is fixed. */
	touch_obj(b, "kernel/a.o");
	wdb_update(&db, "  CC      kernel/a.o\n", t, b, NULL, NULL);
	all_of(&db, &p3);
	wset_diff(&p2, &p3, &added, &fixed);
	assert_int_equal(added.nr, 0);
	assert_int_equal(fixed.nr, 1);
	assert_string_equal(fixed.w[0].msg,
			    "unused variable 'x' [-Wunused-variable]");

	wset_release(&p1);
	wset_release(&p2);
	wset_release(&p3);
	wset_release(&rebuilt);
	wset_release(&added);
	wset_release(&fixed);
	wdb_release(&db);
	free(t);
	remove_fake(b);
}

/* Objects whose warnings are unknown are removed so make rebuilds them. */
static void test_prepare(void **state)
{
	char *b = fake_build();
	struct wdb db = { 0 };
	struct strbuf names = STRBUF_INIT;

	touch_obj(b, "a.o");
	touch_obj(b, "d/b.o");
	touch_obj(b, "d/c.o");
	touch_obj(b, "scripts/x.o");	/* host tools are left alone */
	touch_obj(b, "e/x.o");
	wdb_update(&db, "  CC      a.o\n  CC      d/b.o\n  CC      d/../e/x.o\n",
		   "/t", b, NULL, NULL);
	/* c.o was never seen; b.o is rebuilt behind our back. */
	touch_obj(b, "d/b.o");
	assert_int_equal(wdb_prepare(&db, b, NULL, &names), 2);
	assert_string_equal(names.buf, "d/b.o d/c.o");
	assert_true(obj_exists(b, "e/x.o"));
	assert_true(obj_exists(b, "a.o"));
	assert_false(obj_exists(b, "d/b.o"));
	assert_false(obj_exists(b, "d/c.o"));
	assert_true(obj_exists(b, "scripts/x.o"));
	assert_non_null(wdb_find(&db, "a.o"));
	assert_null(wdb_find(&db, "d/b.o"));
	sb_release(&names);
	wdb_release(&db);
	remove_fake(b);
}

/*
 * A unit that failed to compile keeps its warnings for that build only;
 * a unit without a file (CALL) is redone by every build; the database
 * survives a save and load.
 */
static void test_transient_and_file(void **state)
{
	char *b = fake_build();
	struct wdb db = { 0 }, db2 = { 0 };
	struct wset s = { 0 };

	touch_obj(b, "ok.o");
	wdb_update(&db,
		   "  CC      ok.o\n"
		   "/t/ok.c:1:1: warning: kept\ttab\n"
		   "  CC      bad.o\n"
		   "/t/bad.c:2:2: warning: before the error\n"
		   "/t/bad.c:3:3: error: broken\n"
		   "  CALL    scripts/checksyscalls.sh\n"
		   "<stdin>:1:2: warning: #warning syscall foo not implemented [-Wcpp]\n",
		   "/t", b, NULL, NULL);
	all_of(&db, &s);
	assert_int_equal(s.nr, 3);
	assert_int_equal(wdb_save(&db, b), 0);
	assert_int_equal(wdb_load(&db2, b), 0);
	all_of(&db2, &s);
	assert_int_equal(s.nr, 3);
	assert_non_null(wdb_find(&db2, "ok.o"));
	assert_int_equal(wdb_find(&db2, "ok.o")->mtime_ns,
			 wdb_find(&db, "ok.o")->mtime_ns);
	/* The next build: bad.o and the CALL are not redone. */
	wdb_update(&db2, "", "/t", b, NULL, NULL);
	all_of(&db2, &s);
	assert_int_equal(s.nr, 1);
	assert_string_equal(s.w[0].msg, "kept tab");
	rm_obj(b, "ok.o");
	wdb_prepare(&db2, b, NULL, NULL);
	all_of(&db2, &s);
	assert_int_equal(s.nr, 0);
	wset_release(&s);
	wdb_release(&db);
	wdb_release(&db2);
	remove_fake(b);
}

static void test_bad_db(void **state)
{
	char *b = fake_build();
	char *p = path_join(b, ".kseries-warnings");
	struct wdb db = { 0 };

	assert_int_equal(write_file_atomic(p, "something else\n", 15), 0);
	assert_int_equal(wdb_load(&db, b), 0);
	assert_int_equal(db.nr, 0);
	assert_int_equal(write_file_atomic(p, "kseries-warnings 1\nU x y\n",
					   25), 0);
	assert_int_equal(wdb_load(&db, b), 0);
	assert_int_equal(db.nr, 0);
	wdb_release(&db);
	free(p);
	remove_fake(b);
}

static enum warning_kind kind_of(const char *msg)
{
	struct warning w = { "f.c", (char *)msg };

	return warning_kind(&w);
}

/* Every option of W=1's table, as gcc prints it: found (it is sorted). */
static const char *const w1_all[] = {
	"[-Wabsolute-value]", "[-Wcast-function-type]", "[-Wclobbered]",
	"[-Wempty-body]", "[-Wenum-conversion]", "[-Wexpansion-to-defined]",
	"[-Wextra]", "[-Wignored-qualifiers]", "[-Wmissing-declarations]",
	"[-Wmissing-format-attribute]", "[-Wmissing-include-dirs]",
	"[-Wmissing-parameter-type]", "[-Wmissing-prototypes]",
	"[-Wold-style-declaration]", "[-Wold-style-definition]",
	"[-Woverride-init]", "[-Wpacked-not-aligned]", "[-Wstring-compare]",
	"[-Wstringop-truncation]", "[-Wsuggest-attribute=format]",
	"[-Wunused-but-set-parameter]", "[-Wunused-but-set-variable]",
	"[-Wunused-const-variable=]",
};

static void test_kinds(void **state)
{
	const char *const *opt;
	size_t i, nr;

	opt = warning_w1_options(&nr);
	assert_int_equal(nr, ARRAY_SIZE(w1_all));
	for (i = 1; i < nr; i++)
		assert_true(strcmp(opt[i - 1], opt[i]) < 0);

	for (i = 0; i < ARRAY_SIZE(w1_all); i++) {
		char *m = xasprintf("x %s", w1_all[i]);

		assert_int_equal(kind_of(m), WK_W1);
		free(m);
	}
	assert_int_equal(kind_of("sparse: cast to restricted __le32"),
			 WK_SPARSE);
	assert_int_equal(kind_of("sparse: error: undefined identifier 'g'"),
			 WK_SPARSE);
	assert_int_equal(kind_of("cocci: WARNING: kzalloc should be used"),
			 WK_COCCI);
	assert_int_equal(kind_of("kernel-doc: Excess function parameter 'x' description in 'f'"),
			 WK_W1);
	/* W=1's own options, the first and the last of the table */
	assert_int_equal(kind_of("no previous prototype for 'f' [-Wmissing-prototypes]"),
			 WK_W1);
	assert_int_equal(kind_of("'x' is used uninitialized [-Wabsolute-value]"),
			 WK_W1);
	assert_int_equal(kind_of("'k' defined but not used [-Wunused-const-variable=]"),
			 WK_W1);
	/* turned into an error by -Werror (arch/x86/kvm's KVM_WERROR) */
	assert_int_equal(kind_of("variable 'r' set but not used [-Werror=unused-but-set-variable]"),
			 WK_W1);
	/* what -Wextra turns on */
	assert_int_equal(kind_of("suggest braces around empty body in an 'if' statement [-Wempty-body]"),
			 WK_W1);
	assert_int_equal(kind_of("function might be a candidate for 'gnu_printf' format attribute [-Wsuggest-attribute=format]"),
			 WK_W1);
	/* gcc's defaults, and what is not gcc's */
	assert_int_equal(kind_of("unused variable 'x' [-Wunused-variable]"),
			 WK_GCC);
	assert_int_equal(kind_of("unused variable 'x' [-Werror=unused-variable]"),
			 WK_GCC);
	assert_int_equal(kind_of("\"X\" redefined"), WK_GCC);
	assert_int_equal(kind_of("objtool: f()+0x?: unreachable instruction"),
			 WK_GCC);
	/* only the last bracket counts, and only at the end */
	assert_int_equal(kind_of("a [-Wmissing-prototypes] b [-Wunused-variable]"),
			 WK_GCC);
	assert_int_equal(kind_of("a [-Wunused-variable] b [-Wmissing-prototypes]"),
			 WK_W1);
	assert_int_equal(kind_of("[-Wmissing-prototypes] then more"), WK_GCC);
	assert_int_equal(kind_of("array [-W]"), WK_GCC);
	assert_int_equal(kind_of("sparse:no space [-Wmissing-prototypes]"),
			 WK_W1);
	assert_string_equal(warning_kind_name(WK_GCC), "gcc");
	assert_string_equal(warning_kind_name(WK_W1), "W=1");
	assert_string_equal(warning_kind_name(WK_SPARSE), "sparse");
	assert_string_equal(warning_kind_name(WK_COCCI), "cocci");
}

/* Sparse's scopes: every unit, and lists of objects (sorted). */
static const struct sparse_scope every_unit = { .all = true };
static char *foo_objs[] = { (char *)"lib/foo.o" };
static char *a_c_objs[] = { (char *)"a.o", (char *)"c.o" };
static const struct sparse_scope foo_only = { .objs = foo_objs, .nr = 1 };
static const struct sparse_scope a_and_c = { .objs = a_c_objs, .nr = 2 };

/*
 * A C=1 build's output: sparse 0.6.4's own lines on two small files
 * (run in a build directory, on the source by its absolute path, as
 * kbuild does; the paths then changed to TREE's), within the objects'
 * output, with gcc's warning before the CHECK line and objtool's and
 * kernel-doc's after it.
 */
static const char sparse_log[] =
	"  CC      lib/foo.o\n"
	"/root/x/src/lib/foo.c: In function 'use':\n"
	"/root/x/src/lib/foo.c:16:13: warning: unused variable 'v' [-Wunused-variable]\n"
	"   16 |         int v;\n"
	"      |             ^\n"
	"  CHECK   /root/x/src/lib/foo.c\n"
	"/root/x/src/lib/foo.c: note: in included file:\n"
	"./include/gen.h:1:5: warning: symbol 'gen_counter' was not declared. Should it be static?\n"
	"/root/x/src/lib/foo.c:13:5: warning: symbol 'counter' was not declared. Should it be static?\n"
	"/root/x/src/lib/foo.c:17:20: warning: incorrect type in argument 1 (different address spaces)\n"
	"/root/x/src/lib/foo.c:17:20:    expected void const volatile [noderef] __user *ptr\n"
	"/root/x/src/lib/foo.c:17:20:    got int *p\n"
	"/root/x/src/lib/foo.c:22:17: warning: cast from restricted __le32\n"
	"/root/x/src/lib/foo.c:27:17: warning: dereference of noderef expression\n"
	"/root/x/src/lib/foo.c:30:6: warning: context imbalance in 'imbalance' - wrong count at exit\n"
	"/root/x/src/lib/foo.c:33: warning: Function parameter or member 'l' not described in 'imbalance'\n"
	"lib/foo.o: warning: objtool: imbalance()+0x1f: unreachable instruction\n"
	"  CC      lib/bad.o\n"
	"  CHECK   /root/x/src/lib/bad.c\n"
	"/root/x/src/lib/bad.c:3:18: error: Expected ) in function call\n"
	"/root/x/src/lib/bad.c:3:18: error: got ;\n"
	"/root/x/src/lib/bad.c:3:16: error: undefined identifier 'g'\n"
	"  AR      lib/built-in.a\n"
	"./include/gen.h:1:5: warning: not sparse's: after another quiet line\n";

static const char *const sparse_expect[][2] = {
	{ "include/gen.h", "not sparse's: after another quiet line" },
	{ "include/gen.h",
	  "sparse: symbol 'gen_counter' was not declared. Should it be static?" },
	{ "lib/bad.c", "sparse: error: Expected ) in function call; got ;" },
	{ "lib/bad.c", "sparse: error: undefined identifier 'g'" },
	{ "lib/foo.c",
	  "kernel-doc: Function parameter or member 'l' not described in 'imbalance'" },
	{ "lib/foo.c", "sparse: cast from restricted __le32" },
	{ "lib/foo.c",
	  "sparse: context imbalance in 'imbalance' - wrong count at exit" },
	{ "lib/foo.c", "sparse: dereference of noderef expression" },
	{ "lib/foo.c",
	  "sparse: incorrect type in argument 1 (different address spaces); expected void const volatile [noderef] __user *ptr; got int *p" },
	{ "lib/foo.c",
	  "sparse: symbol 'counter' was not declared. Should it be static?" },
	{ "lib/foo.c", "unused variable 'v' [-Wunused-variable]" },
	{ "lib/foo.o", "objtool: imbalance()+0x?: unreachable instruction" },
};

static void test_sparse_output(void **state)
{
	char *b = fake_build();
	struct wdb db = { 0 };
	struct wset all = { 0 }, rebuilt = { 0 };
	struct wunit *u;
	size_t i;

	touch_obj(b, "lib/foo.o");	/* bad.o failed: no object */
	wdb_update(&db, sparse_log, TREE, b, &every_unit, &rebuilt);
	all_of(&db, &all);
	assert_int_equal(all.nr, ARRAY_SIZE(sparse_expect));
	for (i = 0; i < all.nr; i++) {
		assert_string_equal(all.w[i].file, sparse_expect[i][0]);
		assert_string_equal(all.w[i].msg, sparse_expect[i][1]);
	}
	assert_int_equal(rebuilt.nr, all.nr);
	/* The CHECK lines made no unit: foo.o has its sparse findings. */
	assert_null(wdb_find(&db, "/root/x/src/lib/foo.c"));
	u = wdb_find(&db, "lib/foo.o");
	assert_non_null(u);
	assert_true(u->sparse);
	assert_int_equal(u->ws.nr, 9);
	assert_int_equal(wdb_find(&db, "lib/bad.o")->ws.nr, 2);
	assert_int_equal(warning_kind(&all.w[1]), WK_SPARSE);
	assert_int_equal(warning_kind(&all.w[10]), WK_GCC);
	assert_int_equal(warning_kind(&all.w[4]), WK_W1);	/* kernel-doc */

	/*
	 * A scope of foo.o only: bad.o's sparse findings are dropped (its
	 * unit, with nothing else and no object, with them).
	 */
	wdb_release(&db);
	wdb_update(&db, sparse_log, TREE, b, &foo_only, NULL);
	u = wdb_find(&db, "lib/foo.o");
	assert_true(u->sparse);
	assert_int_equal(u->ws.nr, 9);
	assert_null(wdb_find(&db, "lib/bad.o"));

	/*
	 * No scope (not told that the build ran C=1): sparse's findings are
	 * dropped, the compiler's and kernel-doc's kept, the unit unmarked.
	 */
	wdb_release(&db);
	wdb_update(&db, sparse_log, TREE, b, NULL, NULL);
	u = wdb_find(&db, "lib/foo.o");
	assert_false(u->sparse);
	assert_int_equal(u->ws.nr, 3);
	assert_string_equal(u->ws.w[0].msg,
			    "kernel-doc: Function parameter or member 'l' not described in 'imbalance'");
	assert_string_equal(u->ws.w[1].msg,
			    "unused variable 'v' [-Wunused-variable]");
	wset_release(&all);
	wset_release(&rebuilt);
	wdb_release(&db);
	remove_fake(b);
}

/* What a check with another scope left is cut to this one's. */
static void test_sparse_limit(void **state)
{
	static const char log[] =
		"  CC      a.o\n"
		"/t/a.c:1:2: warning: unused variable 'v' [-Wunused-variable]\n"
		"  CHECK   /t/a.c\n"
		"/t/a.c:3:4: warning: symbol 'x' was not declared. Should it be static?\n"
		"  CC      c.o\n"
		"  CHECK   /t/c.c\n"
		"/t/c.c:5:6: warning: dereference of noderef expression\n";
	char *b = fake_build();
	struct wdb db = { 0 };
	struct wunit *a, *c;

	touch_obj(b, "a.o");
	touch_obj(b, "c.o");
	wdb_update(&db, log, "/t", b, &every_unit, NULL);
	assert_int_equal(wdb_find(&db, "a.o")->ws.nr, 2);
	wdb_limit_sparse(&db, &foo_only);	/* neither */
	a = wdb_find(&db, "a.o");
	c = wdb_find(&db, "c.o");
	assert_false(a->sparse);
	assert_int_equal(a->ws.nr, 1);
	assert_string_equal(a->ws.w[0].msg,
			    "unused variable 'v' [-Wunused-variable]");
	assert_false(c->sparse);
	assert_int_equal(c->ws.nr, 0);
	wdb_release(&db);
	wdb_update(&db, log, "/t", b, &a_and_c, NULL);
	wdb_limit_sparse(&db, &a_and_c);
	assert_true(wdb_find(&db, "a.o")->sparse);
	assert_int_equal(wdb_find(&db, "c.o")->ws.nr, 1);
	wdb_release(&db);
	remove_fake(b);
}

/*
 * The values of sparse's "cast truncates bits" depend on where the
 * constant is in a table: a new entry is no new kind of finding.
 */
static void test_sparse_values(void **state)
{
	static const char log[] =
		"  CC      arch/x86/kvm/vmx/vmcs12.o\n"
		"  CHECK   /root/x/src/arch/x86/kvm/vmx/vmcs12.c\n"
		"/root/x/src/arch/x86/kvm/vmx/vmcs12.c:15:9: warning: cast truncates bits from constant value (20002 becomes 2)\n"
		"/root/x/src/arch/x86/kvm/vmx/vmcs12.c:99:9: warning: cast truncates bits from constant value (80c88 becomes c88)\n"
		"/root/x/src/arch/x86/kvm/vmx/vmcs12.c:7:1: warning: constant 0x1f is so big it is long\n";
	char *b = fake_build();
	struct wdb db = { 0 };
	struct wset all = { 0 };

	touch_obj(b, "arch/x86/kvm/vmx/vmcs12.o");
	wdb_update(&db, log, TREE, b, &every_unit, NULL);
	all_of(&db, &all);
	assert_int_equal(all.nr, 2);
	assert_string_equal(all.w[0].msg,
			    "sparse: cast truncates bits from constant value (? becomes ?)");
	/* Only that message's values: the others are content. */
	assert_string_equal(all.w[1].msg,
			    "sparse: constant 0x1f is so big it is long");
	wset_release(&all);
	wdb_release(&db);
	remove_fake(b);
}

/*
 * Which units sparse checked is kept ("S"); with C=1 coming, the
 * objects of the others are removed so that they are checked.
 */
static void test_sparse_units(void **state)
{
	char *b = fake_build(), *p = path_join(b, ".kseries-warnings");
	struct wdb db = { 0 };
	struct strbuf names = STRBUF_INIT, file = STRBUF_INIT;

	touch_obj(b, "a.o");
	touch_obj(b, "b.o");
	touch_obj(b, "c.o");
	wdb_update(&db, "  CC      a.o\n  CC      c.o\n", "/t", b, &every_unit,
		   NULL);
	wdb_update(&db, "  CC      b.o\n", "/t", b, NULL, NULL);
	assert_true(wdb_find(&db, "a.o")->sparse);
	assert_false(wdb_find(&db, "b.o")->sparse);
	assert_int_equal(wdb_save(&db, b), 0);
	assert_int_equal(read_file(p, &file), 0);
	assert_non_null(strstr(file.buf, " a.o\nS\nU "));
	assert_non_null(strstr(file.buf, " b.o\nU "));
	wdb_release(&db);
	assert_int_equal(wdb_load(&db, b), 0);
	assert_int_equal(db.nr, 3);
	assert_true(wdb_find(&db, "a.o")->sparse);
	assert_false(wdb_find(&db, "b.o")->sparse);
	assert_true(wdb_find(&db, "c.o")->sparse);
	/*
	 * No C=1: all known. C=1 for a.o and c.o only: nothing to check.
	 * For every unit: b.o was not checked.
	 */
	assert_int_equal(wdb_prepare(&db, b, NULL, NULL), 0);
	assert_int_equal(wdb_prepare(&db, b, &a_and_c, NULL), 0);
	assert_true(obj_exists(b, "b.o"));
	assert_int_equal(wdb_prepare(&db, b, &every_unit, &names), 1);
	assert_string_equal(names.buf, "b.o");
	assert_false(obj_exists(b, "b.o"));
	assert_true(obj_exists(b, "a.o"));
	assert_null(wdb_find(&db, "b.o"));
	/* A rebuild without C=1 unmarks. */
	touch_obj(b, "a.o");
	wdb_update(&db, "  CC      a.o\n", "/t", b, NULL, NULL);
	assert_false(wdb_find(&db, "a.o")->sparse);
	assert_true(wdb_find(&db, "c.o")->sparse);
	wdb_release(&db);

	/* An old file (no "S"): not checked; "S" before any unit: bad. */
	sb_reset(&file);
	sb_addstr(&file, "kseries-warnings 1\nU 1 c.o\nW c.c\tx\n");
	assert_int_equal(write_file_atomic(p, file.buf, file.len), 0);
	assert_int_equal(wdb_load(&db, b), 0);
	assert_int_equal(db.nr, 1);
	assert_false(db.u[0].sparse);
	wdb_release(&db);
	assert_int_equal(write_file_atomic(p, "kseries-warnings 1\nS\n", 21),
			 0);
	assert_int_equal(wdb_load(&db, b), 0);
	assert_int_equal(db.nr, 0);
	wdb_release(&db);
	sb_release(&names);
	sb_release(&file);
	free(p);
	remove_fake(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_quiet_lines),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_carry_over),
		cmocka_unit_test(test_prepare),
		cmocka_unit_test(test_transient_and_file),
		cmocka_unit_test(test_bad_db),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_sparse_output),
		cmocka_unit_test(test_sparse_limit),
		cmocka_unit_test(test_sparse_values),
		cmocka_unit_test(test_sparse_units),
	};

	return cmocka_run_group_tests_name("warnings", tests, NULL, NULL);
}
