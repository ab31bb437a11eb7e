// SPDX-License-Identifier: GPL-2.0
/*
 * One step of a check: build the commit the work tree holds, boot it
 * and collect its tests' results; or take them from another commit's
 * result (the same image, or a build with the same inputs).
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-int.h"
#include "hash.h"

#define EVIDENCE_LINES	6

/* Building */

/* A line for people in the build log @log: one it cannot take is no error. */
static void log_note(const char *log, const char *fmt, ...) __printf(2, 3);

static void log_note(const char *log, const char *fmt, ...)
{
	struct strbuf line = STRBUF_INIT;
	va_list ap;
	int fd;

	sb_addstr(&line, "### kseries check: ");
	va_start(ap, fmt);
	sb_vaddf(&line, fmt, ap);
	va_end(ap);
	sb_addch(&line, '\n');
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line.buf, line.len) < 0)
			line.len = 0;
		close(fd);
	}
	sb_release(&line);
}

/*
 * Prepare the warnings database for a build (wdb_prepare()) and say in
 * the log @log what is rebuilt for its warnings.
 */
static void prepare_warnings(struct check_ctx *c, const char *log,
			     const struct sparse_scope *scope)
{
	struct strbuf names = STRBUF_INIT;
	size_t n = wdb_prepare(&c->db, c->build, scope, &names);

	if (n)
		log_note(log, "%zu object%s rebuilt for their warnings: %.2000s%s",
			 n, n == 1 ? "" : "s", names.buf,
			 names.len > 2000 ? " ..." : "");
	sb_release(&names);
}

/*
 * Sparse's scope, from what the range may compile again (c->reach) and
 * the .cmd files of the build just made; said in the log @log.
 */
static void find_scope(struct check_ctx *c, const char *log)
{
	struct sparse_scope *s = &c->scope;
	const struct kbuild_reach *r = c->reach;

	c->scope_known = true;
	if (r && !r->all &&
	    !kbuild_reach_objects(r, c->build, &s->objs, &s->nr)) {
		wdb_limit_sparse(&c->db, s);
		log_note(log, "sparse checks the %zu object%s the range may compile again (%zu path%s, %zu name%s, %zu director%s)",
			 s->nr, s->nr == 1 ? "" : "s", r->nr_paths,
			 r->nr_paths == 1 ? "" : "s", r->nr_names,
			 r->nr_names == 1 ? "" : "s", r->nr_dirs,
			 r->nr_dirs == 1 ? "y" : "ies");
		return;
	}
	s->all = true;
	if (r && !r->all)
		log_note(log, "sparse checks every object: no .cmd file in %s",
			 c->build);
	else
		log_note(log, "sparse checks every object%s%s",
			 r ? ": the range changes " : "",
			 r ? r->why_all : "");
}

/*
 * One make of a step: config and bzImage, then the warnings of what it
 * rebuilt (read from what it added to the log), saved. Whether it built.
 */
static bool build_pass(struct check_ctx *c, struct kbuild *kb,
		       const struct sparse_scope *scope, struct strbuf *log,
		       unsigned int *compiled)
{
	struct stat st;
	size_t from;
	bool ok;

	prepare_warnings(c, kb->log, scope);
	from = stat(kb->log, &st) ? 0 : (size_t)st.st_size;
	kb->sparse = scope != NULL;
	ok = !kbuild_config(kb) && !check_interrupted && !kbuild_kernel(kb);
	*compiled += kb->compiled;
	if (kb->sparse && kb->sparse_cmd)
		log_note(kb->log, "sparse on %u object%s, %u of them from its cache",
			 kb->sparse_cached + kb->sparse_ran,
			 kb->sparse_cached + kb->sparse_ran == 1 ? "" : "s",
			 kb->sparse_cached);
	sb_reset(log);
	if (read_file(kb->log, log))
		sb_addstr(log, "");
	wdb_update(&c->db, log->len > from ? log->buf + from : "", c->tree,
		   c->build, scope, NULL);
	if (!check_interrupted)
		wdb_save(&c->db, c->build);
	return ok;
}

