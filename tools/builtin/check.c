// SPDX-License-Identifier: GPL-2.0
/*
 * kseries check: build, boot and test every patch of the series.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/check.h"
#include "lib/cmd.h"
#include "lib/cocci.h"
#include "lib/kbuild.h"
#include "lib/tap.h"
#include "lib/testset.h"

const char cmd_check_usage[] =
	"kseries check - build, boot and test every patch of the series\n"
	"\n"
	"usage: kseries check [--from COMMIT] [--to COMMIT] [--build-only]\n"
	"                     [--tests fast|all|none|LIST] [--slow FILE]\n"
	"                     [--tree DIR] [--build DIR] [--tests-dir DIR]\n"
	"                     [--series FILE] [-j N] [--test-timeout S]\n"
	"                     [--no-cache] [--keep-logs] [--json | --tap]\n"
	"                     [--kvm | --no-kvm] [--distcc HOSTS | --no-distcc]\n"
	"                     [--no-static]\n"
	"\n"
	"For each commit from the base to the tip, in order: an incremental\n"
	"build (same O= directory, ccache), a boot in QEMU, and the selftests\n"
	"(built once, from the tip, so early patches report SKIP). It does not\n"
	"stop at a failure: it prints a matrix (rows = patches; columns =\n"
	"build, findings added and fixed by kind, boot verdict, each test)\n"
	"and writes out/check/check.json and out/check/junit.xml.\n"
	"\n"
	"Static analysis: every build is W=1 and runs sparse (C=1) on what it\n"
	"compiles of the objects the range may compile again (a .cmd file\n"
	"names a file a patch changes, a config symbol whose Kconfig entry it\n"
	"changes, or it is under a directory whose Makefile it changes: all\n"
	"objects if it changes kbuild itself); coccinelle (the base's\n"
	"scripts/coccinelle, report mode) runs on the functions each patch\n"
	"changes in its .c files (outside tools/), at the patch and at its\n"
	"parent, all patches at once before the first build. sparse runs\n"
	"through 'kseries sparse', which keeps its findings by what it read\n"
	"(<cache>/sparse): walking the series again does not run it again.\n"
	"--no-static leaves sparse and coccinelle out.\n"
	"\n"
	"A patch is flagged when its build fails, it adds a finding: a\n"
	"compiler warning, a W=1 warning or a sparse warning (compared by\n"
	"file and message, line numbers aside, with the last patch that\n"
	"built) or a coccinelle report (file, function and message, against\n"
	"the patch's parent), its boot is not ok (panic, oops, bug, warn,\n"
	"lockdep, hang, incomplete), or a test regresses against the last\n"
	"earlier patch that ran it: PASS to a failure (a known failure too),\n"
	"SKIP to a failure not in selftests/known-failures, or a failure with\n"
	"no earlier result. The first commit (the base) is the reference:\n"
	"shown, not judged.\n"
	"\n"
	"A commit's boots (one a kernel command line its tests need, side\n"
	"by side, one a CPU) run while the next commit builds, from a copy\n"
	"of the image; its results are shown, judged and cached before the\n"
	"next commit's, so the progress shows them after its build.\n"
	"\n"
	"A patch that changes no input of the last build (no file a .cmd\n"
	"file of the build directory names, no Makefile, Kbuild, Kconfig or\n"
	"scripts/ file, no file added outside Documentation/) builds the\n"
	"same image: it is not built again (\"not built\" in the progress,\n"
	"same_build in the JSON); a boot of that image with the same tests\n"
	"is reused.\n"
	"\n"
	"Results are cached in <cache>/check by the commit's tree (the\n"
	"files, not the message: rewording a patch keeps its result), Kconfig\n"
	"fragments, toolchain (gcc, ld, QEMU), the guest's accelerator (KVM\n"
	"or TCG, as 'kseries boot --help' says), test binaries, the guest's\n"
	"init, known failures, options and, with static analysis, the files\n"
	"the range changes from the base (sparse's scope), so a re-run after\n"
	"changing the last patch, in files the series already changes,\n"
	"checks only that patch. The work tree is walked with HEAD detached\n"
	"at each commit and put back at the end (or, if the check was\n"
	"killed, by the next one); it must be clean.\n"
	"\n"
	"    --from COMMIT     the reference (default: the base, tag 'base')\n"
	"    --to COMMIT       the last commit (default: HEAD, branch 'series')\n"
	"    --build-only      build only: no boot, no tests\n"
	"    --tests SET       fast (default): every test at the first and\n"
	"                      last commit, all but the slow ones between;\n"
	"                      all; none (boot only); or a list of suite/name\n"
	"                      and suite, comma-separated, at every commit;\n"
	"                      fast and all leave out what known-failures\n"
	"                      marks SKIP, as 'kseries boot' does\n"
	"    --slow FILE       the slow tests (default selftests/slow-tests)\n"
	"    --tree DIR        kernel work tree (default <cache>/src)\n"
	"    --build DIR       O= build directory (default <cache>/build)\n"
	"    --tests-dir DIR   built selftests to use as they are (default:\n"
	"                      build them from HEAD into <cache>/selftests)\n"
	"    --series FILE     maps commits to patch files (default <project>/series)\n"
	"    -j N              parallel make jobs (default: number of CPUs)\n"
	"    --test-timeout S  per test in the guest (default 300)\n"
	"    --no-cache        check every commit again (results still saved)\n"
	"    --keep-logs       keep every build and console log, not only\n"
	"                      those of failures (out/check/logs/)\n"
	"    --json            print the JSON report instead of the matrix\n"
	"    --tap             print one TAP line a patch (the matrix as\n"
	"                      comments), for 'make test'\n"
	"    --kvm, --no-kvm   force the guest's accelerator (default: KVM\n"
	"                      only where the guest can nest; see boot)\n"
	"    --distcc HOSTS    send the compiles to distcc hosts, as 'kseries\n"
	"                      build --distcc' does (default $DISTCC_HOSTS);\n"
	"                      the decision is said once before the first\n"
	"                      build; --no-distcc ignores $DISTCC_HOSTS\n"
	"    --no-static       no sparse, no coccinelle (W=1 stays: it is\n"
	"                      how the build directory is built)\n"
	"\n"
	"Progress goes to stderr, a few lines a patch with times.\n"
	"Exit status: 0 no patch flagged, 1 a patch flagged, 2 the check\n"
	"could not run (no tree, local changes, a build that could not be\n"
	"started, sparse or spatch missing or failing, reports not written),\n"
	"129 usage, 130 interrupted (the tree\n"
	"is put back).\n";

struct check_opts {
	const char *from, *to, *tests, *slow, *tree, *build, *tests_dir;
	const char *series;
	int jobs;
	double test_timeout;
	bool build_only, no_cache, keep_logs, json, tap, kvm, no_kvm;
	bool no_static;
	struct distcc_opt distcc;
};

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct check_opts *o)
{
	const struct option options[] = {
		OPT_STRING_F(0, "from", &o->from, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "to", &o->to, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tests", &o->tests, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "slow", &o->slow, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tree", &o->tree, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "build", &o->build, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tests-dir", &o->tests_dir, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "series", &o->series, PARSE_OPT_NONEMPTY),
		OPT_INT('j', NULL, &o->jobs, 1, INT_MAX),
		OPT_SECONDS(0, "test-timeout", &o->test_timeout),
		OPT_BOOL(0, "build-only", &o->build_only),
		OPT_BOOL(0, "no-cache", &o->no_cache),
		OPT_BOOL(0, "keep-logs", &o->keep_logs),
		OPT_BOOL(0, "json", &o->json),
		OPT_BOOL(0, "tap", &o->tap),
		OPT_BOOL(0, "kvm", &o->kvm),
		OPT_BOOL(0, "no-kvm", &o->no_kvm),
		OPT_BOOL(0, "no-static", &o->no_static),
		OPT_DISTCC(&o->distcc),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_check_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_check_usage, "unknown argument '%s'",
				   argv[0]);
	if (o->json && o->tap)
		return usage_error(cmd_check_usage,
				   "--json and --tap exclude each other");
	if (o->build_only && o->tests)
		return usage_error(cmd_check_usage,
				   "--build-only excludes --tests");
	if (o->kvm && o->no_kvm)
		return usage_error(cmd_check_usage,
				   "--kvm and --no-kvm exclude each other");
	return -1;
}

/*
 * The distcc decision, said once before the first build (each build
 * makes it again, so hosts that go down later are left out there).
 */
