/* Result documents ({"Error","ErrorMessage","ErrorEvents"}) and time formatting. */
#include <stdlib.h>

#include "sim.h"

/* A fixed provider GUID for the simulator's events (made up; HCS uses its own ETW providers). */
#define SIM_PROVIDER "6b0c2f43-6a1e-4a5f-9d3a-5e1c0f7b8a21"

const char *hr_message(HRESULT_ hr) {
  switch ((uint32_t)hr) {
    case 0x80004003u: return "Invalid pointer";
    case 0x80070057u: return "The parameter is incorrect.";
    case 0x80004005u: return "Unspecified error";
    case 0x80004001u: return "Not implemented";
    case 0x80070006u: return "The handle is invalid.";
    case 0x80070490u: return "Element not found.";
    case 0x80070032u: return "The request is not supported.";
    case 0x800706BAu: return "The RPC server is unavailable.";
    case 0x80070002u: return "The system cannot find the file specified.";
    case 0x80070004u: return "The system cannot open the file.";
    case 0x80070005u: return "Access is denied.";
    case 0xC0370103u: return "The operation is pending.";
    case 0xC0370105u: return "A virtual machine or container is not in a valid state for the requested operation.";
    case 0xC0370106u: return "The virtual machine or container exited unexpectedly.";
    case 0xC0370109u: return "The operation timed out because a response was not received from the virtual machine or container.";
    case 0xC037010Du: return "The virtual machine or container JSON document is invalid.";
    case 0xC037010Eu: return "A virtual machine or container with the specified identifier does not exist.";
    case 0xC037010Fu: return "A virtual machine or container with the specified identifier already exists.";
    case 0xC0370110u: return "The virtual machine or container with the specified identifier is not running.";
    default: return "The operation failed.";
  }
}

char *result_doc(HRESULT_ hr, const char *message) {
  sb b = {0};
  const char *generic = hr_message(hr);
  sb_printf(&b, "{\"Error\":%d,\"ErrorMessage\":", (int)hr);
  sb_json_str(&b, generic);
  sb_puts(&b, ",\"ErrorEvents\":[{\"Message\":");
  sb_json_str(&b, message && *message ? message : generic);
  sb_printf(&b, ",\"Provider\":\"%s\",\"EventId\":%u,\"Flags\":0,\"Source\":\"vmcompute-sim\"}]}", SIM_PROVIDER,
            (unsigned)((uint32_t)hr & 0xFFFFu));
  return sb_take(&b);
}

HRESULT_ fail_with(wchar16 **out, HRESULT_ hr, const char *message) {
  if (out) {
    char *doc = result_doc(hr, message);
    *out = utf8_to_out(doc);
    free(doc);
  }
  return hr;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t days, int *y, unsigned *m, unsigned *d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  unsigned doe = (unsigned)(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yy + (*m <= 2));
}

/* RFC 3339 with 7 fractional digits, trailing zeros trimmed (as Go prints time.Time). */
void format_time(sb *b, int64_t wall) {
  if (wall <= 0) {
    sb_puts(b, "\"0001-01-01T00:00:00Z\"");
    return;
  }
  int64_t secs = wall / 10000000, frac = wall % 10000000;
  int64_t days = secs / 86400, rem = secs % 86400;
  int y;
  unsigned mo, d;
  civil(days, &y, &mo, &d);
  sb_printf(b, "\"%04d-%02u-%02uT%02d:%02d:%02d", y, mo, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
  if (frac) {
    char f[9];
    int n = 7;
    for (int i = 6; i >= 0; i--) {
      f[i] = (char)('0' + frac % 10);
      frac /= 10;
    }
    while (n > 0 && f[n - 1] == '0') n--;
    f[n] = 0;
    sb_printf(b, ".%s", f);
  }
  sb_puts(b, "Z\"");
}
