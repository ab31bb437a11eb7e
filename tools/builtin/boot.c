// SPDX-License-Identifier: GPL-2.0
/*
 * kseries boot: boot the guest kernel in QEMU and run the selftests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/console.h"
#include "lib/initramfs.h"
#include "lib/json.h"
#include "lib/kbuild.h"
#include "lib/tap.h"
#include "lib/testset.h"
#include "lib/vm.h"

const char cmd_boot_usage[] =
	"kseries boot - boot the guest kernel in QEMU and run the selftests\n"
	"\n"
	"usage: kseries boot [--kernel FILE | --build DIR] [--tests-dir DIR]\n"
	"                    [--tests LIST | --no-tests] [--cmd COMMAND]\n"
	"                    [--append ARGS] [--timeout S] [--test-timeout S]\n"
	"                    [--boot-timeout S] [--json | --tap] [--console]\n"
	"                    [--report FILE] [--known-failures FILE]\n"
	"                    [--gzip LEVEL] [--kvm | --no-kvm]\n"
	"                    [--baseline FILE]\n"
	"\n"
	"Packs busybox, kernel-overlay/init and the selftests into an\n"
	"initramfs, boots it under QEMU and shows each test's result as the\n"
	"guest reports it on its second serial port. Tests with a NAME.cmdline\n"
	"run in a boot of their own with those kernel parameters.\n"
	"\n"
	"The accelerator is KVM (-enable-kvm -cpu host) only where /dev/kvm\n"
	"opens, KVM_CREATE_VM works and the guest gets VMX or SVM (the host\n"
	"CPU has it and kvm_intel's or kvm_amd's 'nested' is on); otherwise\n"
	"TCG (-cpu max,la57=off, which gives the guest SVM). One line says\n"
	"which and why. If QEMU fails to start under KVM, the boot runs again\n"
	"under TCG.\n"
	"\n"
	"The verdict is 'ok' only if the init reported it was done and the\n"
	"console has no panic, oops, BUG, WARN, lockdep splat or stall;\n"
	"otherwise it is panic, oops, bug, warn, lockdep, hang (the watchdog\n"
	"stopped the guest), incomplete or qemu-failed, with the console\n"
	"lines quoted and the console log kept. Known failures (selftests/\n"
	"known-failures) are reported as TODO and do not fail the run.\n"
	"\n"
	"    --kernel FILE        the bzImage (default <build>/arch/x86/boot/bzImage)\n"
	"    --build DIR          the build directory (default <cache>/build)\n"
	"    --tests-dir DIR      built selftests (default: 'selftests' beside\n"
	"                         the build directory)\n"
	"    --tests LIST         comma-separated suite/name or suite\n"
	"    --no-tests           only boot (the init runs nothing)\n"
	"    --cmd COMMAND        run this shell command in the guest as the\n"
	"                         only test (cmd/cmd); tests are packed only if\n"
	"                         --tests is given, as /tests/<suite>/<name>\n"
	"    --append ARGS        extra kernel parameters for every boot\n"
	"    --timeout S          overall limit a boot (default 1800; with\n"
	"                         --cmd, the test timeout + 60)\n"
	"    --test-timeout S     per test, in the guest (default 300)\n"
	"    --boot-timeout S     QEMU start to the init's first word (120)\n"
	"    --json               print the report as JSON\n"
	"    --tap                print the results as TAP\n"
	"    --console            copy the guest console to stderr live\n"
	"    --report FILE        the JSON report (default out/results/boot.json)\n"
	"    --known-failures F   default selftests/known-failures\n"
	"    --baseline FILE      the boot.reports of another run (say, the\n"
	"                         base's debug kernel): only the kernel reports\n"
	"                         it does not have fail this run\n"
	"    --gzip LEVEL         compress the initramfs (0: none, default)\n"
	"    --kvm                use KVM (an error where it cannot run)\n"
	"    --no-kvm             use TCG even where KVM would do\n"
	"\n"
	"Every kernel report is also written, one line each, to\n"
	"out/results/boot.reports as a signature that two runs of two builds\n"
	"share (kind, first line without numbers or offsets, first frames).\n"
	"\n"
	"Exit status: 0 if every boot is ok and no test failed, 1 if not, 2 if\n"
	"the tool could not boot (no kernel, --kvm where KVM cannot run).\n"
	"Logs: out/logs/console-<stamp>.log (kept on failure),\n"
	"out/results/boot.json and boot.tap.\n";

struct boot_opts {
	char *kernel;
	char *tests_dir;
	const char *tests;
	const char *cmd;
	const char *append;
	const char *report;
	const char *known_path;
	const char *baseline;
	double timeout, test_timeout, boot_timeout;
	int level;
	int kvm;			/* 1 --kvm, 0 --no-kvm, -1 */
	bool json, tap, console, no_tests;
};

