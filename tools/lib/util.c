// SPDX-License-Identifier: GPL-2.0
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

bool quiet;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addstr(&sb, "kseries: ");
	sb_addstr(&sb, prefix);
	sb_vaddf(&sb, fmt, ap);
	sb_addch(&sb, '\n');
	fflush(stdout);
	fwrite(sb.buf, 1, sb.len, stderr);
	sb_release(&sb);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("fatal: ", fmt, ap);
	va_end(ap);
	exit(EXIT_TROUBLE);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

/* A counter on a terminal, else a note a minute; "" ends it. */
static void progress_stderr(const char *text)
{
	static double first, last;
	static bool shown;
	double now = now_seconds();

	if (!*text) {
		if (shown)
			fputs("\r\033[K", stderr);	/* clear the counter */
		shown = false;
		first = last = 0;
		return;
	}
	if (quiet)
		return;
	if (isatty(2)) {
		fprintf(stderr, "\r%s ", text);
		shown = true;
		return;
	}
	if (!first)
		first = last = now;
	if (now - last >= 59) {
		last = now;
		note("%s", text);
	}
}

void msg_stderr(void *ctx, enum msg_kind kind, const char *text)
{
	switch (kind) {
	case MSG_NOTE:
		note("%s", text);
		break;
	case MSG_PROGRESS:
		progress_stderr(text);
		break;
	case MSG_WARNING:
		warning("%s", text);
		break;
	case MSG_ERROR:
		error("%s", text);
		break;
	case MSG_DETAIL:
		fflush(stdout);
		fputs(text, stderr);
		break;
	}
}

void msg_quiet(void *ctx, enum msg_kind kind, const char *text)
{
	if (kind != MSG_NOTE && kind != MSG_PROGRESS)
		msg_stderr(ctx, kind, text);
}

void msg_discard(void *ctx, enum msg_kind kind, const char *text)
{
}

void msg_vsay(const struct msg_sink *sink, enum msg_kind kind,
	      const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	sb_vaddf(&sb, fmt, ap);
	if (sink && sink->fn)
		sink->fn(sink->ctx, kind, sb_str(&sb));
	else
		msg_stderr(NULL, kind, sb_str(&sb));
	sb_release(&sb);
}

void msg_say(const struct msg_sink *sink, enum msg_kind kind,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vsay(sink, kind, fmt, ap);
	va_end(ap);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die("out of memory allocating %zu bytes", size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu bytes", size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sb_detach(&sb);
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->alloc)
		return;
	if (want < sb->alloc * 2)
		want = sb->alloc * 2;
	if (want < 64)
		want = 64;
	sb->buf = xrealloc(sb->buf, want);
	sb->alloc = want;
}

void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	sb_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sb_addstr(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addch(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("vsnprintf failed for '%s'", fmt);
	sb_grow(sb, n);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	sb->len += n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

char *sb_detach(struct strbuf *sb)
{
	char *p;

	if (!sb->buf)
		return xstrdup("");
	p = sb->buf;
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	return p;
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

void sb_rtrim(struct strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == ' ' ||
			   sb->buf[sb->len - 1] == '\t' ||
			   sb->buf[sb->len - 1] == '\n' ||
			   sb->buf[sb->len - 1] == '\r'))
		sb->len--;
	if (sb->buf)
		sb->buf[sb->len] = '\0';
}

char *first_paragraph(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;

	while (*p == '\n')
		p++;
	while (*p && *p != '\n') {
		const char *nl = strchrnul(p, '\n');

		if (sb.len)
			sb_addch(&sb, ' ');
		sb_add(&sb, p, nl - p);
		p = *nl ? nl + 1 : nl;
	}
	sb_rtrim(&sb);
	if (!sb.buf)
		return xstrdup("");
	return sb_detach(&sb);
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !memcmp(s + ls - lx, suffix, lx);
}

int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sort_strv(char **v, size_t nr)
{
	if (nr > 1)
		qsort(v, nr, sizeof(*v), cmp_strp);
}

bool skip_prefix(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return false;
	*rest = s + n;
	return true;
}

int read_file(const char *path, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sb_add(sb, buf, n);
	}
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	if (!sb->buf)
		sb_grow(sb, 0), sb->buf[0] = '\0';
	return 0;
}

int write_in_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd, e;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	if (write_in_full(fd, data, len)) {
		e = errno;
		close(fd);
		errno = e;
		goto fail_unlink;
	}
	if (close(fd) || rename(tmp, path))
		goto fail_unlink;
	free(tmp);
	return 0;
fail_unlink:
	e = errno;
	unlink(tmp);
	errno = e;
