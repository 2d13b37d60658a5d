"""A local stand-in for the WeCom, DingTalk and Feishu robot webhooks: it records what is posted
and answers as the platform does, checking DingTalk's and Feishu's signatures the way they do."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class FakeRobots:
    port: int
    posts: list[dict] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # path → secret to check
    refuse: bool = False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path: str, query: dict, body: dict) -> dict:
        platform = path.split("/")[1]
        secret = self.secrets.get(path)
        if self.refuse:
            return (
                {"errcode": 93000, "errmsg": "invalid webhook url"}
                if platform != "feishu"
                else {"code": 19001, "msg": "param invalid"}
            )
        if platform == "dingtalk" and secret:
            stamp = query.get("timestamp", [""])[0]
            want = base64.b64encode(
                hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
            ).decode()
            if query.get("sign", [""])[0] != want:
                return {"errcode": 310000, "errmsg": "sign not match"}
        if platform == "feishu" and secret:
            stamp = body.get("timestamp", "")
            want = base64.b64encode(hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
            if body.get("sign") != want:
                return {"code": 19021, "msg": "sign match fail"}
        if platform == "feishu":
            return {"code": 0, "msg": "success", "data": {}}
        return {"errcode": 0, "errmsg": "ok"}


@pytest.fixture
def fake_robots(settings):
    robots = FakeRobots(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            # Each post is recorded before it is answered: the caller reads `posts` as soon as it
            # has the answer (recorded after, a test could look before the server's thread wrote).
            if parts.path.endswith("/moved"):  # an open redirect on an allowed host
                robots.posts.append({"path": parts.path, "query": {}, "body": {}, "ok": False})
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:9/internal")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            query = parse_qs(parts.query)
            answer = robots.answer(parts.path, query, body)
            robots.posts.append(
                {"path": parts.path, "query": query, "body": body, "ok": answer.get("errcode", answer.get("code")) == 0}
            )
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    robots.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_ROBOT_HOSTS = {p: [f"127.0.0.1:{robots.port}"] for p in ("wecom", "dingtalk", "feishu")}
    yield robots
    server.shutdown()
    server.server_close()