/* One boot and what came of it. */
struct boot_run {
	char *cmdline;			/* the group's extra parameters */
	char **want;			/* tests asked for */
	size_t nr_want;
	struct vm_result vm;
	char *console_log, *results_log, *qemu_log;
	bool kept;			/* logs kept (the boot failed) */
};

struct live {
	const struct known_failures *known;
	size_t done, total;
	bool quiet;
};

static const char *display_status(const struct test_result *t,
				  const struct known_failures *k)
{
	const struct known_failure *kf = known_failures_find(k, t->name);

	if (kf && (t->status == TS_FAIL || t->status == TS_TIMEOUT))
		return "XFAIL";
	if (kf && t->status == TS_PASS)
		return "XPASS";
	return test_status_name(t->status);
}

static void on_result(void *ctx, const struct test_result *t)
{
	struct live *l = ctx;

	l->done++;
	if (l->quiet)
		return;
	fprintf(stderr, "  [%zu/%zu] %-7s %-44s", l->done, l->total,
		display_status(t, l->known), t->name);
	if (t->secs >= 0)
		fprintf(stderr, " %7.2f s", t->secs);
	fputc('\n', stderr);
}

static char *stamp(void)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
	return xasprintf("%s-%d", buf, (int)getpid());
}

/* Whether @sig is the first field of a line of @baseline. */
static bool in_baseline(const char *baseline, const char *sig)
{
	size_t n = strlen(sig);
	const char *p = baseline;

	while (p && *p) {
		if (!strncmp(p, sig, n) &&
		    (p[n] == '\t' || p[n] == '\n' || !p[n]))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

/* A verdict that only a kernel report made, which a baseline excuses. */
static bool report_verdict(enum vm_verdict v)
{
	return v == VV_WARN || v == VV_UBSAN || v == VV_LOCKDEP ||
	       v == VV_KASAN || v == VV_OOPS || v == VV_BUG;
}

/*
 * The kernel reports of every boot, "SIGNATURE\tTEST" a line, into @sb;
 * with @baseline, print those it does not have and count them.
 */
static unsigned int reports(struct strbuf *sb, const struct boot_run *b,
			    size_t nr, const char *baseline, FILE *f)
{
	unsigned int added = 0;
	size_t i, j;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < b[i].vm.console.nr; j++) {
			const struct console_evidence *e =
				&b[i].vm.console.ev[j];

			sb_addf(sb, "%s\t%s\n", e->sig,
				e->test ? e->test : "-");
			if (!baseline || in_baseline(baseline, e->sig))
				continue;
			added++;
			if (f)
				fprintf(f, "new report (not in the baseline): %s%s%s\n",
					e->sig, e->test ? ", during " : "",
					e->test ? e->test : "");
		}
	}
	return added;
}

/* A boot's console evidence, as a JSON array. */
static json_t *json_evidence(const struct vm_result *v, const char *baseline)
{
	json_t *a = json_array();
	size_t j;

	for (j = 0; j < v->console.nr; j++) {
		const struct console_evidence *e = &v->console.ev[j];
		json_t *o = json_pack("{s:s,s:I,s:o,s:o,s:o}",
				"kind", console_kind_name(e->kind),
				"line", (json_int_t)e->line,
				"test", json_text_or_null(e->test),
				"text", json_text(e->text),
				"signature", json_text(e->sig));

		if (baseline)
			json_object_set_new(o, "new", json_boolean(
					!in_baseline(baseline, e->sig)));
		json_array_append_new(a, o);
	}
	return a;
}

