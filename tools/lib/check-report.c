// SPDX-License-Identifier: GPL-2.0
/*
 * The reports of a judged range: the matrix for people, JSON, JUnit
 * XML and TAP.
 */
#include "check.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check-int.h"
#include "json.h"
#include "junit.h"

/* Output */

#define SUBJECT_WIDTH	44

static void row_label(struct strbuf *sb, const struct check_row *row,
		      int width)
{
	const char *subj = row->r.subject ? row->r.subject : "";
	int n;

	if (row->index == 0 && row->reference)
		subj = "(base)";
	n = (int)strlen(subj);
	if (width > 0 && n > width - 5)
		sb_addf(sb, "%04zu %.*s~", row->index, width - 6, subj);
	else
		sb_addf(sb, "%04zu %-*s", row->index,
			width > 0 ? width - 5 : 0, subj);
}

static void quote_lines(struct strbuf *sb, const char *text,
			const char *prefix, unsigned int max)
{
	const char *p = text;
	unsigned int n = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (n++ == max) {
			sb_addf(sb, "%s...\n", prefix);
			break;
		}
		sb_addf(sb, "%s%.*s\n", prefix, len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* The accelerator line, and the rows that ran under another one. */
static void matrix_accel(const struct check_report *rep, struct strbuf *sb)
{
	size_t i;

	if (rep->build_only || !rep->accel[0])
		return;
	sb_addf(sb, "guest accelerator: %s (%s)\n", rep->accel,
		rep->accel_why ? rep->accel_why : "");
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];

		if (!row->r.booted || !row->r.accel[0] ||
		    !strcmp(row->r.accel, rep->accel))
			continue;
		sb_addstr(sb, "  but under ");
		sb_addstr(sb, row->r.accel);
		sb_addstr(sb, ": ");
		row_label(sb, row, 0);
		sb_addch(sb, '\n');
	}
}

static void matrix_header(const struct check_report *rep, struct strbuf *sb)
{
	size_t c;
	int pad = SUBJECT_WIDTH + 1 + 6 + 4 + 4 + 1 + 12;

	matrix_accel(rep, sb);

	if (rep->nr_cols >= 10) {
		sb_addf(sb, "%*s", pad, "");
		for (c = 0; c < rep->nr_cols; c++)
			sb_addch(sb, (c + 1) % 10 ? ' ' :
				 '0' + ((c + 1) / 10) % 10);
		sb_addch(sb, '\n');
	}
	sb_addf(sb, "%-*s %-6s %3s %3s", SUBJECT_WIDTH, "patch", "build",
		"+w", "-w");
	if (!rep->build_only)
		sb_addf(sb, " %-12s", "boot");
	for (c = 0; c < rep->nr_cols; c++)
		sb_addch(sb, '0' + (c + 1) % 10);
	sb_addch(sb, '\n');
}

