// SPDX-License-Identifier: GPL-2.0
/*
 * kseries lint: checkpatch.pl and the series' own rules, per patch.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/json.h"
#include "lib/tree.h"
#include "lib/lint.h"
#include "lib/patch.h"
#include "lib/series.h"

const char cmd_lint_usage[] =
	"kseries lint - check every patch of the series before it is sent\n"
	"\n"
	"usage: kseries lint [--tree DIR] [--json] [--no-checkpatch] [PATCH...]\n"
	"\n"
	"Runs the kernel tree's scripts/checkpatch.pl --strict on every patch\n"
	"(its findings attributed to the patch and line) and these checks:\n"
	"  from-signoff       the author (From:) signed off last\n"
	"  subject-prefix     the subject has a subsystem prefix, 'KVM: x86/xen: '\n"
	"  subject-period     the subject does not end with a period\n"
	"  fixes              a Fixes: tag reads Fixes: <12 hex digits> (\"<subject>\")\n"
	"                     and names a commit with that abbreviation and\n"
	"                     subject (see below)\n"
	"  fixes-missing      (a warning) a patch whose subject has the word\n"
	"                     'fix', 'fixes' or 'fixed', or whose body says 'this\n"
	"                     fixes', 'fixes a bug' or 'fixes the bug', has a\n"
	"                     Fixes: tag; not asked of a typo fix, of a body\n"
	"                     saying 'No functional change', or of one that\n"
	"                     says 'No Fixes: tag' and why\n"
	"  duplicate-subject  no two patches share a subject\n"
	"  series-missing     every file the series lists is in patches/\n"
	"  series-orphan      every file in patches/ is in the series\n"
	"  diffstat           each patch's diffstat matches its diff\n"
	"  malformed          the patch parses\n"
	"\n"
	"Fixes: tags. The base is a tarball import without history, so a tag\n"
	"may name either a commit of the kernel tree (the base, or one applied\n"
	"on it) or an upstream commit listed in kernel-overlay/upstream-commits:\n"
	"one commit a line, '<id> <subject>', the id with 12 to 40 hex digits\n"
	"as upstream has it, e.g.\n"
	"    7d6bbebb7bb0 KVM: x86/xen: Fix coexistence of Xen and Hyper-V hypercalls\n"
	"Since that list replaces the repository lookup, checkpatch.pl runs with\n"
	"--ignore UNKNOWN_COMMIT_ID; more types to ignore, one a line ('#'\n"
	"comments), can be listed in kernel-overlay/checkpatch-ignore.\n"
	"\n"
	"    --tree DIR       the kernel tree (default $KSERIES_TREE or\n"
	"                     <cache>/src, as 'kseries apply' makes it)\n"
	"    --json           {\"ok\", \"patches\": [{\"patch\", \"findings\":\n"
	"                     [{\"check\", \"line\", \"message\", \"warning\"}]}],\n"
	"                     \"series\": [...], \"problems\", \"warnings\"}\n"
	"    --no-checkpatch  only kseries' own checks (no tree needed)\n"
	"    PATCH...         these files instead of the series (no series\n"
	"                     file checks)\n"
	"\n"
	"Prints a line a patch ('ok' or its problems, each as FILE:LINE: check:\n"
	"message; a warning as FILE:LINE: warning: check: message) and a summary.\n"
	"Exit status: 0 clean (warnings allowed), 1 problems found, 2 lint\n"
	"could not run (no kernel tree for checkpatch.pl, an unreadable\n"
	"series or upstream-commits, checkpatch.pl failed), 129 usage error.\n";

/* Whether there is a project (without dying when there is none). */
static bool in_project(void)
{
	const char *env = getenv("KSERIES_PROJECT");
	char *cwd = getcwd(NULL, 0), *slash;
	bool found = false;

	if (env && *env) {
		free(cwd);
		return true;
	}
	while (cwd && !found) {
		char *s = path_join(cwd, "series");
		char *k = path_join(cwd, "kernel-overlay");

		found = path_exists(s) && is_dir(k);
		free(s);
		free(k);
		slash = strrchr(cwd, '/');
		if (!slash || slash == cwd)
			break;
		*slash = '\0';
	}
	free(cwd);
	return found;
}

/* The subject of a commit message: its first paragraph on one line. */
static char *message_subject(const char *msg)
{
	return first_paragraph(msg);
}

