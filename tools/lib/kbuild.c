// SPDX-License-Identifier: GPL-2.0
#include "kbuild.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hash.h"
#include "warnings.h"

#define STAMP_FILE	".kseries-config"

char *kbuild_default_tree(void)
{
	return tree_dir();
}

char *kbuild_default_build(void)
{
	return cache_path("build");
}

int kbuild_default_fragments(char ***frags, size_t *nr)
{
	char *pat = project_path("kernel-overlay/config/*.config");
	glob_t g;
	size_t i;
	int ret;

	*frags = NULL;
	*nr = 0;
	ret = glob(pat, 0, NULL, &g);
	if (ret == GLOB_NOMATCH) {
		error("no Kconfig fragments match %s", pat);
		free(pat);
		return -1;
	}
	free(pat);
	if (ret)
		return error("glob failed for the Kconfig fragments");
	*frags = xcalloc(g.gl_pathc + 1, sizeof(char *));
	for (i = 0; i < g.gl_pathc; i++)
		(*frags)[i] = xstrdup(g.gl_pathv[i]);
	*nr = g.gl_pathc;
	globfree(&g);
	return 0;
}

char *kbuild_image(const struct kbuild *kb)
{
	return path_join(kb->build, "arch/x86/boot/bzImage");
}

/* Kconfig assignments */

bool kconfig_parse_line(const char *line, char **name, char **value)
{
	const char *p = line, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (skip_prefix(p, "# CONFIG_", &e)) {
		const char *end = e;

		while (isalnum((unsigned char)*end) || *end == '_')
			end++;
		if (strncmp(end, " is not set", 11))
			return false;
		*name = xstrndup(p + 2, end - (p + 2));
		*value = xstrdup("n");
		return true;
	}
	if (!starts_with(p, "CONFIG_"))
		return false;
	e = p;
	while (isalnum((unsigned char)*e) || *e == '_')
		e++;
	if (*e != '=')
		return false;
	*name = xstrndup(p, e - p);
	e++;
	{
		const char *v = e, *ve = v + strcspn(v, "\r\n");

		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		*value = xstrndup(v, ve - v);
	}
	return true;
}

/* The value of @name in @config_text, or NULL when absent. */
static char *config_value(const char *config_text, const char *name)
{
	const char *p = config_text;
	size_t n = strlen(name);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > n && !strncmp(p, name, n) && p[n] == '=')
			return xstrndup(p + n + 1, len - n - 1);
		if (len > n + 2 && p[0] == '#' && p[1] == ' ' &&
		    !strncmp(p + 2, name, n) &&
		    !strncmp(p + 2 + n, " is not set", 11))
			return xstrdup("n");
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

void kconfig_compare(const char *frag_name, const char *frag_text,
		     const char *config_text,
		     struct kconfig_mismatch **out, size_t *nr,
		     size_t *alloc)
{
	const char *p = frag_text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		char *name, *want, *got;

		p = nl ? nl + 1 : NULL;
		if (!kconfig_parse_line(line, &name, &want)) {
			free(line);
			continue;
		}
		free(line);
		got = config_value(config_text, name);
		if (!got)
			got = xstrdup("n");
		if (!strcmp(want, got)) {
			free(name);
			free(want);
			free(got);
			continue;
		}
		ALLOC_GROW(*out, *nr + 1, *alloc);
		(*out)[*nr].name = name;
		(*out)[*nr].want = want;
		(*out)[*nr].got = got;
		(*out)[*nr].fragment = xstrdup(frag_name);
		(*nr)++;
	}
}

void kconfig_mismatch_free(struct kconfig_mismatch *m, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(m[i].name);
		free(m[i].want);
		free(m[i].got);
		free(m[i].fragment);
	}
	free(m);
}

/* Kconfig files of a tree */

struct kfiles {
	char **paths;		/* relative to the tree */
	size_t nr, alloc;
};

static void walk_kconfig(int dirfd, const char *rel, struct kfiles *kf)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(dirfd, rel[0] ? rel : ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		char *sub;
		bool dir;

		if (n[0] == '.')
			continue;
		dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;

			dir = !fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) &&
			      S_ISDIR(st.st_mode);
		}
		if (!dir && !starts_with(n, "Kconfig"))
			continue;
		sub = rel[0] ? xasprintf("%s/%s", rel, n) : xstrdup(n);
		if (dir) {
			walk_kconfig(dirfd, sub, kf);
			free(sub);
		} else {
			ALLOC_GROW(kf->paths, kf->nr + 1, kf->alloc);
			kf->paths[kf->nr++] = sub;
		}
	}
	closedir(d);
}

static int kconfig_files(const char *tree, struct kfiles *kf)
{
	int fd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	memset(kf, 0, sizeof(*kf));
	if (fd < 0)
		return error("cannot open the kernel tree %s: %s", tree,
			     strerror(errno));
	walk_kconfig(fd, "", kf);
	close(fd);
	qsort(kf->paths, kf->nr, sizeof(char *), cmp_strp);
	return 0;
}

static void kfiles_release(struct kfiles *kf)
{
	size_t i;

	for (i = 0; i < kf->nr; i++)
		free(kf->paths[i]);
	free(kf->paths);
}

static void hash_file(struct hash_ctx *c, const char *label,
		      const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char len[32];

	if (read_file(path, &sb))
		sb_addstr(&sb, "<missing>");
	snprintf(len, sizeof(len), "%zu\n", sb.len);
	hash_update(c, label, strlen(label) + 1);
	hash_update(c, len, strlen(len));
	hash_update(c, sb.buf, sb.len);
	sb_release(&sb);
}

int kconfig_inputs_digest(const char *tree, char **fragments, size_t nr,
			  char out[65])
{
	static const char *const extra[] = {
		"kernel/configs/tiny.config",
		"arch/x86/configs/tiny.config",
		"kernel/configs/tiny-base.config",
		"scripts/kconfig/merge_config.sh",
	};
	unsigned char sum[32];
	struct hash_ctx c;
	struct kfiles kf;
	size_t i;

	if (kconfig_files(tree, &kf))
		return -1;
	sha256_init(&c);
	for (i = 0; i < nr; i++)
		hash_file(&c, fragments[i], fragments[i]);
	for (i = 0; i < ARRAY_SIZE(extra) + kf.nr; i++) {
		const char *rel = i < ARRAY_SIZE(extra) ? extra[i] :
			kf.paths[i - ARRAY_SIZE(extra)];
		char *p = path_join(tree, rel);

		hash_file(&c, rel, p);
		free(p);
	}
	hash_final(&c, sum);
	hex_encode(out, sum, 32);
	kfiles_release(&kf);
	return 0;
}

/* Does @text define config @sym (without CONFIG_)? Append its deps. */
static bool kconfig_defines(const char *text, const char *sym,
			    struct strbuf *deps)
{
	const char *p = text;
	size_t n = strlen(sym);
	bool found = false;

	while (p && *p) {
		const char *nl = strchr(p, '\n'), *q = p, *s;

		p = nl ? nl + 1 : NULL;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!skip_prefix(q, "config", &s) &&
		    !skip_prefix(q, "menuconfig", &s))
			continue;
		if (*s != ' ' && *s != '\t')
			continue;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, sym, n) || isalnum((unsigned char)s[n]) ||
		    s[n] == '_')
			continue;
		found = true;
		if (!deps)
			break;
		/* Its attributes: up to the next blank-less entry start. */
		while (p && *p) {
			const char *e = strchr(p, '\n'), *a = p;
			size_t len = e ? (size_t)(e - p) : strlen(p);

			while (*a == ' ' || *a == '\t')
				a++;
			if (a == p && len && *p != '#')
				break;	/* next entry (unindented) */
			if (starts_with(a, "depends on") ||
			    starts_with(a, "select"))
				sb_addf(deps, "\t    %.*s\n",
					(int)(len - (a - p)), a);
			p = e ? e + 1 : NULL;
		}
	}
	return found;
}

