/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing JSON for --json output. Documents are built as jansson values
 * (json_t) and written with json_dump_sb(); text that comes from outside
 * (mail subjects, compiler messages, file names) goes in through
 * json_text(), which always gives a valid JSON string: jansson itself
 * accepts only UTF-8.
 */
#ifndef KSERIES_JSON_H
#define KSERIES_JSON_H

#include <jansson.h>

#include "util.h"

/*
 * A new JSON string holding @s: well-formed UTF-8 is kept as it is; any
 * other byte (text in Latin-1, say a mail subject) is read as the Latin-1
 * character of that value. NULL is "". Returns NULL only if out of memory
 * (jansson's setters take NULL as a failure, never a crash).
 */
json_t *json_text(const char *s);
/* json_object_set_new(@obj, @key, json_text(@s)); 0 or -1. */
int json_set_text(json_t *obj, const char *key, const char *s);
/* json_text(@s), or null if @s is NULL. */
json_t *json_text_or_null(const char *s);
/*
 * The lines of @text, without their newlines, as an array of json_text()
 * strings: "a\nb\n" and "a\nb" are ["a","b"]; NULL and "" are [].
 */
json_t *json_lines(const char *text);
/*
 * A JSON real of @v rounded to @places decimals, the value printf's
 * "%.*f" shows (a report's "%.1f" seconds stay 12.3); null if @v is not
 * finite. Written exactly while it has at most the significant digits
 * the writer keeps (6 for json_dump_sb()).
 */
json_t *json_round(double v, int places);
/*
 * Seconds measured, as "%.3f" shows them (json_round(@secs, 3)); null if
 * @secs is negative, the reports' "not measured". All digits are kept
 * by json_dump_sb_digits(9) up to 999999.999 s, by json_dump_sb() only
 * below 1000 s.
 */
json_t *json_secs(double secs);
/*
 * Append @j to @sb, compact, keys in the order they were set, reals with
 * up to 6 significant digits. Returns 0, or -1 if jansson could not write it.
 */
int json_dump_sb(const json_t *j, struct strbuf *sb);
/* The same with reals of up to @digits (1..17) significant digits. */
int json_dump_sb_digits(const json_t *j, struct strbuf *sb, int digits);

#endif
