/* Service-level exports: properties, settings and the HNS entry point (not simulated). */
#include <stdlib.h>

#include "sim.h"

SIM_EXPORT HRESULT_ HcsGetServiceProperties(const wchar16 *propertyQuery, wchar16 **properties, wchar16 **result) {
  if (properties) *properties = NULL;
  fault f;
  HRESULT_ hr;
  char err[160];
  jv *q = NULL;
  LOCK();
  if (prologue("HcsGetServiceProperties", result, &f, &hr)) goto out;
  if (!properties) { hr = fail_with(result, E_POINTER_, "properties is NULL"); goto out; }
  q = parse_input(propertyQuery, 1, err, sizeof err);
  if (!q) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  *properties = utf8_to_out("{\"Properties\":[{\"SupportedSchemaVersions\":[{\"Major\":1,\"Minor\":0},"
                            "{\"Major\":2,\"Minor\":1}]}],\"Simulator\":\"vmcompute-sim\"}");
  hr = S_OK_;
out:
  UNLOCK();
  json_free(q);
  return hr;
}

SIM_EXPORT HRESULT_ HcsModifyServiceSettings(const wchar16 *settings, wchar16 **result) {
  fault f;
  HRESULT_ hr;
  char err[160];
  jv *q = NULL;
  LOCK();
  if (prologue("HcsModifyServiceSettings", result, &f, &hr)) goto out;
  q = parse_input(settings, 0, err, sizeof err);
  hr = q ? S_OK_ : fail_with(result, HR_INVALID_JSON, err);
out:
  UNLOCK();
  json_free(q);
  return hr;
}

SIM_EXPORT HRESULT_ HNSCall(const wchar16 *method, const wchar16 *path, const wchar16 *request, wchar16 **response) {
  (void)method;
  (void)path;
  (void)request;
  fault f;
  HRESULT_ hr;
  LOCK();
  if (prologue("HNSCall", response, &f, &hr)) goto out;
  if (!response) { hr = E_POINTER_; goto out; }
  *response = utf8_to_out("{\"Success\":false,\"Error\":\"HNS is not simulated\"}");
  hr = S_OK_;
out:
  UNLOCK();
  return hr;
}
