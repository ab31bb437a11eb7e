// SPDX-License-Identifier: GPL-2.0
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define POLL_US		20000
#define QEMU_EXIT_DONE	33	/* isa-debug-exit: (0x10 << 1) | 1 */
#define EVIDENCE_LINES	8	/* quoted after each match */
#define EVIDENCE_MAX	8

static const char *const verdict_names[] = {
	[VV_OK] = "ok",
	[VV_PANIC] = "panic",
	[VV_OOPS] = "oops",
	[VV_BUG] = "bug",
	[VV_WARN] = "warn",
	[VV_LOCKDEP] = "lockdep",
	[VV_KASAN] = "kasan",
	[VV_UBSAN] = "ubsan",
	[VV_HANG] = "hang",
	[VV_QEMU_FAILED] = "qemu-failed",
	[VV_INCOMPLETE] = "incomplete",
};

const char *vm_verdict_name(enum vm_verdict v)
{
	return v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "?";
}

enum vm_verdict vm_verdict(bool done, bool watchdog, bool qemu_started,
			   bool guest_spoke, int qemu_status,
			   enum console_kind worst)
{
	if (!qemu_started)
		return VV_QEMU_FAILED;
	switch (worst) {
	case CK_PANIC:
		return VV_PANIC;
	case CK_BUG:
		return VV_BUG;
	case CK_OOPS:
		return VV_OOPS;
	case CK_KASAN:
		return VV_KASAN;
	case CK_LOCKDEP:
		return VV_LOCKDEP;
	case CK_UBSAN:
		return VV_UBSAN;
	case CK_WARN:
		return VV_WARN;
	case CK_HANG:
		return VV_HANG;
	default:
		break;
	}
	if (watchdog)
		return VV_HANG;
	if (done)
		return VV_OK;
	/* QEMU refused its arguments or died before the guest said a word. */
	if (!guest_spoke && qemu_status != 0 && qemu_status != QEMU_EXIT_DONE)
		return VV_QEMU_FAILED;
	return VV_INCOMPLETE;
}

void vm_result_release(struct vm_result *r)
{
	tap_run_release(&r->run);
	console_report_release(&r->console);
	free(r->watchdog);
	free(r->qemu_error);
	free(r->cmdline);
	free(r->fallback);
	memset(r, 0, sizeof(*r));
}

static int create_empty(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return error("cannot create %s: %s", path, strerror(errno));
	close(fd);
	return 0;
}

/* Read what was added to @fd; feed complete lines to the results. */
static void drain_results(int fd, struct vm_result *r, const struct vm_opts *o,
			  double start)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		struct strbuf *p = &r->run.partial;
		char *line, *nl;

		sb_add(p, buf, n);
		line = p->buf;
		while ((nl = memchr(line, '\n', p->buf + p->len - line))) {
			struct test_result *t;

			*nl = '\0';
			if (nl > line && nl[-1] == '\r')
				nl[-1] = '\0';
			t = tap_feed_line(&r->run, line);
			if (t) {
				t->host_secs = now_seconds() - start;
				if (r->first_result < 0)
					r->first_result = t->host_secs;
				if (o->on_result)
					o->on_result(o->ctx, t);
			}
			line = nl + 1;
		}
		memmove(p->buf, line, p->buf + p->len - line);
		p->len -= line - p->buf;
		p->buf[p->len] = '\0';
	}
}

static void echo_fd(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(2, buf, n) < 0)
			break;
}

unsigned long vm_host_tsc_khz(void)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned long khz = 0;
	const char *p = NULL;

	if (!read_file("/proc/cpuinfo", &sb))
		p = strstr(sb_str(&sb), "\ncpu MHz");
	if (p)
		p = strchr(p, ':');
	if (p)
		khz = (unsigned long)(strtod(p + 1, NULL) * 1000);
	sb_release(&sb);
	return khz ? khz : 2000000;
}

static char *build_cmdline(const struct vm_opts *o, bool kvm)
{
	struct strbuf sb = STRBUF_INIT;

	/*
	 * loglevel=5 keeps KERN_WARNING (WARN, lockdep) and worse on the
	 * console but not the boot chatter, which costs time under TCG.
	 */
	sb_addf(&sb, "console=ttyS0 panic=-1 loglevel=5 ks.timeout=%.0f",
		o->test_timeout > 0 ? o->test_timeout : 300);
	/*
	 * Under TCG on a loaded host the guest's PIT calibration of the TSC
	 * fails; with tsc_khz 0, 5.10's KVM spins forever in KVM_RUN
	 * (kvm_guest_time_update() requeues KVM_REQ_CLOCK_UPDATE). TCG's
	 * TSC is the host's: say its frequency, and that it is reliable (or
	 * the clocksource watchdog, comparing it with jiffies that lag on a
	 * loaded host, drops it in the middle of a test).
	 */
	if (!kvm && !(o->append && strstr(o->append, "tsc_early_khz=")))
		sb_addf(&sb, " tsc_early_khz=%lu tsc=reliable",
			vm_host_tsc_khz());
	if (o->append && *o->append)
		sb_addf(&sb, " %s", o->append);
	return sb_detach(&sb);
}