/* One boot, as a JSON object. */
static json_t *json_boot(const struct boot_run *b, const char *baseline)
{
	const struct vm_result *v = &b->vm;
	json_t *o = json_object();

	json_set_text(o, "extra_cmdline", b->cmdline);
	json_object_set_new(o, "cmdline", json_text_or_null(v->cmdline));
	json_object_set_new(o, "verdict",
			    json_string(vm_verdict_name(v->verdict)));
	json_object_set_new(o, "done", json_boolean(v->run.done));
	json_object_set_new(o, "kvm",
			    json_boolean(v->accel.accel == ACCEL_KVM));
	json_object_set_new(o, "accel",
			    json_string(accel_name(v->accel.accel)));
	json_object_set_new(o, "fallback", json_text_or_null(v->fallback));
	json_object_set_new(o, "qemu_status", json_integer(v->qemu_status));
	json_object_set_new(o, "watchdog", json_text_or_null(v->watchdog));
	json_object_set_new(o, "qemu_error",
			    json_text_or_null(v->qemu_error));
	json_object_set_new(o, "kernel_release",
			    json_text_or_null(v->run.kernel));
	json_object_set_new(o, "first_result_s", json_secs(v->first_result));
	json_object_set_new(o, "duration_s", json_secs(v->duration));
	json_object_set_new(o, "console_log",
			    json_text_or_null(b->console_log));
	json_object_set_new(o, "console_kept", json_boolean(b->kept));
	json_object_set_new(o, "evidence", json_evidence(v, baseline));
	return o;
}

/* One test's result, as a JSON object. */
static json_t *json_test(const struct test_result *t)
{
	return json_pack("{s:o,s:s,s:o,s:i,s:I,s:o,s:o}",
			 "name", json_text(t->name),
			 "status", test_status_name(t->status),
			 "time_s", json_secs(t->secs),
			 "rc", t->rc,
			 "boot", (json_int_t)t->boot,
			 "reason", json_text_or_null(t->reason),
			 "output", json_text_or_null(t->output));
}

/*
 * The report: reals with 9 significant digits, so that "%.3f" seconds
 * keep every digit up to 999999.999 s.
 */
static void write_json(struct strbuf *sb, const struct boot_opts *o,
		       const char *baseline,
		       const struct accel_choice *accel,
		       enum vm_verdict verdict, int exit_code,
		       const struct boot_run *b, size_t nr_boots,
		       const struct test_result *t, size_t nr)
{
	json_t *doc, *counts, *boots = json_array(), *tests = json_array();
	struct tap_counts c;
	size_t i;

	tap_count(t, nr, &c);
	for (i = 0; i < nr_boots; i++)
		json_array_append_new(boots, json_boot(&b[i], baseline));
	for (i = 0; i < nr; i++)
		json_array_append_new(tests, json_test(&t[i]));
	counts = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}",
			   "pass", (json_int_t)c.pass,
			   "skip", (json_int_t)c.skip,
			   "fail", (json_int_t)c.fail,
			   "xfail", (json_int_t)c.xfail,
			   "xpass", (json_int_t)c.xpass,
			   "notrun", (json_int_t)c.notrun);
	doc = json_pack("{s:s,s:i,s:o,s:s,s:o,s:o,s:o,s:o}",
			"verdict", vm_verdict_name(verdict),
			"exit", exit_code,
			"kernel", json_text(o->kernel),
			"accel", accel_name(accel->accel),
			"accel_reason", json_text(accel->why),
			"counts", counts, "boots", boots, "tests", tests);
	json_dump_sb_digits(doc, sb, 9);
	sb_addch(sb, '\n');
	json_decref(doc);
}

static void print_quoted(FILE *f, const char *text, const char *prefix)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(f, "%s%.*s\n", prefix, len, p);
		p = nl ? nl + 1 : NULL;
	}
}

