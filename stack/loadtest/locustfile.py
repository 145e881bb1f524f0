"""The seeds' load test: simulated clients of the public API, run by stack/loadtest/run.ts.

The plan (LOADTEST_PLAN, a JSON file written by the Node side) gives every simulated client its
own TRON key, its own client IP (sent as cf-connecting-ip, as Cloudflare's edge would, so per-IP
limits apply per client) and the session it was provisioned with, plus the fixed cycle of actions
each kind of client repeats and its pace. Fixed cycles rather than random task weights: a random
mix could, by chance, push one client over a per-minute limit, and every 429 outside the flood
client's would then be a failure that is not the service's.

Outcomes: a request is a success only when it got exactly what the API promises for it; the flood
client's 429 rate_limited (with Retry-After) is the one designed refusal. LOADTEST_OUT receives
outcomes.json (per request name: count, p50/p95/p99, statuses, unexpected ones) and timeline.csv
(per second: requests, failures, designed 429s, p50/p95/p99), next to Locust's own CSV files.
"""

import csv
import json
import math
import os
import random
import time
from collections import Counter, defaultdict

from locust import FastHttpUser, constant_throughput, events, task
from locust.exception import StopUser
from tip191 import address_of, sign_message

PLAN = json.load(open(os.environ["LOADTEST_PLAN"], encoding="utf-8"))
OUT = os.environ["LOADTEST_OUT"]
FLOOD = "POST /v1/auth/challenge (flood)"


# Every key must be the address the plan says, before any traffic: a wrong key would show up only
# as sign-in failures in the middle of the run.
for client in PLAN["clients"]["member"] + PLAN["clients"]["admin"]:
    if address_of(client["privateKey"]) != client["address"]:
        raise SystemExit(f"plan: the key given for {client['address']} is another address's")


