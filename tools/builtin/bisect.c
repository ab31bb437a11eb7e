// SPDX-License-Identifier: GPL-2.0
/*
 * kseries bisect: find the first patch that breaks a test, with
 * 'git bisect run' driving this command's --run-step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/check.h"
#include "lib/cmd.h"
#include "lib/json.h"
#include "lib/kbuild.h"
#include "lib/tap.h"
#include "lib/testset.h"

const char cmd_bisect_usage[] =
	"kseries bisect - find the first patch that breaks a test\n"
	"\n"
	"usage: kseries bisect (--test NAME | --cmd COMMAND) [--good COMMIT]\n"
	"                      [--bad COMMIT] [--tree DIR] [--build DIR]\n"
	"                      [--tests-dir DIR] [--series FILE] [-j N]\n"
	"                      [--test-timeout S]\n"
	"\n"
	"Runs 'git bisect run' in the kernel work tree between a good and a\n"
	"bad commit of the series (default: the base and HEAD). Each step\n"
	"builds the commit git checked out (incrementally, same O= directory),\n"
	"boots it and runs the test: a selftest (suite/name, built once from\n"
	"HEAD) or a shell command in the guest (passing when it exits 0).\n"
	"\n"
	"The step's exit status is what 'git bisect run' expects: 0 the test\n"
	"passed or was skipped (good), 1 it failed, timed out or the guest\n"
	"died while it ran (bad), 125 the commit does not build or the guest\n"
	"died before the test started (cannot be tested: skipped). QEMU\n"
	"failing to start, or a watchdog stopping a guest that never reached\n"
	"its init, is tried again once; if it fails again the bisection stops\n"
	"(exit 128), as it does when interrupted. Never 255.\n"
	"\n"
	"Prints the first bad commit, its file in patches/, the evidence (the\n"
	"test's output or the boot's) and the build and boot steps taken;\n"
	"writes out/bisect/bisect.json. The bisection is reset in every case\n"
	"(HEAD back where it was).\n"
	"\n"
	"    --test NAME       the selftest, suite/name (e.g. project/smoke_test)\n"
	"    --cmd COMMAND     a shell command run in the guest instead\n"
	"    --good COMMIT     known good (default: the base, tag 'base')\n"
	"    --bad COMMIT      known bad (default: HEAD)\n"
	"    --tree DIR        kernel work tree (default <cache>/src)\n"
	"    --build DIR       O= build directory (default <cache>/build)\n"
	"    --tests-dir DIR   built selftests (default: build them from HEAD\n"
	"                      into <cache>/selftests)\n"
	"    --series FILE     maps commits to patch files (default <project>/series)\n"
	"    -j N              parallel make jobs (default: number of CPUs)\n"
	"    --test-timeout S  per test in the guest (default 300)\n"
	"\n"
	"Exit status: 0 the first bad commit was found, 1 it was not, 2 the\n"
	"bisection could not run (no tree, one in progress, a bad range, a\n"
	"test that does not exist), 129 usage, 130 interrupted. (--run-step,\n"
	"the step git bisect run calls, exits as git bisect run expects.)\n";

#define STEP_GOOD	0
#define STEP_BAD	1
#define STEP_SKIP	125
#define STEP_ABORT	128

struct bisect_opts {
	const char *test, *cmd, *good, *bad, *tree, *build, *tests_dir;
	const char *series, *state;
	int jobs;
	double test_timeout;
	bool run_step;
};

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct bisect_opts *o)
{
	const struct option options[] = {
		OPT_STRING_F(0, "test", &o->test, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "cmd", &o->cmd, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "good", &o->good, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "bad", &o->bad, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tree", &o->tree, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "build", &o->build, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "tests-dir", &o->tests_dir,
			     PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "series", &o->series, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "state", &o->state, PARSE_OPT_NONEMPTY),
		OPT_INT('j', NULL, &o->jobs, 1, INT_MAX),
		OPT_SECONDS(0, "test-timeout", &o->test_timeout),
		OPT_BOOL(0, "run-step", &o->run_step),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_bisect_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_bisect_usage, "unknown argument '%s'",
				   argv[0]);
	if (!o->test == !o->cmd)
		return usage_error(cmd_bisect_usage,
				   "give one of --test NAME or --cmd COMMAND");
	if (o->run_step && !o->state)
		return usage_error(cmd_bisect_usage,
				   "--run-step needs --state DIR");
	return -1;
}

/* The suite of the one test (or command) bisected. */
static int make_suite(const struct bisect_opts *o, const char *tests_dir,
		      const char *dir, struct check_suite *s)
{
	struct testset ts = { 0 };
	int ret;

	if (o->cmd)
		return check_suite_init(s, NULL, o->cmd, dir);
	if (testset_load(&ts, tests_dir) || testset_select(&ts, o->test)) {
		testset_release(&ts);
		return -1;
	}
	if (ts.nr != 1) {
		testset_release(&ts);
		return error("--test names one test (suite/name), not '%s'",
			     o->test);
	}
	ret = check_suite_init(s, &ts, NULL, dir);
	testset_release(&ts);
	return ret;
}

