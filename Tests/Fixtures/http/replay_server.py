#!/usr/bin/env python3
"""A loopback HTTP server that answers from a script, for the remote-model tests.

Usage: replay_server.py SCRIPT.json LOG
Prints its port on the first line of stdout, serves until stdin closes, and appends one
JSON line per request to LOG (method, path, whether an Authorization header came, body).

SCRIPT: {"key": optional API key, "refuse_tools": true to answer a request that has
"tools" with llama-server's HTTP 500 for them, "routes": {"METHOD /path": ANSWER or a
list of ANSWERs served in turn (the last one repeats)}}
ANSWER: {"status": 200, "type": "text/event-stream", "file": path of the body (relative
    to the script) or "body": text, "split": bytes per piece (default: whole lines),
    "delay": seconds between pieces, "cut_after": pieces sent before the connection is
    dropped without ending the body}
A client that closes the connection mid-body is logged as {"closed": path}.
"""
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

script_path, log_path = sys.argv[1], sys.argv[2]
script = json.load(open(script_path))
here = os.path.dirname(os.path.abspath(script_path))
served = {}
lock = threading.Lock()


def pieces_of(route):
    body = route.get("body")
    if body is None and "file" in route:
        body = open(os.path.join(here, route["file"]), "rb").read().decode()
    data = (body or "").encode()
    split = route.get("split")
    if split:
        return [data[i:i + split] for i in range(0, len(data), split)]
    return [line for line in data.splitlines(keepends=True)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def error(self, status, message, kind):
        payload = json.dumps({"error": {"code": status, "message": message, "type": kind}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def answer(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        with open(log_path, "a") as log:
            log.write(json.dumps({"method": method, "path": self.path,
                                  "authorized": self.headers.get("Authorization"), "body": body}) + "\n")
        key = script.get("key")
        if key and self.headers.get("Authorization") != "Bearer " + key:
            return self.error(401, "Invalid API Key", "authentication_error")
        if script.get("refuse_tools") and '"tools"' in body:
            return self.error(500, "tools param requires --jinja flag", "server_error")
        name = method + " " + self.path.split("?")[0]
        route = script["routes"].get(name)
        if isinstance(route, list):
            with lock:
                index = served.get(name, 0)
                served[name] = index + 1
            route = route[min(index, len(route) - 1)]
        if route is None:
            return self.error(404, "no such route", "not_found")
        self.send_response(route.get("status", 200))
        self.send_header("Content-Type", route.get("type", "application/json"))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cut = route.get("cut_after")
        for index, piece in enumerate(pieces_of(route)):
            if cut is not None and index >= cut:
                self.wfile.flush()
                self.connection.shutdown(2)
                self.close_connection = True
                return
            try:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                with open(log_path, "a") as log:
                    log.write(json.dumps({"closed": self.path}) + "\n")
                return
            time.sleep(route.get("delay", 0))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def do_GET(self):
        self.answer("GET")

    def do_POST(self):
        self.answer("POST")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