class Tally:
    """Every request's latency and status, per request name and per second of the run."""

    def __init__(self):
        self.started = time.time()
        self.last = self.started
        self.latencies = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.unexpected = defaultdict(Counter)
        self.seconds = defaultdict(lambda: {"latencies": [], "failures": 0, "designed429": 0})

    def add(self, name, status, response_time, failed):
        self.last = time.time()
        self.latencies[name].append(response_time)
        self.statuses[name][str(status)] += 1
        second = self.seconds[int(self.last - self.started)]
        second["latencies"].append(response_time)
        if failed:
            self.unexpected[name][str(status)] += 1
            second["failures"] += 1
        elif name == FLOOD and status == 429:
            second["designed429"] += 1

    def write(self):
        names = {
            name: {**summary(ms), "statuses": self.statuses[name], "unexpected": self.unexpected[name]}
            for name, ms in sorted(self.latencies.items())
        }
        every = [ms for latencies in self.latencies.values() for ms in latencies]
        with open(os.path.join(OUT, "outcomes.json"), "w", encoding="utf-8") as f:
            json.dump(
                {"seconds": self.last - self.started, "all": summary(every), "names": names, "designed429": FLOOD},
                f,
                indent=1,
            )
        with open(os.path.join(OUT, "timeline.csv"), "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["second", "requests", "failures", "designed429", "p50_ms", "p95_ms", "p99_ms"])
            for second in sorted(self.seconds):
                row = self.seconds[second]
                s = summary(row["latencies"])
                out.writerow([second, s["requests"], row["failures"], row["designed429"], s["p50"], s["p95"], s["p99"]])


def summary(latencies):
    ms = sorted(latencies)
    rank = lambda p: ms[min(len(ms) - 1, max(0, math.ceil(p / 100 * len(ms)) - 1))] if ms else 0  # noqa: E731
    return {"requests": len(ms), "p50": round(rank(50), 2), "p95": round(rank(95), 2), "p99": round(rank(99), 2)}


TALLY = Tally()


@events.request.add_listener
def on_request(name, response, response_time, exception, **_):
    TALLY.add(name, getattr(response, "status_code", 0) or 0, response_time, exception is not None)


@events.test_start.add_listener
def on_test_start(**_):
    TALLY.started = time.time()


@events.quitting.add_listener
def on_quitting(**_):
    TALLY.write()


def pool(kind):
    """Each simulated client takes one identity of its kind (never shared) and its place in line."""
    identities = iter(enumerate(PLAN["clients"][kind]))

    def take():
        taken = next(identities, None)
        if taken is None:
            raise StopUser(f"the plan has no more {kind} clients")
        return taken

    return take


class Client(FastHttpUser):
    abstract = True
    network_timeout = 10.0
    connection_timeout = 5.0
    kind = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A kind names itself once; its identities, cycle, pace and count all come from the plan.
        cls.take = staticmethod(pool(cls.kind))
        cls.cycle = PLAN["cycles"][cls.kind]
        cls.wait_time = constant_throughput(PLAN["pace"][cls.kind])
        cls.fixed_count = len(PLAN["clients"][cls.kind])

    def on_start(self):
        index, self.who = self.take()
        self.access = self.who.get("accessToken")
        self.refresh_token = self.who.get("refreshToken")
        # Clients start evenly spread over the cycle, so their sign-ins and refreshes spread, and
        # the first client of each kind starts with its cycle's first action.
        self.step = index * len(self.cycle) // len(PLAN["clients"][self.kind])

    @task
    def next_action(self):
        action = self.cycle[self.step]
        self.step = (self.step + 1) % len(self.cycle)
        getattr(self, action.replace("-", "_"))()

    def headers(self, auth=True):
        h = {"cf-connecting-ip": self.who["ip"], "user-agent": f"locust-loadtest/{self.kind}"}
        if auth:
            h["authorization"] = f"Bearer {self.access}"
        return h

    def call(self, method, path, name, check, body=None, auth=True):
        """One request; `check(response)` returns None when the response is what the API promises."""
        kwargs = {"json": body} if body is not None else {}
        with self.client.request(
            method, path, name=name, headers=self.headers(auth), catch_response=True, **kwargs
        ) as r:
            problem = check(r)
            if problem:
                r.failure(f"{r.status_code}: {problem}")
                return None
            r.success()
            return r

    # The actions a cycle names.

    def me(self):
        self.call("GET", "/v1/me", "GET /v1/me", self.ok(lambda b: b["address"] == self.who["address"]))

    def sessions(self):
        self.call(
            "GET",
            "/v1/auth/sessions",
            "GET /v1/auth/sessions",
            self.ok(lambda b: any(s["current"] for s in b["sessions"])),
        )

    def refresh(self):
        r = self.call(
            "POST",
            "/v1/auth/refresh",
            "POST /v1/auth/refresh",
            self.ok(lambda b: b["refreshToken"] != self.refresh_token),
            body={"refreshToken": self.refresh_token},
            auth=False,
        )
        self.keep(r)

    def sign_in(self):
        """SIWT: a fresh challenge, signed here with the client's key (TIP-191), then login."""
        challenge = self.call(
            "POST",
            "/v1/auth/challenge",
            "POST /v1/auth/challenge",
            self.ok(lambda b: self.who["address"] in b["message"]),
            body={"address": self.who["address"]},
            auth=False,
        )
        if challenge is None:
            return
        message = challenge.json()["message"]
        login = self.call(
            "POST",
            "/v1/auth/login",
            "POST /v1/auth/login",
            self.ok(lambda b: b["user"]["address"] == self.who["address"]),
            body={"message": message, "signature": sign_message(message, self.who["privateKey"])},
            auth=False,
        )
        self.keep(login)

    def keep(self, pair_response):
        if pair_response is not None:
            pair = pair_response.json()
            self.access, self.refresh_token = pair["accessToken"], pair["refreshToken"]

    @staticmethod
    def ok(body_holds):
        def check(r):
            if r.status_code != 200:
                return "unexpected status"
            try:
                return None if body_holds(r.json()) else "unexpected body"
            except (ValueError, KeyError, TypeError):
                return "malformed body"

        return check


class Member(Client):
    """A USER: mostly authenticated reads, refreshes now and then, and a full sign-in per cycle."""

    kind = "member"


class Admin(Client):
    """An ADMIN: the admin reads (users, one user, the audit log) behind fresh authentication."""

    kind = "admin"

    def users(self):
        self.call("GET", "/v1/admin/users?limit=20", "GET /v1/admin/users", self.ok(lambda b: len(b["users"]) > 0))

    def user(self):
        user_id = random.choice(PLAN["userIds"])
        self.call(
            "GET", f"/v1/admin/users/{user_id}", "GET /v1/admin/users/:id", self.ok(lambda b: b["user"]["id"] == user_id)
        )

    def audit(self):
        self.call("GET", "/v1/admin/audit?limit=20", "GET /v1/admin/audit", self.ok(lambda b: "events" in b))


class Flood(Client):
    """One client asking for challenges faster than its per-IP limit: the designed 429s."""

    kind = "flood"

    def challenge(self):
        def check(r):
            if r.status_code == 200:
                return None
            if r.status_code != 429:
                return "unexpected status"
            if not r.headers.get("retry-after"):
                return "429 without Retry-After"
            try:
                return None if r.json().get("code") == "rate_limited" else "429 with another code"
            except ValueError:
                return "malformed body"

        self.call("POST", "/v1/auth/challenge", FLOOD, check, body={"address": self.who["address"]}, auth=False)
