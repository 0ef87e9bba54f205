"""@project@: a WSGI application, served by the standard library's wsgiref.

``application`` is a plain WSGI callable: to serve it with gunicorn or uWSGI instead, add the server
to ``dependencies`` in pyproject.toml and change ``command=`` in conf/supervisord.conf, e.g.
``{{ venv_dir }}/bin/gunicorn --bind={{ host }}:{{ port }}%(process_num)d @package@.app:application``.

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
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

PROJECT = "@project@"
SLOT_HEADER = "X-Essay-Slot"
VERSION_HEADER = "X-Essay-Version"


def installed_version():
    try:
        return importlib.metadata.version(PROJECT)
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0+unknown"


VERSION = installed_version()


def application(environ, start_response):
    slot = os.environ.get("ESSAY_SLOT", "")
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        status, payload = "200 OK", {"status": "ok", "version": VERSION, "slot": slot}
    elif path == "/":
        status, payload = "200 OK", {"service": PROJECT, "version": VERSION, "slot": slot}
    else:
        status, payload = "404 Not Found", {"error": "not found", "path": path}
    body = (json.dumps(payload) + "\n").encode("utf-8")
    start_response(status, [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        (SLOT_HEADER, slot),
        (VERSION_HEADER, VERSION),
    ])
    return [body] if environ.get("REQUEST_METHOD") != "HEAD" else []


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROJECT, description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="port to listen on")
    parser.add_argument("--profile", default="default", help="configuration profile (essay.yaml: profile)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    server = make_server(args.host, args.port, application, ThreadingWSGIServer, QuietHandler)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write("%s %s listening on %s:%d\n" % (PROJECT, VERSION, args.host, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
