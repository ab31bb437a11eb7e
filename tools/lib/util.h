/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by every kseries command: messages, allocation,
 * growable strings, files, paths and child processes.
 */
#ifndef KSERIES_UTIL_H
#define KSERIES_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

/*
 * The exit status of every command: 0 when all is well, EXIT_PROBLEMS
 * when it did its job and found problems (a test failed, a patch was
 * flagged), EXIT_TROUBLE when it could not do its job, and EXIT_USAGE
 * (cmd.h, 129) for a command line it does not accept; the way grep, cmp
 * and git diff --exit-code tell "found something" from "failed".
 */
#define EXIT_PROBLEMS	1
#define EXIT_TROUBLE	2

/* Messages: all go to stderr, prefixed with the program name. */
/* Report a fatal error and exit with EXIT_TROUBLE. */
void __noreturn die(const char *fmt, ...) __printf(1, 2);
int error(const char *fmt, ...) __printf(1, 2);
void warning(const char *fmt, ...) __printf(1, 2);
void note(const char *fmt, ...) __printf(1, 2);
extern bool quiet;

/*
 * What a library function has to say, for the command that called it
 * to show or not: a note (what was done), progress (a counter while
 * something runs; "" when it ends), a warning, an error, or the detail
 * lines under an error (each ending in a newline).
 */
enum msg_kind { MSG_NOTE, MSG_PROGRESS, MSG_WARNING, MSG_ERROR, MSG_DETAIL };
struct msg_sink {
	void (*fn)(void *ctx, enum msg_kind kind, const char *text);
	void *ctx;
};

/* Say it to @sink; without a sink (NULL or no fn), msg_stderr(). */
void msg_say(const struct msg_sink *sink, enum msg_kind kind,
	     const char *fmt, ...) __printf(3, 4);
/* The same with a va_list. */
void msg_vsay(const struct msg_sink *sink, enum msg_kind kind,
	      const char *fmt, va_list ap);
/*
 * Sinks. msg_stderr: notes as note() (none under -q), warnings and errors
 * as warning() and error(), details as they are; progress as a counter
 * on a terminal (cleared by ""), else a note a minute. msg_quiet: only
 * warnings, errors and details, as msg_stderr. msg_discard: nothing.
 */
