/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read a guest's console log the way a kernel developer does: find the
 * panics, oopses, BUGs, KASAN reports, lockdep splats, UBSAN reports,
 * WARNs and hung-task or RCU stall reports, and quote them (the line and
 * a few after it), with the test that was running then (the init marks
 * each test with "ks: ===== begin suite/name" and "ks: ===== end
 * suite/name rc=N ms=N").
 */
#ifndef KSERIES_CONSOLE_H
#define KSERIES_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* Ordered by severity: the worst kind found decides the verdict. */
enum console_kind {
	CK_NONE,
	CK_HANG,	/* hung task, RCU stall */
	CK_WARN,	/* WARNING: CPU: ... */
	CK_UBSAN,	/* UBSAN: shift-out-of-bounds in ... */
	CK_LOCKDEP,	/* lockdep and RCU-lockdep splats */
	CK_KASAN,	/* BUG: KASAN: use-after-free in ... */
	CK_OOPS,	/* Oops, general protection fault, invalid opcode */
	CK_BUG,		/* BUG: ..., kernel BUG at ... */
	CK_PANIC,	/* Kernel panic - not syncing */
	CK_NR
};

struct console_evidence {
	enum console_kind kind;	/* the worst kind in this block */
	unsigned int line;	/* 1-based line of the first match */
	char *test;		/* running test ("suite/name"), or NULL */
	char *text;		/* the quoted lines, '\n'-terminated */
	char *sig;		/* what the report is, whatever the run:
				 * console_signature() */
};

struct console_report {
	struct console_evidence *ev;
	size_t nr, alloc;
	unsigned int counts[CK_NR];	/* matching lines per kind */
	enum console_kind worst;
	unsigned int lines;
};

/*
 * What a report is, the same in two runs of two builds: its kind, its
 * first line without timestamp, numbers, addresses, offsets and line
 * numbers, and the first three frames of its call trace that are not the
 * reporting machinery (dump_stack, kasan_report, __ubsan_handle_*, ...):
 * "kasan: BUG: KASAN: use-after-free in f [f < g < h]". @text from the
 * report's first line on (the rest of the log may follow).
 */
char *console_signature(enum console_kind kind, const char *text, size_t len);

/* The kind of one console line (timestamp and facility prefix allowed). */
enum console_kind console_classify_line(const char *line);
const char *console_kind_name(enum console_kind kind);

/*
 * Scan a console log; quote each match with @context lines after it (a
 * match within a block's quoted lines joins that block), keeping at most
 * @max blocks.
 */
void console_scan(const char *text, size_t len, unsigned int context,
		  size_t max, struct console_report *r);
void console_report_release(struct console_report *r);

/*
 * The last @max_lines lines a test printed on the console (between its
 * begin and end markers, or to the end of the log if it never ended),
 * up to the first kernel report (a panic's trace is quoted as evidence);
 * NULL if the test never began.
 */
char *console_test_output(const char *text, const char *test,
			  unsigned int max_lines);

#endif
