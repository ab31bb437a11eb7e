/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A patch as `git format-patch` writes it: mail headers (author, date,
 * subject), the commit message, and a git diff of one or more files.
 * The header values are decoded by lib/mailhdr.c (included here for the
 * callers of parse_mail_date(), clean_subject() and the decoders).
 */
#ifndef KSERIES_PATCH_H
#define KSERIES_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailhdr.h"
#include "util.h"

struct hunk_line {
	char kind;		/* ' ', '-' or '+' */
	bool no_eol;		/* followed by "\ No newline at end of file" */
	const char *text;	/* without the kind character and newline */
	size_t len;
};

struct hunk {
	long old_start, old_count;
	long new_start, new_count;
	int line_no;		/* line of the "@@" in the patch file */
	char *section;		/* text after the closing "@@", may be "" */
	struct hunk_line *lines;
	size_t nr, alloc;
};

struct file_patch {
	char *old_path;		/* NULL when the file is created */
	char *new_path;		/* NULL when the file is deleted */
	unsigned int old_mode, new_mode;	/* 0 when unknown */
	bool is_new, is_delete, is_rename, is_copy, is_binary;
	int similarity;		/* "similarity index N%" of a rename/copy */
	int line_no;		/* line of "diff --git" */
	struct hunk *hunks;
	size_t nr_hunks, alloc_hunks;
};

struct patch {
	char *name;		/* for messages, e.g. "patches/0001-x.patch" */
	char *author_name;
	char *author_email;
	int64_t time;		/* author date, seconds since the epoch */
	int tz_minutes;		/* its UTC offset */
	char *subject;		/* without "[PATCH ...]" and unfolded */
	char *body;		/* message after the subject; "" if none */
	struct file_patch *files;
	size_t nr_files, alloc_files;
	char *text;		/* the whole patch; hunk lines point here */
};

/*
 * Parse @len bytes at @buf (copied) as a patch named @name. On error
 * returns -1 and describes the problem, with its line, in @err.
 */
int patch_parse(struct patch *p, const char *name, const char *buf,
		size_t len, struct strbuf *err);
void patch_release(struct patch *p);

/* The commit message: subject, blank line, body. Ends with a newline. */
char *patch_message(const struct patch *p);

#endif
