#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of the real test API server.

For faults a real kube-apiserver cannot produce on demand: a 500 or a 429
(with Retry-After) on chosen requests, a slow answer, a truncated one. Every
other request goes through unchanged to the real server (as its admin
client, over TLS), so the rest of the conversation is real.

  scripts/fault-proxy.py --upstream https://127.0.0.1:PORT --ca CA \\
      --cert CERT --key KEY --rules RULES.json [--log LOG.jsonl]

Clients talk plain HTTP to the port printed on the first line of stdout
(no authentication: tests only, on 127.0.0.1). RULES.json is re-read when
it changes; it is a list of rules, the first that matches applies:

  {"method": "POST", "path": "/binding$",      regular expression on the path
   "action": "status", "code": 500,             answer with a Status error
   "retryAfter": 2,                             ... and Retry-After (429)
   "times": 2}                                  how many requests (default: all)
  {"action": "delay", "ms": 3000, ...}          forward after a pause
  {"action": "truncate", "bytes": 200, ...}     forward, cut the answer short

Each request is logged as a JSON line: time, method, path, action, status.
"""

import argparse
import asyncio
import json
import os
import re
import ssl
import sys
import time


class Rules:
    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.rules = []

    def match(self, method, path):
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if mtime != self.mtime:
            self.mtime = mtime
            try:
                with open(self.path) as f:
                    self.rules = json.load(f) if mtime is not None else []
            except (OSError, ValueError) as e:
                print(f"fault-proxy: cannot read {self.path}: {e}", file=sys.stderr)
                self.rules = []
        for rule in self.rules:
            if rule.get("method") and rule["method"] != method:
                continue
            if rule.get("path") and not re.search(rule["path"], path):
                continue
            times = rule.get("times")
            if times is not None:
                if times <= 0:
                    continue
                rule["times"] = times - 1
            return rule
        return None


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return method, target, headers


async def read_body(reader, headers):
    lower = {k.lower(): v for k, v in headers}
    if "content-length" in lower:
        return await reader.readexactly(int(lower["content-length"]))
    if lower.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            body += chunk[:-2]
            if size == 0:
                return body
    return b""


def status_response(code, retry_after):
    reasons = {429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}
    phrase = {429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f"injected by fault-proxy ({code})",
        "reason": reasons.get(code, "InternalError"),
        "code": code,
    }
    extra = ""
    if retry_after:
        body["details"] = {"retryAfterSeconds": retry_after}
        extra = f"Retry-After: {retry_after}\r\n"
    data = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {code} {phrase.get(code, 'Error')}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        f"{extra}Connection: close\r\n\r\n"
    )
    return head.encode() + data


class Proxy:
    def __init__(self, args):
        self.host, self.port = re.match(r"https://([^:/]+):(\d+)", args.upstream).groups()
        self.tls = ssl.create_default_context(cafile=args.ca)
        self.tls.load_cert_chain(args.cert, args.key)
        self.rules = Rules(args.rules)
        self.log = open(args.log, "a", buffering=1) if args.log else None

    def record(self, method, path, action, status):
        if self.log:
            self.log.write(json.dumps({
                "t": time.time(), "method": method, "path": path,
                "action": action, "status": status,
            }) + "\n")

    async def handle(self, reader, writer):
        try:
            method, target, headers = await read_head(reader)
            body = await read_body(reader, headers)
            path = target.split("?", 1)[0]
            rule = self.rules.match(method, path)
            action = rule.get("action", "forward") if rule else "forward"
            if action == "status":
                code = int(rule.get("code", 500))
                writer.write(status_response(code, rule.get("retryAfter")))
                await writer.drain()
                self.record(method, path, "status", code)
                return
            if action == "delay":
                self.record(method, path, "delaying", None)
                await asyncio.sleep(rule.get("ms", 1000) / 1000)
            limit = int(rule.get("bytes", 0)) if action == "truncate" else None
            status = await self.forward(method, target, headers, body, writer, limit)
            self.record(method, path, action, status)
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def forward(self, method, target, headers, body, writer, limit):
        up_reader, up_writer = await asyncio.open_connection(
            self.host, int(self.port), ssl=self.tls, server_hostname="localhost")
        drop = {"connection", "keep-alive", "proxy-connection", "authorization", "host",
                "content-length", "transfer-encoding"}
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 "Connection: close", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers if k.lower() not in drop]
        up_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await up_writer.drain()
        sent = 0
        status = None
        try:
            while True:
                data = await up_reader.read(65536)
                if not data:
                    break
                if status is None:
                    try:
                        status = int(data.split(b" ", 2)[1])
                    except (IndexError, ValueError):
                        status = 0
                if limit is not None and sent + len(data) >= limit:
                    writer.write(data[: max(0, limit - sent)])
                    await writer.drain()
                    return status
                writer.write(data)
                await writer.drain()
                sent += len(data)
        finally:
            up_writer.close()
        return status


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--rules", required=True)
    parser.add_argument("--log")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    proxy = Proxy(args)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", args.port, limit=1 << 20)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