int check_build(struct check_ctx *c, const char *tag, struct check_result *r)
{
	struct kbuild kb = {
		.tree = c->tree,
		.build = c->build,
		.fragments = c->fragments,
		.nr_fragments = c->nr_fragments,
		.jobs = c->jobs,
		.ccache = c->ccache,
		.target = "bzImage",
		.sync_output = true,
		.distcc = c->distcc,
		.no_distcc = c->no_distcc,
		.sparse_cmd = c->sparse_cmd,
		/* What the build has to say is in @r: nothing is printed. */
		.say = { msg_discard, NULL },
	};
	struct strbuf log = STRBUF_INIT, errs = STRBUF_INIT;
	double start = now_seconds();
	int ok;

	mkdir_p(c->log_dir, 0755);
	free(r->log);
	r->log = xasprintf("%s/%s.build.log", c->log_dir, tag);
	kb.log = r->log;
	if (truncate(r->log, 0) && errno != ENOENT)
		return error("cannot truncate %s: %s", r->log,
			     strerror(errno));
	r->compiled = 0;
	if (c->static_checks && !c->scope_known) {
		/*
		 * The first build of a check: without sparse, then sparse
		 * on what the range may compile again, not on every object
		 * a build directory new to this commit compiles.
		 */
		ok = build_pass(c, &kb, NULL, &log, &r->compiled);
		if (ok && !check_interrupted) {
			find_scope(c, r->log);
			ok = build_pass(c, &kb, &c->scope, &log,
					&r->compiled);
		}
	} else {
		ok = build_pass(c, &kb, c->static_checks ? &c->scope : NULL,
				&log, &r->compiled);
	}
	r->make_secs = now_seconds() - start;
	r->build = ok ? CB_OK : CB_FAIL;
	wset_release(&r->warnings);
	wdb_all(&c->db, &r->warnings);
	free(r->errors);
	r->errors = NULL;
	r->image[0] = '\0';
	if (ok) {
		char *img = kbuild_image(&kb);

		if (sha256_file(img, r->image))
			r->image[0] = '\0';
		free(img);
	}
	if (!ok) {
		kbuild_first_errors(log.buf, 12, &errs);
		if (!errs.len)
			sb_addstr(&errs, "    (no error line found; see the log)\n");
		r->errors = sb_detach(&errs);
	}
	kbuild_release(&kb);
	sb_release(&log);
	sb_release(&errs);
	return 0;
}

/* Booting */

/* The first @max lines of @text, each indented. */
static void add_lines(struct strbuf *sb, const char *text, unsigned int max)
{
	const char *p = text;
	unsigned int n = 0;

	while (p && *p && n < max) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		sb_addf(sb, "%.*s\n", len, p);
		n++;
		p = nl ? nl + 1 : NULL;
	}
}

static char *boot_evidence(const struct vm_result *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (v->watchdog)
		sb_addf(&sb, "watchdog: %s\n", v->watchdog);
	if (v->qemu_error)
		add_lines(&sb, v->qemu_error, EVIDENCE_LINES);
	if (v->console.nr) {
		const struct console_evidence *e = &v->console.ev[0];

		sb_addf(&sb, "%s at console line %u%s%s:\n",
			console_kind_name(e->kind), e->line,
			e->test ? ", during " : "", e->test ? e->test : "");
		add_lines(&sb, e->text, EVIDENCE_LINES);
	}
	if (!sb.len && v->verdict == VV_INCOMPLETE)
		sb_addf(&sb, "the guest stopped (QEMU exit %d) before the init finished\n",
			v->qemu_status);
	if (!sb.len)
		return NULL;
	sb_rtrim(&sb);
	return sb_detach(&sb);
}

