/* json.h - a small JSON writer: the command line's --json output and the
 * audit log's before/after records use the same one. */
#ifndef BZJ_JSON_H
#define BZJ_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bzj/date.h"

typedef struct bzj_json {
	char *buf;
	size_t len, cap;
	int depth;
	bool first[64]; /* no comma needed yet at this depth */
	bool oom;
} bzj_json;

void bzj_json_init(bzj_json *j);
void bzj_json_free(bzj_json *j);
/* `key` is NULL for array members and the top-level value. */
void bzj_json_obj(bzj_json *j, const char *key);
void bzj_json_obj_end(bzj_json *j);
void bzj_json_arr(bzj_json *j, const char *key);
void bzj_json_arr_end(bzj_json *j);
void bzj_json_str(bzj_json *j, const char *key, const char *v); /* NULL -> null */
void bzj_json_int(bzj_json *j, const char *key, int64_t v);
void bzj_json_bool(bzj_json *j, const char *key, bool v);
void bzj_json_null(bzj_json *j, const char *key);
/* "YYYY-MM-DD", or null for BZJ_DATE_NONE. */
void bzj_json_date(bzj_json *j, const char *key, bzj_date d);
/* The text so far ("" after an allocation failure, with j->oom set). */
const char *bzj_json_text(const bzj_json *j);

#endif