void check_format_matrix(const struct check_report *rep, struct strbuf *sb)
{
	size_t i, c;

	matrix_header(rep, sb);
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;

		row_label(sb, row, SUBJECT_WIDTH);
		sb_addf(sb, " %-6s", check_build_name(r->build));
		if (r->build == CB_OK && !row->reference)
			sb_addf(sb, " %3zu %3zu", row->added.nr,
				row->fixed.nr);
		else if (r->build == CB_OK)
			sb_addf(sb, " %3zu %3s", r->warnings.nr, "");
		else
			sb_addf(sb, " %3s %3s", "-", "-");
		if (!rep->build_only)
			sb_addf(sb, " %-12s", r->booted ?
				vm_verdict_name(r->verdict) : "-");
		for (c = 0; c < rep->nr_cols; c++) {
			bool present;
			enum test_status s = check_row_status(row,
							rep->cols[c], &present);
			char ch = check_status_char(s);

			sb_addch(sb, ch);
		}
		if (row->flagged)
			sb_addstr(sb, "  <-");
		sb_addch(sb, '\n');
	}
	if (rep->nr_cols) {
		sb_addstr(sb, "\ntests:");
		for (c = 0; c < rep->nr_cols; c++)
			sb_addf(sb, "%s%zu %s", c % 4 ? "   " : "\n  ", c + 1,
				rep->cols[c]);
		sb_addstr(sb, "\n");
	}
	sb_addstr(sb, "\nbuild: ok/FAIL; +w/-w: warnings added/fixed against the last patch that\n"
		  "built (the first row: its total); boot: the verdict; tests: P pass, S skip,\n"
		  "F fail, x known failure, - not run; <- this patch is flagged\n");
	if (!rep->flagged) {
		sb_addf(sb, "\nno patch flagged: %zu patch%s build%s",
			rep->nr ? rep->nr - 1 : 0,
			rep->nr == 2 ? "" : "es", rep->nr == 2 ? "s" : "");
		if (!rep->build_only)
			sb_addstr(sb, ", boot, and no test regresses");
		sb_addstr(sb, "\n");
	}
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;
		size_t j;

		if (!row->flagged && !row->fixed.nr &&
		    !(row->reference && (r->build != CB_OK ||
					 (r->booted && r->verdict != VV_OK))))
			continue;
		sb_addch(sb, '\n');
		row_label(sb, row, 0);
		sb_addf(sb, " (%.12s)", r->commit);
		if (row->patch)
			sb_addf(sb, " %s", row->patch);
		sb_addf(sb, "\n  %s\n", row->flagged ? row->reasons.buf :
			row->reference ? "(the reference, not judged)" :
			"not flagged");
		if (r->build == CB_FAIL && r->errors) {
			sb_addstr(sb, "  build errors:\n");
			quote_lines(sb, r->errors, "  ", 12);
			if (r->log && !access(r->log, F_OK))
				sb_addf(sb, "  log: %s\n", r->log);
		}
		for (j = 0; j < row->added.nr; j++)
			sb_addf(sb, "  + warning: %s%s%s\n",
				row->added.w[j].file,
				*row->added.w[j].file ? ": " : "",
				row->added.w[j].msg);
		for (j = 0; j < row->fixed.nr; j++)
			sb_addf(sb, "  - warning (fixed): %s%s%s\n",
				row->fixed.w[j].file,
				*row->fixed.w[j].file ? ": " : "",
				row->fixed.w[j].msg);
		if (r->booted && r->verdict != VV_OK) {
			sb_addf(sb, "  boot: %s\n", vm_verdict_name(r->verdict));
			quote_lines(sb, r->evidence, "    | ", 8);
		}
		for (c = 0; c < rep->nr_cols; c++) {
			const struct check_test *t;

			if (!row->regressed[c])
				continue;
			t = check_result_test(r, rep->cols[c]);
			sb_addf(sb, "  %s: %s", rep->cols[c],
				test_status_name(t->status));
			if (t->reason)
				sb_addf(sb, " (%s)", t->reason);
			sb_addch(sb, '\n');
			quote_lines(sb, t->output, "    | ", 10);
		}
	}
}

static void json_wset(struct strbuf *sb, const char *key,
		      const struct wset *ws)
{
	size_t i;

	json_key(sb, key);
	sb_addch(sb, '[');
	for (i = 0; i < ws->nr; i++) {
		sb_addstr(sb, i ? ",{" : "{");
		json_key(sb, "file");
		json_str(sb, ws->w[i].file);
		sb_addch(sb, ',');
		json_key(sb, "message");
		json_str(sb, ws->w[i].msg);
		sb_addch(sb, '}');
	}
	sb_addch(sb, ']');
}

static void json_opt_str(struct strbuf *sb, const char *s)
{
	if (s)
		json_str(sb, s);
	else
		sb_addstr(sb, "null");
}

