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

/* Run apt-get or apt-cache (@prog) with the private state directory. */
static int run_apt_prog(const char *prog, const char *state, const char *dir,
			const char *log, const char *const *args,
			struct strbuf *capture)
{
	char *o_src = xasprintf("Dir::Etc::sourcelist=%s/sources.list", state);
	char *o_lists = xasprintf("Dir::State::Lists=%s/lists", state);
	char *o_cache = xasprintf("Dir::Cache=%s/cache", state);
	const char *argv[32] = {
		prog, "-q", "-o", o_src,
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
	if (capture)
		ret = run_capture(argv, dir, capture);
	else
		ret = run_cmd(argv, &ro);
	free(o_src);
	free(o_lists);
	free(o_cache);
	return ret;
}

static int run_apt(const char *state, const char *dir, const char *log,
		   const char *const *args)
{
	return run_apt_prog("apt-get", state, dir, log, args, NULL);
}

static bool is_security(const char *suite)
{
	return ends_with(suite, "-security") || ends_with(suite, "/updates");
}

/* Does the whitespace-separated list @suites fit @suite's archive? */
static bool suites_fit(const char *suites, const char *suite)
{
	char *copy = xstrdup(suites), *w, *save = NULL;
	bool fit = false;

	for (w = strtok_r(copy, " \t", &save); w && !fit;
	     w = strtok_r(NULL, " \t", &save))
		fit = is_security(w) == is_security(suite);
	free(copy);
	return fit;
}

/* One deb822 paragraph: its first URI if its suites fit. */
static char *deb822_uri(const char *para, const char *suite)
{
	char *uris = NULL, *suites = NULL, *uri = NULL;
	const char *p = para, *nl;

	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t n;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (starts_with(p, "URIs:") && !uris)
			uris = xstrndup(p + 5, n - 5);
		else if (starts_with(p, "Suites:") && !suites)
			suites = xstrndup(p + 7, n - 7);
	}
	if (uris && suites && suites_fit(suites, suite)) {
		char *save = NULL, *w = strtok_r(uris, " \t", &save);

		if (w)
			uri = xstrdup(w);
	}
	free(uris);
	free(suites);
	return uri;
}

