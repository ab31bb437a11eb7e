// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel build's config logic: parsing assignments,
 * finding requested options that did not make it into .config, telling
 * options the tree does not know, the digest that decides a re-merge,
 * and quoting the first build errors; distcc's host lists, their slots,
 * the option before $DISTCC_HOSTS, and the fallback when hosts are down
 * (a fake probe, and the real one on ports of this machine); make's
 * command line (W=1, C=1) and runs of a fake make.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

/* Whether @v (@nr) has @s. */
static bool has(char *const *v, size_t nr, const char *s)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

#define has_path(r, s)	has((r)->paths, (r)->nr_paths, s)

/*
 * What a range may compile again: a Kconfig entry changed other than in
 * its help names its symbols (as fixdep's include/config files), a
 * Makefile its directory, the top's and the architecture's everything;
 * the objects whose .cmd file names one of them.
 */
static void test_reach(void **state)
{
	static const char old[] =
		"# KVM\n"
		"config KVM_WERROR\n"
		"\tbool \"Compile KVM with -Werror\"\n"
		"\tdepends on (X86_64 && !KASAN) || !COMPILE_TEST\n"
		"\thelp\n"
		"\t  Add -Werror.\n"
		"\n"
		"\t  If in doubt, say \"N\".\n"
		"\n"
		"config KVM_INTEL\n"
		"\ttristate \"KVM for Intel\"\n"
		"\tdepends on KVM\n";
	static const char new[] =
		"# KVM\n"
		"config KVM_WERROR\n"
		"\tbool \"Compile KVM with -Werror\"\n"
		"\tdepends on (X86_64 && !KASAN) || !COMPILE_TEST\n"
		"\thelp\n"
		"\t  Add -Werror. If in doubt, say \"Y\" (SAY_Y).\n"
		"\n"
		"config KVM_INTEL\n"
		"\ttristate \"KVM for Intel\"\n"
		"\tdepends on KVM\n"
		"\n"
		"config KVM_XEN\n"
		"\tbool \"Support for Xen HVM\"\n"
		"\tdepends on KVM\n"
		"\tselect XEN_PV_BAR\n";
	char tmpl[] = "/tmp/ks-reach-XXXXXX";
	char *b = mkdtemp(tmpl), **objs = NULL;
	struct kbuild_reach r = { 0 };
	size_t nr = 0;

	assert_non_null(b);
	assert_true(kbuild_reach_wants_text("arch/x86/kvm/Kconfig"));
	assert_false(kbuild_reach_wants_text("arch/x86/kvm/Makefile"));
	kbuild_reach_add(&r, "arch/x86/kvm/Kconfig", false, old, new);
	assert_false(r.all);
	assert_int_equal(r.nr_paths, 3);
	assert_true(has_path(&r, "include/config/kvm/xen.h"));
	assert_true(has_path(&r, "include/config/kvm.h"));
	assert_true(has_path(&r, "include/config/xen/pv/bar.h"));
	/* Help text and prompts name nothing. */
	assert_false(has_path(&r, "include/config/kvm/werror.h"));
	assert_false(has_path(&r, "include/config/say/y.h"));

	kbuild_reach_add(&r, "arch/x86/kvm/Makefile", false, NULL, NULL);
	kbuild_reach_add(&r, "arch/x86/kvm/Makefile", false, NULL, NULL);
	kbuild_reach_add(&r, "include/linux/security.h", false, NULL, NULL);
	kbuild_reach_add(&r, "arch/x86/kvm/xen.h", true, NULL, NULL);
	kbuild_reach_add(&r, "arch/x86/kvm/mmu.h", false, NULL, NULL);
	assert_int_equal(r.nr_dirs, 1);
	assert_string_equal(r.dirs[0], "arch/x86/kvm/");
	assert_true(has_path(&r, "include/linux/security.h"));
	assert_true(has(r.names, r.nr_names, "xen.h"));
	assert_int_equal(r.nr_names, 1);
	assert_false(r.all);

	/*
	 * In: a changed header however spelt; a config file; the added
	 * file's name elsewhere; under the directory. Out: config files of
	 * those names, other files of a changed file's name, scripts/.
	 */
	put(b, ".a.o.cmd", "deps := \\\n  ../src/include/linux/security.h \\\n");
	put(b, "kernel/.b.o.cmd", "  $(wildcard include/config/kvm/xen.h) \\\n");
	put(b, "arch/x86/kvm/.c.o.cmd", "deps := \\\n  ../src/arch/x86/kvm/c.c\n");
	put(b, "kernel/.d.o.cmd",
	    "  $(wildcard include/config/kvm/xen/more.h) \\\n"
	    "  ../src/include/linux/security.hh \\\n"
	    "  $(wildcard include/config/security.h) \\\n"
	    "  $(wildcard include/config/xen.h) \\\n"
	    "  /s/include/asm/security.h \\\n");
	put(b, "mm/.f.o.cmd", "  /s/arch/x86/kvm/mmu/../mmu.h \\\n");
	put(b, "mm/.g.o.cmd", "source_mm/g.o := /s/include/xen/xen.h\n");
	put(b, "scripts/.e.o.cmd", "../src/include/linux/security.h\n");
	assert_int_equal(kbuild_reach_objects(&r, b, &objs, &nr), 0);
	assert_int_equal(nr, 5);
	assert_string_equal(objs[0], "a.o");
	assert_string_equal(objs[1], "arch/x86/kvm/c.o");
	assert_string_equal(objs[2], "kernel/b.o");
	assert_string_equal(objs[3], "mm/f.o");
	assert_string_equal(objs[4], "mm/g.o");
	free_strv(objs, nr);

	/* A condition around entries, the top Makefile: everything. */
	kbuild_reach_add(&r, "virt/kvm/Kconfig", false, "config A\n",
			 "if X86\nconfig A\nendif\n");
	assert_true(r.all);
	assert_string_equal(r.why_all, "virt/kvm/Kconfig");
	kbuild_reach_add(&r, "Makefile", false, NULL, NULL);
	assert_string_equal(r.why_all, "virt/kvm/Kconfig");
	assert_int_equal(kbuild_reach_objects(&r, b, &objs, &nr), 0);
	assert_int_equal(nr, 6);
	free_strv(objs, nr);
	kbuild_reach_release(&r);
	kbuild_reach_add(&r, "arch/x86/Makefile", false, NULL, NULL);
	assert_true(r.all);
	kbuild_reach_release(&r);
	kbuild_reach_add(&r, "scripts/Makefile.build", false, NULL, NULL);
	assert_true(r.all);
	kbuild_reach_release(&r);
	kbuild_reach_add(&r, "lib/x.c", false, NULL, NULL);
	assert_int_equal(kbuild_reach_objects(&r, "/nonexistent", &objs, &nr),
			 -1);
	assert_int_equal(nr, 0);
	free(objs);
	kbuild_reach_release(&r);
	remove_tree(b);
}

