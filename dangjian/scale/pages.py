"""What the load scenario's virtual users read off our pages, as a browser would: a form's
fields as it would submit them, the CSRF token htmx sends, the attendance rows of a meeting,
links to objects. Plain Python (the standard library's HTML parser, ~10× faster than a full
HTML5 parser, which matters in a load generator sharing the server's cores); no Django, so the
locust process can import it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser sends, in order

    def data(self, **changes: str) -> list[tuple[str, str]]:
        """The fields as submitted, with `changes` replacing (or adding) values by name."""
        out = [(k, changes.get(k, v)) for k, v in self.fields]
        have = {k for k, _v in self.fields}
        return out + [(k, v) for k, v in changes.items() if k not in have]

    def value(self, name: str) -> str | None:
        return next((v for k, v in self.fields if k == name), None)


class _FormReader(HTMLParser):
    """Collects every form's successful controls (HTML §4.10.21.4, the parts our pages use):
    inputs but buttons and files, checked boxes only, a select's selected option (else its
    first), a textarea's text; disabled controls are left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None  # name, options
        self._option: list[str] | None = None  # the open option's text, when it has no value
        self._option_attrs: dict[str, str | None] = {}
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a and tag != "option":
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form.fields.append((name, a.get("value") or "on"))
                return
            self._form.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option, self._option_attrs = [], a
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option_attrs.get("value")
        text = "".join(self._option).strip() if value is None else value
        self._select[1].append((text, "selected" in self._option_attrs))
        self._option = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option.append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _s in options[:1]]
            if self._form is not None:
                self._form.fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if self._form is not None:
                self._form.fields.append((name, "".join(text).removeprefix("\n")))
            self._textarea = None


def forms(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_with(html: str, field_name: str) -> Form | None:
    """The first POST form that has a field called `field_name`."""
    return next((f for f in forms(html) if f.method == "post" and f.value(field_name) is not None), None)


def form_at(html: str, action: str) -> Form | None:
    """The POST form that submits to `action`."""
    return next((f for f in forms(html) if f.method == "post" and f.action == action), None)


_HX_HEADERS = re.compile(r"<body[^>]*\shx-headers='([^']*)'")


def csrf_token(html: str) -> str | None:
    """The token htmx sends with every request (`hx-headers` on <body>), or a form's."""
    found = _HX_HEADERS.search(html)
    if found:
        return json.loads(found.group(1)).get("X-CSRFToken")
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return m.group(1) if m else None


_ROW = re.compile(r'data-attendance="(\d+)"[^>]*\bdata-state="(\w*)"')


def attendance_rows(html: str) -> dict[int, str]:
    """A meeting page's attendance rows: their id → state."""
    return {int(pk): state for pk, state in _ROW.findall(html)}


def ids(html: str, prefix: str) -> list[int]:
    """The ids of links to `prefix<id>/` (e.g. "/people/"), in page order, once each."""
    found = re.findall(rf'href="{re.escape(prefix)}(\d+)/"', html)
    return list(dict.fromkeys(int(x) for x in found))
