// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the boot verdict and of the QEMU runner's watchdog and
 * live results, with a stand-in for QEMU: a shell script that takes the
 * same arguments and plays a guest (fake.mode= on the kernel command line
 * says which: one that finishes, panics, hangs, never starts, ...).
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

#include "vm.h"
#include "util.h"

static const char fake_qemu[] =
	"#!/bin/sh\n"
	"con= res= app=\n"
	"while [ $# -gt 0 ]; do\n"
	"	case \"$1\" in\n"
	"	-serial) if [ -z \"$con\" ]; then con=${2#file:};\n"
	"		else res=${2#file:}; fi; shift ;;\n"
	"	-append) app=$2; shift ;;\n"
	"	-enable-kvm) kvm=1 ;;\n"
	"	esac\n"
	"	shift\n"
	"done\n"
	"mode=${app##*fake.mode=}; mode=${mode%% *}\n"
	"if [ -n \"$kvm\" ] && [ $mode = nokvm ]; then\n"
	"	echo 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69' >&2\n"
	"	exit 1\n"
	"fi\n"
	"hdr() { printf 'TAP version 13\\n# ks: kernel 5.10.223 %s\\n1..%s\\n' \"$app\" $1 >> $res; }\n"
	"[ $mode = badarg ] || echo '[    0.000000] Linux version 5.10.223' >> $con\n"
	"case $mode in\n"
	"ok)	hdr 2\n"
	"	echo 'ks: ===== begin p/a' >> $con\n"
	"	echo 'ok 1 p/a # time=5ms' >> $res\n"
	"	sleep 0.3\n"
	"	printf 'ok 2 p/b # SKIP time=1ms\\n# ks: done\\n' >> $res\n"
	"	exit 33 ;;\n"
	"reboot)	hdr 1; printf 'ok 1 p/a\\n# ks: done\\n' >> $res; exit 0 ;;\n"
	"nokvm)	hdr 1; printf 'ok 1 p/a\\n# ks: done\\n' >> $res; exit 33 ;;\n"
	"warn)	hdr 1; echo 'ok 1 p/a' >> $res\n"
	"	echo '[    1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2' >> $con\n"
	"	echo '# ks: done' >> $res; exit 33 ;;\n"
	"panic)	hdr 2; echo 'ok 1 p/a' >> $res\n"
	"	echo 'ks: ===== begin p/b' >> $con\n"
	"	echo '[    1.0] Kernel panic - not syncing: boom' >> $con\n"
	"	exit 0 ;;\n"
	"hang)	hdr 2; echo 'ok 1 p/a' >> $res; exec sleep 30 ;;\n"
	"silent)	exec sleep 30 ;;\n"
	"partial) hdr 1; printf 'ok 1 p/a' >> $res; exit 0 ;;\n"
	"quiet)	hdr 1; exit 0 ;;\n"
	"stdin)	hdr 1; cat >> $con; echo said >&2\n"
	"	printf 'ok 1 p/a\\n# ks: done\\n' >> $res; exit 33 ;;\n"
	"badarg)	echo 'qemu-system-x86_64: -cpu max: bad option' >&2; exit 1 ;;\n"
	"esac\n"
	"exit 1\n";

struct fixture {
	char *dir;
	char *qemu;
	unsigned int results;
};

static int setup(void **state)
{
	char tmpl[] = "/tmp/ks-vm-XXXXXX";
	struct fixture *f = xcalloc(1, sizeof(*f));

	if (!mkdtemp(tmpl))
		return -1;
	f->dir = xstrdup(tmpl);
	f->qemu = path_join(f->dir, "qemu");
	if (write_file_atomic(f->qemu, fake_qemu, strlen(fake_qemu)) ||
	    chmod(f->qemu, 0755))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->dir);
	free(f->dir);
	free(f->qemu);
	free(f);
	return 0;
}

static void count_result(void *ctx, const struct test_result *t)
{
	struct fixture *f = ctx;

	f->results++;
	assert_true(t->host_secs >= 0);
}

static void run(struct fixture *f, const char *mode, struct vm_opts *o,
		struct vm_result *r)
{
	char *append = xasprintf("fake.mode=%s", mode);
	char *con = path_join(f->dir, "console.log");
	char *res = path_join(f->dir, "results.log");
	char *ql = path_join(f->dir, "qemu.log");

	if (!o->qemu)
		o->qemu = f->qemu;
	o->kernel = "/nonexistent/bzImage";
	o->initrd = "/nonexistent/initrd";
	o->append = append;
	o->console_log = con;
	o->results_log = res;
	o->qemu_log = ql;
	o->on_result = count_result;
	o->ctx = f;
	f->results = 0;
	assert_int_equal(vm_run(o, r), 0);
	free(append);
	free(con);
	free(res);
	free(ql);
}

