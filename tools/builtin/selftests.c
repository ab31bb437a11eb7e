// SPDX-License-Identifier: GPL-2.0
/*
 * kseries selftests: build the KVM selftests once, from the tip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/kbuild.h"
#include "lib/testset.h"

const char cmd_selftests_usage[] =
	"kseries selftests - build the KVM selftests for the guest\n"
	"\n"
	"usage: kseries selftests [--tree DIR] [--build DIR] [--output DIR]\n"
	"                         [--log FILE] [-j N] [project|base|all]\n"
	"\n"
	"Builds, statically and once, the project's selftests (selftests/\n"
	"*_test.c, suite 'project') and the base's own KVM selftests (suite\n"
	"'base') against the tree's tools/testing/selftests/kvm/lib and the\n"
	"uapi headers that 'kseries build' installed into <build>/usr. Nothing\n"
	"is written into the source tree; the same binaries run at every\n"
	"patch ('kseries boot' packs them).\n"
	"\n"
	"    --tree DIR     kernel source tree (default <cache>/src)\n"
	"    --build DIR    its build directory (default <cache>/build)\n"
	"    --output DIR   where the binaries go (default: 'selftests'\n"
	"                   beside the build directory)\n"
	"    --log FILE     make output (default out/logs/selftests.log)\n"
	"    -j N           parallel jobs (default: number of CPUs)\n"
	"\n"
	"Result: <output>/<suite>/<name> and <output>/<suite>/list.\n"
	"\n"
	"Exit status: 0 built; 1 a selftest did not compile (the first errors\n"
	"and the log are shown); 2 the tool could not do its job (no tree or\n"
	"headers, an output directory that cannot be made); 129 usage.\n";

static int count_suite(const char *dir, const char *suite)
{
	struct testset ts = { 0 };
	char *spec = xstrdup(suite);
	int n = -1;

	if (!testset_load(&ts, dir) && !testset_select(&ts, spec))
		n = ts.nr;
	testset_release(&ts);
	free(spec);
	return n;
}

struct selftests_opts {
	const char *tree, *build, *output, *log, *target;
	int jobs;
};

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct selftests_opts *o)
{
	const struct option options[] = {
		OPT_STRING_F(0, "tree", &o->tree, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "build", &o->build, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "output", &o->output, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "log", &o->log, PARSE_OPT_NONEMPTY),
		OPT_INT('j', NULL, &o->jobs, 1, INT_MAX),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0,
				  cmd_selftests_usage);
	int i;

	if (n < 0)
		return cmd_parse_status(n);
	for (i = 0; i < n; i++) {
		if (strcmp(argv[i], "project") && strcmp(argv[i], "base") &&
		    strcmp(argv[i], "all"))
			return usage_error(cmd_selftests_usage,
					   "unknown argument '%s'", argv[i]);
		o->target = argv[i];
	}
	return -1;
}

/* The uapi headers in @build and the selftests library in @tree. */
static int check_inputs(const char *tree, const char *build)
{
	char *khdr = xasprintf("%s/usr/include/linux/kvm.h", build);
	char *kvm = path_join(tree, "tools/testing/selftests/kvm/lib");
	int ret = -1;

	if (!path_exists(khdr))
		error("no uapi headers in %s/usr: run 'kseries build' first",
		      build);
	else if (!is_dir(kvm))
		error("no KVM selftests library in %s", kvm);
	else
		ret = 0;
	free(khdr);
	free(kvm);
	return ret;
}

/* make in the project's selftests/; its exit status. */
static int run_make(const struct selftests_opts *so, const char *tree,
		    const char *build, const char *output, const char *log,
		    const struct msg_sink *say)
{
	char *dir = project_path("selftests");
	char *kt = xasprintf("KTREE=%s", tree);
	char *kh = xasprintf("KHDR=%s/usr", build);
	char *o = xasprintf("OUTPUT=%s", output);
	char *j = xasprintf("-j%ld", so->jobs > 0 ? (long)so->jobs :
			    sysconf(_SC_NPROCESSORS_ONLN));
	const char *args[] = {
		"make", "-C", dir, kt, kh, o, j, so->target, NULL
	};
	struct run_opts ro = { .log = log };
	int status;

	msg_say(say, MSG_NOTE, "selftests: building '%s' from %s into %s",
		so->target, tree, output);
	status = run_cmd(args, &ro);
	free(dir);
	free(kt);
	free(kh);
	free(o);
	free(j);
	return status;
}