static void print_boot_problems(FILE *f, const struct boot_run *b,
				size_t idx, size_t nr_boots)
{
	const struct vm_result *v = &b->vm;
	size_t j;

	if (v->verdict == VV_OK)
		return;
	fprintf(f, "\nboot %zu%s%s%s: verdict %s", idx + 1,
		*b->cmdline ? " (" : "", b->cmdline,
		*b->cmdline ? ")" : "", vm_verdict_name(v->verdict));
	if (v->watchdog)
		fprintf(f, " - watchdog: %s", v->watchdog);
	else if (v->verdict == VV_INCOMPLETE)
		fprintf(f, " - the guest stopped (QEMU exit %d) before the init finished",
			v->qemu_status);
	fputc('\n', f);
	if (v->qemu_error)
		print_quoted(f, v->qemu_error, "    qemu: ");
	for (j = 0; j < v->console.nr; j++) {
		const struct console_evidence *e = &v->console.ev[j];

		fprintf(f, "  %s at console line %u%s%s:\n",
			console_kind_name(e->kind), e->line,
			e->test ? ", during " : "", e->test ? e->test : "");
		print_quoted(f, e->text, "    | ");
	}
	if (v->console.nr < v->console.counts[CK_PANIC] +
	    v->console.counts[CK_BUG] + v->console.counts[CK_OOPS] +
	    v->console.counts[CK_KASAN] + v->console.counts[CK_LOCKDEP] +
	    v->console.counts[CK_UBSAN] + v->console.counts[CK_WARN] +
	    v->console.counts[CK_HANG])
		fprintf(f, "  (more matches in the console log)\n");
	if (b->kept)
		fprintf(f, "  console log kept: %s\n  results: %s\n  qemu: %s\n",
			b->console_log, b->results_log, b->qemu_log);
	(void)nr_boots;
}

static void print_table(FILE *f, const struct test_result *t, size_t nr)
{
	struct tap_counts c;
	size_t i;

	if (nr)
		fprintf(f, "\n%-7s %-44s %9s\n", "RESULT", "TEST", "TIME");
	for (i = 0; i < nr; i++) {
		fprintf(f, "%-7s %-44s", test_status_name(t[i].status),
			t[i].name);
		if (t[i].secs >= 0)
			fprintf(f, " %7.2f s", t[i].secs);
		else
			fprintf(f, " %9s", "-");
		if (t[i].reason && t[i].status != TS_PASS)
			fprintf(f, "  %s", t[i].reason);
		fputc('\n', f);
		if (t[i].output && test_status_failed(t[i].status))
			print_quoted(f, t[i].output, "        | ");
	}
	tap_count(t, nr, &c);
	for (i = 0; i < nr; i++)
		if (t[i].status == TS_XPASS)
			fprintf(f, "NOTE: %s passed but is listed in known-failures: remove it from the list\n",
				t[i].name);
	fprintf(f, "%u passed, %u skipped, %u expected failures, %u failed",
		c.pass, c.skip, c.xfail, c.fail);
	if (c.notrun)
		fprintf(f, ", %u not run", c.notrun);
	fputc('\n', f);
}

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct boot_opts *o,
		      char **build)
{
	const char *kernel = NULL, *tests_dir = NULL, *build_dir = NULL;
	const struct option options[] = {
		OPT_STRING_F(0, "kernel", &kernel, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "build", &build_dir, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tests-dir", &tests_dir, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tests", &o->tests, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "cmd", &o->cmd, PARSE_OPT_NONEMPTY),
		OPT_STRING(0, "append", &o->append),
		OPT_STRING_F(0, "report", &o->report, PARSE_OPT_NONEMPTY),
		OPT_STRING(0, "known-failures", &o->known_path),
		OPT_STRING_F(0, "baseline", &o->baseline, PARSE_OPT_NONEMPTY),
		OPT_SECONDS(0, "timeout", &o->timeout),
		OPT_SECONDS(0, "test-timeout", &o->test_timeout),
		OPT_SECONDS(0, "boot-timeout", &o->boot_timeout),
		OPT_INT(0, "gzip", &o->level, 0, 9),
		OPT_BOOL(0, "json", &o->json),
		OPT_BOOL(0, "tap", &o->tap),
		OPT_BOOL(0, "console", &o->console),
		OPT_BOOL(0, "no-tests", &o->no_tests),
		OPT_TRISTATE(0, "kvm", &o->kvm),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_boot_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_boot_usage, "unknown argument '%s'",
				   argv[0]);
	if (o->json && o->tap)
		return usage_error(cmd_boot_usage,
				   "--json and --tap exclude each other");
	if (o->no_tests && (o->tests || o->cmd))
		return usage_error(cmd_boot_usage,
				   "--no-tests excludes --tests and --cmd");
	o->kernel = kernel ? xstrdup(kernel) : NULL;
	o->tests_dir = tests_dir ? xstrdup(tests_dir) : NULL;
	*build = build_dir ? xstrdup(build_dir) : NULL;
	return -1;
}