/* distcc: host lists */

static void test_distcc_parse(void **state)
{
	static const char *const specs[] = {
		"localhost/3", "red:3633/2", "green/6:3634,lzo,cpp",
		"[::1]:3635", "blue", "--randomize", "--localslots=3",
		"--localslots_cpp=9", "me@box/12:/opt/bin/distccd", "@box2",
		"[fe80::1]/5,auth=distcc",
	};
	struct strbuf err = STRBUF_INIT, list = STRBUF_INIT;
	struct distcc_hosts h;
	size_t i;

	assert_int_equal(distcc_parse_hosts("127.0.0.1/4,lzo host2/8", &h,
					    &err), 0);
	assert_int_equal(h.nr, 2);
	assert_string_equal(h.v[0].name, "127.0.0.1");
	assert_int_equal(h.v[0].port, DISTCC_PORT);
	assert_int_equal(h.v[0].slots, 4);
	assert_string_equal(h.v[0].spec, "127.0.0.1/4,lzo");
	assert_string_equal(h.v[1].name, "host2");
	assert_int_equal(h.v[1].slots, 8);
	assert_false(h.v[1].local || h.v[1].ssh);
	distcc_hosts_release(&h);

	/* Ports either side of the limit, IPv6, defaults, SSH, options. */
	for (i = 0; i < ARRAY_SIZE(specs); i++)
		sb_addf(&list, "%s%s", specs[i], i % 3 ? " " : "\t");
	sb_addstr(&list, "\n# a comment, as in a hosts file\n");
	assert_int_equal(distcc_parse_hosts(list.buf, &h, &err), 0);
	assert_int_equal(h.nr, 11);
	assert_true(h.v[0].local);
	assert_int_equal(h.v[0].slots, 3);
	assert_int_equal(h.v[1].port, 3633);
	assert_int_equal(h.v[1].slots, 2);
	assert_int_equal(h.v[2].port, 3634);
	assert_int_equal(h.v[2].slots, 6);
	assert_string_equal(h.v[3].name, "::1");
	assert_int_equal(h.v[3].port, 3635);
	assert_int_equal(h.v[3].slots, DISTCC_SLOTS);
	assert_int_equal(h.v[4].slots, DISTCC_SLOTS);
	assert_null(h.v[5].name);
	assert_null(h.v[6].name);
	assert_null(h.v[7].name);
	assert_true(h.v[8].ssh);
	assert_string_equal(h.v[8].name, "box");
	assert_int_equal(h.v[8].slots, 12);
	assert_int_equal(h.v[8].port, DISTCC_SSH_PORT);
	assert_true(h.v[9].ssh);
	assert_string_equal(h.v[9].name, "box2");
	assert_string_equal(h.v[10].name, "fe80::1");
	assert_int_equal(h.v[10].slots, 5);
	distcc_hosts_release(&h);

	assert_int_equal(distcc_parse_hosts("localhost", &h, &err), 0);
	assert_int_equal(h.v[0].slots, DISTCC_LOCAL_SLOTS);
	distcc_hosts_release(&h);
	assert_int_equal(distcc_parse_hosts("  ", &h, &err), 0);
	assert_int_equal(h.nr, 0);
	assert_int_equal(err.len, 0);
	distcc_hosts_release(&h);
	sb_release(&list);
}

