"""Group-chat robots: the message each platform's custom robot takes, how it is signed, and the
one POST that delivers it.

- WeCom (企业微信群机器人): POST {"msgtype": "markdown", "markdown": {"content": …}} to
  https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; answers {"errcode": 0, "errmsg": "ok"}.
- DingTalk (钉钉自定义机器人): POST {"msgtype": "markdown", "markdown": {"title": …, "text": …}} to
  https://oapi.dingtalk.com/robot/send?access_token=…; with "加签" the address also carries
  timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")));
  answers {"errcode": 0, …}.
- Feishu (飞书自定义机器人): POST {"msg_type": "text", "content": {"text": …}} to
  https://open.feishu.cn/open-apis/bot/v2/hook/…; with signature verification the body also
  carries timestamp (s) and sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""));
  answers {"code": 0, …}.

Only the platforms' own hosts are posted to (`NOTIFY_ROBOT_HOSTS`): a webhook address is typed by
a user, and the server must not be made to POST into the intranet.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit

from django.conf import settings

from .models import Platform

TIMEOUT = 10  # seconds
MAX_BYTES = 4000  # WeCom takes 4,096 bytes of markdown

DEFAULT_HOSTS = {
    Platform.WECOM: ["qyapi.weixin.qq.com"],
    Platform.DINGTALK: ["oapi.dingtalk.com"],
    Platform.FEISHU: ["open.feishu.cn", "open.larksuite.com"],
}


def allowed_hosts(platform: str) -> list[str]:
    configured: dict[str, list[str]] = getattr(settings, "NOTIFY_ROBOT_HOSTS", None) or {}
    if platform in configured:
        return list(configured[platform])
    return list(DEFAULT_HOSTS.get(Platform(platform), [])) if platform in Platform.values else []


def host_allowed(platform: str, url: str) -> bool:
    """Whether `url` is at one of the platform's hosts: over HTTPS at the platform's own, or at a
    host the operator named (NOTIFY_ROBOT_HOSTS, e.g. a proxy on the intranet)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port out of range, a malformed address
        return False
    host = parts.hostname or ""
    if port:
        host = f"{host}:{port}"
    configured = (getattr(settings, "NOTIFY_ROBOT_HOSTS", None) or {}).get(platform)
    schemes = {"https", "http"} if configured else {"https"}
    return parts.scheme in schemes and not parts.username and host in allowed_hosts(platform)


@dataclass(frozen=True)
class Message:
    title: str
    lines: list[str]  # each "text — link"


def _cut(text: str) -> str:
    """At most MAX_BYTES of UTF-8 (the platforms count bytes: 4,096 for WeCom's markdown)."""
    data = text.encode("utf-8")
    return text if len(data) <= MAX_BYTES else data[:MAX_BYTES].decode("utf-8", "ignore") + "…"


def _markdown(message: Message) -> str:
    body = "\n".join(f"- {line}" for line in message.lines)
    return _cut(f"**{message.title}**\n{body}")


def _plain(message: Message) -> str:
    return _cut(message.title + "\n" + "\n".join(message.lines))


def request_for(platform: str, url: str, secret: str, message: Message, now: float | None = None) -> tuple[str, dict]:
    """The address and JSON body to POST for this platform (signed when there is a secret)."""
    now = time.time() if now is None else now
    if platform == Platform.WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": _markdown(message)}}
    if platform == Platform.DINGTALK:
        if secret:
            stamp = str(int(now * 1000))
            digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
            sign = quote_plus(base64.b64encode(digest).decode())
            url = f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
        return url, {"msgtype": "markdown", "markdown": {"title": message.title[:64], "text": _markdown(message)}}
    if platform == Platform.FEISHU:
        body: dict = {"msg_type": "text", "content": {"text": _plain(message)}}
        if secret:
            stamp = str(int(now))
            digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
            body.update(timestamp=stamp, sign=base64.b64encode(digest).decode())
        return url, body
    raise ValueError(f"unknown platform {platform!r}")


class RobotError(Exception):
    """The robot refused or could not be reached; the text says why, for its owner."""


def _answer_ok(platform: str, answer: dict) -> bool:
    if platform == Platform.FEISHU:
        return answer.get("code", answer.get("StatusCode")) == 0
    return answer.get("errcode") == 0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A robot's answer is never followed elsewhere: a redirect would leave the allowed hosts."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect refused: {msg}", headers, fp)


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, data: bytes) -> bytes:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    with _opener.open(request, timeout=TIMEOUT) as response:  # host checked by `send`
        return response.read(64 * 1024)


def send(platform: str, url: str, secret: str, message: Message) -> None:
    """Post one message; raises RobotError saying what went wrong."""
    if not host_allowed(platform, url):
        raise RobotError(f"address not allowed for {platform}: {urlsplit(url).hostname}")
    address, body = request_for(platform, url, secret, message)
    try:
        raw = _post(address, json.dumps(body, ensure_ascii=False).encode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise RobotError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        raise RobotError(f"not reached: {getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise RobotError("answer is not JSON") from exc
    if not isinstance(answer, dict):
        raise RobotError("answer is not a JSON object")
    if not _answer_ok(platform, answer):
        raise RobotError(f"refused: {answer.get('errmsg') or answer.get('msg') or answer}"[:300])
