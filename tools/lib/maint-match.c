// SPDX-License-Identifier: GPL-2.0
/*
 * Which sections a patch goes to, as get_maintainer.pl finds them
 * (lib/maint-match.h).
 */
#include "maint-match.h"

#include <stdlib.h>
#include <string.h>

#include "maint-addr.h"

static bool file_match(const struct tv *t, const char *file)
{
	const char *p;
	int slashes = 0;

	if (!t->re || !starts_with(file, t->prefix))
		return false;
	if (!mp_re_exec(t->re, file, strlen(file), 0))
		return false;
	if (ends_with(t->value, "/"))
		return true;
	for (p = file; *p; p++)
		slashes += *p == '/';
	return slashes == t->slashes;
}

void add_categories(struct query *q, size_t index)
{
	const struct maintainers *m = q->m;
	size_t start = start_index(m, index), end = end_index(m, index), i;

	for (i = start + 1; i < end; i++) {
		const struct tv *t = &m->tv[i];

		if (t->type == 'L') {
			const char *v = t->value;
			char *address, *extra, *key;

			if (mp_re_exec(mp_R(RE_LIST), v, strlen(v), 0)) {
				address = mp_re_dup(v, 1);
				extra = mp_re_dup(v, 2);
			} else {
				address = xstrdup(v);
				extra = xstrdup("");
			}
			key = mp_lc(address);
			if (!strstr(extra, "subscribers-only") &&
			    !mp_map_get(&q->hash_list, key)) {
				mp_map_set(&q->hash_list, key, "");
				push_entry(&q->lists, &q->nr_lists,
					   &q->alloc_lists, xstrdup(address),
					   strstr(extra, "moderated") ?
					   MAINT_MODERATED_LIST : MAINT_LIST,
					   start);
			}
			free(key);
			free(address);
			free(extra);
		} else if (t->type == 'M') {
			push_email_addresses(q, t->value, MAINT_MAINTAINER,
					     start);
		} else if (t->type == 'R') {
			push_email_addresses(q, t->value, MAINT_REVIEWER,
					     start);
		}
	}
}

struct hit {
	size_t tvi;
	int depth;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->tvi < y->tvi ? -1 : x->tvi > y->tvi;
}

static void set_hit(struct hit **h, size_t *nr, size_t *alloc, size_t tvi,
		    int depth)
{
	if (*nr && (*h)[*nr - 1].tvi == tvi) {
		(*h)[*nr - 1].depth = depth;
		return;
	}
	ALLOC_GROW(*h, *nr + 1, *alloc);
	(*h)[*nr].tvi = tvi;
	(*h)[*nr].depth = depth;
	(*nr)++;
}

void sections_for_file(struct query *q, const char *file)
{
	const struct maintainers *m = q->m;
	struct hit *hits = NULL;
	size_t nr = 0, alloc = 0, tvi, i;

	for (tvi = 0; tvi < m->nr && !m->tv[tvi].type; tvi++)
		;
	while (tvi < m->nr) {
		size_t start = start_index(m, tvi), end = end_index(m, tvi);
		bool exclude = false;

		for (i = start; i < end && !exclude; i++)
			if (m->tv[i].type == 'X' && file_match(&m->tv[i], file))
				exclude = true;
		for (i = start; i < end && !exclude; i++) {
			const struct tv *t = &m->tv[i];

			if (t->type == 'F' && file_match(t, file))
				set_hit(&hits, &nr, &alloc, tvi, t->depth);
			else if (t->type == 'N' &&
				 mp_re_exec(t->re, file, strlen(file), 0))
				set_hit(&hits, &nr, &alloc, tvi, 0);
		}
		tvi = end + 1;
	}
	if (nr)
		qsort(hits, nr, sizeof(*hits), cmp_hit);
	for (i = 0; i < nr; i++)
		add_categories(q, hits[i].tvi);
	free(hits);
	maintainers_in_file(q, file);
}

/*
 * The patch loop of get_maintainer.pl: file names, Fixes: ids and the
 * K: sections whose regex matches a line. @m may be NULL (files only).
 */
void scan_patch(const struct maintainers *m, const char *text,
		size_t len, char ***files, size_t *nr_files,
		char ***fixes, size_t *nr_fixes, char ***kw,
		size_t *nr_kw)
{
	size_t alloc_files = 0, alloc_fixes = 0, alloc_kw = 0;
	const char *p = text, *end = text + len;
	bool in_diff = false;

	*files = NULL;
	*nr_files = 0;
	if (fixes) {
		*fixes = NULL;
		*nr_fixes = 0;
	}
	if (kw) {
		*kw = NULL;
		*nr_kw = 0;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl + 1 : end) - p, k;
		char *line = xstrndup(p, n);

		p += n;
		if (mp_re_exec(mp_R(RE_MODE), line, n, 0) ||
		    mp_re_exec(mp_R(RE_RENAME), line, n, 0)) {
			mp_add_str(files, nr_files, &alloc_files, mp_re_dup(line, 1));
		} else if (mp_re_exec(mp_R(RE_DIFFGIT), line, n, 0)) {
			mp_add_str(files, nr_files, &alloc_files, mp_re_dup(line, 1));
			mp_add_str(files, nr_files, &alloc_files, mp_re_dup(line, 2));
		} else if (mp_re_exec(mp_R(RE_FIXES), line, n, 0)) {
			if (fixes)
				mp_add_str(fixes, nr_fixes, &alloc_fixes,
					mp_re_dup(line, 1));
		} else if (mp_re_exec(mp_R(RE_PLUSMINUS), line, n, 0)) {
			char *f = mp_re_dup(line, 1), *slash = strchr(f, '/');

			if (slash)
				memmove(f, slash + 1, strlen(slash + 1) + 1);
			mp_add_str(files, nr_files, &alloc_files, f);
			in_diff = true;
		} else if (mp_re_exec(mp_R(RE_HUNK), line, n, 0)) {
			/* only --git-blame looks at hunks */
		} else if (m && kw) {
			for (k = 0; k < m->nr_kw; k++) {
				const struct tv *t = &m->tv[m->kw[k]];

				if (mp_re_exec(in_diff ? t->re_diff : t->re, line,
					    n, 0))
					mp_add_str(kw, nr_kw, &alloc_kw,
						xasprintf("%zu", m->kw[k]));
			}
		}
		free(line);
	}
	mp_sort_uniq(*files, nr_files);
	if (kw)
		mp_sort_uniq(*kw, nr_kw);	/* as strings, like Perl's sort */
}

void maintainers_patch_files(const char *text, size_t len, char ***files,
			     size_t *nr)
{
	scan_patch(NULL, text, len, files, nr, NULL, NULL, NULL, NULL);
}
