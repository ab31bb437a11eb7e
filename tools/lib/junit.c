// SPDX-License-Identifier: GPL-2.0
#include "junit.h"

#include <stdlib.h>
#include <string.h>

struct junit_case *junit_add(struct junit_suite *s, const char *name,
			     enum junit_outcome outcome, double secs,
			     const char *message, const char *details)
{
	struct junit_case *c;

	ALLOC_GROW(s->cases, s->nr + 1, s->alloc);
	c = &s->cases[s->nr++];
	c->name = name;
	c->outcome = outcome;
	c->secs = secs;
	c->message = message;
	c->details = details;
	return c;
}

void junit_suite_release(struct junit_suite *s)
{
	free(s->name);
	free(s->id);
	free(s->cases);
	memset(s, 0, sizeof(*s));
}

void junit_escape(struct strbuf *sb, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	for (; p && *p; p++) {
		switch (*p) {
		case '&':
			sb_addstr(sb, "&amp;");
			break;
		case '<':
			sb_addstr(sb, "&lt;");
			break;
		case '>':
			sb_addstr(sb, "&gt;");
			break;
		case '"':
			sb_addstr(sb, "&quot;");
			break;
		case '\'':
			sb_addstr(sb, "&apos;");
			break;
		case '\t':
		case '\n':
			sb_addch(sb, *p);
			break;
		default:
			if (*p >= 0x20 && *p != 0x7f)
				sb_addch(sb, *p);
			break;
		}
	}
}

static void count(const struct junit_suite *s, size_t *fail, size_t *skip,
		  double *secs)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		if (s->cases[i].outcome == JU_FAIL)
			(*fail)++;
		else if (s->cases[i].outcome == JU_SKIP)
			(*skip)++;
		if (s->cases[i].secs > 0)
			*secs += s->cases[i].secs;
	}
}

static void write_case(struct strbuf *sb, const struct junit_suite *s,
		       const struct junit_case *c)
{
	sb_addstr(sb, "    <testcase classname=\"");
	junit_escape(sb, s->name);
	sb_addstr(sb, "\" name=\"");
	junit_escape(sb, c->name);
	sb_addch(sb, '"');
	if (c->secs >= 0)
		sb_addf(sb, " time=\"%.3f\"", c->secs);
	if (c->outcome == JU_PASS) {
		sb_addstr(sb, "/>\n");
		return;
	}
	sb_addstr(sb, ">\n      <");
	sb_addstr(sb, c->outcome == JU_FAIL ? "failure" : "skipped");
	if (c->message) {
		sb_addstr(sb, " message=\"");
		junit_escape(sb, c->message);
		sb_addch(sb, '"');
	}
	if (c->details && *c->details) {
		sb_addch(sb, '>');
		junit_escape(sb, c->details);
		sb_addf(sb, "</%s>\n",
			c->outcome == JU_FAIL ? "failure" : "skipped");
	} else {
		sb_addstr(sb, "/>\n");
	}
	sb_addstr(sb, "    </testcase>\n");
}

void junit_write(struct strbuf *sb, const struct junit_suite *suites,
		 size_t nr)
{
	size_t i, j, tests = 0, fail = 0, skip = 0;
	double secs = 0;

	for (i = 0; i < nr; i++) {
		tests += suites[i].nr;
		count(&suites[i], &fail, &skip, &secs);
	}
	sb_addstr(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_addf(sb, "<testsuites tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		tests, fail, skip, secs);
	for (i = 0; i < nr; i++) {
		const struct junit_suite *s = &suites[i];
		size_t f = 0, k = 0;
		double t = 0;

		count(s, &f, &k, &t);
		sb_addstr(sb, "  <testsuite name=\"");
		junit_escape(sb, s->name);
		sb_addch(sb, '"');
		if (s->id) {
			sb_addstr(sb, " id=\"");
			junit_escape(sb, s->id);
			sb_addch(sb, '"');
		}
		sb_addf(sb, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
			s->nr, f, k, t);
		for (j = 0; j < s->nr; j++)
			write_case(sb, s, &s->cases[j]);
		sb_addstr(sb, "  </testsuite>\n");
	}
	sb_addstr(sb, "</testsuites>\n");
}