bool kconfig_known(const char *tree, const char *name, struct strbuf *deps)
{
	const char *sym = name;
	struct kfiles kf;
	bool found = false;
	size_t i;

	skip_prefix(name, "CONFIG_", &sym);
	if (kconfig_files(tree, &kf))
		return false;
	for (i = 0; i < kf.nr && !found; i++) {
		struct strbuf sb = STRBUF_INIT;
		char *p = path_join(tree, kf.paths[i]);

		if (!read_file(p, &sb) && strstr(sb.buf, sym))
			found = kconfig_defines(sb.buf, sym, deps);
		sb_release(&sb);
		free(p);
	}
	kfiles_release(&kf);
	return found;
}

void kbuild_first_errors(const char *log_text, size_t max,
			 struct strbuf *out)
{
	const char *p = log_text;
	size_t n = 0;

	while (p && *p && n < max) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);

		p = nl ? nl + 1 : NULL;
		if (strstr(line, "error:") || strstr(line, "Error ") ||
		    strstr(line, "*** ") ||
		    strstr(line, "undefined reference") ||
		    strstr(line, "not clean")) {
			sb_addf(out, "    %s\n", line);
			n++;
		}
		free(line);
	}
}

/* distcc: the host list, the probe, the decision */

static void host_release(struct distcc_host *x)
{
	free(x->spec);
	free(x->name);
	free(x->down);
}

void distcc_hosts_release(struct distcc_hosts *h)
{
	size_t i;

	for (i = 0; i < h->nr; i++)
		host_release(&h->v[i]);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* A decimal number in [1, @max] at *@p, which is moved past it. */
static int parse_number(const char **p, long max)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	n = strtol(*p, &end, 10);
	if (errno || n < 1 || n > max)
		return -1;
	*p = end;
	return n;
}

/* HOST at @p: "[IPv6]" or up to one of @stop; NULL if empty. */
static char *parse_hostid(const char **p, const char *stop)
{
	const char *s = *p, *e;

	if (*s == '[') {
		e = strchr(s, ']');
		if (!e || e == s + 1)
			return NULL;
		*p = e + 1;
		return xstrndup(s + 1, e - s - 1);
	}
	e = s + strcspn(s, stop);
	if (e == s)
		return NULL;
	*p = e;
	return xstrndup(s, e - s);
}

/* ",lzo,cpp,auth[=NAME]" at @p, to its end. */
static bool parse_host_options(const char *p)
{
	while (*p == ',') {
		const char *o = p + 1, *e = o + strcspn(o, ",");

		if (!((e - o == 3 && !strncmp(o, "lzo", 3)) ||
		      (e - o == 3 && !strncmp(o, "cpp", 3)) ||
		      (e - o == 4 && !strncmp(o, "auth", 4)) ||
		      (e - o > 5 && !strncmp(o, "auth=", 5))))
			return false;
		p = e;
	}
	return !*p;
}

/* [USER]@HOST[/LIMIT][:COMMAND][,OPTIONS] */
static bool parse_ssh_host(const char *tok, struct distcc_host *x)
{
	const char *p = strchr(tok, '@') + 1;
	int n;

	x->ssh = true;
	x->port = DISTCC_SSH_PORT;
	x->name = parse_hostid(&p, "/:,");
	if (!x->name)
		return false;
	if (*p == '/') {
		p++;
		n = parse_number(&p, 100000);
		if (n < 0)
			return false;
		x->slots = n;
	}
	if (*p == ':') {
		p += strcspn(p, ",");
		if (p[-1] == ':')
			return false;
	}
	return parse_host_options(p);
}

/* HOST[:PORT][/LIMIT][,OPTIONS], or the old HOST[/LIMIT][:PORT]. */
static bool parse_tcp_host(const char *tok, struct distcc_host *x)
{
	const char *p = tok;
	bool port = false, limit = false;
	int n;

	x->port = DISTCC_PORT;
	x->name = parse_hostid(&p, "/:,");
	if (!x->name)
		return false;
	while (*p == ':' || *p == '/') {
		bool is_port = *p == ':';

		if (is_port ? port : limit)
			return false;
		p++;
		n = parse_number(&p, is_port ? 65535 : 100000);
		if (n < 0)
			return false;
		if (is_port) {
			port = true;
			x->port = n;
		} else {
			limit = true;
			x->slots = n;
		}
	}
	return parse_host_options(p);
}

/* One entry of the list into @x; false if it is not distcc's syntax. */
static bool parse_host(const char *tok, struct distcc_host *x)
{
	const char *p;

	x->spec = xstrdup(tok);
	x->slots = DISTCC_SLOTS;
	if (!strcmp(tok, "--randomize"))
		return true;
	if (skip_prefix(tok, "--localslots=", &p) ||
	    skip_prefix(tok, "--localslots_cpp=", &p))
		return parse_number(&p, 100000) > 0 && !*p;
	if (!strcmp(tok, "localhost") || skip_prefix(tok, "localhost/", &p)) {
		x->local = true;
		x->up = true;
		x->name = xstrdup("localhost");
		x->slots = DISTCC_LOCAL_SLOTS;
		if (tok[9] != '/')
			return true;
		x->slots = parse_number(&p, 100000);
		return x->slots > 0 && !*p;
	}
	if (tok[0] == '-' || tok[0] == '+')
		return false;
	p = strpbrk(tok, "@/:,[");
	if (p && *p == '@')
		return parse_ssh_host(tok, x);
	return parse_tcp_host(tok, x);
}

int distcc_parse_hosts(const char *text, struct distcc_hosts *h,
		       struct strbuf *err)
{
	const char *p = text;

	memset(h, 0, sizeof(*h));
	while (*p) {
		size_t len;
		char *tok;

		p += strspn(p, " \t\r\n");
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		len = strcspn(p, " \t\r\n");
		if (!len)
			break;
		tok = xstrndup(p, len);
		p += len;
		ALLOC_GROW(h->v, h->nr + 1, h->alloc);
		memset(&h->v[h->nr], 0, sizeof(h->v[0]));
		if (!parse_host(tok, &h->v[h->nr++])) {
			sb_addf(err, "'%s' is not a distcc host%s", tok,
				!strcmp(tok, "+zeroconf") ?
				" kseries can probe: name the hosts" :
				" (HOST[:PORT][/LIMIT][,OPTIONS], [USER]@HOST[/LIMIT], localhost[/LIMIT], --randomize)");
			free(tok);
			distcc_hosts_release(h);
			return -1;
		}
		free(tok);
	}
	return 0;
}

static bool is_remote(const struct distcc_host *x)
{
	return x->name && !x->local;
}

/* A probe's socket, and the host it tries. */
struct probe_conn {
	size_t host;
	int fd;
};

static void host_down(struct distcc_host *x, const char *why)
{
	free(x->down);
	x->down = xstrdup(why);
}

/* Start a connect to every address of @x; the pending ones into @pc. */
static void probe_start(struct distcc_hosts *h, size_t i,
			struct probe_conn **pc, size_t *nr, size_t *alloc)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	struct distcc_host *x = &h->v[i];
	char port[16];
	int ret;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", x->port);
	ret = getaddrinfo(x->name, port, &hints, &res);
	if (ret) {
		host_down(x, gai_strerror(ret));
		return;
	}
	for (ai = res; ai && !x->up; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
				SOCK_CLOEXEC, ai->ai_protocol);

		if (fd < 0) {
			host_down(x, strerror(errno));
			continue;
		}
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			x->up = true;
		} else if (errno == EINPROGRESS) {
			ALLOC_GROW(*pc, *nr + 1, *alloc);
			(*pc)[*nr].host = i;
			(*pc)[(*nr)++].fd = fd;
			continue;
		} else {
			host_down(x, strerror(errno));
		}
		close(fd);
	}
	freeaddrinfo(res);
}