/* QEMU's command line, and the strings it owns. */
struct qemu_argv {
	const char *v[48];
	int n;
	char *serial[3], *mem, *smp;
};

static void qemu_argv(const struct vm_opts *o, const char *cmdline,
		      bool kvm, struct qemu_argv *a)
{
	const char **v = a->v;
	int n = 0, i;

	memset(a, 0, sizeof(*a));
	a->serial[0] = xasprintf("file:%s", o->console_log);
	a->serial[1] = xasprintf("file:%s", o->results_log);
	if (o->extra_log)
		a->serial[2] = xasprintf("file:%s", o->extra_log);
	a->mem = xasprintf("%d", o->mem_mb > 0 ? o->mem_mb : 2048);
	a->smp = xasprintf("%d", o->smp > 0 ? o->smp : 2);
	v[n++] = o->qemu ? o->qemu : "qemu-system-x86_64";
	v[n++] = "-M";
	v[n++] = "q35";
	if (kvm) {
		v[n++] = "-enable-kvm";
		v[n++] = "-cpu";
		v[n++] = "host";
	} else {
		/* 5.10's KVM spins on nested page faults with LA57 on. */
		v[n++] = "-cpu";
		v[n++] = "max,la57=off";
	}
	v[n++] = "-m";
	v[n++] = a->mem;
	v[n++] = "-smp";
	v[n++] = a->smp;
	v[n++] = "-nodefaults";
	v[n++] = "-display";
	v[n++] = "none";
	v[n++] = "-no-reboot";
	for (i = 0; i < 3 && a->serial[i]; i++) {
		v[n++] = "-serial";
		v[n++] = a->serial[i];
	}
	v[n++] = "-device";
	v[n++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
	/* A PCI device no driver claims (vfio_noiommu_device_test). */
	v[n++] = "-device";
	v[n++] = "pci-testdev";
	v[n++] = "-kernel";
	v[n++] = o->kernel;
	v[n++] = "-initrd";
	v[n++] = o->initrd;
	v[n++] = "-append";
	v[n++] = cmdline;
	v[n] = NULL;
	a->n = n;
}

static void qemu_argv_release(struct qemu_argv *a)
{
	int i;

	for (i = 0; i < 3; i++)
		free(a->serial[i]);
	free(a->mem);
	free(a->smp);
}

/*
 * Empty serial logs, the results (and console, to echo it) open for
 * reading, QEMU's log open for writing with the command line first,
 * for whoever reproduces it. 0, or -1 (reported).
 */
static int open_logs(const struct vm_opts *o, const struct qemu_argv *a,
		     int *rfd, int *cfd, int *logfd)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	*rfd = *cfd = *logfd = -1;
	if (create_empty(o->console_log) || create_empty(o->results_log))
		return -1;
	*rfd = open(o->results_log, O_RDONLY | O_CLOEXEC);
	if (o->echo_console)
		*cfd = open(o->console_log, O_RDONLY | O_CLOEXEC);
	*logfd = open(o->qemu_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0644);
	if (*rfd < 0 || *logfd < 0)
		return error("cannot open %s: %s", *rfd < 0 ? o->results_log :
			     o->qemu_log, strerror(errno));
	for (i = 0; i < a->n; i++)
		sb_addf(&sb, "%s'%s'", i ? " " : "# ", a->v[i]);
	sb_addch(&sb, '\n');
	if (write_in_full(*logfd, sb.buf, sb.len))
		warning("cannot write %s: %s", o->qemu_log, strerror(errno));
	sb_release(&sb);
	return 0;
}

/* The watchdog's reason to stop the guest now, or NULL. */
static char *watchdog(const struct vm_opts *o, const struct vm_result *r,
		      double since_start, double since_last)
{
	double boot_limit = o->boot_timeout > 0 ? o->boot_timeout : 120;
	double test_limit = o->test_timeout > 0 ? o->test_timeout : 300;
	double silence = test_limit + (o->grace > 0 ? o->grace : 30);

	if (o->timeout > 0 && since_start > o->timeout)
		return xasprintf("overall timeout: still running after %.0f s",
				 o->timeout);
	if (!r->run.header && since_start > boot_limit)
		return xasprintf("the init did not report within %.0f s of QEMU's start",
				 boot_limit);
	if (r->run.header && !r->run.done && since_last > silence)
		return xasprintf("no test result for %.0f s (per-test timeout %.0f s)",
				 since_last, test_limit);
	return NULL;
}