static void test_distcc_parse_errors(void **state)
{
	static const char *const bad[] = {
		"h/0", "h/x", "h/", "h:0", "h:65536", "h:1:2", "h/2/3",
		"h,zstd", "h,", "+zeroconf", "--fast", "-h", "[::1", "[]:3",
		"@", "me@/4", "@box:", "localhost/0", "localhost/2x",
		"--localslots=", "/4", ":3632", "good bad/y",
	};
	struct strbuf err = STRBUF_INIT;
	struct distcc_hosts h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		sb_reset(&err);
		if (distcc_parse_hosts(bad[i], &h, &err) != -1)
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(h.nr, 0);
		assert_non_null(strstr(err.buf, "is not a distcc host"));
	}
	sb_reset(&err);
	distcc_parse_hosts("a +zeroconf", &h, &err);
	assert_non_null(strstr(err.buf, "'+zeroconf'"));
	assert_non_null(strstr(err.buf, "name the hosts"));
	sb_release(&err);
}

/* A probe that answers from a list of hosts that are up. */
static const char *fake_up;
static unsigned int fake_probes;

static void fake_probe(struct distcc_hosts *h, int timeout_ms)
{
	size_t i;

	fake_probes++;
	assert_int_equal(timeout_ms, DISTCC_PROBE_MS);
	for (i = 0; i < h->nr; i++) {
		struct distcc_host *x = &h->v[i];
		char *word;

		if (!x->name || x->local)
			continue;
		word = xasprintf(" %s ", x->name);
		x->up = !!strstr(fake_up, word);
		if (!x->up)
			x->down = xstrdup("Connection refused");
		free(word);
	}
}

