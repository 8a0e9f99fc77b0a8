#!/usr/bin/env python3
"""`make bench`: this plugin side by side with what Mosquitto already ships, on this machine, in one run.

Variants, started one after another on loopback with the same Mosquitto and the same base settings:
  a        no authentication (the ceiling)
  a2       no authentication again, measured like a variant: the A/A control, whose ratios to (a)
           show how far this machine's noise alone moves a cell
  b        password_file + acl_file with pattern rules equivalent to the telemetry profile
  c        the dynamic-security plugin, one role per device (2.0.11's dynsec has no %u)
  d        this plugin, pin login
  e-ALG    this plugin, token login (RS256, ES256, EdDSA, HS256)
Device i is `dev<i>` (client id and username; `dev<i>-<k>` for its k-th extra login in the CONNECT test
at 1,000 devices) in session `s<i>`; its topics are `s<i>/dt/+/dev<i>/#`
(write) and `s<i>/cmd/+/dev<i>/#` (read and write) in every variant. The broker runs on CPU 0, the load
generator (Tools/LoadGen/mqtt-load, C, epoll) on CPU 1. This script only orchestrates: it provisions,
starts and stops brokers, runs the generator and valgrind, and writes the report. It is not a load
generator itself (Python clients top out far below what the broker can take).
"""

import argparse
import base64
import datetime
import getpass
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOSQUITTO = "/usr/sbin/mosquitto"
DYNSEC = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"
PIN = "482913"
BROKER_CPU = "0"
LOAD_CPU = "1"
TOKEN_ALGORITHMS_FULL = ["RS256", "ES256", "EdDSA", "HS256"]
OPENSSL_SPEED_NAMES = {"RS256": "rsa3072", "ES256": "ecdsap256", "EdDSA": "ed25519"}
# The A/A control: (a) again, measured like a variant; and the variants without authentication.
CONTROL = "a2"
NO_AUTH = ("a", CONTROL)
DEFAULT_REPS = 5
REPORT_BEGIN = "<!-- compare:begin (written by Benchmarks/compare.py) -->"
REPORT_END = "<!-- compare:end -->"


def log(message):
    print(message, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------
# Provisioning: the same devices for every variant.


def pbkdf2_sha512(password, salt, iterations=101):
    """Mosquitto's own password hash ($7$: PBKDF2-SHA512, 101 iterations by default), as
    mosquitto_passwd and dynsec write it; computed here because mosquitto_passwd takes one user per run."""
    return base64.b64encode(hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)).decode()


def device_password(index):
    return f"s{index}:{PIN}"


class Provisioned:
    """Everything one device count needs, under `folder`."""

    def __init__(self, folder, devices, token_algorithms, token_count, tools):
        self.folder = folder
        self.devices = devices
        os.makedirs(folder, exist_ok=True)
        started = time.monotonic()
        self.store = os.path.join(folder, "sessions.db")
        run([tools.provision, "store", self.store, str(devices), PIN])
        self.password_file = os.path.join(folder, "passwords")
        self.acl_file = os.path.join(folder, "acl")
        self.dynsec_file = os.path.join(folder, "dynamic-security.json")
        self._write_mosquitto_files()
        self.tokens = {}
        for algorithm in token_algorithms:
            directory = os.path.join(folder, f"keys-{algorithm}")
            run([tools.provision, "tokens", algorithm, directory, str(token_count)])
            self.tokens[algorithm] = directory
        self.seconds = time.monotonic() - started

    def _write_mosquitto_files(self):
        salt = os.urandom(12)
        salt_text = base64.b64encode(salt).decode()
        with open(self.password_file, "w") as passwords:
            for index in range(self.devices):
                hashed = pbkdf2_sha512(device_password(index), salt)
                passwords.write(f"dev{index}:$7$101${salt_text}${hashed}\n")
        # Patterns: the telemetry profile's device rules. acl_file has no session, so the root level is
        # `+`; per-user `topic` lines would bind it exactly but make the file 100,000 blocks long.
        with open(self.acl_file, "w") as acl:
            acl.write("pattern write +/dt/+/%u/#\npattern readwrite +/cmd/+/%u/#\n")
        clients = []
        roles = []
        for index in range(self.devices):
            name = f"dev{index}"
            clients.append(
                {
                    "username": name,
                    "password": pbkdf2_sha512(device_password(index), salt),
                    "salt": salt_text,
                    "iterations": 101,
                    "roles": [{"rolename": name}],
                }
            )
            root = f"s{index}"
            acls = [("publishClientSend", f"{root}/dt/+/{name}/#")]
            for kind in ("publishClientSend", "publishClientReceive", "subscribePattern"):
                acls.append((kind, f"{root}/cmd/+/{name}/#"))
            roles.append(
                {"rolename": name, "acls": [{"acltype": k, "topic": t, "allow": True} for k, t in acls]}
            )
        config = {
            "clients": clients,
            "roles": roles,
            "groups": [],
            "defaultACLAccess": {
                "publishClientSend": False,
                "publishClientReceive": False,
                "subscribe": False,
                "unsubscribe": True,
            },
        }
        with open(self.dynsec_file, "w") as out:
            json.dump(config, out)

    def credentials(self, variant, indices, bad=False):
        """(client id, username, password) of the given devices as the variant expects them."""
        if variant.startswith("e-"):
            name = "bad-tokens.tsv" if bad else "tokens.tsv"
            with open(os.path.join(self.tokens[variant[2:]], name)) as lines:
                tokens = [line.rstrip("\n").split("\t")[2] for line in lines]
            return [(f"dev{i}", f"dev{i}", tokens[i]) for i in indices]
        password = (lambda i: f"s{i}:000000") if bad else device_password
        return [(f"dev{i}", f"dev{i}", password(i)) for i in indices]


