/*
 * mqtt-load: a single-threaded MQTT 3.1.1 load generator for broker benchmarks.
 *
 * Non-blocking sockets, one edge-triggered epoll set, hand-built packets over plain TCP.
 * Two modes:
 *   connect  - connection-rate test: N CONNECTs with at most K attempts in flight.
 *   pubsub   - publish/subscribe throughput with end-to-end flow control.
 * Prints one JSON object on one line on stdout; diagnostics go to stderr.
 *
 * Build: cc -O2 -Wall -Wextra -std=gnu11 -o mqtt-load mqtt-load.c -lm
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 1024
#define SETUP_CONCURRENCY 200
#define STALL_SECONDS 5.0
#define DRAIN_SECONDS 2.0
#define MAX_PAYLOAD (16L * 1024 * 1024)
#define SCHEDULE_BUDGET 4096

enum { MODE_CONNECT = 1, MODE_PUBSUB = 2 };
enum { ST_IDLE = 0, ST_CONNECTING, ST_UP, ST_CLOSING, ST_CLOSED };
enum { ROLE_CONN = 0, ROLE_SUB, ROLE_PUB };

/* ------------------------------------------------------------------------ */
/* options                                                                   */

static struct {
    int mode;
    const char *host;
    long port;
    long keepalive;
    double timeout;
    /* connect */
    const char *credentials;
    long count;
    long concurrency;
    double hold;
    /* pubsub */
    const char *plan;
    long qos;
    double seconds;
    double warmup;
    long long messages;
    long window;
    long payload;
    int have_seconds, have_warmup, have_messages, have_qos;
} opt = {
    .host = "127.0.0.1", .port = -1, .keepalive = 60, .timeout = 30,
    .count = -1, .concurrency = -1, .hold = 0,
    .qos = -1, .warmup = 1, .window = 64, .payload = 64,
};

static void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mqtt-load: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see mqtt-load --help)\n", stderr);
    va_end(ap);
    exit(2);
}

static void print_help(void)
{
    fputs(
        "usage:\n"
        "  mqtt-load connect --port N --credentials FILE --count N --concurrency K [--hold SECONDS]\n"
        "  mqtt-load pubsub  --port N --plan FILE --qos 0|1 (--seconds T [--warmup W] | --messages M)\n"
        "                    [--window 64] [--payload 64] [--timeout 30]\n"
        "common: [--host 127.0.0.1] [--keepalive 60] [--timeout 30]\n"
        "credentials FILE: clientid<TAB>username<TAB>password per line\n"
        "plan FILE: pub|sub<TAB>clientid<TAB>username<TAB>password<TAB>topic per line\n"
        "output: one JSON object on stdout; exit 0 ok, 1 failure, 2 bad usage\n",
        stdout);
}

static long parse_long(const char *name, const char *v, long lo, long hi)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        usage_error("--%s needs an integer in %ld..%ld, got '%s'", name, lo, hi, v);
    return x;
}

static long long parse_llong(const char *name, const char *v, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        usage_error("--%s needs an integer in %lld..%lld, got '%s'", name, lo, hi, v);
    return x;
}

static double parse_double(const char *name, const char *v, double lo, double hi)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(x) || x < lo || x > hi)
        usage_error("--%s needs a number in %g..%g, got '%s'", name, lo, hi, v);
    return x;
}

static void parse_args(int argc, char **argv)
{
    if (argc < 2)
        usage_error("missing mode: 'connect' or 'pubsub'");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        print_help();
        exit(0);
    }
    if (!strcmp(argv[1], "connect"))
        opt.mode = MODE_CONNECT;
    else if (!strcmp(argv[1], "pubsub"))
        opt.mode = MODE_PUBSUB;
    else
        usage_error("unknown mode '%s' (expected 'connect' or 'pubsub')", argv[1]);

    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_help();
            exit(0);
        }
        if (strncmp(a, "--", 2) != 0)
            usage_error("unexpected argument '%s'", a);
        char name[64];
        const char *val;
        const char *eq = strchr(a + 2, '=');
        if (eq) {
            size_t n = (size_t)(eq - (a + 2));
            if (n >= sizeof name)
                usage_error("unknown option '%s'", a);
            memcpy(name, a + 2, n);
            name[n] = 0;
            val = eq + 1;
        } else {
            if (strlen(a + 2) >= sizeof name)
                usage_error("unknown option '%s'", a);
            strcpy(name, a + 2);
            if (i + 1 >= argc)
                usage_error("option --%s needs a value", name);
            val = argv[++i];
        }
        int c = opt.mode == MODE_CONNECT, p = opt.mode == MODE_PUBSUB;
        if (!strcmp(name, "host")) {
            if (!*val)
                usage_error("--host must not be empty");
            opt.host = val;
        } else if (!strcmp(name, "port"))
            opt.port = parse_long(name, val, 1, 65535);
        else if (!strcmp(name, "keepalive"))
            opt.keepalive = parse_long(name, val, 0, 65535);
        else if (!strcmp(name, "timeout"))
            opt.timeout = parse_double(name, val, 0.001, 1e7);
        else if (c && !strcmp(name, "credentials"))
            opt.credentials = val;
        else if (c && !strcmp(name, "count"))
            opt.count = parse_long(name, val, 1, 100000000);
        else if (c && !strcmp(name, "concurrency"))
            opt.concurrency = parse_long(name, val, 1, 100000000);
        else if (c && !strcmp(name, "hold"))
            opt.hold = parse_double(name, val, 0, 1e7);
        else if (p && !strcmp(name, "plan"))
            opt.plan = val;
        else if (p && !strcmp(name, "qos")) {
            opt.qos = parse_long(name, val, 0, 1);
            opt.have_qos = 1;
        } else if (p && !strcmp(name, "seconds")) {
            opt.seconds = parse_double(name, val, 0.001, 1e7);
            opt.have_seconds = 1;
        } else if (p && !strcmp(name, "warmup")) {
            opt.warmup = parse_double(name, val, 0, 1e7);
            opt.have_warmup = 1;
        } else if (p && !strcmp(name, "messages")) {
            opt.messages = parse_llong(name, val, 1, (long long)1e15);
            opt.have_messages = 1;
        } else if (p && !strcmp(name, "window"))
            opt.window = parse_long(name, val, 1, 65535);
        else if (p && !strcmp(name, "payload"))
            opt.payload = parse_long(name, val, 16, MAX_PAYLOAD);
        else
            usage_error("unknown option --%s for mode %s", name, argv[1]);
    }
    if (opt.port < 0)
        usage_error("--port is required");
    if (opt.mode == MODE_CONNECT) {
        if (!opt.credentials)
            usage_error("--credentials FILE is required");
        if (opt.count < 0)
            usage_error("--count N is required");
        if (opt.concurrency < 0)
            usage_error("--concurrency K is required");
    } else {
        if (!opt.plan)
            usage_error("--plan FILE is required");
        if (!opt.have_qos)
            usage_error("--qos 0|1 is required");
        if (opt.have_seconds == opt.have_messages)
            usage_error("give exactly one of --seconds T or --messages M");
        if (opt.have_warmup && !opt.have_seconds)
            usage_error("--warmup only applies with --seconds");
    }
}