static int say_distcc(const struct check_ctx *c)
{
	struct kbuild kb = {
		.jobs = c->jobs, .ccache = c->ccache,
		.distcc = c->distcc, .no_distcc = c->no_distcc,
	};
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	if (kbuild_distcc_setup(&kb, &err))
		ret = error("%s", err.buf);
	else if (kb.dist.line)
		fprintf(stderr, "check: %s\n", kb.dist.line);
	kbuild_release(&kb);
	sb_release(&err);
	return ret;
}

static int resolve(struct krepo *t, const char *spec, git_oid *out)
{
	git_object *obj = NULL, *c = NULL;

	if (git_revparse_single(&obj, t->repo, spec) ||
	    git_object_peel(&c, obj, GIT_OBJECT_COMMIT)) {
		git_object_free(obj);
		return error("no commit '%s' in %s", spec, t->dir);
	}
	git_oid_cpy(out, git_object_id(c));
	git_object_free(c);
	git_object_free(obj);
	return 0;
}

static char *elapsed(double secs)
{
	long s = (long)(secs + 0.5);

	if (s >= 3600)
		return xasprintf("%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
				 s % 60);
	return xasprintf("%ld:%02ld", s / 60, s % 60);
}

/* The suites: @ends for the first and last commit, @mid between. */
struct plan {
	struct check_suite ends, mid;
	bool have_mid;
	struct known_failures known, slow;
};

