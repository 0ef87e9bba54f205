"""An HTTP service that names its version and slot in every response.

Every GET answers 200 with a short text naming the version and the slot, and the headers
``X-Essay-Slot`` (from the ``ESSAY_SLOT`` environment variable, which the supervisord template sets)
and ``X-Essay-Version`` (the installed distribution's version). ``/health`` answers 200 "ok",
or 500 when the profile is ``unhealthy``. The profile ``crash`` exits at once with status 3
(a process that never starts). SIGTERM and SIGINT stop the server cleanly (exit status 0).

The listening address is ``--host``; without it, the ``ESSAY_SAMPLE_HOST`` environment variable,
then ``127.0.0.1``. (essay's test fleet runs several "hosts" on one machine, each on its own loopback
address, and sets ``ESSAY_SAMPLE_HOST`` in every SSH session so each host's processes bind its address.)
"""
import argparse
import importlib.metadata
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOT_HEADER = "X-Essay-Slot"
VERSION_HEADER = "X-Essay-Version"


def installed_version():
    try:
        return importlib.metadata.version("essay-sample")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class Handler(BaseHTTPRequestHandler):
    server_version = "essay-sample"
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self._answer(with_body=True)

    def do_HEAD(self):
        self._answer(with_body=False)

    def _answer(self, with_body):
        app = self.server.app
        path = self.path.split("?", 1)[0]
        if path == "/health":
            if app["profile"] == "unhealthy":
                status, text = 500, "unhealthy\n"
            else:
                status, text = 200, "ok\n"
        else:
            status = 200
            text = "essay-sample version=%s slot=%s profile=%s port=%d\n" % (
                app["version"], app["slot"] or "-", app["profile"], self.server.server_address[1])
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header(SLOT_HEADER, app["slot"])
        self.send_header(VERSION_HEADER, app["version"])
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="essay-sample", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("ESSAY_SAMPLE_HOST") or "127.0.0.1",
                        help="address to listen on (default: $ESSAY_SAMPLE_HOST, else 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="port to listen on")
    parser.add_argument("--profile", default="default",
                        help="configuration profile; 'unhealthy' fails /health, 'crash' exits at once")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.profile == "crash":
        sys.stderr.write("essay-sample: profile 'crash' exits at once\n")
        return 3
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.app = {
        "version": installed_version(),
        "slot": os.environ.get("ESSAY_SLOT", ""),
        "profile": args.profile,
    }

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return, so it must not run on the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write("essay-sample %s slot=%s profile=%s listening on %s:%d\n" % (
        server.app["version"], server.app["slot"] or "-", args.profile, args.host, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sys.stderr.write("essay-sample stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
