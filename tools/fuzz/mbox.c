// SPDX-License-Identifier: GPL-2.0
/* libFuzzer entry point: see fuzz/targets.h. */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_mbox_one(data, size);
	return 0;
}