static int make_plan(const struct check_opts *o, const char *tests_dir,
		     struct plan *p)
{
	const char *spec = o->tests ? o->tests : "fast";
	char *dir = out_path("check/initrd");
	char *kpath = project_path("selftests/known-failures");
	struct testset all = { 0 }, mid = { 0 };
	int ret = -1;
	size_t i;

	if (known_failures_load(&p->known, kpath))
		goto out;
	if (!strcmp(spec, "none")) {
		ret = check_suite_init(&p->ends, NULL, NULL, dir);
		goto out;
	}
	if (testset_load(&all, tests_dir))
		goto out;
	if (strcmp(spec, "fast") && strcmp(spec, "all") &&
	    testset_select(&all, spec))
		goto out;
	/* As 'kseries boot': the "SKIP" known failures only by name. */
	if (!strcmp(spec, "fast") || !strcmp(spec, "all"))
		testset_drop_listed(&all, &p->known, true);
	if (!strcmp(spec, "fast")) {
		char *spath = o->slow ? xstrdup(o->slow) :
			project_path("selftests/slow-tests");

		if (o->slow && !path_exists(spath)) {
			error("no slow-tests file %s", spath);
			free(spath);
			goto out;
		}
		if (known_failures_load(&p->slow, spath)) {
			free(spath);
			goto out;
		}
		free(spath);
		for (i = 0; i < all.nr; i++)
			testset_add(&mid, all.t[i].name, all.t[i].path,
				    all.t[i].cmdline);
		testset_drop_listed(&mid, &p->slow, false);
		p->have_mid = mid.nr != all.nr;
	}
	if (check_suite_init(&p->ends, &all, NULL, dir))
		goto out;
	if (p->have_mid && check_suite_init(&p->mid, &mid, NULL, dir))
		goto out;
	ret = 0;
out:
	testset_release(&all);
	testset_release(&mid);
	free(dir);
	free(kpath);
	return ret;
}

static void plan_release(struct plan *p)
{
	check_suite_release(&p->ends);
	if (p->have_mid)
		check_suite_release(&p->mid);
	known_failures_release(&p->known);
	known_failures_release(&p->slow);
}

static void count_tests(const struct check_result *r, struct strbuf *sb)
{
	unsigned int n[5] = { 0 };
	size_t i;

	for (i = 0; i < r->nr_tests; i++) {
		char ch = check_status_char(r->tests[i].status);

		n[ch == 'P' ? 0 : ch == 'S' ? 1 : ch == 'F' ? 2 :
		  ch == 'x' ? 3 : 4]++;
	}
	sb_addf(sb, "%u P, %u S, %u F", n[0], n[1], n[2]);
	if (n[3])
		sb_addf(sb, ", %u x", n[3]);
	if (n[4])
		sb_addf(sb, ", %u not run", n[4]);
}

static void progress_result(const struct check_report *rep, size_t i,
			    double start, bool late)
{
	const struct check_row *row = &rep->rows[i];
	const struct check_result *r = &row->r;
	struct strbuf sb = STRBUF_INIT, who = STRBUF_INIT;
	char *el = elapsed(now_seconds() - start);

	/* Shown after the next commit's lines: which patch it is. */
	if (late)
		sb_addf(&who, "%04zu ", row->index);
	sb_addf(&sb, "      %sbuild %s", sb_str(&who),
		check_build_name(r->build));
	if (r->build != CB_NOTRUN)
		sb_addf(&sb, " %.1f s (%u compiled)", r->make_secs,
			r->compiled);
	if (r->build == CB_OK && !row->reference)
		sb_addf(&sb, ", warnings +%zu -%zu", row->added.nr,
			row->fixed.nr);
	else if (r->build == CB_OK)
		sb_addf(&sb, ", %zu warnings", r->warnings.nr);
	if (r->booted) {
		if (r->reused)
			sb_addf(&sb, "; boot %s (reused)",
				vm_verdict_name(r->verdict));
		else
			sb_addf(&sb, "; boot %s %.1f s",
				vm_verdict_name(r->verdict), r->boot_secs);
		if (r->retries)
			sb_addf(&sb, " (%u retried)", r->retries);
		if (r->nr_tests) {
			sb_addstr(&sb, "; ");
			count_tests(r, &sb);
		}
	}
	fprintf(stderr, "%s\n", sb.buf);
	fprintf(stderr, "      %s=> %s%s (%s%.1f s; %s elapsed)\n",
		sb_str(&who),
		row->flagged ? "FLAGGED: " : row->reference ? "reference" :
		"ok", row->flagged ? row->reasons.buf : "",
		r->cached ? "cached, was " : "", r->total_secs, el);
	free(el);
	sb_release(&sb);
	sb_release(&who);
}