/* Wait for the pending connects; those left at the deadline time out. */
static void probe_wait(struct distcc_hosts *h, struct probe_conn *pc,
		       size_t nr, int timeout_ms)
{
	struct pollfd *pfd = xcalloc(nr + 1, sizeof(*pfd));
	double end = now_seconds() + timeout_ms / 1000.0;
	size_t i, left = nr;

	for (i = 0; i < nr; i++) {
		pfd[i].fd = pc[i].fd;
		pfd[i].events = POLLOUT;
	}
	while (left) {
		int ms = (end - now_seconds()) * 1000, n;

		if (ms <= 0)
			break;
		n = poll(pfd, nr, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < nr; i++) {
			int e = 0;
			socklen_t len = sizeof(e);

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &e, &len))
				e = errno;
			if (e)
				host_down(&h->v[pc[i].host], strerror(e));
			else
				h->v[pc[i].host].up = true;
			close(pfd[i].fd);
			pfd[i].fd = -1;
			left--;
		}
	}
	for (i = 0; i < nr; i++) {
		if (pfd[i].fd < 0)
			continue;
		close(pfd[i].fd);
		if (!h->v[pc[i].host].up) {
			char *why = xasprintf("no answer in %d ms", timeout_ms);

			host_down(&h->v[pc[i].host], why);
			free(why);
		}
	}
	free(pfd);
}

void distcc_probe_tcp(struct distcc_hosts *h, int timeout_ms)
{
	struct probe_conn *pc = NULL;
	size_t nr = 0, alloc = 0, i;

	for (i = 0; i < h->nr; i++) {
		if (!is_remote(&h->v[i]))
			continue;
		h->v[i].up = false;
		probe_start(h, i, &pc, &nr, &alloc);
	}
	if (nr)
		probe_wait(h, pc, nr, timeout_ms);
	for (i = 0; i < h->nr; i++) {
		if (h->v[i].up || !is_remote(&h->v[i]) || h->v[i].down)
			continue;
		host_down(&h->v[i], "no answer");
	}
	free(pc);
}

/* "host2:3632", "[::1]:3633", "@box (ssh)" */
static void host_label(struct strbuf *sb, const struct distcc_host *x)
{
	if (x->ssh)
		sb_addf(sb, "@%s (ssh)", x->name);
	else if (strchr(x->name, ':'))
		sb_addf(sb, "[%s]:%d", x->name, x->port);
	else
		sb_addf(sb, "%s:%d", x->name, x->port);
}

static void down_list(struct strbuf *sb, const struct distcc_hosts *h)
{
	size_t i, n = 0;

	for (i = 0; i < h->nr; i++) {
		if (!is_remote(&h->v[i]) || h->v[i].up)
			continue;
		sb_addstr(sb, n++ ? ", " : "");
		host_label(sb, &h->v[i]);
		sb_addf(sb, " (%s)", h->v[i].down ? h->v[i].down : "down");
	}
}

/* Count the remote hosts, those up and their slots; the list they make. */
static void count_up(struct kbuild_distcc *d, const struct distcc_hosts *h)
{
	struct strbuf list = STRBUF_INIT;
	size_t i;

	for (i = 0; i < h->nr; i++) {
		const struct distcc_host *x = &h->v[i];

		if (is_remote(x))
			d->remote++;
		if (is_remote(x) && !x->up)
			continue;
		if (is_remote(x)) {
			d->up++;
			d->slots += x->slots;
		}
		sb_addf(&list, "%s%s", list.len ? " " : "", x->spec);
	}
	d->hosts = sb_detach(&list);
}

static void decide_line(const struct kbuild_distcc_ctx *c,
			struct kbuild_distcc *d, const char *why,
			const struct distcc_hosts *h)
{
	struct strbuf sb = STRBUF_INIT;
	const char *cc = c->ccache ? "ccache" : "no ccache";

	if (d->use) {
		sb_addf(&sb, "distcc on %u", d->up);
		if (d->up < d->remote)
			sb_addf(&sb, " of %u", d->remote);
		sb_addf(&sb, " host%s (%u slots), %s, -j%d",
			d->remote == 1 ? "" : "s", d->slots, cc, d->jobs);
		if (d->up < d->remote) {
			sb_addstr(&sb, "; down: ");
			down_list(&sb, h);
		}
	} else {
		sb_addf(&sb, "distcc fell back to local compiles (%s, -j%d): %s",
			cc, d->jobs, why);
		if (h && d->remote) {
			sb_addstr(&sb, ": ");
			down_list(&sb, h);
		}
	}
	d->line = sb_detach(&sb);
}

int kbuild_distcc_decide(const struct kbuild_distcc_ctx *c,
			 struct kbuild_distcc *d, struct strbuf *err)
{
	const char *list = c->opt && *c->opt ? c->opt : c->env;
	int cpus = c->cpus > 0 ? c->cpus : 1;
	struct distcc_hosts h;

	memset(d, 0, sizeof(*d));
	d->jobs = c->jobs > 0 ? c->jobs : cpus;
	if (!list || !*list)
		return 0;
	d->requested = true;
	d->from = list == c->opt ? "--distcc" : "DISTCC_HOSTS";
	if (distcc_parse_hosts(list, &h, err)) {
		sb_addf(err, " (from %s)", d->from);
		d->requested = false;
		return -1;
	}
	if (!c->installed) {
		decide_line(c, d, "distcc is not installed", NULL);
		distcc_hosts_release(&h);
		return 0;
	}
	(c->probe ? c->probe : distcc_probe_tcp)(&h, DISTCC_PROBE_MS);
	count_up(d, &h);
	d->use = d->up > 0;
	if (d->use && c->jobs <= 0)
		d->jobs = d->slots + cpus;
	decide_line(c, d, !d->remote ?
		    "the host list names no other machine" :
		    "no host answered", &h);
	distcc_hosts_release(&h);
	return 0;
}

bool distcc_ran_locally(const char *line, size_t len)
{
	static const char warn[] = "Warning: failed to distribute";
	static const char tail[] = "running locally instead";
	size_t n = sizeof(tail) - 1;

	if (len < 7 || strncmp(line, "distcc[", 7) || len < n ||
	    memcmp(line + len - n, tail, n))
		return false;
	return memmem(line, len, warn, sizeof(warn) - 1);
}

void kbuild_distcc_release(struct kbuild_distcc *d)
{
	free(d->hosts);
	free(d->line);
	memset(d, 0, sizeof(*d));
}

/* Running make */

static void log_line(const struct kbuild *kb, const char *fmt, ...)
	__printf(2, 3);