static int tree_commit(void *data, const char *id, char full[41],
		       char **subject)
{
	struct strbuf msg = STRBUF_INIT;
	enum krepo_lookup r = krepo_find_commit(data, id, full, &msg);

	if (r == KREPO_FOUND)
		*subject = message_subject(msg.buf ? msg.buf : "");
	sb_release(&msg);
	return r == KREPO_FOUND ? 0 : r == KREPO_AMBIGUOUS ? 2 : 1;
}

/* "UNKNOWN_COMMIT_ID,TYPE,..." from kernel-overlay/checkpatch-ignore */
static char *ignore_list(void)
{
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	char *path = project_path("kernel-overlay/checkpatch-ignore");
	const char *p;

	sb_addstr(&out, "UNKNOWN_COMMIT_ID");
	if (!read_file(path, &sb)) {
		for (p = sb.buf; *p;) {
			const char *nl = strchrnul(p, '\n'), *s = p, *e;

			while (s < nl && isspace((unsigned char)*s))
				s++;
			for (e = s; e < nl && (isalnum((unsigned char)*e) ||
					       *e == '_'); e++)
				;
			if (e > s && *s != '#') {
				sb_addch(&out, ',');
				sb_add(&out, s, e - s);
			}
			p = *nl ? nl + 1 : nl;
		}
	}
	free(path);
	sb_release(&sb);
	return sb_detach(&out);
}

/*
 * checkpatch.pl on all patches in one run, from a scratch directory (it
 * leaves a camelcase cache in its current directory); its git lookups
 * go to the tree's repository.
 */
static int run_checkpatch(struct krepo *t, char *const *paths,
			  char *const *names, size_t n,
			  struct lint_report *r)
{
	char *dir = cache_path("checkpatch"), *log, *script, *root, *ign;
	char *gd = NULL, *gw = NULL;
	const char **argv = xcalloc(n + 12, sizeof(*argv));
	const char *env[3] = { NULL, NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	size_t na = 0, i;
	int st, ret = 0;

	mkdir_p(dir, 0755);
	log = xasprintf("%s/checkpatch.%d.log", dir, (int)getpid());
	unlink(log);
	script = path_join(t->dir, "scripts/checkpatch.pl");
	root = xasprintf("--root=%s", t->dir);
	ign = ignore_list();
	argv[na++] = "perl";
	argv[na++] = script;
	argv[na++] = "--strict";
	argv[na++] = "--terse";
	argv[na++] = "--no-summary";
	argv[na++] = "--show-types";
	argv[na++] = "--ignore";
	argv[na++] = ign;
	argv[na++] = root;
	for (i = 0; i < n; i++)
		argv[na++] = paths[i];
	if (t->git_dir) {
		gd = xasprintf("GIT_DIR=%s", t->git_dir);
		gw = xasprintf("GIT_WORK_TREE=%s", t->dir);
		env[0] = gd;
		env[1] = gw;
	}
	st = run_cmd(argv, &(struct run_opts){ .dir = dir, .log = log,
					       .env = env });
	if (st < 0 || read_file(log, &out)) {
		ret = error("cannot run %s", script);
	} else if (!lint_checkpatch_output(r, out.buf, paths, names, n) &&
		   st) {
		ret = error("%s failed (status %d):\n%s", script, st, out.buf);
	}
	unlink(log);
	free(dir);
	free(log);
	free(script);
	free(root);
	free(ign);
	free(gd);
	free(gw);
	free(argv);
	sb_release(&out);
	return ret;
}

static void print_finding(const struct lint_finding *f, const char *file)
{
	const char *w = f->warning ? "warning: " : "";

	if (f->line)
		printf("  %s:%d: %s%s: %s\n", file, f->line, w,
		       lint_check_name(f->check), f->msg);
	else
		printf("  %s: %s%s: %s\n", file, w, lint_check_name(f->check),
		       f->msg);
}

/* "N problems" or "ok", and ", N warnings" when there are any. */
static void print_counts(const char *what, size_t n, size_t w)
{
	size_t p = n - w;

	if (p)
		printf("%s: %zu problem%s", what, p, p == 1 ? "" : "s");
	else
		printf("%s: ok", what);
	if (w)
		printf(", %zu warning%s", w, w == 1 ? "" : "s");
	putchar('\n');
}

/* The findings about @patch (NULL: about the series), as an array. */
static json_t *json_findings(const struct lint_report *r, const char *patch)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->nr; i++) {
		const struct lint_finding *f = &r->v[i];

		if ((patch && (!f->patch || strcmp(f->patch, patch))) ||
		    (!patch && f->patch))
			continue;
		json_array_append_new(a, json_pack("{s:s,s:i,s:o,s:b}",
				"check", lint_check_name(f->check),
				"line", f->line,
				"message", json_text(f->msg),
				"warning", f->warning));
	}
	return a;
}

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, const char **tree, bool *json,
		      bool *no_checkpatch, char ***paths, size_t *nr)
{
	const struct option options[] = {
		OPT_STRING_F(0, "tree", tree, PARSE_OPT_NONEMPTY),
		OPT_BOOL(0, "json", json),
		OPT_BOOL(0, "no-checkpatch", no_checkpatch),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_lint_usage);

	if (n < 0)
		return cmd_parse_status(n);
	*paths = argv;
	*nr = n;
	return -1;
}