/* Build the commit the work tree holds, or take @built's build. */
static int build_one(struct check_ctx *ctx, const char *tag,
		     struct check_result *r, const struct check_result *built)
{
	if (built) {
		fprintf(stderr, "      not built: no input of the image differs from %.12s's build\n",
			built->commit);
		check_copy_build(r, built);
		return 0;
	}
	fprintf(stderr, "      building\n");
	return check_build(ctx, tag, r);
}

static int write_reports(const struct check_report *rep, const char *text,
			 struct strbuf *json)
{
	char *dir = out_path("check");
	char *jpath = path_join(dir, "check.json");
	char *xpath = path_join(dir, "junit.xml");
	char *tpath = path_join(dir, "check.txt");
	struct strbuf xml = STRBUF_INIT;
	int ret = 0;

	mkdir_p(dir, 0755);
	check_format_json(rep, json);
	check_format_junit(rep, &xml);
	if (write_file_atomic(jpath, json->buf, json->len) ||
	    write_file_atomic(xpath, xml.buf, xml.len) ||
	    write_file_atomic(tpath, text, strlen(text)))
		ret = error("cannot write the reports in %s: %s", dir,
			    strerror(errno));
	else
		fprintf(stderr, "check: reports %s, %s, %s\n", tpath, jpath,
			xpath);
	sb_release(&xml);
	free(dir);
	free(jpath);
	free(xpath);
	free(tpath);
	return ret;
}

/* The position of @id in the series: commits from the base to it. */
static size_t series_index(struct krepo *t, const git_oid *id, size_t dflt)
{
	git_oid *chain = NULL;
	size_t n = 0;

	if (krepo_chain(t, &t->base, id, &chain, &n))
		return dflt;
	free(chain);
	return n;
}

/*
 * A commit's boots, run by a thread while the next commit builds, from a
 * copy of its image (that build rewrites bzImage). The boots take one
 * QEMU a CPU, most of the time fewer than the CPUs: a long test runs
 * alone at the end; and an incremental build spends most of its time in
 * make's single-threaded descent and the links. Its row is finished
 * (stored, judged, shown) when the thread is joined, before the next
 * row, so rows are finished in order.
 */
struct pending {
	bool on;		/* a row to finish */
	bool thread;		/* @th to join first */
	pthread_t th;
	const struct check_ctx *ctx;
	const struct check_suite *suite;
	struct check_row *row;
	char *tag, *kernel;
	char key[65];
	double t0;
	int ret;
};

static void *boot_thread(void *arg)
{
	struct pending *p = arg;

	p->ret = check_boot(p->ctx, p->suite, p->tag, p->kernel, &p->row->r);
	p->row->r.total_secs = now_seconds() - p->t0;
	return NULL;
}

/* One run of the command: what it loads, walks and reports. */
struct run {
	struct check_opts o;
	double start;
	char *tree, *build, *tests_dir, *series, *patches, *log_dir;
	char *sparse_cmd;	/* kbuild's CHECK: kseries sparse */
	char **frags;
	size_t nr_frags;
	struct check_walk w;
	git_oid from, to, *commits;
	size_t nr_commits, first_index;
	struct plan plan;
	struct check_ctx ctx;
	struct kbuild_reach reach;	/* what the range may compile again */
	struct check_report rep;
	/* The walk so far */
	const struct check_result *last_boot;	/* booted with last_suite */
	const struct check_suite *last_suite;
	const struct check_result *built;	/* the build dir's */
	git_oid built_id;
	struct pending pend;	/* the commit booting */
};

