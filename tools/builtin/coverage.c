// SPDX-License-Identifier: GPL-2.0
/*
 * kseries coverage: how much of each patch the selftests execute.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/coverage.h"
#include "lib/fmtpatch.h"
#include "lib/initramfs.h"
#include "lib/json.h"
#include "lib/kbuild.h"
#include "lib/series.h"
#include "lib/tap.h"
#include "lib/testset.h"
#include "lib/tree.h"
#include "lib/vm.h"

const char cmd_coverage_usage[] =
	"kseries coverage - which of the series' added lines the selftests run\n"
	"\n"
	"usage: kseries coverage [--no-build] [--no-boot] [--tests LIST]\n"
	"                        [--test-timeout S] [--jobs N] [--json]\n"
	"                        [--kvm | --no-kvm]\n"
	"\n"
	"Builds the tip of the series with gcov (kernel-overlay/config/*.config\n"
	"plus kernel-overlay/coverage/gcov.config) in a work tree of its own,\n"
	"<cache>/coverage/src, whose Makefiles get a GCOV_PROFILE line for the\n"
	"C files the series changes (arch/x86/kvm and virt/kvm whole), into\n"
	"<cache>/coverage/build; the normal tree and build are not touched.\n"
	"The two sit as <cache>/src and <cache>/build do, and the build has\n"
	"their W=1: ccache gives it every object gcov does not change.\n"
	"Then boots it with every selftest, as 'kseries boot' does (a boot per\n"
	"NAME.cmdline), with 'ks.gcov': the init sends the kernel's .gcda files\n"
	"back on a third serial port. gcov reads them; every line the series\n"
	"adds is blamed (tip against base) to the patch that added it and\n"
	"marked executed, not executed, not code, or no data (a C file not\n"
	"built or not profiled here). The work tree also gets\n"
	"kernel-overlay/coverage/*.patch: gcov's data files read-only, which a\n"
	"kernel locked down (lockdown=, or at run time) still lets be read.\n"
	"\n"
	"    --no-build        use the last coverage build as it is\n"
	"    --no-boot         report from the last boots' gcov data\n"
	"    --tests LIST      only these tests (suite/name or suite, commas)\n"
	"    --test-timeout S  per test, in the guest (default 300)\n"
	"    --jobs N          make -j (default: the number of CPUs)\n"
	"    --json            print the report as JSON\n"
	"    --kvm, --no-kvm   as for 'kseries boot'\n"
	"\n"
	"Writes out/coverage/coverage.txt, coverage.json and coverage.html\n"
	"(each patch's lines highlighted); the guests' .gcda files stay in\n"
	"out/coverage/gcda/boot-N/.\n"
	"\n"
	"Exit status: 0 report written, every boot ok; 1 report written but a\n"
	"boot failed or brought no gcov data; 2 the tool could not do its job\n"
	"(no tree, the build failed, no gcov data at all); 129 usage.\n";

struct cov_opts {
	bool no_build, no_boot, json;
	const char *tests;
	double test_timeout;
	int jobs, kvm;
};

struct cov_ctx {
	struct krepo kr;
	bool kr_open;
	git_oid tip;
	git_oid *commits;
	size_t nr_commits;
	struct series s;
	char *wt, *build, *outdir;
	char **changed;
	size_t nr_changed;
	char **names;			/* the patches, from the tree's commits */
	double build_secs, config_secs, boot_secs, report_secs;
	unsigned int compiled;
	unsigned int boots, boots_ok, boots_data;
	json_t *boots_json;		/* array, or NULL if not booted */
	struct strbuf boot_notes;	/* for the text report */
	bool problems;
};

static int git_run(const char *dir, const char *const *args, bool quiet_run)
{
	const char *argv[16];
	struct run_opts ro = { .quiet = quiet_run };
	size_t n = 0;

	argv[n++] = "git";
	argv[n++] = "-C";
	argv[n++] = dir;
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	return run_cmd(argv, &ro);
}

