// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/maintainers.c: MAINTAINERS parsing and matching. The
 * expected lists are what the base's get_maintainer.pl --no-git
 * --no-git-fallback --no-rolestats prints for the same input (checked
 * by hand against the script; builtin/maintainers_test.sh compares the
 * two on whole series).
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

#include "maintainers.h"

static const char maintainers[] =
	"List of maintainers\n"
	"===================\n"
	"\n"
	"\tM: *Mail* patches to: FullName <address@domain>\n"
	"\n"
	"Maintainers List\n"
	"----------------\n"
	"\n"
	"BPF\n"
	"M:\tAlexei Starovoitov <ast@kernel.org>\n"
	"L:\tbpf@vger.kernel.org\n"
	"S:\tSupported\n"
	"F:\tkernel/bpf/\n"
	"N:\tbpf\n"
	"K:\tbpf\n"
	"\n"
	"KVM\n"
	"M:\tPaolo Bonzini <pbonzini@redhat.com>\n"
	"L:\tkvm@vger.kernel.org\n"
	"S:\tSupported\n"
	"F:\tDocumentation/virt/kvm/\n"
	"F:\tinclude/uapi/linux/kvm*\n"
	"F:\tvirt/kvm/*\n"
	"\n"
	"KVM/x86\n"
	"M:\tPaolo Bonzini <pbonzini@redhat.com>\n"
	"R:\tSean Christopherson <sean.j.christopherson@intel.com>\n"
	"R:\t\"H. Peter Anvin\" <hpa@zytor.com>\n"
	"L:\tkvm@vger.kernel.org\n"
	"S:\tSupported\n"
	"F:\tarch/x86/kvm/\n"
	"F:\tarch/x86/kvm/*/\n"
	"X:\tarch/x86/kvm/excluded.c\n"
	"\n"
	"X86\n"
	"M:\tThomas Gleixner <tglx@linutronix.de>\n"
	"L:\tlinux-kernel@vger.kernel.org\n"
	"L:\tx86-private@example.org (subscribers-only)\n"
	"L:\tx86-moderated@example.org (moderated for non-subscribers)\n"
	"S:\tMaintained\n"
	"F:\tarch/x86/\n"
	"\n"
	"XEN HYPERCALLS\n"
	"M:\tDavid Woodhouse <dwmw2@infradead.org>\n"
	"S:\tSupported\n"
	"F:\tarch/x86/kvm/xen.?\n"
	"K:\t\\bKVM_XEN_\\w+\n"
	"\n"
	"TOP-LEVEL DOT C FILES\n"
	"M:\tNobody Special <nobody@example.org>\n"
	"S:\tOdd Fixes\n"
	"F:\t*.c\n"
	"\n"
	"DIRECTORY WITHOUT SLASH\n"
	"M:\tDir Keeper <dir@example.org>\n"
	"S:\tMaintained\n"
	"F:\ttools/kvm\n"
	"\n"
	"THE REST\n"
	"M:\tLinus Torvalds <torvalds@linux-foundation.org>\n"
	"L:\tlinux-kernel@vger.kernel.org\n"
	"S:\tBuried alive in reporters\n"
	"F:\t*\n"
	"F:\t*/\n";

static char root[] = "/tmp/maintainers_test.XXXXXX";

static struct maintainers *load(void)
{
	struct strbuf err = STRBUF_INIT;
	struct maintainers *m;

	m = maintainers_parse("MAINTAINERS", maintainers,
			      strlen(maintainers), root, &err);
	assert_non_null(m);
	assert_string_equal(sb_str(&err), "");
	sb_release(&err);
	return m;
}

static char *patch(const char *msg, const char *file, const char *minus,
		   const char *plus)
{
	return xasprintf("From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
			 "From: A U Thor <author@example.org>\n"
			 "Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
			 "Subject: [PATCH] test\n"
			 "\n"
			 "%s\n"
			 "---\n"
			 " %s | 2 +-\n"
			 "\n"
			 "diff --git a/%s b/%s\n"
			 "--- a/%s\n"
			 "+++ b/%s\n"
			 "@@ -1,2 +1,2 @@\n"
			 " context bpf KVM_XEN_ATTR\n"
			 "-%s\n"
			 "+%s\n",
			 msg, file, file, file, file, file, minus, plus);
}