void check_format_json(const struct check_report *rep, struct strbuf *sb)
{
	size_t i, c;

	sb_addch(sb, '{');
	json_key(sb, "tree");
	json_opt_str(sb, rep->tree);
	sb_addch(sb, ',');
	json_key(sb, "from");
	json_opt_str(sb, rep->from);
	sb_addch(sb, ',');
	json_key(sb, "to");
	json_opt_str(sb, rep->to);
	sb_addch(sb, ',');
	json_key(sb, "accel");
	json_opt_str(sb, rep->accel[0] ? rep->accel : NULL);
	sb_addch(sb, ',');
	json_key(sb, "accel_reason");
	json_opt_str(sb, rep->accel_why);
	sb_addf(sb, ",\"build_only\":%s,\"flagged\":%u,\"tests\":[",
		rep->build_only ? "true" : "false", rep->flagged);
	for (c = 0; c < rep->nr_cols; c++) {
		if (c)
			sb_addch(sb, ',');
		json_str(sb, rep->cols[c]);
	}
	sb_addstr(sb, "],\"patches\":[");
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;

		if (i)
			sb_addch(sb, ',');
		sb_addf(sb, "{\"index\":%zu,", row->index);
		json_key(sb, "commit");
		json_str(sb, r->commit);
		sb_addch(sb, ',');
		json_key(sb, "subject");
		json_opt_str(sb, r->subject);
		sb_addch(sb, ',');
		json_key(sb, "patch");
		json_opt_str(sb, row->patch);
		sb_addf(sb, ",\"reference\":%s,\"flagged\":%s,",
			row->reference ? "true" : "false",
			row->flagged ? "true" : "false");
		json_key(sb, "reasons");
		json_str(sb, row->reasons.buf ? row->reasons.buf : "");
		sb_addf(sb, ",\"cached\":%s,\"total_secs\":%.3f,",
			r->cached ? "true" : "false", r->total_secs);
		json_key(sb, "build");
		sb_addch(sb, '{');
		json_key(sb, "status");
		json_str(sb, r->build == CB_OK ? "ok" : r->build == CB_FAIL ?
			 "fail" : "not run");
		sb_addf(sb, ",\"make_secs\":%.3f,\"compiled\":%u,",
			r->make_secs, r->compiled);
		json_key(sb, "errors");
		json_opt_str(sb, r->errors);
		sb_addch(sb, ',');
		json_key(sb, "log");
		json_opt_str(sb, r->log);
		sb_addch(sb, ',');
		json_key(sb, "same_build");
		json_opt_str(sb, r->same_build[0] ? r->same_build : NULL);
		sb_addstr(sb, "},\"warnings\":{");
		sb_addf(sb, "\"total\":%zu,", r->warnings.nr);
		json_wset(sb, "added", &row->added);
		sb_addch(sb, ',');
		json_wset(sb, "fixed", &row->fixed);
		sb_addstr(sb, "},\"boot\":");
		if (r->booted) {
			sb_addch(sb, '{');
			json_key(sb, "verdict");
			json_str(sb, vm_verdict_name(r->verdict));
			sb_addch(sb, ',');
			json_key(sb, "accel");
			json_opt_str(sb, r->accel[0] ? r->accel : NULL);
			sb_addf(sb, ",\"qemu_secs\":%.3f,\"boots\":%u,\"retries\":%u,",
				r->boot_secs, r->boots, r->retries);
			json_key(sb, "evidence");
			json_opt_str(sb, r->evidence);
			sb_addch(sb, '}');
		} else {
			sb_addstr(sb, "null");
		}
		sb_addstr(sb, ",\"tests\":[");
		for (c = 0; c < r->nr_tests; c++) {
			const struct check_test *t = &r->tests[c];
			size_t col;

			for (col = 0; col < rep->nr_cols; col++)
				if (!strcmp(rep->cols[col], t->name))
					break;
			if (c)
				sb_addch(sb, ',');
			sb_addch(sb, '{');
			json_key(sb, "name");
			json_str(sb, t->name);
			sb_addch(sb, ',');
			json_key(sb, "status");
			json_str(sb, test_status_name(t->status));
			sb_addch(sb, ',');
			json_key(sb, "previous");
			if (col < rep->nr_cols &&
			    row->prev[col] != TS_NOTRUN)
				json_str(sb, test_status_name(row->prev[col]));
			else
				sb_addstr(sb, "null");
			sb_addf(sb, ",\"regression\":%s,",
				col < rep->nr_cols && row->regressed[col] ?
				"true" : "false");
			if (t->secs >= 0)
				sb_addf(sb, "\"secs\":%.3f,", t->secs);
			else
				sb_addstr(sb, "\"secs\":null,");
			json_key(sb, "reason");
			json_opt_str(sb, t->reason);
			sb_addch(sb, ',');
			json_key(sb, "output");
			json_opt_str(sb, t->output);
			sb_addch(sb, '}');
		}
		sb_addstr(sb, "]}");
	}
	sb_addstr(sb, "]}\n");
}