/* Append one line to the step log; the parent reads it at the end. */
static void record_step(const char *state, const struct check_result *r,
			int code, const char *test_status)
{
	char *path = path_join(state, "steps");
	char *line = xasprintf("%s %d %s %.1f %u %u %s %s\n", r->commit, code,
			       check_build_name(r->build), r->make_secs,
			       r->boots, r->retries,
			       r->booted ? vm_verdict_name(r->verdict) : "-",
			       test_status ? test_status : "-");
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, line, strlen(line)) < 0)
		warning("cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(line);
	free(path);
}

static void record_evidence(const char *state, const struct check_result *r,
			    const struct check_test *t)
{
	char *name = xasprintf("%s.evidence", r->commit);
	char *path = path_join(state, name);
	struct strbuf sb = STRBUF_INIT;

	if (r->build == CB_FAIL && r->errors)
		sb_addf(&sb, "build failed:\n%s", r->errors);
	if (t) {
		sb_addf(&sb, "%s: %s", t->name, test_status_name(t->status));
		if (t->reason)
			sb_addf(&sb, " (%s)", t->reason);
		sb_addch(&sb, '\n');
		if (t->output)
			sb_addstr(&sb, t->output);
	}
	if (r->booted && r->verdict != VV_OK) {
		sb_addf(&sb, "boot: %s\n", vm_verdict_name(r->verdict));
		if (r->evidence)
			sb_addf(&sb, "%s\n", r->evidence);
	}
	if (write_file_atomic(path, sb.buf ? sb.buf : "", sb.len))
		warning("cannot write %s: %s", path, strerror(errno));
	sb_release(&sb);
	free(name);
	free(path);
}