/* The project's kernel-overlay/upstream-commits into @uc, if there is one. */
static int load_upstream(struct lint_ctx *ctx, struct upstream_commits *uc,
			 bool whole_series)
{
	char *up = whole_series || in_project() ?
		project_path("kernel-overlay/upstream-commits") : NULL;
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	int ret = 0;

	if (up && !read_file(up, &sb)) {
		if (upstream_commits_parse(sb.buf, uc, &err)) {
			error("%s: %s", up, err.buf);
			ret = -1;
		} else {
			ctx->upstream = uc;
		}
	}
	free(up);
	sb_release(&sb);
	sb_release(&err);
	return ret;
}

/* checkpatch.pl on the @nr @paths (shown as @names) that exist. */
static int checkpatch_all(struct krepo *t, char **paths, char **names,
			  size_t nr, struct lint_report *r)
{
	char **abs = xcalloc(nr + 1, sizeof(*abs));
	char **an = xcalloc(nr + 1, sizeof(*an));
	size_t na = 0, i;
	int ret = 0;

	for (i = 0; i < nr; i++) {
		char *a = realpath(paths[i], NULL);

		if (!a)
			continue;
		abs[na] = a;
		an[na++] = names[i];
	}
	if (na && run_checkpatch(t, abs, an, na, r))
		ret = -1;
	for (i = 0; i < na; i++)
		free(abs[i]);
	free(abs);
	free(an);
	return ret;
}

/*
 * A patch whose author did not sign off last is one problem: drop
 * checkpatch.pl's own words for it.
 */
static void drop_signoff_echoes(struct lint_report *r)
{
	size_t i, k;

	for (i = 0; i < r->nr; i++) {
		struct lint_finding *f = &r->v[i];

		if (f->check != LINT_CHECKPATCH ||
		    (!strstr(f->msg, ":NO_AUTHOR_SIGN_OFF:") &&
		     !strstr(f->msg, ":FROM_SIGN_OFF_MISMATCH:") &&
		     !strstr(f->msg, ":MISSING_SIGN_OFF:")))
			continue;
		for (k = 0; k < r->nr; k++)
			if (r->v[k].check == LINT_FROM_SIGNOFF &&
			    !strcmp(r->v[k].patch, f->patch))
				break;
		if (k == r->nr)
			continue;
		free(f->patch);
		free(f->msg);
		r->v[i] = r->v[--r->nr];
		i--;
	}
}

/* One JSON object with every finding, per patch in series order. */
static void report_json(const struct lint_report *r, char **names, size_t nr,
			size_t problems)
{
	struct strbuf js = STRBUF_INIT;
	json_t *doc, *patches = json_array();
	size_t i;

	for (i = 0; i < nr; i++)
		json_array_append_new(patches, json_pack("{s:o,s:o}",
				"patch", json_text(names[i]),
				"findings", json_findings(r, names[i])));
	doc = json_pack("{s:o,s:o,s:I,s:I,s:b}", "patches", patches,
			"series", json_findings(r, NULL),
			"problems", (json_int_t)problems,
			"warnings", (json_int_t)(r->nr - problems),
			"ok", !problems);
	json_dump_sb(doc, &js);
	sb_addch(&js, '\n');
	json_decref(doc);
	fputs(js.buf, stdout);
	sb_release(&js);
}

