"""The one PDF renderer of the platform: HTML and CSS in, PDF bytes out, through WeasyPrint.

Every capability that prints (greeting cards, certificates, meeting minutes …) renders a Django
template with `render_template_pdf`, or HTML it built with `render_pdf`. Three things hold for
every file:

- Chinese is drawn with a CJK font installed on the machine: the font stack names the Noto CJK
  fonts where they exist and WenQuanYi Micro Hei, which Debian's `fonts-wqy-microhei` installs
  (scripts/system-deps, CI). WeasyPrint embeds the glyphs it uses, so the file reads the same
  everywhere.
- Nothing is fetched over the network: a document holds personal data, and a server must not
  call out while printing it. Images and style sheets come from the static files, by path
  (`static_uri`), or inline (`data:` URLs, SVG in the page).
- The bytes are returned, never written to disk: callers hand them to `ui.downloads.attachment`
  or keep them sealed on a job (`jobs.services.Output`).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Serif first, as printed matter is; the sans fallbacks carry the same glyphs.
FONT_STACK = '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
BASE_CSS = f"html {{ font-family: {FONT_STACK}; }}"


class NotLocal(ValueError):
    """A document asked for something that is neither a static file nor inline data."""


@functools.cache
def _static_roots() -> tuple[Path, ...]:
    roots = {Path(settings.STATIC_ROOT).resolve()}
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.add(Path(location).resolve())
    return tuple(roots)


def static_uri(name: str) -> str:
    """A `file:` URI for a static file (e.g. "ui/app.css"), for a document's <img> or <link>."""
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"no static file named {name!r}")
    return Path(found).resolve().as_uri()


@functools.cache
def _weasyprint() -> tuple[Any, Any, type]:
    """WeasyPrint, imported on first use: loading it takes half a second, which no web process
    that never prints should pay at start-up."""
    # Here, not at the top: see the docstring.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Its per-step progress messages ("Step 4 - Creating layout") would fill the log at INFO.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    class LocalFetcher(URLFetcher):
        """Fetches `data:` URLs and static files only; anything else is refused (WeasyPrint then
        leaves the resource out and logs a warning)."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in _static_roots()):
                    raise NotLocal(f"only static files may be read while printing, not {url}")
            elif scheme != "data":
                raise NotLocal(f"nothing is fetched over the network while printing: {url[:100]}")
            return super().fetch(url, headers)

    return CSS, HTML, LocalFetcher


def local_fetcher() -> Any:
    """The URL fetcher every document is rendered with."""
    return _weasyprint()[2]()


def _document(html: str, base_url: str | None) -> Any:
    css, html_, fetcher = _weasyprint()
    return html_(string=html, base_url=base_url, url_fetcher=fetcher()).render(stylesheets=[css(string=BASE_CSS)])


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of one HTML document (its own CSS sets page size and layout)."""
    return _document(html, base_url).write_pdf()


# Documents laid out at once: WeasyPrint keeps every page of a batch in memory until it writes,
# so a county's quarter of cards (1,521) took 5.8 GB in one piece; in pieces of this many it
# peaks at 640 MB (100: 875 MB) in about the same 92 s, and the pieces are joined page by page
# (pypdf).
CHUNK = 40


def render_many(
    htmls: Iterable[str], *, base_url: str | None = None, progress: Callable[[int], None] | None = None
) -> bytes:
    """One PDF of several documents' pages in order, each document rendered on its own (each
    may set its own language), `progress(done)` called after each: for batches run as a job."""
    pieces: list[bytes] = []
    documents: list[Any] = []
    done = 0
    for html in htmls:
        documents.append(_document(html, base_url))
        done += 1
        if progress is not None:
            progress(done)
        if len(documents) == CHUNK:
            pieces.append(_write(documents))
            documents = []
    if documents:
        pieces.append(_write(documents))
    if not pieces:
        raise ValueError("nothing to print")
    return pieces[0] if len(pieces) == 1 else _join(pieces)


def _write(documents: list[Any]) -> bytes:
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def _join(pieces: list[bytes]) -> bytes:
    # Here, not at the top: only a batch of documents is joined, like WeasyPrint loaded on first use.
    from pypdf import PdfWriter

    writer = PdfWriter()
    for piece in pieces:
        writer.append(io.BytesIO(piece))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_template_pdf(
    template_name: str, context: Mapping[str, Any] | None = None, *, request: Any = None, base_url: str | None = None
) -> bytes:
    """Render a Django template to HTML, then to PDF."""
    return render_pdf(render_to_string(template_name, dict(context or {}), request=request), base_url=base_url)