/*
 * Leave out the tests known-failures marks "SKIP" (run them only when
 * asked for by name); they are reported skipped, with the reason.
 */
static void skip_listed(struct testset *ts, const struct known_failures *k,
			struct test_result **res, size_t *nr, size_t *alloc)
{
	size_t i;

	for (i = 0; i < ts->nr; i++) {
		const struct known_failure *kf =
			known_failures_find(k, ts->t[i].name);
		struct test_result *t;

		if (!kf || !kf->skip)
			continue;
		ALLOC_GROW(*res, *nr + 1, *alloc);
		t = &(*res)[(*nr)++];
		memset(t, 0, sizeof(*t));
		t->name = xstrdup(ts->t[i].name);
		t->status = TS_SKIP;
		t->rc = -1;
		t->secs = -1;
		t->host_secs = -1;
		t->reason = xasprintf("not run by default: %s", kf->reason);
	}
	testset_drop_listed(ts, k, true);
}

/* Run one boot of @g's tests. Returns -1 if it could not be run. */
static int run_boot(const struct boot_opts *o, const struct testset *ts,
		    const struct boot_group *g, const struct known_failures *k,
		    const char *st, size_t idx, size_t nr_boots,
		    struct boot_run *b)
{
	struct initramfs ir = {
		.busybox = "/bin/busybox",
		.init = NULL,
		.ts = ts,
		.idx = g ? g->idx : NULL,
		.nr = g ? g->nr : 0,
		.cmd = o->cmd,
		.level = o->level,
	};
	struct vm_opts vo = {
		.kernel = o->kernel,
		.timeout = o->timeout,
		.boot_timeout = o->boot_timeout,
		.test_timeout = o->test_timeout,
		.kvm = o->kvm,
		.echo_console = o->console,
		.on_result = on_result,
	};
	struct live live = { .known = k, .quiet = o->json || o->tap };
	char *suffix = nr_boots > 1 ? xasprintf("-%zu", idx + 1) :
				      xstrdup("");
	char *logs = out_path("logs"), *tmp = out_path("boot");
	char *initrd, *append;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret = -1;

	mkdir_p(logs, 0755);
	mkdir_p(tmp, 0755);
	b->console_log = xasprintf("%s/console-%s%s.log", logs, st, suffix);
	b->results_log = xasprintf("%s/results-%s%s.log", logs, st, suffix);
	b->qemu_log = xasprintf("%s/qemu-%s%s.log", logs, st, suffix);
	initrd = xasprintf("%s/initrd-%s%s.cpio%s", tmp, st, suffix,
			   o->level ? ".gz" : "");
	ir.init = project_path("kernel-overlay/init");
	if (!ts)
		ir.ts = NULL;

	b->cmdline = xstrdup(g ? g->cmdline : "");
	if (o->cmd) {
		b->want = xcalloc(1, sizeof(char *));
		b->want[0] = xstrdup("cmd/cmd");
		b->nr_want = 1;
	} else if (g) {
		b->want = xcalloc(g->nr + 1, sizeof(char *));
		for (i = 0; i < g->nr; i++)
			b->want[i] = xstrdup(ts->t[g->idx[i]].name);
		b->nr_want = g->nr;
	}
	live.total = b->nr_want;

	if (initramfs_write(initrd, &ir))
		goto out;
	if (o->append && *o->append)
		sb_addf(&sb, "%s ", o->append);
	sb_addstr(&sb, b->cmdline);
	if (o->cmd)
		sb_addstr(&sb, " ks.cmd");
	append = cmdline_normalise(sb.buf);
	vo.append = append;
	vo.initrd = initrd;
	vo.console_log = b->console_log;
	vo.results_log = b->results_log;
	vo.qemu_log = b->qemu_log;
	vo.ctx = &live;
	if (!live.quiet)
		fprintf(stderr, "boot %zu/%zu: %zu test%s%s%s%s (initramfs %.1f MB)\n",
			idx + 1, nr_boots, b->nr_want,
			b->nr_want == 1 ? "" : "s",
			*append ? ", kernel parameters '" : "", append,
			*append ? "'" : "", ir.bytes / 1e6);
	ret = vm_run(&vo, &b->vm);
	free(append);
	unlink(initrd);
	if (ret)
		goto out;
	if (!live.quiet)
		fprintf(stderr, "boot %zu/%zu: %s in %.1f s%s\n", idx + 1,
			nr_boots, vm_verdict_name(b->vm.verdict),
			b->vm.duration, b->vm.first_result >= 0 ?
			"" : " (no test result)");
out:
	sb_release(&sb);
	free(initrd);
	free((char *)ir.init);
	free(logs);
	free(tmp);
	free(suffix);
	return ret;
}

