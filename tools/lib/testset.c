// SPDX-License-Identifier: GPL-2.0
#include "testset.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"

char *selftests_default_dir(const char *build)
{
	char *b = xstrdup(build), *slash;
	char *ret;

	while (strlen(b) > 1 && ends_with(b, "/"))
		b[strlen(b) - 1] = '\0';
	slash = strrchr(b, '/');
	if (!slash)
		ret = xstrdup("selftests");
	else if (slash == b)
		ret = xstrdup("/selftests");
	else
		ret = xasprintf("%.*s/selftests", (int)(slash - b), b);
	free(b);
	return ret;
}

void testset_add(struct testset *ts, const char *name, const char *path,
		 const char *cmdline)
{
	ALLOC_GROW(ts->t, ts->nr + 1, ts->alloc);
	ts->t[ts->nr].name = xstrdup(name);
	ts->t[ts->nr].path = path ? xstrdup(path) : NULL;
	ts->t[ts->nr].cmdline = cmdline_normalise(cmdline ? cmdline : "");
	ts->nr++;
}

char *cmdline_normalise(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;
	bool comment = false, space = false;

	for (; *p; p++) {
		if (*p == '\n') {
			comment = false;
			space = true;
			continue;
		}
		if (comment)
			continue;
		if (*p == '#' && (p == text || isspace((unsigned char)p[-1]))) {
			comment = true;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			space = true;
			continue;
		}
		if (space && sb.len)
			sb_addch(&sb, ' ');
		space = false;
		sb_addch(&sb, *p);
	}
	return sb_detach(&sb);
}

static int load_suite(struct testset *ts, const char *dir, const char *suite)
{
	char *sdir = path_join(dir, suite);
	char *list = path_join(sdir, "list");
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int ret = 0;

	if (read_file(list, &sb)) {
		ret = -1;
		goto out;
	}
	for (p = sb.buf; p && *p; ) {
		const char *nl = strchr(p, '\n');
		char *name = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		char *s = name, *e;

		p = nl ? nl + 1 : NULL;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*s && *s != '#') {
			char *full = xasprintf("%s/%s", suite, s);
			char *bin = path_join(sdir, s);
			char *cl = xasprintf("%s.cmdline", bin);
			struct strbuf c = STRBUF_INIT;

			if (read_file(cl, &c))
				sb_reset(&c);
			testset_add(ts, full, bin, sb_str(&c));
			sb_release(&c);
			free(full);
			free(bin);
			free(cl);
		}
		free(name);
	}
out:
	sb_release(&sb);
	free(list);
	free(sdir);
	return ret;
}

int testset_load(struct testset *ts, const char *dir)
{
	char **names = NULL;
	size_t nr = 0, alloc = 0, i, found = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return error("no selftests in %s: %s (run 'kseries selftests')",
			     dir, strerror(errno));
	while ((de = readdir(d))) {
		char *list;

		if (de->d_name[0] == '.')
			continue;
		list = xasprintf("%s/%s/list", dir, de->d_name);
		if (path_exists(list)) {
			ALLOC_GROW(names, nr + 1, alloc);
			names[nr++] = xstrdup(de->d_name);
		}
		free(list);
	}
	closedir(d);
	qsort(names, nr, sizeof(*names), cmp_strp);
	/* The project's own tests first: they are quick and they matter. */
	for (i = 0; i < nr; i++)
		if (!strcmp(names[i], "project") &&
		    !load_suite(ts, dir, names[i]))
			found++;
	for (i = 0; i < nr; i++)
		if (strcmp(names[i], "project") &&
		    !load_suite(ts, dir, names[i]))
			found++;
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	if (!found)
		return error("no selftests in %s (no <suite>/list): run 'kseries selftests'",
			     dir);
	return 0;
}

static void entry_release(struct test_entry *e)
{
	free(e->name);
	free(e->path);
	free(e->cmdline);
}

int testset_select(struct testset *ts, const char *spec)
{
	struct test_entry *keep = NULL;
	size_t nr = 0, alloc = 0, i;
	bool *taken = xcalloc(ts->nr + 1, sizeof(bool));
	char *s = xstrdup(spec), *tok, *save = NULL;
	int ret = 0;

	for (tok = strtok_r(s, ", \t\n", &save); tok;
	     tok = strtok_r(NULL, ", \t\n", &save)) {
		bool suite = !strchr(tok, '/');
		size_t hits = 0, n = strlen(tok);

		if (n > 2 && !strcmp(tok + n - 2, "/*")) {
			tok[n - 2] = '\0';
			suite = true;
		}
		for (i = 0; i < ts->nr; i++) {
			const char *name = ts->t[i].name;
			bool match = suite ?
				(!strncmp(name, tok, strlen(tok)) &&
				 name[strlen(tok)] == '/') :
				!strcmp(name, tok);

			if (!match)
				continue;
			hits++;
			if (taken[i])
				continue;
			taken[i] = true;
			ALLOC_GROW(keep, nr + 1, alloc);
			keep[nr++] = ts->t[i];
		}
		if (!hits) {
			error("no selftest '%s'", tok);
			ret = -1;
		}
	}
	for (i = 0; i < ts->nr; i++)
		if (!taken[i])
			entry_release(&ts->t[i]);
	free(ts->t);
	ts->t = keep;
	ts->nr = nr;
	ts->alloc = alloc;
	free(taken);
	free(s);
	return ret;
}

size_t testset_drop_listed(struct testset *ts,
			   const struct known_failures *list, bool only_skip)
{
	size_t i, n = 0;

	for (i = 0; i < ts->nr; i++) {
		const struct known_failure *kf =
			known_failures_find(list, ts->t[i].name);

		if (kf && (!only_skip || kf->skip)) {
			free(ts->t[i].name);
			free(ts->t[i].path);
			free(ts->t[i].cmdline);
			continue;
		}
		ts->t[n++] = ts->t[i];
	}
	i = ts->nr - n;
	ts->nr = n;
	return i;
}

void testset_release(struct testset *ts)
{
	size_t i;

	for (i = 0; i < ts->nr; i++)
		entry_release(&ts->t[i]);
	free(ts->t);
	memset(ts, 0, sizeof(*ts));
}

size_t testset_group(const struct testset *ts, struct boot_group **groups)
{
	struct boot_group *g = NULL;
	size_t nr = 0, alloc = 0, i, j;

	for (i = 0; i < ts->nr; i++) {
		for (j = 0; j < nr; j++)
			if (!strcmp(g[j].cmdline, ts->t[i].cmdline))
				break;
		if (j == nr) {
			ALLOC_GROW(g, nr + 1, alloc);
			g[nr].cmdline = xstrdup(ts->t[i].cmdline);
			g[nr].idx = NULL;
			g[nr].nr = 0;
			nr++;
		}
		g[j].idx = xrealloc(g[j].idx, (g[j].nr + 1) * sizeof(size_t));
		g[j].idx[g[j].nr++] = i;
	}
	*groups = g;
	return nr;
}

void boot_groups_release(struct boot_group *g, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(g[i].cmdline);
		free(g[i].idx);
	}
	free(g);
}