static void test_verdict_table(void **state)
{
	/* done, watchdog, started, spoke, status, console */
	assert_int_equal(vm_verdict(true, false, true, true, 33, CK_NONE),
			 VV_OK);
	/* lockdown: the init falls back to reboot -f, QEMU exits 0 */
	assert_int_equal(vm_verdict(true, false, true, true, 0, CK_NONE),
			 VV_OK);
	/* Evidence wins over "done": a WARN fails a finished boot. */
	assert_int_equal(vm_verdict(true, false, true, true, 33, CK_WARN),
			 VV_WARN);
	assert_int_equal(vm_verdict(true, false, true, true, 33, CK_LOCKDEP),
			 VV_LOCKDEP);
	assert_int_equal(vm_verdict(true, false, true, true, 33, CK_KASAN),
			 VV_KASAN);
	assert_int_equal(vm_verdict(true, false, true, true, 33, CK_UBSAN),
			 VV_UBSAN);
	assert_string_equal(vm_verdict_name(VV_KASAN), "kasan");
	assert_string_equal(vm_verdict_name(VV_UBSAN), "ubsan");
	assert_int_equal(vm_verdict(false, false, true, true, 0, CK_PANIC),
			 VV_PANIC);
	assert_int_equal(vm_verdict(false, true, true, true, 137, CK_PANIC),
			 VV_PANIC);
	assert_int_equal(vm_verdict(false, false, true, true, 0, CK_OOPS),
			 VV_OOPS);
	assert_int_equal(vm_verdict(true, false, true, true, 33, CK_BUG),
			 VV_BUG);
	assert_int_equal(vm_verdict(false, true, true, true, 137, CK_NONE),
			 VV_HANG);
	assert_int_equal(vm_verdict(false, false, true, true, 0, CK_HANG),
			 VV_HANG);
	assert_int_equal(vm_verdict(false, false, true, false, 1, CK_NONE),
			 VV_QEMU_FAILED);
	assert_int_equal(vm_verdict(false, false, false, false, -1, CK_NONE),
			 VV_QEMU_FAILED);
	/* The guest spoke, then QEMU exited without "done" or a trace. */
	assert_int_equal(vm_verdict(false, false, true, true, 0, CK_NONE),
			 VV_INCOMPLETE);
	assert_string_equal(vm_verdict_name(VV_QEMU_FAILED), "qemu-failed");
}

static void test_run_ok(void **state)
{
	struct fixture *f = *state;
	struct vm_opts o = { .timeout = 20 };
	struct vm_result r;

	run(f, "ok", &o, &r);
	assert_int_equal(r.verdict, VV_OK);
	assert_int_equal(r.qemu_status, 33);
	assert_true(r.run.done);
	assert_int_equal(r.run.nr, 2);
	assert_int_equal(f->results, 2);
	assert_null(r.watchdog);
	assert_true(r.first_result >= 0);
	assert_true(r.run.tests[1].host_secs >= r.first_result + 0.2);
	assert_int_equal(r.accel.accel, ACCEL_TCG);
	/* The command line the guest got, as the fake init echoed it. */
	assert_string_equal(r.run.kernel, "5.10.223");
	assert_non_null(strstr(r.run.guest_cmdline, "console=ttyS0 panic=-1"));
	assert_non_null(strstr(r.run.guest_cmdline, "ks.timeout=300"));
	assert_non_null(strstr(r.cmdline, "fake.mode=ok"));
	/* TCG: the TSC frequency is given, the guest cannot measure it. */
	assert_non_null(strstr(r.run.guest_cmdline, " tsc_early_khz="));
	assert_true(vm_host_tsc_khz() > 100000);
	vm_result_release(&r);

	run(f, "reboot", &o, &r);
	assert_int_equal(r.verdict, VV_OK);
	assert_int_equal(r.qemu_status, 0);
	vm_result_release(&r);

	/*
	 * QEMU's stdin is empty (not ours), and its log holds the command
	 * line, quoted, then what QEMU said.
	 */
	run(f, "stdin", &o, &r);
	assert_int_equal(r.verdict, VV_OK);
	{
		char *ql = path_join(f->dir, "qemu.log");
		struct strbuf sb = STRBUF_INIT;
		char *want = xasprintf("# '%s' '-M' 'q35' ", f->qemu);

		assert_int_equal(read_file(ql, &sb), 0);
		assert_true(starts_with(sb.buf, want));
		assert_true(ends_with(sb.buf, "'\nsaid\n"));
		assert_non_null(strstr(sb.buf, " '-append' 'console=ttyS0 "));
		sb_release(&sb);
		free(want);
		free(ql);
	}
	vm_result_release(&r);
}

static void test_run_evidence(void **state)
{
	struct fixture *f = *state;
	struct vm_opts o = { .timeout = 20 };
	struct vm_result r;

	run(f, "warn", &o, &r);
	assert_int_equal(r.verdict, VV_WARN);
	assert_true(r.run.done);
	assert_int_equal(r.console.nr, 1);
	vm_result_release(&r);

	run(f, "panic", &o, &r);
	assert_int_equal(r.verdict, VV_PANIC);
	assert_false(r.run.done);
	assert_int_equal(r.console.nr, 1);
	assert_string_equal(r.console.ev[0].test, "p/b");
	assert_non_null(strstr(r.console.ev[0].text, "not syncing: boom"));
	vm_result_release(&r);
}