/* <cache>/coverage/src: a git worktree of the kernel tree at the tip. */
static int prepare_worktree(struct cov_ctx *c, const char *tree)
{
	char hex[GIT_OID_HEXSZ + 1];
	char *gitfile = path_join(c->wt, ".git");
	int ret = 0;

	git_oid_tostr(hex, sizeof(hex), &c->tip);
	if (path_exists(gitfile)) {
		const char *head[] = { "git", "-C", c->wt, "rev-parse", "HEAD",
				       NULL };
		struct strbuf out = STRBUF_INIT;

		run_capture(head, NULL, &out);
		sb_rtrim(&out);
		if (!out.len) {
			/* Its repository is gone (a new import): start over. */
			note("coverage: %s is not a work tree of %s any more, making it again",
			     c->wt, tree);
			remove_tree(c->wt);
		} else if (strcmp(out.buf, hex)) {
			const char *co[] = { "checkout", "-q", "-f", "--detach",
					     hex, NULL };

			note("coverage: work tree to the tip %.12s", hex);
			if (git_run(c->wt, co, true))
				ret = error("git checkout of %s in %s failed",
					    hex, c->wt);
		}
		sb_release(&out);
	}
	if (!path_exists(gitfile)) {
		const char *prune[] = { "worktree", "prune", NULL };
		const char *add[] = { "worktree", "add", "--detach", c->wt,
				      hex, NULL };
		char *parent = cache_path("coverage");

		mkdir_p(parent, 0755);
		free(parent);
		git_run(tree, prune, true);
		note("coverage: a work tree at the tip in %s", c->wt);
		if (git_run(tree, add, true))
			ret = error("git worktree add %s failed", c->wt);
	}
	free(gitfile);
	return ret;
}

/* Whether @text has the line @line. */
static bool has_line(const char *text, const char *line)
{
	size_t l = strlen(line);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, line, l) && (p[l] == '\n' || p[l] == ' ' ||
					     !p[l]))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static int mark_makefiles(struct cov_ctx *c)
{
	char **marks = NULL;
	size_t nr = 0, i;
	int ret = 0;

	cov_profile_marks(c->changed, c->nr_changed, &marks, &nr);
	for (i = 0; i < nr; i++) {
		char *tab = strchr(marks[i], '\t');
		char *mk, *line;
		struct strbuf sb = STRBUF_INIT;

		*tab = 0;
		line = tab + 1;
		mk = path_join(c->wt, marks[i]);
		if (read_file(mk, &sb)) {
			note("coverage: no %s, %s not profiled", marks[i],
			     line);
		} else if (!has_line(sb.buf, line)) {
			sb_addf(&sb, "%s%s # kseries coverage\n",
				sb.len && sb.buf[sb.len - 1] != '\n' ? "\n" : "",
				line);
			if (write_file_atomic(mk, sb.buf, sb.len))
				ret = error("cannot write %s: %s", mk,
					    strerror(errno));
		}
		sb_release(&sb);
		free(mk);
	}
	free_strv(marks, nr);
	return ret;
}

/*
 * Apply each kernel-overlay/coverage patch file to the work tree, each once: the
 * instrumentation's own changes (gcov's data files read-only, so that
 * lockdown boots can send them), never part of the series.
 */
static int patch_worktree(struct cov_ctx *c)
{
	char *pat = project_path("kernel-overlay/coverage/*.patch");
	glob_t g;
	size_t i;
	int ret = 0;

	if (glob(pat, 0, NULL, &g)) {
		free(pat);
		return 0;
	}
	for (i = 0; i < g.gl_pathc && !ret; i++) {
		const char *p = g.gl_pathv[i];
		const char *applied[] = { "apply", "--check", "-R", p, NULL };
		const char *apply[] = { "apply", p, NULL };

		if (!git_run(c->wt, applied, true))
			continue;
		note("coverage: applying %s to the work tree", p);
		if (git_run(c->wt, apply, false))
			ret = error("%s does not apply to %s", p, c->wt);
	}
	globfree(&g);
	free(pat);
	return ret;
}