/* ------------------------------------------------------------------------ */
/* input files                                                               */

struct cred {
    const char *cid, *user, *pass, *topic;
    uint16_t cidlen, userlen, passlen, topiclen;
    int role;       /* ROLE_SUB / ROLE_PUB for plan lines */
    long lineno;
};

static struct cred *g_creds;
static size_t g_ncreds;

static char *load_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        usage_error("cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        perror("malloc");
        exit(1);
    }
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            if (!buf) {
                perror("realloc");
                exit(1);
            }
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                usage_error("cannot read '%s': %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    buf[len] = 0;
    return buf;
}

/* Splits line at tabs (in place); returns the number of fields, fills at most maxf. */
static int split_fields(char *line, char **f, int maxf)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *t = strchr(p, '\t');
        if (n < maxf)
            f[n] = p;
        n++;
        if (!t)
            break;
        *t = 0;
        p = t + 1;
    }
    return n;
}

static uint16_t check_len(const char *path, long lineno, const char *what, const char *s)
{
    size_t n = strlen(s);
    if (n > 65535)
        usage_error("%s line %ld: %s longer than 65535 bytes", path, lineno, what);
    return (uint16_t)n;
}

/* mode: MODE_CONNECT (3 fields) or MODE_PUBSUB (5 fields) */
static void load_lines(const char *path, int mode)
{
    char *buf = load_file(path);
    size_t cap = 1024;
    g_creds = malloc(cap * sizeof *g_creds);
    long lineno = 0;
    char *p = buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        char *line = p;
        p = nl ? nl + 1 : p + strlen(p);
        lineno++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = 0;
        if (l == 0)
            continue;
        char *f[5];
        struct cred cr;
        memset(&cr, 0, sizeof cr);
        cr.lineno = lineno;
        if (mode == MODE_CONNECT) {
            int n = split_fields(line, f, 3);
            if (n > 3)
                usage_error("%s line %ld: expected clientid<TAB>username<TAB>password", path, lineno);
            cr.cid = f[0];
            cr.user = n > 1 ? f[1] : "";
            cr.pass = n > 2 ? f[2] : "";
            cr.topic = "";
            cr.role = ROLE_CONN;
        } else {
            int n = split_fields(line, f, 5);
            if (n != 5)
                usage_error("%s line %ld: expected pub|sub<TAB>clientid<TAB>username<TAB>password<TAB>topic",
                            path, lineno);
            if (!strcmp(f[0], "pub"))
                cr.role = ROLE_PUB;
            else if (!strcmp(f[0], "sub"))
                cr.role = ROLE_SUB;
            else
                usage_error("%s line %ld: first field must be 'pub' or 'sub', got '%s'", path, lineno, f[0]);
            cr.cid = f[1];
            cr.user = f[2];
            cr.pass = f[3];
            cr.topic = f[4];
            if (!*cr.topic)
                usage_error("%s line %ld: empty topic", path, lineno);
            if (cr.role == ROLE_PUB && strpbrk(cr.topic, "+#"))
                usage_error("%s line %ld: publish topic '%s' contains a wildcard", path, lineno, cr.topic);
        }
        cr.cidlen = check_len(path, lineno, "client id", cr.cid);
        cr.userlen = check_len(path, lineno, "username", cr.user);
        cr.passlen = check_len(path, lineno, "password", cr.pass);
        cr.topiclen = check_len(path, lineno, "topic", cr.topic);
        if (g_ncreds == cap) {
            cap *= 2;
            g_creds = realloc(g_creds, cap * sizeof *g_creds);
        }
        if (!g_creds) {
            perror("malloc");
            exit(1);
        }
        g_creds[g_ncreds++] = cr;
    }
    if (g_ncreds == 0)
        usage_error("%s has no usable lines", path);
}

/* MQTT topic filter matching: '+' = one level, '#' = this level and everything below. */
static int topic_matches(const char *filter, const char *topic)
{
    if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#'))
        return 0;
    const char *f = filter, *t = topic;
    for (;;) {
        const char *fe = strchr(f, '/');
        size_t fl = fe ? (size_t)(fe - f) : strlen(f);
        if (fl == 1 && f[0] == '#')
            return 1;
        const char *te = strchr(t, '/');
        size_t tl = te ? (size_t)(te - t) : strlen(t);
        if (!(fl == 1 && f[0] == '+') && (fl != tl || memcmp(f, t, fl) != 0))
            return 0;
        if (!fe && !te)
            return 1;
        if (!fe)
            return 0;
        if (!te)
            return strcmp(fe + 1, "#") == 0;
        f = fe + 1;
        t = te + 1;
    }
}

/* ------------------------------------------------------------------------ */
/* connections                                                               */

struct conn {
    int fd;
    uint8_t state, role, connect_written, subscribed, blocked, pending;
    uint32_t cred;          /* index into g_creds */
    uint32_t round;         /* connect mode: cycle number, appended as -<round> when > 0 */
    uint32_t ridx;          /* index into g_subs / g_pubs */
    double t_start, t_written;
    uint8_t *out;
    size_t outoff, outlen, outcap;
    uint8_t *rx;
    size_t rxlen, rxcap, need;
};

struct pub {
    uint32_t conn;
    uint32_t fanout;
    uint64_t sent, delivered, acked, quota;
    uint16_t next_pid;
    uint8_t queued;
    uint8_t *unacked;       /* QoS 1: bitmap of packet ids awaiting PUBACK */
    uint8_t *prefix;        /* fixed header + topic of every PUBLISH */
    size_t prefixlen;
};

struct sub {
    uint32_t conn;
};

static struct sockaddr_storage g_addr;
static socklen_t g_addrlen;
static int g_ep = -1;
static struct conn *g_conns;
static size_t g_nconns;
static uint8_t *g_rbuf;
static size_t g_rsize;
static double g_now;
static struct epoll_event g_events[MAX_EVENTS];

