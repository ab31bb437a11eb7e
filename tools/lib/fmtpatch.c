// SPDX-License-Identifier: GPL-2.0
#include "fmtpatch.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diffstat.h"
#include "mailhdr.h"

void add_header_text(struct strbuf *sb, const char *s, size_t len)
{
	mailhdr_add_text(sb, s, len, MAILHDR_TEXT);
}

void add_from(struct strbuf *sb, const char *name, const char *email)
{
	mailhdr_add_address(sb, name, email, MAILHDR_PHRASE);
}

void patch_file_format(struct strbuf *out, const char *author_name,
		       const char *author_email, int64_t time,
		       int tz_minutes, const char *subject, const char *body,
		       const char *rest)
{
	sb_addstr(out, "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n");
	sb_addstr(out, "From: ");
	add_from(out, author_name, author_email);
	sb_addstr(out, "\nDate: ");
	format_mail_date(out, time, tz_minutes);
	sb_addstr(out, "\nSubject: [PATCH] ");
	add_header_text(out, subject, strlen(subject));
	sb_addch(out, '\n');
	if (!mailhdr_is_ascii(body, strlen(body)) ||
	    !mailhdr_is_ascii(rest, strlen(rest)))
		sb_addstr(out, MAILHDR_MIME_UTF8);
	sb_addch(out, '\n');
	if (*body) {
		sb_addstr(out, body);
		if (!ends_with(body, "\n"))
			sb_addch(out, '\n');
	}
	sb_addstr(out, "---\n");
	sb_addstr(out, rest);
}

/*
 * The diffstat block as git format-patch writes it (lib/diffstat: libgit2's
 * own layout is not git's), then the diff. Each file's patch is made once,
 * for its line counts and its text.
 */
static int add_stat_and_diff(git_diff *diff, struct strbuf *out)
{
	size_t i, n = git_diff_num_deltas(diff), ctx, add, del;
	struct strbuf body = STRBUF_INIT;
	struct diffstat ds = { 0 };
	git_buf buf = GIT_BUF_INIT;
	int ret = -1;

	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct diffstat_file *f;
		git_patch *p = NULL;

		if (git_patch_from_diff(&p, diff, i) ||
		    git_patch_line_stats(&ctx, &add, &del, p) ||
		    git_patch_to_buf(&buf, p)) {
			git_patch_free(p);
			goto out;
		}
		git_patch_free(p);
		sb_add(&body, buf.ptr, buf.size);
		git_buf_dispose(&buf);
		diffstat_add(&ds,
			     d->status == GIT_DELTA_ADDED ? NULL :
			     d->old_file.path,
			     d->status == GIT_DELTA_DELETED ? NULL :
			     d->new_file.path, add, del);
		f = &ds.v[ds.nr - 1];
		f->is_new = d->status == GIT_DELTA_ADDED;
		f->is_delete = d->status == GIT_DELTA_DELETED;
		f->is_rename = d->status == GIT_DELTA_RENAMED;
		f->old_mode = d->old_file.mode;
		f->new_mode = d->new_file.mode;
		f->similarity = d->similarity;
	}
	diffstat_sort(&ds);
	diffstat_format(&ds, 72, out);
	sb_addch(out, '\n');
	sb_add(out, body.buf, body.len);
	ret = 0;
out:
	git_buf_dispose(&buf);
	sb_release(&body);
	diffstat_release(&ds);
	return ret;
}

static int add_diff(git_repository *repo, git_commit *c, struct strbuf *out)
{
	git_tree *old = NULL, *new = NULL;
	git_commit *parent = NULL;
	git_diff_options opts;
	git_diff_find_options fo;
	git_diff *diff = NULL;
	int ret = -1;

	if (git_commit_parentcount(c) &&
	    (git_commit_parent(&parent, c, 0) ||
	     git_commit_tree(&old, parent)))
		goto out;
	if (git_commit_tree(&new, c))
		goto out;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 3;
	opts.id_abbrev = 12;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES;
	if (git_diff_tree_to_tree(&diff, repo, old, new, &opts) ||
	    git_diff_find_similar(diff, &fo) || add_stat_and_diff(diff, out))
		goto out;
	ret = 0;
out:
	if (ret)
		error("cannot diff commit %s: %s",
		      git_oid_tostr_s(git_commit_id(c)),
		      git_error_last() ? git_error_last()->message : "?");
	git_diff_free(diff);
	git_tree_free(old);
	git_tree_free(new);
	git_commit_free(parent);
	return ret;
}

/* Subject: the first paragraph joined into one line; body: the rest. */
static void split_message(const char *msg, struct strbuf *subject,
			  struct strbuf *body)
{
	const char *p = msg;
	bool space = false;

	while (*p == '\n')
		p++;
	while (*p) {
		const char *nl = strchrnul(p, '\n');
		const char *q = p, *e = nl;

		while (q < e && isspace((unsigned char)*q))
			q++;
		if (q == e)
			break;	/* blank line: end of the subject */
		while (e > q && isspace((unsigned char)e[-1]))
			e--;
		if (space)
			sb_addch(subject, ' ');
		sb_add(subject, q, e - q);
		space = true;
		p = *nl ? nl + 1 : nl;
	}
	while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
		p++;
	sb_addstr(body, p);
	sb_rtrim(body);
}

int format_patch(git_repository *repo, git_commit *c, struct strbuf *out)
{
	const git_signature *a = git_commit_author(c);
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	struct strbuf diff = STRBUF_INIT;
	int ret;

	split_message(git_commit_message(c), &subject, &body);
	ret = add_diff(repo, c, &diff);
	if (!ret) {
		sb_addstr(&diff, "-- \n" FMTPATCH_SIGNATURE "\n\n");
		patch_file_format(out, a->name, a->email, a->when.time,
				  a->when.offset, sb_str(&subject),
				  sb_str(&body), sb_str(&diff));
	}
	sb_release(&subject);
	sb_release(&body);
	sb_release(&diff);
	return ret;
}

static bool title_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_';
}

char *patch_file_name(unsigned int nr, const char *subject)
{
	struct strbuf sb = STRBUF_INIT;
	const size_t max = 64 - strlen(".patch") - 1;
	int space = 2;
	const char *p;

	sb_addf(&sb, "%04u-", nr);
	for (p = subject; *p; p++) {
		if (title_char(*p)) {
			if (space == 1)
				sb_addch(&sb, '-');
			space = 0;
			sb_addch(&sb, *p);
			if (*p == '.')
				while (p[1] == '.')
					p++;
		} else {
			space |= 1;
		}
	}
	while (sb.len > 5 && (sb.buf[sb.len - 1] == '.' ||
			      sb.buf[sb.len - 1] == '-'))
		sb.len--;
	if (sb.len > max)
		sb.len = max;
	sb.buf[sb.len] = '\0';
	sb_addstr(&sb, ".patch");
	return sb_detach(&sb);
}
