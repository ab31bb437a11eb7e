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

static void stop_qemu(pid_t pid, int *status)
{
	int i;

	kill(pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
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

/* One run of QEMU, under KVM if @kvm. */
static int run_once(const struct vm_opts *o, struct vm_result *r, bool kvm)
{
	const char *argv[48];
	char *serial0 = xasprintf("file:%s", o->console_log);
	char *serial1 = xasprintf("file:%s", o->results_log);
	char *serial2 = o->extra_log ? xasprintf("file:%s", o->extra_log) :
				       NULL;
	char *mem = xasprintf("%d", o->mem_mb > 0 ? o->mem_mb : 2048);
	char *smp = xasprintf("%d", o->smp > 0 ? o->smp : 2);
	double start, last, boot_limit, silence;
	int rfd = -1, cfd = -1, logfd, argc = 0, status = 0, ret = -1;
	struct strbuf console = STRBUF_INIT;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	tap_run_init(&r->run);
	r->first_result = -1;
	r->cmdline = build_cmdline(o, kvm);

	argv[argc++] = o->qemu ? o->qemu : "qemu-system-x86_64";
	argv[argc++] = "-M";
	argv[argc++] = "q35";
	if (kvm) {
		argv[argc++] = "-enable-kvm";
		argv[argc++] = "-cpu";
		argv[argc++] = "host";
	} else {
		/* 5.10's KVM spins on nested page faults with LA57 on. */
		argv[argc++] = "-cpu";
		argv[argc++] = "max,la57=off";
	}
	argv[argc++] = "-m";
	argv[argc++] = mem;
	argv[argc++] = "-smp";
	argv[argc++] = smp;
	argv[argc++] = "-nodefaults";
	argv[argc++] = "-display";
	argv[argc++] = "none";
	argv[argc++] = "-no-reboot";
	argv[argc++] = "-serial";
	argv[argc++] = serial0;
	argv[argc++] = "-serial";
	argv[argc++] = serial1;
	if (serial2) {
		argv[argc++] = "-serial";
		argv[argc++] = serial2;
	}
	argv[argc++] = "-device";
	argv[argc++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
	/* A PCI device no driver claims (vfio_noiommu_device_test). */
	argv[argc++] = "-device";
	argv[argc++] = "pci-testdev";
	argv[argc++] = "-kernel";
	argv[argc++] = o->kernel;
	argv[argc++] = "-initrd";
	argv[argc++] = o->initrd;
	argv[argc++] = "-append";
	argv[argc++] = r->cmdline;
	argv[argc] = NULL;

	if (create_empty(o->console_log) || create_empty(o->results_log))
		goto out;
	rfd = open(o->results_log, O_RDONLY | O_CLOEXEC);
	if (o->echo_console)
		cfd = open(o->console_log, O_RDONLY | O_CLOEXEC);
	logfd = open(o->qemu_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		     0644);
	if (rfd < 0 || logfd < 0) {
		error("cannot open %s: %s", rfd < 0 ? o->results_log :
		      o->qemu_log, strerror(errno));
		if (logfd >= 0)
			close(logfd);
		goto out;
	}
	{
		FILE *f = fdopen(dup(logfd), "w");
		int i;

		/* The command line first, for whoever reproduces it. */
		for (i = 0; f && i < argc; i++)
			fprintf(f, "%s'%s'", i ? " " : "# ", argv[i]);
		if (f) {
			fputc('\n', f);
			fclose(f);
		}
	}
	fflush(stdout);
	fflush(stderr);
	start = now_seconds();
	pid = fork();
	if (pid < 0) {
		error("fork: %s", strerror(errno));
		close(logfd);
		goto out;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		setpgid(0, 0);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(logfd);
	r->started = true;
	last = start;
	boot_limit = o->boot_timeout > 0 ? o->boot_timeout : 120;
	silence = (o->test_timeout > 0 ? o->test_timeout : 300) +
		  (o->grace > 0 ? o->grace : 30);
	for (;;) {
		size_t before = r->run.nr;
		bool header = r->run.header;
		double now;
		pid_t w;

		drain_results(rfd, r, o, start);
		if (cfd >= 0)
			echo_fd(cfd);
		now = now_seconds();
		if (r->run.nr != before || r->run.header != header)
			last = now;
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			error("waitpid: %s", strerror(errno));
			break;
		}
		if (o->timeout > 0 && now - start > o->timeout)
			r->watchdog = xasprintf("overall timeout: still running after %.0f s",
						o->timeout);
		else if (!r->run.header && now - start > boot_limit)
			r->watchdog = xasprintf("the init did not report within %.0f s of QEMU's start",
						boot_limit);
		else if (r->run.header && !r->run.done &&
			 now - last > silence)
			r->watchdog = xasprintf("no test result for %.0f s (per-test timeout %.0f s)",
						now - last, silence -
						(o->grace > 0 ? o->grace : 30));
		if (r->watchdog) {
			stop_qemu(pid, &status);
			break;
		}
		usleep(POLL_US);
	}
	r->duration = now_seconds() - start;
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
	if (WIFEXITED(status))
		r->qemu_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->qemu_status = 128 + WTERMSIG(status);
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
	ret = 0;
out:
	if (rfd >= 0)
		close(rfd);
	if (cfd >= 0)
		close(cfd);
	sb_release(&console);
	free(serial0);
	free(serial1);
	free(serial2);
	free(mem);
	free(smp);
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