/* attempts */
static size_t g_next, g_hi, g_inflight, g_limit;
static long g_accepted, g_refused, g_errors, g_outcomes, g_lost;
static int g_stop_launch, g_shutting_down;
static double g_first_start = -1, g_last_outcome, g_last_launch;
static double *g_lat_acc, *g_lat_ref;
static size_t g_nlat_acc, g_nlat_ref;
static double g_last_ping;
/* connections with output to flush at the end of the current event batch (coalesces PUBACKs) */
static uint32_t *g_pending;
static size_t g_npending;
/* explicit source ports: the kernel's ephemeral-port search gets slow with thousands of
 * connections to one destination, so we walk ip_local_port_range ourselves */
static uint32_t g_port_lo = 32768, g_port_hi = 60999, g_port_next;
static int g_bind_ports = 1;
static size_t g_nopen;          /* sockets currently open */

/* pubsub */
static struct pub *g_pubs;
static size_t g_npubs;
static struct sub *g_subs;
static size_t g_nsubs;
static uint64_t g_sent, g_delivered, g_acked, g_expected, g_unrelated;
static uint64_t g_target_deliveries;
static int g_delivery_seen, g_publishing, g_lost_any, g_in_setup;
static size_t g_ready_subs, g_ready_pubs;
static uint32_t g_nonce;
static uint8_t *g_payload;
static uint32_t *g_ring;        /* ready publishers, round robin */
static size_t g_ring_head, g_ring_count;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec * 1e-6;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        perror("mqtt-load: realloc");
        exit(1);
    }
    return q;
}

static inline void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint32_t get16(const uint8_t *p) { return ((uint32_t)p[0] << 8) | p[1]; }

static inline uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static size_t varint_len(size_t n) { return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4; }

static size_t put_varint(uint8_t *p, size_t n)
{
    size_t i = 0;
    do {
        uint8_t b = n & 127;
        n >>= 7;
        if (n)
            b |= 128;
        p[i++] = b;
    } while (n);
    return i;
}

static const char *role_name(const struct conn *c)
{
    return c->role == ROLE_SUB ? "subscriber" : c->role == ROLE_PUB ? "publisher" : "client";
}

static const char *cid_of(const struct conn *c) { return g_creds[c->cred].cid; }

/* forward */
static void pubsub_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void on_delivery_credit(uint32_t idx);

/* Room for n more bytes at the end of the output buffer (no allocation once warm). */
static uint8_t *out_reserve(struct conn *c, size_t n)
{
    if (c->outoff == c->outlen)
        c->outoff = c->outlen = 0;
    if (c->outlen + n > c->outcap) {
        if (c->outoff) {
            memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
            c->outlen -= c->outoff;
            c->outoff = 0;
        }
        if (c->outlen + n > c->outcap) {
            size_t cap = c->outcap ? c->outcap * 2 : 256;
            while (cap < c->outlen + n)
                cap *= 2;
            c->out = xrealloc(c->out, cap);
            c->outcap = cap;
        }
    }
    uint8_t *p = c->out + c->outlen;
    c->outlen += n;
    return p;
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0) {
        close(c->fd);   /* also removes it from the epoll set */
        c->fd = -1;
        g_nopen--;
    }
    c->state = ST_CLOSED;
    c->outoff = c->outlen = 0;
    c->rxlen = c->need = 0;
    free(c->out);
    c->out = NULL;
    c->outcap = 0;
    free(c->rx);
    c->rx = NULL;
    c->rxcap = 0;
}

static void outcome_done(double t)
{
    g_inflight--;
    g_outcomes++;
    g_last_outcome = t;
}

static void attempt_error(struct conn *c, int err, const char *what)
{
    double t = mono();
    outcome_done(t);
    g_errors++;
    conn_close(c);
    if (opt.mode == MODE_PUBSUB)
        pubsub_fail("%s '%s': %s failed: %s", role_name(c), cid_of(c), what, strerror(err));
    if (g_errors <= 5)
        fprintf(stderr, "mqtt-load: %s failed: %s\n", what, strerror(err));
    if (!g_stop_launch && g_errors * 10 > opt.count) {
        g_stop_launch = 1;
        fprintf(stderr, "mqtt-load: %ld connection errors (more than a tenth of %ld), stopping early\n",
                g_errors, opt.count);
    }
}

/* rc < 0: connection closed before CONNACK */
static void attempt_refused(struct conn *c, int rc)
{
    double t = mono();
    double from = c->connect_written ? c->t_written : c->t_start;
    g_lat_ref[g_nlat_ref++] = (t - from) * 1000.0;
    g_refused++;
    outcome_done(t);
    if (rc >= 0 && opt.mode == MODE_CONNECT)
        c->state = ST_CLOSING;  /* the broker closes after a refusal; closing second keeps our port free of TIME_WAIT */
    else
        conn_close(c);
    if (opt.mode == MODE_PUBSUB) {
        if (rc < 0)
            pubsub_fail("%s '%s' refused at connect (connection closed before CONNACK)", role_name(c), cid_of(c));
        pubsub_fail("%s '%s' refused at connect (CONNACK return code %d)", role_name(c), cid_of(c), rc);
    }
}

static int flush(struct conn *c);

static void send_subscribe(struct conn *c)
{
    const struct cred *cr = &g_creds[c->cred];
    size_t rem = 2 + 2 + cr->topiclen + 1;
    uint8_t *w = out_reserve(c, 1 + varint_len(rem) + rem);
    *w++ = 0x82;
    w += put_varint(w, rem);
    put16(w, 1);
    w += 2;
    put16(w, cr->topiclen);
    w += 2;
    memcpy(w, cr->topic, cr->topiclen);
    w += cr->topiclen;
    *w = (uint8_t)opt.qos;
    flush(c);
}

static void attempt_accepted(struct conn *c)
{
    double t = mono();
    double from = c->connect_written ? c->t_written : c->t_start;
    g_lat_acc[g_nlat_acc++] = (t - from) * 1000.0;
    g_accepted++;
    outcome_done(t);
    c->state = ST_UP;
    if (c->role == ROLE_SUB)
        send_subscribe(c);
    else if (c->role == ROLE_PUB)
        g_ready_pubs++;
}

/* The connection went away (read/write error, EOF, protocol error). */
static void conn_lost(struct conn *c, const char *why)
{
    if (c->state == ST_CONNECTING) {
        attempt_refused(c, -1);
        return;
    }
    if (c->state == ST_UP && !g_shutting_down) {
        g_lost++;
        if (opt.mode == MODE_PUBSUB) {
            if (g_in_setup)
                pubsub_fail("connection lost during setup: %s '%s' (%s)", role_name(c), cid_of(c), why);
            fprintf(stderr, "mqtt-load: connection lost: %s '%s' (%s)\n", role_name(c), cid_of(c), why);
            g_lost_any = 1;
        } else if (g_lost <= 5) {
            fprintf(stderr, "mqtt-load: accepted connection '%s' lost (%s)\n", cid_of(c), why);
        }
    }
    conn_close(c);
}