/* The first fitting URI of a deb822 .sources file or a one-line .list. */
static char *file_uri(const char *path, const char *suite)
{
	struct strbuf sb = STRBUF_INIT;
	char *uri = NULL;

	if (read_file(path, &sb))
		return NULL;
	if (ends_with(path, ".sources")) {
		char *para = sb.buf, *end;

		while (para && *para && !uri) {
			end = strstr(para, "\n\n");
			if (end)
				*end = '\0';
			if (!strstr(para, "Enabled: no"))
				uri = deb822_uri(para, suite);
			para = end ? end + 2 : NULL;
		}
	} else {
		char *line, *save = NULL;

		for (line = strtok_r(sb.buf, "\n", &save); line && !uri;
		     line = strtok_r(NULL, "\n", &save)) {
			char *w[4], *s2 = NULL, *tok;
			int k = 0;

			for (tok = strtok_r(line, " \t", &s2); tok && k < 4;
			     tok = strtok_r(NULL, " \t", &s2)) {
				if (k == 1 && *tok == '[') {
					while (tok && !strchr(tok, ']'))
						tok = strtok_r(NULL, " \t", &s2);
					continue;
				}
				w[k++] = tok;
			}
			if (k >= 3 && (!strcmp(w[0], "deb") ||
				       !strcmp(w[0], "deb-src")) &&
			    suites_fit(w[2], suite))
				uri = xstrdup(w[1]);
		}
	}
	sb_release(&sb);
	return uri;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *apt_archive_uri(const char *suite, struct strbuf *err)
{
	const char *etc = getenv("KSERIES_APT_ETC");
	char *dir, *path, *uri = NULL, **names = NULL;
	size_t n = 0, alloc = 0, i;
	struct dirent *de;
	DIR *d;

	if (!etc || !*etc)
		etc = "/etc/apt";
	path = path_join(etc, "sources.list");
	uri = file_uri(path, suite);
	free(path);
	dir = path_join(etc, "sources.list.d");
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (!ends_with(de->d_name, ".sources") &&
		    !ends_with(de->d_name, ".list"))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (!uri) {
			path = path_join(dir, names[i]);
			uri = file_uri(path, suite);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	if (!uri)
		sb_addf(err, "the system's apt configuration (%s/sources.list, %s) names no %sarchive to take suite '%s' from",
			etc, dir, is_security(suite) ? "security " : "",
			suite);
	free(dir);
	if (uri) {
		size_t l = strlen(uri);

		while (l > 1 && uri[l - 1] == '/')
			uri[--l] = '\0';
	}
	return uri;
}

char *pin_deb_src(const struct pin *pin, struct strbuf *err)
{
	char *uri = apt_archive_uri(pin->suite, err), *line;

	if (!uri)
		return NULL;
	line = xasprintf("deb-src %s %s %s", uri, pin->suite,
			 pin->component ? pin->component : "main");
	free(uri);
	return line;
}

/* The private apt state in @state, its lists updated from @src. */
static int apt_update(const char *state, const char *log, const char *src)
{
	char *p = xasprintf("%s/lists/partial", state);
	char *line = xasprintf("%s\n", src);
	int ret = -1;

	if (mkdir_p(p, 0755)) {
		error("cannot create %s: %s", p, strerror(errno));
		goto out;
	}
	free(p);
	p = xasprintf("%s/cache/archives/partial", state);
	if (mkdir_p(p, 0755)) {
		error("cannot create %s: %s", p, strerror(errno));
		goto out;
	}
	free(p);
	p = path_join(state, "sources.list");
	if (write_file_atomic(p, line, strlen(line))) {
		error("cannot write %s: %s", p, strerror(errno));
		goto out;
	}
	note("fetch: updating the package lists of '%s' (private apt state in %s)",
	     src, state);
	if (run_apt(state, NULL, log, (const char *[]){ "update", NULL })) {
		error("apt-get update failed; see %s", log);
		goto out;
	}
	ret = 0;
out:
	free(p);
	free(line);
	return ret;
}

static int apt_fetch(const struct pin *pin, const char *dest)
{
	char *state = cache_path("apt"), *log, *tmp, *file, *spec;
	char *src = NULL;
	struct strbuf sb = STRBUF_INIT;
	char hex[65];
	double t0 = now_seconds();
	int ret = -1;

	log = path_join(state, "apt.log");
	tmp = xasprintf("%s.dl-%d", dest, (int)getpid());
	src = pin_deb_src(pin, &sb);
	if (!src) {
		error("%s", sb.buf);
		goto out;
	}
	if (apt_update(state, log, src))
		goto out;
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
	free(src);
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
			return error("%s: only file:// urls are supported ('%s'); name a Debian suite",
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

/* The value of field @key in one paragraph of apt-cache's output. */
static char *para_field(const char *para, const char *key)
{
	size_t kl = strlen(key);
	const char *p = para, *nl;

	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			const char *v = p + kl + 1;

			while (*v == ' ')
				v++;
			return xstrndup(v, nl ? (size_t)(nl - v) : strlen(v));
		}
	}
	return NULL;
}

/* The upstream part of a Debian version: no epoch, no revision. */
static char *upstream_version(const char *v)
{
	const char *colon = strchr(v, ':'), *dash;

	if (colon)
		v = colon + 1;
	dash = strrchr(v, '-');
	return dash ? xstrndup(v, dash - v) : xstrdup(v);
}

int pin_from_showsrc(const char *showsrc, const char *package,
		     const char *version, const char *suite,
		     struct strbuf *pin, struct strbuf *err)
{
	char *copy = xstrdup(showsrc), *para = copy, *best = NULL;
	char *best_ver = NULL, *up = NULL, *tarball = NULL, *sha = NULL;
	const char *p, *nl;
	int ret = -1;

	while (para && *para) {
		char *end = strstr(para, "\n\n"), *pkg, *ver;

		if (end)
			*end = '\0';
		pkg = para_field(para, "Package");
		ver = para_field(para, "Version");
		if (pkg && ver && !strcmp(pkg, package)) {
			char *u = upstream_version(ver);
			bool fits = !strcmp(ver, version) || !strcmp(u, version);

			if (fits && (!best_ver || strverscmp(ver, best_ver) > 0)) {
				free(best_ver);
				best_ver = xstrdup(ver);
				best = para;
			}
			free(u);
		}
		free(pkg);
		free(ver);
		para = end ? end + 2 : NULL;
	}
	if (!best) {
		sb_addf(err, "Debian's %s source index has no %s %s",
			suite, package, version);
		goto out;
	}
	/* Checksums-Sha256: " SHA SIZE FILE" lines; the orig tarball. */
	p = strstr(best, "\nChecksums-Sha256:");
	for (p = p ? strchr(p + 1, '\n') : NULL; p && p[1] == ' ';
	     p = nl) {
		char h[65], f[256];
		unsigned long long size;

		nl = strchr(p + 1, '\n');
		if (sscanf(p + 1, " %64s %llu %255s", h, &size, f) == 3 &&
		    strstr(f, ".orig.tar.") && strlen(h) == 64) {
			tarball = xstrdup(f);
			sha = xstrdup(h);
			break;
		}
		if (!nl)
			break;
	}
	if (!tarball) {
		sb_addf(err, "Debian's %s source index gives no sha256 of an orig tarball for %s %s",
			suite, package, best_ver);
		goto out;
	}
	up = upstream_version(best_ver);
	sb_addf(pin, "# The pinned base of the series: the orig tarball of Debian's source\n"
		"# package %s %s (suite %s),\n"
		"# fetched by `kseries fetch` with apt using a private state\n"
		"# directory and the archive the system's apt configuration names,\n"
		"# and refused unless it hashes to sha256 (as the suite's source\n"
		"# index gives it).\n",
		package, best_ver, suite);
	sb_addf(pin, "name = Linux %s\n", up);
	sb_addf(pin, "package = %s\n", package);
	sb_addf(pin, "package-version = %s\n", best_ver);
	sb_addf(pin, "suite = %s\n", suite);
	sb_addf(pin, "tarball = %s\n", tarball);
	sb_addf(pin, "sha256 = %s\n", sha);
	sb_addf(pin, "strip = %s-%s\n", package, up);
	ret = 0;
out:
	free(copy);
	free(best_ver);
	free(up);
	free(tarball);
	free(sha);
	return ret;
}

int fetch_pin_for_version(const char *suite, const char *package,
			  const char *version, struct strbuf *pin,
			  struct strbuf *err)
{
	struct pin q = { .suite = (char *)suite, .component = "main" };
	char *state = cache_path("apt"), *log = path_join(state, "apt.log");
	char *src = pin_deb_src(&q, err);
	struct strbuf out = STRBUF_INIT;
	int ret = -1;

	if (!src)
		goto out;
	if (apt_update(state, log, src)) {
		sb_addf(err, "cannot read Debian's %s source index; see %s",
			suite, log);
		goto out;
	}
	if (run_apt_prog("apt-cache", state, NULL, NULL,
			 (const char *[]){ "showsrc", package, NULL }, &out)) {
		sb_addf(err, "apt-cache showsrc %s failed", package);
		goto out;
	}
	ret = pin_from_showsrc(sb_str(&out), package, version, suite, pin,
			       err);
out:
	sb_release(&out);
	free(src);
	free(log);
	free(state);
	return ret;
}
