// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel build's config logic: parsing assignments,
 * finding requested options that did not make it into .config, telling
 * options the tree does not know, the digest that decides a re-merge,
 * and quoting the first build errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kbuild.h"
#include "util.h"

static void put(const char *dir, const char *rel, const char *text)
{
	char *p = path_join(dir, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	assert_int_equal(mkdir_p(p, 0755), 0);
	*slash = '/';
	assert_int_equal(write_file_atomic(p, text, strlen(text)), 0);
	free(p);
}

static void test_parse_line(void **state)
{
	char *n, *v;

	assert_true(kconfig_parse_line("CONFIG_KVM=y", &n, &v));
	assert_string_equal(n, "CONFIG_KVM");
	assert_string_equal(v, "y");
	free(n);
	free(v);
	assert_true(kconfig_parse_line("# CONFIG_X86_5LEVEL is not set",
				       &n, &v));
	assert_string_equal(n, "CONFIG_X86_5LEVEL");
	assert_string_equal(v, "n");
	free(n);
	free(v);
	assert_true(kconfig_parse_line("CONFIG_CMDLINE=\"a b\"  \r\n", &n,
				       &v));
	assert_string_equal(v, "\"a b\"");
	free(n);
	free(v);
	assert_true(kconfig_parse_line("CONFIG_PANIC_TIMEOUT=-1", &n, &v));
	assert_string_equal(v, "-1");
	free(n);
	free(v);
	assert_false(kconfig_parse_line("# a comment", &n, &v));
	assert_false(kconfig_parse_line("# CONFIG_FOO is set", &n, &v));
	assert_false(kconfig_parse_line("CONFIG_FOO", &n, &v));
	assert_false(kconfig_parse_line("", &n, &v));
}

static void test_compare(void **state)
{
	static const char frag[] =
		"# KVM needs NET\n"
		"CONFIG_NET=y\n"
		"CONFIG_KVM=y\n"
		"CONFIG_KVM_AMD=y\n"
		"CONFIG_X86_5LEVEL=n\n"
		"# CONFIG_MODULES is not set\n"
		"CONFIG_PANIC_TIMEOUT=-1\n"
		"CONFIG_KVM_XEN=y\n";
	static const char config[] =
		"CONFIG_NET=y\n"
		"CONFIG_KVM=m\n"
		"# CONFIG_X86_5LEVEL is not set\n"
		"CONFIG_PANIC_TIMEOUT=0\n"
		"CONFIG_KVM_AMD_SEV=y\n";
	struct kconfig_mismatch *m = NULL;
	size_t nr = 0, alloc = 0;

	kconfig_compare("kvm.config", frag, config, &m, &nr, &alloc);
	assert_int_equal(nr, 4);
	assert_string_equal(m[0].name, "CONFIG_KVM");
	assert_string_equal(m[0].want, "y");
	assert_string_equal(m[0].got, "m");
	assert_string_equal(m[0].fragment, "kvm.config");
	/* Absent: CONFIG_KVM_AMD_SEV=y does not count as CONFIG_KVM_AMD. */
	assert_string_equal(m[1].name, "CONFIG_KVM_AMD");
	assert_string_equal(m[1].got, "n");
	assert_string_equal(m[2].name, "CONFIG_PANIC_TIMEOUT");
	assert_string_equal(m[2].got, "0");
	assert_string_equal(m[3].name, "CONFIG_KVM_XEN");
	kconfig_mismatch_free(m, nr);
}

static void test_known(void **state)
{
	char tmpl[] = "/tmp/ks-kbuild-XXXXXX";
	char *tree = mkdtemp(tmpl);
	struct strbuf deps = STRBUF_INIT;

	assert_non_null(tree);
	put(tree, "Kconfig", "source \"arch/x86/kvm/Kconfig\"\n");
	put(tree, "arch/x86/kvm/Kconfig",
	    "menuconfig VIRTUALIZATION\n"
	    "\tbool \"Virtualization\"\n"
	    "\n"
	    "config KVM\n"
	    "\ttristate \"Kernel-based Virtual Machine (KVM) support\"\n"
	    "\tdepends on HAVE_KVM\n"
	    "\t# for TASKSTATS/TASK_DELAY_ACCT:\n"
	    "\tdepends on NET && MULTIUSER\n"
	    "\tselect PREEMPT_NOTIFIERS\n"
	    "\thelp\n"
	    "\t  Support hosting fully virtualized guest machines.\n"
	    "\n"
	    "config KVM_AMD\n"
	    "\tdepends on KVM\n");
	put(tree, "drivers/Kconfig.debug", "config KVM_WERROR\n\tbool\n");
	put(tree, ".git/Kconfig", "config IN_GIT\n");
	assert_true(kconfig_known(tree, "CONFIG_KVM", &deps));
	assert_string_equal(deps.buf,
		"\t    depends on HAVE_KVM\n"
		"\t    depends on NET && MULTIUSER\n"
		"\t    select PREEMPT_NOTIFIERS\n");
	assert_true(kconfig_known(tree, "CONFIG_VIRTUALIZATION", NULL));
	assert_true(kconfig_known(tree, "KVM_WERROR", NULL));
	/* A prefix of a known option is not known. */
	assert_false(kconfig_known(tree, "CONFIG_KV", NULL));
	assert_false(kconfig_known(tree, "CONFIG_KVM_XEN", NULL));
	assert_false(kconfig_known(tree, "CONFIG_IN_GIT", NULL));
	sb_release(&deps);
	remove_tree(tree);
}

static void test_digest(void **state)
{
	char tmpl[] = "/tmp/ks-kbuild-XXXXXX";
	char *tree = mkdtemp(tmpl), *frag;
	char a[65], b[65], c[65], d[65], e[65];

	assert_non_null(tree);
	put(tree, "Kconfig", "config A\n");
	put(tree, "arch/x86/Kconfig", "config B\n");
	put(tree, "arch/x86/kvm/x86.c", "int x;\n");
	put(tree, "frag/kvm.config", "CONFIG_A=y\n");
	frag = path_join(tree, "frag/kvm.config");
	assert_int_equal(kconfig_inputs_digest(tree, &frag, 1, a), 0);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(kconfig_inputs_digest(tree, &frag, 1, b), 0);
	assert_string_equal(a, b);
	/* A source file is not an input... */
	put(tree, "arch/x86/kvm/x86.c", "int y;\n");
	assert_int_equal(kconfig_inputs_digest(tree, &frag, 1, b), 0);
	assert_string_equal(a, b);
	/* ...a Kconfig file is, */
	put(tree, "arch/x86/Kconfig", "config B\nconfig C\n");
	assert_int_equal(kconfig_inputs_digest(tree, &frag, 1, c), 0);
	assert_string_not_equal(a, c);
	/* and so is a new one (a patch adding arch/x86/kvm/Kconfig), */
	put(tree, "arch/x86/kvm/Kconfig", "config KVM_XEN\n");
	assert_int_equal(kconfig_inputs_digest(tree, &frag, 1, d), 0);
	assert_string_not_equal(c, d);
	/* and the fragment. */
	put(tree, "frag/kvm.config", "CONFIG_A=n\n");
	assert_int_equal(kconfig_inputs_digest(tree, &frag, 1, e), 0);
	assert_string_not_equal(d, e);
	free(frag);
	remove_tree(tree);
}

static void test_first_errors(void **state)
{
	static const char log[] =
		"  CC      arch/x86/kvm/x86.o\n"
		"../src/arch/x86/kvm/x86.c: In function 'kvm_arch_init':\n"
		"../src/arch/x86/kvm/x86.c:8001:9: error: 'foo' undeclared (first use in this function)\n"
		"../src/arch/x86/kvm/x86.c:8002:1: warning: unused variable 'r'\n"
		"make[3]: *** [../src/scripts/Makefile.build:280: arch/x86/kvm/x86.o] Error 1\n"
		"make[2]: *** [../src/scripts/Makefile.build:497: arch/x86/kvm] Error 2\n";
	struct strbuf sb = STRBUF_INIT;

	kbuild_first_errors(log, 2, &sb);
	assert_string_equal(sb.buf,
		"    ../src/arch/x86/kvm/x86.c:8001:9: error: 'foo' undeclared (first use in this function)\n"
		"    make[3]: *** [../src/scripts/Makefile.build:280: arch/x86/kvm/x86.o] Error 1\n");
	sb_reset(&sb);
	kbuild_first_errors("  CC a.o\n  LD vmlinux\n", 10, &sb);
	assert_int_equal(sb.len, 0);
	sb_release(&sb);
}

/* What a patch must not touch for the image to stay the same. */
static void test_first_input(void **state)
{
	char tmpl[] = "/tmp/ks-kbuild-XXXXXX";
	char *top = mkdtemp(tmpl), *tree, *build, *cmd;
	char *doc[] = { "Documentation/virt/kvm/api.rst",
			"tools/kvm/kvm_stat/kvm_stat.txt" };
	char *mixed[] = { "Documentation/virt/kvm/api.rst",
			  "arch/x86/kvm/x86.c" };
	char *hdr[] = { "include/linux/kvm_host.h" };
	char *prefix[] = { "include/linux/kvm", "lib/ab.c",
			   "arch/x86/kernel/sev-es.c" };
	char *make[] = { "arch/x86/kvm/Makefile" };
	char *relh[] = { "arch/x86/kvm/xen.h" };
	char *virt[] = { "virt/kvm/eventfd.c" };
	char *kconf[] = { "virt/kvm/Kconfig" };
	char *script[] = { "scripts/link-vmlinux.sh" };
	char *lv[] = { "localversion-kvm" };
	char *cfg[] = { "arch/x86/configs/tiny.config" };
	char *newh[] = { "arch/x86/include/asm/new.h" };
	char *newdoc[] = { "Documentation/new.rst" };
	bool yes[] = { true };
	int err;

	assert_non_null(top);
	tree = path_join(top, "src");
	build = path_join(top, "build");
	assert_int_equal(mkdir_p(build, 0755), 0);
	put(tree, "arch/x86/kvm/x86.c", "int x;\n");

	/* No .cmd file: nothing known, everything is an input. */
	assert_string_equal(kbuild_first_input(tree, build, doc, NULL, 2,
					       &err), doc[0]);
	assert_int_equal(err, -1);

	cmd = xasprintf("cmd_arch/x86/kvm/x86.o := gcc -c -o arch/x86/kvm/x86.o %s/arch/x86/kvm/x86.c\n"
			"source_arch/x86/kvm/x86.o := %s/arch/x86/kvm/x86.c\n"
			"deps_arch/x86/kvm/x86.o := \\\n"
			"  %s/include/linux/kvm_host.h \\\n"
			"    $(wildcard include/config/kvm.h) \\\n"
			"  %s/lib/ab.c.orig \\\n"
			"  ../src/arch/x86/kvm/xen.h \\\n"
			"\narch/x86/kvm/x86.o: $(deps_arch/x86/kvm/x86.o)\n"
			"source_arch/x86/kvm/eventfd.o := %s/arch/x86/kvm/../../../virt/kvm/eventfd.c\n",
			tree, tree, tree, tree, tree);
	put(build, "arch/x86/kvm/.x86.o.cmd", cmd);
	free(cmd);
	put(build, "arch/x86/kvm/x86.o", "");

	assert_null(kbuild_first_input(tree, build, doc, NULL, 2, &err));
	assert_int_equal(err, 0);
	assert_string_equal(kbuild_first_input(tree, build, mixed, NULL, 2,
					       &err), "arch/x86/kvm/x86.c");
	assert_string_equal(kbuild_first_input(tree, build, hdr, NULL, 1,
					       &err), hdr[0]);
	/* Headers as ccache has the compiler spell them; KVM's ../../ */
	assert_string_equal(kbuild_first_input(tree, build, relh, NULL, 1,
					       &err), relh[0]);
	assert_string_equal(kbuild_first_input(tree, build, virt, NULL, 1,
					       &err), virt[0]);
	/* Whole names only: a prefix or a longer name is another file. */
	assert_null(kbuild_first_input(tree, build, prefix, NULL, 3, &err));
	/* kbuild's own files, whatever the .cmd files say. */
	assert_non_null(kbuild_first_input(tree, build, make, NULL, 1, &err));
	assert_non_null(kbuild_first_input(tree, build, kconf, NULL, 1, &err));
	assert_non_null(kbuild_first_input(tree, build, script, NULL, 1,
					   &err));
	assert_non_null(kbuild_first_input(tree, build, lv, NULL, 1, &err));
	assert_non_null(kbuild_first_input(tree, build, cfg, NULL, 1, &err));
	/* A new header may shadow another one; a new document cannot. */
	assert_null(kbuild_first_input(tree, build, newh, NULL, 1, &err));
	assert_non_null(kbuild_first_input(tree, build, newh, yes, 1, &err));
	assert_null(kbuild_first_input(tree, build, newdoc, yes, 1, &err));
	assert_true(kbuild_always_input("Documentation/Makefile", false));

	free(tree);
	free(build);
	remove_tree(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_first_errors),
		cmocka_unit_test(test_first_input),
	};

	return cmocka_run_group_tests_name("kbuild", tests, NULL, NULL);
}