/* One step of 'git bisect run': the work tree is at the commit to test. */
static int run_step(const struct bisect_opts *o, const char *tree,
		    const char *build, char **frags, size_t nr_frags)
{
	struct check_ctx ctx = { 0 };
	struct check_result r = { 0 };
	struct check_suite suite = { 0 };
	struct known_failures known = { 0 };
	const struct check_test *t = NULL;
	char *tests_dir = o->tests_dir ? xstrdup(o->tests_dir) :
		selftests_default_dir(build);
	char *log_dir = path_join(o->state, "logs");
	char *kpath = project_path("selftests/known-failures");
	char *tag = NULL;
	git_oid head;
	struct krepo repo = { 0 };
	struct strbuf err = STRBUF_INIT;
	double start = now_seconds();
	int code = STEP_ABORT;

	check_signals_install();
	if (krepo_open_ext(&repo, tree, KREPO_ANY_BASE, &err) ||
	    git_reference_name_to_id(&head, repo.repo, "HEAD")) {
		error("cannot read HEAD in %s", tree);
		goto out;
	}
	git_oid_tostr(r.commit, sizeof(r.commit), &head);
	tag = xasprintf("bisect-%.8s", r.commit);
	if (known_failures_load(&known, kpath) ||
	    make_suite(o, tests_dir, o->state, &suite))
		goto out;
	ctx.tree = tree;
	ctx.build = build;
	ctx.fragments = frags;
	ctx.nr_fragments = nr_frags;
	ctx.jobs = o->jobs;
	ctx.ccache = on_path("ccache");
	ctx.log_dir = log_dir;
	ctx.known = &known;
	ctx.test_timeout = o->test_timeout;
	ctx.boot_timeout = 120;
	if (check_ctx_init(&ctx))
		goto out;
	fprintf(stderr, "bisect: accel: %s\n", ctx.accel.why);
	fprintf(stderr, "bisect: step at %.12s: building\n", r.commit);
	if (check_build(&ctx, tag, &r))
		goto out;
	if (check_interrupted)
		goto out;
	if (r.build != CB_OK) {
		fprintf(stderr, "bisect: %.12s does not build (%.1f s): skip\n",
			r.commit, r.make_secs);
		code = STEP_SKIP;
		goto done;
	}
	fprintf(stderr, "bisect: %.12s built (%.1f s, %u compiled); booting\n",
		r.commit, r.make_secs, r.compiled);
	if (check_boot(&ctx, &suite, tag, NULL, &r) || check_interrupted)
		goto out;
	if (r.verdict == VV_QEMU_FAILED) {
		error("QEMU failed twice; stopping the bisection:\n%s",
		      r.evidence ? r.evidence : "");
		code = STEP_ABORT;
		goto done;
	}
	t = r.nr_tests ? &r.tests[0] : NULL;
	switch (t ? t->status : TS_NOTRUN) {
	case TS_PASS:
	case TS_SKIP:
	case TS_XPASS:
		code = STEP_GOOD;
		break;
	case TS_NOTRUN:
		/* The guest died before the test: nothing to judge. */
		code = STEP_SKIP;
		break;
	default:
		code = STEP_BAD;
		break;
	}
	fprintf(stderr, "bisect: %.12s: %s, boot %s: %s (%.1f s)\n", r.commit,
		t ? test_status_name(t->status) : "no result",
		vm_verdict_name(r.verdict), code == STEP_GOOD ? "good" :
		code == STEP_BAD ? "bad" : "skip", now_seconds() - start);
done:
	record_step(o->state, &r, code, t ? test_status_name(t->status) :
		    NULL);
	record_evidence(o->state, &r, t);
out:
	if (check_interrupted)
		code = STEP_ABORT;
	check_result_release(&r);
	check_suite_release(&suite);
	check_ctx_release(&ctx);
	known_failures_release(&known);
	krepo_close(&repo);
	sb_release(&err);
	free(tests_dir);
	free(log_dir);
	free(kpath);
	free(tag);
	return code;
}

/* git in the work tree; its output (our progress) to stderr. */
static int git(const char *tree, const char *const *args)
{
	const char *argv[32];
	struct run_opts ro = { .dir = tree, .log_fd = 2 };
	int n = 0;

	argv[n++] = "git";
	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	return run_cmd(argv, &ro);
}

struct step {
	char commit[41];
	int code;
	bool built;		/* make ran */
	unsigned int boots, retries;
	char verdict[32], test[32];
};

static size_t read_steps(const char *state, struct step **out)
{
	char *path = path_join(state, "steps");
	struct strbuf sb = STRBUF_INIT;
	struct step *s = NULL;
	size_t nr = 0, alloc = 0;
	const char *p;

	if (read_file(path, &sb))
		sb_addstr(&sb, "");
	for (p = sb.buf; *p; ) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		char build[16];
		double secs;
		struct step st = { 0 };

		if (sscanf(line, "%40s %d %15s %lf %u %u %31s %31s", st.commit,
			   &st.code, build, &secs, &st.boots, &st.retries,
			   st.verdict, st.test) == 8) {
			st.built = strcmp(build, "-") != 0;
			ALLOC_GROW(s, nr + 1, alloc);
			s[nr++] = st;
		}
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	sb_release(&sb);
	free(path);
	*out = s;
	return nr;
}