/* @line is the concatenation of the strings that follow, up to NULL. */
static void line_is(const char *line, ...)
{
	struct strbuf want = STRBUF_INIT;
	const char *part;
	va_list ap;

	va_start(ap, line);
	while ((part = va_arg(ap, const char *)))
		sb_addstr(&want, part);
	va_end(ap);
	assert_string_equal(line, want.buf);
	sb_release(&want);
}

static void decide(const char *opt, const char *env, int jobs,
		   struct kbuild_distcc *d)
{
	struct kbuild_distcc_ctx c = {
		.opt = opt, .env = env, .installed = true, .ccache = true,
		.jobs = jobs, .cpus = 2, .probe = fake_probe,
	};
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(kbuild_distcc_decide(&c, d, &err), 0);
	assert_int_equal(err.len, 0);
	sb_release(&err);
}

static void test_distcc_decide(void **state)
{
	struct kbuild_distcc d;

	/* Every host up: all their slots, plus the local CPUs. */
	fake_up = " a b ";
	decide("a/4,lzo b/8", NULL, 0, &d);
	assert_true(d.requested && d.use);
	assert_string_equal(d.from, "--distcc");
	assert_int_equal(d.remote, 2);
	assert_int_equal(d.up, 2);
	assert_int_equal(d.slots, 12);
	assert_int_equal(d.jobs, 14);
	assert_string_equal(d.hosts, "a/4,lzo b/8");
	assert_string_equal(d.line, "distcc on 2 hosts (12 slots), ccache, -j14");
	kbuild_distcc_release(&d);

	/* -j given: kept. */
	decide("a b", NULL, 3, &d);
	assert_int_equal(d.slots, 8);
	assert_int_equal(d.jobs, 3);
	assert_string_equal(d.line, "distcc on 2 hosts (8 slots), ccache, -j3");
	kbuild_distcc_release(&d);

	/* One down: left out of distcc's list and of the slots. */
	fake_up = " a ";
	decide("localhost/2 b:3633/8 a/4 --randomize", NULL, 0, &d);
	assert_true(d.use);
	assert_int_equal(d.up, 1);
	assert_int_equal(d.slots, 4);
	assert_int_equal(d.jobs, 6);
	assert_string_equal(d.hosts, "localhost/2 a/4 --randomize");
	line_is(d.line, "distcc on 1 of 2 hosts (4 slots), ccache, -j6; ",
		"down: b:3633 (Connection refused)", NULL);
	kbuild_distcc_release(&d);

	/* None up: local, with -j of the local CPUs, and why. */
	fake_up = " ";
	decide(NULL, "a [::1]:3700/4 @c", 0, &d);
	assert_true(d.requested);
	assert_false(d.use);
	assert_string_equal(d.from, "DISTCC_HOSTS");
	assert_int_equal(d.jobs, 2);
	line_is(d.line, "distcc fell back to local compiles (ccache, -j2): ",
		"no host answered: a:3632 (Connection refused), ",
		"[::1]:3700 (Connection refused), ",
		"@c (ssh) (Connection refused)", NULL);
	kbuild_distcc_release(&d);
}

