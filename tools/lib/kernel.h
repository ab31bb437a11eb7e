/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What apply, export and status share: the project's series and its
 * parsed patches, and the kernel tree in the cache (imported on first
 * use from the verified tarball).
 */
#ifndef KSERIES_KERNEL_H
#define KSERIES_KERNEL_H

#include <stdbool.h>

#include "patch.h"
#include "pin.h"
#include "series.h"
#include "tree.h"

/* Load <project>/series (or @path) with <project>/patches. */
int load_series(struct series *s, const char *path);

/*
 * Parse every patch of @s; names in messages are "patches/NAME".
 * Returns an array of s->nr patches, or NULL after reporting the error.
 */
struct patch **load_patches(const struct series *s);
void free_patches(struct patch **p, size_t n);

/*
 * Open the kernel tree in tree_dir(), importing the pin's tarball first
 * if it does not exist (fetching it unless @offline).
 */
int open_kernel_tree(struct krepo *t, const struct pin *pin, bool offline);

/*
 * Like open_kernel_tree(), but a tree imported from another pin is
 * brought to this one: the pinned tarball is imported beside the old
 * base (only what changed is written) and t->base is its commit. @old
 * gets the base the tree had (t->base if it did not move). The tag
 * stays where it was until the caller, its work done, moves it with
 * kernel_tree_set_base(): a failure in between leaves the tree as it was.
 */
int open_kernel_tree_moving(struct krepo *t, const struct pin *pin,
			    git_oid *old);
/* Point the tag "base" at t->base, with @why in the reflog. */
int kernel_tree_set_base(struct krepo *t, const char *why);

#endif