static bool bisect_in_progress(const char *tree)
{
	struct strbuf err = STRBUF_INIT;
	struct krepo t;
	char *path;
	bool ret;

	ret = !krepo_open_ext(&t, tree, KREPO_ANY_BASE, &err);
	sb_release(&err);
	if (!ret)
		return false;
	path = path_join(t.git_dir, "BISECT_START");
	ret = path_exists(path);
	free(path);
	krepo_close(&t);
	return ret;
}

static size_t commits_between(struct krepo *t, const git_oid *a,
			      const git_oid *b)
{
	git_oid *chain = NULL;
	size_t n = 0;

	if (krepo_chain(t, a, b, &chain, &n))
		return 0;
	free(chain);
	return n;
}

static void write_json(const char *path, const char *first, size_t index,
		       const char *subject, const char *patch,
		       const char *evidence, const struct step *s, size_t nr,
		       unsigned int builds, unsigned int boots, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *doc, *fb = json_null(), *steps = json_array();
	size_t i;

	if (first)
		fb = json_pack("{s:o,s:I,s:o,s:o,s:o}",
			       "commit", json_text(first),
			       "index", (json_int_t)index,
			       "subject", json_text(subject),
			       "patch", patch ? json_text(patch) : json_null(),
			       "evidence", json_text(evidence));
	for (i = 0; i < nr; i++)
		json_array_append_new(steps,
			json_pack("{s:o,s:i,s:b,s:I,s:I,s:o,s:o}",
				  "commit", json_text(s[i].commit),
				  "exit", s[i].code, "built", s[i].built,
				  "boots", (json_int_t)s[i].boots,
				  "retries", (json_int_t)s[i].retries,
				  "verdict", json_text(s[i].verdict),
				  "test", json_text(s[i].test)));
	doc = json_pack("{s:o,s:I,s:I,s:I,s:o}", "first_bad", fb,
			"commits", (json_int_t)n,
			"build_steps", (json_int_t)builds,
			"boot_steps", (json_int_t)boots, "steps", steps);
	json_dump_sb(doc, &sb);
	sb_addch(&sb, '\n');
	json_decref(doc);
	if (write_file_atomic(path, sb.buf, sb.len))
		warning("cannot write %s: %s", path, strerror(errno));
	sb_release(&sb);
}

/* The good and bad commits: --good and --bad, else the base and HEAD. */
static int resolve_range(struct check_walk *w, const struct bisect_opts *o,
			 const char *tree, git_oid *g, git_oid *b)
{
	const char *revs[2] = {
		o->good ? o->good : "refs/tags/" TREE_TAG,
		o->bad ? o->bad : "HEAD",
	};
	git_oid *oids[2] = { g, b };
	int k;

	for (k = 0; k < 2; k++) {
		git_object *obj = NULL;

		if (git_revparse_single(&obj, w->repo.repo, revs[k])) {
			error("no commit '%s' in %s", revs[k], tree);
			return -1;
		}
		git_oid_cpy(oids[k], git_object_id(obj));
		git_object_free(obj);
	}
	return 0;
}