static int build_kernel(struct cov_ctx *c, const struct cov_opts *o)
{
	struct kbuild kb = {
		.tree = c->wt,
		.build = c->build,
		.jobs = o->jobs,
		.ccache = true,
		.progress = true,
	};
	char **frags = NULL;
	size_t nr = 0;
	char *log = out_path("logs/build-coverage.log");
	char *logs = out_path("logs");
	double start = now_seconds();
	int ret = -1;

	if (kbuild_default_fragments(&frags, &nr))
		goto out;
	frags = xrealloc(frags, (nr + 2) * sizeof(char *));
	frags[nr++] = project_path("kernel-overlay/coverage/gcov.config");
	frags[nr] = NULL;
	if (!path_exists(frags[nr - 1])) {
		error("no %s", frags[nr - 1]);
		goto out;
	}
	mkdir_p(logs, 0755);
	unlink(log);
	kb.log = log;
	kb.fragments = frags;
	kb.nr_fragments = nr;
	if (kbuild_config(&kb) || kbuild_kernel(&kb))
		goto out;
	c->config_secs = kb.config_secs;
	c->compiled = kb.compiled;
	ret = 0;
out:
	c->build_secs = now_seconds() - start;
	free_strv(frags, nr);
	free(log);
	free(logs);
	return ret;
}

static void on_result(void *ctx, const struct test_result *t)
{
	fprintf(stderr, "  %-7s %-44s", test_status_name(t->status), t->name);
	if (t->secs >= 0)
		fprintf(stderr, " %7.2f s", t->secs);
	fputc('\n', stderr);
}

/* Unpack boot @n's gcov frame from @log into <outdir>/gcda/boot-N. */
static int unpack_gcov(struct cov_ctx *c, const char *log, size_t n,
		       struct strbuf *why)
{
	struct strbuf text = STRBUF_INIT, data = STRBUF_INIT;
	char *dir = xasprintf("%s/gcda/boot-%zu", c->outdir, n);
	char *tgz = xasprintf("%s/gcda/boot-%zu.tar.gz", c->outdir, n);
	unsigned int files = 0;
	int ret = -1;

	remove_tree(dir);
	if (read_file(log, &text)) {
		sb_addf(why, "no third serial port log %s", log);
		goto out;
	}
	if (cov_frame_decode(text.buf, text.len, &data, &files, why))
		goto out;
	mkdir_p(dir, 0755);
	if (write_file_atomic(tgz, data.buf, data.len)) {
		sb_addf(why, "cannot write %s: %s", tgz, strerror(errno));
		goto out;
	}
	{
		const char *argv[] = { "tar", "-xzf", tgz, "-C", dir, NULL };
		struct run_opts ro = { .quiet = true };

		if (run_cmd(argv, &ro)) {
			sb_addf(why, "tar could not unpack the guest's gcov data (%u files)",
				files);
			goto out;
		}
	}
	ret = 0;
out:
	unlink(tgz);
	sb_release(&text);
	sb_release(&data);
	free(dir);
	free(tgz);
	return ret;
}

/* What coverage keeps of boot @i of @nr: notes, counts and JSON. */
static void record_boot(struct cov_ctx *c, size_t i, size_t nr,
			const struct boot_group *g, const char *append,
			const struct vm_result *vr, bool data, const char *why)
{
	c->boots++;
	if (vr->verdict == VV_OK)
		c->boots_ok++;
	if (data)
		c->boots_data++;
	if (vr->verdict != VV_OK || !data)
		c->problems = true;
	if (vr->verdict != VV_OK || !data)
		sb_addf(&c->boot_notes, "boot %zu (%s): %s%s%s\n",
			i + 1, append, vm_verdict_name(vr->verdict),
			data ? "" : ", its tests do not count: ",
			data ? "" : why);
	fprintf(stderr, "coverage: boot %zu/%zu: %s in %.1f s, %s%s\n",
		i + 1, nr, vm_verdict_name(vr->verdict), vr->duration,
		data ? "gcov data received" : "no gcov data: ",
		data ? "" : why);
	json_array_append_new(c->boots_json, json_pack("{s:o,s:s,s:I,s:o,s:o}",
			"cmdline", json_text(append),
			"verdict", vm_verdict_name(vr->verdict),
			"tests", (json_int_t)g->nr,
			"duration_s", json_round(vr->duration, 1),
			"gcov", data ? json_true() : json_text(why)));
}