static void log_line(const struct kbuild *kb, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	if (!kb->log)
		return;
	f = fopen(kb->log, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

/* The directory under which tree and build both sit, for ccache. */
static char *common_parent(const char *a, const char *b)
{
	size_t i = 0, last = 0;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			last = i;
		i++;
	}
	if (!a[i] && b[i] == '/')
		last = i;
	/* One more level up: <X>/src and <X>/build share <X>'s parent. */
	while (last > 0 && a[last - 1] != '/')
		last--;
	if (last > 1)
		last--;
	return last ? xstrndup(a, last) : xstrdup("/");
}

static int local_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

static int make_jobs(const struct kbuild *kb)
{
	if (kb->dist_decided)
		return kb->dist.jobs;
	return kb->jobs > 0 ? kb->jobs : local_cpus();
}

/* ccache's compiler links (Debian's) */
#define CCACHE_LINKS	"/usr/lib/ccache"
/* Without ccache: <build>/DISTCC_WRAPPERS/{gcc,cc} run distcc */
#define DISTCC_WRAPPERS	".kseries-distcc"

static bool use_ccache(const struct kbuild *kb)
{
	return kb->ccache && !access(CCACHE_LINKS "/gcc", X_OK);
}

int kbuild_distcc_setup(struct kbuild *kb, struct strbuf *err)
{
	struct kbuild_distcc_ctx c = {
		.opt = kb->no_distcc ? NULL : kb->distcc,
		.env = kb->no_distcc ? NULL : getenv("DISTCC_HOSTS"),
		.ccache = use_ccache(kb),
		.jobs = kb->jobs,
		.cpus = local_cpus(),
		.probe = kb->distcc_probe,
	};

	if (kb->dist_decided)
		return 0;
	c.installed = on_path("distcc");
	if (kbuild_distcc_decide(&c, &kb->dist, err))
		return -1;
	kb->dist_decided = true;
	if (kb->dist.line)
		log_line(kb, "### kseries: %s\n", kb->dist.line);
	return 0;
}

int parse_opt_distcc_cb(const struct option *opt, const char *arg,
			bool unset, struct strbuf *err)
{
	struct distcc_opt *o = opt->value;
	struct strbuf why = STRBUF_INIT;
	struct distcc_hosts h;

	if (unset) {
		o->off = true;
		o->hosts = NULL;
		return 0;
	}
	if (distcc_parse_hosts(arg, &h, &why)) {
		sb_addf(err, "--distcc: %s", why.buf);
		sb_release(&why);
		return -1;
	}
	distcc_hosts_release(&h);
	o->hosts = arg;
	o->off = false;
	return 0;
}

void kbuild_release(struct kbuild *kb)
{
	kbuild_distcc_release(&kb->dist);
	kb->dist_decided = false;
}

/* An error of a phase, said to the caller's sink; -1. */
static int kb_error(const struct kbuild *kb, const char *fmt, ...)
	__printf(2, 3);

static int kb_error(const struct kbuild *kb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vsay(&kb->say, MSG_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

/* Before a phase: the distcc decision, or the error that prevents it. */
static int distcc_ready(struct kbuild *kb)
{
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	if (kbuild_distcc_setup(kb, &err))
		ret = kb_error(kb, "%s", err.buf);
	sb_release(&err);
	return ret;
}

/* The environment make runs in: NAME=value entries, bare NAMEs unset. */
struct make_env {
	char **v;
	size_t nr, alloc;
};

static void env_add(struct make_env *e, char *entry)
{
	ALLOC_GROW(e->v, e->nr + 2, e->alloc);
	e->v[e->nr++] = entry;
	e->v[e->nr] = NULL;
}

/* NAME=@value, unless NAME is set already and @keep. */
static void env_set(struct make_env *e, const char *name, const char *value,
		    bool keep)
{
	if (!keep || !getenv(name))
		env_add(e, xasprintf("%s=%s", name, value));
}

static void env_release(struct make_env *e)
{
	size_t i;

	for (i = 0; i < e->nr; i++)
		free(e->v[i]);
	free(e->v);
	memset(e, 0, sizeof(*e));
}

/*
 * Without ccache: a directory of scripts named gcc and cc that run
 * "distcc /usr/bin/gcc", first on PATH. Not distcc's masquerade
 * directory (/usr/lib/distcc): through it, "gcc --version" names
 * x86_64-linux-gnu-gcc, which changes CONFIG_CC_VERSION_TEXT, so that
 * everything is compiled again and the image differs (its banner).
 * NULL, and why in the log, if they cannot be written.
 */
static char *distcc_wrappers(const struct kbuild *kb)
{
	static const char *const names[] = { "gcc", "cc" };
	char *dir = xasprintf("%s/" DISTCC_WRAPPERS, kb->build);
	size_t i;

	if (mkdir_p(dir, 0755)) {
		log_line(kb, "kseries: cannot create %s (%s): compiling here\n",
			 dir, strerror(errno));
		free(dir);
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *real = which(names[i]);
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *text = real ?
			xasprintf("#!/bin/sh\nexec distcc %s \"$@\"\n", real) :
			NULL;
		int ret = -1;

		if (real)
			ret = write_file_atomic(path, text, strlen(text));
		else
			errno = ENOENT;
		if (!ret)
			ret = chmod(path, 0755);
		if (ret)
			log_line(kb, "kseries: cannot write %s (%s): compiling here\n",
				 path, strerror(errno));
		free(text);
		free(path);
		free(real);
		if (ret) {
			free(dir);
			return NULL;
		}
	}
	return dir;
}

/*
 * distcc through ccache's prefix, or kseries' wrappers first on @path
 * (the PATH make gets, changed in place).
 */
static void distcc_env(const struct kbuild *kb, struct make_env *e,
		       char **path)
{
	const char *prefix = getenv("CCACHE_PREFIX");
	char *dir, *p;

	if (!kb->dist.use) {
		/* Fell back: not through distcc all the same. */
		if (kb->dist.requested && prefix && !strcmp(prefix, "distcc"))
			env_add(e, xstrdup("CCACHE_PREFIX"));
		return;
	}
	env_set(e, "DISTCC_HOSTS", kb->dist.hosts, false);
	if (use_ccache(kb)) {
		env_set(e, "CCACHE_PREFIX", "distcc", false);
		return;
	}
	dir = distcc_wrappers(kb);
	if (!dir)
		return;
	p = xasprintf("%s:%s", dir, *path);
	free(*path);
	*path = p;
	free(dir);
}

/* Whether sparse runs through kb->sparse_cmd, which counts its runs. */
static bool sparse_counted(const struct kbuild *kb)
{
	return kb->sparse && kb->sparse_cmd;
}

/* Where kb->sparse_cmd counts its runs ($KSERIES_SPARSE_STATS). */
static char *sparse_stats_path(const struct kbuild *kb)
{
	return path_join(kb->build, ".kseries-sparse-stats");
}

/* kb->sparse_cached and _ran from the lines "kseries sparse" wrote. */
static void count_sparse(struct kbuild *kb)
{
	char *path = sparse_stats_path(kb);
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (!read_file(path, &sb)) {
		for (p = sb.buf; *p; p++) {
			if (starts_with(p, "hit "))
				kb->sparse_cached++;
			else
				kb->sparse_ran++;
			p = strchrnul(p, '\n');
			if (!*p)
				break;
		}
	}
	unlink(path);
	sb_release(&sb);
	free(path);
}

static void make_env(const struct kbuild *kb, struct make_env *e)
{
	const char *old = getenv("PATH");
	char *path = xstrdup(old ? old : "");
	char *tree = realpath(kb->tree, NULL);
	char *build = realpath(kb->build, NULL);

	if (use_ccache(kb)) {
		char *p = xasprintf(CCACHE_LINKS ":%s", path);

		free(path);
		path = p;
	}
	distcc_env(kb, e, &path);
	if (!old || strcmp(old, path))
		env_set(e, "PATH", path, false);
	if (kb->ccache && tree && build && !getenv("CCACHE_BASEDIR")) {
		char *base = common_parent(tree, build);

		env_set(e, "CCACHE_BASEDIR", base, false);
		free(base);
	}
	/*
	 * A fixed version string: the same tree builds the same image, and
	 * a no-op rebuild does not relink vmlinux for a new timestamp. The
	 * version ("#N" of uname -v) too: link-vmlinux.sh counts links in
	 * <build>/.version, so that two builds of one tree (with and
	 * without distcc, or a patch that changes only a comment) would
	 * differ by it.
	 */
	env_set(e, "KBUILD_BUILD_VERSION", "1", true);
	env_set(e, "KBUILD_BUILD_TIMESTAMP", "kseries", true);
	env_set(e, "KBUILD_BUILD_USER", "kseries", true);
	env_set(e, "KBUILD_BUILD_HOST", "kseries", true);
	env_set(e, "LC_ALL", "C", false);
	if (sparse_counted(kb)) {
		char *stats = sparse_stats_path(kb);

		env_set(e, "KSERIES_SPARSE_STATS", stats, false);
		free(stats);
	}
	if (kb->sync_output) {
		/* Not an outer make's flags (-s would hide the quiet lines). */
		env_set(e, "MAKEFLAGS", "-Otarget", false);
		env_add(e, xstrdup("KBUILD_VERBOSE"));
	}
	free(path);
	free(tree);
	free(build);
}

/* What run_make() follows while make runs. */
struct make_watch {
	struct kbuild *kb;
	const char *phase;
	double start, last;
	bool shown;		/* progress was said */
};

/* A line of make's output: count compiles, say progress each second. */
static void make_line(void *ctx, const char *line, size_t len)
{
	struct make_watch *w = ctx;
	double now;

	if (len >= 5 && !strncmp(line, "  CC ", 5))
		w->kb->compiled++;
	else if (distcc_ran_locally(line, len))
		w->kb->distcc_local++;
	if (!w->kb->progress)
		return;
	now = now_seconds();
	if (now - w->last < 1)
		return;
	w->last = now;
	w->shown = true;
	msg_say(&w->kb->say, MSG_PROGRESS, "%s: %u compiled, %.0f s",
		w->phase, w->kb->compiled, now - w->start);
}

/*
 * KCFLAGS for W=1: each W=1 warning not an error, whatever -Werror a
 * directory adds (arch/x86/kvm's CONFIG_KVM_WERROR), after the caller's
 * $KCFLAGS: W=1 is to report, not to fail the build.
 */
static char *w1_kcflags(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char *env = getenv("KCFLAGS");
	const char *const *opt;
	size_t n, i;

	sb_addstr(&sb, "KCFLAGS=");
	if (env && *env)
		sb_addf(&sb, "%s ", env);
	opt = warning_w1_options(&n);
	for (i = 0; i < n; i++)
		sb_addf(&sb, "%s-Wno-error=%s", i ? " " : "", opt[i]);
	return sb_detach(&sb);
}

char **kbuild_make_args(const struct kbuild *kb, bool kernel,
			const char *const *args, size_t *nr)
{
	size_t n = 0, alloc = 0;
	char **v = NULL;

	ALLOC_GROW(v, 8, alloc);
	v[n++] = xstrdup("make");
	v[n++] = xstrdup("-C");
	v[n++] = xstrdup(kb->tree);
	v[n++] = xasprintf("O=%s", kb->build);
	v[n++] = xasprintf("-j%d", make_jobs(kb));
	if (kernel) {
		v[n++] = xstrdup("W=1");
		v[n++] = w1_kcflags();
	}
	if (kernel && kb->sparse)
		v[n++] = xstrdup("C=1");
	if (kernel && sparse_counted(kb))
		v[n++] = xasprintf("CHECK=%s", kb->sparse_cmd);
	for (; *args; args++) {
		ALLOC_GROW(v, n + 2, alloc);
		v[n++] = xstrdup(*args);
	}
	v[n] = NULL;
	*nr = n;
	return v;
}

/*
 * Run make in the tree with O=<build> and @args (kbuild_make_args());
 * every line of output goes to the log, "CC" lines are counted, and with
 * kb->progress a counter goes to the sink. Returns make's status.
 */
static int run_make(struct kbuild *kb, const char *phase, bool kernel,
		    const char *const *args)
{
	size_t argc, i;
	char **argv = kbuild_make_args(kb, kernel, args, &argc);
	struct make_watch w = { kb, phase, now_seconds(), 0, false };
	struct make_env env = { 0 };
	struct run_opts ro = {
		.log = kb->log, .null_stdin = true, .on_line = make_line,
		.ctx = &w, .say = &kb->say,
	};
	struct strbuf cmd = STRBUF_INIT;
	struct child c;
	int status = -1;

	w.last = w.start;
	for (i = 0; i < argc; i++) {
		if (i)
			sb_addch(&cmd, ' ');
		sb_add_word(&cmd, argv[i]);
	}
	log_line(kb, "### kseries %s: %s\n", phase, cmd.buf);
	sb_release(&cmd);
	make_env(kb, &env);
	ro.env = (const char *const *)env.v;
	if (!run_start((const char *const *)argv, &ro, &c))
		status = run_wait(&c);
	if (w.shown)
		msg_say(&kb->say, MSG_PROGRESS, "%s", "");
	env_release(&env);
	free_strv(argv, argc);
	return status;
}

static int report_failure(const struct kbuild *kb, const char *phase,
			  int status)
{
	struct strbuf log = STRBUF_INIT, errs = STRBUF_INIT;

	if (kb->log && !read_file(kb->log, &log))
		kbuild_first_errors(log.buf, 12, &errs);
	kb_error(kb, "%s failed (make exit %d)%s%s", phase, status,
		 errs.len ? "; first errors:" : "", errs.len ? "" : ".");
	if (errs.len)
		msg_say(&kb->say, MSG_DETAIL, "%s", errs.buf);
	if (strstr(sb_str(&log), "source tree is not clean"))
		msg_say(&kb->say, MSG_DETAIL,
			"hint: %s has build outputs of an in-tree build; "
			"kseries builds only out of tree (O=)\n", kb->tree);
	if (kb->log)
		msg_say(&kb->say, MSG_DETAIL,
			"The complete output is in %s\n", kb->log);
	sb_release(&log);
	sb_release(&errs);
	return -1;
}

static char *stamp_path(const struct kbuild *kb)
{
	return path_join(kb->build, STAMP_FILE);
}

/* "<inputs digest> <.config digest>" of the last merge, or NULL. */
static char *read_stamp(const struct kbuild *kb)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = stamp_path(kb);

	if (read_file(p, &sb)) {
		free(p);
		return NULL;
	}
	free(p);
	sb_rtrim(&sb);
	return sb_detach(&sb);
}

static int config_digest(const struct kbuild *kb, char out[65])
{
	char *p = path_join(kb->build, ".config");
	int ret = sha256_file(p, out);

	free(p);
	return ret;
}

/* Check every fragment's request against the final .config. */
static int check_config(struct kbuild *kb)
{
	struct kconfig_mismatch *m = NULL;
	size_t nr = 0, alloc = 0, i, bad = 0;
	struct strbuf config = STRBUF_INIT;
	char *p = path_join(kb->build, ".config");

	if (read_file(p, &config)) {
		kb_error(kb, "cannot read %s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	for (i = 0; i < kb->nr_fragments; i++) {
		struct strbuf frag = STRBUF_INIT;

		if (read_file(kb->fragments[i], &frag)) {
			sb_release(&config);
			return kb_error(kb, "cannot read %s: %s",
					kb->fragments[i], strerror(errno));
		}
		kconfig_compare(kb->fragments[i], frag.buf, config.buf, &m,
				&nr, &alloc);
		sb_release(&frag);
	}
	sb_release(&config);
	for (i = 0; i < nr; i++) {
		struct strbuf deps = STRBUF_INIT;

		if (!kconfig_known(kb->tree, m[i].name, &deps)) {
			msg_say(&kb->say, MSG_WARNING,
				"%s=%s (%s): not in this tree's Kconfig, ignored",
				m[i].name, m[i].want, m[i].fragment);
		} else {
			if (!bad++)
				kb_error(kb, "requested options missing from the final .config:");
			msg_say(&kb->say, MSG_DETAIL,
				"\t%s=%s requested by %s, got %s\n%s",
				m[i].name, m[i].want, m[i].fragment,
				strcmp(m[i].got, "n") ? m[i].got : "not set",
				sb_str(&deps));
		}
		sb_release(&deps);
	}
	if (bad)
		msg_say(&kb->say, MSG_DETAIL,
			"hint: their dependencies are not met; add those to the fragment\n");
	kconfig_mismatch_free(m, nr);
	return bad ? -1 : 0;
}

int kbuild_config(struct kbuild *kb)
{
	char inputs[65], cfg[65], *stamp, *now;
	const char *tiny[] = { "tinyconfig", NULL };
	const char *old[] = { "olddefconfig", NULL };
	double start = now_seconds();
	char *dotconfig;
	int ret, fd;
	size_t i;

	kb->config_merged = false;
	if (distcc_ready(kb))
		return -1;
	if (mkdir_p(kb->build, 0755))
		return kb_error(kb, "cannot create %s: %s", kb->build,
				strerror(errno));
	fd = open(kb->tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kb_error(kb, "cannot open the kernel tree %s: %s",
				kb->tree, strerror(errno));
	close(fd);
	if (kconfig_inputs_digest(kb->tree, kb->fragments, kb->nr_fragments,
				  inputs))
		return -1;
	stamp = read_stamp(kb);
	dotconfig = path_join(kb->build, ".config");
	if (!kb->force_config && stamp && path_exists(dotconfig) &&
	    !config_digest(kb, cfg)) {
		now = xasprintf("%s %s", inputs, cfg);
		if (!strcmp(now, stamp)) {
			free(now);
			free(stamp);
			free(dotconfig);
			msg_say(&kb->say, MSG_NOTE, "config: up to date");
			return check_config(kb);
		}
		free(now);
	}
	free(stamp);
	free(dotconfig);

	ret = run_make(kb, "config", false, tiny);
	if (ret)
		return report_failure(kb, "make tinyconfig", ret);
	{
		const char *argv[64];
		char *script = path_join(kb->tree,
					 "scripts/kconfig/merge_config.sh");
		char *base = path_join(kb->build, ".config");
		struct run_opts ro = {
			.dir = kb->build, .log = kb->log, .say = &kb->say,
		};
		size_t n = 0;

		argv[n++] = "sh";
		argv[n++] = script;
		argv[n++] = "-m";
		argv[n++] = "-O";
		argv[n++] = kb->build;
		argv[n++] = base;
		for (i = 0; i < kb->nr_fragments && n < 62; i++)
			argv[n++] = kb->fragments[i];
		argv[n] = NULL;
		log_line(kb, "### kseries config: merge_config.sh -m\n");
		ret = run_cmd(argv, &ro);
		free(script);
		free(base);
		if (ret)
			return report_failure(kb, "merge_config.sh", ret);
	}
	ret = run_make(kb, "config", false, old);
	if (ret)
		return report_failure(kb, "make olddefconfig", ret);
	if (config_digest(kb, cfg))
		return kb_error(kb, "no .config in %s after olddefconfig",
				kb->build);
	kb->config_merged = true;
	kb->config_secs = now_seconds() - start;
	ret = check_config(kb);
	{
		/* Record the merge even if the check failed: the same
		 * inputs give the same result, and the check runs again. */
		char *p = stamp_path(kb);

		now = xasprintf("%s %s\n", inputs, cfg);
		if (write_file_atomic(p, now, strlen(now)))
			msg_say(&kb->say, MSG_WARNING, "cannot write %s: %s", p,
				strerror(errno));
		free(p);
		free(now);
	}
	if (!ret)
		msg_say(&kb->say, MSG_NOTE,
			"config: tinyconfig + %zu fragment%s merged (%.1f s)",
			kb->nr_fragments, kb->nr_fragments == 1 ? "" : "s",
			kb->config_secs);
	return ret;
}

int kbuild_kernel(struct kbuild *kb)
{
	const char *argv[] = { kb->target ? kb->target : "bzImage", NULL };
	struct strbuf fell = STRBUF_INIT;
	double start = now_seconds();
	int ret;

	kb->compiled = 0;
	kb->distcc_local = 0;
	kb->sparse_cached = 0;
	kb->sparse_ran = 0;
	if (kb->sparse && !on_path("sparse"))
		return kb_error(kb,
				"C=1 needs sparse, which is not on $PATH: install the package \"sparse\"");
	if (distcc_ready(kb))
		return -1;
	if (kb->dist.line)
		msg_say(&kb->say, MSG_NOTE, "build: %s", kb->dist.line);
	if (sparse_counted(kb)) {
		char *stats = sparse_stats_path(kb);

		unlink(stats);	/* what a killed run left */
		free(stats);
	}
	ret = run_make(kb, "build", true, argv);
	kb->build_secs = now_seconds() - start;
	if (sparse_counted(kb))
		count_sparse(kb);
	if (ret)
		return report_failure(kb, "kernel build", ret);
	if (kb->distcc_local)
		sb_addf(&fell, ", %u of them here: distcc could not send them",
			kb->distcc_local);
	if (sparse_counted(kb))
		sb_addf(&fell, "; sparse on %u, %u of them from its cache",
			kb->sparse_cached + kb->sparse_ran, kb->sparse_cached);
	msg_say(&kb->say, MSG_NOTE, "build: %s, %u compiled%s (%.1f s)",
		kb->target ? kb->target : "bzImage", kb->compiled,
		fell.len ? fell.buf : "", kb->build_secs);
	sb_release(&fell);
	return 0;
}

int kbuild_headers(struct kbuild *kb)
{
	const char *argv[] = { "headers_install", NULL };
	double start = now_seconds();
	int ret;

	if (distcc_ready(kb))
		return -1;
	ret = run_make(kb, "headers", false, argv);
	kb->headers_secs = now_seconds() - start;
	if (ret)
		return report_failure(kb, "headers_install", ret);
	msg_say(&kb->say, MSG_NOTE, "headers: %s/usr/include (%.1f s)",
		kb->build, kb->headers_secs);
	return 0;
}

/* Inputs of a build: what a change must not touch to keep the image */

bool kbuild_always_input(const char *path, bool added)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (starts_with(base, "Makefile") || starts_with(base, "Kbuild") ||
	    starts_with(base, "Kconfig") || starts_with(path, "scripts/") ||
	    (base == path && starts_with(base, "localversion")) ||
	    starts_with(path, "configs/") || strstr(path, "/configs/"))
		return true;
	return added && !starts_with(path, "Documentation/");
}

struct cmd_scan {
	const char *const *needles;	/* the paths' last components */
	size_t nr;
	size_t found;			/* index, or nr */
	size_t files;			/* .cmd files read */
};

/*
 * Does @text name a file called @needle: a path ending in it, in any
 * form? Sources appear as kbuild spelt them (absolute, or with "../../"
 * as in KVM's virt/kvm objects), headers as the compiler found them
 * (relative to the build directory when ccache's CCACHE_BASEDIR is
 * set). A file of that name elsewhere counts too: a build too many,
 * never one too few.
 */
static bool names_path(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *hit = memmem(p, end - p, needle, n);
		char before, after;

		if (!hit)
			return false;
		before = hit > text ? hit[-1] : ' ';
		after = hit + n < end ? hit[n] : '\n';
		if (strchr(" \t\n=(/", before) && strchr(" \t\n\\):", after))
			return true;
		p = hit + 1;
	}
	return false;
}

/*
 * Call @fn for each .cmd file under the directory @rel ("" for all) of
 * @build, with its target ("dir/NAME" of "dir/.NAME.cmd") and path; a
 * nonzero return stops the walk, and is returned. With @objects, only
 * objects' (.NAME.o.cmd) outside scripts/, tools/, usr/include/ and the
 * source link; else every .cmd file in every directory.
 */
static int each_cmd(const char *build, const char *rel, bool objects,
		    int (*fn)(void *ctx, const char *target,
			      const char *path),
		    void *ctx)
{
	char *dir = rel[0] ? path_join(build, rel) : xstrdup(build);
	struct dirent *de;
	DIR *d = opendir(dir);
	int stop = 0;

	if (!d) {
		free(dir);
		return 0;
	}
	while (!stop && (de = readdir(d))) {
		const char *n = de->d_name;
		char *sub, *p;
		bool isdir = de->d_type == DT_DIR;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		sub = rel[0] ? xasprintf("%s/%s", rel, n) : xstrdup(n);
		p = path_join(dir, n);
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;

			isdir = !lstat(p, &st) && S_ISDIR(st.st_mode);
		}
		if (isdir && n[0] != '.') {
			if (!objects ||
			    (strcmp(sub, "scripts") && strcmp(sub, "tools") &&
			     strcmp(sub, "usr/include") &&
			     strcmp(sub, "source")))
				stop = each_cmd(build, sub, objects, fn, ctx);
		} else if (!isdir && n[0] == '.' &&
			   ends_with(n, objects ? ".o.cmd" : ".cmd")) {
			char *target = rel[0] ?
				xasprintf("%s/%.*s", rel, (int)strlen(n) - 5,
					  n + 1) :
				xstrndup(n + 1, strlen(n) - 5);

			stop = fn(ctx, target, p);
			free(target);
		}
		free(p);
		free(sub);
	}
	closedir(d);
	free(dir);
	return stop;
}

/* One .cmd file of kbuild_first_input()'s walk: stop at a needle. */
static int scan_one(void *ctx, const char *target, const char *path)
{
	struct cmd_scan *s = ctx;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!read_file(path, &sb)) {
		s->files++;
		for (i = 0; i < s->nr; i++)
			if (names_path(sb.buf, sb.len, s->needles[i]))
				break;
		if (i < s->nr)
			s->found = i;
	}
	sb_release(&sb);
	return s->found < s->nr;
}

