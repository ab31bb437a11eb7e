// SPDX-License-Identifier: GPL-2.0
/*
 * The reports of a judged range: the matrix for people, JSON, JUnit
 * XML and TAP.
 */
#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The findings columns: a kind each (lib/warnings). */
#define KIND_WIDTH	7

/*
 * @row's cells of the findings columns: "+A-F" added and fixed against
 * the parent, "." neither; the reference its totals; "-" not known (the
 * build failed; sparse and coccinelle with --no-static).
 */
static void matrix_kinds(const struct check_report *rep,
			 const struct check_row *row, struct strbuf *sb)
{
	size_t add[CHECK_KINDS], fix[CHECK_KINDS], k;
	bool built = row->r.build == CB_OK;

	check_kind_counts(row->reference ? &row->r.warnings : &row->added,
			  add);
	check_kind_counts(&row->fixed, fix);
	for (k = 0; k < CHECK_KINDS; k++) {
		bool is_static = k == WK_SPARSE || k == WK_COCCI;
		char cell[48];

		if (is_static && !rep->static_checks)
			snprintf(cell, sizeof(cell), "-");
		else if (k == WK_COCCI && row->reference)
			snprintf(cell, sizeof(cell), "-");
		else if (k != WK_COCCI && !built)
			snprintf(cell, sizeof(cell), "-");
		else if (row->reference)
			snprintf(cell, sizeof(cell), "%zu", add[k]);
		else if (add[k] && fix[k])
			snprintf(cell, sizeof(cell), "+%zu-%zu", add[k], fix[k]);
		else if (add[k] || fix[k])
			snprintf(cell, sizeof(cell), "%c%zu",
				 add[k] ? '+' : '-', add[k] ? add[k] : fix[k]);
		else
			snprintf(cell, sizeof(cell), ".");
		sb_addf(sb, " %*s", KIND_WIDTH - 1, cell);
	}
}

static void matrix_header(const struct check_report *rep, struct strbuf *sb)
{
	size_t c, k;
	int pad = SUBJECT_WIDTH + 1 + 6 + CHECK_KINDS * KIND_WIDTH + 1 + 12;

	matrix_accel(rep, sb);

	if (rep->nr_cols >= 10) {
		sb_addf(sb, "%*s", pad, "");
		for (c = 0; c < rep->nr_cols; c++)
			sb_addch(sb, (c + 1) % 10 ? ' ' :
				 '0' + ((c + 1) / 10) % 10);
		sb_addch(sb, '\n');
	}
	sb_addf(sb, "%-*s %-6s", SUBJECT_WIDTH, "patch", "build");
	for (k = 0; k < CHECK_KINDS; k++)
		sb_addf(sb, " %*s", KIND_WIDTH - 1, warning_kind_name(k));
	if (!rep->build_only)
		sb_addf(sb, " %-12s", "boot");
	for (c = 0; c < rep->nr_cols; c++)
		sb_addch(sb, '0' + (c + 1) % 10);
	sb_addch(sb, '\n');
}

