// SPDX-License-Identifier: GPL-2.0
/*
 * Cover letters: the changelog, the shortlog and the composed text.
 */
#include "cover.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fmtpatch.h"

/* "vN:" alone on a line (trailing blanks allowed): N, else 0. */
static int version_heading(const char *s, size_t n)
{
	size_t i = 1;
	int v = 0;

	if (n < 3 || (s[0] != 'v' && s[0] != 'V'))
		return 0;
	while (i < n && isdigit((unsigned char)s[i]) && v < 100000)
		v = v * 10 + (s[i++] - '0');
	if (i == 1 || i >= n || s[i] != ':')
		return 0;
	for (i++; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return v;
}

static void finish_entry(struct changelog *cl, struct strbuf *text)
{
	if (!cl->nr)
		return;
	sb_rtrim(text);
	free(cl->v[cl->nr - 1].text);
	cl->v[cl->nr - 1].text = sb_detach(text);
}

int changelog_parse(const char *text, struct changelog *cl,
		    struct strbuf *err)
{
	struct strbuf cur = STRBUF_INIT;
	const char *p = text;
	int no = 0;
	size_t i;

	memset(cl, 0, sizeof(*cl));
	while (p && *p) {
		const char *nl = strchrnul(p, '\n');
		size_t n = nl - p;
		int v;

		no++;
		if (*p == '#') {
			p = *nl ? nl + 1 : NULL;
			continue;
		}
		v = version_heading(p, n);
		if (v) {
			for (i = 0; i < cl->nr; i++) {
				if (cl->v[i].version == v) {
					sb_addf(err, "line %d: v%d is listed twice",
						no, v);
					goto fail;
				}
			}
			finish_entry(cl, &cur);
			ALLOC_GROW(cl->v, cl->nr + 1, cl->alloc);
			cl->v[cl->nr].version = v;
			cl->v[cl->nr].text = xstrdup("");
			cl->nr++;
		} else if (!cl->nr) {
			size_t k;

			for (k = 0; k < n && isspace((unsigned char)p[k]); k++)
				;
			if (k < n) {
				sb_addf(err, "line %d: text before the first \"vN:\" heading",
					no);
				goto fail;
			}
		} else if (cur.len || n) {
			sb_add(&cur, p, n);
			sb_addch(&cur, '\n');
		}
		p = *nl ? nl + 1 : NULL;
	}
	finish_entry(cl, &cur);
	sb_release(&cur);
	return 0;
fail:
	sb_release(&cur);
	changelog_release(cl);
	return -1;
}

void changelog_release(struct changelog *cl)
{
	size_t i;

	for (i = 0; i < cl->nr; i++)
		free(cl->v[i].text);
	free(cl->v);
	memset(cl, 0, sizeof(*cl));
}

int changelog_latest(const struct changelog *cl)
{
	int v = 0;
	size_t i;

	for (i = 0; i < cl->nr; i++)
		if (cl->v[i].version > v)
			v = cl->v[i].version;
	return v;
}

int cover_file_parse(const char *text, char **subject, char **body,
		     struct strbuf *err)
{
	const char *p = text, *nl;
	struct strbuf b = STRBUF_INIT;

	while (*p == '#' || *p == '\n') {
		nl = strchrnul(p, '\n');
		p = *nl ? nl + 1 : nl;
	}
	nl = strchrnul(p, '\n');
	*subject = xstrndup(p, nl - p);
	{
		char *s = *subject, *e = s + strlen(s);

		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
	}
	if (!**subject) {
		free(*subject);
		*subject = NULL;
		*body = NULL;
		sb_addf(err, "no subject: the first line is the cover letter's subject");
		return -1;
	}
	p = *nl ? nl + 1 : nl;
	while (*p == '\n')
		p++;
	sb_addstr(&b, p);
	sb_rtrim(&b);
	*body = sb_detach(&b);
	return 0;
}

/* Append @text wrapped at @width, first line at @in1, others at @in2. */
static void add_wrapped(struct strbuf *out, const char *text, int in1,
			int in2, int width)
{
	int col = in1;
	bool first = true;

	sb_addf(out, "%*s", in1, "");
	while (*text) {
		const char *e = text;

		while (*e && *e != ' ')
			e++;
		if (!first && col + 1 + (e - text) > width) {
			sb_addf(out, "\n%*s", in2, "");
			col = in2;
		} else if (!first) {
			sb_addch(out, ' ');
			col++;
		}
		sb_add(out, text, e - text);
		col += e - text;
		first = false;
		while (*e == ' ')
			e++;
		text = e;
	}
	sb_addch(out, '\n');
}

struct author {
	const char *name;
	size_t first;
};

static int cmp_author(const void *a, const void *b)
{
	return strcmp(((const struct author *)a)->name,
		      ((const struct author *)b)->name);
}

void cover_shortlog(struct strbuf *out, struct patch *const *patches,
		    size_t n)
{
	struct author *authors = xcalloc(n ? n : 1, sizeof(*authors));
	size_t na = 0, i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < na; j++)
			if (!strcmp(authors[j].name, patches[i]->author_name))
				break;
		if (j == na) {
			authors[na].name = patches[i]->author_name;
			authors[na++].first = i;
		}
	}
	qsort(authors, na, sizeof(*authors), cmp_author);
	for (j = 0; j < na; j++) {
		size_t count = 0;

		for (i = 0; i < n; i++)
			count += !strcmp(patches[i]->author_name,
					 authors[j].name);
		if (j)
			sb_addch(out, '\n');
		sb_addf(out, "%s (%zu):\n", authors[j].name, count);
		for (i = 0; i < n; i++)
			if (!strcmp(patches[i]->author_name, authors[j].name))
				add_wrapped(out, patches[i]->subject, 2, 4, 72);
	}
	free(authors);
}

void cover_compose(struct strbuf *out, const char *body,
		   const struct changelog *cl, int version,
		   struct patch *const *patches, size_t n,
		   const char *diffstat, const char *base)
{
	int v;
	size_t i;

	if (body && *body)
		sb_addf(out, "%s\n\n", body);
	for (v = version; v >= 2; v--) {
		for (i = 0; i < cl->nr; i++) {
			if (cl->v[i].version != v || !*cl->v[i].text)
				continue;
			sb_addf(out, "Changes in v%d:\n%s\n\n", v, cl->v[i].text);
		}
	}
	cover_shortlog(out, patches, n);
	sb_addch(out, '\n');
	if (diffstat && *diffstat) {
		sb_addstr(out, diffstat);
		if (!ends_with(diffstat, "\n"))
			sb_addch(out, '\n');
		sb_addch(out, '\n');
	}
	if (base && *base)
		sb_addf(out, "base-commit: %s\n", base);
	sb_addstr(out, "-- \n" FMTPATCH_SIGNATURE "\n");
}
