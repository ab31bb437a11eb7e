/* SPDX-License-Identifier: GPL-2.0 */
/* Writing JSON for --json output: strings escaped per RFC 8259. */
#ifndef KSERIES_JSON_H
#define KSERIES_JSON_H

#include "util.h"

/*
 * Append @s as a JSON string, quoted and escaped, always valid JSON (and
 * so valid UTF-8) whatever @s holds: well-formed UTF-8 is copied as it
 * is, and any other byte (text in Latin-1, say a mail subject) is read as
 * the Latin-1 character of that value, written as \u00XX. NULL is "".
 */
void json_str(struct strbuf *sb, const char *s);
/* Append "key": */
void json_key(struct strbuf *sb, const char *key);

#endif