static void test_distcc_precedence(void **state)
{
	struct kbuild_distcc_ctx c = {
		.installed = true, .cpus = 4, .probe = fake_probe,
	};
	struct strbuf err = STRBUF_INIT;
	struct kbuild_distcc d;
	unsigned int probes;

	fake_up = " opt env ";
	/* The option wins over the environment. */
	decide("opt/3", "env/5", 0, &d);
	assert_string_equal(d.hosts, "opt/3");
	assert_string_equal(d.from, "--distcc");
	kbuild_distcc_release(&d);
	/* No option (or an empty one): the environment. */
	decide("", "env/5", 0, &d);
	assert_string_equal(d.hosts, "env/5");
	assert_string_equal(d.from, "DISTCC_HOSTS");
	assert_int_equal(d.jobs, 7);
	kbuild_distcc_release(&d);
	/* Neither: no distcc, nothing to say, nothing probed. */
	probes = fake_probes;
	decide(NULL, "", 0, &d);
	assert_false(d.requested || d.use);
	assert_null(d.line);
	assert_null(d.hosts);
	assert_int_equal(d.jobs, 2);
	assert_int_equal(fake_probes, probes);
	kbuild_distcc_release(&d);

	/* Only localhost: nothing to send anywhere. */
	c.opt = "localhost/4 --randomize";
	assert_int_equal(kbuild_distcc_decide(&c, &d, &err), 0);
	assert_false(d.use);
	assert_int_equal(d.jobs, 4);
	line_is(d.line, "distcc fell back to local compiles (no ccache, -j4): ",
		"the host list names no other machine", NULL);
	kbuild_distcc_release(&d);
	/* distcc not installed: not probed. */
	c.opt = "opt";
	c.installed = false;
	probes = fake_probes;
	assert_int_equal(kbuild_distcc_decide(&c, &d, &err), 0);
	assert_false(d.use);
	assert_int_equal(fake_probes, probes);
	line_is(d.line, "distcc fell back to local compiles (no ccache, -j4): ",
		"distcc is not installed", NULL);
	kbuild_distcc_release(&d);
	/* A bad list is an error, naming where it came from. */
	c.opt = NULL;
	c.env = "a/x";
	assert_int_equal(kbuild_distcc_decide(&c, &d, &err), -1);
	assert_non_null(strstr(err.buf, "'a/x' is not a distcc host"));
	assert_non_null(strstr(err.buf, "(from DISTCC_HOSTS)"));
	assert_false(d.requested);
	sb_release(&err);
}

/* kbuild_distcc_setup: $DISTCC_HOSTS, --distcc, --no-distcc. */
static void test_distcc_setup(void **state)
{
	struct kbuild kb = { .distcc_probe = fake_probe };
	struct strbuf err = STRBUF_INIT;

	fake_up = " opt env ";
	setenv("DISTCC_HOSTS", "env/5", 1);
	assert_int_equal(kbuild_distcc_setup(&kb, &err), 0);
	assert_true(kb.dist_decided);
	assert_string_equal(kb.dist.from, "DISTCC_HOSTS");
	/* Decided once: later phases keep it. */
	setenv("DISTCC_HOSTS", "opt", 1);
	assert_int_equal(kbuild_distcc_setup(&kb, &err), 0);
	assert_string_equal(kb.dist.from, "DISTCC_HOSTS");
	kbuild_release(&kb);
	assert_false(kb.dist_decided);

	kb.distcc = "opt/2";
	assert_int_equal(kbuild_distcc_setup(&kb, &err), 0);
	assert_string_equal(kb.dist.from, "--distcc");
	kbuild_release(&kb);

	kb.distcc = NULL;
	kb.no_distcc = true;
	assert_int_equal(kbuild_distcc_setup(&kb, &err), 0);
	assert_false(kb.dist.requested);
	kbuild_release(&kb);

	kb.no_distcc = false;
	setenv("DISTCC_HOSTS", "bad/", 1);
	assert_int_equal(kbuild_distcc_setup(&kb, &err), -1);
	assert_false(kb.dist_decided);
	unsetenv("DISTCC_HOSTS");
	sb_release(&err);
}