void msg_stderr(void *ctx, enum msg_kind kind, const char *text);
void msg_quiet(void *ctx, enum msg_kind kind, const char *text);
void msg_discard(void *ctx, enum msg_kind kind, const char *text);

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Free the @n strings of @v, then @v (NULL: nothing). */
void free_strv(char **v, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __printf(1, 2);

/* Grow an array of @nr used elements to hold at least @want elements. */
#define ALLOC_GROW(arr, want, alloc)					\
	do {								\
		if ((want) > (alloc)) {					\
			size_t __n = (alloc) ? (alloc) * 2 : 16;	\
			while (__n < (want))				\
				__n *= 2;				\
			(arr) = xrealloc((arr), __n * sizeof(*(arr)));	\
			(alloc) = __n;					\
		}							\
	} while (0)

/* A growable, always NUL-terminated byte string. */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_addstr(struct strbuf *sb, const char *s);
void sb_addch(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __printf(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);
void sb_release(struct strbuf *sb);
char *sb_detach(struct strbuf *sb);
const char *sb_str(const struct strbuf *sb);
void sb_rtrim(struct strbuf *sb);
/*
 * The first paragraph of @text (after any empty lines, up to the next
 * empty line or the end) on one line: its lines joined by a space, the
 * end trimmed. Allocated; "" if there is none.
 */
char *first_paragraph(const char *text);

bool starts_with(const char *s, const char *prefix);
bool ends_with(const char *s, const char *suffix);
/* qsort()'s comparison of two char *: strcmp() of what they point to. */
int cmp_strp(const void *a, const void *b);
/* Sort the @nr strings of @v (NULL when @nr is 0, which qsort() may not get). */
void sort_strv(char **v, size_t nr);
/* If @s starts with @prefix, point *rest after it and return true. */
bool skip_prefix(const char *s, const char *prefix, const char **rest);

/* Files */
int read_file(const char *path, struct strbuf *sb);
int write_file_atomic(const char *path, const void *data, size_t len);
/* write(2) all of @data, retrying on EINTR and short writes; 0 or -1. */
int write_in_full(int fd, const void *data, size_t len);
int mkdir_p(const char *path, mode_t mode);
int remove_tree(const char *path);
bool path_exists(const char *path);
bool is_dir(const char *path);
char *path_join(const char *a, const char *b);

/* Monotonic seconds, for progress and benchmarks. */
double now_seconds(void);

/*
 * Paths of the project and its outputs.
 *
 * The project is the checkout holding `kernel-overlay/` and `series` (or,
 * before the first patch, `kernel-overlay/pin`):
 * $KSERIES_PROJECT, else the nearest such directory above the current one.
 * Downloads, the kernel repository and build trees live in the cache:
 * $KSERIES_CACHE, else $XDG_CACHE_HOME/kseries, else ~/.cache/kseries.
 * Logs and reports live in $KSERIES_OUT, else <project>/out.
 */
const char *project_dir(void);
const char *cache_dir(void);
const char *out_dir(void);
char *project_path(const char *rel);
char *cache_path(const char *rel);
char *out_path(const char *rel);
/* The kernel git repository with its work tree: <cache>/src. */
char *tree_dir(void);
void paths_reset(void);

/*
 * Child processes: the one way kseries runs a program.
 *
 * Where the child's output goes, by the first of these that is set:
 * @on_line (stdout and stderr through a pipe, a line at a time, and
 * copied to @log or @log_fd if set), @log, @log_fd, @quiet (nowhere);
 * else ours. @out takes stdout alone through a pipe (stderr as above).
 */
struct run_opts {
	const char *dir;	/* chdir here in the child */
	const char *log;	/* append stdout+stderr to this file */
	/* Without @log, > 0: stdout+stderr to it (2: our stderr); kept. */
	int log_fd;
	bool quiet;		/* discard output (unless @log is set) */
	bool null_stdin;	/* stdin from /dev/null, not ours */
	/*
	 * Stay in our process group (a Ctrl-C reaches it); else it leads
	 * its own, which a timeout kills whole.
	 */
	bool keep_group;
	bool silent_exec_failure;	/* say nothing if it cannot start */
	/* Extra NAME=value entries; a bare NAME removes that variable. */
	const char *const *env;
	double timeout;		/* seconds, 0 for none: the child is killed */
	struct strbuf *out;	/* capture stdout here */
	/* Each line of output, without its newline (the last may lack one). */
	void (*on_line)(void *ctx, const char *line, size_t len);
	void *ctx;
	/* Where errors about running it go (cannot fork, ...); NULL: stderr. */
	const struct msg_sink *say;
};

/* A started child; the run_opts it was started with must outlive it. */
struct child {
	pid_t pid;
	int pipe;		/* read end of its output, or -1 */
	int logfd;		/* where @on_line output is copied, or -1 */
	bool group;		/* it leads its own process group */
	double deadline;	/* now_seconds() to kill it at, or 0 */
	struct strbuf part;	/* a line not yet complete */
	const struct run_opts *o;
};

/* Start @argv: 0, or -1 (reported) if it could not be forked. */
int run_start(const char *const *argv, const struct run_opts *opts,
	      struct child *c);
/*
 * Read what @c wrote so far, without blocking; if it ended, reap it:
 * 0 and its status in *@status (0-255, 128 + signal: 127 when it could
 * not be executed), else 1 (running) or -1 (reported).
 */
int run_poll(struct child *c, int *status);
/*
 * Wait for @c to end, reading its output, killing it at its timeout.
 * Its status as run_poll() gives it, or -1 (reported).
 */
int run_wait(struct child *c);
/* SIGTERM to @c, SIGKILL after @grace seconds; its status as above. */
int run_stop(struct child *c, double grace);

/*
 * Run @argv and wait for it. Returns the exit status (0-255), 128 + signal
 * number if it was killed, or -1 if it could not be started.
 */
int run_cmd(const char *const *argv, const struct run_opts *opts);
/* Run @argv and capture its stdout into @out. */
int run_capture(const char *const *argv, const char *dir, struct strbuf *out);
/* The absolute path of @prog found on $PATH, or NULL. */
char *which(const char *prog);
/* @s in single quotes for sh ("it's" as 'it'\''s'). */
void sb_add_sq(struct strbuf *sb, const char *s);
/* @s as one word for sh: as it is if it needs no quoting, else quoted. */
void sb_add_word(struct strbuf *sb, const char *s);
/*
 * The shell command line that runs this program's subcommand @sub:
 * "'/path/to/kseries' SUB" (the path quoted for sh); NULL if
 * /proc/self/exe cannot be read.
 */
char *self_command(const char *sub);
/* Whether @prog is on $PATH. */
bool on_path(const char *prog);

/* Hex helpers for object ids and digests. */
void hex_encode(char *out, const unsigned char *bin, size_t len);

/*
 * Decode the base64 text @s (@n bytes, RFC 4648's alphabet) onto @out.
 * Padding ('=') and white space are skipped. Any other byte outside the
 * alphabet is skipped too (as mail readers do) or, with @strict, stops
 * the decoding: -1, with its offset in *@bad. 0 otherwise.
 */
int base64_decode(struct strbuf *out, const char *s, size_t n, bool strict,
		  size_t *bad);

#endif
