"""A post's sign (A5 portrait), printed by the platform's one renderer (dangjian.pdf): the
post's kind and title, the holder's name and photo, the public commitment, and a QR code to the
post's public page, which shows exactly what the sign shows."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import segno
from django.template.loader import render_to_string

from dangjian.pdf import render_pdf
from dangjian.people.crypto import open_bytes

if TYPE_CHECKING:
    from .models import Post


def photo_uri(post: Post) -> str:
    """The holder's photo as a data URI (the renderer fetches nothing from the network)."""
    if not post.photo:
        return ""
    data = base64.b64encode(open_bytes(bytes(post.photo))).decode()
    return f"data:{post.photo_type or 'image/jpeg'};base64,{data}"


def qr_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, dark="#000", light="#fff")


def sign_pdf(post: Post, public_url: str) -> bytes:
    html = render_to_string(
        "production/print/sign.html",
        {"p": post, "photo": photo_uri(post), "qr": qr_uri(public_url)},
    )
    return render_pdf(html)