const char *kbuild_first_input(const char *tree, const char *build,
			       char *const *paths, const bool *added,
			       size_t nr, int *err)
{
	char **needles = xcalloc(nr + 1, sizeof(char *));
	struct cmd_scan s = { 0 };
	const char *ret = NULL;
	size_t i;

	*err = 0;
	for (i = 0; i < nr && !ret; i++)
		if (kbuild_always_input(paths[i], added && added[i]))
			ret = paths[i];
	if (ret || !nr)
		goto out;
	for (i = 0; i < nr; i++) {
		const char *base = strrchr(paths[i], '/');

		needles[i] = xstrdup(base ? base + 1 : paths[i]);
	}
	s.needles = (const char *const *)needles;
	s.nr = nr;
	s.found = nr;
	each_cmd(build, "", false, scan_one, &s);
	if (!s.files) {
		*err = -1;
		ret = paths[0];
	} else if (s.found < nr) {
		ret = paths[s.found];
	}
out:
	for (i = 0; i < nr; i++)
		free(needles[i]);
	free(needles);
	return ret;
}

/* What a range of commits may rebuild */

/*
 * Indentation of @l, tabs to the next multiple of 8, and where its text
 * starts (@at); -1 for a blank line.
 */
static int kconfig_indent(const char *l, size_t len, size_t *at)
{
	int col = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (l[i] == '\t') {
			col = (col / 8 + 1) * 8;
		} else if (l[i] == ' ') {
			col++;
		} else {
			*at = i;
			return col;
		}
	}
	return -1;
}

