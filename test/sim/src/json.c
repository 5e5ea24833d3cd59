#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  const char *p;
  const char *err;
  int depth;
} parser;

static jv *jv_new(jv_type t) {
  jv *v = sim_xcalloc(1, sizeof *v);
  v->t = t;
  return v;
}

void json_free(jv *v) {
  if (!v) return;
  for (size_t i = 0; i < v->n; i++) {
    json_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

static void ws(parser *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static jv *parse_value(parser *ps);

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static void put_utf8(sb *b, unsigned c) {
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
  sb_putn(b, o, n);
}

static char *parse_string(parser *ps) {
  sb b = {0};
  sb_putn(&b, "", 0);
  ps->p++; /* opening quote */
  for (;;) {
    unsigned char c = (unsigned char)*ps->p;
    if (c == '"') { ps->p++; return sb_take(&b); }
    if (c == 0) { ps->err = "unterminated string"; break; }
    if (c < 0x20) { ps->err = "control character in string"; break; }
    if (c != '\\') { sb_putn(&b, ps->p, 1); ps->p++; continue; }
    char e = ps->p[1];
    ps->p += 2;
    switch (e) {
      case '"': sb_puts(&b, "\""); break;
      case '\\': sb_puts(&b, "\\"); break;
      case '/': sb_puts(&b, "/"); break;
      case 'b': sb_puts(&b, "\b"); break;
      case 'f': sb_puts(&b, "\f"); break;
      case 'n': sb_puts(&b, "\n"); break;
      case 'r': sb_puts(&b, "\r"); break;
      case 't': sb_puts(&b, "\t"); break;
      case 'u': {
        unsigned u;
        if (!hex4(ps->p, &u)) { ps->err = "bad \\u escape"; goto fail; }
        ps->p += 4;
        if (u >= 0xD800 && u <= 0xDBFF) {
          unsigned lo;
          if (ps->p[0] != '\\' || ps->p[1] != 'u' || !hex4(ps->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
            ps->err = "lone surrogate";
            goto fail;
          }
          ps->p += 6;
          u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
          ps->err = "lone surrogate";
          goto fail;
        } else if (u == 0) {
          ps->err = "NUL in string";
          goto fail;
        }
        put_utf8(&b, u);
        break;
      }
      default: ps->err = "bad escape"; goto fail;
    }
  }
fail:
  sb_free(&b);
  return NULL;
}

static jv *parse_number(parser *ps) {
  const char *s = ps->p, *p = s;
  int is_int = 1;
  if (*p == '-') p++;
  if (*p == '0') p++;
  else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
  else { ps->err = "bad number"; return NULL; }
  if (*p == '.') {
    is_int = 0;
    p++;
    if (!(*p >= '0' && *p <= '9')) { ps->err = "bad number"; return NULL; }
    while (*p >= '0' && *p <= '9') p++;
  }
  if (*p == 'e' || *p == 'E') {
    is_int = 0;
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) { ps->err = "bad number"; return NULL; }
    while (*p >= '0' && *p <= '9') p++;
  }
  char buf[64];
  size_t n = (size_t)(p - s);
  if (n >= sizeof buf) { ps->err = "number too long"; return NULL; }
  memcpy(buf, s, n);
  buf[n] = 0;
  jv *v = jv_new(JV_NUM);
  v->num = strtod(buf, NULL);
  if (is_int && n < 19) {
    v->is_int = 1;
    v->i = strtoll(buf, NULL, 10);
  }
  ps->p = p;
  return v;
}

static void push(jv *v, char *key, jv *item) {
  v->items = realloc(v->items, (v->n + 1) * sizeof *v->items);
  if (!v->items) abort();
  if (v->t == JV_OBJ) {
    v->keys = realloc(v->keys, (v->n + 1) * sizeof *v->keys);
    if (!v->keys) abort();
    v->keys[v->n] = key;
  }
  v->items[v->n++] = item;
}

static jv *parse_container(parser *ps, int obj) {
  if (++ps->depth > 64) { ps->err = "nesting too deep"; return NULL; }
  jv *v = jv_new(obj ? JV_OBJ : JV_ARR);
  ps->p++;
  ws(ps);
  if (*ps->p == (obj ? '}' : ']')) { ps->p++; ps->depth--; return v; }
  for (;;) {
    char *key = NULL;
    ws(ps);
    if (obj) {
      if (*ps->p != '"') { ps->err = "expected a key"; goto fail; }
      key = parse_string(ps);
      if (!key) goto fail;
      ws(ps);
      if (*ps->p != ':') { free(key); ps->err = "expected ':'"; goto fail; }
      ps->p++;
    }
    jv *item = parse_value(ps);
    if (!item) { free(key); goto fail; }
    push(v, key, item);
    ws(ps);
    if (*ps->p == ',') { ps->p++; continue; }
    if (*ps->p == (obj ? '}' : ']')) { ps->p++; ps->depth--; return v; }
    ps->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
    goto fail;
  }
fail:
  json_free(v);
  return NULL;
}

static jv *parse_value(parser *ps) {
  ws(ps);
  char c = *ps->p;
  if (c == '{') return parse_container(ps, 1);
  if (c == '[') return parse_container(ps, 0);
  if (c == '"') {
    char *s = parse_string(ps);
    if (!s) return NULL;
    jv *v = jv_new(JV_STR);
    v->str = s;
    return v;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps);
  if (!strncmp(ps->p, "true", 4)) { ps->p += 4; jv *v = jv_new(JV_BOOL); v->b = 1; return v; }
  if (!strncmp(ps->p, "false", 5)) { ps->p += 5; return jv_new(JV_BOOL); }
  if (!strncmp(ps->p, "null", 4)) { ps->p += 4; return jv_new(JV_NULL); }
  ps->err = c ? "unexpected character" : "unexpected end of input";
  return NULL;
}

jv *json_parse(const char *text, char *err, size_t errlen) {
  parser ps = {text ? text : "", NULL, 0};
  jv *v = parse_value(&ps);
  if (v) {
    ws(&ps);
    if (*ps.p) {
      json_free(v);
      v = NULL;
      ps.err = "trailing characters";
    }
  }
  if (!v && err && errlen) snprintf(err, errlen, "%s at offset %ld", ps.err ? ps.err : "invalid JSON",
                                   (long)(ps.p - (text ? text : "")));
  return v;
}

const jv *json_get(const jv *v, const char *key) {
  if (!v || v->t != JV_OBJ) return NULL;
  const jv *found = NULL;
  for (size_t i = 0; i < v->n; i++)
    if (!strcmp(v->keys[i], key)) found = v->items[i]; /* last duplicate wins, as in Go */
  if (found) return found;
  for (size_t i = 0; i < v->n; i++)
    if (sim_strieq(v->keys[i], key)) found = v->items[i];
  return found;
}

void json_write(sb *b, const jv *v) {
  if (!v) { sb_puts(b, "null"); return; }
  switch (v->t) {
    case JV_NULL: sb_puts(b, "null"); break;
    case JV_BOOL: sb_puts(b, v->b ? "true" : "false"); break;
    case JV_NUM:
      if (v->is_int) sb_printf(b, "%lld", (long long)v->i);
      else if (isfinite(v->num)) sb_printf(b, "%.17g", v->num);
      else sb_puts(b, "0");
      break;
    case JV_STR: sb_json_str(b, v->str); break;
    case JV_ARR:
    case JV_OBJ:
      sb_puts(b, v->t == JV_ARR ? "[" : "{");
      for (size_t i = 0; i < v->n; i++) {
        if (i) sb_puts(b, ",");
        if (v->t == JV_OBJ) { sb_json_str(b, v->keys[i]); sb_puts(b, ":"); }
        json_write(b, v->items[i]);
      }
      sb_puts(b, v->t == JV_ARR ? "]" : "}");
      break;
  }
}