void check_format_junit(const struct check_report *rep, struct strbuf *sb)
{
	struct junit_suite *suites = xcalloc(rep->nr + 1, sizeof(*suites));
	struct strbuf *texts;
	size_t i, c, nt = 0;

	/* Strings the cases point at: two a row, one a test. */
	for (i = 0; i < rep->nr; i++)
		nt += 2 + rep->rows[i].r.nr_tests;
	texts = xcalloc(nt + 1, sizeof(*texts));
	nt = 0;
	for (i = 0; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];
		const struct check_result *r = &row->r;
		struct junit_suite *s = &suites[i];
		struct strbuf name = STRBUF_INIT;
		struct strbuf *w = &texts[nt++], *b = &texts[nt++];
		size_t j;

		row_label(&name, row, 0);
		s->name = sb_detach(&name);
		s->id = xstrdup(r->commit);
		if (r->build == CB_NOTRUN)
			junit_add(s, "build", JU_SKIP, -1, "not built", NULL);
		else
			junit_add(s, "build", r->build == CB_OK ? JU_PASS :
				  JU_FAIL, r->make_secs, "the build failed",
				  r->errors);
		for (j = 0; j < row->added.nr; j++)
			sb_addf(w, "%s: %s\n", row->added.w[j].file,
				row->added.w[j].msg);
		if (r->build == CB_OK)
			junit_add(s, "warnings", row->added.nr && !row->reference ?
				  JU_FAIL : JU_PASS, -1,
				  "new compiler warnings", w->buf);
		if (!r->booted) {
			junit_add(s, "boot", JU_SKIP, -1, rep->build_only ?
				  "build only" : "not booted", NULL);
		} else {
			/* The case's name says which accelerator ran it. */
			const char *name = !strcmp(r->accel, "kvm") ?
					   "boot (kvm)" :
					   !strcmp(r->accel, "tcg") ?
					   "boot (tcg)" : "boot";

			sb_addf(b, "boot: %s", vm_verdict_name(r->verdict));
			junit_add(s, name, r->verdict == VV_OK ? JU_PASS :
				  JU_FAIL, r->boot_secs, b->buf, r->evidence);
		}
		for (c = 0; c < rep->nr_cols; c++) {
			const struct check_test *t =
				check_result_test(r, rep->cols[c]);
			struct strbuf *m;

			if (!t)
				continue;
			m = &texts[nt++];
			if (row->regressed[c]) {
				if (row->prev[c] != TS_NOTRUN)
					sb_addf(m, "%s -> %s",
						test_status_name(row->prev[c]),
						test_status_name(t->status));
				else
					sb_addf(m, "%s (no earlier result)",
						test_status_name(t->status));
				if (t->reason)
					sb_addf(m, ": %s", t->reason);
				junit_add(s, t->name, JU_FAIL, t->secs, m->buf,
					  t->output);
			} else if (t->status == TS_PASS ||
				   t->status == TS_XPASS ||
				   (row->reference &&
				    !check_is_failure(t->status) &&
				    t->status != TS_NOTRUN && t->status !=
				    TS_SKIP)) {
				junit_add(s, t->name, JU_PASS, t->secs, NULL,
					  NULL);
			} else {
				sb_addf(m, "%s%s%s", test_status_name(t->status),
					t->reason ? ": " : "",
					t->reason ? t->reason : "");
				junit_add(s, t->name, JU_SKIP, t->secs, m->buf,
					  NULL);
			}
		}
	}
	junit_write(sb, suites, rep->nr);
	for (i = 0; i < rep->nr; i++)
		junit_suite_release(&suites[i]);
	free(suites);
	for (i = 0; i < nt; i++)
		sb_release(&texts[i]);
	free(texts);
}

void check_format_tap(const struct check_report *rep, struct strbuf *sb)
{
	size_t i;

	if (rep->accel[0] && !rep->build_only)
		sb_addf(sb, "# guest accelerator: %s (%s)\n", rep->accel,
			rep->accel_why ? rep->accel_why : "");
	sb_addf(sb, "1..%zu\n", rep->nr ? rep->nr - 1 : 0);
	for (i = 1; i < rep->nr; i++) {
		const struct check_row *row = &rep->rows[i];

		sb_addf(sb, "%sok %zu - ", row->flagged ? "not " : "", i);
		row_label(sb, row, 0);
		if (row->flagged)
			sb_addf(sb, " # %s", row->reasons.buf);
		sb_addch(sb, '\n');
	}
}
