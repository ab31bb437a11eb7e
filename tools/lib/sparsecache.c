// SPDX-License-Identifier: GPL-2.0
/*
 * sparse's findings, cached by what sparse reads (sparsecache.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "sparsecache.h"

/* The first line of an entry; a new format is a new version. */
#define ENTRY_MAGIC "kseries-sparse-cache 1\n"

/* "DIR/.NAME.o.cmd" from the argument "-Wp,-MMD,DIR/.NAME.o.d". */
static char *cmd_file_of(char *const *argv, size_t argc)
{
	size_t i;

	for (i = 0; i < argc; i++) {
		const char *d;
		size_t n;

		if (!skip_prefix(argv[i], "-Wp,-MMD,", &d))
			continue;
		n = strlen(d);
		if (n > 2 && !strcmp(d + n - 2, ".d"))
			return xasprintf("%.*s.cmd", (int)(n - 2), d);
	}
	return NULL;
}

/* One file into the key: its path and content, or that it is missing. */
static int key_file(struct hash_ctx *h, const char *cwd, const char *path,
		    size_t len, bool optional, struct strbuf *why)
{
	char *p = xstrndup(path, len);
	char *abs = p[0] == '/' ? xstrdup(p) : path_join(cwd, p);
	char hex[65];
	int ret = 0;

	if (sha256_file(abs, hex)) {
		if (optional && errno == ENOENT) {
			strcpy(hex, "absent");
		} else {
			sb_addf(why, "cannot read %s: %s", p, strerror(errno));
			ret = -1;
		}
	}
	if (!ret) {
		char *line = xasprintf("file %s %s\n", p, hex);

		hash_update(h, line, strlen(line));
		free(line);
	}
	free(abs);
	free(p);
	return ret;
}

/*
 * The files of the .cmd text @cmd into the key: the "source_OBJ := PATH"
 * line's, then each word of "deps_OBJ := \" up to the line that does not
 * end in a backslash, "$(wildcard PATH)" ones optional. Fixdep writes the
 * source apart from the rest of what the compiler read.
 */
static int key_cmd_deps(struct hash_ctx *h, const char *cwd, const char *cmd,
			struct strbuf *why)
{
	const char *src = strstr(cmd, "\nsource_");
	const char *deps = strstr(cmd, "\ndeps_");
	const char *p, *eol;
	int ret = 0;

	if (!src || !deps) {
		sb_addstr(why, "the .cmd file has no source_ or deps_ line");
		return -1;
	}
	src = strstr(src, " := ");
	eol = src ? strchr(src, '\n') : NULL;
	if (!eol) {
		sb_addstr(why, "the .cmd file's source_ line is cut");
		return -1;
	}
	if (key_file(h, cwd, src + 4, eol - src - 4, false, why))
		return -1;
	p = strchr(deps + 1, '\n');
	while (p && !ret) {
		const char *word;
		size_t n;
		bool more;

		eol = strchr(p + 1, '\n');
		if (!eol)
			eol = p + strlen(p);
		word = p + 1;
		n = eol - word;
		while (n && (word[n - 1] == ' ' || word[n - 1] == '\t'))
			n--;
		more = n && word[n - 1] == '\\';
		if (more)
			n--;
		while (n && (*word == ' ' || *word == '\t')) {
			word++;
			n--;
		}
		while (n && (word[n - 1] == ' ' || word[n - 1] == '\t'))
			n--;
		if (n > 12 && !strncmp(word, "$(wildcard ", 11) &&
		    word[n - 1] == ')')
			ret = key_file(h, cwd, word + 11, n - 12, true, why);
		else if (n)
			ret = key_file(h, cwd, word, n, false, why);
		if (!more || !*eol)
			break;
		p = eol;
	}
	return ret;
}

