// SPDX-License-Identifier: GPL-2.0
/*
 * The judgement of a range of results: what each patch adds or breaks
 * against the rows before it; and the patch file of a commit.
 */
#include "check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check-int.h"
#include "mailhdr.h"
#include "mbox.h"
#include "series.h"

/* The patch file of a commit, by position in the series. */

/*
 * The subject of the patch file at @path as the mail module reads it
 * (headers unfolded and decoded, "Re:" and "[PATCH ...]" taken off, as
 * git am does); NULL if it cannot be read or has no Subject.
 */
static char *patch_subject(const char *path)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	const char *buf;
	struct mail m;
	char *raw, *subj = NULL;

	if (read_file(path, &sb))
		goto out;
	buf = sb.buf;
	/* git format-patch's "From <id> <date>" postmark is no header */
	if (starts_with(buf, "From ") && strchr(buf, '\n'))
		buf = strchr(buf, '\n') + 1;
	if (mail_parse(&m, buf, sb.len - (buf - sb.buf), &err))
		goto out;
	raw = mail_get_decoded(&m, "Subject");
	if (raw)
		subj = clean_subject(raw);
	free(raw);
	mail_release(&m);
out:
	sb_release(&err);
	sb_release(&sb);
	return subj;
}

char *check_patch_file(const char *series_path, const char *patches_dir,
		       size_t index, const char *subject)
{
	struct series s;
	char *ret = NULL;

	if (!index || !path_exists(series_path) ||
	    series_load(&s, series_path, patches_dir))
		return NULL;
	if (index <= s.nr) {
		char *path = series_patch_path(&s, index - 1);
		char *subj = patch_subject(path);

		if (subj && subject && !strcmp(subj, subject))
			ret = xasprintf("patches/%s",
					s.entries[index - 1].name);
		free(subj);
		free(path);
	}
	series_release(&s);
	return ret;
}

/* Judging a range */

enum test_status check_row_status(const struct check_row *row,
				  const char *name, bool *present)
{
	const struct check_test *t = check_result_test(&row->r, name);

	*present = t != NULL;
	return t ? t->status : TS_NOTRUN;
}

bool check_is_failure(enum test_status s)
{
	return s == TS_FAIL || s == TS_TIMEOUT || s == TS_CRASH;
}

static void add_reason(struct check_row *row, const char *fmt, ...)
	__printf(2, 3);

static void add_reason(struct check_row *row, const char *fmt, ...)
{
	va_list ap;

	if (row->reasons.len)
		sb_addstr(&row->reasons, "; ");
	va_start(ap, fmt);
	sb_vaddf(&row->reasons, fmt, ap);
	va_end(ap);
	row->flagged = true;
}

/* The columns: the tests of the row that ran most, then any others. */
static void judge_columns(struct check_report *rep)
{
	size_t i, j, k, best = 0, alloc = 0;

	for (i = 1; i < rep->nr; i++)
		if (rep->rows[i].r.nr_tests > rep->rows[best].r.nr_tests)
			best = i;
	for (k = 0; k < rep->nr; k++) {
		size_t r = k == 0 ? best : (k <= best ? k - 1 : k);
		const struct check_result *res = &rep->rows[r].r;

		for (j = 0; j < res->nr_tests; j++) {
			for (i = 0; i < rep->nr_cols; i++)
				if (!strcmp(rep->cols[i], res->tests[j].name))
					break;
			if (i < rep->nr_cols)
				continue;
			ALLOC_GROW(rep->cols, rep->nr_cols + 1, alloc);
			rep->cols[rep->nr_cols++] =
				xstrdup(res->tests[j].name);
		}
	}
}

static void unjudge(struct check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nr_cols; i++)
		free(rep->cols[i]);
	free(rep->cols);
	rep->cols = NULL;
	rep->nr_cols = 0;
	for (i = 0; i < rep->nr; i++) {
		struct check_row *row = &rep->rows[i];

		wset_release(&row->added);
		wset_release(&row->fixed);
		free(row->prev);
		free(row->regressed);
		row->prev = NULL;
		row->regressed = NULL;
		sb_release(&row->reasons);
		row->flagged = false;
	}
}

void check_kind_counts(const struct wset *ws, size_t n[CHECK_KINDS])
{
	size_t i;

	memset(n, 0, CHECK_KINDS * sizeof(*n));
	for (i = 0; i < ws->nr; i++)
		n[warning_kind(&ws->w[i])]++;
}

