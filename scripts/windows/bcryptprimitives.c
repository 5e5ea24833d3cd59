/*
 * A minimal bcryptprimitives.dll for the Wine prefix of the Windows lane.
 *
 * Why: native modules built with recent Rust (e.g. unrs-resolver, which jest 30 uses to resolve modules) import
 * ProcessPrng from bcryptprimitives.dll, which Wine 8 does not provide, so Windows Node fails to load them with
 * "Module not found". This stub forwards to RtlGenRandom (advapi32's SystemFunction036), which Wine implements.
 * It is installed into the project's own prefix only, never on a real Windows machine.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
