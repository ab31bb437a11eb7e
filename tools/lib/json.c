// SPDX-License-Identifier: GPL-2.0
#include "json.h"

void json_str(struct strbuf *sb, const char *s)
{
	sb_addch(sb, '"');
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			sb_addch(sb, '\\');
			sb_addch(sb, c);
		} else if (c == '\n') {
			sb_addstr(sb, "\\n");
		} else if (c == '\t') {
			sb_addstr(sb, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			sb_addf(sb, "\\u%04x", c);
		} else {
			sb_addch(sb, c);
		}
	}
	sb_addch(sb, '"');
}

void json_key(struct strbuf *sb, const char *key)
{
	json_str(sb, key);
	sb_addch(sb, ':');
}