static void test_watchdog(void **state)
{
	struct fixture *f = *state;
	struct vm_opts o = { .timeout = 20, .test_timeout = 1, .grace = 1 };
	struct vm_result r;
	double start = now_seconds();

	/* Silence after a result: the per-test limit plus grace. */
	run(f, "hang", &o, &r);
	assert_int_equal(r.verdict, VV_HANG);
	assert_non_null(r.watchdog);
	assert_non_null(strstr(r.watchdog, "no test result"));
	assert_int_equal(r.run.nr, 1);
	assert_true(now_seconds() - start < 10);
	vm_result_release(&r);

	/* The init never speaks. */
	memset(&o, 0, sizeof(o));
	o.timeout = 20;
	o.boot_timeout = 1;
	run(f, "silent", &o, &r);
	assert_int_equal(r.verdict, VV_HANG);
	assert_non_null(strstr(r.watchdog, "did not report"));
	vm_result_release(&r);

	/* The overall limit. */
	memset(&o, 0, sizeof(o));
	o.timeout = 1;
	run(f, "hang", &o, &r);
	assert_int_equal(r.verdict, VV_HANG);
	assert_non_null(strstr(r.watchdog, "overall timeout"));
	vm_result_release(&r);
}

static void test_qemu_failed(void **state)
{
	struct fixture *f = *state;
	struct vm_opts o = { .timeout = 20 };
	struct vm_result r;

	run(f, "badarg", &o, &r);
	assert_int_equal(r.verdict, VV_QEMU_FAILED);
	assert_int_equal(r.qemu_status, 1);
	assert_non_null(r.qemu_error);
	assert_non_null(strstr(r.qemu_error, "bad option"));
	vm_result_release(&r);

	o.qemu = "/nonexistent/qemu-system-x86_64";
	run(f, "ok", &o, &r);
	assert_int_equal(r.verdict, VV_QEMU_FAILED);
	assert_false(r.started);
	assert_non_null(strstr(r.qemu_error, "cannot run"));
	vm_result_release(&r);
}

static void test_incomplete(void **state)
{
	struct fixture *f = *state;
	struct vm_opts o = { .timeout = 20 };
	struct vm_result r;

	/* A result line cut short by the guest's end still counts. */
	run(f, "partial", &o, &r);
	assert_int_equal(r.verdict, VV_INCOMPLETE);
	assert_int_equal(r.run.nr, 1);
	assert_string_equal(r.run.tests[0].name, "p/a");
	vm_result_release(&r);

	run(f, "quiet", &o, &r);
	assert_int_equal(r.verdict, VV_INCOMPLETE);
	assert_int_equal(r.run.nr, 0);
	assert_int_equal(r.first_result, -1);
	vm_result_release(&r);
}

/*
 * A host where the probe says KVM can nest but QEMU fails to start
 * under it (the MSR 0x10a case): the boot runs again under TCG, says
 * why, and later boots of the process go straight to TCG. Last: the
 * fall-back holds for the rest of the process.
 */
static void test_run_kvm_falls_back(void **state)
{
	struct fixture *f = *state;
	struct vm_opts o = { .timeout = 20, .kvm = -1 };
	struct vm_result r;
	struct strbuf ql = STRBUF_INIT;
	char *qlog = path_join(f->dir, "qemu.log");

	setenv("KSERIES_ACCEL_PROBE", "dev=0 vm=0 flags=vmx nested=1", 1);
	run(f, "nokvm", &o, &r);
	assert_int_equal(r.verdict, VV_OK);
	assert_int_equal(r.accel.accel, ACCEL_TCG);
	assert_non_null(r.fallback);
	assert_string_equal(r.fallback,
			    "TCG: QEMU failed to start under KVM (qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69); retrying under TCG");
	assert_int_equal(r.run.nr, 1);
	/* The log is the TCG run's: its command line has no -enable-kvm. */
	assert_int_equal(read_file(qlog, &ql), 0);
	assert_null(strstr(ql.buf, "-enable-kvm"));
	assert_non_null(strstr(ql.buf, "'max,la57=off'"));
	vm_result_release(&r);

	/* The next boot does not try KVM again. */
	o.kvm = -1;
	run(f, "nokvm", &o, &r);
	assert_int_equal(r.verdict, VV_OK);
	assert_null(r.fallback);
	assert_int_equal(r.accel.accel, ACCEL_TCG);
	vm_result_release(&r);

	/* Forced, KVM is tried, and its failure is the verdict. */
	o.kvm = 1;
	run(f, "nokvm", &o, &r);
	assert_int_equal(r.accel.accel, ACCEL_KVM);
	assert_int_equal(r.verdict, VV_QEMU_FAILED);
	assert_non_null(strstr(r.qemu_error, "failed to set MSR 0x10a"));
	assert_null(r.fallback);
	vm_result_release(&r);
	sb_release(&ql);
	free(qlog);
	unsetenv("KSERIES_ACCEL_PROBE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_table),
		cmocka_unit_test(test_run_ok),
		cmocka_unit_test(test_run_evidence),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_qemu_failed),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_run_kvm_falls_back),
	};

	return cmocka_run_group_tests_name("vm", tests, setup, teardown);
}
