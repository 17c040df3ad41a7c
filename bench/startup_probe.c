/* specmock-bench-startup: time from spawn to a server's first 200.
 *
 *   specmock-bench-startup [-n N] [-H HEADER] PATH -- CMD ARG...
 *   specmock-bench-startup [-n N] --floor
 *
 * N times (default 5): picks a free loopback port, spawns CMD with every
 * "@PORT@" in its arguments replaced by that port and every "@N@" by the
 * sample number (so each sample can get its own --db directory), then
 * connects to 127.0.0.1:PORT every 50 µs until the connection is accepted,
 * sends "GET PATH" (with HEADER, if given) and reads the status line; a
 * status other than 200 is retried like a refused connection.  The time
 * from just before posix_spawn to the status line is one sample; the server
 * is then stopped with SIGTERM (SIGKILL after 2 s) and reaped.
 *
 * --floor times posix_spawn + waitpid of /bin/true instead: the part of
 * every sample that is the machine's (fork, exec, dynamic loading), not the
 * server's.
 *
 * Output, one line: "MEDIAN_MS MIN_MS" (milliseconds, two decimals).  Exit 1
 * when a server exits or gives no 200 within 5 s; 2 on bad arguments.
 *
 * Why not bash: bench/run.sh used to poll with bash's /dev/tcp, and the
 * shell's own fork and loop added ~5 ms to every figure (a bare evhttp
 * server measured 12 ms there and 7 ms here).
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_SAMPLES 100
#define DEADLINE_MS 5000.0

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(const char *msg)
{
    fprintf(stderr, "specmock-bench-startup: %s\n", msg);
    exit(1);
}

static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        die("cannot find a free port");
    close(fd);
    return ntohs(a.sin_port);
}

/* Copy of s with every "@PORT@" and "@N@" replaced (malloc'd). */
static char *subst(const char *s, int port, int n)
{
    char pbuf[16], nbuf[16];
    snprintf(pbuf, sizeof pbuf, "%d", port);
    snprintf(nbuf, sizeof nbuf, "%d", n);
    size_t cap = strlen(s) * 4 + 32, o = 0;
    char *out = malloc(cap);
    if (!out)
        die("out of memory");
    while (*s) {
        const char *rep = NULL;
        if (!strncmp(s, "@PORT@", 6))
            rep = pbuf, s += 6;
        else if (!strncmp(s, "@N@", 3))
            rep = nbuf, s += 3;
        if (rep) {
            size_t l = strlen(rep);
            memcpy(out + o, rep, l);
            o += l;
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = '\0';
    return out;
}

/* 1: a 200 came back; 0: refused, closed or another status (try again). */
static int try_get(int port, const char *req, size_t req_len)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket failed");
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, req, req_len) == (ssize_t)req_len) {
        char buf[64];
        size_t got = 0;
        while (got < 12) { /* "HTTP/1.1 200" */
            ssize_t r = read(fd, buf + got, sizeof buf - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        ok = got >= 12 && !memcmp(buf + 8, " 200", 4);
    }
    close(fd);
    return ok;
}

static void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static pid_t spawn_quiet(char **argv)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "specmock-bench-startup: %s: %s\n", argv[0], strerror(rc));
        exit(1);
    }
    return pid;
}

static double sample_server(const char *path, const char *header, char **cmd,
                            int ncmd, int n)
{
    int port = free_port();
    char **argv = calloc((size_t)ncmd + 1, sizeof *argv);
    if (!argv)
        die("out of memory");
    for (int i = 0; i < ncmd; i++)
        argv[i] = subst(cmd[i], port, n);
    char req[1024];
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s"
                       "Connection: close\r\n\r\n",
                       path, port, header ? header : "", header ? "\r\n" : "");
    if (len < 0 || (size_t)len >= sizeof req)
        die("PATH or HEADER too long");

    double t0 = now_ms();
    pid_t pid = spawn_quiet(argv);
    double t1;
    for (;;) {
        if (try_get(port, req, (size_t)len)) {
            t1 = now_ms();
            break;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid)
            die("the server exited during start-up");
        if (now_ms() - t0 > DEADLINE_MS) {
            stop(pid);
            die("no 200 within 5 s");
        }
        nanosleep(&(struct timespec){0, 50 * 1000}, NULL);
    }
    stop(pid);
    for (int i = 0; i < ncmd; i++)
        free(argv[i]);
    free(argv);
    return t1 - t0;
}

static double sample_floor(void)
{
    char *argv[] = {"/bin/true", NULL};
    double t0 = now_ms();
    pid_t pid = spawn_quiet(argv);
    waitpid(pid, NULL, 0);
    return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void usage(void)
{
    fputs("usage: specmock-bench-startup [-n N] [-H HEADER] PATH -- CMD ARG...\n"
          "       specmock-bench-startup [-n N] --floor\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    int n = 5, floor_only = 0, i = 1;
    const char *header = NULL, *path = NULL;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > MAX_SAMPLES)
                usage();
            n = (int)v;
        } else if (!strcmp(argv[i], "-H") && i + 1 < argc) {
            header = argv[++i];
        } else if (!strcmp(argv[i], "--floor")) {
            floor_only = 1;
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            usage();
        }
    }
    if (!floor_only && (!path || i >= argc))
        usage();
    signal(SIGPIPE, SIG_IGN);
    double v[MAX_SAMPLES];
    for (int k = 0; k < n; k++)
        v[k] = floor_only ? sample_floor()
                          : sample_server(path, header, argv + i, argc - i, k);
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    printf("%.2f %.2f\n", v[(n - 1) / 2], v[0]);
    return 0;
}