/* The real probe: a port that listens, one that does not, no answer. */
static void test_distcc_probe_tcp(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int lfd, cfd, full, fill[4], i;
	int open_port, closed_port, full_port;
	struct strbuf err = STRBUF_INIT;
	struct distcc_hosts h;
	double start;
	char *list;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 8), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
	open_port = ntohs(sa.sin_port);
	/* A port nothing listens on: bound, then closed. */
	sa.sin_port = 0;
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&sa, &len), 0);
	closed_port = ntohs(sa.sin_port);
	close(cfd);
	/* A host that drops connects: a listener whose queue is full. */
	sa.sin_port = 0;
	full = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(full, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(full, 0), 0);
	assert_int_equal(getsockname(full, (struct sockaddr *)&sa, &len), 0);
	full_port = ntohs(sa.sin_port);
	for (i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(100000);

	list = xasprintf("127.0.0.1:%d/2 localhost 127.0.0.1:%d %s:%d %s",
			 open_port, closed_port, "127.0.0.1", full_port,
			 "no-such-host.invalid");
	assert_int_equal(distcc_parse_hosts(list, &h, &err), 0);
	start = now_seconds();
	distcc_probe_tcp(&h, 300);
	assert_true(now_seconds() - start < 1.5);
	assert_true(h.v[0].up);
	assert_null(h.v[0].down);
	assert_true(h.v[1].up);			/* localhost: not probed */
	assert_false(h.v[2].up);
	assert_string_equal(h.v[2].down, "Connection refused");
	assert_false(h.v[3].up);
	assert_string_equal(h.v[3].down, "no answer in 300 ms");
	assert_false(h.v[4].up);
	assert_non_null(h.v[4].down);
	distcc_hosts_release(&h);
	free(list);
	for (i = 0; i < 4; i++)
		close(fill[i]);
	close(full);
	close(lfd);
	sb_release(&err);
}

/* distcc's own fallback: its warnings, as distcc 3.4 writes them. */
static void test_distcc_ran_locally(void **state)
{
	static const char *const yes[] = {
		"distcc[10439] Warning: failed to distribute lib/ctype.c to 127.0.0.1:29111, running locally instead",
		"distcc[10034] (dcc_build_somewhere) Warning: failed to distribute, running locally instead",
	};
	static const char *const no[] = {
		"distcc[10450] (dcc_build_somewhere) ERROR: failed to distribute and fallbacks are disabled",
		"distcc[10439] (dcc_writex) ERROR: failed to write: Connection reset by peer",
		"  CC      lib/ctype.o",
		"lib/x.c: Warning: failed to distribute, running locally instead",
		"distcc[1] Warning: failed to distribute, running locally",
		"distcc[",
		"",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		assert_true(distcc_ran_locally(yes[i], strlen(yes[i])));
	for (i = 0; i < ARRAY_SIZE(no); i++)
		if (distcc_ran_locally(no[i], strlen(no[i])))
			fail_msg("'%s' counted", no[i]);
	/* The length is the line's: what follows it is not read. */
	assert_false(distcc_ran_locally(yes[0], strlen(yes[0]) - 1));
}

/* kbuild_make_args() in one string, KCFLAGS=... as "K" */
static char *joined(const struct kbuild *kb, bool kernel,
		    const char *const *args)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, nr;
	char **v = kbuild_make_args(kb, kernel, args, &nr);

	for (i = 0; i < nr; i++)
		sb_addf(&sb, "%s%s", i ? " " : "",
			starts_with(v[i], "KCFLAGS=") ? "K" : v[i]);
	assert_null(v[nr]);
	free_strv(v, nr);
	return sb_detach(&sb);
}

/* The KCFLAGS= argument of a kernel build with W=1 */
static char *w1_kcflags(const struct kbuild *kb)
{
	static const char *const none[] = { NULL };
	size_t nr;
	char **v = kbuild_make_args(kb, true, none, &nr), *ret;

	assert_int_equal(nr, 7);
	assert_string_equal(v[5], "W=1");
	ret = xstrdup(v[6]);
	free_strv(v, nr);
	return ret;
}

/*
 * W=1 and C=1 go to the kernel build only, before the targets; W=1
 * with KCFLAGS that keep them from becoming errors under -Werror.
 */
