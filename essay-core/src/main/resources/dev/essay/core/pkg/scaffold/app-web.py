"""@project@: an HTTP service on the Python standard library.

Every response carries ``X-Essay-Slot`` (the slot serving it, from the ``ESSAY_SLOT`` environment
variable that conf/supervisord.conf sets) and ``X-Essay-Version`` (the installed version): essay's
health checks and switches read them to prove which release answered. ``/health`` answers 200 while
the process can serve. SIGTERM (what supervisord sends) stops the server cleanly.
"""
import argparse
import importlib.metadata
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROJECT = "@project@"
SLOT_HEADER = "X-Essay-Slot"
VERSION_HEADER = "X-Essay-Version"


def installed_version():
    try:
        return importlib.metadata.version(PROJECT)
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0+unknown"


class Handler(BaseHTTPRequestHandler):
    server_version = PROJECT
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.answer(with_body=True)

    def do_HEAD(self):
        self.answer(with_body=False)

    def answer(self, with_body):
        app = self.server.app
        path = self.path.split("?", 1)[0]
        if path == "/health":
            status, payload = 200, {"status": "ok", "version": app["version"], "slot": app["slot"]}
        elif path == "/":
            status, payload = 200, {"service": PROJECT, "version": app["version"], "slot": app["slot"],
                                    "profile": app["profile"]}
        else:
            status, payload = 404, {"error": "not found", "path": path}
        body = (json.dumps(payload) + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header(SLOT_HEADER, app["slot"])
        self.send_header(VERSION_HEADER, app["version"])
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=PROJECT, description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="port to listen on")
    parser.add_argument("--profile", default="default", help="configuration profile (essay.yaml: profile)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.app = {"version": installed_version(), "slot": os.environ.get("ESSAY_SLOT", ""), "profile": args.profile}

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return, so it must not run on the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write("%s %s slot=%s listening on %s:%d\n" % (
        PROJECT, server.app["version"], server.app["slot"] or "-", args.host, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