fail:
	free(tmp);
	return -1;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, mode) && errno != EEXIST) {
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

static int remove_at(int dirfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	if (!unlinkat(dirfd, name, 0) || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (remove_at(fd, de->d_name))
			ret = -1;
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) && errno != ENOENT)
		ret = -1;
	return ret;
}

int remove_tree(const char *path)
{
	return remove_at(AT_FDCWD, path);
}

bool path_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
	if (!a || !*a || *b == '/')
		return xstrdup(b);
	return xasprintf("%s%s%s", a, ends_with(a, "/") ? "" : "/", b);
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *project, *cache, *out;

void paths_reset(void)
{
	free(project);
	free(cache);
	free(out);
	project = cache = out = NULL;
}

static bool is_project(const char *dir)
{
	char *s = path_join(dir, "series");
	char *k = path_join(dir, "kernel-overlay");
	char *p = path_join(dir, "kernel-overlay/pin");
	/* A project before its first patch has a pin but no series yet. */
	bool ok = (path_exists(s) || path_exists(p)) && is_dir(k);

	free(s);
	free(k);
	free(p);
	return ok;
}

const char *project_dir(void)
{
	char cwd[PATH_MAX], *slash;
	const char *env;

	if (project)
		return project;
	env = getenv("KSERIES_PROJECT");
	if (env && *env) {
		project = realpath(env, NULL);
		if (!project)
			die("KSERIES_PROJECT=%s: %s", env, strerror(errno));
		return project;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		die("cannot get the current directory: %s", strerror(errno));
	for (;;) {
		if (is_project(cwd)) {
			project = xstrdup(cwd);
			return project;
		}
		slash = strrchr(cwd, '/');
		if (!slash || slash == cwd)
			break;
		*slash = '\0';
	}
	die("not inside a kseries project (no 'series' or 'kernel-overlay/pin' here or above); set KSERIES_PROJECT");
}

/* $@name if it is set and not empty, else NULL. */
static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *cache_dir(void)
{
	const char *kc = env_nonempty("KSERIES_CACHE");
	const char *xdg = env_nonempty("XDG_CACHE_HOME");
	const char *home = env_nonempty("HOME");

	if (cache)
		return cache;
	if (kc)
		cache = xstrdup(kc);
	else if (xdg)
		cache = path_join(xdg, "kseries");
	else if (home)
		cache = xasprintf("%s/.cache/kseries", home);
	else
		die("cannot find a cache directory: set KSERIES_CACHE or HOME");
	if (mkdir_p(cache, 0755))
		die("cannot create cache directory %s: %s", cache,
		    strerror(errno));
	return cache;
}

const char *out_dir(void)
{
	const char *env;

	if (out)
		return out;
	env = getenv("KSERIES_OUT");
	if (env && *env)
		out = xstrdup(env);
	else
		out = path_join(project_dir(), "out");
	if (mkdir_p(out, 0755))
		die("cannot create output directory %s: %s", out,
		    strerror(errno));
	return out;
}

char *project_path(const char *rel)
{
	return path_join(project_dir(), rel);
}

char *cache_path(const char *rel)
{
	return path_join(cache_dir(), rel);
}

char *out_path(const char *rel)
{
	return path_join(out_dir(), rel);
}

char *tree_dir(void)
{
	return cache_path("src");
}

/* stdout and stderr of the child: the pipe, a log, /dev/null or ours. */
static void child_output(const struct run_opts *o, int outfd, int pfd)
{
	if (pfd >= 0 && o->on_line) {
		dup2(pfd, 1);
		dup2(pfd, 2);
		return;
	}
	if (outfd >= 0) {
		dup2(outfd, 1);
		dup2(outfd, 2);
	}
	if (pfd >= 0)
		dup2(pfd, 1);
}

static void __noreturn child_exec(const char *const *argv,
				  const struct run_opts *o, int outfd,
				  int pfd)
{
	const char *const *e;

	if (o->dir && chdir(o->dir)) {
		if (!o->silent_exec_failure)
			fprintf(stderr, "kseries: cannot chdir to %s: %s\n",
				o->dir, strerror(errno));
		_exit(127);
	}
	if (o->null_stdin) {
		int null = open("/dev/null", O_RDONLY);

		if (null > 0) {
			dup2(null, 0);
			close(null);
		}
	}
	child_output(o, outfd, pfd);
	for (e = o->env; e && *e; e++) {
		if (strchr(*e, '='))
			putenv((char *)*e);
		else
			unsetenv(*e);
	}
	if (!o->keep_group)
		setpgid(0, 0);
	execvp(argv[0], (char *const *)argv);
	if (!o->silent_exec_failure)
		fprintf(stderr, "kseries: cannot run %s: %s\n", argv[0],
			strerror(errno));
	_exit(127);
}

/* An error about running a child, to @o's sink (stderr without one); -1. */
static int run_error(const struct run_opts *o, const char *fmt, ...)
	__printf(2, 3);

static int run_error(const struct run_opts *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vsay(o ? o->say : NULL, MSG_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

/* The descriptor the output goes to (not through a pipe), or -1. */
static int open_output(const struct run_opts *o)
{
	int fd = -1;

	if (o->log) {
		fd = open(o->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0644);
		if (fd < 0)
			run_error(o, "cannot open log %s: %s", o->log,
				  strerror(errno));
		return fd < 0 ? -2 : fd;
	}
	if (o->log_fd > 0)
		return fcntl(o->log_fd, F_DUPFD_CLOEXEC, 3);
	if (o->quiet)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	return -1;
}

int run_start(const char *const *argv, const struct run_opts *o,
	      struct child *c)
{
	static const struct run_opts none;
	int outfd, pfd[2] = { -1, -1 };

	o = o ? o : &none;
	memset(c, 0, sizeof(*c));
	c->pipe = c->logfd = -1;
	c->o = o;
	outfd = open_output(o);
	if (outfd == -2)
		return -1;
	if ((o->out || o->on_line) && pipe2(pfd, O_CLOEXEC)) {
		if (outfd >= 0)
			close(outfd);
		return run_error(o, "pipe: %s", strerror(errno));
	}
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (!c->pid)
		child_exec(argv, o, outfd, pfd[1]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	c->pipe = pfd[0];
	if (o->on_line)
		c->logfd = outfd;
	else if (outfd >= 0)
		close(outfd);
	if (c->pid < 0) {
		if (c->pipe >= 0)
			close(c->pipe);
		if (c->logfd >= 0)
			close(c->logfd);
		c->pipe = c->logfd = -1;
		return run_error(o, "fork: %s", strerror(errno));
	}
	c->group = !o->keep_group;
	if (o->timeout > 0)
		c->deadline = now_seconds() + o->timeout;
	return 0;
}

/* Hand the complete lines of @c->part to on_line(); all of it if @end. */
static void feed_lines(struct child *c, bool end)
{
	struct strbuf *p = &c->part;
	char *line = p->buf, *nl;

	if (!p->len)
		return;
	while ((nl = memchr(line, '\n', p->buf + p->len - line))) {
		c->o->on_line(c->o->ctx, line, nl - line);
		line = nl + 1;
	}
	if (end && line < p->buf + p->len) {
		c->o->on_line(c->o->ctx, line, p->buf + p->len - line);
		line = p->buf + p->len;
	}
	memmove(p->buf, line, p->buf + p->len - line);
	p->len -= line - p->buf;
	p->buf[p->len] = '\0';
}

/* One read of the pipe: 1 if it gave data, 0 at its end (closed). */
static int read_pipe(struct child *c)
{
	char buf[16384];
	ssize_t n;

	do
		n = read(c->pipe, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 1;
	if (n <= 0) {
		close(c->pipe);
		c->pipe = -1;
		if (c->o->on_line)
			feed_lines(c, true);
		return 0;
	}
	if (c->o->out)
		sb_add(c->o->out, buf, n);
	if (c->logfd >= 0 && write_in_full(c->logfd, buf, n))
		msg_say(c->o->say, MSG_WARNING, "short write to %s",
			c->o->log ? c->o->log : "a log");
	if (c->o->on_line) {
		sb_add(&c->part, buf, n);
		feed_lines(c, false);
	}
	return 1;
}

/* Wait up to @ms (-1: for ever) for output, and read it. */
static void pump(struct child *c, int ms)
{
	struct pollfd p = { .fd = c->pipe, .events = POLLIN };

	if (c->pipe < 0) {
		if (ms > 0)
			usleep(ms * 1000);
		return;
	}
	if (poll(&p, 1, ms) > 0)
		read_pipe(c);
}

static int decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static void child_done(struct child *c)
{
	if (c->pipe >= 0)
		close(c->pipe);
	if (c->logfd >= 0)
		close(c->logfd);
	c->pipe = c->logfd = -1;
	sb_release(&c->part);
	c->pid = 0;
}

static void kill_child(struct child *c, int sig)
{
	if (c->pid <= 0)
		return;		/* reaped: kill(0) would be our own group */
	if (c->group)
		kill(-c->pid, sig);
	kill(c->pid, sig);
}

/* Reap @c (blocking): its status, or -1 (reported). */
static int reap(struct child *c)
{
	int st;

	while (c->pipe >= 0)
		pump(c, -1);	/* what it left in the pipe */
	while (waitpid(c->pid, &st, 0) < 0) {
		if (errno != EINTR) {
			child_done(c);
			return run_error(c->o, "waitpid: %s", strerror(errno));
		}
	}
	child_done(c);
	return decode_status(st);
}

int run_poll(struct child *c, int *status)
{
	struct pollfd p;
	siginfo_t si;

	if (c->pid <= 0)
		return run_error(c->o, "no child to wait for");
	while (c->pipe >= 0) {
		p = (struct pollfd){ .fd = c->pipe, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			break;
		read_pipe(c);
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, c->pid, &si, WEXITED | WNOHANG | WNOWAIT)) {
		if (errno == EINTR)
			return 1;
		child_done(c);
		return run_error(c->o, "waitpid: %s", strerror(errno));
	}
	if (!si.si_pid)
		return 1;
	*status = reap(c);
	return *status < 0 ? -1 : 0;
}

int run_wait(struct child *c)
{
	int status, r;

	if (c->pid <= 0)
		return run_error(c->o, "no child to wait for");
	for (;;) {
		double left = c->deadline - now_seconds();

		if (c->deadline > 0 && left <= 0) {
			kill_child(c, SIGKILL);
			c->deadline = 0;
		}
		if (c->pipe >= 0) {
			/* A minute at most: the deadline is checked again. */
			pump(c, c->deadline <= 0 ? -1 :
			     left > 60 ? 60000 : (int)(left * 1000) + 1);
			continue;
		}
		if (c->deadline <= 0)
			return reap(c);
		r = run_poll(c, &status);
		if (r <= 0)
			return r < 0 ? -1 : status;
		usleep(20000);
	}
}

int run_stop(struct child *c, double grace)
{
	double end = now_seconds() + grace;
	int status;

	kill_child(c, SIGTERM);
	while (now_seconds() < end) {
		int r = run_poll(c, &status);

		if (r <= 0)
			return r < 0 ? -1 : status;
		usleep(20000);
	}
	c->deadline = 0;
	kill_child(c, SIGKILL);
	return run_wait(c);
}

int run_cmd(const char *const *argv, const struct run_opts *o)
{
	struct child c;
	int status;

	if (run_start(argv, o, &c))
		return -1;
	status = run_wait(&c);
	return status == 127 ? -1 : status;
}

int run_capture(const char *const *argv, const char *dir, struct strbuf *out)
{
	struct run_opts o = {
		.dir = dir, .out = out, .keep_group = true,
		.silent_exec_failure = true,
	};
	int ret = run_cmd(argv, &o);

	if (!out->buf)
		sb_add(out, "", 0);
	return ret;
}

char *which(const char *prog)
{
	const char *path = getenv("PATH"), *p, *colon;

	if (strchr(prog, '/'))
		return access(prog, X_OK) ? NULL : xstrdup(prog);
	for (p = path ? path : "/usr/bin:/bin"; *p; p = colon + 1) {
		char *cand;

		colon = strchrnul(p, ':');
		cand = xasprintf("%.*s/%s", (int)(colon - p), p, prog);
		if (!access(cand, X_OK))
			return cand;
		free(cand);
		if (!*colon)
			break;
	}
	return NULL;
}

void sb_add_sq(struct strbuf *sb, const char *s)
{
	const char *p;

	sb_addch(sb, '\'');
	for (p = s; *p; p++) {
		if (*p == '\'')
			sb_addstr(sb, "'\\''");
		else
			sb_addch(sb, *p);
	}
	sb_addch(sb, '\'');
}

void sb_add_word(struct strbuf *sb, const char *s)
{
	static const char plain[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=,:+@%";

	if (*s && !s[strspn(s, plain)])
		sb_addstr(sb, s);
	else
		sb_add_sq(sb, s);
}

char *self_command(const char *sub)
{
	char *self = realpath("/proc/self/exe", NULL);
	struct strbuf sb = STRBUF_INIT;

	if (!self)
		return NULL;
	sb_add_sq(&sb, self);
	sb_addf(&sb, " %s", sub);
	free(self);
	return sb_detach(&sb);
}

bool on_path(const char *prog)
{
	char *p = which(prog);
	bool found = p != NULL;

	free(p);
	return found;
}

static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int base64_decode(struct strbuf *out, const char *s, size_t n, bool strict,
		  size_t *bad)
{
	unsigned int acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int v = base64_value((unsigned char)s[i]);

		if (v < 0) {
			if (!strict || s[i] == '=' || s[i] == ' ' ||
			    s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
				continue;
			if (bad)
				*bad = i;
			return -1;
		}
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sb_addch(out, (acc >> bits) & 0xff);
		}
	}
	return 0;
}

void hex_encode(char *out, const unsigned char *bin, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[bin[i] >> 4];
		out[2 * i + 1] = hex[bin[i] & 15];
	}
	out[2 * len] = '\0';
}
