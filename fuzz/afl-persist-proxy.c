/*
 * afl-persist-proxy: sits between afl-fuzz and the persistent .NET harness so that a hang or a hard
 * crash of the harness restarts it instead of ending the campaign.
 *
 *   afl-fuzz -- afl-persist-proxy /path/to/irqverify-afl [harness args...]
 *
 * Towards afl-fuzz it is the forkserver (fds 198/199). It starts the harness with fresh pipes
 * dup2'ed onto 198/199, forwards the hello once, replays AFL's shared-memory acknowledgement to every
 * new harness, and for each run forwards the control word, reports the HARNESS's pid (so an AFL
 * timeout SIGKILLs the harness, not us) and forwards its status. When the harness dies mid-run, the
 * proxy reaps it, reports the real wait status and starts a new harness on the next request.
 * Without fd 199 (afl-showmap's plain exec, or a human) it simply execs the harness.
 * The binary mentions __AFL_SHM_ID, so afl-fuzz's instrumentation check passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define CTL_FD 198
#define ST_FD 199
#define FS_OPT_ENABLED 0x80000001u
#define FS_OPT_SHDMEM_FUZZ 0x01000000u

static const char *shm_env_marker = "__AFL_SHM_ID";
static char **harness_argv;
static pid_t child = -1;
static int child_ctl = -1, child_st = -1;
static int have_ack = 0;
static uint32_t ack_word;

static int read_word(int fd, uint32_t *w) {
  size_t got = 0;
  while (got < 4) {
    ssize_t n = read(fd, (char *)w + got, 4 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    got += (size_t)n;
  }
  return 0;
}

static int write_word(int fd, uint32_t w) {
  ssize_t n;
  do n = write(fd, &w, 4); while (n < 0 && errno == EINTR);
  return n == 4 ? 0 : -1;
}

static void reap(int *status) {
  int st = 0;
  if (child > 0) {
    kill(child, SIGKILL);
    while (waitpid(child, &st, 0) < 0 && errno == EINTR) {}
  }
  if (status) *status = st;
  if (child_ctl >= 0) close(child_ctl);
  if (child_st >= 0) close(child_st);
  child = -1; child_ctl = child_st = -1;
}

/* Starts a harness and consumes its hello; returns the hello word, or exits on failure. */
static uint32_t start_child(void) {
  int ctl[2], st[2];
  if (pipe(ctl) || pipe(st)) { perror("afl-persist-proxy: pipe"); exit(1); }
  child = fork();
  if (child < 0) { perror("afl-persist-proxy: fork"); exit(1); }
  if (child == 0) {
    dup2(ctl[0], CTL_FD);
    dup2(st[1], ST_FD);
    close(ctl[0]); close(ctl[1]); close(st[0]); close(st[1]);
    execv(harness_argv[0], harness_argv);
    perror("afl-persist-proxy: execv");
    _exit(127);
  }
  close(ctl[0]); close(st[1]);
  child_ctl = ctl[1]; child_st = st[0];
  uint32_t hello;
  if (read_word(child_st, &hello)) {
    int status;
    reap(&status);
    fprintf(stderr, "afl-persist-proxy: harness died before its hello (status %d)\n", status);
    exit(1);
  }
  if (have_ack && (hello & FS_OPT_SHDMEM_FUZZ)) write_word(child_ctl, ack_word);
  return hello;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: afl-persist-proxy HARNESS [ARGS...] (%s)\n", shm_env_marker); return 2; }
  harness_argv = argv + 1;
  if (fcntl(ST_FD, F_GETFD) < 0 || getenv(shm_env_marker) == NULL) {
    execv(harness_argv[0], harness_argv);
    perror("afl-persist-proxy: execv");
    return 127;
  }
  signal(SIGPIPE, SIG_IGN);
  uint32_t hello = start_child();
  if (write_word(ST_FD, hello)) return 0;
  if ((hello & FS_OPT_ENABLED) == FS_OPT_ENABLED && (hello & FS_OPT_SHDMEM_FUZZ)) {
    if (read_word(CTL_FD, &ack_word)) return 0;
    have_ack = 1;
    write_word(child_ctl, ack_word);
  }
  for (;;) {
    uint32_t word, pid_word, status;
    if (read_word(CTL_FD, &word)) { reap(NULL); return 0; }
    if (child < 0) start_child();
    if (write_word(child_ctl, word) || read_word(child_st, &pid_word)) {
      /* The harness died between runs: start a fresh one and retry once. */
      reap(NULL);
      start_child();
      if (write_word(child_ctl, word) || read_word(child_st, &pid_word)) { reap(NULL); return 1; }
    }
    if (write_word(ST_FD, (uint32_t)child)) { reap(NULL); return 0; }
    if (read_word(child_st, &status)) {
      int st;
      reap(&st);           /* killed by AFL on a timeout, or a hard crash: report the real status */
      status = (uint32_t)st;
      if (status == 0) status = 6; /* died without a signal mid-run: still a crash */
    }
    if (write_word(ST_FD, status)) { reap(NULL); return 0; }
  }
}
