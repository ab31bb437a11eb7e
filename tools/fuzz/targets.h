/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each fuzz target runs on one input; shared by the libFuzzer
 * programs (fuzz/NAME.c) and the unit test that replays the corpus and
 * the crashers kept in fuzz/regress/ (lib/fuzz_regress_test.c).
 */
#ifndef KSERIES_FUZZ_TARGETS_H
#define KSERIES_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* An mbox: split, parse, find the series, write its patches. */
void fuzz_mbox_one(const uint8_t *data, size_t size);
/* A patch file: parse, diffstat, lint checks. */
void fuzz_patch_one(const uint8_t *data, size_t size);
/*
 * A MAINTAINERS file, then (after a line "---8<---") a patch: parse the
 * file, compute the patch's addresses, re-split each one.
 */
void fuzz_maintainers_one(const uint8_t *data, size_t size);

#endif
