/* Test program for the "Process became root in container" rule: installed setuid-root in a test container and run
 * as an unprivileged user, it makes its real user id root (setuid(0) with effective uid 0), as a planted setuid
 * shell would, then exits. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  if (setuid(0) != 0) {
    perror("setuid");
    return 1;
  }
  printf("uid=%d euid=%d\n", (int) getuid(), (int) geteuid());
  return 0;
}