/* Boot @i of @nr: group @g's tests with ks.gcov, then its gcov data. */
static int boot_group(struct cov_ctx *c, const struct cov_opts *o,
		      const struct testset *ts, const struct boot_group *g,
		      size_t i, size_t nr, const char *kernel,
		      const char *init, const char *gdir, const char *logs)
{
	struct initramfs ir = {
		.busybox = "/bin/busybox", .init = init, .ts = ts,
		.idx = g->idx, .nr = g->nr,
	};
	struct vm_opts vo = {
		.kernel = kernel, .timeout = 1800, .boot_timeout = 120,
		.test_timeout = o->test_timeout, .kvm = o->kvm,
		.on_result = on_result,
	};
	struct vm_result vr;
	struct strbuf why = STRBUF_INIT;
	char *initrd = xasprintf("%s/initrd-%zu.cpio", gdir, i + 1);
	char *line = xasprintf("%s ks.gcov", g->cmdline);
	char *append = cmdline_normalise(line);
	char *con = xasprintf("%s/coverage-console-%zu.log", logs, i + 1);
	char *res = xasprintf("%s/coverage-results-%zu.log", logs, i + 1);
	char *qlog = xasprintf("%s/coverage-qemu-%zu.log", logs, i + 1);
	char *glog = xasprintf("%s/coverage-gcov-%zu.log", logs, i + 1);
	bool data;
	int ret = -1;

	free(line);
	fprintf(stderr, "coverage: boot %zu/%zu: %zu test%s, kernel parameters '%s'\n",
		i + 1, nr, g->nr, g->nr == 1 ? "" : "s", append);
	vo.initrd = initrd;
	vo.append = append;
	vo.console_log = con;
	vo.results_log = res;
	vo.qemu_log = qlog;
	vo.extra_log = glog;
	if (initramfs_write(initrd, &ir) || vm_run(&vo, &vr)) {
		unlink(initrd);
		goto out;
	}
	unlink(initrd);
	data = !unpack_gcov(c, glog, i + 1, &why);
	record_boot(c, i, nr, g, append, &vr, data, why.buf);
	vm_result_release(&vr);
	ret = 0;
out:
	sb_release(&why);
	free(initrd);
	free(append);
	free(con);
	free(res);
	free(qlog);
	free(glog);
	return ret;
}

static int run_boots(struct cov_ctx *c, const struct cov_opts *o)
{
	struct testset ts = { 0 };
	struct known_failures known = { 0 };
	struct boot_group *groups = NULL;
	/* The selftests 'kseries selftests' built, beside <cache>/build. */
	char *build = kbuild_default_build();
	char *tests_dir = selftests_default_dir(build);
	char *known_path = project_path("selftests/known-failures");
	char *kernel, *gdir = path_join(c->outdir, "gcda");
	char *init = project_path("kernel-overlay/init");
	char *logs = out_path("logs");
	size_t nr_groups = 0, i;
	double start = now_seconds();
	int ret = -1;

	{
		struct kbuild kb = { .build = c->build };

		kernel = kbuild_image(&kb);
	}
	remove_tree(gdir);
	mkdir_p(gdir, 0755);
	mkdir_p(logs, 0755);
	if (!path_exists(kernel)) {
		error("no coverage kernel %s: run without --no-build", kernel);
		goto out;
	}
	if (!path_exists("/bin/busybox")) {
		error("no /bin/busybox: install Debian's busybox-static");
		goto out;
	}
	if (known_failures_load(&known, known_path) ||
	    testset_load(&ts, tests_dir))
		goto out;
	if (o->tests) {
		if (testset_select(&ts, o->tests))
			goto out;
	} else {
		testset_drop_listed(&ts, &known, true);
	}
	nr_groups = testset_group(&ts, &groups);
	c->boots_json = json_array();
	for (i = 0; i < nr_groups; i++)
		if (boot_group(c, o, &ts, &groups[i], i, nr_groups, kernel,
			       init, gdir, logs))
			goto out;
	ret = 0;
out:
	c->boot_secs = now_seconds() - start;
	if (groups)
		boot_groups_release(groups, nr_groups);
	testset_release(&ts);
	known_failures_release(&known);
	free(tests_dir);
	free(build);
	free(known_path);
	free(kernel);
	free(gdir);
	free(init);
	free(logs);
	return ret;
}