int sparse_cache_key(const char *prog, char *const *argv, size_t argc,
		     const char *cwd, char hex[65], struct strbuf *why)
{
	struct hash_ctx h;
	struct strbuf cmd = STRBUF_INIT;
	char *path = cmd_file_of(argv, argc), *p;
	unsigned char d[32];
	size_t i;
	int ret = -1;

	if (!path) {
		sb_addstr(why, "no -Wp,-MMD,FILE.d argument names the object");
		return -1;
	}
	p = path[0] == '/' ? xstrdup(path) : path_join(cwd, path);
	if (read_file(p, &cmd)) {
		sb_addf(why, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	sha256_init(&h);
	hash_update(&h, ENTRY_MAGIC, strlen(ENTRY_MAGIC));
	if (key_file(&h, cwd, prog, strlen(prog), false, why)) {
		hash_final(&h, d);
		goto out;
	}
	hash_update(&h, cwd, strlen(cwd) + 1);
	for (i = 0; i < argc; i++)
		hash_update(&h, argv[i], strlen(argv[i]) + 1);
	if (key_cmd_deps(&h, cwd, cmd.buf, why)) {
		hash_final(&h, d);
		goto out;
	}
	hash_final(&h, d);
	hex_encode(hex, d, sizeof(d));
	ret = 0;
out:
	sb_release(&cmd);
	free(path);
	free(p);
	return ret;
}

static char *entry_path(const char *dir, const char *hex)
{
	return xasprintf("%s/%.2s/%s", dir, hex, hex + 2);
}

int sparse_cache_load(const char *dir, const char *hex, int *status,
		      struct strbuf *out)
{
	char *path = entry_path(dir, hex);
	struct strbuf e = STRBUF_INIT;
	const char *rest, *nl;
	int ret = -1;

	if (read_file(path, &e) || !skip_prefix(e.buf, ENTRY_MAGIC, &rest) ||
	    sscanf(rest, "status %d\n", status) != 1)
		goto out;
	nl = strchr(rest, '\n');
	if (!nl)
		goto out;
	sb_reset(out);
	sb_add(out, nl + 1, e.len - (nl + 1 - e.buf));
	ret = 0;
out:
	sb_release(&e);
	free(path);
	return ret;
}

int sparse_cache_store(const char *dir, const char *hex, int status,
		       const char *out, size_t len)
{
	char *path = entry_path(dir, hex);
	char *sub = xasprintf("%s/%.2s", dir, hex);
	struct strbuf e = STRBUF_INIT;
	int ret = -1;

	sb_addf(&e, ENTRY_MAGIC "status %d\n", status);
	sb_add(&e, out, len);
	if (!mkdir_p(sub, 0755) && !write_file_atomic(path, e.buf, e.len))
		ret = 0;
	sb_release(&e);
	free(sub);
	free(path);
	return ret;
}

/* Run sparse, its output into @out: its status, or -1. */
static int run_sparse(const char *prog, char *const *argv, size_t argc,
		      const char *dir, struct strbuf *out)
{
	const char **v = xcalloc(argc + 2, sizeof(*v));
	char *tmp = xasprintf("%s/run-XXXXXX", dir);
	struct run_opts ro = { .null_stdin = true, .keep_group = true };
	int fd, status = -1;
	size_t i;

	v[0] = prog;
	for (i = 0; i < argc; i++)
		v[i + 1] = argv[i];
	mkdir_p(dir, 0755);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		error("cannot create a file in %s: %s", dir, strerror(errno));
		goto out;
	}
	ro.log_fd = fd;
	status = run_cmd(v, &ro);
	if (status >= 0 && read_file(tmp, out))
		status = error("cannot read %s: %s", tmp, strerror(errno));
	close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(v);
	return status;
}

int sparse_cache_run(const char *prog, char *const *argv, size_t argc,
		     const char *dir, int out_fd, enum sparse_cache_how *how,
		     struct strbuf *why)
{
	struct strbuf out = STRBUF_INIT;
	char *cwd = getcwd(NULL, 0);
	char hex[65];
	bool keyed;
	int status;

	keyed = cwd && !sparse_cache_key(prog, argv, argc, cwd, hex, why);
	if (!cwd)
		sb_addf(why, "getcwd: %s", strerror(errno));
	if (keyed && !sparse_cache_load(dir, hex, &status, &out)) {
		*how = SPARSE_CACHE_HIT;
	} else {
		*how = keyed ? SPARSE_CACHE_MISS : SPARSE_CACHE_UNCACHED;
		status = run_sparse(prog, argv, argc, dir, &out);
		/* Killed (a Ctrl-C, make stopping): not a result to keep. */
		if (keyed && status >= 0 && status < 128 &&
		    sparse_cache_store(dir, hex, status, out.buf, out.len)) {
			*how = SPARSE_CACHE_UNCACHED;
			sb_addf(why, "cannot write in %s: %s", dir,
				strerror(errno));
		}
	}
	if (out.len && write_in_full(out_fd, out.buf, out.len) < 0 &&
	    status == 0)
		status = 1;
	sb_release(&out);
	free(cwd);
	return status;
}