/*
 * The findings row @i adds and fixes: the compiler's and sparse's
 * against the nearest earlier row that built, coccinelle's against the
 * patch's parent (whatever the builds); a reason for each kind added.
 */
static void judge_warnings(struct check_report *rep, size_t i)
{
	static const char *const what[CHECK_KINDS] = {
		[WK_GCC] = "warning",
		[WK_W1] = "W=1 warning",
		[WK_SPARSE] = "sparse warning",
		[WK_COCCI] = "coccinelle report",
	};
	struct check_row *row = &rep->rows[i];
	size_t j, k, n[CHECK_KINDS];

	if (row->r.build == CB_OK) {
		for (j = i; j-- > 0; )
			if (rep->rows[j].r.build == CB_OK)
				break;
		if (j < i)
			wset_diff(&rep->rows[j].r.warnings, &row->r.warnings,
				  &row->added, &row->fixed);
	}
	wset_copy(&row->added, &row->cocci_added);
	wset_copy(&row->fixed, &row->cocci_fixed);
	check_kind_counts(&row->added, n);
	for (k = 0; k < CHECK_KINDS; k++)
		if (n[k])
			add_reason(row, "%zu new %s%s", n[k], what[k],
				   n[k] == 1 ? "" : "s");
}

void check_judge(struct check_report *rep)
{
	size_t i, j, c;

	unjudge(rep);
	judge_columns(rep);
	rep->flagged = 0;
	for (i = 0; i < rep->nr; i++) {
		struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;
		bool booted_ok = r->booted && r->verdict == VV_OK;

		row->prev = xcalloc(rep->nr_cols + 1, sizeof(*row->prev));
		row->regressed = xcalloc(rep->nr_cols + 1, sizeof(bool));
		row->flagged = false;
		row->reference = i == 0;
		if (row->reference)
			continue;
		if (r->build == CB_FAIL)
			add_reason(row, "build failed");
		judge_warnings(rep, i);
		if (r->booted && r->verdict != VV_OK)
			add_reason(row, "boot: %s",
				   vm_verdict_name(r->verdict));
		for (c = 0; c < rep->nr_cols; c++) {
			const char *name = rep->cols[c];
			enum test_status shown, cur, prev = TS_NOTRUN;
			bool present, had = false, p2;
			bool bad = false;

			shown = cur = check_row_status(row, name, &present);
			if (!present)
				continue;
			for (j = i; j-- > 0; ) {
				prev = check_row_status(&rep->rows[j], name,
							&p2);
				if (p2 && prev != TS_NOTRUN) {
					had = true;
					break;
				}
			}
			row->prev[c] = had ? prev : TS_NOTRUN;
			if (cur == TS_NOTRUN && booted_ok)
				cur = TS_FAIL;	/* no result from a good boot */
			if (check_is_failure(cur))
				bad = !had || !(check_is_failure(prev) ||
						prev == TS_XFAIL);
			else if (cur == TS_XFAIL)
				bad = had && (prev == TS_PASS ||
					      prev == TS_XPASS);
			if (!bad)
				continue;
			/* A boot that died took its tests: say it once. */
			if (!booted_ok && (cur == TS_CRASH ||
					   cur == TS_TIMEOUT) &&
			    r->verdict != VV_OK && r->verdict != VV_HANG)
				continue;
			row->regressed[c] = true;
			if (had)
				add_reason(row, "%s %s->%s", name,
					   test_status_name(prev),
					   test_status_name(shown));
			else
				add_reason(row, "%s %s (no earlier result)",
					   name, test_status_name(shown));
		}
		if (row->flagged)
			rep->flagged++;
	}
}

void check_report_release(struct check_report *rep)
{
	size_t i;

	unjudge(rep);
	for (i = 0; i < rep->nr; i++) {
		check_result_release(&rep->rows[i].r);
		wset_release(&rep->rows[i].cocci_added);
		wset_release(&rep->rows[i].cocci_fixed);
		free(rep->rows[i].patch);
	}
	free(rep->rows);
	free(rep->from);
	free(rep->to);
	free(rep->tree);
	free(rep->accel_why);
	memset(rep, 0, sizeof(*rep));
}