/* The addresses as get_maintainer.pl prints them, '\n'-separated. */
static char *run(struct maintainers *m, const char *text,
		 maint_commit_fn fn, void *data)
{
	struct maint_list l = { 0 };
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	maintainers_for_patch(m, text, strlen(text), fn, data, &l);
	for (i = 0; i < l.nr; i++)
		sb_addf(&sb, "%s%s", i ? "\n" : "", l.v[i].addr);
	maint_list_release(&l);
	return sb_detach(&sb);
}

static void check(const char *msg, const char *file, const char *minus,
		  const char *plus, const char *want)
{
	struct maintainers *m = load();
	char *p = patch(msg, file, minus, plus), *got = run(m, p, NULL, NULL);

	assert_string_equal(got, want);
	free(got);
	free(p);
	maintainers_free(m);
}

static void test_specific_first(void **state)
{
	/* arch/x86/kvm/ (depth 3) before arch/x86/ (2) before * (-1) */
	check("Change.", "arch/x86/kvm/x86.c", "a", "b",
	      "Paolo Bonzini <pbonzini@redhat.com>\n"
	      "Sean Christopherson <sean.j.christopherson@intel.com>\n"
	      "\"H. Peter Anvin\" <hpa@zytor.com>\n"
	      "Thomas Gleixner <tglx@linutronix.de>\n"
	      "kvm@vger.kernel.org\n"
	      "linux-kernel@vger.kernel.org\n"
	      "x86-moderated@example.org");
}

static void test_glob_and_slashes(void **state)
{
	/* "*.c" has no '/', so it matches top-level files only */
	check("Change.", "init.c", "a", "b",
	      "Nobody Special <nobody@example.org>\n"
	      "linux-kernel@vger.kernel.org");
	/* "xen.?" matches xen.c and xen.h, deeper than arch/x86/kvm/ */
	check("Change.", "arch/x86/kvm/xen.h", "a", "b",
	      "David Woodhouse <dwmw2@infradead.org>\n"
	      "Paolo Bonzini <pbonzini@redhat.com>\n"
	      "Sean Christopherson <sean.j.christopherson@intel.com>\n"
	      "\"H. Peter Anvin\" <hpa@zytor.com>\n"
	      "Thomas Gleixner <tglx@linutronix.de>\n"
	      "kvm@vger.kernel.org\n"
	      "linux-kernel@vger.kernel.org\n"
	      "x86-moderated@example.org");
	/* virt/kvm/<glob> does not reach into subdirectories */
	check("Change.", "virt/kvm/arm/x.c", "a", "b",
	      "linux-kernel@vger.kernel.org");
	check("Change.", "virt/kvm/kvm_main.c", "a", "b",
	      "Paolo Bonzini <pbonzini@redhat.com>\n"
	      "kvm@vger.kernel.org\n"
	      "linux-kernel@vger.kernel.org");
}

static void test_directory_without_slash(void **state)
{
	/* F: tools/kvm is a directory of the tree: everything below */
	check("Change.", "tools/kvm/x/y.c", "a", "b",
	      "Dir Keeper <dir@example.org>\n"
	      "linux-kernel@vger.kernel.org");
}

static void test_exclude(void **state)
{
	check("Change.", "arch/x86/kvm/excluded.c", "a", "b",
	      "Thomas Gleixner <tglx@linutronix.de>\n"
	      "linux-kernel@vger.kernel.org\n"
	      "x86-moderated@example.org");
}

static void test_n_regex(void **state)
{
	/* N: bpf ranks as depth 0, after F: kernel/bpf/ (depth 2) */
	check("Change.", "tools/lib/bpf/btf.c", "a", "b",
	      "Alexei Starovoitov <ast@kernel.org>\n"
	      "bpf@vger.kernel.org\n"
	      "linux-kernel@vger.kernel.org");
}