/* Whether line @l (@len bytes) starts with the word @kw. */
static bool kconfig_word(const char *l, size_t len, const char *kw)
{
	size_t n = strlen(kw);

	while (len && (*l == ' ' || *l == '\t')) {
		l++;
		len--;
	}
	return len >= n && !strncmp(l, kw, n) &&
	       (len == n || l[n] == ' ' || l[n] == '\t');
}

/* A Kconfig file cut into its symbols' entries and the rest */
struct kconfig_entry {
	char *sym;
	struct strbuf text;	/* the entry's lines but its help */
};

struct kconfig_text {
	struct kconfig_entry *e;
	size_t nr, alloc;
	struct strbuf rest;	/* menus, ifs, sources, ...: all the rest */
};

static void kconfig_cut(const char *text, struct kconfig_text *k)
{
	const char *p = text;
	struct kconfig_entry *cur = NULL;
	int help = -1;		/* the help line's indentation, in help */

	memset(k, 0, sizeof(*k));
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), at = 0;
		int ind = kconfig_indent(p, len, &at);
		const char *l = p;

		p = nl ? nl + 1 : NULL;
		if (ind < 0)
			continue;
		if (help >= 0) {
			if (ind > help)
				continue;
			help = -1;
		}
		if (l[at] == '#')
			continue;
		if (kconfig_word(l, len, "config") ||
		    kconfig_word(l, len, "menuconfig")) {
			const char *s = l + at;
			size_t n;

			s += strcspn(s, " \t");
			s += strspn(s, " \t");
			n = strcspn(s, " \t\n");
			ALLOC_GROW(k->e, k->nr + 1, k->alloc);
			cur = &k->e[k->nr++];
			cur->sym = xstrndup(s, n);
			memset(&cur->text, 0, sizeof(cur->text));
			continue;
		}
		if (kconfig_word(l, len, "help") ||
		    kconfig_word(l, len, "---help---")) {
			help = ind;
			continue;
		}
		if (kconfig_word(l, len, "menu") ||
		    kconfig_word(l, len, "endmenu") ||
		    kconfig_word(l, len, "if") ||
		    kconfig_word(l, len, "endif") ||
		    kconfig_word(l, len, "choice") ||
		    kconfig_word(l, len, "endchoice") ||
		    kconfig_word(l, len, "source") ||
		    kconfig_word(l, len, "comment") ||
		    kconfig_word(l, len, "mainmenu"))
			cur = NULL;
		sb_add(cur ? &cur->text : &k->rest, l + at, len - at);
		sb_addch(cur ? &cur->text : &k->rest, '\n');
	}
}