static bool infrastructure_failure(const struct vm_result *v)
{
	return v->verdict == VV_QEMU_FAILED ||
	       (v->watchdog && !v->run.header);
}

/* The files of one boot: its logs, and the kernel command line. */
struct boot_files {
	char *console, *results, *qlog;
	char *append;
};

static void boot_files_init(struct boot_files *f, const struct check_ctx *c,
			    const struct check_suite *s, const char *tag,
			    size_t g)
{
	const char *cmdline = s->groups[g].cmdline;

	f->console = xasprintf("%s/%s-%zu.console.log", c->log_dir, tag,
			       g + 1);
	f->results = xasprintf("%s/%s-%zu.results.log", c->log_dir, tag,
			       g + 1);
	f->qlog = xasprintf("%s/%s-%zu.qemu.log", c->log_dir, tag, g + 1);
	f->append = s->cmd ? xasprintf("%s ks.cmd", cmdline) :
			     xstrdup(cmdline);
}

static void boot_files_release(struct boot_files *f)
{
	free(f->console);
	free(f->results);
	free(f->qlog);
	free(f->append);
}

/* The tests a boot of group @grp is to report: their names. */
static char **boot_wanted(const struct check_suite *s,
			  const struct boot_group *grp, size_t *nr)
{
	char **want = xcalloc(grp->nr + 2, sizeof(char *));
	size_t i;

	*nr = 0;
	if (s->cmd)
		want[(*nr)++] = xstrdup("cmd/cmd");
	else
		for (i = 0; i < grp->nr; i++)
			want[(*nr)++] = xstrdup(s->ts.t[grp->idx[i]].name);
	return want;
}

/*
 * Run the guest of @vo into @v, once more if QEMU could not run it or a
 * watchdog stopped it before the init started; counted in @r. -1 if
 * QEMU could not be started at all (nothing in @v).
 */
static int boot_retrying(const struct vm_opts *vo, struct check_result *r,
			 struct vm_result *v)
{
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (vm_run(vo, v))
			return -1;
		r->boots++;
		r->boot_secs += v->duration;
		snprintf(r->accel, sizeof(r->accel), "%s",
			 accel_name(v->accel.accel));
		if (attempt || !infrastructure_failure(v) ||
		    check_interrupted)
			break;
		r->retries++;
		vm_result_release(v);
	}
	return 0;
}

/*
 * The results of the boot @v of group @g into @r: each test @want
 * names, a failure's output from @console. Whether one failed.
 */
static bool boot_tests(struct check_result *r, struct vm_result *v,
		       char **want, size_t nr_want,
		       const struct known_failures *k, size_t g,
		       const char *console)
{
	struct test_result *res = NULL;
	size_t nr_res = 0, alloc_res = 0, i;
	bool failed = false;

	tap_judge(&v->run, want, nr_want, k, g, &res, &nr_res, &alloc_res);
	for (i = 0; i < nr_res; i++) {
		struct check_test *t = check_add_test(r, res[i].name);

		if (res[i].status == TS_CRASH && v->watchdog) {
			res[i].status = TS_TIMEOUT;
			free(res[i].reason);
			res[i].reason = xstrdup("no result: running when the watchdog stopped the guest");
		}
		t->status = res[i].status;
		t->secs = res[i].secs;
		t->reason = res[i].reason;
		res[i].reason = NULL;
		if (test_status_failed(t->status) || t->status == TS_XFAIL) {
			struct strbuf con = STRBUF_INIT;

			failed = true;
			if (!read_file(console, &con))
				t->output = console_test_output(con.buf,
								t->name, 15);
			sb_release(&con);
		}
		test_result_release(&res[i]);
	}
	free(res);
	return failed;
}

/* One boot of a commit: what it needs, and what it brought back. */
struct group_boot {
	const struct check_ctx *c;
	const struct check_suite *s;
	size_t g;
	struct boot_files f;
	struct vm_opts vo;
	struct vm_result v;
	struct check_result counts;	/* boots, boot_secs, retries, accel */
	int ret;			/* -1: QEMU could not be started */
};