/* Keep a failed boot's logs; replace a good one's by the "last" copies. */
static void settle_logs(struct boot_run *b, bool failed, size_t idx,
			size_t nr_boots)
{
	if (failed) {
		b->kept = true;
		return;
	}
	{
		char *dir = out_path("logs");
		char *sfx = nr_boots > 1 ? xasprintf("-%zu", idx + 1) :
					   xstrdup("");
		char *c = xasprintf("%s/console-last%s.log", dir, sfx);
		char *r = xasprintf("%s/results-last%s.log", dir, sfx);

		free(sfx);

		rename(b->console_log, c);
		rename(b->results_log, r);
		unlink(b->qemu_log);
		free(b->console_log);
		free(b->results_log);
		b->console_log = c;
		b->results_log = r;
		free(dir);
	}
}

/*
 * The boots: one per group of tests with the same kernel parameters, or
 * one for --cmd (with whatever tests were packed) or --no-tests.
 */
static void plan_boots(const struct boot_opts *o, const struct testset *ts,
		       bool have_tests, struct boot_group **groups,
		       size_t *nr_groups)
{
	struct boot_group single = { 0 };
	size_t i;

	if (!o->cmd && have_tests) {
		*nr_groups = testset_group(ts, groups);
		return;
	}
	single.cmdline = xstrdup("");
	single.nr = ts->nr;
	single.idx = xcalloc(ts->nr + 1, sizeof(size_t));
	for (i = 0; i < ts->nr; i++)
		single.idx[i] = i;
	*groups = xcalloc(1, sizeof(**groups));
	(*groups)[0] = single;
	*nr_groups = 1;
}

/*
 * The results of boot @i added to *@res: a test running when the
 * watchdog stopped the guest timed out; a failed one gets its console
 * output. Whether the boot failed.
 */
static bool judge_boot(struct boot_run *b, size_t i,
		       const struct known_failures *known,
		       struct test_result **res, size_t *nr_res,
		       size_t *alloc_res)
{
	size_t before = *nr_res, j;
	bool failed;

	tap_judge(&b->vm.run, b->want, b->nr_want, known, i, res, nr_res,
		  alloc_res);
	failed = b->vm.verdict != VV_OK;
	for (j = before; j < *nr_res; j++) {
		struct test_result *r = &(*res)[j];
		struct strbuf con = STRBUF_INIT;

		if (r->status == TS_CRASH && b->vm.watchdog) {
			r->status = TS_TIMEOUT;
			free(r->reason);
			r->reason = xstrdup("no result: running when the watchdog stopped the guest");
		}

		if (test_status_failed(r->status))
			failed = true;
		if (r->status == TS_PASS || r->status == TS_SKIP ||
		    read_file(b->console_log, &con)) {
			sb_release(&con);
			continue;
		}
		r->output = console_test_output(con.buf, r->name, 15);
		sb_release(&con);
	}
	return failed;
}

/* The exit status: 0 when every boot and every test went well. */
static int judge_run(const struct boot_opts *o, const struct boot_run *boots,
		     size_t nr_boots, const struct test_result *res,
		     size_t nr_res, const char *baseline, struct strbuf *rep)
{
	struct tap_counts c;
	bool boots_ok = true;
	size_t i;

	for (i = 0; i < nr_boots; i++)
		if (boots[i].vm.verdict != VV_OK &&
		    !(o->baseline && report_verdict(boots[i].vm.verdict)))
			boots_ok = false;
	tap_count(res, nr_res, &c);
	if (reports(rep, boots, nr_boots, baseline,
		    o->json || o->tap ? stderr : stdout))
		boots_ok = false;
	return boots_ok && !c.fail && !c.notrun ? 0 : 1;
}