/* The kernel tree and the build directory, as real paths; fragments. */
static int load_dirs(struct run *x)
{
	const struct check_opts *o = &x->o;
	char *mk, *rt, *rb;
	bool ok;

	x->tree = o->tree ? xstrdup(o->tree) : kbuild_default_tree();
	x->build = o->build ? xstrdup(o->build) : kbuild_default_build();
	mk = path_join(x->tree, "Makefile");
	ok = path_exists(mk);
	free(mk);
	if (!ok)
		return error("no kernel tree at %s: run 'kseries apply' first, or pass --tree DIR",
			     x->tree);
	if (mkdir_p(x->build, 0755))
		return error("cannot create %s: %s", x->build,
			     strerror(errno));
	rt = realpath(x->tree, NULL);
	rb = realpath(x->build, NULL);
	free(x->tree);
	free(x->build);
	x->tree = rt;
	x->build = rb;
	return kbuild_default_fragments(&x->frags, &x->nr_frags);
}

/* Open the walk of the work tree; the commits from --from to --to. */
static int load_range(struct run *x)
{
	const struct check_opts *o = &x->o;

	check_signals_install();
	if (check_walk_open(&x->w, x->tree))
		return -1;
	if (resolve(&x->w.repo, o->from ? o->from : "refs/tags/" TREE_TAG,
		    &x->from) ||
	    resolve(&x->w.repo, o->to ? o->to : "HEAD", &x->to))
		return -1;
	x->rep.from = xstrdup(git_oid_tostr_s(&x->from));
	x->rep.to = xstrdup(git_oid_tostr_s(&x->to));
	if (krepo_chain(&x->w.repo, &x->from, &x->to, &x->commits,
			&x->nr_commits))
		return error("%.12s (--from) is not an ancestor of %.12s (--to) along first parents",
			     x->rep.from, x->rep.to);
	return 0;
}

/* The selftests (built from the tip unless --tests-dir) and the plan. */
static int load_tests(struct run *x)
{
	const struct check_opts *o = &x->o;

	if (o->build_only)
		return 0;
	if (o->tests_dir) {
		x->tests_dir = xstrdup(o->tests_dir);
	} else {
		x->tests_dir = selftests_default_dir(x->build);
		if ((!o->tests || strcmp(o->tests, "none")) &&
		    selftests_from_tree("check", "check/logs", x->tree,
					x->build, x->frags, x->nr_frags,
					o->jobs, x->tests_dir))
			return -1;
	}
	return make_plan(o, x->tests_dir, &x->plan);
}

/* The check's context (the accelerator chosen), and the empty report. */
static int load_ctx(struct run *x)
{
	const struct check_opts *o = &x->o;
	struct check_ctx *ctx = &x->ctx;

	x->log_dir = out_path("check/logs");
	ctx->tree = x->tree;
	ctx->build = x->build;
	ctx->fragments = x->frags;
	ctx->nr_fragments = x->nr_frags;
	ctx->jobs = o->jobs;
	ctx->ccache = on_path("ccache");
	ctx->log_dir = x->log_dir;
	ctx->known = &x->plan.known;
	ctx->test_timeout = o->test_timeout;
	ctx->boot_timeout = 120;
	ctx->keep_logs = o->keep_logs;
	ctx->kvm = o->kvm;
	ctx->no_kvm = o->no_kvm;
	ctx->distcc = o->distcc.hosts;
	ctx->no_distcc = o->distcc.off;
	ctx->static_checks = !o->no_static;
	x->sparse_cmd = self_command("sparse");
	ctx->sparse_cmd = x->sparse_cmd;
	x->rep.static_checks = ctx->static_checks;
	if (ctx->static_checks && (!on_path("sparse") || !on_path("spatch")))
		return error("static analysis needs sparse and spatch (Debian packages sparse and coccinelle): install them, or pass --no-static");
	if (check_ctx_init(ctx))
		return -1;
	if (!o->build_only) {
		fprintf(stderr, "accel: %s\n", ctx->accel.why);
		memcpy(x->rep.accel, accel_name(ctx->accel.accel), 4);
		x->rep.accel_why = xstrdup(ctx->accel.why);
	}
	x->series = o->series ? xstrdup(o->series) : project_path("series");
	x->patches = project_path("patches");
	x->first_index = series_index(&x->w.repo, &x->from, 0);
	x->rep.build_only = o->build_only;
	x->rep.tree = xstrdup(x->tree);
	x->rep.rows = xcalloc(x->nr_commits + 1, sizeof(*x->rep.rows));
	x->rep.alloc = x->nr_commits + 1;
	return 0;
}

