# essay's look through nginx: runs on the router host with any Python 3; argv[1] is a JSON spec.
# Each answer is attributed to a slot: by the service's slot header when essay.yaml names one, else by the
# upstream address that essay's probe server reports (its port belongs to one slot). Prints one line per answer:
#   answer status=200 slot=b version=2.0.0 upstream=127.0.1.1:8110
#   answer error=<why> slot=- version=- upstream=-
# Without "target" it asks "count" times (stopping after three errors in a row) and exits 0. With "target" it
# asks until "consecutive" answers in a row come from that slot with the expected status (exit 0), or until
# "retries" requests were made (exit 1).
import json
import sys
import time
import urllib.error
import urllib.request

spec = json.loads(sys.argv[1])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def header(headers, name):
    return headers.get(name) if headers is not None and name else None


def ask():
    try:
        with opener.open(spec["url"], timeout=spec["timeout"]) as response:
            response.read()
            status, headers, error = response.status, response.headers, None
    except urllib.error.HTTPError as e:
        status, headers, error = e.code, e.headers, None
    except Exception as e:  # connection refused, timeout, reset
        status, headers, error = None, None, str(e) or e.__class__.__name__
    upstream = header(headers, spec.get("upstream_header"))
    slot = header(headers, spec.get("slot_header"))
    if slot is None and upstream:
        # $upstream_addr lists every server tried ("a:1, b:2"); the last one answered
        last = upstream.replace(" : ", ", ").split(",")[-1].strip()
        slot = spec["ports"].get(last.rsplit(":", 1)[-1])
    version = header(headers, spec.get("version_header"))
    if error is not None:
        line = "answer error=%s" % error.replace(" ", "_")
    else:
        line = "answer status=%s" % status
    print("%s slot=%s version=%s upstream=%s" % (line, slot or "-", version or "-", (upstream or "-").replace(" ", "")))
    sys.stdout.flush()
    return status, slot


target = spec.get("target")
if not target:
    errors = 0
    for _ in range(spec["count"]):
        status, _slot = ask()
        errors = errors + 1 if status is None else 0
        if errors >= 3:
            break
    sys.exit(0)

streak = 0
for attempt in range(spec["retries"]):
    status, slot = ask()
    streak = streak + 1 if status == spec["status"] and slot == target else 0
    if streak >= spec["consecutive"]:
        print("proven slot=%s answers=%d" % (target, streak))
        sys.exit(0)
    if streak == 0 and attempt + 1 < spec["retries"]:
        time.sleep(spec["interval"])
print("FAIL proof: %d answer(s) in a row from slot %s, %d needed" % (streak, target, spec["consecutive"]))
sys.exit(1)