/* The report files in out/results/, and the report on stdout. */
static void write_results(const struct boot_opts *o, const char *baseline,
			  const struct accel_choice *accel,
			  enum vm_verdict verdict, int exit_code,
			  const struct boot_run *boots, size_t nr_boots,
			  const struct test_result *res, size_t nr_res,
			  const struct strbuf *rep)
{
	struct strbuf js = STRBUF_INIT, tap = STRBUF_INIT;
	char *dir = out_path("results");
	char *report = o->report ? xstrdup(o->report) :
				   path_join(dir, "boot.json");
	char *tapf = path_join(dir, "boot.tap");
	char *repf = path_join(dir, "boot.reports");
	char *header = xasprintf("accel: %s", accel->why);
	size_t i;

	mkdir_p(dir, 0755);
	write_json(&js, o, baseline, accel, verdict, exit_code, boots,
		   nr_boots, res, nr_res);
	tap_write(&tap, header, res, nr_res);
	free(header);
	if (write_file_atomic(report, js.buf, js.len))
		warning("cannot write %s: %s", report, strerror(errno));
	if (write_file_atomic(tapf, tap.buf, tap.len))
		warning("cannot write %s: %s", tapf, strerror(errno));
	if (write_file_atomic(repf, rep->len ? rep->buf : "", rep->len))
		warning("cannot write %s: %s", repf, strerror(errno));
	free(repf);
	if (o->json) {
		fputs(js.buf, stdout);
	} else if (o->tap) {
		fputs(tap.buf, stdout);
	} else {
		print_table(stdout, res, nr_res);
		for (i = 0; i < nr_boots; i++)
			print_boot_problems(stdout, &boots[i], i, nr_boots);
		printf("verdict: %s (%zu boot%s, %s); report %s\n",
		       vm_verdict_name(verdict), nr_boots,
		       nr_boots == 1 ? "" : "s", accel_name(accel->accel),
		       report);
	}
	sb_release(&js);
	sb_release(&tap);
	free(dir);
	free(report);
	free(tapf);
}

/* The kernel, the build, the tests and the limits not given: defaults. */
static int resolve_defaults(struct boot_opts *o, char **build,
			    char **known_default)
{
	if (!*build)
		*build = kbuild_default_build();
	if (!o->kernel) {
		struct kbuild kb = { .build = *build };

		o->kernel = kbuild_image(&kb);
	}
	if (!path_exists(o->kernel)) {
		error("no kernel image %s: run 'kseries build' first, or pass --kernel",
		      o->kernel);
		return -1;
	}
	if (!path_exists("/bin/busybox")) {
		error("no /bin/busybox: install Debian's busybox-static");
		return -1;
	}
	if (!o->tests_dir)
		o->tests_dir = selftests_default_dir(*build);
	if (!o->timeout)
		o->timeout = o->cmd ? o->test_timeout + 60 : 1800;
	if (!o->known_path)
		o->known_path = *known_default =
			project_path("selftests/known-failures");
	return 0;
}

static void release_boots(struct boot_run *boots, size_t nr)
{
	size_t i, j;

	for (i = 0; i < nr && boots; i++) {
		for (j = 0; j < boots[i].nr_want; j++)
			free(boots[i].want[j]);
		free(boots[i].want);
		free(boots[i].cmdline);
		free(boots[i].console_log);
		free(boots[i].results_log);
		free(boots[i].qemu_log);
		vm_result_release(&boots[i].vm);
	}
	free(boots);
}

/* Everything boot reads and makes, stage by stage. */
struct boot_ctx {
	struct boot_opts o;
	char *build, *known_default;
	struct known_failures known;
	struct testset ts;
	bool have_tests;
	struct test_result *skipped;	/* left out by known-failures */
	size_t nr_skipped, alloc_skipped;
	struct boot_group *groups;
	size_t nr_groups;
	struct strbuf baseline;		/* another run's boot.reports */
	struct strbuf rep;		/* this run's */
	struct accel_choice accel;
	struct boot_run *boots;		/* one a group */
	size_t nr_boots;		/* run so far */
	struct test_result *res;
	size_t nr_res, alloc_res;
	enum vm_verdict verdict;	/* the first boot's that was not ok */
};