static void test_k_regex(void **state)
{
	/* K: in the message counts; context lines of the diff do not */
	check("Change.", "Documentation/virt/kvm/api.rst", "a", "b",
	      "Paolo Bonzini <pbonzini@redhat.com>\n"
	      "kvm@vger.kernel.org\n"
	      "linux-kernel@vger.kernel.org");
	check("Mentions bpf.", "Documentation/virt/kvm/api.rst", "a", "b",
	      "Paolo Bonzini <pbonzini@redhat.com>\n"
	      "Alexei Starovoitov <ast@kernel.org>\n"
	      "kvm@vger.kernel.org\n"
	      "linux-kernel@vger.kernel.org\n"
	      "bpf@vger.kernel.org");
	check("Change.", "Documentation/virt/kvm/api.rst", "a",
	      "KVM_XEN_HVM_CONFIG",
	      "Paolo Bonzini <pbonzini@redhat.com>\n"
	      "David Woodhouse <dwmw2@infradead.org>\n"
	      "kvm@vger.kernel.org\n"
	      "linux-kernel@vger.kernel.org");
}

static void test_mailmap(void **state)
{
	struct maintainers *m;
	char *mm = xasprintf("%s/.mailmap", root), *p, *got;
	FILE *f = fopen(mm, "w");

	assert_non_null(f);
	fputs("# comment\n"
	      "Sean Christopherson <seanjc@google.com> <sean.j.christopherson@intel.com>\n",
	      f);
	fclose(f);
	m = load();
	p = patch("Change.", "arch/x86/kvm/mmu/mmu.c", "a", "b");
	got = run(m, p, NULL, NULL);
	assert_string_equal(got,
			    "Paolo Bonzini <pbonzini@redhat.com>\n"
			    "Sean Christopherson <seanjc@google.com>\n"
			    "\"H. Peter Anvin\" <hpa@zytor.com>\n"
			    "Thomas Gleixner <tglx@linutronix.de>\n"
			    "kvm@vger.kernel.org\n"
			    "linux-kernel@vger.kernel.org\n"
			    "x86-moderated@example.org");
	free(got);
	free(p);
	maintainers_free(m);
	unlink(mm);
	free(mm);
}

static int fake_commit(void *data, const char *id, struct strbuf *msg)
{
	if (strcmp(id, "123456789abc"))
		return -1;
	sb_addstr(msg, "KVM: the fixed commit\n"
		  "\n"
		  "Its message.\n"
		  "\n"
		  "Signed-off-by: Fix Author <fixer@example.org>\n"
		  "Reviewed-by: Paolo Bonzini <pbonzini@redhat.com>\n"
		  "Signed-off-by: Linus Torvalds <torvalds@linux-foundation.org>\n");
	return 0;
}

static void test_fixes(void **state)
{
	struct maintainers *m = load();
	char *p = patch("Change.\n\nFixes: 123456789abc (\"KVM: the fixed commit\")",
			"virt/kvm/kvm_main.c", "a", "b");
	char *got = run(m, p, fake_commit, NULL);

	/* signers of the fixed commit follow the maintainers */
	assert_string_equal(got,
			    "Paolo Bonzini <pbonzini@redhat.com>\n"
			    "Fix Author <fixer@example.org>\n"
			    "kvm@vger.kernel.org\n"
			    "linux-kernel@vger.kernel.org");
	free(got);
	free(p);
	maintainers_free(m);
}

static void test_roles(void **state)
{
	struct maintainers *m = load();
	char *p = patch("Change.", "arch/x86/kvm/x86.c", "a", "b");
	struct maint_list l = { 0 };

	maintainers_for_patch(m, p, strlen(p), NULL, NULL, &l);
	assert_int_equal(l.nr, 7);
	assert_int_equal(l.v[0].role, MAINT_MAINTAINER);
	assert_string_equal(l.v[0].section, "KVM/x86");
	assert_string_equal(l.v[0].status, "Supported");
	assert_int_equal(l.v[1].role, MAINT_REVIEWER);
	assert_int_equal(l.v[4].role, MAINT_LIST);
	assert_int_equal(l.v[6].role, MAINT_MODERATED_LIST);
	assert_true(maint_role_is_to(l.v[0].role));
	assert_false(maint_role_is_to(l.v[1].role));
	maint_list_release(&l);
	free(p);
	maintainers_free(m);
}