/* 'git bisect run' of this program's --run-step; git's exit status. */
static int bisect_run(const struct bisect_opts *o, const char *tree,
		      const char *build, const char *tests_dir,
		      const char *state, const char *self)
{
	const char *args[32];
	char jobs[16], tt[32];
	int k = 0;

	snprintf(jobs, sizeof(jobs), "-j%d", o->jobs > 0 ? o->jobs :
		 (int)sysconf(_SC_NPROCESSORS_ONLN));
	snprintf(tt, sizeof(tt), "--test-timeout=%.0f", o->test_timeout);
	args[k++] = "bisect";
	args[k++] = "run";
	args[k++] = self;
	args[k++] = "bisect";
	args[k++] = "--run-step";
	args[k++] = "--state";
	args[k++] = state;
	args[k++] = "--tree";
	args[k++] = tree;
	args[k++] = "--build";
	args[k++] = build;
	if (o->test) {
		args[k++] = "--test";
		args[k++] = o->test;
		args[k++] = "--tests-dir";
		args[k++] = tests_dir;
	} else {
		args[k++] = "--cmd";
		args[k++] = o->cmd;
	}
	args[k++] = jobs;
	args[k++] = tt;
	args[k] = NULL;
	return git(tree, args);
}

/*
 * git bisect start, run and reset in @tree: *@status is 'git bisect
 * run''s, @first the first bad commit ("" if none was found). -1 when the
 * bisection could not start.
 */
static int run_bisection(const struct bisect_opts *o, git_repository *repo,
			 const char *tree, const char *build,
			 const char *tests_dir, const char *state,
			 const char *self, const char *good, const char *bad,
			 char first[GIT_OID_HEXSZ + 1], int *status)
{
	const char *start[] = { "bisect", "start", bad, good, "--", NULL };
	const char *reset[] = { "bisect", "reset", NULL };
	git_oid f;

	if (git(tree, start)) {
		error("git bisect start failed in %s", tree);
		return -1;
	}
	*status = bisect_run(o, tree, build, tests_dir, state, self);
	if (!*status &&
	    !git_reference_name_to_id(&f, repo, "refs/bisect/bad"))
		git_oid_tostr(first, GIT_OID_HEXSZ + 1, &f);
	if (git(tree, reset))
		error("git bisect reset failed in %s: run it there", tree);
	return 0;
}