static void report_failure(int status, const char *log,
			   const struct msg_sink *say)
{
	struct strbuf sb = STRBUF_INIT, errs = STRBUF_INIT;

	if (!read_file(log, &sb))
		kbuild_first_errors(sb.buf, 12, &errs);
	msg_say(say, MSG_ERROR, "selftests build failed (make exit %d)%s",
		status, errs.len ? "; first errors:" : "");
	msg_say(say, MSG_DETAIL, "%sThe complete output is in %s\n",
		sb_str(&errs), log);
	sb_release(&sb);
	sb_release(&errs);
}

static void report_counts(const char *target, const char *output,
			  const struct msg_sink *say)
{
	int p = strcmp(target, "base") ? count_suite(output, "project") : -1;
	int b = strcmp(target, "project") ? count_suite(output, "base") : -1;

	if (p >= 0)
		msg_say(say, MSG_NOTE, "selftests: project: %d tests", p);
	if (b >= 0)
		msg_say(say, MSG_NOTE, "selftests: base: %d tests", b);
}

/* Build what @o asks; 0, or 1 (said to @say). */
static int selftests_build(const struct selftests_opts *o,
			   const struct msg_sink *say)
{
	char *tree = NULL, *build = NULL, *output = NULL, *log = NULL;
	double start = now_seconds();
	int ret = 2, status;

	tree = o->tree ? xstrdup(o->tree) : kbuild_default_tree();
	build = o->build ? xstrdup(o->build) : kbuild_default_build();
	output = o->output ? xstrdup(o->output) : selftests_default_dir(build);
	if (o->log) {
		log = xstrdup(o->log);
	} else {
		char *dir = out_path("logs");

		mkdir_p(dir, 0755);
		log = path_join(dir, "selftests.log");
		free(dir);
	}
	if (check_inputs(tree, build))
		goto out;
	if (mkdir_p(output, 0755)) {
		error("cannot create %s: %s", output, strerror(errno));
		goto out;
	}
	if (truncate(log, 0) && errno != ENOENT)
		warning("cannot truncate %s: %s", log, strerror(errno));
	status = run_make(o, tree, build, output, log, say);
	if (status) {
		report_failure(status, log, say);
		ret = 1;
		goto out;
	}
	report_counts(o->target, output, say);
	msg_say(say, MSG_NOTE, "selftests: done in %.1f s: %s; log %s",
		now_seconds() - start, output, log);
	ret = 0;
out:
	free(tree);
	free(build);
	free(output);
	free(log);
	return ret;
}

int cmd_selftests(int argc, char **argv)
{
	struct selftests_opts o = { .target = "all" };
	int ret = parse_args(argc, argv, &o);

	if (ret >= 0)
		return ret;
	return selftests_build(&o, NULL);
}

int selftests_from_tree(const char *who, const char *logs, const char *tree,
			const char *build, char **frags, size_t nr_frags,
			int jobs, const char *out)
{
	/* Their errors, not their notes: the caller says what happens. */
	const struct msg_sink say = { msg_quiet, NULL };
	char *log_dir = out_path(logs);
	char *log = path_join(log_dir, "selftests-headers.log");
	char *stlog = path_join(log_dir, "selftests.log");
	struct kbuild kb = {
		.tree = tree, .build = build, .log = log,
		.fragments = frags, .nr_fragments = nr_frags,
		.jobs = jobs, .ccache = true, .say = say,
	};
	struct selftests_opts so = {
		.tree = tree, .build = build, .output = out, .log = stlog,
		.target = "all", .jobs = jobs,
	};
	double start = now_seconds();
	int ret = -1;

	mkdir_p(log_dir, 0755);
	if (truncate(log, 0) && errno != ENOENT)
		warning("cannot truncate %s: %s", log, strerror(errno));
	fprintf(stderr, "%s: building the selftests from HEAD into %s\n",
		who, out);
	if (!kbuild_config(&kb) && !kbuild_headers(&kb) &&
	    !selftests_build(&so, &say))
		ret = 0;
	if (!ret)
		fprintf(stderr, "%s: selftests ready (%.1f s)\n", who,
			now_seconds() - start);
	kbuild_release(&kb);
	free(log_dir);
	free(log);
	free(stlog);
	return ret;
}