/* The findings per patch in series order, then the series', then counts. */
static void report_human(const struct lint_report *r, char **names,
			 size_t nr, size_t problems, bool checkpatch)
{
	size_t i, k, bad = 0, n;

	for (i = 0; i < nr; i++) {
		size_t w = lint_count_warnings(r, names[i]);

		n = lint_count(r, names[i]);
		bad += n > w;
		print_counts(names[i], n, w);
		for (k = 0; k < r->nr; k++)
			if (r->v[k].patch && !strcmp(r->v[k].patch, names[i]))
				print_finding(&r->v[k], names[i]);
	}
	n = lint_count(r, NULL);
	if (n) {
		print_counts("series", n, lint_count_warnings(r, NULL));
		for (k = 0; k < r->nr; k++)
			if (!r->v[k].patch)
				print_finding(&r->v[k], "series");
	}
	printf("lint: %zu patch%s, %zu with problems; %zu problem%s",
	       nr, nr == 1 ? "" : "es", bad, problems,
	       problems == 1 ? "" : "s");
	if (r->nr > problems)
		printf(", %zu warning%s", r->nr - problems,
		       r->nr - problems == 1 ? "" : "s");
	printf("%s\n", checkpatch ? "" : " (checkpatch.pl not run)");
}

/* The series' patches (and its own findings) when no file is named. */
static int load_series_patches(struct series *s, struct lint_report *r,
			       char ***paths, char ***names, size_t *nr)
{
	char *sp = project_path("series"), *pd = project_path("patches");
	size_t i;
	int ret = series_load(s, sp, pd);

	free(sp);
	free(pd);
	if (ret)
		return -1;
	*paths = xcalloc(s->nr + 1, sizeof(**paths));
	*names = xcalloc(s->nr + 1, sizeof(**names));
	for (i = 0; i < s->nr; i++) {
		(*paths)[i] = series_patch_path(s, i);
		(*names)[i] = xasprintf("patches/%s", s->entries[i].name);
	}
	*nr = s->nr;
	lint_series_files(r, s);
	return 0;
}

int cmd_lint(int argc, char **argv)
{
	const char *tree_opt = NULL;
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	struct upstream_commits uc = { 0 };
	struct lint_report r = { 0 };
	struct series s = { 0 };
	struct krepo t = { 0 };
	struct lint_ctx ctx = { 0 };
	char **args, **paths = NULL, **names = NULL, **subjects = NULL;
	size_t nr = 0, i, problems;
	bool json = false, no_checkpatch = false, have_tree = false;
	bool whole_series;
	int ret;

	ret = parse_args(argc, argv, &tree_opt, &json, &no_checkpatch, &args,
			 &nr);
	if (ret >= 0)
		return ret;
	ret = EXIT_TROUBLE;
	whole_series = !nr;
	if (nr) {
		paths = xcalloc(nr + 1, sizeof(*paths));
		names = xcalloc(nr + 1, sizeof(*names));
		for (i = 0; i < nr; i++) {
			paths[i] = xstrdup(args[i]);
			names[i] = xstrdup(args[i]);
		}
	}

	if (!krepo_open_ext(&t, tree_opt, KREPO_MAIL, &err)) {
		have_tree = true;
		ctx.commit = tree_commit;
		ctx.data = &t;
	} else if (!no_checkpatch || tree_opt) {
		error("%s", err.buf);
		goto out;
	}
	if (whole_series && load_series_patches(&s, &r, &paths, &names, &nr))
		goto out;
	if (load_upstream(&ctx, &uc, whole_series))
		goto out;

	subjects = xcalloc(nr + 1, sizeof(*subjects));
	for (i = 0; i < nr; i++) {
		struct patch p;

		sb_reset(&sb);
		if (read_file(paths[i], &sb))
			continue;	/* reported as series-missing */
		lint_patch(&r, &ctx, names[i], sb.buf, sb.len);
		if (!patch_parse(&p, names[i], sb.buf, sb.len, NULL)) {
			subjects[i] = xstrdup(p.subject);
			patch_release(&p);
		}
	}
	lint_duplicates(&r, names, subjects, nr);
	if (!no_checkpatch && checkpatch_all(&t, paths, names, nr, &r))
		goto out;
	drop_signoff_echoes(&r);

	problems = lint_problems(&r);
	if (json)
		report_json(&r, names, nr, problems);
	else
		report_human(&r, names, nr, problems, !no_checkpatch);
	ret = problems ? EXIT_PROBLEMS : 0;
out:
	for (i = 0; i < nr; i++) {
		if (paths)
			free(paths[i]);
		if (names)
			free(names[i]);
		if (subjects)
			free(subjects[i]);
	}
	free(paths);
	free(names);
	free(subjects);
	lint_report_release(&r);
	upstream_commits_release(&uc);
	series_release(&s);
	if (have_tree)
		krepo_close(&t);
	sb_release(&err);
	sb_release(&sb);
	return ret;
}
