/*
 * Layer exports. Only NameToGuid so far: the deterministic GUID of a name (hcsshim gives a layer the GUID of its
 * folder's base name). Windows' algorithm is not documented, so this one is the simulator's own: a 128-bit FNV-1a
 * hash of the name's UTF-16 code units, exactly as given (no case folding), with the RFC 4122 variant bits and
 * version 8 ("custom"). Same name, same GUID; different names, different GUIDs in practice; never Windows' values.
 * It is computed locally, as a layer function would be: a disconnected service does not affect it. Faults: only
 * "fail" applies.
 */
#include <string.h>

#include "sim.h"

typedef struct sim_guid {
  uint32_t data1;
  uint16_t data2, data3;
  uint8_t data4[8];
} sim_guid;

/* 128-bit FNV-1a (offset basis and prime from the FNV specification), on two 64-bit halves. */
static void fnv1a_128(const wchar16 *name, uint8_t out[16]) {
  uint64_t hi = 0x6c62272e07bb0142ull, lo = 0x62b821756295c58dull;
  const uint64_t prime_lo = 0x13bull; /* prime = 2^88 + 0x13b */
  for (const wchar16 *p = name; *p; p++) {
    for (int byte = 0; byte < 2; byte++) {
      lo ^= (uint64_t)((*p >> (8 * byte)) & 0xff);
      /* (hi:lo) * (2^88 + 0x13b) mod 2^128 */
      unsigned __int128 low = (unsigned __int128)lo * prime_lo;
      uint64_t new_hi = (uint64_t)(low >> 64) + hi * prime_lo + (lo << 24);
      lo = (uint64_t)low;
      hi = new_hi;
    }
  }
  for (int i = 0; i < 8; i++) {
    out[i] = (uint8_t)(hi >> (56 - 8 * i));
    out[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
  }
}

SIM_EXPORT HRESULT_ NameToGuid(const wchar16 *name, sim_guid *guid) {
  HRESULT_ hr = S_OK_;
  fault f;
  LOCK();
  int injected = fault_take("NameToGuid", &f) && f.mode == FM_FAIL;
  UNLOCK();
  if (injected) return f.hr;
  if (!guid) return E_POINTER_;
  if (!name) return E_INVALIDARG_;
  uint8_t b[16];
  fnv1a_128(name, b);
  b[6] = (uint8_t)((b[6] & 0x0f) | 0x80); /* version 8 */
  b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  guid->data1 = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  guid->data2 = (uint16_t)(b[4] << 8 | b[5]);
  guid->data3 = (uint16_t)(b[6] << 8 | b[7]);
  memcpy(guid->data4, b + 8, 8);
  return hr;
}
