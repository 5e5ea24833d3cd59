/* Helper child for the Windows smoke test: "copy" copies stdin to stdout; "sleep N" sleeps; "exit N" exits with N;
 * "tick" writes a line every 20 ms for 30 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "copy")) {
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), out = GetStdHandle(STD_OUTPUT_HANDLE);
    char buf[4096];
    DWORD n, w;
    while (ReadFile(in, buf, sizeof buf, &n, NULL) && n > 0) WriteFile(out, buf, n, &w, NULL);
    return 0;
  }
  if (argc >= 3 && !strcmp(argv[1], "sleep")) {
    Sleep((DWORD)atoi(argv[2]) * 1000);
    return 0;
  }
  if (argc >= 2 && !strcmp(argv[1], "tick")) {
    DWORD w;
    for (int i = 0; i < 1500; i++) {
      if (!WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "t\n", 2, &w, NULL)) return 1;
      Sleep(20);
    }
    return 0;
  }
  if (argc >= 3 && !strcmp(argv[1], "exit")) {
    const char *env = getenv("SIM_CHILD_MSG");
    if (env) {
      DWORD w;
      WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), env, (DWORD)strlen(env), &w, NULL);
    }
    return atoi(argv[2]);
  }
  return 99;
}