/* "  + sparse: lib/x.c: sparse: incorrect type ..." and the like. */
static void finding_line(struct strbuf *sb, const char *sign,
			 const char *what, const struct warning *w)
{
	enum warning_kind k = warning_kind(w);

	sb_addf(sb, "  %s %s%s: %s%s%s\n", sign,
		k == WK_GCC ? "warning" : warning_kind_name(k), what, w->file,
		*w->file ? ": " : "", w->msg);
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
		matrix_kinds(rep, row, sb);
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
	sb_addstr(sb, "\nbuild: ok/FAIL; gcc, W=1, sparse, cocci: findings of each kind added (+N)\n"
		  "and fixed (-N) against the last patch that built (cocci: the patch's parent;\n"
		  "the first row: its totals), . none, - not known; boot: the verdict; tests:\n"
		  "P pass, S skip, F fail, x known failure, - not run; <- this patch is flagged\n");
	if (!rep->static_checks)
		sb_addstr(sb, "sparse and coccinelle did not run (--no-static)\n");
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
			finding_line(sb, "+", "", &row->added.w[j]);
		for (j = 0; j < row->fixed.nr; j++)
			finding_line(sb, "-", " (fixed)", &row->fixed.w[j]);
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

/*
 * The JSON report, built as jansson values (json.h): keys in the order
 * they are set, text through json_text(), seconds rounded to the
 * millisecond as "%.3f" rounds them.
 */

/* At most 15 significant digits: every "%.3f" value is written exactly. */
#define REPORT_DIGITS	15

/*
 * As json_dump_sb(), with reals of up to REPORT_DIGITS significant digits
 * (json_dump_sb() keeps 6: a make of 1234.567 s would be 1234.57).
 */
static int dump_exact(const json_t *j, struct strbuf *sb)
{
	return json_dump_sb_digits(j, sb, REPORT_DIGITS);
}

/* [{"file": ..., "message": ...}, ...] */
static json_t *wset_json(const struct wset *ws)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < ws->nr; i++) {
		json_t *w = json_object();

		json_set_text(w, "kind",
			      warning_kind_name(warning_kind(&ws->w[i])));
		json_set_text(w, "file", ws->w[i].file);
		json_set_text(w, "message", ws->w[i].msg);
		json_array_append_new(a, w);
	}
	return a;
}

static json_t *build_json(const struct check_result *r)
{
	json_t *b = json_object();

	json_set_text(b, "status", r->build == CB_OK ? "ok" :
		      r->build == CB_FAIL ? "fail" : "not run");
	json_object_set_new(b, "make_secs", json_round(r->make_secs, 3));
	json_object_set_new(b, "compiled", json_integer(r->compiled));
	json_object_set_new(b, "errors", json_text_or_null(r->errors));
	json_object_set_new(b, "log", json_text_or_null(r->log));
	json_object_set_new(b, "same_build", json_text_or_null(r->same_build[0] ?
							    r->same_build :
							    NULL));
	return b;
}

static json_t *warnings_json(const struct check_row *row)
{
	json_t *w = json_object();

	json_t *kinds = json_object();
	size_t add[CHECK_KINDS], fix[CHECK_KINDS], tot[CHECK_KINDS], k;

	check_kind_counts(&row->added, add);
	check_kind_counts(&row->fixed, fix);
	check_kind_counts(&row->r.warnings, tot);
	json_object_set_new(w, "total", json_integer(row->r.warnings.nr));
	json_object_set_new(w, "added", wset_json(&row->added));
	json_object_set_new(w, "fixed", wset_json(&row->fixed));
	/* Per kind; coccinelle's total is not known (it sees the patch). */
	for (k = 0; k < CHECK_KINDS; k++) {
		json_t *o = json_object();

		json_object_set_new(o, "added", json_integer(add[k]));
		json_object_set_new(o, "fixed", json_integer(fix[k]));
		json_object_set_new(o, "total", k == WK_COCCI ? json_null() :
				    json_integer(tot[k]));
		json_object_set_new(kinds, warning_kind_name(k), o);
	}
	json_object_set_new(w, "by_kind", kinds);
	return w;
}

/* The boot of @r, or null when it was not booted. */
static json_t *boot_json(const struct check_result *r)
{
	json_t *b;

	if (!r->booted)
		return json_null();
	b = json_object();
	json_set_text(b, "verdict", vm_verdict_name(r->verdict));
	json_object_set_new(b, "accel", json_text_or_null(r->accel[0] ?
						      r->accel : NULL));
	json_object_set_new(b, "qemu_secs", json_round(r->boot_secs, 3));
	json_object_set_new(b, "boots", json_integer(r->boots));
	json_object_set_new(b, "retries", json_integer(r->retries));
	json_object_set_new(b, "evidence", json_text_or_null(r->evidence));
	return b;
}

