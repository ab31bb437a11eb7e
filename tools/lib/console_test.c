// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the console classifier on console logs in
 * lib/testdata/console/ (the shapes 5.10 prints: sysrq panic, lkdtm WARN
 * and BUG, NULL dereference, GPF, lockdep, hung task, RCU stall, soft
 * lockup) and on a clean log whose tests print look-alike words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"
#include "util.h"

static char *fixture_path(const char *name)
{
	const char *dir = getenv("KSERIES_TESTDATA");
	char *file = xstrdup(__FILE__), *slash = strrchr(file, '/');
	char *p;

	if (slash)
		*slash = '\0';
	else
		strcpy(file, ".");
	p = dir ? xasprintf("%s/console/%s", dir, name) :
		  xasprintf("%s/testdata/console/%s", file, name);
	free(file);
	return p;
}

static void scan_fixture(const char *name, struct console_report *r,
			 struct strbuf *text)
{
	char *p = fixture_path(name);

	assert_int_equal(read_file(p, text), 0);
	console_scan(text->buf, text->len, 4, 8, r);
	free(p);
}

static void test_classify_lines(void **state)
{
	static const struct {
		const char *line;
		enum console_kind kind;
	} cases[] = {
		{ "[    2.1] Kernel panic - not syncing: sysrq triggered crash",
		  CK_PANIC },
		{ "Kernel panic - not syncing: Attempted to kill init!",
		  CK_PANIC },
		{ "[    2.2] kernel BUG at drivers/misc/lkdtm/bugs.c:76!",
		  CK_BUG },
		{ "[    2.3] BUG: kernel NULL pointer dereference, address: 8",
		  CK_BUG },
		{ "[  260.0] watchdog: BUG: soft lockup - CPU#1 stuck for 22s!",
		  CK_BUG },
		{ "[    2.4] invalid opcode: 0000 [#1] SMP", CK_OOPS },
		{ "[    2.5] Oops: 0002 [#1] SMP NOPTI", CK_OOPS },
		{ "general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP",
		  CK_OOPS },
		{ "[    2.6] WARNING: CPU: 0 PID: 72 at x.c:83 f+0x5/0x10",
		  CK_WARN },
		{ "<4>[    2.6] WARNING: CPU: 1 PID: 1 at y.c:1 g+0x1/0x2",
		  CK_WARN },
		{ "WARNING: possible recursive locking detected", CK_LOCKDEP },
		{ "[ 1.0] WARNING: inconsistent lock state", CK_LOCKDEP },
		{ "WARNING: possible circular locking dependency detected",
		  CK_LOCKDEP },
		{ "WARNING: suspicious RCU usage", CK_LOCKDEP },
		{ "[ 2.7] BUG: KASAN: use-after-free in f+0x1a2/0x2c0",
		  CK_KASAN },
		{ "BUG: KASAN: slab-out-of-bounds in g+0x3/0x9", CK_KASAN },
		{ "[ 2.8] UBSAN: shift-out-of-bounds in arch/x86/kvm/x86.c:2215:21",
		  CK_UBSAN },
		{ "[ 2.9] UBSAN: array-index-out-of-bounds in x.c:1:2",
		  CK_UBSAN },
		{ "[ 9.0] INFO: task sh:70 blocked for more than 120 seconds.",
		  CK_HANG },
		{ "[ 9.1] rcu: INFO: rcu_preempt self-detected stall on CPU",
		  CK_HANG },
		{ "[ 9.2] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
		  CK_HANG },
		/* Look-alikes that are not kernel reports */
		{ "Warning: BUG: in lower case prefix", CK_NONE },
		{ "ok 1 WARNING: CPU: text inside TAP", CK_NONE },
		{ "  BUG in the middle", CK_NONE },
		{ "==== Test Assertion Failure ====", CK_NONE },
		{ "[    0.4] kvm: Nested Virtualization enabled", CK_NONE },
		{ "[    1.0] Oopsie daisy", CK_NONE },
		{ "KASAN: not a report without its BUG:", CK_NONE },
		{ "ubsan: lower case is not a report", CK_NONE },
		{ "not ok 3 base/state_test # rc=1 [#1]", CK_NONE },
		{ "", CK_NONE },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum console_kind k = console_classify_line(cases[i].line);

		if (k != cases[i].kind)
			fail_msg("'%s': got %s, want %s", cases[i].line,
				 console_kind_name(k),
				 console_kind_name(cases[i].kind));
	}
}

