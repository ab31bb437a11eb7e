/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A patch series in a mailbox: which mails are its patches (the newest
 * version, complete, in order), its cover letter, and the review trailers
 * (Reviewed-by, Acked-by, Tested-by) that replies gave to a patch, or to
 * the cover letter and so to every patch.
 */
#ifndef KSERIES_THREAD_H
#define KSERIES_THREAD_H

#include <stdbool.h>

#include "mbox.h"
#include "patch.h"
#include "util.h"

struct thread_patch {
	const struct mail *mail;
	struct patch patch;	/* author, date, subject, message, files */
	char *rest;		/* what follows "---": diffstat, diff, ... */
	char **trailers;	/* "Reviewed-by: A <a@b>" picked up */
	size_t nr_trailers, alloc_trailers;
};

struct thread_series {
	int version, total;
	const struct mail *cover;	/* NULL without one */
	char *title;			/* the cover's, else patch 1's subject */
	struct thread_patch *patches;	/* @total of them, in order */
	char **notes;			/* what was left aside, and why */
	size_t nr_notes, alloc_notes;
};

/* Whether @path may be a file of the kernel tree. */
typedef bool (*thread_path_fn)(void *data, const char *path);

/*
 * A guess without a tree: the path starts with one of the kernel's
 * top-level names, and not with a directory of kvm-unit-tests or QEMU.
 */
bool thread_kernel_path_guess(void *data, const char *path);

/*
 * Find the series in @mb. Refuses (-1, the reason in @err) a mailbox
 * without patches, a series that is not for the kernel (a subject tag of
 * another project such as kvm-unit-tests or QEMU, or paths that are not
 * the kernel's, as @is_kernel_path tells), one that lacks a patch, and
 * a patch mail that does not parse.
 */
int thread_find_series(const struct mbox *mb, thread_path_fn is_kernel_path,
		       void *data, struct thread_series *s,
		       struct strbuf *err);
void thread_series_release(struct thread_series *s);

/* Patch @i as a format-patch file, with the trailers picked up. */
void thread_patch_file(const struct thread_series *s, size_t i,
		       struct strbuf *out);

/* The review trailers in a reply's text (not quoted, not signature). */
size_t thread_trailers(const char *body, char ***trailers);

#endif
