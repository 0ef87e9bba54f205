# essay health check: runs on the host (or router) with any Python 3; argv[1] is a JSON spec.
import json
import sys
import time
import urllib.error
import urllib.request

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
    if error is None and spec.get("version") and spec["version_header"] and version != spec["version"]:
        problems.append("version %s, expected %s" % (version, spec["version"]))
    if error is None and spec.get("slot") and spec["slot_header"] and slot != spec["slot"]:
        problems.append("slot %s, expected %s" % (slot, spec["slot"]))
    line = "health url=%s status=%s slot=%s version=%s" % (url, status, slot or "-", version or "-")
    return not problems, line + ("" if not problems else " problem=" + "; ".join(problems))


failed = 0
for url in spec["urls"]:
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
    print(("ok " if streak >= needed else "FAIL ") + last)
    sys.stdout.flush()
    if streak < needed:
        failed += 1
sys.exit(1 if failed else 0)