static void test_clean(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("clean.log", &r, &text);
	assert_int_equal(r.worst, CK_NONE);
	assert_int_equal(r.nr, 0);
	assert_int_equal(r.lines, 22);
	console_report_release(&r);
	sb_release(&text);
}

static void test_panic(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("panic.log", &r, &text);
	assert_int_equal(r.worst, CK_PANIC);
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.ev[0].line, 5);
	assert_string_equal(r.ev[0].test, "cmd/cmd");
	/* The panic line and the @context (4) lines after it. */
	assert_non_null(strstr(r.ev[0].text,
		"Kernel panic - not syncing: sysrq triggered crash\n"));
	assert_non_null(strstr(r.ev[0].text, "Call Trace:"));
	assert_non_null(strstr(r.ev[0].text, "dump_stack"));
	assert_null(strstr(r.ev[0].text, "panic+0xf6"));
	assert_null(strstr(r.ev[0].text, "sysrq: Trigger"));
	console_report_release(&r);
	sb_release(&text);
}

static void test_warn(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("warn.log", &r, &text);
	assert_int_equal(r.worst, CK_WARN);
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.counts[CK_WARN], 1);
	assert_int_equal(r.ev[0].line, 4);
	assert_true(starts_with(r.ev[0].text,
		"[    2.200200] WARNING: CPU: 0 PID: 72 at drivers/misc/lkdtm/bugs.c:83"));
	assert_non_null(strstr(r.ev[0].text, "RIP: 0010:lkdtm_WARNING"));
	assert_string_equal(r.ev[0].test, "cmd/cmd");
	console_report_release(&r);
	sb_release(&text);
}

static void test_bug_then_gpf(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("bug.log", &r, &text);
	/* "kernel BUG at" and its "invalid opcode" oops form one block. */
	assert_int_equal(r.worst, CK_BUG);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.ev[0].kind, CK_BUG);
	assert_int_equal(r.ev[0].line, 4);
	assert_non_null(strstr(r.ev[0].text, "invalid opcode: 0000 [#1]"));
	assert_int_equal(r.counts[CK_BUG], 1);
	assert_int_equal(r.counts[CK_OOPS], 2);
	/* The GPF came after the test ended: a block of its own. */
	assert_int_equal(r.ev[1].kind, CK_OOPS);
	assert_int_equal(r.ev[1].line, 13);
	assert_null(r.ev[1].test);
	console_report_release(&r);
	sb_release(&text);
}

static void test_null_deref(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("oops-null.log", &r, &text);
	assert_int_equal(r.worst, CK_BUG);
	assert_int_equal(r.nr, 1);
	assert_non_null(strstr(r.ev[0].text, "Oops: 0000 [#1] SMP"));
	assert_string_equal(r.ev[0].test, "project/nested_test");
	console_report_release(&r);
	sb_release(&text);

	scan_fixture("oops.log", &r, &text);
	assert_int_equal(r.worst, CK_OOPS);
	assert_int_equal(r.ev[0].line, 1);
	console_report_release(&r);
	sb_release(&text);
}

static void test_lockdep(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("lockdep.log", &r, &text);
	assert_int_equal(r.worst, CK_LOCKDEP);
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.ev[0].line, 4);
	assert_non_null(strstr(r.ev[0].text, "is trying to acquire lock"));
	assert_string_equal(r.ev[0].test, "project/xen_shinfo_test");
	console_report_release(&r);
	sb_release(&text);

	scan_fixture("lockdep2.log", &r, &text);
	assert_int_equal(r.worst, CK_LOCKDEP);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.counts[CK_LOCKDEP], 2);
	console_report_release(&r);
	sb_release(&text);
}

/*
 * A debug kernel's reports: UBSAN, then KASAN in a later test. KASAN is
 * the worse (a bad memory access); each is quoted with its test.
 */