/* Writes as much buffered output as the socket takes. Returns -1 if the connection closed. */
static int flush(struct conn *c)
{
    while (c->outoff < c->outlen) {
        ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            c->outoff += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->blocked = 1;     /* edge-triggered EPOLLOUT will tell us when to continue */
            return 0;
        }
        if (c->state == ST_CONNECTING && c->outoff == 0 && w < 0) {
            attempt_error(c, errno, "connect");   /* TCP connect failed: nothing got through */
            return -1;
        }
        conn_lost(c, w < 0 ? strerror(errno) : "write returned 0");
        return -1;
    }
    c->outoff = c->outlen = 0;
    c->blocked = 0;
    if (c->state == ST_CONNECTING && !c->connect_written) {
        c->connect_written = 1;
        c->t_written = mono();
    }
    return 0;
}

static void send_connect(struct conn *c)
{
    const struct cred *cr = &g_creds[c->cred];
    char suf[16];
    size_t sl = c->round ? (size_t)snprintf(suf, sizeof suf, "-%u", c->round) : 0;
    size_t cidl = cr->cidlen + sl;
    if (cidl > 65535) {
        attempt_error(c, ENAMETOOLONG, "client id");
        return;
    }
    size_t rem = 10 + 2 + cidl + (cr->userlen ? 2 + cr->userlen : 0) + (cr->passlen ? 2 + cr->passlen : 0);
    c->state = ST_CONNECTING;
    c->connect_written = 0;
    uint8_t *w = out_reserve(c, 1 + varint_len(rem) + rem);
    *w++ = 0x10;
    w += put_varint(w, rem);
    memcpy(w, "\0\4MQTT\4", 7);
    w += 7;
    *w++ = (uint8_t)(0x02 | (cr->userlen ? 0x80 : 0) | (cr->passlen ? 0x40 : 0));
    put16(w, (uint32_t)opt.keepalive);
    w += 2;
    put16(w, (uint32_t)cidl);
    w += 2;
    memcpy(w, cr->cid, cr->cidlen);
    w += cr->cidlen;
    memcpy(w, suf, sl);
    w += sl;
    if (cr->userlen) {
        put16(w, cr->userlen);
        memcpy(w + 2, cr->user, cr->userlen);
        w += 2 + cr->userlen;
    }
    if (cr->passlen) {
        put16(w, cr->passlen);
        memcpy(w + 2, cr->pass, cr->passlen);
    }
    flush(c);
}

/* Binds fd to the next free source port (0 on success; -1: leave the choice to the kernel).
 * Gives up after a few busy ports (range crowded, e.g. by TIME_WAIT from an earlier run):
 * then the kernel, which may reuse TIME_WAIT ports, chooses for the rest of the run. */
static int bind_source_port(int fd)
{
    for (uint32_t tries = 0; tries < 64; tries++) {
        uint32_t port = g_port_next;
        g_port_next = port >= g_port_hi ? g_port_lo : port + 1;
        struct sockaddr_storage sa;
        socklen_t len;
        memset(&sa, 0, sizeof sa);
        if (g_addr.ss_family == AF_INET6) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&sa;
            a->sin6_family = AF_INET6;
            a->sin6_port = htons((uint16_t)port);
            a->sin6_addr = in6addr_any;
            len = sizeof *a;
        } else {
            struct sockaddr_in *a = (struct sockaddr_in *)&sa;
            a->sin_family = AF_INET;
            a->sin_port = htons((uint16_t)port);
            a->sin_addr.s_addr = htonl(INADDR_ANY);
            len = sizeof *a;
        }
        if (bind(fd, (struct sockaddr *)&sa, len) == 0)
            return 0;
        if (errno != EADDRINUSE && errno != EACCES)
            break;
    }
    g_bind_ports = 0;
    fprintf(stderr, "mqtt-load: source ports %u..%u crowded (TIME_WAIT from an earlier run?), "
            "leaving the port choice to the kernel\n", g_port_lo, g_port_hi);
    return -1;
}

