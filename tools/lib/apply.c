// SPDX-License-Identifier: GPL-2.0
#include "apply.h"

#include <stdlib.h>
#include <string.h>

struct fline {
	const char *text;
	size_t len;		/* without the newline */
	bool eol;		/* ends with a newline */
};

static struct fline *split_lines(const char *buf, size_t len, size_t *nr)
{
	struct fline *lines = NULL;
	size_t alloc = 0, n = 0;
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		ALLOC_GROW(lines, n + 1, alloc);
		lines[n].text = p;
		lines[n].len = (nl ? nl : end) - p;
		lines[n].eol = nl != NULL;
		n++;
		p = nl ? nl + 1 : end;
	}
	*nr = n;
	return lines;
}

/* The lines a hunk expects (pre) or produces (post), given direction. */
static bool in_pre(char kind, bool reverse)
{
	return kind == ' ' || kind == (reverse ? '+' : '-');
}

static bool in_post(char kind, bool reverse)
{
	return kind == ' ' || kind == (reverse ? '-' : '+');
}

static bool line_matches(const struct fline *f, const struct hunk_line *h)
{
	return f->len == h->len && f->eol == !h->no_eol &&
	       !memcmp(f->text, h->text, h->len);
}

/* Does the preimage of @h match the file at line index @at? */
static bool matches_at(const struct fline *lines, size_t nr, size_t at,
		       const struct hunk *h, bool reverse, size_t npre)
{
	size_t i, k = 0;

	if (at + npre > nr)
		return false;
	for (i = 0; i < h->nr; i++) {
		if (!in_pre(h->lines[i].kind, reverse))
			continue;
		if (!line_matches(&lines[at + k], &h->lines[i]))
			return false;
		k++;
	}
	return true;
}

static void describe_mismatch(const struct fline *lines, size_t nr,
			      size_t at, const struct hunk *h, bool reverse,
			      struct apply_failure *fail)
{
	size_t i, k = 0;

	for (i = 0; i < h->nr; i++) {
		const struct hunk_line *hl = &h->lines[i];

		if (!in_pre(hl->kind, reverse))
			continue;
		if (at + k >= nr) {
			fail->expected_line = at + k + 1;
			fail->want = xstrndup(hl->text, hl->len);
			fail->found = NULL;
			return;
		}
		if (!line_matches(&lines[at + k], hl)) {
			fail->expected_line = at + k + 1;
			fail->want = xstrndup(hl->text, hl->len);
			fail->found = xstrndup(lines[at + k].text,
					       lines[at + k].len);
			return;
		}
		k++;
	}
	fail->expected_line = at + 1;
}

static void add_line(struct strbuf *out, const char *text, size_t len,
		     bool eol)
{
	sb_add(out, text, len);
	if (eol)
		sb_addch(out, '\n');
}

int apply_file(const char *old, size_t len, const struct file_patch *fp,
	       bool reverse, struct strbuf *out, struct apply_failure *fail)
{
	return apply_file_offsets(old, len, fp, reverse, out, fail, NULL);
}

int apply_file_offsets(const char *old, size_t len,
		       const struct file_patch *fp, bool reverse,
		       struct strbuf *out, struct apply_failure *fail,
		       long *offsets)
{
	size_t nr, done = 0, hn, i;
	struct fline *lines = split_lines(old, len, &nr);
	long shift = 0;

	for (hn = 0; hn < fp->nr_hunks; hn++) {
		const struct hunk *h = &fp->hunks[hn];
		long start = reverse ? h->new_start : h->old_start;
		long count = reverse ? h->new_count : h->old_count;
		size_t npre = 0, lead = 0, trail = 0, at;
		bool begin, end, found = false;
		long expect, dist;

		for (i = 0; i < h->nr; i++)
			if (in_pre(h->lines[i].kind, reverse))
				npre++;
		while (lead < h->nr && h->lines[lead].kind == ' ')
			lead++;
		while (trail < h->nr && h->lines[h->nr - 1 - trail].kind == ' ')
			trail++;
		/* A pure insertion names the line it goes after. */
		expect = (count ? start - 1 : start) + shift;
		begin = start <= 1;
		end = !trail && fp->nr_hunks && (npre || count);
		if (expect < 0)
			expect = 0;

		for (dist = 0; !found; dist++) {
			long cand[2] = { expect - dist, expect + dist };
			int c;

			if (expect - dist < (long)done &&
			    expect + dist + (long)npre > (long)nr)
				break;
			for (c = 0; c < (dist ? 2 : 1); c++) {
				if (cand[c] < (long)done ||
				    cand[c] + (long)npre > (long)nr)
					continue;
				if (begin && cand[c] != 0)
					continue;
				if (end && cand[c] + npre != nr)
					continue;
				if (matches_at(lines, nr, cand[c], h, reverse,
					       npre)) {
					at = cand[c];
					found = true;
					break;
				}
			}
		}
		if (!found) {
			if (fail) {
				memset(fail, 0, sizeof(*fail));
				fail->hunk = hn + 1;
				fail->patch_line = h->line_no;
				fail->header = reverse ?
					xasprintf("@@ -%ld,%ld +%ld,%ld @@ (reversed)",
						  h->old_start, h->old_count,
						  h->new_start, h->new_count) :
					xasprintf("@@ -%ld,%ld +%ld,%ld @@",
						  h->old_start, h->old_count,
						  h->new_start, h->new_count);
				describe_mismatch(lines, nr,
						  begin ? 0 : (size_t)expect,
						  h, reverse, fail);
			}
			free(lines);
			return -1;
		}
		for (i = done; i < at; i++)
			add_line(out, lines[i].text, lines[i].len,
				 lines[i].eol);
		for (i = 0; i < h->nr; i++) {
			const struct hunk_line *hl = &h->lines[i];

			if (in_post(hl->kind, reverse))
				add_line(out, hl->text, hl->len, !hl->no_eol);
		}
		if (offsets)
			offsets[hn] = (long)at - (count ? start - 1 : start);
		done = at + npre;
		shift += (long)at - expect;
	}
	for (i = done; i < nr; i++)
		add_line(out, lines[i].text, lines[i].len, lines[i].eol);
	if (!out->buf)
		sb_add(out, "", 0);
	free(lines);
	return 0;
}

void apply_failure_release(struct apply_failure *f)
{
	free(f->want);
	free(f->found);
	free(f->header);
	memset(f, 0, sizeof(*f));
}

void apply_failure_describe(const struct apply_failure *f, struct strbuf *sb)
{
	sb_addf(sb, "hunk #%d (%s, patch line %d) does not apply: ",
		f->hunk, f->header ? f->header : "?", f->patch_line);
	if (!f->want) {
		sb_addf(sb, "no match near line %ld", f->expected_line);
		return;
	}
	sb_addf(sb, "expected at line %ld: '%s'", f->expected_line, f->want);
	if (f->found)
		sb_addf(sb, ", found: '%s'", f->found);
	else
		sb_addstr(sb, ", found: end of file");
}