static void test_kasan_ubsan(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("kasan.log", &r, &text);
	assert_int_equal(r.worst, CK_KASAN);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.counts[CK_UBSAN], 1);
	assert_int_equal(r.counts[CK_KASAN], 1);
	assert_int_equal(r.counts[CK_BUG], 0);
	assert_int_equal(r.ev[0].kind, CK_UBSAN);
	assert_int_equal(r.ev[0].line, 4);
	assert_string_equal(r.ev[0].test, "base/tsc_msrs_test");
	assert_non_null(strstr(r.ev[0].text, "shift exponent 64"));
	assert_int_equal(r.ev[1].kind, CK_KASAN);
	assert_int_equal(r.ev[1].line, 16);
	assert_string_equal(r.ev[1].test, "project/xen_vmcall_test");
	assert_non_null(strstr(r.ev[1].text,
			       "Read of size 8 at addr ffff888004d3a010"));
	/* What the report is, whatever the addresses and line numbers. */
	assert_string_equal(r.ev[0].sig,
			    "ubsan: UBSAN: shift-out-of-bounds in arch/x86/kvm/x86.c [kvm_set_tsc_khz]");
	assert_string_equal(r.ev[1].sig,
			    "kasan: BUG: KASAN: use-after-free in kvm_xen_write_hypercall_page [kvm_xen_write_hypercall_page < kvm_set_msr_common]");
	assert_string_equal(console_kind_name(CK_KASAN), "kasan");
	assert_string_equal(console_kind_name(CK_UBSAN), "ubsan");
	console_report_release(&r);
	sb_release(&text);
}

/*
 * The same WARN in two builds (another line number, address, CPU, PID,
 * offsets) has one signature; another function does not.
 */
static void test_signature(void **state)
{
	static const char a[] =
		"[    2.6] WARNING: CPU: 0 PID: 72 at arch/x86/kvm/x86.c:83 kvm_arch_vcpu_ioctl+0x5/0x10\n"
		"[    2.6] Modules linked in:\n"
		"[    2.6] RIP: 0010:kvm_arch_vcpu_ioctl+0x5/0x10\n"
		"[    2.6] Call Trace:\n"
		"[    2.6]  ? __warn+0x7e/0xc0\n"
		"[    2.6]  kvm_vcpu_ioctl+0x1b3/0x5e0\n"
		"[    2.6]  __x64_sys_ioctl+0x83/0xb0\n"
		"[    2.6]  do_syscall_64+0x33/0x40\n"
		"[    2.6]  entry_SYSCALL_64_after_hwframe+0x44/0xa9\n"
		"[    2.6] ---[ end trace 0123456789abcdef ]---\n";
	static const char b[] =
		"[   19.1] WARNING: CPU: 1 PID: 190 at arch/x86/kvm/x86.c:97 kvm_arch_vcpu_ioctl+0x9/0x30\n"
		"[   19.1] Call Trace:\n"
		"[   19.1]  kvm_vcpu_ioctl+0x2c3/0x6e0\n"
		"[   19.1]  __x64_sys_ioctl+0x83/0xb0\n"
		"[   19.1]  do_syscall_64+0x33/0x40\n";
	static const char c[] =
		"[   19.1] WARNING: CPU: 1 PID: 190 at arch/x86/kvm/x86.c:97 kvm_arch_vcpu_ioctl+0x9/0x30\n"
		"[   19.1] Call Trace:\n"
		"[   19.1]  kvm_vm_ioctl+0x2c3/0x6e0\n";
	static const char guessed[] =
		"[    7.1] kernel BUG at drivers/misc/lkdtm/bugs.c:76!\n"
		"[    7.1] Call Trace:\n"
		"[    7.1]  ? dump_stack+0x57/0x6a\n"
		"[    7.1]  ? lkdtm_do_action+0x11/0x11\n"
		"[    7.1]  ? direct_entry+0x90/0x10f\n"
		"[    7.1]  ? full_proxy_write+0x26/0x2e\n"
		"[    7.1]  ? vfs_write+0xb0/0xf4\n";
	char *sg = console_signature(CK_BUG, guessed, strlen(guessed));
	char *sa = console_signature(CK_WARN, a, strlen(a));
	char *sb = console_signature(CK_WARN, b, strlen(b));
	char *sc = console_signature(CK_WARN, c, strlen(c));

	assert_string_equal(sa,
			    "warn: WARNING: CPU: PID: at arch/x86/kvm/x86.c kvm_arch_vcpu_ioctl [kvm_vcpu_ioctl < __x64_sys_ioctl < do_syscall_64]");
	assert_string_equal(sa, sb);
	assert_string_not_equal(sa, sc);
	/* Only guessed frames: the first three of them, not dump_stack. */
	assert_string_equal(sg,
			    "bug: kernel BUG at drivers/misc/lkdtm/bugs.c [lkdtm_do_action < direct_entry < full_proxy_write]");
	free(sg);
	free(sa);
	free(sb);
	free(sc);
}