static void conn_start(struct conn *c)
{
    double t = mono();
    c->t_start = t;
    g_last_launch = t;
    if (g_first_start < 0)
        g_first_start = t;
    g_inflight++;
    int fd = socket(g_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        attempt_error(c, errno, "socket");
        return;
    }
    c->fd = fd;
    g_nopen++;
    if (opt.mode == MODE_PUBSUB) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (g_bind_ports)
        bind_source_port(fd);
    struct epoll_event ev;
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = (uint64_t)(c - g_conns);
    if (epoll_ctl(g_ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        attempt_error(c, errno, "epoll_ctl");
        return;
    }
    /* On loopback the handshake usually completes inside connect(), so CONNECT is sent at once;
     * if the socket is still in SYN_SENT, send() says EAGAIN and EPOLLOUT resumes the write. */
    if (connect(fd, (struct sockaddr *)&g_addr, g_addrlen) == 0 || errno == EINPROGRESS)
        send_connect(c);
    else
        attempt_error(c, errno, "connect");
}

static void launch(void)
{
    while (g_inflight < g_limit && g_next < g_hi && !g_stop_launch)
        conn_start(&g_conns[g_next++]);
}

/* ------------------------------------------------------------------------ */
/* incoming packets                                                          */

static void on_publish(struct conn *c, uint8_t b0, const uint8_t *body, size_t len)
{
    unsigned qos = (b0 >> 1) & 3;
    if (len < 2)
        return;
    size_t off = 2 + get16(body);
    uint32_t pid = 0;
    if (qos) {
        if (off + 2 > len)
            return;
        pid = get16(body + off);
        off += 2;
    }
    if (off > len)
        return;
    if (qos == 1) {
        uint8_t *w = out_reserve(c, 4);
        w[0] = 0x40;
        w[1] = 2;
        put16(w + 2, pid);
    } else if (qos == 2) {
        uint8_t *w = out_reserve(c, 4);   /* PUBREC; never expected, we subscribe with QoS <= 1 */
        w[0] = 0x50;
        w[1] = 2;
        put16(w + 2, pid);
    }
    const uint8_t *pl = body + off;
    size_t plen = len - off;
    if (c->role != ROLE_SUB || plen < 16 || get32(pl + 12) != g_nonce) {
        g_unrelated++;
        return;
    }
    uint32_t idx = get32(pl);
    if (idx >= g_npubs) {
        g_unrelated++;
        return;
    }
    g_pubs[idx].delivered++;
    g_delivered++;
    g_delivery_seen = 1;
    on_delivery_credit(idx);
}

static void on_puback(struct conn *c, const uint8_t *body, size_t len)
{
    if (c->role != ROLE_PUB || len < 2)
        return;
    struct pub *p = &g_pubs[c->ridx];
    if (!p->unacked)
        return;
    uint32_t id = get16(body);
    uint8_t bit = (uint8_t)(1u << (id & 7));
    if (!(p->unacked[id >> 3] & bit))
        return;
    p->unacked[id >> 3] &= (uint8_t)~bit;
    p->acked++;
    g_acked++;
    on_delivery_credit(c->ridx);
}

static void on_suback(struct conn *c, const uint8_t *body, size_t len)
{
    if (c->role != ROLE_SUB || c->subscribed || len < 3)
        return;
    const struct cred *cr = &g_creds[c->cred];
    uint8_t rc = body[2];
    if (rc == 0x80)
        pubsub_fail("subscription refused (SUBACK 0x80): subscriber '%s' filter '%s'", cr->cid, cr->topic);
    if (rc < opt.qos)
        fprintf(stderr, "mqtt-load: subscriber '%s' filter '%s' granted QoS %u < requested %ld\n", cr->cid,
                cr->topic, rc, opt.qos);
    c->subscribed = 1;
    g_ready_subs++;
}

static void process_packet(struct conn *c, uint8_t b0, const uint8_t *body, size_t len)
{
    switch (b0 >> 4) {
    case 2: /* CONNACK */
        if (c->state != ST_CONNECTING)
            return;
        if (len < 2) {
            conn_lost(c, "malformed CONNACK");
            return;
        }
        if (body[1] == 0)
            attempt_accepted(c);
        else
            attempt_refused(c, body[1]);
        return;
    case 3:
        on_publish(c, b0, body, len);
        return;
    case 4:
        on_puback(c, body, len);
        return;
    case 9:
        on_suback(c, body, len);
        return;
    default: /* PINGRESP and anything else: ignored */
        return;
    }
}

/* Processes complete packets in buf; returns bytes consumed. Sets c->need for a partial packet. */
static size_t parse(struct conn *c, const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    c->need = 0;
    while (pos + 2 <= len) {
        size_t rl = 0, hdr = 0;
        int bad = 0;
        for (size_t k = 0; k < 4; k++) {
            if (pos + 1 + k >= len)
                break;
            uint8_t b = buf[pos + 1 + k];
            rl |= (size_t)(b & 127) << (7 * k);
            if (!(b & 128)) {
                hdr = 2 + k;
                break;
            }
            if (k == 3)
                bad = 1;
        }
        if (bad) {
            conn_lost(c, "malformed remaining length");
            return len;
        }
        if (!hdr)
            break;          /* header itself incomplete */
        size_t total = hdr + rl;
        if (len - pos < total) {
            c->need = total;
            break;
        }
        process_packet(c, buf[pos], buf + pos + hdr, rl);
        pos += total;
        if (c->state == ST_CLOSED)
            return len;
    }
    return pos;
}

static void mark_pending(struct conn *c)
{
    if (!c->pending) {
        c->pending = 1;
        g_pending[g_npending++] = (uint32_t)(c - g_conns);
    }
}

static void flush_pending(void)
{
    for (size_t i = 0; i < g_npending; i++) {
        struct conn *c = &g_conns[g_pending[i]];
        c->pending = 0;
        if (c->fd >= 0 && !c->blocked && c->outlen > c->outoff)
            flush(c);
    }
    g_npending = 0;
}

static void rx_reserve(struct conn *c, size_t n)
{
    if (c->rxcap < n) {
        size_t cap = c->rxcap ? c->rxcap : 256;
        while (cap < n)
            cap *= 2;
        c->rx = xrealloc(c->rx, cap);
        c->rxcap = cap;
    }
}

static void on_readable(struct conn *c)
{
    for (;;) {
        int big = c->need > g_rsize;
        uint8_t *dst;
        size_t want, have = 0;
        if (big) {
            rx_reserve(c, c->need);
            dst = c->rx + c->rxlen;
            want = c->need - c->rxlen;
        } else {
            have = c->rxlen;
            if (have)
                memcpy(g_rbuf, c->rx, have);
            dst = g_rbuf + have;
            want = g_rsize - have;
        }
        ssize_t r = recv(c->fd, dst, want, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conn_lost(c, strerror(errno));
            return;
        }
        if (r == 0) {
            conn_lost(c, "closed by the broker");
            return;
        }
        if (big) {
            c->rxlen += (size_t)r;
            if (c->rxlen == c->need) {
                size_t n = c->need;
                c->rxlen = 0;
                parse(c, c->rx, n);
            }
        } else {
            size_t total = have + (size_t)r;
            c->rxlen = 0;
            size_t used = parse(c, g_rbuf, total);
            if (c->state == ST_CLOSED)
                return;
            size_t left = total - used;
            if (left) {
                rx_reserve(c, left);
                memcpy(c->rx, g_rbuf + used, left);
                c->rxlen = left;
            }
        }
        if (c->state == ST_CLOSED)
            return;
        if ((size_t)r < want)
            break;          /* drained: edge-triggered epoll reports new data */
    }
    if (c->outlen > c->outoff)
        mark_pending(c);
}

static void on_event(struct conn *c, uint32_t ev)
{
    if (c->fd < 0 || c->state == ST_CLOSED)
        return;
    if (ev & (EPOLLOUT | EPOLLERR)) {
        c->blocked = 0;
        if (c->outlen > c->outoff && flush(c) < 0)
            return;
    }
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
        on_readable(c);
}

static void ping_all(void)
{
    for (size_t i = 0; i < g_nconns; i++) {
        struct conn *c = &g_conns[i];
        if (c->state != ST_UP)
            continue;
        uint8_t *w = out_reserve(c, 2);
        w[0] = 0xC0;
        w[1] = 0;
        if (!c->blocked)
            flush(c);
    }
}

/* One epoll round. */
static void pump(int timeout_ms)
{
    int n = epoll_wait(g_ep, g_events, MAX_EVENTS, timeout_ms);
    if (n < 0) {
        if (errno != EINTR) {
            perror("mqtt-load: epoll_wait");
            exit(1);
        }
        n = 0;
    }
    for (int i = 0; i < n; i++)
        on_event(&g_conns[g_events[i].data.u64], g_events[i].events);
    flush_pending();
    g_now = mono();
    if (opt.keepalive > 0 && g_now - g_last_ping >= opt.keepalive / 2.0) {
        g_last_ping = g_now;
        ping_all();
    }
}

static int ms_until(double t)
{
    double d = (t - mono()) * 1000.0;
    if (d <= 0)
        return 0;
    if (d > 100)
        return 100;
    return (int)ceil(d);
}

/* Sends DISCONNECT everywhere and waits (up to 2 s) for the broker to close its end first,
 * so TIME_WAIT ends up on the broker's side and our source ports are free for the next run. */
static void disconnect_all(void)
{
    g_shutting_down = 1;
    for (size_t i = 0; i < g_nconns; i++) {
        struct conn *c = &g_conns[i];
        if (c->state == ST_UP) {
            uint8_t *w = out_reserve(c, 2);
            w[0] = 0xE0;
            w[1] = 0;
            c->state = ST_CLOSING;
            flush(c);
        } else if (c->fd >= 0 && c->state != ST_CLOSING) {
            conn_close(c);
        }
    }
    double until = mono() + DRAIN_SECONDS;
    while (g_nopen > 0 && mono() < until)
        pump(ms_until(until));
    for (size_t i = 0; i < g_nconns; i++)
        if (g_conns[i].fd >= 0)
            conn_close(&g_conns[i]);
}

/* ------------------------------------------------------------------------ */
/* setup                                                                     */

static void resolve_host(void)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char port[16];
    snprintf(port, sizeof port, "%ld", opt.port);
    int rc = getaddrinfo(opt.host, port, &hints, &res);
    if (rc != 0 || !res)
        usage_error("cannot resolve host '%s': %s", opt.host, gai_strerror(rc));
    memcpy(&g_addr, res->ai_addr, res->ai_addrlen);
    g_addrlen = res->ai_addrlen;
    freeaddrinfo(res);
}