struct gcda_walk {
	struct cov_ctx *c;
	const char *build_rel;	/* the build directory, no leading '/' */
	const char *tree;
	struct cov_data *d;
	unsigned int files, bad;
};

static void read_gcda(struct gcda_walk *w, const char *path, const char *rel)
{
	const char *obj;
	char *gcno, *link;
	struct stat st;

	if (stat(path, &st) || !st.st_size)
		return;		/* unreadable in the guest (lockdown) */
	while (starts_with(rel, "./"))
		rel += 2;
	if (!skip_prefix(rel, w->build_rel, &obj) || *obj != '/') {
		w->bad++;
		return;
	}
	obj++;
	gcno = xasprintf("%s/%.*s.gcno", w->c->build,
			 (int)(strlen(obj) - strlen(".gcda")), obj);
	link = xasprintf("%.*s.gcno", (int)(strlen(path) - strlen(".gcda")),
			 path);
	unlink(link);
	if (!path_exists(gcno) || symlink(gcno, link)) {
		w->bad++;
	} else {
		const char *argv[] = { "gcov", "--json-format", "--stdout",
				       path, NULL };
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

		if (run_capture(argv, w->c->build, &out) ||
		    cov_data_add_json(w->d, out.buf ? out.buf : "", out.len,
				      w->tree, &err)) {
			warning("gcov %s: %s", path, err.len ? err.buf :
				"failed");
			w->bad++;
		} else {
			w->files++;
		}
		sb_release(&out);
		sb_release(&err);
	}
	free(gcno);
	free(link);
}

static void walk_gcda(struct gcda_walk *w, const char *dir, const char *rel)
{
	DIR *dh = opendir(dir);
	struct dirent *de;

	if (!dh)
		return;
	while ((de = readdir(dh))) {
		char *p, *r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = path_join(dir, de->d_name);
		r = *rel ? path_join(rel, de->d_name) : xstrdup(de->d_name);
		if (is_dir(p))
			walk_gcda(w, p, r);
		else if (ends_with(de->d_name, ".gcda"))
			read_gcda(w, p, r);
		free(p);
		free(r);
	}
	closedir(dh);
}

static int read_gcov(struct cov_ctx *c, struct cov_data *d)
{
	char *gdir = path_join(c->outdir, "gcda");
	char *build = realpath(c->build, NULL);
	char *tree = realpath(c->wt, NULL);
	struct gcda_walk w = { .c = c, .d = d, .tree = tree };
	DIR *dh;
	struct dirent *de;
	int ret = -1;

	if (!build || !tree) {
		error("no coverage build %s or tree %s", c->build, c->wt);
		goto out;
	}
	w.build_rel = build + 1;
	dh = opendir(gdir);
	while (dh && (de = readdir(dh))) {
		char *p;

		if (!starts_with(de->d_name, "boot-"))
			continue;
		p = path_join(gdir, de->d_name);
		if (is_dir(p))
			walk_gcda(&w, p, "");
		free(p);
	}
	if (dh)
		closedir(dh);
	if (!w.files) {
		error("no gcov data in %s: %s", gdir, c->boots ?
		      "no boot brought any back" :
		      "boot the coverage kernel first (without --no-boot)");
		goto out;
	}
	if (w.bad)
		warning("%u .gcda files without their build's .gcno or unreadable by gcov",
			w.bad);
	ret = 0;
out:
	free(gdir);
	free(build);
	free(tree);
	return ret;
}