static void test_make_args(void **state)
{
	struct kbuild kb = { .tree = "/s", .build = "/b", .jobs = 3 };
	static const char *const none[] = { NULL };
	static const char *const two[] = { "bzImage", "x", NULL };
	char *s;

	unsetenv("KCFLAGS");
	s = joined(&kb, true, two);
	assert_string_equal(s, "make -C /s O=/b -j3 W=1 K bzImage x");
	free(s);
	kb.sparse = true;
	s = joined(&kb, true, none);
	assert_string_equal(s, "make -C /s O=/b -j3 W=1 K C=1");
	free(s);
	/* sparse through its cache: CHECK= the command */
	kb.sparse_cmd = "'/x y/kseries' sparse";
	s = joined(&kb, true, none);
	assert_string_equal(s, "make -C /s O=/b -j3 W=1 K C=1 CHECK='/x y/kseries' sparse");
	free(s);
	kb.sparse = false;
	s = joined(&kb, true, none);
	assert_string_equal(s, "make -C /s O=/b -j3 W=1 K");
	free(s);
	kb.sparse = true;
	kb.sparse_cmd = NULL;
	/* config and headers: the same objects whatever W= and C= */
	s = joined(&kb, false, two);
	assert_string_equal(s, "make -C /s O=/b -j3 bzImage x");
	free(s);

	kb.sparse = false;
	s = w1_kcflags(&kb);
	assert_true(starts_with(s, "KCFLAGS=-Wno-error=absolute-value -Wno-error=cast-function-type "));
	assert_non_null(strstr(s, " -Wno-error=missing-prototypes "));
	assert_non_null(strstr(s, " -Wno-error=unused-but-set-variable "));
	assert_true(ends_with(s, " -Wno-error=unused-const-variable"));
	free(s);
	/* the caller's KCFLAGS first */
	setenv("KCFLAGS", "-g -O1", 1);
	s = w1_kcflags(&kb);
	assert_true(starts_with(s, "KCFLAGS=-g -O1 -Wno-error=absolute-value "));
	free(s);
	unsetenv("KCFLAGS");
}

/* What a build said, one "KIND:text|" each. */
static void said(void *ctx, enum msg_kind kind, const char *text)
{
	sb_addf(ctx, "%d:%s|", (int)kind, text);
}

/*
 * make, run through a fake on PATH: its output goes to the log, its
 * "  CC" lines are counted, its environment is kbuild's, stdin is
 * empty, and what the phase says goes to the caller's sink only.
 */
