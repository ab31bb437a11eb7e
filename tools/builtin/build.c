// SPDX-License-Identifier: GPL-2.0
/*
 * kseries build: configure and build the guest kernel out of tree.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/kbuild.h"
#include "lib/warnings.h"

const char cmd_build_usage[] =
	"kseries build - configure and build the guest kernel\n"
	"\n"
	"usage: kseries build [--tree DIR] [--build DIR] [--log FILE] [-j N]\n"
	"                     [--fragment FILE]... [--force-config]\n"
	"                     [--config-only] [--no-headers] [--no-ccache]\n"
	"                     [--distcc HOSTS | --no-distcc]\n"
	"\n"
	"Makes a small kernel config from tinyconfig and the Kconfig fragments\n"
	"(merged with the tree's scripts/kconfig/merge_config.sh -m, then\n"
	"olddefconfig), checks that every option they request made it into the\n"
	"final .config, builds bzImage out of tree with W=1 (kbuild's extra\n"
	"warnings, as 'kseries check' builds: the two share the build\n"
	"directory) and installs the uapi headers into <build>/usr for the\n"
	"selftests. The config is merged again only when a fragment, the\n"
	"tree's Kconfig files or the .config changed.\n"
	"Nothing is written into the source tree.\n"
	"\n"
	"    --tree DIR       kernel source tree (default <cache>/src)\n"
	"    --build DIR      O= build directory (default <cache>/build)\n"
	"    --log FILE       complete make output (default out/logs/build.log)\n"
	"    -j N             parallel jobs (default: number of CPUs)\n"
	"    --fragment FILE  a Kconfig fragment; repeat for more (default\n"
	"                     kernel-overlay/config/*.config)\n"
	"    --force-config   merge the config again even if nothing changed\n"
	"    --config-only    stop after the config\n"
	"    --no-headers     skip headers_install\n"
	"    --no-ccache      do not use ccache even if it is installed\n"
	"    --distcc HOSTS   send the compiles to these distcc hosts (distcc's\n"
	"                     syntax: \"host1/8 host2:3632/4,lzo\"; default\n"
	"                     $DISTCC_HOSTS), through ccache (CCACHE_PREFIX):\n"
	"                     cache hits stay local; -j becomes their slots\n"
	"                     plus the local CPUs. Hosts that do not answer a\n"
	"                     TCP connect in 1 s are left out; with none, the\n"
	"                     build is local and says why. A compile that a\n"
	"                     host then fails, distcc runs here (its\n"
	"                     DISTCC_FALLBACK); the build line counts them\n"
	"    --no-distcc      ignore $DISTCC_HOSTS\n"
	"\n"
	"Prints a line a phase; on failure, the first errors and the log.\n"
	"The image is <build>/arch/x86/boot/bzImage.\n"
	"\n"
	"Exit status: 0 built; 1 the config or the build failed (the first\n"
	"errors and the log are shown); 2 the tool could not do its job (no\n"
	"tree, a directory that cannot be made, bad distcc hosts); 129 usage.\n";

/*
 * Remember the warnings of what this build compiled, unit by unit, so
 * that 'kseries check' need not compile those objects again to learn
 * them (lib/warnings).
 */
static void record_warnings(const char *tree, const char *build,
			    const char *log)
{
	struct strbuf sb = STRBUF_INIT;
	struct wdb db;

	if (!wdb_load(&db, build) && !read_file(log, &sb)) {
		wdb_update(&db, sb.buf, tree, build, false, NULL);
		wdb_save(&db, build);
	}
	wdb_release(&db);
	sb_release(&sb);
}

struct build_opts {
	const char *tree, *build, *log;
	char **frags;
	size_t nr_frags, alloc;
	struct kbuild *kb;
	struct distcc_opt distcc;
	bool config_only;
};