static int open_tree(struct cov_ctx *c, const char *tree)
{
	size_t i, differ = 0;

	if (!is_dir(tree)) {
		error("no kernel tree %s: run 'kseries apply' first", tree);
		return -1;
	}
	if (krepo_open(&c->kr, tree))
		return -1;
	c->kr_open = true;
	if (krepo_branch(&c->kr, TREE_BRANCH, &c->tip))
		return error("no branch '%s' in %s: run 'kseries apply'",
			     TREE_BRANCH, tree);
	if (krepo_chain(&c->kr, &c->kr.base, &c->tip, &c->commits,
			&c->nr_commits))
		return error("'%s' does not descend from the base", TREE_BRANCH);
	{
		char *sp = project_path("series"), *pd = project_path("patches");
		int r = series_load(&c->s, sp, pd);

		free(sp);
		free(pd);
		if (r)
			return -1;
	}
	if (c->s.nr != c->nr_commits)
		return error("the series has %zu patches, the tree's branch %zu commits: run 'kseries apply'",
			     c->s.nr, c->nr_commits);
	/*
	 * The report is of the tree that was built: name each patch as
	 * format-patch would name its commit, and say so if the series
	 * file names it otherwise (edited since the last apply).
	 */
	c->names = xcalloc(c->nr_commits + 1, sizeof(char *));
	for (i = 0; i < c->nr_commits; i++) {
		git_commit *cm;

		if (git_commit_lookup(&cm, c->kr.repo, &c->commits[i]))
			return error("cannot read commit %zu of the series", i + 1);
		c->names[i] = patch_file_name(i + 1, git_commit_summary(cm));
		git_commit_free(cm);
		if (strcmp(c->names[i], c->s.entries[i].name) && !differ++)
			warning("patch %zu is %s in the tree but %s in the series file (edited since 'kseries apply'?): the report names the tree's",
				i + 1, c->names[i], c->s.entries[i].name);
	}
	{
		struct strbuf err = STRBUF_INIT;

		if (cov_changed_paths(c->kr.repo, &c->kr.base, &c->tip,
				      &c->changed, &c->nr_changed, &err)) {
			error("%s", err.buf);
			sb_release(&err);
			return -1;
		}
		sb_release(&err);
	}
	return 0;
}

static int report(struct cov_ctx *c, const struct cov_opts *o,
		  const struct cov_data *d)
{
	struct cov_added_set added = { 0 };
	struct cov_report r;
	struct strbuf txt = STRBUF_INIT, js = STRBUF_INIT, html = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT;
	json_t *meta;
	char **names = xcalloc(c->s.nr + 1, sizeof(char *));
	char **topics = xcalloc(c->s.nr + 1, sizeof(char *));
	char hex[GIT_OID_HEXSZ + 1], *title;
	double start = now_seconds();
	size_t i;
	int ret = -1;

	for (i = 0; i < c->nr_changed; i++) {
		if (cov_blame_file(c->kr.repo, &c->kr.base, &c->tip,
				   c->commits, c->nr_commits, c->changed[i],
				   &added, &err)) {
			error("blame: %s", err.buf);
			goto out;
		}
	}
	cov_classify(&added, d);
	for (i = 0; i < c->s.nr; i++) {
		names[i] = c->names[i];
		topics[i] = c->s.entries[i].topic;
	}
	cov_report_build(&r, &added, d, names, topics, c->s.nr);
	c->report_secs = now_seconds() - start;
	git_oid_tostr(hex, sizeof(hex), &c->tip);
	cov_report_text(&txt, &r);
	sb_addstr(&txt, sb_str(&c->boot_notes));
	if (o->no_boot)
		sb_addf(&txt, "tip %.12s; from the last boots' gcov data; ", hex);
	else
		sb_addf(&txt, "tip %.12s; %u boot%s (%u ok, %u with gcov data); ",
			hex, c->boots, c->boots == 1 ? "" : "s", c->boots_ok,
			c->boots_data);
	if (o->no_build)
		sb_addstr(&txt, "the last build; ");
	else
		sb_addf(&txt, "build %.0f s (%u compiled); ", c->build_secs,
			c->compiled);
	if (!o->no_boot)
		sb_addf(&txt, "boots %.0f s, ", c->boot_secs);
	sb_addf(&txt, "report %.1f s\n", c->report_secs);
	meta = json_pack("{s:s,s:o,s:I,s:o,s:o,s:O?}", "tip", hex,
			 "build_s", json_round(c->build_secs, 1),
			 "compiled", (json_int_t)c->compiled,
			 "boot_s", json_round(c->boot_secs, 1),
			 "report_s", json_round(c->report_secs, 1),
			 "boots", c->boots_json);
	cov_report_json(&js, &r, meta);
	json_decref(meta);
	title = xasprintf("Patch coverage of the series at %.12s", hex);
	cov_report_html(&html, &r, &added, title);
	free(title);
	{
		const char *names_out[] = { "coverage.txt", "coverage.json",
					    "coverage.html" };
		struct strbuf *bufs[] = { &txt, &js, &html };

		for (i = 0; i < 3; i++) {
			char *p = path_join(c->outdir, names_out[i]);

			if (write_file_atomic(p, bufs[i]->buf, bufs[i]->len))
				warning("cannot write %s: %s", p,
					strerror(errno));
			free(p);
		}
	}
	fputs(o->json ? js.buf : txt.buf, stdout);
	if (!o->json)
		printf("report: %s/coverage.{txt,json,html}\n", c->outdir);
	cov_report_release(&r);
	ret = 0;
out:
	cov_added_release(&added);
	sb_release(&txt);
	sb_release(&js);
	sb_release(&html);
	sb_release(&err);
	free(names);
	free(topics);
	return ret;
}

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct cov_opts *o)
{
	const struct option options[] = {
		OPT_STRING_F(0, "tests", &o->tests, PARSE_OPT_NONEMPTY),
		OPT_SECONDS(0, "test-timeout", &o->test_timeout),
		OPT_INT(0, "jobs", &o->jobs, 1, INT_MAX),
		OPT_BOOL(0, "no-build", &o->no_build),
		OPT_BOOL(0, "no-boot", &o->no_boot),
		OPT_BOOL(0, "json", &o->json),
		OPT_TRISTATE(0, "kvm", &o->kvm),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0,
				  cmd_coverage_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_coverage_usage, "unknown argument '%s'",
				   argv[0]);
	if (o->no_boot && o->tests)
		return usage_error(cmd_coverage_usage,
				   "--tests needs a boot (not with --no-boot)");
	return -1;
}