static void kconfig_release(struct kconfig_text *k)
{
	size_t i;

	for (i = 0; i < k->nr; i++) {
		free(k->e[i].sym);
		sb_release(&k->e[i].text);
	}
	free(k->e);
	sb_release(&k->rest);
}

/* Every entry of @sym in @k, one after the other, into @out. */
static void kconfig_entries(const struct kconfig_text *k, const char *sym,
			    struct strbuf *out)
{
	size_t i;

	for (i = 0; i < k->nr; i++)
		if (!strcmp(k->e[i].sym, sym))
			sb_addstr(out, sb_str(&k->e[i].text));
}

/* Add @s (taken) to the list @v of @nr (@alloc), unless it has it. */
static void push_new(char ***v, size_t *nr, size_t *alloc, char *s)
{
	size_t i;

	for (i = 0; i < *nr; i++) {
		if (!strcmp((*v)[i], s)) {
			free(s);
			return;
		}
	}
	ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[(*nr)++] = s;
}

static void reach_path(struct kbuild_reach *r, char *path)
{
	push_new(&r->paths, &r->nr_paths, &r->alloc_paths, path);
}

/* "include/config/kvm/xen.h", the file fixdep makes objects depend on */
static void reach_symbol(struct kbuild_reach *r, const char *sym, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_addstr(&sb, "include/config/");
	for (i = 0; i < n; i++)
		sb_addch(&sb, sym[i] == '_' ? '/' :
			 (char)tolower((unsigned char)sym[i]));
	sb_addstr(&sb, ".h");
	reach_path(r, sb_detach(&sb));
}

/* The symbols an entry's text names: upper-case words, not in quotes. */
static void reach_symbols_of(struct kbuild_reach *r, const char *text)
{
	const char *p = text;
	bool quoted = false;

	while (*p) {
		size_t n = 0;
		bool upper = false, lower = false;

		if (*p == '"') {
			quoted = !quoted;
			p++;
			continue;
		}
		if (*p == '\n')
			quoted = false;
		while (isalnum((unsigned char)p[n]) || p[n] == '_') {
			upper |= isupper((unsigned char)p[n]);
			lower |= islower((unsigned char)p[n]);
			n++;
		}
		if (!n) {
			p++;
			continue;
		}
		if (!quoted && upper && !lower)
			reach_symbol(r, p, n);
		p += n;
	}
}