/* What is about to be checked, said before the first build. */
static int say_plan(const struct run *x)
{
	const struct plan *p = &x->plan;
	size_t n = x->nr_commits;

	fprintf(stderr, "check: %zu patch%s from %.12s (%s) to %.12s: %s\n",
		n, n == 1 ? "" : "es", x->rep.from,
		git_oid_equal(&x->from, &x->w.repo.base) ? "the base" :
		"--from", x->rep.to, x->o.build_only ? "build only" :
		"build, boot and tests");
	if (!x->o.build_only)
		fprintf(stderr, "check: %zu test%s%s, %zu boot%s a commit; toolchain %s\n",
			p->ends.ts.nr, p->ends.ts.nr == 1 ? "" : "s",
			p->have_mid ? " at the first and last commit" : "",
			p->ends.nr_groups, p->ends.nr_groups == 1 ? "" :
			"s", x->ctx.toolchain);
	fprintf(stderr, "check: static analysis: %s\n", x->ctx.static_checks ?
		"W=1 and sparse at every build, coccinelle on the functions each patch changes" :
		"W=1 only (--no-static: no sparse, no coccinelle)");
	if (say_distcc(&x->ctx))
		return -1;
	if (p->have_mid)
		fprintf(stderr, "check: %zu between: not the slow ones (%zu, %s)\n",
			p->mid.ts.nr, p->ends.ts.nr - p->mid.ts.nr,
			x->o.slow ? x->o.slow : "selftests/slow-tests");
	return 0;
}

/* Everything the walk needs; -1 (said) if something is missing. */
static int load(struct run *x)
{
	if (load_dirs(x) || load_range(x) || load_tests(x) || load_ctx(x))
		return -1;
	return say_plan(x);
}

/*
 * Coccinelle on every patch of the range at once (lib/cocci: one spatch
 * a script for all of them, before the walk changes the work tree);
 * each row gets what its patch adds and fixes. -1 (said) if it could
 * not run.
 */
static int run_cocci(struct run *x)
{
	struct msg_sink say = { msg_stderr, NULL };
	size_t i, n = x->nr_commits, cached = 0, added = 0;
	char *scripts, *cache;
	struct cocci_pair *p;
	struct cocci cc;
	double t0 = now_seconds();
	int ret;

	if (!x->ctx.static_checks || !n)
		return 0;
	scripts = path_join(x->tree, "scripts/coccinelle");
	cache = cache_path("check");
	ret = cocci_init(&cc, scripts, cache, x->o.jobs);
	free(scripts);
	free(cache);
	if (ret)
		return -1;
	p = xcalloc(n, sizeof(*p));
	for (i = 0; i < n; i++) {
		git_oid_cpy(&p[i].parent, i ? &x->commits[i - 1] : &x->from);
		git_oid_cpy(&p[i].child, &x->commits[i]);
	}
	ret = cocci_pairs(&cc, x->w.repo.repo, p, n, &say);
	for (i = 0; i < n; i++) {
		struct check_row *row = &x->rep.rows[i + 1];

		if (!ret) {
			wset_copy(&row->cocci_added, &p[i].added);
			wset_copy(&row->cocci_fixed, &p[i].fixed);
			cached += p[i].cached;
			added += p[i].added.nr;
		}
		cocci_pair_release(&p[i]);
	}
	free(p);
	cocci_release(&cc);
	if (ret)
		return error("coccinelle could not run; pass --no-static to check without it");
	x->rep.cocci_secs = now_seconds() - t0;
	fprintf(stderr, "check: coccinelle: %zu patch%s (%zu cached), %zu finding%s added (%.1f s)\n",
		n, n == 1 ? "" : "es", cached, added, added == 1 ? "" : "s",
		x->rep.cocci_secs);
	return 0;
}

/*
 * Sparse checks only the objects the range may compile again (their
 * findings, from the build where it first runs, are what a patch is
 * judged against): what the commits change, for check_build().
 */
static int find_reach(struct run *x)
{
	if (!x->ctx.static_checks || !x->nr_commits)
		return 0;
	if (check_range_reach(x->w.repo.repo,
			      x->w.repo.has_base ? &x->w.repo.base : NULL,
			      &x->from, x->commits, x->nr_commits, &x->reach))
		return -1;
	x->ctx.reach = &x->reach;
	return 0;
}

/* Row @i of the report, for commit @id: what is known before a check. */
static void row_init(struct run *x, size_t i, const git_oid *id)
{
	struct check_row *row = &x->rep.rows[i];
	git_commit *c = NULL;

	row->index = x->first_index + i;
	memcpy(row->r.commit, git_oid_tostr_s(id), 41);
	if (!git_commit_lookup(&c, x->w.repo.repo, id))
		row->r.subject = xstrdup(git_commit_summary(c));
	git_commit_free(c);
	row->patch = check_patch_file(x->series, x->patches, row->index,
				      row->r.subject);
}