/* The known failures, the tests, the boots they need, the baseline. */
static int load_tests(struct boot_ctx *c)
{
	const struct boot_opts *o = &c->o;

	if (known_failures_load(&c->known, o->known_path))
		return -1;
	c->have_tests = !o->no_tests && (!o->cmd || o->tests);
	if (c->have_tests) {
		if (testset_load(&c->ts, o->tests_dir))
			return -1;
		if (o->tests && testset_select(&c->ts, o->tests))
			return -1;
		if (!o->tests)
			skip_listed(&c->ts, &c->known, &c->skipped,
				    &c->nr_skipped, &c->alloc_skipped);
	}
	plan_boots(o, &c->ts, c->have_tests, &c->groups, &c->nr_groups);
	if (o->baseline && read_file(o->baseline, &c->baseline)) {
		error("cannot read the baseline %s: %s", o->baseline,
		      strerror(errno));
		return -1;
	}
	if (o->baseline && !c->baseline.buf)
		sb_addstr(&c->baseline, "");
	return 0;
}

/* The accelerator, then every boot, judged as it ends. */
static int run_boots(struct boot_ctx *c)
{
	char *st;
	size_t i;
	int ret = 0;

	if (accel_choose(c->o.kvm, &c->accel)) {
		error("%s", c->accel.why);
		return -1;
	}
	fprintf(stderr, "accel: %s\n", c->accel.why);
	c->boots = xcalloc(c->nr_groups, sizeof(*c->boots));
	st = stamp();
	for (i = 0; i < c->nr_groups; i++) {
		struct boot_run *b = &c->boots[i];
		bool failed;

		if (run_boot(&c->o, c->have_tests ? &c->ts : NULL,
			     &c->groups[i], &c->known, st, i, c->nr_groups,
			     b)) {
			ret = -1;
			break;
		}
		c->nr_boots++;
		if (b->vm.fallback) {
			fprintf(stderr, "boot %zu/%zu: %s\n", i + 1,
				c->nr_groups, b->vm.fallback);
			c->accel = b->vm.accel;
		}
		failed = judge_boot(b, i, &c->known, &c->res, &c->nr_res,
				    &c->alloc_res);
		if (c->verdict == VV_OK)
			c->verdict = b->vm.verdict;
		settle_logs(b, failed, i, c->nr_groups);
	}
	free(st);
	return ret;
}

/* The results, the tests left out by default last; the exit status. */
static int report_run(struct boot_ctx *c)
{
	int exit_code;
	size_t i;

	for (i = 0; i < c->nr_skipped; i++) {
		ALLOC_GROW(c->res, c->nr_res + 1, c->alloc_res);
		c->res[c->nr_res++] = c->skipped[i];
	}
	c->nr_skipped = 0;
	exit_code = judge_run(&c->o, c->boots, c->nr_boots, c->res,
			      c->nr_res, c->baseline.buf, &c->rep);
	write_results(&c->o, c->baseline.buf, &c->accel, c->verdict,
		      exit_code, c->boots, c->nr_boots, c->res, c->nr_res,
		      &c->rep);
	return exit_code;
}

static void boot_ctx_release(struct boot_ctx *c)
{
	size_t i;

	release_boots(c->boots, c->nr_groups);
	sb_release(&c->baseline);
	sb_release(&c->rep);
	if (c->groups)
		boot_groups_release(c->groups, c->nr_groups);
	for (i = 0; i < c->nr_res; i++)
		test_result_release(&c->res[i]);
	free(c->res);
	for (i = 0; i < c->nr_skipped; i++)
		test_result_release(&c->skipped[i]);
	free(c->skipped);
	testset_release(&c->ts);
	known_failures_release(&c->known);
	free(c->known_default);
	free(c->o.kernel);
	free(c->o.tests_dir);
	free(c->build);
}

int cmd_boot(int argc, char **argv)
{
	struct boot_ctx c = {
		.o = { .test_timeout = 300, .boot_timeout = 120, .kvm = -1 },
		.baseline = STRBUF_INIT, .rep = STRBUF_INIT,
		.verdict = VV_OK,
	};
	int ret;

	ret = parse_args(argc, argv, &c.o, &c.build);
	if (ret >= 0)
		goto out;
	ret = 2;
	if (resolve_defaults(&c.o, &c.build, &c.known_default) ||
	    load_tests(&c) || run_boots(&c))
		goto out;
	ret = report_run(&c);
out:
	boot_ctx_release(&c);
	return ret;
}