static void test_make_runs(void **state)
{
	char dir[] = "/tmp/kseries-kbuild-XXXXXX";
	struct strbuf say = STRBUF_INIT, log = STRBUF_INIT;
	struct kbuild kb = { 0 };
	char *bin, *tree, *build, *logp, *oldpath, *path, *p;

	assert_non_null(mkdtemp(dir));
	bin = path_join(dir, "bin");
	tree = path_join(dir, "src");
	build = path_join(dir, "build");
	logp = path_join(dir, "build.log");
	put(dir, "bin/make",
	    "#!/bin/sh\n"
	    "echo \"  CC      a.o\"\n"
	    "echo \"  CC      b.o\" >&2\n"
	    "echo \"env $KBUILD_BUILD_USER $LC_ALL $MAKEFLAGS ${KBUILD_VERBOSE-unset}\"\n"
	    "cat\n"
	    "printf 'no newline'\n"
	    "exit ${FAKE_MAKE_STATUS:-0}\n");
	p = path_join(bin, "make");
	assert_int_equal(chmod(p, 0755), 0);
	free(p);
	assert_int_equal(mkdir_p(tree, 0755), 0);
	oldpath = xstrdup(getenv("PATH"));
	path = xasprintf("%s:%s", bin, oldpath);
	setenv("PATH", path, 1);
	setenv("KBUILD_VERBOSE", "1", 1);

	kb.tree = tree;
	kb.build = build;
	kb.log = logp;
	kb.jobs = 1;
	kb.no_distcc = true;
	kb.sync_output = true;
	kb.progress = true;
	kb.say = (struct msg_sink){ said, &say };
	assert_int_equal(kbuild_kernel(&kb), 0);
	assert_int_equal(kb.compiled, 2);
	/* One note (no counter: it took less than a second). */
	assert_true(starts_with(say.buf, "0:build: bzImage, 2 compiled ("));
	assert_true(ends_with(say.buf, " s)|"));
	assert_null(strchr(say.buf, '|') + 1 < say.buf + say.len ?
		    say.buf : NULL);
	assert_int_equal(read_file(logp, &log), 0);
	assert_non_null(strstr(log.buf, "### kseries build: make -C "));
	/* The command line as sh takes it: KCFLAGS's words in one. */
	assert_non_null(strstr(log.buf, " W=1 'KCFLAGS=-Wno-error="));
	assert_non_null(strstr(log.buf, "' bzImage\n"));
	assert_non_null(strstr(log.buf, "  CC      b.o\n"
				"env kseries C -Otarget unset\nno newline"));
	/* Ours is untouched. */
	assert_string_equal(getenv("KBUILD_VERBOSE"), "1");

	/* C=1 without sparse on PATH: said, make not run. */
	kb.sparse = true;
	setenv("PATH", bin, 1);
	sb_reset(&say);
	assert_int_equal(kbuild_kernel(&kb), -1);
	assert_string_equal(say.buf,
			    "3:C=1 needs sparse, which is not on $PATH: install the package \"sparse\"|");
	put(dir, "bin/sparse", "#!/bin/sh\n");
	p = path_join(bin, "sparse");
	assert_int_equal(chmod(p, 0755), 0);
	free(p);
	setenv("PATH", path, 1);
	assert_int_equal(truncate(logp, 0), 0);
	assert_int_equal(kbuild_kernel(&kb), 0);
	sb_reset(&log);
	assert_int_equal(read_file(logp, &log), 0);
	assert_non_null(strstr(log.buf, " -j1 W=1 'KCFLAGS=-Wno-error="));
	assert_non_null(strstr(log.buf,
				" -Wno-error=unused-const-variable' C=1 bzImage\n"));

	/* A failure: the error and where the log is, to the sink. */
	sb_reset(&say);
	setenv("FAKE_MAKE_STATUS", "2", 1);
	assert_int_equal(kbuild_headers(&kb), -1);
	p = xasprintf("3:headers_install failed (make exit 2).|"
		      "4:The complete output is in %s\n|", logp);
	assert_string_equal(say.buf, p);
	free(p);

	/* A log it cannot write: said too, make not run. */
	sb_reset(&say);
	kb.log = "/nonexistent/dir/build.log";
	assert_int_equal(kbuild_kernel(&kb), -1);
	assert_true(starts_with(say.buf,
				"3:cannot open log /nonexistent/dir/build.log: "));
	assert_non_null(strstr(say.buf, "|3:kernel build failed (make exit -1)"));
	kb.log = logp;

	/* No tree: said, not printed. */
	sb_reset(&say);
	kb.tree = "/nonexistent/tree";
	assert_int_equal(kbuild_config(&kb), -1);
	assert_true(starts_with(say.buf,
				"3:cannot open the kernel tree /nonexistent/tree: "));

	unsetenv("FAKE_MAKE_STATUS");
	unsetenv("KBUILD_VERBOSE");
	setenv("PATH", oldpath, 1);
	kbuild_release(&kb);
	remove_tree(dir);
	sb_release(&say);
	sb_release(&log);
	free(oldpath);
	free(path);
	free(bin);
	free(tree);
	free(build);
	free(logp);
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
		cmocka_unit_test(test_distcc_parse),
		cmocka_unit_test(test_distcc_parse_errors),
		cmocka_unit_test(test_distcc_decide),
		cmocka_unit_test(test_distcc_precedence),
		cmocka_unit_test(test_distcc_setup),
		cmocka_unit_test(test_distcc_probe_tcp),
		cmocka_unit_test(test_distcc_ran_locally),
		cmocka_unit_test(test_make_args),
		cmocka_unit_test(test_make_runs),
		cmocka_unit_test(test_reach),
	};

	return cmocka_run_group_tests_name("kbuild", tests, NULL, NULL);
}
