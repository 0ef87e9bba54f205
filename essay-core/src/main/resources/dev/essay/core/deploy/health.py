# essay health check: runs on the host (or router) with any Python 3; argv[1] is a JSON spec. The URLs are
# checked in parallel and reported in their order. When more arguments follow, they are a supervisorctl status
# command: a program that is FATAL, EXITED or BACKOFF, or was restarted, ends the wait at once (it crashed).
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

_RELEASE = re.compile(r"^\s*v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)(.*?)\s*$", re.IGNORECASE | re.DOTALL)
_REST = re.compile(r"^[-_.a-z0-9]*(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$", re.IGNORECASE)


def same_version(a, b):
    """PEP 440 equality, roughly: release segments padded with zeros (2.0.0 == 2.0.0.0), the rest compared
    case-insensitively; plain string equality when either is no version."""
    ma = _RELEASE.match(a) if a is not None else None
    mb = _RELEASE.match(b) if b is not None else None
    if not ma or not mb or not _REST.match(ma.group(3)) or not _REST.match(mb.group(3)):
        return a == b

    def key(m):
        release = [int(n) for n in m.group(2).split(".")]
        while release and release[-1] == 0:
            release.pop()
        return int(m.group(1) or 0), release, m.group(3).lower()

    return key(ma) == key(mb)


spec = json.loads(sys.argv[1])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url):
    try:
        with opener.open(url, timeout=spec["timeout"]) as response:
            response.read()
            return response.status, response.headers, None
    except urllib.error.HTTPError as e:
        return e.code, e.headers, None
    except Exception as e:  # connection refused, timeout, reset
        return None, None, str(e) or e.__class__.__name__


def check(url):
    status, headers, error = fetch(url)
    slot = headers.get(spec["slot_header"]) if headers is not None and spec["slot_header"] else None
    version = headers.get(spec["version_header"]) if headers is not None and spec["version_header"] else None
    problems = []
    if error is not None:
        problems.append(error)
    elif status != spec["status"]:
        problems.append("status %s, expected %s" % (status, spec["status"]))
    if error is None and spec.get("version") and spec["version_header"] and not same_version(version, spec["version"]):
        problems.append("version %s, expected %s" % (version, spec["version"]))
    if error is None and spec.get("slot") and spec["slot_header"] and slot != spec["slot"]:
        problems.append("slot %s, expected %s" % (slot, spec["slot"]))
    line = "health url=%s status=%s slot=%s version=%s" % (url, status, slot or "-", version or "-")
    return not problems, line + ("" if not problems else " problem=" + "; ".join(problems))


def wait(url):
    """Checks url until it passes (consecutive times in a row) or retries run out; returns (ok, line)."""
    needed = spec.get("consecutive", 1)
    streak = 0
    last = ""
    # a process that was just started answers within a fraction of a second: the first pauses are short
    # (0.1 s, doubling) up to the configured interval
    pause = min(0.1, spec["interval"])
    for attempt in range(spec["retries"]):
        ok, last = check(url)
        streak = streak + 1 if ok else 0
        if streak >= needed:
            break
        if attempt + 1 < spec["retries"]:
            if ok:
                time.sleep(0.05)
            else:
                time.sleep(pause)
                pause = min(pause * 2, spec["interval"])
    return streak >= needed, last


def dead_program(command, pids):
    """The first program supervisorctl reports FATAL, EXITED or BACKOFF (it exited while starting: a process that
    crashes at once can cycle through BACKOFF and STARTING for a long time before supervisord gives it up), or that was
    RUNNING and is now starting again or RUNNING with another pid (it exited and supervisord restarted it), as
    (name, state); or None. pids holds the pids seen so far. A status call that takes long gives no verdict this
    round (the next round asks again)."""
    try:
        out = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                             universal_newlines=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None  # no verdict from supervisorctl: the health checks decide
    for line in out.splitlines():
        words = line.replace(",", " ").split()
        if len(words) >= 2 and words[1] in ("FATAL", "EXITED", "BACKOFF"):
            return words[0], words[1]
        if len(words) >= 2 and words[1] in ("STARTING", "BACKOFF") and words[0] in pids:
            return words[0], "EXITED (restarting)"
        if len(words) >= 4 and words[1] == "RUNNING" and words[2] == "pid":
            if pids.setdefault(words[0], words[3]) != words[3]:
                return words[0], "EXITED (restarted as pid %s)" % words[3]
    return None


results = [None] * len(spec["urls"])


def run(i, url):
    try:
        results[i] = wait(url)
    except Exception as e:  # a bug here must not pass as healthy, nor hang the wait
        results[i] = False, "health url=%s status=None slot=- version=- problem=%s" % (url, e)


threads = [threading.Thread(target=run, args=(i, url), daemon=True) for i, url in enumerate(spec["urls"])]
for thread in threads:
    thread.start()
status_command = sys.argv[2:]
pids = {}
for thread in threads:
    while thread.is_alive():
        thread.join(0.5 if status_command else None)
        dead = dead_program(status_command, pids) if status_command and thread.is_alive() else None
        if dead is not None:
            print("FAIL process %s is %s; not waiting for its health check" % dead)
            sys.stdout.flush()
            sys.exit(1)
failed = 0
for ok, line in results:
    print(("ok " if ok else "FAIL ") + line)
    if not ok:
        failed += 1
sys.stdout.flush()
sys.exit(1 if failed else 0)