/* Follow QEMU to its end, or stop it when the watchdog fires: status. */
static int watch(const struct vm_opts *o, struct vm_result *r,
		 struct child *c, int rfd, int cfd, double start)
{
	double last = start;
	int status = 0;

	for (;;) {
		size_t before = r->run.nr;
		bool header = r->run.header;
		double now;
		int w;

		drain_results(rfd, r, o, start);
		if (cfd >= 0)
			echo_fd(cfd);
		now = now_seconds();
		if (r->run.nr != before || r->run.header != header)
			last = now;
		w = run_poll(c, &status);
		if (w <= 0)
			return w < 0 ? 0 : status;
		r->watchdog = watchdog(o, r, now - start, now - last);
		if (r->watchdog) {
			status = run_stop(c, 2);
			return status < 0 ? 0 : status;
		}
		usleep(POLL_US);
	}
}

/* What QEMU's run gave: the last results, the console, the verdict. */
static void judge(const struct vm_opts *o, struct vm_result *r, int rfd,
		  int cfd, double start)
{
	struct strbuf console = STRBUF_INIT;

	drain_results(rfd, r, o, start);
	if (cfd >= 0)
		echo_fd(cfd);
	if (r->run.partial.len) {
		/* A last line without its newline (the guest died). */
		char *line = xstrdup(r->run.partial.buf);

		sb_reset(&r->run.partial);
		tap_feed_line(&r->run, line);
		free(line);
	}
	if (read_file(o->console_log, &console))
		sb_reset(&console);
	console_scan(sb_str(&console), console.len, EVIDENCE_LINES,
		     EVIDENCE_MAX, &r->console);
	if (r->qemu_status == 127 && !r->run.header && !console.len)
		r->started = false;	/* exec failed */
	r->verdict = vm_verdict(r->run.done, r->watchdog != NULL, r->started,
				r->run.header || console.len > 0,
				r->qemu_status, r->console.worst);
	if (r->verdict == VV_QEMU_FAILED) {
		struct strbuf q = STRBUF_INIT;

		if (!read_file(o->qemu_log, &q)) {
			const char *body = strchr(q.buf, '\n');

			sb_rtrim(&q);
			r->qemu_error = xstrdup(body ? body + 1 : q.buf);
		}
		sb_release(&q);
	}
	sb_release(&console);
}

/* One run of QEMU, under KVM if @kvm. */
static int run_once(const struct vm_opts *o, struct vm_result *r, bool kvm)
{
	struct qemu_argv a;
	int rfd, cfd, logfd, ret = -1;
	struct run_opts ro = { .null_stdin = true };
	struct child c;
	double start;

	memset(r, 0, sizeof(*r));
	tap_run_init(&r->run);
	r->first_result = -1;
	r->cmdline = build_cmdline(o, kvm);
	qemu_argv(o, r->cmdline, kvm, &a);
	if (open_logs(o, &a, &rfd, &cfd, &logfd))
		goto out;
	ro.log_fd = logfd;
	start = now_seconds();
	if (run_start(a.v, &ro, &c))
		goto out;
	close(logfd);
	logfd = -1;
	r->started = true;
	r->qemu_status = watch(o, r, &c, rfd, cfd, start);
	r->duration = now_seconds() - start;
	judge(o, r, rfd, cfd, start);
	ret = 0;
out:
	if (rfd >= 0)
		close(rfd);
	if (cfd >= 0)
		close(cfd);
	if (logfd >= 0)
		close(logfd);
	qemu_argv_release(&a);
	return ret;
}

int vm_run(const struct vm_opts *o, struct vm_result *r)
{
	struct accel_choice c;
	char *fallback;

	if (accel_choose(o->kvm, &c)) {
		memset(r, 0, sizeof(*r));
		return error("%s", c.why);
	}
	if (run_once(o, r, c.accel == ACCEL_KVM))
		return -1;
	r->accel = c;
	if (c.accel != ACCEL_KVM || c.forced || r->verdict != VV_QEMU_FAILED)
		return 0;
	/*
	 * QEMU did not start under KVM although the probe said it could
	 * (a host CPU that KVM cannot fully virtualize): run under TCG,
	 * which always can, and keep to TCG for the rest of the process.
	 */
	accel_fall_back(r->qemu_error, &c);
	fallback = xstrdup(c.why);
	vm_result_release(r);
	if (run_once(o, r, false)) {
		free(fallback);
		return -1;
	}
	r->accel = c;
	r->fallback = fallback;
	return 0;
}
