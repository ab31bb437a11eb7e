// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of util.c: strbuf, string and allocation helpers, files and
 * paths, the project/cache/out directories, messages and child
 * processes (exit status, signals, logs, timeouts). Every expectation is
 * computed apart from the code under test (snprintf, stat, the shell).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static char tmp[64];
static char cwd0[PATH_MAX];

static int setup(void **state)
{
	strcpy(tmp, "/tmp/kseries-util-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	assert_non_null(getcwd(cwd0, sizeof(cwd0)));
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(chdir(cwd0), 0);
	remove_tree(tmp);
	return 0;
}

static char *tpath(const char *rel)
{
	return xasprintf("%s/%s", tmp, rel);
}

static void put(const char *rel, const char *text, mode_t mode)
{
	char *p = tpath(rel);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char want[600], *p;
	size_t i, alloc;

	assert_string_equal(sb_str(&sb), "");
	assert_null(sb.buf);

	/* Bytes, NULs included, always followed by a NUL. */
	sb_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	sb_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");

	for (i = 0; i < 1000; i++)
		sb_addch(&sb, 'a' + i % 26);
	assert_int_equal(sb.len, 1000);
	assert_true(sb.alloc > 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(sb.buf[i], 'a' + i % 26);
	assert_int_equal(sb.buf[1000], '\0');

	/* Formatted text longer than any first allocation. */
	sb_reset(&sb);
	sb_addstr(&sb, "x=");
	memset(want, 'y', 300);
	want[300] = '\0';
	sb_addf(&sb, "%s|%d|%5.2f", want, -42, 3.14159);
	p = xstrdup(want);
	snprintf(want, sizeof(want), "x=%s|%d|%5.2f", p, -42, 3.14159);
	free(p);
	assert_string_equal(sb.buf, want);
	assert_int_equal(sb.len, strlen(want));

	/* sb_grow makes room without changing the text. */
	alloc = sb.len + 5000;
	sb_grow(&sb, 5000);
	assert_true(sb.alloc >= alloc);
	assert_string_equal(sb.buf, want);

	sb_reset(&sb);
	sb_addstr(&sb, "line \t\r\n \n");
	sb_rtrim(&sb);
	assert_string_equal(sb.buf, "line");
	assert_int_equal(sb.len, 4);
	sb_reset(&sb);
	sb_addstr(&sb, " \n\t");
	sb_rtrim(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");

	sb_addstr(&sb, "kept");
	p = sb_detach(&sb);
	assert_string_equal(p, "kept");
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	free(p);
	/* An empty strbuf detaches as an allocated "". */
	p = sb_detach(&sb);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
	sb_rtrim(&sb);
	sb_release(&sb);
	assert_null(sb.buf);
}

static void test_first_paragraph(void **state)
{
	static const char *const cases[][2] = {
		{ "one\n", "one" },
		{ "\n\na subject\nwrapped  \n\nbody\n", "a subject wrapped" },
		{ "kfree_sensitive ||\nkfree\n\nrest", "kfree_sensitive || kfree" },
		{ "no newline", "no newline" },
		{ "", "" },
		{ "\n\n", "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = first_paragraph(cases[i][0]);

		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

static void test_strings(void **state)
{
	const char *rest = "unchanged";
	char *p;
	int *arr = NULL;
	size_t alloc = 0, i;

	assert_true(starts_with("kseries", "kser"));
	assert_true(starts_with("kseries", ""));
	assert_false(starts_with("ks", "kseries"));
	assert_true(ends_with("foo.patch", ".patch"));
	assert_true(ends_with("foo", ""));
	assert_false(ends_with("patch", "x.patch"));
	assert_false(skip_prefix("Subject: x", "From: ", &rest));
	assert_string_equal(rest, "unchanged");
	assert_true(skip_prefix("Subject: x", "Subject: ", &rest));
	assert_string_equal(rest, "x");

	p = xstrndup("abcdef", 3);
	assert_string_equal(p, "abc");
	free(p);
	p = xasprintf("%s-%03d-%c", "v", 7, 'z');
	assert_string_equal(p, "v-007-z");
	free(p);

	p = xmalloc(0);
	assert_non_null(p);
	free(p);
	p = xcalloc(100, 1);
	for (i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	memcpy(p, "keep", 5);
	p = xrealloc(p, 10000);
	assert_string_equal(p, "keep");
	free(p);

	for (i = 0; i < 100; i++) {
		ALLOC_GROW(arr, i + 1, alloc);
		arr[i] = i;
	}
	assert_true(alloc >= 100);
	for (i = 0; i < 100; i++)
		assert_int_equal(arr[i], i);
	free(arr);

	{
		static const unsigned char bin[] = { 0x00, 0x01, 0xab, 0xff };
		char hex[9];

		hex_encode(hex, bin, sizeof(bin));
		assert_string_equal(hex, "0001abff");
	}
}

/* How many entries @rel (a directory under tmp) holds. */
static int entries(const char *rel)
{
	char *cmd = xasprintf("ls -A %s/%s | wc -l", tmp, rel);
	FILE *f = popen(cmd, "r");
	int n = -1;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &n), 1);
	pclose(f);
	free(cmd);
	return n;
}

static void test_files(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t big = 200000, i;
	char *data = xmalloc(big), *p, buf[16];
	struct stat st;
	int pfd[2];

	/* Bigger than read_file's buffer, every byte value. */
	for (i = 0; i < big; i++)
		data[i] = (i * 7 + i / 251) & 0xff;
	assert_int_equal(mkdir_p(p = tpath("f"), 0755), 0);
	free(p);
	p = tpath("f/data");
	assert_int_equal(write_file_atomic(p, data, big), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, big);
	assert_int_equal(entries("f"), 1);	/* no temporary left */
	sb_addstr(&sb, "prefix");
	assert_int_equal(read_file(p, &sb), 0);
	assert_int_equal(sb.len, 6 + big);
	assert_memory_equal(sb.buf, "prefix", 6);
	assert_memory_equal(sb.buf + 6, data, big);
	/* Replaced whole. */
	assert_int_equal(write_file_atomic(p, "new\n", 4), 0);
	sb_reset(&sb);
	assert_int_equal(read_file(p, &sb), 0);
	assert_string_equal(sb.buf, "new\n");
	free(p);

	p = tpath("nodir/x");
	errno = 0;
	assert_int_equal(write_file_atomic(p, "x", 1), -1);
	assert_int_equal(errno, ENOENT);
	sb_release(&sb);
	errno = 0;
	assert_int_equal(read_file(p, &sb), -1);
	assert_int_equal(errno, ENOENT);
	free(p);

	put("f/empty", "", 0644);
	p = tpath("f/empty");
	assert_int_equal(read_file(p, &sb), 0);
	assert_non_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	sb_release(&sb);
	free(p);

	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(write_in_full(pfd[1], "0123456789", 10), 0);
	close(pfd[1]);
	assert_int_equal(read(pfd[0], buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "0123456789", 10);
	close(pfd[0]);
	free(data);
}

/* How many file descriptors this process has open. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_write_fails(void **state)
{
	char *p = tpath("full"), *tmpname;
	int before = open_fds();

	/*
	 * The temporary write_file_atomic() writes is a link to /dev/full:
	 * the write fails, and nothing may be left open or behind.
	 */
	tmpname = xasprintf("%s.tmp.%d", p, (int)getpid());
	assert_int_equal(symlink("/dev/full", tmpname), 0);
	errno = 0;
	assert_int_equal(write_file_atomic(p, "data", 4), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(open_fds(), before);
	assert_false(path_exists(tmpname));
	assert_false(path_exists(p));
	free(tmpname);
	free(p);
}

static void test_dirs(void **state)
{
	char *p = tpath("a/b/c"), *q;
	struct stat st;

	assert_int_equal(mkdir_p(p, 0755), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(mkdir_p(p, 0755), 0);	/* already there */
	assert_true(is_dir(p));
	free(p);

	put("a/file", "x", 0644);
	p = tpath("a/file/sub");
	errno = 0;
	assert_int_equal(mkdir_p(p, 0755), -1);
	assert_int_equal(errno, ENOTDIR);
	free(p);
	p = tpath("a/file");
	assert_true(path_exists(p));
	assert_false(is_dir(p));
	free(p);

	/* A dangling symlink exists; a link to a directory is one. */
	p = tpath("a/dangling");
	assert_int_equal(symlink("nowhere", p), 0);
	assert_true(path_exists(p));
	assert_false(is_dir(p));
	free(p);
	p = tpath("a/tob");
	assert_int_equal(symlink("b", p), 0);
	assert_true(is_dir(p));
	free(p);
	p = tpath("a/nothing");
	assert_false(path_exists(p));
	assert_false(is_dir(p));
	free(p);

	/* remove_tree does not follow a link out of the tree. */
	assert_int_equal(mkdir_p(p = tpath("outside"), 0755), 0);
	free(p);
	put("outside/keep", "k", 0644);
	q = tpath("outside");
	p = tpath("a/b/c/out");
	assert_int_equal(symlink(q, p), 0);
	free(p);
	free(q);
	put("a/b/c/ro", "r", 0444);
	p = tpath("a");
	assert_int_equal(remove_tree(p), 0);
	assert_false(path_exists(p));
	assert_int_equal(remove_tree(p), 0);	/* nothing to remove */
	free(p);
	p = tpath("outside/keep");
	assert_true(path_exists(p));
	assert_int_equal(remove_tree(p), 0);	/* a plain file */
	assert_false(path_exists(p));
	free(p);

	p = path_join("a", "b");
	assert_string_equal(p, "a/b");
	free(p);
	p = path_join("/x/", "y/z");
	assert_string_equal(p, "/x/y/z");
	free(p);
	p = path_join("", "b");
	assert_string_equal(p, "b");
	free(p);
	p = path_join(NULL, "b");
	assert_string_equal(p, "b");
	free(p);
	p = path_join("a", "/abs");
	assert_string_equal(p, "/abs");
	free(p);
}

static void test_now_seconds(void **state)
{
	double a = now_seconds(), b;

	usleep(30000);
	b = now_seconds();
	assert_true(b - a >= 0.025);
	assert_true(b - a < 5);
}

/* The real path of tmp/@rel. */
static char *treal(const char *rel)
{
	char *p = tpath(rel), *r = realpath(p, NULL);

	assert_non_null(r);
	free(p);
	return r;
}

/* @got (freed) is @base/@rel. */
static void assert_under(char *got, const char *base, const char *rel)
{
	char *want = xasprintf("%s/%s", base, rel);

	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void test_project_paths(void **state)
{
	char *p, *want, *home = xstrdup(getenv("HOME") ? getenv("HOME") : "");

	unsetenv("KSERIES_PROJECT");
	unsetenv("KSERIES_CACHE");
	unsetenv("KSERIES_OUT");
	unsetenv("XDG_CACHE_HOME");

	/* Found from a directory below the project. */
	assert_int_equal(mkdir_p(p = tpath("proj/kernel-overlay"), 0755), 0);
	free(p);
	assert_int_equal(mkdir_p(p = tpath("proj/x/y"), 0755), 0);
	put("proj/series", "", 0644);
	assert_int_equal(chdir(p), 0);
	free(p);
	paths_reset();
	want = treal("proj");
	assert_string_equal(project_dir(), want);
	assert_under(project_path("series"), want, "series");

	/* out/ goes into the project unless KSERIES_OUT says otherwise. */
	p = xasprintf("%s/out", want);
	assert_string_equal(out_dir(), p);
	assert_true(is_dir(p));
	free(p);
	assert_under(out_path("logs"), want, "out/logs");
	free(want);

	/* A project before its first patch: a pin, no series yet. */
	p = tpath("proj/series");
	assert_int_equal(unlink(p), 0);
	free(p);
	put("proj/kernel-overlay/pin", "", 0644);
	paths_reset();
	want = treal("proj");
	assert_string_equal(project_dir(), want);
	free(want);

	/* The environment wins, and is made absolute. */
	assert_int_equal(mkdir_p(p = tpath("other"), 0755), 0);
	free(p);
	assert_int_equal(chdir(tmp), 0);
	setenv("KSERIES_PROJECT", "other", 1);
	p = tpath("o2");
	setenv("KSERIES_OUT", p, 1);
	paths_reset();
	want = treal("other");
	assert_string_equal(project_dir(), want);
	assert_string_equal(out_dir(), p);
	assert_true(is_dir(p));
	free(want);
	free(p);

	/* The cache: KSERIES_CACHE, XDG_CACHE_HOME/kseries, ~/.cache. */
	p = tpath("c1");
	setenv("KSERIES_CACHE", p, 1);
	paths_reset();
	assert_string_equal(cache_dir(), p);
	assert_true(is_dir(p));
	assert_under(tree_dir(), p, "src");
	assert_under(cache_path("dl"), p, "dl");
	free(p);
	/* An empty variable counts as unset. */
	setenv("KSERIES_CACHE", "", 1);
	p = tpath("xdg");
	setenv("XDG_CACHE_HOME", p, 1);
	paths_reset();
	want = xasprintf("%s/kseries", p);
	assert_string_equal(cache_dir(), want);
	assert_true(is_dir(want));
	free(want);
	free(p);
	setenv("XDG_CACHE_HOME", "", 1);
	p = tpath("home");
	setenv("HOME", p, 1);
	paths_reset();
	want = xasprintf("%s/.cache/kseries", p);
	assert_string_equal(cache_dir(), want);
	free(want);
	free(p);

	unsetenv("KSERIES_PROJECT");
	unsetenv("KSERIES_OUT");
	unsetenv("KSERIES_CACHE");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", home, 1);
	free(home);
	paths_reset();
}

/* Run @fn in a child with stderr into a file; its status and stderr. */
static int in_child(void (*fn)(void), struct strbuf *err)
{
	char *log = tpath("stderr");
	int status, fd;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(99);
		fn();
		fflush(stdout);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	sb_reset(err);
	assert_int_equal(read_file(log, err), 0);
	free(log);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void say_things(void)
{
	if (error("e %d", 1) != -1)
		_exit(98);
	warning("w %s", "x");
	note("n");
	quiet = true;
	note("hidden");
	warning("still");
}

static void die_now(void)
{
	die("cannot %s %d", "go on", 7);
}

static void die_outside_project(void)
{
	setenv("KSERIES_PROJECT", "/nonexistent/project", 1);
	paths_reset();
	project_dir();
}

static void die_no_project_here(void)
{
	unsetenv("KSERIES_PROJECT");
	paths_reset();
	if (chdir("/"))
		_exit(97);
	project_dir();
}

static void test_messages(void **state)
{
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(in_child(say_things, &err), 0);
	assert_string_equal(err.buf, "kseries: error: e 1\n"
				     "kseries: warning: w x\n"
				     "kseries: n\n"
				     "kseries: warning: still\n");

	/* die(): the tool could not do its job, exit status 2. */
	assert_int_equal(in_child(die_now, &err), 2);
	assert_string_equal(err.buf, "kseries: fatal: cannot go on 7\n");
	assert_int_equal(in_child(die_outside_project, &err), 2);
	assert_true(starts_with(err.buf, "kseries: fatal: KSERIES_PROJECT="));
	assert_int_equal(in_child(die_no_project_here, &err), 2);
	assert_true(starts_with(err.buf, "kseries: fatal: not inside"));
	assert_int_equal(EXIT_PROBLEMS, 1);
	assert_int_equal(EXIT_TROUBLE, 2);
	sb_release(&err);
}

static const char *const *argv_of(const char *a, const char *b,
				  const char *c)
{
	static const char *v[4];

	v[0] = a;
	v[1] = b;
	v[2] = c;
	v[3] = NULL;
	return v;
}

#define SH(script) argv_of("sh", "-c", script)

static void test_run_cmd(void **state)
{
	struct run_opts o = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const char *env[] = { "KSERIES_T1=one", "KSERIES_T2=two", NULL };
	char *log = tpath("run.log"), *dir = tpath("rundir"), *p;
	int saved[2], fd, i;

	assert_int_equal(run_cmd(SH("exit 0"), NULL), 0);
	assert_int_equal(run_cmd(SH("exit 3"), NULL), 3);
	assert_int_equal(run_cmd(SH("exit 255"), NULL), 255);
	assert_int_equal(run_cmd(SH("kill -TERM $$"), NULL), 128 + SIGTERM);
	assert_int_equal(run_cmd(argv_of("/nonexistent/prog", NULL, NULL),
				 NULL), -1);

	/* A directory, extra environment, output appended to a log. */
	assert_int_equal(mkdir_p(dir, 0755), 0);
	o.dir = dir;
	o.env = env;
	o.log = log;
	assert_int_equal(run_cmd(SH("echo \"$KSERIES_T1 $KSERIES_T2\"; "
				    "pwd >here; echo err >&2"), &o), 0);
	assert_int_equal(run_cmd(SH("echo again"), &o), 0);
	assert_int_equal(read_file(log, &sb), 0);
	assert_string_equal(sb.buf, "one two\nerr\nagain\n");
	sb_reset(&sb);
	p = xasprintf("%s/here", dir);
	assert_int_equal(read_file(p, &sb), 0);
	free(p);
	p = realpath(dir, NULL);
	assert_non_null(p);
	sb_rtrim(&sb);
	assert_string_equal(sb.buf, p);
	free(p);
	/* The environment of the caller is untouched. */
	assert_null(getenv("KSERIES_T1"));

	/* A log that cannot be opened: an error, nothing run. */
	o.log = "/nonexistent/dir/log";
	assert_int_equal(run_cmd(SH("touch ran"), &o), -1);
	p = xasprintf("%s/ran", dir);
	assert_false(path_exists(p));
	free(p);

	/* quiet: nothing reaches our stdout or stderr. */
	memset(&o, 0, sizeof(o));
	o.quiet = true;
	p = tpath("stdout");
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	saved[0] = dup(1);
	saved[1] = dup(2);
	assert_true(saved[0] >= 0 && saved[1] >= 0);
	dup2(fd, 1);
	dup2(fd, 2);
	i = run_cmd(SH("echo out; echo err >&2"), &o);
	dup2(saved[0], 1);
	dup2(saved[1], 2);
	close(saved[0]);
	close(saved[1]);
	close(fd);
	assert_int_equal(i, 0);
	sb_reset(&sb);
	assert_int_equal(read_file(p, &sb), 0);
	assert_int_equal(sb.len, 0);
	free(p);

	sb_release(&sb);
	free(log);
	free(dir);
}

static void test_run_cmd_timeout(void **state)
{
	struct run_opts o = { .timeout = 0.3 };
	char *pidf = tpath("grandchild.pid"), *script;
	struct strbuf sb = STRBUF_INIT;
	double t0, t;
	int i, gone = 0;
	pid_t gc;

	/* Killed at the deadline: status 128 + SIGKILL. */
	t0 = now_seconds();
	assert_int_equal(run_cmd(argv_of("sleep", "30", NULL), &o),
			 128 + SIGKILL);
	t = now_seconds() - t0;
	assert_true(t >= 0.3);
	assert_true(t < 5);

	/* Done before the deadline: its own status, without waiting. */
	o.timeout = 20;
	t0 = now_seconds();
	assert_int_equal(run_cmd(SH("sleep 0.1; exit 5"), &o), 5);
	t = now_seconds() - t0;
	assert_true(t >= 0.1);
	assert_true(t < 5);

	/* The child's own children go too (its process group). */
	o.timeout = 0.3;
	script = xasprintf("sleep 30 & echo $! >%s; wait", pidf);
	t0 = now_seconds();
	assert_int_equal(run_cmd(SH(script), &o), 128 + SIGKILL);
	assert_true(now_seconds() - t0 < 5);
	assert_int_equal(read_file(pidf, &sb), 0);
	gc = atoi(sb.buf);
	assert_true(gc > 0);
	/* Gone, or a zombie waiting for init to reap it. */
	for (i = 0; i < 200 && !gone; i++) {
		char *stat = xasprintf("/proc/%d/stat", (int)gc);
		struct strbuf st = STRBUF_INIT;
		char *rp;

		if (read_file(stat, &st)) {
			gone = 1;
		} else {
			rp = strrchr(st.buf, ')');
			gone = rp && rp[1] == ' ' && rp[2] == 'Z';
		}
		sb_release(&st);
		free(stat);
		if (!gone)
			usleep(10000);
	}
	assert_true(gone);
	sb_release(&sb);
	free(script);
	free(pidf);
}

static void test_run_capture(void **state)
{
	struct strbuf out = STRBUF_INIT;
	char *dir = tpath("cap"), *real;
	size_t i;

	assert_int_equal(run_capture(argv_of("printf", "a\\nb", NULL), NULL,
				     &out), 0);
	assert_string_equal(out.buf, "a\nb");
	sb_reset(&out);
	assert_int_equal(run_capture(SH("echo x; echo e >&2; exit 4"), NULL,
				     &out), 4);
	assert_string_equal(out.buf, "x\n");

	assert_int_equal(mkdir_p(dir, 0755), 0);
	real = realpath(dir, NULL);
	sb_reset(&out);
	assert_int_equal(run_capture(argv_of("pwd", NULL, NULL), dir, &out),
			 0);
	sb_rtrim(&out);
	assert_string_equal(out.buf, real);
	free(real);

	/* More than a pipe holds. */
	sb_reset(&out);
	assert_int_equal(run_capture(SH("yes abc | head -n 50000"), NULL,
				     &out), 0);
	assert_int_equal(out.len, 200000);
	for (i = 0; i < out.len; i += 4)
		assert_memory_equal(out.buf + i, "abc\n", 4);

	/* Not started: -1, and an empty string all the same. */
	sb_release(&out);
	assert_int_equal(run_capture(argv_of("/nonexistent/prog", NULL, NULL),
				     NULL, &out), -1);
	assert_non_null(out.buf);
	assert_int_equal(out.len, 0);
	sb_release(&out);
	free(dir);
}

struct lines {
	struct strbuf all;
	int nr;
};

static void collect_line(void *ctx, const char *line, size_t len)
{
	struct lines *l = ctx;

	sb_addch(&l->all, '[');
	sb_add(&l->all, line, len);
	sb_addch(&l->all, ']');
	l->nr++;
}

/* Pipe mode: stdout and stderr a line at a time, copied to the log. */
static void test_run_lines(void **state)
{
	struct lines l = { STRBUF_INIT, 0 };
	char *log = tpath("lines.log");
	struct run_opts o = { .on_line = collect_line, .ctx = &l, .log = log };
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	assert_int_equal(run_cmd(SH("echo one; echo two >&2; printf 'a\\nlast'; exit 6"),
				 &o), 6);
	assert_string_equal(l.all.buf, "[one][two][a][last]");
	assert_int_equal(read_file(log, &sb), 0);
	assert_string_equal(sb.buf, "one\ntwo\na\nlast");

	/* Lines longer than a read, and more than a pipe holds. */
	sb_reset(&l.all);
	l.nr = 0;
	o.log = NULL;
	assert_int_equal(run_cmd(SH("yes 0123456789abcdef0123456789abcdef | head -n 20000"),
				 &o), 0);
	assert_int_equal(l.nr, 20000);
	for (i = 0; i < l.all.len; i += 34)
		assert_memory_equal(l.all.buf + i,
				    "[0123456789abcdef0123456789abcdef]", 34);

	/* Not started: -1, and the reason came through the pipe. */
	sb_reset(&l.all);
	assert_int_equal(run_cmd(argv_of("/nonexistent/prog", NULL, NULL),
				 &o), -1);
	assert_non_null(strstr(l.all.buf, "cannot run /nonexistent/prog"));

	/* A timeout while it writes: killed all the same. */
	o.timeout = 0.3;
	assert_int_equal(run_cmd(SH("while :; do echo x; sleep 0.01; done"),
				 &o), 128 + SIGKILL);
	sb_release(&l.all);
	sb_release(&sb);
	free(log);
}

/* A log descriptor, @out with stderr apart, stdin, unset variables. */
static void test_run_fds(void **state)
{
	char *log = tpath("fd.log");
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct strbuf out = STRBUF_INIT, sb = STRBUF_INIT;
	static const char *const env[] = { "KSERIES_T3", NULL };
	struct run_opts o = { .log_fd = fd };

	assert_true(fd > 2);
	assert_int_equal(run_cmd(SH("echo o; echo e >&2"), &o), 0);
	/* The caller's descriptor stays open. */
	assert_int_equal(write(fd, "x\n", 2), 2);
	o.out = &out;
	assert_int_equal(run_cmd(SH("echo to-out; echo to-log >&2"), &o), 0);
	assert_string_equal(out.buf, "to-out\n");
	close(fd);
	assert_int_equal(read_file(log, &sb), 0);
	assert_string_equal(sb.buf, "o\ne\nx\nto-log\n");

	/* stdin from /dev/null: read gets nothing at once. */
	memset(&o, 0, sizeof(o));
	o.null_stdin = true;
	sb_reset(&out);
	o.out = &out;
	assert_int_equal(run_cmd(SH("cat; echo end"), &o), 0);
	assert_string_equal(out.buf, "end\n");

	/* A bare NAME removes it from the child's environment. */
	setenv("KSERIES_T3", "set", 1);
	o.env = env;
	sb_reset(&out);
	assert_int_equal(run_cmd(SH("echo \"<${KSERIES_T3-unset}>\""), &o), 0);
	assert_string_equal(out.buf, "<unset>\n");
	assert_string_equal(getenv("KSERIES_T3"), "set");
	unsetenv("KSERIES_T3");
	sb_release(&out);
	sb_release(&sb);
	free(log);
}

struct said {
	struct strbuf text;
};

static void say_into(void *ctx, enum msg_kind kind, const char *text)
{
	struct said *s = ctx;

	sb_addf(&s->text, "%d:%s|", (int)kind, text);
}

/* Start, poll while it runs, stop it: SIGTERM, then SIGKILL. */
static void test_run_start_stop(void **state)
{
	struct run_opts o = { 0 };
	struct child c;
	int status = -5;
	double t0;

	assert_int_equal(run_start(SH("sleep 0.2; exit 9"), &o, &c), 0);
	assert_true(c.pid > 0);
	assert_int_equal(run_poll(&c, &status), 1);
	assert_int_equal(status, -5);
	t0 = now_seconds();
	while (run_poll(&c, &status) == 1)
		usleep(10000);
	assert_int_equal(status, 9);
	assert_true(now_seconds() - t0 < 5);
	/* Reaped: no more to wait for, and nothing to kill (not us). */
	{
		struct said s = { STRBUF_INIT };
		struct msg_sink sink = { say_into, &s };
		struct run_opts so = { .say = &sink };

		c.o = &so;
		assert_int_equal(run_poll(&c, &status), -1);
		assert_string_equal(s.text.buf, "3:no child to wait for|");
		c.o = &o;
		/* A log it cannot open: said to the sink, nothing run. */
		sb_reset(&s.text);
		so.log = "/nonexistent/dir/log";
		assert_int_equal(run_cmd(SH("exit 0"), &so), -1);
		assert_string_equal(s.text.buf,
				    "3:cannot open log /nonexistent/dir/log: No such file or directory|");
		sb_release(&s.text);
	}
	assert_int_equal(run_poll(&c, &status), -1);
	assert_int_equal(run_wait(&c), -1);
	assert_int_equal(run_stop(&c, 0.1), -1);

	/* Exec failure is 127 here: run_cmd() alone makes it -1. */
	o.quiet = true;
	assert_int_equal(run_start(argv_of("/nonexistent/prog", NULL, NULL),
				   &o, &c), 0);
	assert_int_equal(run_wait(&c), 127);

	/* Stopped with SIGTERM. */
	assert_int_equal(run_start(argv_of("sleep", "30", NULL), &o, &c), 0);
	t0 = now_seconds();
	assert_int_equal(run_stop(&c, 5), 128 + SIGTERM);
	assert_true(now_seconds() - t0 < 4);

	/* Deaf to SIGTERM: SIGKILL after the grace time. */
	assert_int_equal(run_start(SH("trap '' TERM; echo >ready; sleep 30 & wait; wait"),
				   &(struct run_opts){ .dir = tmp }, &c), 0);
	{
		char *ready = tpath("ready");
		int i;

		for (i = 0; i < 500 && !path_exists(ready); i++)
			usleep(10000);
		free(ready);
	}
	t0 = now_seconds();
	assert_int_equal(run_stop(&c, 0.3), 128 + SIGKILL);
	assert_true(now_seconds() - t0 >= 0.3);
	assert_true(now_seconds() - t0 < 5);
}

static void say_all(void)
{
	struct msg_sink q = { msg_quiet, NULL }, d = { msg_discard, NULL };

	msg_say(NULL, MSG_NOTE, "n%d", 1);
	msg_say(NULL, MSG_WARNING, "w");
	msg_say(NULL, MSG_ERROR, "e");
	msg_say(NULL, MSG_DETAIL, "\tdetail\n");
	msg_say(NULL, MSG_PROGRESS, "p");	/* not a terminal: later */
	msg_say(NULL, MSG_PROGRESS, "%s", "");
	msg_say(&q, MSG_NOTE, "qn");
	msg_say(&q, MSG_PROGRESS, "qp");
	msg_say(&q, MSG_ERROR, "qe");
	msg_say(&d, MSG_ERROR, "de");
	quiet = true;
	msg_say(NULL, MSG_NOTE, "hidden");
	msg_say(NULL, MSG_ERROR, "shown");
	fflush(stderr);
}

static void test_msg(void **state)
{
	struct said s = { STRBUF_INIT };
	struct msg_sink sink = { say_into, &s };
	struct strbuf err = STRBUF_INIT;

	msg_say(&sink, MSG_NOTE, "a %d", 1);
	msg_say(&sink, MSG_ERROR, "b");
	assert_string_equal(s.text.buf, "0:a 1|3:b|");
	assert_int_equal(in_child(say_all, &err), 0);
	assert_string_equal(err.buf, "kseries: n1\n"
				     "kseries: warning: w\n"
				     "kseries: error: e\n"
				     "\tdetail\n"
				     "kseries: error: qe\n"
				     "kseries: error: shown\n");
	sb_release(&err);
	sb_release(&s.text);
}

/* Words for sh: quoted only where they need it. */
static void test_sh_words(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add_word(&sb, "O=/b");
	sb_addch(&sb, ' ');
	sb_add_word(&sb, "KCFLAGS=-g -O1");
	sb_addch(&sb, ' ');
	sb_add_word(&sb, "it's");
	sb_addch(&sb, ' ');
	sb_add_word(&sb, "");
	sb_addch(&sb, ' ');
	sb_add_word(&sb, "$HOME");
	assert_string_equal(sb.buf,
			    "O=/b 'KCFLAGS=-g -O1' 'it'\\''s' '' '$HOME'");
	sb_release(&sb);
}

/* This program's subcommand as a shell command line: its path quoted. */
static void test_self_command(void **state)
{
	char *self = realpath("/proc/self/exe", NULL);
	char *want, *got = self_command("sparse");

	assert_non_null(self);
	assert_null(strchr(self, '\''));
	want = xasprintf("'%s' sparse", self);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "util_test' sparse"));
	free(got);
	free(want);
	free(self);
}

static void test_which(void **state)
{
	char *b1 = tpath("bin1"), *b2 = tpath("bin2"), *path, *p, *want;
	char *old = xstrdup(getenv("PATH") ? getenv("PATH") : "");

	assert_int_equal(mkdir_p(b1, 0755), 0);
	assert_int_equal(mkdir_p(b2, 0755), 0);
	put("bin1/tool", "#!/bin/sh\n", 0644);	/* not executable */
	put("bin2/tool", "#!/bin/sh\n", 0755);
	put("bin1/first", "#!/bin/sh\n", 0755);
	put("bin2/first", "#!/bin/sh\n", 0755);
	path = xasprintf("%s:%s", b1, b2);
	setenv("PATH", path, 1);

	p = which("tool");
	want = xasprintf("%s/tool", b2);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = which("first");
	want = xasprintf("%s/first", b1);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	free(want);
	assert_null(which("missing"));
	assert_true(on_path("tool"));
	assert_false(on_path("missing"));

	/* A name with a slash is taken as it is. */
	want = xasprintf("%s/tool", b2);
	p = which(want);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	free(want);
	want = xasprintf("%s/tool", b1);
	assert_null(which(want));
	free(want);

	setenv("PATH", old, 1);
	free(old);
	free(path);
	free(b1);
	free(b2);
}

/* RFC 4648's test vectors, white space, and what strict refuses. */
static void test_base64(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" },
		{ "Zm9vYg==", "foob" }, { "Zm9vYmE=", "fooba" },
		{ "Zm9vYmFy", "foobar" }, { "Zm9v\r\nYmFy\n", "foobar" },
		{ " Zm9 vYm\tFy ", "foobar" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i, bad = 99;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		sb_reset(&sb);
		assert_int_equal(base64_decode(&sb, v[i].in, strlen(v[i].in),
					       true, &bad), 0);
		assert_int_equal(sb.len, strlen(v[i].out));
		assert_memory_equal(sb.len ? sb.buf : "", v[i].out, sb.len);
	}
	/* Bytes >= 0x80 and 0 come out as they are. */
	sb_reset(&sb);
	assert_int_equal(base64_decode(&sb, "/wCA", 4, true, NULL), 0);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "\xff\x00\x80", 3);
	/* A byte outside the alphabet: skipped, or refused where it is. */
	sb_reset(&sb);
	assert_int_equal(base64_decode(&sb, "Zm9v!YmFy", 9, false, &bad), 0);
	assert_memory_equal(sb.buf, "foobar", 6);
	sb_reset(&sb);
	assert_int_equal(base64_decode(&sb, "Zm9v!YmFy", 9, true, &bad), -1);
	assert_int_equal(bad, 4);
	sb_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_first_paragraph),
		cmocka_unit_test(test_base64),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dirs, setup, teardown),
		cmocka_unit_test(test_now_seconds),
		cmocka_unit_test_setup_teardown(test_project_paths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_cmd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_cmd_timeout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_capture, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_start_stop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_msg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_which, setup, teardown),
		cmocka_unit_test(test_self_command),
		cmocka_unit_test(test_sh_words),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
