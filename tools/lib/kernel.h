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

#endif