/* @row's result from the cache: keyed by tree, maybe another commit's. */
static void row_cached(struct check_row *row, struct check_result *cached)
{
	memcpy(cached->commit, row->r.commit, 41);
	free(cached->subject);
	cached->subject = row->r.subject;
	row->r.subject = NULL;
	check_result_release(&row->r);
	row->r = *cached;
}

/*
 * @row, checked (stored under @key, unless NULL or interrupted) or from
 * the cache: the last boot if it booted, judged with the rows before,
 * shown (@late: after another commit's lines).
 */
static void finish_row(struct run *x, struct check_row *row,
		       const struct check_suite *suite, const char *key,
		       bool late)
{
	if (key && !check_interrupted)
		check_cache_store(&x->ctx, key, &row->r);
	if (row->r.booted && row->r.image[0]) {
		x->last_boot = &row->r;
		x->last_suite = suite;
	}
	x->rep.nr++;
	check_judge(&x->rep);
	progress_result(&x->rep, x->rep.nr - 1, x->start, late);
}

/*
 * Wait for the commit booting, if any, and finish its row. -1 if its
 * boots could not run.
 */
static int join_pending(struct run *x)
{
	struct pending *p = &x->pend;

	if (!p->on)
		return 0;
	if (p->thread)
		pthread_join(p->th, NULL);
	p->on = false;
	p->thread = false;
	unlink(p->kernel);
	if (!p->ret && !check_interrupted)
		finish_row(x, p->row, p->suite, p->key, true);
	free(p->tag);
	free(p->kernel);
	p->tag = p->kernel = NULL;
	return p->ret;
}

/*
 * Boot @row's commit (just built) with @suite: in a thread, from a copy
 * of the image, while the walk goes on to the next commit; here, if the
 * thread cannot be started. Its row is finished by join_pending().
 */
static int start_boot(struct run *x, struct check_row *row,
		      const struct check_suite *suite, const char *tag,
		      const char *key, double t0)
{
	struct pending *p = &x->pend;
	char *img = path_join(x->build, "arch/x86/boot/bzImage");
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	p->ctx = &x->ctx;
	p->suite = suite;
	p->row = row;
	p->tag = xstrdup(tag);
	p->kernel = xasprintf("%s/%s.bzImage", x->log_dir, tag);
	memcpy(p->key, key, sizeof(p->key));
	p->t0 = t0;
	p->ret = 0;
	if (read_file(img, &sb) ||
	    write_file_atomic(p->kernel, sb.buf, sb.len)) {
		ret = error("cannot copy %s to %s: %s", img, p->kernel,
			    strerror(errno));
		free(p->tag);
		free(p->kernel);
		p->tag = p->kernel = NULL;
	} else {
		p->on = true;
		p->thread = !pthread_create(&p->th, NULL, boot_thread, p);
		if (!p->thread)
			boot_thread(p);	/* no thread: here and now */
	}
	sb_release(&sb);
	free(img);
	return ret;
}

/* The @i-th commit of the walk (0: --from), into row @i. */
static int check_commit(struct run *x, size_t i)
{
	const git_oid *id = i ? &x->commits[i - 1] : &x->from;
	struct check_row *row = &x->rep.rows[i];
	const struct check_suite *suite = NULL;
	const struct check_result *same_build = NULL, *same;
	struct check_result cached, *r = &row->r;
	char key[65], tree_id[41], *tag, *why = NULL;
	double t0 = now_seconds();
	int ret = -1;

	if (!x->o.build_only)
		suite = x->plan.have_mid && i && i < x->nr_commits ?
			&x->plan.mid : &x->plan.ends;
	row_init(x, i, id);
	if (check_tree_of(x->w.repo.repo, id, tree_id)) {
		join_pending(x);
		return -1;
	}
	tag = xasprintf("%04zu-%.8s", row->index, r->commit);
	check_key(&x->ctx, tree_id, suite, key);
	fprintf(stderr, "[%zu/%zu] %04zu %s\n", i, x->nr_commits, row->index,
		i ? r->subject : "(base)");
	if (!x->o.no_cache && !check_cache_load(&x->ctx, key, &cached)) {
		ret = join_pending(x);
		row_cached(row, &cached);
		if (!ret && !check_interrupted)
			finish_row(x, row, suite, NULL, false);
		goto out;
	}
	/*
	 * A patch that changes no input of the last build (documentation,
	 * tools/, code the config leaves out) builds the same image: not
	 * built again. The commit before may still be booting.
	 */
	if (x->built && check_same_build(x->w.repo.repo, x->tree, x->build,
					 &x->built_id, id, &why))
		same_build = x->built;
	free(why);
	if (check_walk_goto(&x->w, id) ||
	    build_one(&x->ctx, tag, r, same_build)) {
		join_pending(x);
		goto out;
	}
	if (!same_build && r->build == CB_OK) {
		x->built = r;
		git_oid_cpy(&x->built_id, id);
	}
	/* The commit before, its results: the image to compare with. */
	if (join_pending(x))
		goto out;
	ret = 0;
	if (check_interrupted)
		goto out;
	same = suite == x->last_suite ? x->last_boot : NULL;
	if (r->build == CB_OK && suite && same && r->image[0] &&
	    !strcmp(r->image, same->image)) {
		fprintf(stderr, "      built in %.1f s (%u compiled): %.12s's image: reused\n",
			r->make_secs, r->compiled, same->commit);
		check_reuse_boot(r, same);
	} else if (r->build == CB_OK && suite) {
		fprintf(stderr, "      built in %.1f s (%u compiled); booting %zu test%s\n",
			r->make_secs, r->compiled, suite->ts.nr,
			suite->ts.nr == 1 ? "" : "s");
		ret = start_boot(x, row, suite, tag, key, t0);
		goto out;
	}
	r->total_secs = now_seconds() - t0;
	finish_row(x, row, suite, key, false);
out:
	free(tag);
	return ret;
}