static void reach_all(struct kbuild_reach *r, const char *path)
{
	if (!r->all)
		r->why_all = xstrdup(path);
	r->all = true;
}

/* A Kconfig file changed from @old to @new (NULL: absent). */
static void reach_kconfig(struct kbuild_reach *r, const char *path,
			  const char *old, const char *new)
{
	struct kconfig_text a, b;
	const struct kconfig_text *side[2] = { &a, &b };
	size_t s, i;

	kconfig_cut(old ? old : "", &a);
	kconfig_cut(new ? new : "", &b);
	if (strcmp(sb_str(&a.rest), sb_str(&b.rest)))
		reach_all(r, path);
	for (s = 0; s < 2; s++) {
		for (i = 0; i < side[s]->nr; i++) {
			const char *sym = side[s]->e[i].sym;
			struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

			kconfig_entries(&a, sym, &x);
			kconfig_entries(&b, sym, &y);
			if (strcmp(sb_str(&x), sb_str(&y))) {
				reach_symbol(r, sym, strlen(sym));
				reach_symbols_of(r, sb_str(&x));
				reach_symbols_of(r, sb_str(&y));
			}
			sb_release(&x);
			sb_release(&y);
		}
	}
	kconfig_release(&a);
	kconfig_release(&b);
}

bool kbuild_reach_wants_text(const char *path)
{
	const char *base = strrchr(path, '/');

	return starts_with(base ? base + 1 : path, "Kconfig");
}

void kbuild_reach_add(struct kbuild_reach *r, const char *path, bool added,
		      const char *old, const char *new)
{
	const char *base = strrchr(path, '/');
	size_t dir = base ? (size_t)(base - path) : 0;
	size_t i;

	base = base ? base + 1 : path;
	if (kbuild_reach_wants_text(path)) {
		reach_kconfig(r, path, old, new);
		return;
	}
	if (starts_with(base, "Makefile") || starts_with(base, "Kbuild")) {
		/* The top's, the architecture's and kbuild's: every object. */
		if (!dir || (dir == 8 && !strncmp(path, "arch/x86", 8)) ||
		    starts_with(path, "scripts/")) {
			reach_all(r, path);
			return;
		}
		for (i = 0; i < r->nr_dirs; i++)
			if (strlen(r->dirs[i]) == dir + 1 &&
			    !strncmp(r->dirs[i], path, dir))
				return;
		ALLOC_GROW(r->dirs, r->nr_dirs + 1, r->alloc_dirs);
		r->dirs[r->nr_dirs++] = xstrndup(path, dir + 1);
		return;
	}
	if (kbuild_always_input(path, false)) {
		reach_all(r, path);	/* scripts/, localversion, configs */
		return;
	}
	reach_path(r, xstrdup(path));
	/*
	 * A file added or removed may be found instead of another of its
	 * name (an #include path searched in order): whatever has one.
	 */
	if (added)
		push_new(&r->names, &r->nr_names, &r->alloc_names,
			 xstrdup(base));
}

void kbuild_reach_release(struct kbuild_reach *r)
{
	free_strv(r->paths, r->nr_paths);
	free_strv(r->names, r->nr_names);
	free_strv(r->dirs, r->nr_dirs);
	free(r->why_all);
	memset(r, 0, sizeof(*r));
}

struct each_object {
	void (*fn)(void *ctx, const char *obj, const char *cmd);
	void *ctx;
};

static int each_object_one(void *ctx, const char *target, const char *path)
{
	struct each_object *e = ctx;

	e->fn(e->ctx, target, path);
	return 0;
}

void kbuild_each_object(const char *build, const char *rel,
			void (*fn)(void *ctx, const char *obj,
				   const char *cmd),
			void *ctx)
{
	struct each_object e = { fn, ctx };

	each_cmd(build, rel, true, each_object_one, &e);
}

struct reach_scan {
	const struct kbuild_reach *r;
	char **objs;
	size_t nr, alloc, files;
};

/*
 * @path (@len bytes) with "DIR/.." and "." taken out, into @out: a
 * header as the compiler spelt it ("arch/x86/kvm/mmu/../mmu.h").
 */
static void normalise_dep(const char *path, size_t len, struct strbuf *out)
{
	size_t i = 0;

	sb_reset(out);
	sb_addstr(out, "");
	while (i < len) {
		size_t n = 0;
		char *slash;

		while (i + n < len && path[i + n] != '/')
			n++;
		if (n == 1 && path[i] == '.') {
			/* nothing */
		} else if (n == 2 && !strncmp(path + i, "..", 2) && out->len &&
			   strcmp(out->buf, "..") && !ends_with(out->buf, "/..")) {
			slash = strrchr(out->buf, '/');
			out->len = slash ? (size_t)(slash - out->buf) : 0;
			out->buf[out->len] = '\0';
		} else {
			if (out->len || (i && path[0] == '/'))
				sb_addch(out, '/');
			sb_add(out, path + i, n);
		}
		i += n + 1;
	}
}

/* Whether the file @dep (normalised) is the tree's @path. */
static bool dep_is(const char *dep, const char *path)
{
	size_t d = strlen(dep), p = strlen(path);

	return d >= p && !strcmp(dep + d - p, path) &&
	       (d == p || dep[d - p - 1] == '/');
}

/*
 * Whether object @obj, its .cmd file's text @cmd, is within @r's reach:
 * under one of its directories, or a word of @cmd (a source, a header,
 * a config file) is one of its paths, or a file of one of its names.
 */
static bool reaches(const struct kbuild_reach *r, const char *obj,
		    const struct strbuf *cmd)
{
	static const char delim[] = " \t\n\\():=,";
	struct strbuf dep = STRBUF_INIT;
	const char *p = cmd->buf, *end = cmd->buf + cmd->len;
	bool in = r->all;
	size_t i;

	for (i = 0; i < r->nr_dirs && !in; i++)
		in = starts_with(obj, r->dirs[i]);
	while (p < end && !in) {
		size_t n = 0;
		const char *base;

		while (p < end && strchr(delim, *p))
			p++;
		while (p + n < end && !strchr(delim, p[n]))
			n++;
		if (!n)
			break;
		normalise_dep(p, n, &dep);
		p += n;
		for (i = 0; i < r->nr_paths && !in; i++)
			in = dep_is(dep.buf, r->paths[i]);
		if (starts_with(dep.buf, "include/config/"))
			continue;
		base = strrchr(dep.buf, '/');
		base = base ? base + 1 : dep.buf;
		for (i = 0; i < r->nr_names && !in; i++)
			in = !strcmp(base, r->names[i]);
	}
	sb_release(&dep);
	return in;
}

static void reach_one(void *ctx, const char *obj, const char *path)
{
	struct reach_scan *s = ctx;
	struct strbuf cmd = STRBUF_INIT;

	if (!read_file(path, &cmd)) {
		s->files++;
		if (reaches(s->r, obj, &cmd)) {
			ALLOC_GROW(s->objs, s->nr + 1, s->alloc);
			s->objs[s->nr++] = xstrdup(obj);
		}
	}
	sb_release(&cmd);
}

int kbuild_reach_objects(const struct kbuild_reach *r, const char *build,
			 char ***objs, size_t *nr)
{
	struct reach_scan s = { .r = r };

	kbuild_each_object(build, "", reach_one, &s);
	sort_strv(s.objs, s.nr);
	*objs = s.objs;
	*nr = s.nr;
	return s.files ? 0 : -1;
}