/* Test @t of @row, judged against the column it is in. */
static json_t *test_json(const struct check_report *rep,
			 const struct check_row *row,
			 const struct check_test *t)
{
	json_t *o = json_object();
	size_t col;

	for (col = 0; col < rep->nr_cols; col++)
		if (!strcmp(rep->cols[col], t->name))
			break;
	json_set_text(o, "name", t->name);
	json_set_text(o, "status", test_status_name(t->status));
	json_object_set_new(o, "previous",
			    col < rep->nr_cols && row->prev[col] != TS_NOTRUN ?
			    json_text(test_status_name(row->prev[col])) :
			    json_null());
	json_object_set_new(o, "regression",
			    json_boolean(col < rep->nr_cols &&
					 row->regressed[col]));
	json_object_set_new(o, "secs", json_secs(t->secs));
	json_object_set_new(o, "reason", json_text_or_null(t->reason));
	json_object_set_new(o, "output", json_text_or_null(t->output));
	return o;
}

static json_t *row_json(const struct check_report *rep,
			const struct check_row *row)
{
	const struct check_result *r = &row->r;
	json_t *o = json_object(), *tests = json_array();
	size_t c;

	json_object_set_new(o, "index", json_integer(row->index));
	json_set_text(o, "commit", r->commit);
	json_object_set_new(o, "subject", json_text_or_null(r->subject));
	json_object_set_new(o, "patch", json_text_or_null(row->patch));
	json_object_set_new(o, "reference", json_boolean(row->reference));
	json_object_set_new(o, "flagged", json_boolean(row->flagged));
	json_set_text(o, "reasons", row->reasons.buf);
	json_object_set_new(o, "cached", json_boolean(r->cached));
	json_object_set_new(o, "total_secs", json_round(r->total_secs, 3));
	json_object_set_new(o, "build", build_json(r));
	json_object_set_new(o, "warnings", warnings_json(row));
	json_object_set_new(o, "boot", boot_json(r));
	for (c = 0; c < r->nr_tests; c++)
		json_array_append_new(tests, test_json(rep, row, &r->tests[c]));
	json_object_set_new(o, "tests", tests);
	return o;
}

void check_format_json(const struct check_report *rep, struct strbuf *sb)
{
	json_t *o = json_object(), *cols = json_array(), *rows = json_array();
	size_t i;

	json_object_set_new(o, "tree", json_text_or_null(rep->tree));
	json_object_set_new(o, "from", json_text_or_null(rep->from));
	json_object_set_new(o, "to", json_text_or_null(rep->to));
	json_object_set_new(o, "accel", json_text_or_null(rep->accel[0] ?
						      rep->accel : NULL));
	json_object_set_new(o, "accel_reason", json_text_or_null(rep->accel_why));
	json_object_set_new(o, "build_only", json_boolean(rep->build_only));
	json_object_set_new(o, "static", json_boolean(rep->static_checks));
	json_object_set_new(o, "cocci_secs", json_round(rep->cocci_secs, 3));
	json_object_set_new(o, "flagged", json_integer(rep->flagged));
	for (i = 0; i < rep->nr_cols; i++)
		json_array_append_new(cols, json_text(rep->cols[i]));
	json_object_set_new(o, "tests", cols);
	for (i = 0; i < rep->nr; i++)
		json_array_append_new(rows, row_json(rep, &rep->rows[i]));
	json_object_set_new(o, "patches", rows);
	if (dump_exact(o, sb))
		warning("cannot write the JSON report");
	sb_addch(sb, '\n');
	json_decref(o);
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
			sb_addf(w, "%s: %s: %s\n",
				warning_kind_name(warning_kind(&row->added.w[j])),
				row->added.w[j].file, row->added.w[j].msg);
		if (r->build == CB_OK || row->added.nr)
			junit_add(s, "warnings", row->added.nr && !row->reference ?
				  JU_FAIL : JU_PASS, -1,
				  "new warnings or static-analysis findings",
				  w->buf);
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