/*
 * Check every commit, then put the work tree back. -1 when every row is
 * there (even if the tree could not be put back: that was said, and the
 * next run puts it back), else the exit status.
 */
static int walk(struct run *x)
{
	size_t i;

	for (i = 0; i <= x->nr_commits && !check_interrupted; i++)
		if (check_commit(x, i))
			break;
	join_pending(x);
	check_walk_restore(&x->w);
	if (check_interrupted) {
		error("interrupted; the work tree is back at %.12s",
		      git_oid_tostr_s(&x->w.head));
		return 130;
	}
	return x->rep.nr == x->nr_commits + 1 ? -1 : EXIT_TROUBLE;
}

/* The matrix with each line a TAP comment, then the TAP lines. */
static void print_tap(const struct check_report *rep, const char *text)
{
	struct strbuf tap = STRBUF_INIT;
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("#%s%.*s\n", len ? " " : "", len, p);
		p = nl ? nl + 1 : NULL;
	}
	check_format_tap(rep, &tap);
	fputs(tap.buf, stdout);
	sb_release(&tap);
}

/* Judge the rows, write the reports, print one. The exit status. */
static int report(struct run *x)
{
	struct strbuf text = STRBUF_INIT, json = STRBUF_INIT;
	char *el;
	int ret = EXIT_TROUBLE;

	check_judge(&x->rep);
	check_format_matrix(&x->rep, &text);
	if (write_reports(&x->rep, text.buf, &json))
		goto out;
	if (x->o.json)
		fputs(json.buf, stdout);
	else if (x->o.tap)
		print_tap(&x->rep, text.buf);
	else
		fputs(text.buf, stdout);
	el = elapsed(now_seconds() - x->start);
	fprintf(stderr, "check: %zu patch%s, %u flagged (%s)\n",
		x->nr_commits, x->nr_commits == 1 ? "" : "es",
		x->rep.flagged, el);
	free(el);
	ret = x->rep.flagged ? EXIT_PROBLEMS : 0;
out:
	sb_release(&text);
	sb_release(&json);
	return ret;
}

static void run_release(struct run *x)
{
	size_t i;

	check_report_release(&x->rep);
	check_ctx_release(&x->ctx);
	plan_release(&x->plan);
	check_walk_close(&x->w);
	for (i = 0; i < x->nr_frags; i++)
		free(x->frags[i]);
	free(x->frags);
	free(x->commits);
	free(x->tree);
	free(x->build);
	free(x->tests_dir);
	free(x->series);
	free(x->patches);
	free(x->log_dir);
	free(x->sparse_cmd);
	kbuild_reach_release(&x->reach);
}

int cmd_check(int argc, char **argv)
{
	struct run x = { .o = { .test_timeout = 300 } };
	int ret;

	x.start = now_seconds();
	ret = parse_args(argc, argv, &x.o);
	if (ret >= 0)
		return ret;
	ret = EXIT_TROUBLE;
	if (!load(&x) && !find_reach(&x) && !run_cocci(&x)) {
		ret = walk(&x);
		if (ret < 0)
			ret = report(&x);
	}
	run_release(&x);
	return ret;
}