/* --fragment FILE, repeatable: kept as an absolute path. */
static int fragment_cb(const struct option *opt, const char *arg,
		       bool unset, struct strbuf *err)
{
	struct build_opts *o = opt->value;
	char *path = realpath(arg, NULL);

	if (!path) {
		sb_addf(err, "no fragment %s", arg);
		return -1;
	}
	ALLOC_GROW(o->frags, o->nr_frags + 2, o->alloc);
	o->frags[o->nr_frags++] = path;
	return 0;
}

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct build_opts *o)
{
	struct kbuild *kb = o->kb;
	bool no_headers = false, no_ccache = false;
	const struct option options[] = {
		OPT_STRING_F(0, "tree", &o->tree, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "build", &o->build, PARSE_OPT_NONEMPTY),
		OPT_STRING_F(0, "log", &o->log, PARSE_OPT_NONEMPTY),
		OPT_CALLBACK_F(0, "fragment", o, fragment_cb,
			       PARSE_OPT_NONEMPTY),
		OPT_INT('j', NULL, &kb->jobs, 1, INT_MAX),
		OPT_BOOL(0, "force-config", &kb->force_config),
		OPT_BOOL(0, "config-only", &o->config_only),
		OPT_BOOL(0, "no-headers", &no_headers),
		OPT_BOOL(0, "no-ccache", &no_ccache),
		OPT_DISTCC(&o->distcc),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_build_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_build_usage, "unknown argument '%s'",
				   argv[0]);
	kb->headers = !no_headers;
	kb->ccache = !no_ccache;
	kb->distcc = o->distcc.hosts;
	kb->no_distcc = o->distcc.off;
	return -1;
}

int cmd_build(int argc, char **argv)
{
	struct kbuild kb = {
		.ccache = true, .headers = true, .progress = true,
		.target = "bzImage", .sync_output = true,
	};
	struct build_opts o = { .kb = &kb };
	char *tree = NULL, *build = NULL, *log = NULL, *image;
	char **frags;
	size_t nr_frags, i;
	double start = now_seconds();
	struct strbuf err = STRBUF_INIT;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0) {
		for (i = 0; i < o.nr_frags; i++)
			free(o.frags[i]);
		free(o.frags);
		return ret;
	}
	ret = 2;
	frags = o.frags;
	nr_frags = o.nr_frags;
	tree = o.tree ? xstrdup(o.tree) : NULL;
	build = o.build ? xstrdup(o.build) : NULL;
	log = o.log ? xstrdup(o.log) : NULL;

	if (!tree)
		tree = kbuild_default_tree();
	if (!build)
		build = kbuild_default_build();
	if (!log) {
		char *dir = out_path("logs");

		mkdir_p(dir, 0755);
		log = path_join(dir, "build.log");
		free(dir);
	}
	{
		char *mk = path_join(tree, "Makefile");
		char *kc = path_join(tree, "Kconfig");
		bool ok = path_exists(mk) && path_exists(kc);

		free(mk);
		free(kc);
		if (!ok) {
			error("no kernel tree at %s: run 'kseries apply' first, or pass --tree DIR",
			      tree);
			goto out;
		}
	}
	if (!nr_frags && kbuild_default_fragments(&frags, &nr_frags))
		goto out;
	if (mkdir_p(build, 0755)) {
		error("cannot create %s: %s", build, strerror(errno));
		goto out;
	}
	{
		char *rb = realpath(build, NULL), *rt = realpath(tree, NULL);

		free(build);
		free(tree);
		build = rb;
		tree = rt;
	}
	/* One build's output a log: truncate it. */
	if (truncate(log, 0) && errno != ENOENT)
		warning("cannot truncate %s: %s", log, strerror(errno));
	kb.tree = tree;
	kb.build = build;
	kb.log = log;
	kb.fragments = frags;
	kb.nr_fragments = nr_frags;
	kb.say = (struct msg_sink){ msg_stderr, NULL };	/* -q: notes go */
	if (kb.ccache && !on_path("ccache"))
		kb.ccache = false;

	if (kbuild_distcc_setup(&kb, &err)) {
		error("%s", err.buf);
		goto out;
	}
	note("building %s in %s (W=1%s)", tree, build,
	     kb.ccache ? ", ccache" : "");
	ret = 1;	/* from here on, a failure is the config's or the code's */
	if (kbuild_config(&kb))
		goto out;
	if (o.config_only) {
		ret = 0;
		goto out;
	}
	if (kbuild_kernel(&kb)) {
		record_warnings(tree, build, log);
		goto out;
	}
	record_warnings(tree, build, log);
	if (kb.headers && kbuild_headers(&kb))
		goto out;
	image = kbuild_image(&kb);
	note("done: %s (%.1f s); log %s", image, now_seconds() - start, log);
	free(image);
	ret = 0;
out:
	kbuild_release(&kb);
	sb_release(&err);
	for (i = 0; i < nr_frags; i++)
		free(frags[i]);
	free(frags);
	free(tree);
	free(build);
	free(log);
	return ret;
}