static void group_boot_init(struct group_boot *b, const struct check_ctx *c,
			    const struct check_suite *s, size_t g,
			    const char *tag, const char *kernel)
{
	memset(b, 0, sizeof(*b));
	b->c = c;
	b->s = s;
	b->g = g;
	boot_files_init(&b->f, c, s, tag, g);
	b->vo.kernel = kernel;
	b->vo.initrd = s->initrd[g];
	b->vo.timeout = 1800;
	b->vo.boot_timeout = c->boot_timeout;
	b->vo.test_timeout = c->test_timeout;
	b->vo.kvm = check_ctx_want(c);
	b->vo.append = b->f.append;
	b->vo.console_log = b->f.console;
	b->vo.results_log = b->f.results;
	b->vo.qemu_log = b->f.qlog;
}

/*
 * The results of boot @b into @r; the first boot that is not ok gives @r
 * its verdict and evidence (*@bad_boot then set).
 */
static void group_boot_finish(struct group_boot *b, struct check_result *r,
			      bool *bad_boot)
{
	static const struct known_failures none;
	const struct check_ctx *c = b->c;
	size_t nr_want;
	char **want = boot_wanted(b->s, &b->s->groups[b->g], &nr_want);
	bool failed;

	r->boots += b->counts.boots;
	r->boot_secs += b->counts.boot_secs;
	r->retries += b->counts.retries;
	if (b->counts.accel[0])
		memcpy(r->accel, b->counts.accel, sizeof(r->accel));
	failed = boot_tests(r, &b->v, want, nr_want,
			    c->known ? c->known : &none, b->g, b->f.console);
	if (b->v.verdict != VV_OK) {
		failed = true;
		if (!*bad_boot) {
			*bad_boot = true;
			r->verdict = b->v.verdict;
			free(r->evidence);
			r->evidence = boot_evidence(&b->v);
		}
	}
	if (!failed && !c->keep_logs) {
		unlink(b->f.console);
		unlink(b->f.results);
	}
	unlink(b->f.qlog);
	vm_result_release(&b->v);
	free_strv(want, nr_want);
}

/* The boots of a commit, shared by the threads that run them. */
struct boot_queue {
	pthread_mutex_t lock;
	struct group_boot *b;
	size_t nr, next;
};

static void *boot_worker(void *arg)
{
	struct boot_queue *q = arg;

	for (;;) {
		struct group_boot *b;

		pthread_mutex_lock(&q->lock);
		b = q->next < q->nr && !check_interrupted ? &q->b[q->next++] :
							    NULL;
		pthread_mutex_unlock(&q->lock);
		if (!b)
			return NULL;
		b->ret = boot_retrying(&b->vo, &b->counts, &b->v);
	}
}

/* How many boots of a commit run at once: one a CPU, at most @nr. */
static size_t boot_threads(size_t nr)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > 0 ? (size_t)cpus : 1;

	return n < nr ? n : nr;
}

/*
 * Boot every group of @s into @r. The boots (a guest each, its own logs)
 * run side by side, one a CPU, the first group (the most tests) first;
 * their results are taken in group order, so @r is the same as if they
 * had run one after the other.
 */