static void raise_nofile(size_t needed)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            fprintf(stderr, "mqtt-load: setrlimit(RLIMIT_NOFILE): %s\n", strerror(errno));
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur != RLIM_INFINITY && needed + 16 > rl.rlim_cur)
            fprintf(stderr, "mqtt-load: warning: up to %zu connections but RLIMIT_NOFILE is %llu\n", needed,
                    (unsigned long long)rl.rlim_cur);
    }
}

static void common_init(size_t nconns)
{
    signal(SIGPIPE, SIG_IGN);
    resolve_host();
    raise_nofile(nconns);
    g_ep = epoll_create1(EPOLL_CLOEXEC);
    if (g_ep < 0) {
        perror("mqtt-load: epoll_create1");
        exit(1);
    }
    g_nconns = nconns;
    g_conns = calloc(nconns, sizeof *g_conns);
    g_lat_acc = malloc(nconns * sizeof(double));
    g_lat_ref = malloc(nconns * sizeof(double));
    g_pending = malloc(nconns * sizeof *g_pending);
    size_t maxpkt = (size_t)opt.payload + 65535 + 16;
    g_rsize = 1u << 20;
    if (g_rsize < 2 * maxpkt)
        g_rsize = 2 * maxpkt;
    g_rbuf = malloc(g_rsize);
    if (!g_conns || !g_lat_acc || !g_lat_ref || !g_pending || !g_rbuf) {
        perror("mqtt-load: malloc");
        exit(1);
    }
    for (size_t i = 0; i < nconns; i++)
        g_conns[i].fd = -1;
    FILE *pr = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (pr) {
        unsigned lo, hi;
        if (fscanf(pr, "%u %u", &lo, &hi) == 2 && lo >= 1024 && lo <= hi && hi <= 65535) {
            g_port_lo = lo;
            g_port_hi = hi;
        }
        fclose(pr);
    }
    g_port_next = g_port_lo + (uint32_t)getpid() % (g_port_hi - g_port_lo + 1);
    g_now = mono();
    g_last_ping = g_now;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* nearest-rank percentile over a sorted array */
static double percentile(const double *v, size_t n, double p)
{
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

static void json_ms(const char *key, const double *v, size_t n, double p)
{
    if (n == 0)
        printf(",\"%s\":null", key);
    else
        printf(",\"%s\":%.3f", key, percentile(v, n, p));
}

/* ------------------------------------------------------------------------ */
/* connect mode                                                              */

static int run_connect(void)
{
    load_lines(opt.credentials, MODE_CONNECT);
    size_t n = (size_t)opt.count;
    common_init(n);
    for (size_t i = 0; i < n; i++) {
        g_conns[i].role = ROLE_CONN;
        g_conns[i].cred = (uint32_t)(i % g_ncreds);
        g_conns[i].round = (uint32_t)(i / g_ncreds);
    }
    g_next = 0;
    g_hi = n;
    g_limit = (size_t)opt.concurrency;
    int timed_out = 0;
    for (;;) {
        launch();
        if (g_inflight == 0 && (g_next >= g_hi || g_stop_launch))
            break;
        /* Never sleeps here: on loopback, a generator asleep in epoll_wait makes the broker's core pay
         * for waking it on every CONNACK (perf: 7-10 us per CONNECT at RS256's rate, where it waits for
         * CONNACKs; nothing at (a)'s, where it is always busy), a cost a remote client pays on its own
         * machine. Not while publishing: there it cut QoS 1 throughput for every variant, (a) included,
         * and most for those with authentication, Mosquitto's own included (docs/PERFORMANCE.md). */
        pump(0);
        double ref = g_last_outcome > g_last_launch ? g_last_outcome : g_last_launch;
        if (g_inflight > 0 && g_now - ref > opt.timeout) {
            fprintf(stderr, "mqtt-load: no connection outcome for %.0f s, giving up on %zu attempts in flight\n",
                    opt.timeout, g_inflight);
            g_stop_launch = 1;
            timed_out = 1;
            for (size_t i = 0; i < g_nconns; i++) {
                struct conn *c = &g_conns[i];
                if (c->state == ST_CONNECTING)
                    attempt_error(c, ETIMEDOUT, "connect");
            }
        }
    }
    double seconds = g_first_start >= 0 ? g_last_outcome - g_first_start : 0;
    if (opt.hold > 0) {
        double until = mono() + opt.hold;
        while (mono() < until)
            pump(ms_until(until));
    }
    disconnect_all();
    if (g_lost)
        fprintf(stderr, "mqtt-load: %ld accepted connections were closed by the broker before the end\n", g_lost);

    qsort(g_lat_acc, g_nlat_acc, sizeof(double), cmp_double);
    qsort(g_lat_ref, g_nlat_ref, sizeof(double), cmp_double);
    long attempted = (long)g_outcomes;
    printf("{\"mode\":\"connect\",\"attempted\":%ld,\"accepted\":%ld,\"refused\":%ld,\"errors\":%ld,"
           "\"seconds\":%.6f,\"attempts_per_s\":%.1f,\"accepted_per_s\":%.1f",
           attempted, g_accepted, g_refused, g_errors, seconds, seconds > 0 ? attempted / seconds : 0.0,
           seconds > 0 ? g_accepted / seconds : 0.0);
    json_ms("p50_ms", g_lat_acc, g_nlat_acc, 50);
    json_ms("p99_ms", g_lat_acc, g_nlat_acc, 99);
    json_ms("max_ms", g_lat_acc, g_nlat_acc, 100);
    json_ms("refused_p50_ms", g_lat_ref, g_nlat_ref, 50);
    json_ms("refused_p99_ms", g_lat_ref, g_nlat_ref, 99);
    printf("}\n");
    fflush(stdout);
    return (g_stop_launch || timed_out) ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* pubsub mode                                                               */

struct snap {
    double t, cpu;
    uint64_t sent, delivered;
};

static struct {
    int measuring, measured;    /* --seconds: inside / after the measuring interval */
    struct snap start, end;
    double t_pub;               /* publishing started */
} ps;

static struct snap take_snap(void)
{
    struct snap s;
    s.t = mono();
    s.cpu = cpu_seconds();
    s.sent = g_sent;
    s.delivered = g_delivered;
    return s;
}

static void print_pubsub_json(int stalled)
{
    double secs = 0, cpu = 0;
    uint64_t pub = 0, del = 0;
    if (ps.measuring || ps.measured) {
        struct snap e = ps.measured ? ps.end : take_snap();
        secs = e.t - ps.start.t;
        cpu = e.cpu - ps.start.cpu;
        pub = e.sent - ps.start.sent;
        del = e.delivered - ps.start.delivered;
    }
    printf("{\"mode\":\"pubsub\",\"qos\":%ld,\"publishers\":%zu,\"subscribers\":%zu,\"published\":%llu,"
           "\"delivered\":%llu,\"seconds\":%.6f,\"published_per_s\":%.1f,\"delivered_per_s\":%.1f,"
           "\"generator_cpu_s\":%.3f%s}\n",
           opt.qos, g_npubs, g_nsubs, (unsigned long long)pub, (unsigned long long)del, secs,
           secs > 0 ? (double)pub / secs : 0.0, secs > 0 ? (double)del / secs : 0.0, cpu,
           stalled ? ",\"stalled\":true" : "");
    fflush(stdout);
}

static void pubsub_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mqtt-load: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    print_pubsub_json(0);
    exit(1);
}

static inline int can_publish(const struct pub *p)
{
    if (!g_publishing || g_conns[p->conn].state != ST_UP)
        return 0;
    if (opt.have_messages && p->sent >= p->quota)
        return 0;
    if ((int64_t)(p->sent * p->fanout - p->delivered) >= (int64_t)opt.window * p->fanout)
        return 0;
    if (opt.qos == 1 && p->sent - p->acked >= (uint64_t)opt.window)
        return 0;
    return 1;
}

static inline void ring_push(uint32_t idx)
{
    size_t pos = g_ring_head + g_ring_count;
    if (pos >= g_npubs)
        pos -= g_npubs;
    g_ring[pos] = idx;
    g_ring_count++;
    g_pubs[idx].queued = 1;
}

static void on_delivery_credit(uint32_t idx)
{
    struct pub *p = &g_pubs[idx];
    if (!p->queued && can_publish(p))
        ring_push(idx);
}

static void emit_publish(struct pub *p, uint32_t idx)
{
    struct conn *c = &g_conns[p->conn];
    size_t total = p->prefixlen + (opt.qos ? 2 : 0) + (size_t)opt.payload;
    uint8_t *w = out_reserve(c, total);
    memcpy(w, p->prefix, p->prefixlen);
    w += p->prefixlen;
    if (opt.qos) {
        uint16_t id;
        for (;;) {
            id = p->next_pid;
            p->next_pid = id == 65535 ? 1 : (uint16_t)(id + 1);
            if (!(p->unacked[id >> 3] & (1u << (id & 7))))
                break;
        }
        p->unacked[id >> 3] |= (uint8_t)(1u << (id & 7));
        put16(w, id);
        w += 2;
    }
    memcpy(w, g_payload, (size_t)opt.payload);
    put32(w, idx);
    put64(w + 4, p->sent);
    p->sent++;
    g_sent++;
    g_expected += p->fanout;
    mark_pending(c);
}

/* Round-robin over publishers with credit. Returns 1 if the budget ran out (more to do now). */
static int schedule(void)
{
    int budget = SCHEDULE_BUDGET;
    while (budget > 0 && g_ring_count > 0) {
        uint32_t idx = g_ring[g_ring_head];
        g_ring_head = g_ring_head + 1 == g_npubs ? 0 : g_ring_head + 1;
        g_ring_count--;
        struct pub *p = &g_pubs[idx];
        p->queued = 0;
        if (!can_publish(p))
            continue;
        emit_publish(p, idx);
        budget--;
        if (can_publish(p))
            ring_push(idx);
    }
    flush_pending();
    return budget == 0;
}

static uint64_t outstanding(void)
{
    uint64_t o = g_expected > g_delivered ? g_expected - g_delivered : 0;
    if (opt.qos == 1)
        o += g_sent - g_acked;
    return o;
}

static void stalled_exit(void)
{
    uint64_t target = opt.have_messages ? g_target_deliveries : g_expected;
    fprintf(stderr, "deliveries stalled: %llu of %llu delivered (denied by an ACL?)\n",
            (unsigned long long)g_delivered, (unsigned long long)target);
    if (opt.qos == 1 && g_acked < g_sent)
        fprintf(stderr, "mqtt-load: %llu of %llu publishes acknowledged by the broker\n",
                (unsigned long long)g_acked, (unsigned long long)g_sent);
    print_pubsub_json(1);
    exit(1);
}

static void wait_ready(size_t *ready, size_t want, const char *what, double deadline)
{
    while (*ready < want) {
        launch();
        pump(100);
        if (g_now > deadline)
            pubsub_fail("setup timed out after %.0f s: %zu of %zu %s ready", opt.timeout, *ready, want, what);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int run_pubsub(void)
{
    load_lines(opt.plan, MODE_PUBSUB);

    /* order: subscribers first, then publishers */
    size_t nsub = 0, npub = 0;
    for (size_t i = 0; i < g_ncreds; i++) {
        if (g_creds[i].role == ROLE_SUB)
            nsub++;
        else
            npub++;
    }
    if (nsub == 0)
        usage_error("%s has no 'sub' lines", opt.plan);
    if (npub == 0)
        usage_error("%s has no 'pub' lines", opt.plan);
    /* duplicate client ids would make the broker take one session over */
    {
        const char **ids = malloc(g_ncreds * sizeof *ids);
        if (!ids) {
            perror("mqtt-load: malloc");
            exit(1);
        }
        for (size_t i = 0; i < g_ncreds; i++)
            ids[i] = g_creds[i].cid;
        qsort(ids, g_ncreds, sizeof *ids, cmp_str);
        for (size_t i = 1; i < g_ncreds; i++)
            if (!strcmp(ids[i - 1], ids[i]) && *ids[i])
                usage_error("%s: client id '%s' appears more than once", opt.plan, ids[i]);
        free(ids);
    }

    common_init(g_ncreds);
    g_nsubs = nsub;
    g_npubs = npub;
    g_subs = calloc(nsub, sizeof *g_subs);
    g_pubs = calloc(npub, sizeof *g_pubs);
    g_ring = calloc(npub, sizeof *g_ring);
    g_payload = malloc((size_t)opt.payload);
    if (!g_subs || !g_pubs || !g_ring || !g_payload) {
        perror("mqtt-load: malloc");
        exit(1);
    }
    g_nonce = (uint32_t)getpid() * 2654435761u ^ (uint32_t)(mono() * 1e6);
    memset(g_payload, 'x', (size_t)opt.payload);
    put32(g_payload + 12, g_nonce);

    size_t ci = 0, si = 0, pi = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < g_ncreds; i++) {
            const struct cred *cr = &g_creds[i];
            if ((pass == 0) != (cr->role == ROLE_SUB))
                continue;
            struct conn *c = &g_conns[ci];
            c->cred = (uint32_t)i;
            c->role = (uint8_t)cr->role;
            if (cr->role == ROLE_SUB) {
                c->ridx = (uint32_t)si;
                g_subs[si++].conn = (uint32_t)ci;
            } else {
                struct pub *p = &g_pubs[pi];
                c->ridx = (uint32_t)pi;
                p->conn = (uint32_t)ci;
                for (size_t j = 0; j < g_ncreds; j++)
                    if (g_creds[j].role == ROLE_SUB && topic_matches(g_creds[j].topic, cr->topic))
                        p->fanout++;
                if (p->fanout == 0)
                    usage_error("%s line %ld: publisher '%s' topic '%s' matches no subscriber filter", opt.plan,
                                cr->lineno, cr->cid, cr->topic);
                size_t rem = 2 + cr->topiclen + (opt.qos ? 2 : 0) + (size_t)opt.payload;
                p->prefix = malloc(1 + 4 + 2 + (size_t)cr->topiclen);
                if (!p->prefix) {
                    perror("mqtt-load: malloc");
                    exit(1);
                }
                uint8_t *w = p->prefix;
                *w++ = (uint8_t)(0x30 | (opt.qos << 1));
                w += put_varint(w, rem);
                put16(w, cr->topiclen);
                w += 2;
                memcpy(w, cr->topic, cr->topiclen);
                w += cr->topiclen;
                p->prefixlen = (size_t)(w - p->prefix);
                p->next_pid = 1;
                if (opt.qos == 1) {
                    p->unacked = calloc(8192, 1);
                    if (!p->unacked) {
                        perror("mqtt-load: malloc");
                        exit(1);
                    }
                }
                if (opt.have_messages)
                    p->quota = (uint64_t)(opt.messages / (long long)npub) +
                               ((uint64_t)pi < (uint64_t)(opt.messages % (long long)npub) ? 1 : 0);
                g_target_deliveries += p->quota * p->fanout;
                pi++;
            }
            ci++;
        }
    }

    /* 1. subscribers: connect + subscribe */
    g_in_setup = 1;
    g_limit = SETUP_CONCURRENCY;
    g_next = 0;
    g_hi = nsub;
    double deadline = mono() + opt.timeout;
    wait_ready(&g_ready_subs, nsub, "subscribers", deadline);
    /* 2. publishers */
    g_next = nsub;
    g_hi = nsub + npub;
    deadline = mono() + opt.timeout;
    wait_ready(&g_ready_pubs, npub, "publishers", deadline);

    /* 3. publish */
    g_in_setup = 0;
    g_publishing = 1;
    ps.t_pub = mono();
    double last_delivery = ps.t_pub;
    for (uint32_t i = 0; i < npub; i++)
        on_delivery_credit(i);
    double meas_start = ps.t_pub + (opt.have_seconds ? opt.warmup : 0);
    double meas_end = meas_start + opt.seconds;
    if (!opt.have_seconds || opt.warmup <= 0) {
        ps.start = take_snap();
        ps.measuring = 1;
    }
    for (;;) {
        int more = schedule();
        int tmo = 100;
        if (more)
            tmo = 0;
        else if (opt.have_seconds)
            tmo = ms_until(ps.measuring ? meas_end : meas_start);
        g_delivery_seen = 0;
        pump(tmo);
        double now = g_now;
        if (g_delivery_seen)
            last_delivery = now;
        if (opt.have_seconds) {
            if (!ps.measuring && !ps.measured && now >= meas_start) {
                ps.start = take_snap();
                ps.measuring = 1;
            }
            if (ps.measuring && now >= meas_end) {
                ps.end = take_snap();
                ps.measuring = 0;
                ps.measured = 1;
                break;
            }
        } else {
            if (g_delivered >= g_target_deliveries && (opt.qos == 0 || g_acked >= g_sent) &&
                g_sent >= (uint64_t)opt.messages) {
                ps.end = take_snap();
                ps.measuring = 0;
                ps.measured = 1;
                break;
            }
            if (now - ps.t_pub > opt.timeout) {
                fprintf(stderr, "mqtt-load: --timeout %.0f s exceeded\n", opt.timeout);
                stalled_exit();
            }
        }
        if (outstanding() > 0 && now - last_delivery > STALL_SECONDS)
            stalled_exit();
    }
    g_publishing = 0;

    /* drain (--seconds): let in-flight messages arrive so the broker's queues are empty */
    if (opt.have_seconds) {
        double drain_start = mono(), until = drain_start + DRAIN_SECONDS;
        while (outstanding() > 0 && mono() < until) {
            g_delivery_seen = 0;
            pump(ms_until(until));
            if (g_delivery_seen)
                last_delivery = g_now;
            if (g_now - last_delivery > STALL_SECONDS)
                stalled_exit();
        }
        if (outstanding() > 0) {
            /* nothing at all arrived while draining: those messages are not coming */
            if (last_delivery < drain_start)
                stalled_exit();
            fprintf(stderr, "mqtt-load: drain incomplete: %llu deliveries/acks still outstanding after %.0f s\n",
                    (unsigned long long)outstanding(), DRAIN_SECONDS);
        }
    }
    disconnect_all();
    if (g_unrelated)
        fprintf(stderr, "mqtt-load: ignored %llu unrelated messages\n", (unsigned long long)g_unrelated);
    print_pubsub_json(0);
    return g_lost_any ? 1 : 0;
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    if (opt.mode == MODE_CONNECT)
        return run_connect();
    return run_pubsub();
}