static void test_stalls(void **state)
{
	struct strbuf text = STRBUF_INIT;
	struct console_report r;

	scan_fixture("stall.log", &r, &text);
	/* The soft lockup is a BUG: worse than the stall reports. */
	assert_int_equal(r.worst, CK_BUG);
	assert_int_equal(r.counts[CK_HANG], 2);
	assert_int_equal(r.counts[CK_BUG], 1);
	/* Reports close together are one block, of the worst kind. */
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.ev[0].kind, CK_BUG);
	assert_int_equal(r.ev[0].line, 2);
	assert_non_null(strstr(r.ev[0].text, "blocked for more than"));
	assert_non_null(strstr(r.ev[0].text, "soft lockup"));
	console_report_release(&r);
	sb_release(&text);
}

static void test_max_blocks(void **state)
{
	struct strbuf log = STRBUF_INIT;
	struct console_report r;
	int i;

	for (i = 0; i < 20; i++)
		sb_addf(&log, "WARNING: CPU: 0 PID: %d at a.c:1 f+0x1/0x2\n"
			"x\nx\nx\nx\nx\nx\n", i);
	console_scan(log.buf, log.len, 2, 3, &r);
	assert_int_equal(r.nr, 3);
	assert_int_equal(r.counts[CK_WARN], 20);
	assert_int_equal(r.ev[2].line, 15);
	console_report_release(&r);
	sb_release(&log);
}

static void test_test_output(void **state)
{
	struct strbuf text = STRBUF_INIT;
	char *p = fixture_path("clean.log"), *out;

	assert_int_equal(read_file(p, &text), 0);
	out = console_test_output(text.buf, "base/state_test", 3);
	assert_non_null(out);
	assert_null(strstr(out, "ks: ===== end"));
	assert_non_null(strstr(out, "failed MSR was 0x3a"));
	assert_non_null(strstr(out, "vcpu_save_state"));
	assert_null(strstr(out, "r == nmsrs"));
	free(out);

	out = console_test_output(text.buf, "project/smoke_test", 100);
	assert_non_null(out);
	assert_true(starts_with(out, "TAP version 13\n1..3\n"));
	free(out);
	/* "base/state" is not "base/state_test" */
	assert_null(console_test_output(text.buf, "base/state", 10));
	assert_null(console_test_output(text.buf, "base/nope", 10));
	free(p);
	sb_release(&text);

	/*
	 * A test that never ended: its output runs to the end of the log,
	 * but stops where the kernel's report starts.
	 */
	p = fixture_path("panic.log");
	assert_int_equal(read_file(p, &text), 0);
	out = console_test_output(text.buf, "cmd/cmd", 5);
	assert_non_null(out);
	assert_string_equal(out, "[    2.101520] sysrq: Trigger a crash\n");
	free(out);
	free(p);
	sb_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_lines),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_panic),
		cmocka_unit_test(test_warn),
		cmocka_unit_test(test_bug_then_gpf),
		cmocka_unit_test(test_null_deref),
		cmocka_unit_test(test_lockdep),
		cmocka_unit_test(test_kasan_ubsan),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_stalls),
		cmocka_unit_test(test_max_blocks),
		cmocka_unit_test(test_test_output),
	};

	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
