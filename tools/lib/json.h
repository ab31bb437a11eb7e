/* SPDX-License-Identifier: GPL-2.0 */
/* Writing JSON for --json output: strings escaped per RFC 8259. */
#ifndef KSERIES_JSON_H
#define KSERIES_JSON_H

#include "util.h"

/* Append @s as a JSON string (quoted; bytes >= 0x80 are passed through). */
void json_str(struct strbuf *sb, const char *s);
/* Append "key": */
void json_key(struct strbuf *sb, const char *key);

#endif