static void test_patch_files(void **state)
{
	const char *text =
		"Subject: x\n\n---\n"
		" mode change 100644 => 100755 scripts/x.sh\n"
		"diff --git a/old/name.c b/new/name.c\n"
		"similarity index 90%\n"
		"rename from old/name.c\n"
		"rename to new/name.c\n"
		"diff --git a/added.c b/added.c\n"
		"new file mode 100644\n"
		"--- /dev/null\n"
		"+++ b/added.c\n";
	char **files;
	size_t nr, i;

	maintainers_patch_files(text, strlen(text), &files, &nr);
	/* "/dev/null" counts as "dev/null", as in get_maintainer.pl */
	assert_int_equal(nr, 5);
	assert_string_equal(files[0], "added.c");
	assert_string_equal(files[1], "dev/null");
	assert_string_equal(files[2], "new/name.c");
	assert_string_equal(files[3], "old/name.c");
	assert_string_equal(files[4], "scripts/x.sh");
	for (i = 0; i < nr; i++)
		free(files[i]);
	free(files);
}

static void test_email_quoting(void **state)
{
	char *n, *a, *f;

	maint_parse_email("\"H. Peter Anvin\" <hpa@zytor.com>", &n, &a);
	assert_string_equal(n, "\"H. Peter Anvin\"");
	assert_string_equal(a, "hpa@zytor.com");
	f = maint_format_email(n, a);
	assert_string_equal(f, "\"H. Peter Anvin\" <hpa@zytor.com>");
	free(n);
	free(a);
	free(f);
	/* non-ASCII bytes are not \w for Perl on a byte string */
	f = maint_format_email("Radim Kr\xc4\x8dm\xc3\xa1\xc5\x99",
			       "rkrcmar@example.org");
	assert_string_equal(f, "\"Radim Kr\xc4\x8dm\xc3\xa1\xc5\x99\" <rkrcmar@example.org>");
	free(f);
	maint_parse_email("list@example.org", &n, &a);
	assert_string_equal(n, "");
	assert_string_equal(a, "list@example.org");
	free(n);
	free(a);
	maint_parse_email("no address here", &n, &a);
	assert_string_equal(a, "");
	free(n);
	free(a);
}

static void test_comma_in_name(void **state)
{
	static const char text[] =
		"A\n"
		"M:\t\"Lee, Chun-Yi\" <jlee@suse.com>\n"
		"M:\tEnrico Weigelt, metux IT consult <info@metux.net>\n"
		"M:\tOne <one@example.org>, Two <two@example.org>\n"
		"S:\tMaintained\n"
		"F:\ta/\n";
	struct strbuf err = STRBUF_INIT;
	struct maintainers *m = maintainers_parse("M", text, strlen(text),
						   NULL, &err);
	char *p = patch("x", "a/b", "a", "b"), *got = run(m, p, NULL, NULL);

	assert_string_equal(got,
			    "\"Lee, Chun-Yi\" <jlee@suse.com>\n"
			    "\"Enrico Weigelt, metux IT consult\" <info@metux.net>\n"
			    "One <one@example.org>\n"
			    "Two <two@example.org>");
	free(got);
	free(p);
	maintainers_free(m);
	sb_release(&err);
}

static void test_bad_regex(void **state)
{
	static const char text[] = "A\nM:\tA <a@b.c>\nS:\tMaintained\nN:\t([\n";
	struct strbuf err = STRBUF_INIT;
	struct maintainers *m = maintainers_parse("M", text, strlen(text),
						   NULL, &err);
	char *p = patch("x", "a/b", "a", "b"), *got = run(m, p, NULL, NULL);

	assert_non_null(strstr(sb_str(&err), "bad regex in 'N: (['"));
	assert_string_equal(got, "");
	assert_int_equal(maintainers_sections(m), 1);
	free(got);
	free(p);
	maintainers_free(m);
	sb_release(&err);
}

static int setup(void **state)
{
	char *d;

	if (!mkdtemp(root))
		return -1;
	d = xasprintf("%s/tools/kvm", root);
	mkdir_p(d, 0755);
	free(d);
	return 0;
}

static int teardown(void **state)
{
	remove_tree(root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specific_first),
		cmocka_unit_test(test_glob_and_slashes),
		cmocka_unit_test(test_directory_without_slash),
		cmocka_unit_test(test_exclude),
		cmocka_unit_test(test_n_regex),
		cmocka_unit_test(test_k_regex),
		cmocka_unit_test(test_mailmap),
		cmocka_unit_test(test_fixes),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_patch_files),
		cmocka_unit_test(test_email_quoting),
		cmocka_unit_test(test_comma_in_name),
		cmocka_unit_test(test_bad_regex),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