/*
 * The build directory of versions before the move to <cache>/coverage/
 * (<cache>/build-coverage, about 140 MB) is used by nothing now.
 */
static void drop_old_build(void)
{
	char *old = cache_path("build-coverage");

	if (is_dir(old)) {
		note("coverage: removing %s (earlier versions' build directory)",
		     old);
		remove_tree(old);
	}
	free(old);
}

int cmd_coverage(int argc, char **argv)
{
	struct cov_opts o = { .test_timeout = 300, .kvm = -1 };
	struct cov_ctx c = {
		.boot_notes = STRBUF_INIT
	};
	struct cov_data d = { 0 };
	char *tree = NULL;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = 2;
	tree = kbuild_default_tree();
	c.wt = cache_path("coverage/src");
	/*
	 * Beside its tree as <cache>/build is beside <cache>/src: ccache
	 * (CCACHE_BASEDIR) then sees the same relative paths.
	 */
	c.build = cache_path("coverage/build");
	drop_old_build();
	c.outdir = out_path("coverage");
	if (open_tree(&c, tree))
		goto out;
	mkdir_p(c.outdir, 0755);
	if (!o.no_build) {
		if (prepare_worktree(&c, tree) || mark_makefiles(&c) ||
		    patch_worktree(&c) ||
		    build_kernel(&c, &o))
			goto out;
	} else if (!is_dir(c.wt)) {
		error("no coverage work tree %s: run without --no-build", c.wt);
		goto out;
	}
	if (!o.no_boot && run_boots(&c, &o))
		goto out;
	if (read_gcov(&c, &d) || report(&c, &o, &d))
		goto out;
	ret = c.problems ? 1 : 0;
out:
	cov_data_release(&d);
	json_decref(c.boots_json);
	sb_release(&c.boot_notes);
	free_strv(c.changed, c.nr_changed);
	if (c.names)
		free_strv(c.names, c.nr_commits);
	free(c.commits);
	if (c.s.entries)
		series_release(&c.s);
	if (c.kr_open)
		krepo_close(&c.kr);
	free(tree);
	free(c.wt);
	free(c.build);
	free(c.outdir);
	return ret;
}
