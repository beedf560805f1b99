#!/usr/bin/env python3
"""Serves one file over HTTP on 127.0.0.1 with Range support, for slm-tui's pull tests.

Usage: range_server.py FILE [--cut-after N]

Prints the port on standard output once it listens. With --cut-after N, the first
response stops after N bytes and drops the connection, as a failing network would.
Each request's Range header (or "none") is printed to standard error. The server stops
when its standard input closes, so it never outlives the test that started it.
"""
import http.server
import os
import sys
import threading


def main():
    path = sys.argv[1]
    cut_after = int(sys.argv[sys.argv.index("--cut-after") + 1]) if "--cut-after" in sys.argv else None
    data = open(path, "rb").read()
    state = {"cut": cut_after}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requested = self.headers.get("Range")
            print(requested or "none", file=sys.stderr, flush=True)
            start = 0
            if requested and requested.startswith("bytes=") and requested.endswith("-"):
                start = int(requested[len("bytes="):-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.end_headers()
                return
            body = data[start:]
            self.send_response(206 if start else 200)
            if start:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            with lock:
                cut, state["cut"] = state["cut"], None
            if cut is not None:
                self.wfile.write(body[:cut])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(body)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