/* The first bad commit: its index, subject, patch file and evidence. */
static void print_first(size_t index, const char *subject, const char *first,
			const char *patch, const char *evidence)
{
	const char *p = evidence;

	printf("first bad commit: %04zu %s (%.12s)\n", index,
	       subject ? subject : "?", first);
	printf("patch: %s\n", patch ? patch :
	       "(not a patch of the series file)");
	printf("evidence:\n");
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("    | %.*s\n", len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/*
 * The result (@first, "" when none was found, after @n commits and
 * 'git bisect run' exit @status) and the steps, on stdout and in
 * bisect.json. Returns the exit status.
 */
static int report(const struct bisect_opts *o, struct krepo *repo,
		  const char *state, const char *first,
		  const struct step *steps, size_t nr_steps, size_t n,
		  int status)
{
	unsigned int builds = 0, boots = 0, retries = 0, skips = 0;
	char *json = path_join(state, "bisect.json");
	struct strbuf ev = STRBUF_INIT;
	char *subject = NULL, *patch = NULL;
	size_t index = 0, i;
	int ret = 1;

	for (i = 0; i < nr_steps; i++) {
		builds += steps[i].built;
		boots += steps[i].boots;
		retries += steps[i].retries;
		skips += steps[i].code == STEP_SKIP;
	}
	if (first[0]) {
		git_oid f;
		git_commit *c = NULL;
		char *name = xasprintf("%s.evidence", first);
		char *path = path_join(state, name);
		char *series = o->series ? xstrdup(o->series) :
					   project_path("series");
		char *patches = project_path("patches");

		git_oid_fromstr(&f, first);
		if (!git_commit_lookup(&c, repo->repo, &f))
			subject = xstrdup(git_commit_summary(c));
		git_commit_free(c);
		index = commits_between(repo, &repo->base, &f);
		patch = check_patch_file(series, patches, index, subject);
		if (read_file(path, &ev))
			sb_addstr(&ev, "(no evidence recorded)\n");
		free(name);
		free(path);
		free(series);
		free(patches);
		print_first(index, subject, first, patch, ev.buf);
		ret = 0;
	} else {
		error("no first bad commit found (git bisect run exit %d); see the steps above",
		      status);
	}
	printf("steps: %zu (%u build%s, %u boot%s, %u retried, %u skipped) over %zu commits\n",
	       nr_steps, builds, builds == 1 ? "" : "s", boots,
	       boots == 1 ? "" : "s", retries, skips, n);
	write_json(json, first[0] ? first : NULL, index, subject, patch,
		   ev.buf, steps, nr_steps, builds, boots, n);
	free(json);
	free(subject);
	free(patch);
	sb_release(&ev);
	return ret;
}

int cmd_bisect(int argc, char **argv)
{
	struct bisect_opts o = { .test_timeout = 300 };
	struct check_walk w = { 0 };
	struct check_suite probe = { 0 };
	char *tree = NULL, *build = NULL, *tests_dir = NULL, *state = NULL;
	char *self = NULL;
	char **frags = NULL;
	struct step *steps = NULL;
	size_t nr_frags = 0, nr_steps = 0, i, n;
	char good[GIT_OID_HEXSZ + 1], bad[GIT_OID_HEXSZ + 1];
	char first[GIT_OID_HEXSZ + 1] = "";
	git_oid g, b;
	int ret = 1, status;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = 2;
	tree = o.tree ? realpath(o.tree, NULL) : kbuild_default_tree();
	build = o.build ? xstrdup(o.build) : kbuild_default_build();
	if (!tree || !is_dir(tree)) {
		error("no kernel tree at %s", o.tree ? o.tree : "?");
		goto out;
	}
	mkdir_p(build, 0755);
	{
		char *rb = realpath(build, NULL);

		free(build);
		build = rb;
	}
	if (kbuild_default_fragments(&frags, &nr_frags))
		goto out;
	if (o.run_step) {
		ret = run_step(&o, tree, build, frags, nr_frags);
		goto out;
	}

	if (bisect_in_progress(tree)) {
		error("a bisection is in progress in %s: finish it or run 'git bisect reset' there",
		      tree);
		goto out;
	}
	check_signals_install();
	if (check_walk_open(&w, tree))
		goto out;
	if (resolve_range(&w, &o, tree, &g, &b))
		goto out;
	git_oid_tostr(good, sizeof(good), &g);
	git_oid_tostr(bad, sizeof(bad), &b);
	n = commits_between(&w.repo, &g, &b);
	if (!n) {
		error("%.12s (good) is not an ancestor of %.12s (bad)", good,
		      bad);
		goto out;
	}
	if (o.test) {
		tests_dir = o.tests_dir ? xstrdup(o.tests_dir) :
					  selftests_default_dir(build);
		if (!o.tests_dir &&
		    selftests_from_tree("bisect", "bisect", tree, build, frags,
					nr_frags, o.jobs, tests_dir))
			goto out;
	}
	state = out_path("bisect");
	remove_tree(state);
	mkdir_p(state, 0755);
	/* Fail early on a test that does not exist. */
	if (make_suite(&o, tests_dir, state, &probe))
		goto out;
	check_suite_release(&probe);

	self = realpath("/proc/self/exe", NULL);
	fprintf(stderr, "bisect: %zu commit%s from %.12s (good) to %.12s (bad); %s '%s'\n",
		n, n == 1 ? "" : "s", good, bad, o.test ? "test" : "command",
		o.test ? o.test : o.cmd);
	if (run_bisection(&o, w.repo.repo, tree, build, tests_dir, state, self,
			  good, bad, first, &status))
		goto out;
	if (check_interrupted) {
		error("interrupted; the bisection is reset");
		ret = 130;
		goto out;
	}
	nr_steps = read_steps(state, &steps);
	ret = report(&o, &w.repo, state, first, steps, nr_steps, n, status);
out:
	check_walk_close(&w);
	for (i = 0; i < nr_frags; i++)
		free(frags[i]);
	free(frags);
	free(steps);
	free(tree);
	free(build);
	free(tests_dir);
	free(state);
	free(self);
	return ret;
}