int check_boot(const struct check_ctx *c, const struct check_suite *s,
	       const char *tag, const char *image, struct check_result *r)
{
	char *kernel = image ? xstrdup(image) :
			       path_join(c->build, "arch/x86/boot/bzImage");
	struct boot_queue q = { .nr = s->nr_groups };
	size_t nt = boot_threads(s->nr_groups), g, t;
	pthread_t *th = xcalloc(nt + 1, sizeof(*th));
	bool bad_boot = false, *started = xcalloc(nt + 1, sizeof(bool));
	int ret = 0;

	mkdir_p(c->log_dir, 0755);
	r->booted = true;
	r->verdict = VV_OK;
	pthread_mutex_init(&q.lock, NULL);
	q.b = xcalloc(s->nr_groups + 1, sizeof(*q.b));
	for (g = 0; g < s->nr_groups; g++)
		group_boot_init(&q.b[g], c, s, g, tag, kernel);
	/* This thread is a worker too; the others help where they start. */
	for (t = 1; t < nt; t++)
		started[t] = !pthread_create(&th[t], NULL, boot_worker, &q);
	boot_worker(&q);
	for (t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (g = 0; g < s->nr_groups; g++) {
		struct group_boot *b = &q.b[g];

		/* Past q.next: interrupted before it started. */
		if (g < q.next) {
			if (b->ret)
				ret = -1;	/* QEMU could not be started */
			else if (!ret)
				group_boot_finish(b, r, &bad_boot);
			else
				vm_result_release(&b->v);
		}
		boot_files_release(&b->f);
	}
	pthread_mutex_destroy(&q.lock);
	free(q.b);
	free(started);
	free(th);
	free(kernel);
	return ret;
}

void check_reuse_boot(struct check_result *r, const struct check_result *from)
{
	size_t i;

	r->booted = from->booted;
	r->verdict = from->verdict;
	memcpy(r->accel, from->accel, sizeof(r->accel));
	r->boots = 0;
	r->retries = 0;
	r->boot_secs = 0;
	free(r->evidence);
	r->evidence = from->evidence ? xstrdup(from->evidence) : NULL;
	for (i = 0; i < from->nr_tests; i++) {
		const struct check_test *f = &from->tests[i];
		struct check_test *t = check_add_test(r, f->name);

		t->status = f->status;
		t->secs = f->secs;
		t->reason = f->reason ? xstrdup(f->reason) : NULL;
		t->output = f->output ? xstrdup(f->output) : NULL;
	}
	r->reused = true;
}

/* A build that needs not run */

bool check_same_build(git_repository *repo, const char *tree,
		      const char *build, const git_oid *built,
		      const git_oid *commit, char **why)
{
	git_diff *diff = NULL;
	char **paths = NULL;
	bool *added = NULL;
	size_t nr = 0, i;
	bool same = false;

	*why = NULL;
	if (check_diff_commits(repo, built, commit, &diff))
		goto out;
	nr = git_diff_num_deltas(diff);
	paths = xcalloc(nr + 1, sizeof(char *));
	added = xcalloc(nr + 1, sizeof(bool));
	for (i = 0; i < nr; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		paths[i] = xstrdup(d->new_file.path ? d->new_file.path :
				   d->old_file.path);
		added[i] = d->status != GIT_DELTA_MODIFIED ||
			   d->old_file.mode != d->new_file.mode;
	}
	if (!nr) {
		same = true;	/* the same tree: a message edited */
	} else {
		int err;
		const char *in = kbuild_first_input(tree, build, paths,
						    added, nr, &err);

		same = !in;
		if (in)
			*why = xasprintf("%s%s", in, err ?
					 " (no .cmd file in the build directory)" :
					 "");
	}
out:
	for (i = 0; i < nr; i++)
		free(paths[i]);
	free(paths);
	free(added);
	git_diff_free(diff);
	return same;
}

void check_copy_build(struct check_result *r, const struct check_result *from)
{
	r->build = from->build;
	r->make_secs = 0;
	r->compiled = 0;
	free(r->errors);
	r->errors = from->errors ? xstrdup(from->errors) : NULL;
	wset_release(&r->warnings);
	wset_copy(&r->warnings, &from->warnings);
	free(r->log);
	r->log = NULL;
	memcpy(r->image, from->image, sizeof(r->image));
	memcpy(r->same_build, from->same_build[0] ? from->same_build :
	       from->commit, sizeof(r->same_build));
}
