/* Growable UTF-8 buffers and UTF-8 <-> UTF-16 conversion. */
#ifndef SIM_TEXT_H
#define SIM_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint16_t wchar16;

typedef struct sb {
  char *s;
  size_t len, cap;
} sb;

void sb_putn(sb *b, const char *s, size_t n);
void sb_puts(sb *b, const char *s);
void sb_printf(sb *b, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends s as a quoted JSON string (NULL -> null). */
void sb_json_str(sb *b, const char *s);
void sb_free(sb *b);
/* Returns the NUL-terminated contents ("" when empty) and leaves b empty; the caller frees with free(). */
char *sb_take(sb *b);

/* UTF-16 (NUL-terminated) to a malloc'd UTF-8 string; NULL in -> NULL out. *bad set when a lone surrogate was met. */
char *utf16_to_utf8(const wchar16 *w, int *bad);
/* UTF-8 to UTF-16 in memory from alloc (malloc or the CoTaskMem allocator). */
wchar16 *utf8_to_utf16_with(const char *s, void *(*alloc)(size_t));
wchar16 *utf8_to_utf16(const char *s);
/* Copies s into a CoTaskMem string for an output parameter; NULL s -> NULL. */
wchar16 *utf8_to_out(const char *s);

char *sim_strdup(const char *s);
void *sim_xmalloc(size_t n);
void *sim_xcalloc(size_t n, size_t m);
int sim_strieq(const char *a, const char *b);

#endif
