// SPDX-License-Identifier: GPL-2.0
/*
 * MAINTAINERS matching, step for step what scripts/get_maintainer.pl of
 * the base does for a patch with --no-git --no-git-fallback --no-rolestats
 * (the comments name its functions). Everything here works on bytes, as
 * Perl does on a file read without an encoding layer.
 *
 * This file runs one lookup (maintainers_for_patch()) and holds the
 * result lists; the steps are in lib/maint-parse.c (the MAINTAINERS
 * file), lib/maint-match.c (which sections a patch goes to) and
 * lib/maint-addr.c (the addresses), on the Perl of lib/maint-perl.c.
 */
#include "maintainers.h"

#include <stdlib.h>
#include <string.h>

#include "maint-addr.h"
#include "maint-match.h"
#include "maint-parse.h"

static void add_result(struct maint_list *out, const struct maintainers *m,
		       const struct entry *e)
{
	struct maint_addr *a;
	size_t i, end;

	for (i = 0; i < out->nr; i++)
		if (!strcmp(out->v[i].addr, e->addr))
			return;	/* merge_email */
	ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	a = &out->v[out->nr++];
	a->addr = xstrdup(e->addr);
	a->role = e->role;
	a->section = NULL;
	a->status = xstrdup("");
	if (e->section == (size_t)-1)
		return;
	a->section = xstrdup(m->tv[e->section].type ? "" :
			     m->tv[e->section].value);
	end = end_index(m, e->section + 1);
	for (i = e->section + 1; i < end; i++) {
		if (m->tv[i].type == 'S') {
			free(a->status);
			a->status = xstrdup(m->tv[i].value);
		}
	}
}

void maintainers_for_patch(struct maintainers *m, const char *text,
			   size_t len, maint_commit_fn commit, void *data,
			   struct maint_list *out)
{
	struct query q;
	char **files, **fixes, **kw;
	size_t nr_files, nr_fixes, nr_kw, i, j;

	memset(&q, 0, sizeof(q));
	q.m = m;
	scan_patch(m, text, len, &files, &nr_files, &fixes, &nr_fixes, &kw,
		   &nr_kw);
	for (i = 0; i < nr_files; i++)
		sections_for_file(&q, files[i]);
	for (i = 0; i < nr_kw; i++)
		add_categories(&q, strtoul(kw[i], NULL, 10));

	for (i = 0; i < q.nr_to; i++) {
		char *d = deduplicate_email(&q, q.to[i].addr);

		free(q.to[i].addr);
		q.to[i].addr = d;
	}
	for (i = 0; i < q.nr_lists; i++) {
		char *d = deduplicate_email(&q, q.lists[i].addr);

		free(q.lists[i].addr);
		q.lists[i].addr = d;
	}

	/* Linus is left to THE REST */
	for (i = 0, j = 0; i < q.nr_to; i++) {
		if (mp_re_exec(mp_R(RE_CHIEF), q.to[i].addr, strlen(q.to[i].addr),
			    0)) {
			free(q.to[i].addr);
			continue;
		}
		q.to[j++] = q.to[i];
	}
	q.nr_to = j;

	for (i = 0; i < q.nr_file_emails; i++) {
		char *name, *address, *e;

		maint_parse_email(q.file_emails[i], &name, &address);
		e = maint_format_email(name, address);
		push_email_address(&q, e, MAINT_FILE, (size_t)-1);
		free(e);
		free(name);
		free(address);
	}

	/* @fixes = uniq(@fixes) */
	for (i = 0; i < nr_fixes; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(fixes[i], fixes[j]))
				break;
		if (j == i)
			fixes_signers(&q, fixes[i], commit, data);
	}

	for (i = 0; i < q.nr_to; i++)
		add_result(out, m, &q.to[i]);
	for (i = 0; i < q.nr_lists; i++)
		add_result(out, m, &q.lists[i]);

	for (i = 0; i < q.nr_to; i++)
		free(q.to[i].addr);
	for (i = 0; i < q.nr_lists; i++)
		free(q.lists[i].addr);
	free(q.to);
	free(q.lists);
	mp_map_release(&q.hash_name);
	mp_map_release(&q.hash_address);
	mp_map_release(&q.hash_list);
	mp_map_release(&q.dedup_name);
	mp_map_release(&q.dedup_address);
	free_strv(q.file_emails, q.nr_file_emails);
	free_strv(files, nr_files);
	free_strv(fixes, nr_fixes);
	free_strv(kw, nr_kw);
}

void maint_list_release(struct maint_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].addr);
		free(l->v[i].section);
		free(l->v[i].status);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void maint_list_union(struct maint_list *dst, const struct maint_list *src)
{
	size_t i, j;

	for (i = 0; i < src->nr; i++) {
		const struct maint_addr *a = &src->v[i];
		struct maint_addr *d;

		for (j = 0; j < dst->nr; j++)
			if (!strcmp(dst->v[j].addr, a->addr))
				break;
		if (j < dst->nr) {
			if (maint_role_is_to(a->role))
				dst->v[j].role = a->role;
			continue;
		}
		ALLOC_GROW(dst->v, dst->nr + 1, dst->alloc);
		d = &dst->v[dst->nr++];
		d->addr = xstrdup(a->addr);
		d->role = a->role;
		d->section = a->section ? xstrdup(a->section) : NULL;
		d->status = xstrdup(a->status);
	}
}

const char *maint_role_name(enum maint_role role)
{
	switch (role) {
	case MAINT_MAINTAINER:
		return "maintainer";
	case MAINT_REVIEWER:
		return "reviewer";
	case MAINT_LIST:
		return "list";
	case MAINT_MODERATED_LIST:
		return "moderated list";
	case MAINT_FIXES:
		return "fixes";
	case MAINT_FILE:
		return "in file";
	}
	return "unknown";
}
