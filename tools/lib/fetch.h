/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned tarball in the cache (<cache>/dl), fetched with apt using a
 * private state directory (<cache>/apt: sources.list, lists, archives),
 * or copied from a local file, and kept only if its SHA-256 matches.
 */
#ifndef KSERIES_FETCH_H
#define KSERIES_FETCH_H

#include <stdbool.h>

#include "pin.h"

struct fetch_opts {
	const char *from;	/* a local file instead of apt or the url */
	bool force;		/* fetch again even if the cache has it */
	bool offline;		/* never download: fail if not cached */
};

/*
 * Make sure the cache holds the verified tarball of @pin and return its
 * path in *@path. *@fetched tells whether it was fetched this time.
 */
int fetch_tarball(const struct pin *pin, const struct fetch_opts *o,
		  char **path, bool *fetched);

#endif
