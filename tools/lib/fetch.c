// SPDX-License-Identifier: GPL-2.0
#include "fetch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "util.h"

/* Copy @src to @dst, hashing it on the way. */
static int copy_file(const char *src, const char *dst, char hex[65])
{
	unsigned char buf[1 << 16], sum[32];
	int in, out, ret = -1;
	struct hash_ctx c;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return error("cannot open %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return error("cannot create %s: %s", dst, strerror(errno));
	}
	sha256_init(&c);
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, n) != n) {
			error("cannot copy %s to %s: %s", src, dst,
			      strerror(errno));
			goto out;
		}
		hash_update(&c, buf, n);
	}
	ret = 0;
out:
	hash_final(&c, sum);
	hex_encode(hex, sum, 32);
	close(in);
	if (close(out))
		ret = -1;
	return ret;
}

/*
 * Keep @tmp as @dest if it hashes to the pin's sha256; otherwise move it
 * aside to @dest.bad and say what was expected.
 */
static int accept_file(const struct pin *pin, const char *tmp,
		       const char *dest, const char *hex, const char *origin)
{
	char *bad;

	if (!strcmp(hex, pin->sha256)) {
		if (rename(tmp, dest))
			return error("cannot rename %s to %s: %s", tmp, dest,
				     strerror(errno));
		return 0;
	}
	bad = xasprintf("%s.bad", dest);
	if (rename(tmp, bad))
		unlink(tmp);
	error("%s: sha256 mismatch, refusing it\n"
	      "  expected: %s (pin %s)\n"
	      "  actual:   %s\n"
	      "  the file was moved aside to %s",
	      origin, pin->sha256, pin->path, hex, bad);
	free(bad);
	return -1;
}

/* Run apt-get with the private state directory. */
static int run_apt(const char *state, const char *dir, const char *log,
		   const char *const *args)
{
	char *o_src = xasprintf("Dir::Etc::sourcelist=%s/sources.list", state);
	char *o_lists = xasprintf("Dir::State::Lists=%s/lists", state);
	char *o_cache = xasprintf("Dir::Cache=%s/cache", state);
	const char *argv[32] = {
		"apt-get", "-q", "-o", o_src,
		"-o", "Dir::Etc::sourceparts=/nonexistent",
		"-o", o_lists, "-o", o_cache,
		"-o", "APT::Sandbox::User=root",
	};
	struct run_opts ro = { .dir = dir, .log = log };
	size_t n = 12;
	int ret;

	while (*args && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	ret = run_cmd(argv, &ro);
	free(o_src);
	free(o_lists);
	free(o_cache);
	return ret;
}

static int apt_fetch(const struct pin *pin, const char *dest)
{
	char *state = cache_path("apt"), *log, *tmp, *file, *p, *spec;
	struct strbuf sb = STRBUF_INIT;
	char hex[65];
	double t0 = now_seconds();
	int ret = -1;

	log = path_join(state, "apt.log");
	tmp = xasprintf("%s.dl-%d", dest, (int)getpid());
	p = xasprintf("%s/lists/partial", state);
	if (mkdir_p(p, 0755)) {
		free(p);
		error("cannot create %s: %s", state, strerror(errno));
		goto out;
	}
	free(p);
	p = xasprintf("%s/cache/archives/partial", state);
	mkdir_p(p, 0755);
	free(p);
	p = path_join(state, "sources.list");
	sb_addf(&sb, "%s\n", pin->apt_source);
	if (write_file_atomic(p, sb.buf, sb.len)) {
		error("cannot write %s: %s", p, strerror(errno));
		free(p);
		goto out;
	}
	free(p);
	note("fetch: updating the package lists of '%s' (private apt state in %s)",
	     pin->apt_source, state);
	if (run_apt(state, NULL, log, (const char *[]){ "update", NULL })) {
		error("apt-get update failed; see %s", log);
		goto out;
	}
	remove_tree(tmp);
	if (mkdir_p(tmp, 0755)) {
		error("cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	spec = xasprintf("%s=%s", pin->package, pin->package_version);
	note("fetch: downloading %s (apt-get source --download-only %s)",
	     pin->tarball, spec);
	if (run_apt(state, tmp, log, (const char *[]){
			"source", "--download-only", spec, NULL })) {
		error("apt-get source %s failed; see %s", spec, log);
		free(spec);
		goto out;
	}
	free(spec);
	file = path_join(tmp, pin->tarball);
	if (sha256_file(file, hex)) {
		error("apt-get did not produce %s; see %s", pin->tarball, log);
		free(file);
		goto out;
	}
	{
		struct stat st;

		if (!stat(file, &st))
			note("fetch: downloaded %lld MB in %.1f s",
			     (long long)st.st_size >> 20, now_seconds() - t0);
	}
	ret = accept_file(pin, file, dest, hex, pin->tarball);
	free(file);
out:
	remove_tree(tmp);
	sb_release(&sb);
	free(tmp);
	free(log);
	free(state);
	return ret;
}

static int copy_fetch(const struct pin *pin, const char *src,
		      const char *dest)
{
	char *tmp = xasprintf("%s.dl-%d", dest, (int)getpid());
	char hex[65];
	int ret;

	note("fetch: copying %s", src);
	ret = copy_file(src, tmp, hex);
	if (!ret)
		ret = accept_file(pin, tmp, dest, hex, src);
	unlink(tmp);
	free(tmp);
	return ret;
}

int fetch_tarball(const struct pin *pin, const struct fetch_opts *o,
		  char **path, bool *fetched)
{
	char *dest = pin_tarball_path(pin);
	const char *src = o ? o->from : NULL;
	char hex[65];
	int ret;

	*path = NULL;
	*fetched = false;
	if (!src && pin->url) {
		src = pin->url;
		skip_prefix(pin->url, "file://", &src);
		if (strstr(src, "://")) {
			free(dest);
			return error("%s: only file:// urls are supported ('%s'); use apt-source",
				     pin->path, pin->url);
		}
	}
	if (path_exists(dest) && !(o && o->force)) {
		if (sha256_file(dest, hex)) {
			error("cannot read %s: %s", dest, strerror(errno));
			free(dest);
			return -1;
		}
		if (!strcmp(hex, pin->sha256)) {
			*path = dest;
			return 0;
		}
		{
			char *bad = xasprintf("%s.bad", dest);

			warning("the cached %s does not match the pin (sha256 %s, expected %s); moved aside to %s",
				dest, hex, pin->sha256, bad);
			rename(dest, bad);
			free(bad);
		}
	}
	if (o && o->offline) {
		error("%s is not in the cache; run 'kseries fetch'",
		      pin->tarball);
		free(dest);
		return -1;
	}
	if (src)
		ret = copy_fetch(pin, src, dest);
	else
		ret = apt_fetch(pin, dest);
	if (ret) {
		free(dest);
		return -1;
	}
	*fetched = true;
	*path = dest;
	return 0;
}