# ---------------------------------------------------------------------------------------------------
# Brokers


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raise_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Broker:
    """One Mosquitto process of one variant, pinned to BROKER_CPU; optionally under callgrind."""

    def __init__(self, variant, provisioned, plugin, folder, callgrind_out=None):
        self.variant = variant
        self.port = free_port()
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.config = os.path.join(folder, f"{variant}.conf")
        self.log_path = os.path.join(folder, f"{variant}.log")
        with open(self.config, "w") as conf:
            conf.write(self._configuration(provisioned, plugin))
        command = ["taskset", "-c", BROKER_CPU, MOSQUITTO, "-c", self.config]
        environment = None
        if callgrind_out:
            command = ["taskset", "-c", BROKER_CPU, "valgrind", "--tool=callgrind", "--quiet",
                       f"--callgrind-out-file={callgrind_out}", MOSQUITTO, "-c", self.config]
            # The plugin's dictionaries hash with a seed drawn per process: loading 100,000 sessions then
            # costs a different number of instructions in each run, and the difference of two runs that
            # should cancel the start moved by ±120 per message (pin: 8,183-8,411 over three pairs; with a
            # fixed seed 8,262-8,264). Only for counting instructions; wall-clock runs keep random seeds.
            environment = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1")
        self.log = open(self.log_path, "w")
        started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        preexec_fn=raise_open_files, env=environment)
        self.startup_ms = self._wait_listening(started, 600 if callgrind_out else 60) * 1000

    def _configuration(self, provisioned, plugin):
        # `user`: as root, mosquitto would switch to the mosquitto user, who cannot write beside the store.
        lines = [f"listener {self.port} 127.0.0.1", f"user {getpass.getuser()}", "persistence false", "log_dest stderr",
                 "log_type error", "log_type warning", "max_queued_messages 10000"]
        variant = self.variant
        if variant in NO_AUTH:
            lines.append("allow_anonymous true")
        elif variant == "b":
            lines += ["allow_anonymous false", f"password_file {provisioned.password_file}",
                      f"acl_file {provisioned.acl_file}"]
        elif variant == "c":
            # dynsec may rewrite its file: every broker gets its own copy.
            copy = os.path.join(self.folder, "dynamic-security.json")
            shutil.copyfile(provisioned.dynsec_file, copy)
            lines += ["allow_anonymous false", f"plugin {DYNSEC}", f"plugin_opt_config_file {copy}"]
        else:
            lines += [f"plugin {plugin}", f"plugin_opt_db_path {provisioned.store}", "plugin_opt_log_level error"]
            if variant.startswith("e-"):
                algorithm = variant[2:]
                lines += [f"plugin_opt_jwt_keys {provisioned.tokens[algorithm]}/jwks.json",
                          f"plugin_opt_jwt_algorithms {algorithm}"]
        return "\n".join(lines) + "\n"

    def _wait_listening(self, started, limit):
        while time.monotonic() - started < limit:
            if self.process.poll() is not None:
                raise BenchError(f"broker {self.variant} exited at start; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.005)
        raise BenchError(f"broker {self.variant} not listening after {limit} s; see {self.log_path}")

    def pid(self):
        """The broker's own pid (taskset execs, valgrind runs the broker in its own process)."""
        return self.process.pid

    def rss_mb(self):
        with open(f"/proc/{self.pid()}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return None

    def cpu_seconds(self):
        with open(f"/proc/{self.pid()}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# ---------------------------------------------------------------------------------------------------
# The load generator


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise BenchError(f"{' '.join(command[:3])} … failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return result.stdout


def write_lines(path, rows):
    with open(path, "w") as out:
        for row in rows:
            out.write("\t".join(row) + "\n")
    return path


def generator(tools, broker, arguments, allow_failure=False):
    command = ["taskset", "-c", LOAD_CPU, tools.load, arguments[0], "--port", str(broker.port)] + arguments[1:]
    cpu_before = broker.cpu_seconds()
    wall_before = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, preexec_fn=raise_open_files)
    wall = time.monotonic() - wall_before
    broker_cpu = broker.cpu_seconds() - cpu_before
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 and not allow_failure or not lines:
        raise BenchError(f"mqtt-load {arguments[0]} against {broker.variant} failed ({result.returncode}): "
                         f"{result.stderr.strip()[-400:]}")
    measured = json.loads(lines[-1])
    measured["broker_cpu_share"] = broker_cpu / wall if wall > 0 else None
    return measured


class Plans:
    """The same publishers and subscribers for every variant; only the passwords differ."""

    PAIRS = 10
    FANOUT = 50

    def __init__(self, provisioned, folder):
        self.provisioned = provisioned
        self.folder = folder

    def point_to_point(self, variant):
        rows = []
        for (client, user, password), i in zip(provisioned_credentials(self.provisioned, variant, range(self.PAIRS)),
                                                range(self.PAIRS)):
            rows.append(("sub", f"{client}-sub", user, password, f"s{i}/cmd/+/dev{i}/#"))
            rows.append(("pub", client, user, password, f"s{i}/cmd/x/dev{i}/set"))
        return write_lines(os.path.join(self.folder, f"p2p-{variant}.tsv"), rows)

    def fan_out(self, variant):
        (client, user, password), = provisioned_credentials(self.provisioned, variant, [0])
        rows = [("sub", f"{client}-sub{k}", user, password, "s0/cmd/+/dev0/#") for k in range(self.FANOUT)]
        rows.append(("pub", client, user, password, "s0/cmd/x/dev0/set"))
        return write_lines(os.path.join(self.folder, f"fanout-{variant}.tsv"), rows)


def provisioned_credentials(provisioned, variant, indices, bad=False):
    return provisioned.credentials(variant, list(indices), bad=bad)


# ---------------------------------------------------------------------------------------------------
# Measurements


def wall_clock_rep(tools, provisioned, plans, variant, plugin, folder, settings):
    """One repetition of one variant: startup, connects (good and bad), four throughput runs, RSS."""
    broker = Broker(variant, provisioned, plugin, folder)
    result = {"startup_ms": broker.startup_ms}
    try:
        time.sleep(0.2)
        result["rss_start_mb"] = broker.rss_mb()
        # Always the same number of CONNECTs: with fewer devices each logs in several times, one after
        # another (a thousand CONNECTs took (a) 30 ms, too short a run to give the same rate twice), each
        # time under a client id new to the broker: a reused id takes Mosquitto's session-takeover path,
        # which alone cut (a)'s rate from 35,000 to 24,000/s here.
        count = settings.connect_count
        devices = settings.connect_devices
        logins = provisioned_credentials(provisioned, variant, (i % devices for i in range(count)))
        good = write_lines(os.path.join(folder, f"good-{variant}.tsv"),
                           [(client if i < devices else f"{client}-{i // devices}", user, password)
                            for i, (client, user, password) in enumerate(logins)])
        # The median of several runs (each closes its connections before the next): one run's rate moved
        # by up to 20 % from the next on the same broker (the kernel's share of a CONNECT is ~80 %).
        connects = []
        for _ in range(settings.connect_runs):
            connect = generator(tools, broker, ["connect", "--credentials", good, "--count", str(count),
                                                "--concurrency", str(settings.concurrency)])
            if connect["accepted"] != count:
                raise BenchError(f"variant {variant}: only {connect['accepted']} of {count} valid devices "
                                 f"were accepted; see {broker.log_path}")
            connects.append(connect)
        result["connect"] = median_run(connects, "accepted_per_s")
        result["connect_runs"] = [connect["accepted_per_s"] for connect in connects]
        if variant not in NO_AUTH:
            # Each device once: more wrong pins per device would lock it out (pin_lockout), and the
            # throughput runs after this log the same devices in.
            bad = write_lines(os.path.join(folder, f"bad-{variant}.tsv"),
                              provisioned_credentials(provisioned, variant, range(devices), bad=True))
            result["bad_connect"] = generator(tools, broker, ["connect", "--credentials", bad, "--count",
                                                              str(devices), "--concurrency", str(settings.concurrency)])
            if result["bad_connect"]["accepted"] != 0:
                raise BenchError(f"variant {variant}: {result['bad_connect']['accepted']} bad credentials accepted")
        for name, plan in (("p2p", plans.point_to_point(variant)), ("fanout", plans.fan_out(variant))):
            for qos in ("0", "1"):
                # QoS 1 settles into a regime per run (new connections each time) and keeps it for the
                # run's length: (a) alone gave 68,000-107,000 messages/s over sixteen 3 s runs on four
                # brokers, the broker saturated in every one. Several short runs and their median, not
                # one long run.
                runs = [generator(tools, broker, ["pubsub", "--plan", plan, "--qos", qos, "--seconds",
                                                  str(settings.seconds), "--warmup", str(settings.warmup)])
                        for _ in range(settings.qos1_runs if qos == "1" else 1)]
                result[f"{name}_qos{qos}"] = median_run(runs, "delivered_per_s")
                result[f"{name}_qos{qos}_runs"] = [run_["delivered_per_s"] for run_ in runs]
        result["rss_end_mb"] = broker.rss_mb()
    finally:
        broker.stop()
    return result


def median_run(runs, key):
    """The run whose `key` is the median (the lower middle of an even count), with all its other fields."""
    ordered = sorted(runs, key=lambda run_: run_[key])
    return ordered[(len(ordered) - 1) // 2]


def callgrind_total(path):
    with open(path) as out:
        for line in out:
            match = re.match(r"^(?:totals|summary):\s+(\d+)", line)
            if match:
                return int(match.group(1))
    raise BenchError(f"no totals in {path}")


def instructions(tools, provisioned, plans, variant, plugin, folder, settings):
    """Instructions inside the broker per message (p2p QoS 0: one publish, one delivery) and per CONNECT
    (connect, CONNACK, disconnect): the difference of two callgrind runs of different length, so that
    startup and shutdown cancel out. The median of `settings.cg_pairs` such differences: with a large
    heap (100,000 sessions) the broker's own malloc takes its slower paths in some runs and not in others
    (RS256 client, 100,000 devices: 8,173-8,559 per message over five pairs, all of it in `_int_malloc`
    and `_int_free`)."""
    result = {}
    for kind, unit in (("message", settings.cg_messages), ("connect", settings.cg_connects)):
        differences = []
        for _ in range(settings.cg_pairs):
            totals = {}
            for amount in (unit, 2 * unit):
                out = os.path.join(folder, f"callgrind-{variant}-{kind}-{amount}.out")
                broker = Broker(variant, provisioned, plugin, folder, callgrind_out=out)
                try:
                    if kind == "message":
                        generator(tools, broker, ["pubsub", "--plan", plans.point_to_point(variant), "--qos",
                                                  "0", "--messages", str(amount), "--timeout", "600"])
                    else:
                        good = write_lines(os.path.join(folder, f"cg-{variant}.tsv"),
                                           provisioned_credentials(provisioned, variant, range(amount)))
                        generator(tools, broker, ["connect", "--credentials", good, "--count", str(amount),
                                                  "--concurrency", "10"])
                finally:
                    broker.stop()
                totals[amount] = callgrind_total(out)
                os.remove(out)
            differences.append((totals[2 * unit] - totals[unit]) / unit)
        result[f"per_{kind}"] = statistics.median(differences)
        result[f"per_{kind}_runs"] = differences
    return result


def close_to_disconnect(tools, provisioned, plugin, folder, samples=5):
    """`sessionctl close` to the client's drop on the real broker (variant d), in milliseconds."""
    os.makedirs(folder, exist_ok=True)
    store_copy = os.path.join(folder, "close-sessions.db")
    shutil.copyfile(provisioned.store, store_copy)

    class Copy:
        store = store_copy
        tokens = provisioned.tokens

    broker = Broker("d", Copy, plugin, folder)
    latencies = []
    try:
        for sample in range(samples):
            index = 1 + sample
            client = mqtt_connect(broker.port, f"dev{index}", f"dev{index}", device_password(index))
            started = time.monotonic()
            run([tools.sessionctl, "close", "--db", store_copy, f"s{index}"])
            client.settimeout(5)
            try:
                while client.recv(1024):
                    pass
            except socket.timeout:
                raise BenchError("sessionctl close did not disconnect the device within 5 s")
            latencies.append((time.monotonic() - started) * 1000)
            client.close()
    finally:
        broker.stop()
    return latencies


def mqtt_connect(port, client_id, username, password):
    """A single MQTT 3.1.1 CONNECT over a plain socket: one watched connection, not load."""

    def field(text):
        data = text.encode()
        return len(data).to_bytes(2, "big") + data

    body = field("MQTT") + bytes([4, 0xC2]) + (60).to_bytes(2, "big") + field(client_id) + field(username) \
        + field(password)
    packet = bytes([0x10, len(body)]) if len(body) < 128 else bytes([0x10, len(body) % 128 | 0x80, len(body) // 128])
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    client.sendall(packet + body)
    connack = client.recv(4)
    if len(connack) < 4 or connack[3] != 0:
        raise BenchError(f"{username} was refused by the broker")
    return client


def openssl_verify_rates():
    """`openssl speed` verifies/s for the token key types, on the broker's core."""
    output = run(["taskset", "-c", BROKER_CPU, "openssl", "speed", "-seconds", "2"]
                 + sorted(set(OPENSSL_SPEED_NAMES.values())))
    rates = {}
    for line in output.splitlines():
        fields = line.split()
        if not fields:
            continue
        try:
            verify = float(fields[-1])
        except ValueError:
            continue
        if line.startswith("rsa 3072"):
            rates["RS256"] = verify
        elif "nistp256" in line:
            rates["ES256"] = verify
        elif "Ed25519" in line:
            rates["EdDSA"] = verify
    return rates


def decision_instructions(tools, folder):
    """Instructions per ACL decision at 10 and 100,000 sessions (callgrind, difference of two lengths)."""
    result = {}
    for sessions in (10, 100_000):
        totals = []
        for iterations in (100_000, 200_000):
            out = os.path.join(folder, f"callgrind-decision-{sessions}-{iterations}.out")
            run(["valgrind", "--tool=callgrind", "--quiet", f"--callgrind-out-file={out}", tools.decision,
                 str(iterations), "1", str(sessions)])
            totals.append(callgrind_total(out))
            os.remove(out)
        result[sessions] = (totals[1] - totals[0]) / 100_000
    return result


# ---------------------------------------------------------------------------------------------------
# Report


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, suffix=""):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    version = subprocess.run([MOSQUITTO, "-h"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {platform.platform()}, {version.strip()}"


def report(results, settings, command):
    out = []
    out.append(f"Command: `{command}` ({'full matrix' if settings.full else 'quick subset'}; "
               f"{settings.reps} interleaved repetitions, medians).")
    out.append(f"Date: {datetime.date.today().isoformat()}. Machine: {results['machine']}.")
    out.append(f"Broker on CPU {BROKER_CPU}, load generator (Tools/LoadGen/mqtt-load) on CPU {LOAD_CPU}; "
               "persistence off, log_type error/warning, max_queued_messages 10000, default set_tcp_nodelay. "
               "The generator polls its sockets without sleeping while it makes CONNECTs and sleeps in "
               "`epoll_wait` while publishing (why: the section \"A generator that does not sleep while "
               "connecting\").")
    out.append("")
    for devices, size in results["sizes"].items():
        out.append(f"### {int(devices):,} provisioned devices")
        out.append("")
        out.append(f"Provisioning took {size['provision_seconds']:.1f} s. Throughput: {settings.seconds} s measured "
                   f"after {settings.warmup} s warm-up (QoS 1: the median of {settings.qos1_runs} such runs in each "
                   f"repetition); point-to-point = {Plans.PAIRS} publisher/subscriber pairs, fan-out = 1 publisher "
                   f"to {Plans.FANOUT} subscribers (every delivery a read check); messages/s delivered, ratio to (a) "
                   f"from the same repetition. CONNECT: {settings.connect_count:,} CONNECTs of "
                   f"{size['connect_devices']:,} devices, {settings.concurrency} in flight, the median of "
                   f"{settings.connect_runs} runs in each repetition; bad = each of those devices once with a wrong "
                   "pin/password or a broken token signature. Instructions: callgrind, broker process, difference "
                   f"of two run lengths, median of {settings.cg_pairs} such pairs, Swift's hash seed fixed.")
        out.append("")
        out.append("| variant | instr/message | instr/CONNECT | QoS0 p2p | QoS1 p2p | QoS0 fan-out | QoS1 fan-out "
                   "| CONNECT/s | CONNACK p50/p99 ms | bad CONNECT/s | bad p50/p99 ms | startup ms | RSS start/end MB |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for variant, row in size["variants"].items():
            cells = [variant_name(variant)]
            cg = row.get("instructions")
            base_cg = size["variants"]["a"].get("instructions")
            if cg:
                ratio = f" ({cg['per_message'] / base_cg['per_message']:.2f}×)" if base_cg else ""
                cells += [fmt(cg["per_message"]) + ratio, fmt(cg["per_connect"])]
            else:
                cells += ["–", "–"]
            for key in ("p2p_qos0", "p2p_qos1", "fanout_qos0", "fanout_qos1"):
                rate = row.get(f"{key}_rate")
                ratio = row.get(f"{key}_ratio")
                cells.append(f"{fmt(rate)} ({ratio:.2f})" if ratio is not None else fmt(rate))
            cells.append(fmt(row.get("connect_rate")))
            cells.append(f"{fmt(row.get('connect_p50'), 2)} / {fmt(row.get('connect_p99'), 2)}")
            cells.append(fmt(row.get("bad_rate")))
            cells.append(f"{fmt(row.get('bad_p50'), 2)} / {fmt(row.get('bad_p99'), 2)}")
            cells.append(fmt(row.get("startup_ms"), 1))
            cells.append(f"{fmt(row.get('rss_start_mb'), 1)} / {fmt(row.get('rss_end_mb'), 1)}")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        saturation = size.get("saturation")
        if saturation:
            out.append(f"Saturation (QoS0 point-to-point, median over variants and repetitions): broker "
                       f"{saturation['broker']:.0%} of its core over the generator's whole run (connects "
                       f"included), generator {saturation['generator']:.0%} of its core while measuring.")
            out.append("")
        if size.get("close_ms"):
            values = size["close_ms"]
            out.append(f"`sessionctl close` to the device's disconnect (variant d, {len(values)} samples, "
                       f"sessionctl's own run included): median {median(values):.0f} ms, max {max(values):.0f} ms.")
            out.append("")
    decision = results.get("decision")
    if decision:
        out.append("### ACL decision (micro-benchmark, `decision-bench`)")
        out.append("")
        out.append("```")
        out.extend(decision["output"].rstrip().splitlines())
        out.append("```")
        if decision.get("instructions"):
            ins = decision["instructions"]
            out.append(f"Instructions per decision (callgrind): {ins[10]:.0f} at 10 sessions, {ins[100000]:.0f} at "
                       f"100,000 sessions (ratio {ins[100000] / ins[10]:.2f}).")
        out.append("")
    out.append(f"Plugin: {results['plugin_bytes']:,} bytes stripped; runtime libraries: {results['plugin_libs']}.")
    out.append("")
    out.append("### Targets (issue 6)")
    out.append("")
    for line in results["targets"]:
        out.append(f"- {line}")
    return "\n".join(out) + "\n"


def variant_name(variant):
    names = {"a": "(a) no auth", CONTROL: "(a′) no auth again: A/A control", "b": "(b) password_file + acl_file",
             "c": "(c) dynamic-security", "d": "(d) this plugin, pin"}
    return names.get(variant) or f"(e) this plugin, {variant[2:]} token"


def summarise(size_results, reps):
    """Medians per variant from the repetitions; throughput ratios from the same repetition."""
    variants = {}
    for variant, runs in size_results["reps"].items():
        row = {}
        for key in ("p2p_qos0", "p2p_qos1", "fanout_qos0", "fanout_qos1"):
            row[f"{key}_rate"] = median([r[key]["delivered_per_s"] for r in runs])
            ratios = []
            for rep, run_ in enumerate(runs):
                base = size_results["reps"]["a"][rep][key]["delivered_per_s"]
                ratios.append(run_[key]["delivered_per_s"] / base if base else None)
            row[f"{key}_ratio"] = median(ratios)
        row["connect_rate"] = median([r["connect"]["accepted_per_s"] for r in runs])
        row["connect_p50"] = median([r["connect"]["p50_ms"] for r in runs])
        row["connect_p99"] = median([r["connect"]["p99_ms"] for r in runs])
        row["connect_accepted"] = min(r["connect"]["accepted"] for r in runs)
        if "bad_connect" in runs[0]:
            row["bad_rate"] = median([r["bad_connect"]["attempts_per_s"] for r in runs])
            row["bad_p50"] = median([r["bad_connect"]["refused_p50_ms"] for r in runs])
            row["bad_p99"] = median([r["bad_connect"]["refused_p99_ms"] for r in runs])
            row["bad_accepted"] = max(r["bad_connect"]["accepted"] for r in runs)
        row["startup_ms"] = median([r["startup_ms"] for r in runs])
        row["rss_start_mb"] = median([r["rss_start_mb"] for r in runs])
        row["rss_end_mb"] = median([r["rss_end_mb"] for r in runs])
        if variant in size_results.get("instructions", {}):
            row["instructions"] = size_results["instructions"][variant]
        variants[variant] = row
    size_results["variants"] = variants
    broker = [r["p2p_qos0"]["broker_cpu_share"] for runs in size_results["reps"].values() for r in runs]
    generator_share = [r["p2p_qos0"]["generator_cpu_s"] / r["p2p_qos0"]["seconds"]
                       for runs in size_results["reps"].values() for r in runs if r["p2p_qos0"].get("seconds")]
    size_results["saturation"] = {"broker": median(broker), "generator": median(generator_share)}


def targets(results, verify_rates, plugin_bytes):
    lines = []

    def verdict(ok):
        return "met" if ok else "**missed**"

    for devices, size in results["sizes"].items():
        rows = size["variants"]
        a = rows["a"]
        for variant in [v for v in rows if v == "d" or v.startswith("e-")]:
            row = rows[variant]
            cg, cg_a = row.get("instructions"), a.get("instructions")
            if cg and cg_a:
                ratio = cg["per_message"] / cg_a["per_message"]
                others = {v: rows[v]["instructions"]["per_message"] / cg_a["per_message"] for v in ("b", "c")
                          if rows.get(v, {}).get("instructions")}
                below = all(ratio < other for other in others.values())
                compared = ", ".join(f"({v}) {r:.3f}" for v, r in others.items())
                lines.append(f"{devices} devices, {variant}: instructions per message {ratio:.3f} × (a) (≤ 1.05, and below "
                             f"{compared}): {verdict(ratio <= 1.05 and below)}.")
            worst = min(row[f"{k}_ratio"] for k in ("p2p_qos0", "p2p_qos1", "fanout_qos0", "fanout_qos1"))
            lines.append(f"{devices} devices, {variant}: throughput ≥ 0.9 × (a): lowest ratio {worst:.2f}: "
                         f"{verdict(worst >= 0.9)}.")
            connect_a = a["connect_rate"]
            if variant == "d":
                need = 0.8 * connect_a
                lines.append(f"{devices} devices, pin CONNECTs/s {row['connect_rate']:,.0f} ≥ 0.8 × C = {need:,.0f}: "
                             f"{verdict(row['connect_rate'] >= need)}.")
            else:
                algorithm = variant[2:]
                verify = verify_rates.get(algorithm)
                ceiling = 1 / (1 / connect_a + 1 / verify) if verify else connect_a
                need = 0.8 * ceiling
                lines.append(f"{devices} devices, {variant} CONNECTs/s {row['connect_rate']:,.0f} ≥ 0.8 × 1/(1/C + 1/V) "
                             f"= {need:,.0f} (C {connect_a:,.0f}, V {fmt(verify)}): {verdict(row['connect_rate'] >= need)}.")
        if CONTROL in rows:
            control = rows[CONTROL]
            cells = ", ".join(f"{k.replace('_', ' ')} {control[f'{k}_ratio']:.2f}"
                              for k in ("p2p_qos0", "p2p_qos1", "fanout_qos0", "fanout_qos1"))
            lines.append(f"{devices} devices, A/A control (a′), no target: what noise alone gives, "
                         f"throughput {cells}; CONNECTs/s {control['connect_rate'] / a['connect_rate']:.2f} × C.")
        if int(devices) >= 100_000 and "d" in rows:
            d = rows["d"]
            lines.append(f"{devices} devices: startup {d['startup_ms']:.0f} ms ≤ 1 s, RSS {d['rss_end_mb']:.1f} MB ≤ 100 MB: "
                         f"{verdict(d['startup_ms'] <= 1000 and d['rss_end_mb'] <= 100)}.")
    decision = results.get("decision", {}).get("instructions")
    if decision:
        ratio = decision[100000] / decision[10]
        lines.append(f"ACL decision at 100,000 sessions {ratio:.2f} × its cost at 10 (instructions; ≤ 1.1): "
                     f"{verdict(ratio <= 1.1)}.")
    lines.append(f"Plugin {plugin_bytes / 1e6:.1f} MB stripped (≤ 10 MB): {verdict(plugin_bytes <= 10e6)}.")
    return lines


def write_performance(text, path):
    with open(path) as existing:
        document = existing.read()
    block = f"{REPORT_BEGIN}\n{text}{REPORT_END}"
    if REPORT_BEGIN in document:
        start = document.index(REPORT_BEGIN)
        end = document.index(REPORT_END) + len(REPORT_END)
        document = document[:start] + block + document[end:]
    else:
        document = document.rstrip("\n") + "\n\n## Side by side with Mosquitto's own authentication (`make bench`)\n\n" \
            + block + "\n"
    with open(path, "w") as out:
        out.write(document)


# ---------------------------------------------------------------------------------------------------


class Tools:
    def __init__(self, args):
        self.plugin = os.path.abspath(args.plugin)
        self.sessionctl = os.path.abspath(args.sessionctl)
        self.provision = os.path.abspath(args.provision)
        self.load = os.path.abspath(args.load)
        self.decision = os.path.abspath(args.decision)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="1,000 and 100,000 devices, every token algorithm")
    parser.add_argument("--reps", type=int, default=DEFAULT_REPS, help="interleaved repetitions (make bench REPS=N)")
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--sessionctl", required=True)
    parser.add_argument("--provision", required=True)
    parser.add_argument("--load", required=True)
    parser.add_argument("--decision", required=True)
    parser.add_argument("--report", default=os.path.join(ROOT, "docs", "PERFORMANCE.md"))
    parser.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    parser.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    settings = parser.parse_args()
    tools = Tools(settings)
    for path in (tools.plugin, tools.sessionctl, tools.provision, tools.load, tools.decision, MOSQUITTO, DYNSEC):
        if not os.path.exists(path):
            raise BenchError(f"{path} is missing; run `make bench`, which builds and installs what this needs")
    if os.cpu_count() < 2:
        raise BenchError("needs 2 cores: the broker on one, the load generator on the other")
    settings.seconds = 3 if settings.full else 2
    settings.qos1_runs = 3
    settings.connect_runs = 3
    settings.connect_count = 10_000
    settings.warmup = 1
    settings.concurrency = 50
    settings.cg_messages = 5000
    settings.cg_connects = 200
    settings.cg_pairs = 3
    sizes = [1_000, 100_000] if settings.full else [1_000]
    algorithms = TOKEN_ALGORITHMS_FULL if settings.full else ["ES256"]
    # The control last: it runs furthest from (a) in every repetition (the order alternates).
    variants = ["a", "b", "c", "d"] + [f"e-{a}" for a in algorithms] + [CONTROL]
    shutil.rmtree(settings.work, ignore_errors=True)
    os.makedirs(settings.work)
    results = {"machine": machine(), "sizes": {}}
    command = "make bench" + (" FULL=1" if settings.full else "")
    if settings.reps != DEFAULT_REPS:
        command += f" REPS={settings.reps}"
    log(f"bench: {command}: variants {', '.join(variants)} at {', '.join(f'{s:,}' for s in sizes)} devices, "
        f"{settings.reps} repetitions")
    verify_rates = openssl_verify_rates()
    results["verify_rates"] = verify_rates
    for devices in sizes:
        folder = os.path.join(settings.work, str(devices))
        settings.connect_devices = min(devices, settings.connect_count)
        log(f"bench: provisioning {devices:,} devices …")
        provisioned = Provisioned(folder, devices, algorithms, settings.connect_devices, tools)
        plans = Plans(provisioned, folder)
        size = {"provision_seconds": provisioned.seconds, "connect_devices": settings.connect_devices,
                "reps": {v: [] for v in variants}}
        for rep in range(settings.reps):
            order = variants if rep % 2 == 0 else list(reversed(variants))
            for variant in order:
                log(f"bench: {devices:,} devices, repetition {rep + 1}/{settings.reps}, variant {variant}")
                size["reps"][variant].append(
                    wall_clock_rep(tools, provisioned, plans, variant, tools.plugin, os.path.join(folder, "run"),
                                   settings))
        if not settings.no_callgrind:
            size["instructions"] = {}
            for variant in (v for v in variants if v != CONTROL):  # it would count what (a) counts
                log(f"bench: {devices:,} devices, callgrind, variant {variant}")
                size["instructions"][variant] = instructions(tools, provisioned, plans, variant, tools.plugin,
                                                             os.path.join(folder, "callgrind"), settings)
        size["close_ms"] = close_to_disconnect(tools, provisioned, tools.plugin, os.path.join(folder, "close"))
        summarise(size, settings.reps)
        results["sizes"][str(devices)] = size
    log("bench: decision micro-benchmark …")
    results["decision"] = {"output": run(["taskset", "-c", BROKER_CPU, tools.decision])}
    if not settings.no_callgrind:
        results["decision"]["instructions"] = decision_instructions(tools, settings.work)
    results["plugin_bytes"] = os.path.getsize(tools.plugin)
    libs = [line.split()[0] for line in run(["ldd", tools.plugin]).splitlines() if line.strip()]
    results["plugin_libs"] = ", ".join(libs)
    results["targets"] = targets(results, verify_rates, results["plugin_bytes"])
    with open(os.path.join(settings.work, "results.json"), "w") as out:
        json.dump(results, out, indent=1, default=str)
    text = report(results, settings, command)
    print(text)
    write_performance(text, settings.report)
    log(f"bench: wrote {settings.report} and {settings.work}/results.json")


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
