/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JUnit XML, the form CI systems read test reports in:
 *
 *	<testsuites tests="N" failures="N" skipped="N">
 *	  <testsuite name="..." tests="N" failures="N" skipped="N" time="S">
 *	    <testcase classname="..." name="..." time="S">
 *	      <failure message="...">details</failure>   or  <skipped/>
 *	    </testcase>
 *	  </testsuite>
 *	</testsuites>
 *
 * Text is escaped for XML; bytes that XML 1.0 does not allow (control
 * characters other than tab and newline) are dropped.
 */
#ifndef KSERIES_JUNIT_H
#define KSERIES_JUNIT_H

#include <stddef.h>

#include "util.h"

enum junit_outcome { JU_PASS, JU_FAIL, JU_SKIP };

struct junit_case {
	const char *name;
	enum junit_outcome outcome;
	double secs;		/* < 0: not known */
	const char *message;	/* a failure's or skip's one line */
	const char *details;	/* a failure's text, or NULL */
};

struct junit_suite {
	char *name;
	char *id;		/* e.g. the commit, or NULL */
	struct junit_case *cases;
	size_t nr, alloc;
};

/* Append a case to @s (strings are not copied: keep them alive). */
struct junit_case *junit_add(struct junit_suite *s, const char *name,
			     enum junit_outcome outcome, double secs,
			     const char *message, const char *details);
void junit_suite_release(struct junit_suite *s);

/* Escape @text for XML character data or attribute values. */
void junit_escape(struct strbuf *sb, const char *text);
/* The whole document of @nr suites. */
void junit_write(struct strbuf *sb, const struct junit_suite *suites,
		 size_t nr);

#endif
