#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

void *sim_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort(); /* out of memory in a test double: nothing sensible to return */
  return p;
}

void *sim_xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) abort();
  return p;
}

char *sim_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = sim_xmalloc(n);
  memcpy(d, s, n);
  return d;
}

int sim_strieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    int ca = (unsigned char)*a, cb = (unsigned char)*b;
    if (ca >= 'A' && ca <= 'Z') ca += 32;
    if (cb >= 'A' && cb <= 'Z') cb += 32;
    if (ca != cb) return 0;
  }
  return *a == *b;
}

static void sb_grow(sb *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap * 2 : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  char *n = realloc(b->s, cap);
  if (!n) abort();
  b->s = n;
  b->cap = cap;
  b->s[b->len] = 0;
}

void sb_putn(sb *b, const char *s, size_t n) {
  sb_grow(b, n);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sb_puts(sb *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_printf(sb *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    sb_putn(b, tmp, (size_t)n);
    return;
  }
  sb_grow(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void sb_json_str(sb *b, const char *s) {
  if (!s) {
    sb_puts(b, "null");
    return;
  }
  sb_putn(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': sb_puts(b, "\\\""); break;
      case '\\': sb_puts(b, "\\\\"); break;
      case '\n': sb_puts(b, "\\n"); break;
      case '\r': sb_puts(b, "\\r"); break;
      case '\t': sb_puts(b, "\\t"); break;
      default:
        if (*p < 0x20) sb_printf(b, "\\u%04x", *p);
        else sb_putn(b, (const char *)p, 1);
    }
  }
  sb_putn(b, "\"", 1);
}

void sb_free(sb *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

char *sb_take(sb *b) {
  char *s = b->s ? b->s : sim_strdup("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

char *utf16_to_utf8(const wchar16 *w, int *bad) {
  if (bad) *bad = 0;
  if (!w) return NULL;
  sb b = {0};
  sb_grow(&b, 0);
  for (size_t i = 0; w[i]; i++) {
    uint32_t c = w[i];
    if (c >= 0xD800 && c <= 0xDBFF && w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (w[i + 1] - 0xDC00);
      i++;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      if (bad) *bad = 1;
      c = 0xFFFD;
    }
    char o[4];
    size_t n;
    if (c < 0x80) { o[0] = (char)c; n = 1; }
    else if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
    else if (c < 0x10000) {
      o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F)); o[2] = (char)(0x80 | (c & 0x3F)); n = 3;
    } else {
      o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
      o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F)); n = 4;
    }
    sb_putn(&b, o, n);
  }
  return sb_take(&b);
}

/* Decodes one UTF-8 sequence; invalid bytes become U+FFFD. */
static uint32_t utf8_next(const unsigned char **pp) {
  const unsigned char *p = *pp;
  uint32_t c = *p++;
  int extra = 0;
  if (c >= 0xF0 && c < 0xF8) { c &= 0x07; extra = 3; }
  else if (c >= 0xE0) { c &= 0x0F; extra = 2; }
  else if (c >= 0xC0) { c &= 0x1F; extra = 1; }
  else if (c >= 0x80) { *pp = p; return 0xFFFD; }
  for (int i = 0; i < extra; i++) {
    if ((*p & 0xC0) != 0x80) { *pp = p; return 0xFFFD; }
    c = (c << 6) | (*p++ & 0x3F);
  }
  *pp = p;
  return c;
}

wchar16 *utf8_to_utf16_with(const char *s, void *(*alloc)(size_t)) {
  if (!s) return NULL;
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) n += utf8_next(&p) >= 0x10000 ? 2 : 1;
  wchar16 *w = alloc((n + 1) * sizeof(wchar16));
  if (!w) return NULL;
  size_t i = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    uint32_t c = utf8_next(&p);
    if (c >= 0x10000) {
      c -= 0x10000;
      w[i++] = (wchar16)(0xD800 + (c >> 10));
      w[i++] = (wchar16)(0xDC00 + (c & 0x3FF));
    } else {
      w[i++] = (wchar16)c;
    }
  }
  w[i] = 0;
  return w;
}

wchar16 *utf8_to_utf16(const char *s) { return utf8_to_utf16_with(s, sim_xmalloc); }
wchar16 *utf8_to_out(const char *s) { return utf8_to_utf16_with(s, sim_out_alloc); }
