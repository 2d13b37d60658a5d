"""The greeting card as a PDF: the Chinese text is really there (text layer), set in an embedded
CJK font, and really drawn (pixels, not empty boxes); English cards for English readers; and the
renderer fetches nothing from the network."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from dangjian import pdf
from dangjian.birthdays import services
from dangjian.testing.members import member

pytestmark = pytest.mark.django_db

POPPLER = ("pdftotext", "pdffonts", "pdftoppm")
needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER),
    reason="poppler-utils (pdftotext, pdffonts, pdftoppm) is not installed: scripts/system-deps installs it",
)
MESSAGE = "祝您政治生日快乐！不忘初心、牢记使命，在岗位上当先锋、作表率。"
CJK_FONTS = re.compile(r"WenQuanYi|Noto(Sans|Serif)CJK|Noto-?(Sans|Serif)-?CJK", re.IGNORECASE)


def _run(*args: str, data: bytes | None = None) -> str:
    return subprocess.run(args, input=data, capture_output=True, check=True, timeout=60).stdout.decode()


def _save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _png(path: Path, dpi: int = 72):
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(path), str(path.with_suffix(""))],
        check=True,
        timeout=60,
    )
    return Image.open(path.with_suffix(".png")).convert("L")


def _dark(image, box=None, threshold: int = 128) -> int:
    """Pixels darker than `threshold` (0 black … 255 white) in the image or a box of it."""
    region = image.crop(box) if box else image
    return sum(region.histogram()[:threshold])


def _card(world, login, person, year=2026):
    response = login(world.a.secretary).post(reverse("birthdays:card", args=[person.pk]) + f"?year={year}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response.content


@needs_poppler
def test_the_chinese_card_is_text_in_an_embedded_cjk_font_and_really_drawn(world, login, tmp_path):
    services.save_config(actor=None, organization=world.county, message_zh=MESSAGE)
    person = member(world.a, dt.date(2016, 6, 28), name="王秀兰")
    path = _save(tmp_path, "card.pdf", _card(world, login, person))

    # (a) the text layer holds the name, the years and the county's message
    text = _run("pdftotext", "-enc", "UTF-8", str(path), "-")
    flat = re.sub(r"\s+", "", text)
    assert "王秀兰" in flat
    assert "入党10周年" in flat and "周年" in flat
    assert MESSAGE in flat
    assert "政治生日贺卡" in flat and "我志愿加入中国共产党" in flat and "和静县委" in flat
    assert text.count("\f") == 1, "one card, one page"

    # (b) every font is embedded, and a CJK font sets the Chinese
    rows = _run("pdffonts", str(path)).splitlines()[2:]
    assert rows, "the card uses no font"
    for row in rows:
        cells = row.split()
        emb = cells[-5]  # name type… encoding emb sub uni object ID
        assert emb == "yes", f"font not embedded: {row}"
    assert any(CJK_FONTS.search(row) for row in rows), rows

    # (c) the glyphs are drawn: a big 党 leaves a very different image from the .notdef of an
    # unassigned code point (U+0378), and the card's name and title are ink on the page
    from PIL import ImageChops

    page = "<html><body style='margin:0'><p style='font-size:160px;margin:0;line-height:1'>{}</p></body></html>"
    glyph = _png(_save(tmp_path, "glyph.pdf", pdf.render_pdf(page.format("党"))))
    notdef = _png(_save(tmp_path, "notdef.pdf", pdf.render_pdf(page.format("\u0378"))))
    assert glyph.size == notdef.size
    differing = sum(ImageChops.difference(glyph, notdef).histogram()[65:])
    ink = _dark(glyph)
    assert ink > 2000, "党 left almost no ink"
    assert differing > 0.5 * ink, "党 looks like the .notdef box"

    card = _png(path, dpi=144)
    scale = 144 / 72
    bbox = _run("pdftotext", "-bbox", str(path), "-")
    for word in ("王秀兰", "政治生日贺卡"):
        m = re.search(rf'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">[^<]*{word}', bbox)
        assert m, f"{word} has no place on the page"
        box = tuple(int(float(v) * scale) for v in m.groups())
        area = (box[2] - box[0]) * (box[3] - box[1])
        # Red on cream is dark enough in grey; a fifth of the box is strokes at these sizes.
        assert _dark(card, box, threshold=200) > 0.08 * area, f"{word} is not drawn"


def test_an_english_reader_gets_an_english_card(world, login, tmp_path):
    services.save_config(
        actor=None, organization=world.county, message_zh=MESSAGE, message_en="Warm greetings from the county."
    )
    person = member(world.a, dt.date(2016, 6, 28), name="王秀兰", name_latin="Wang Xiulan", preferred_language="en")
    data = _card(world, login, person)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = re.sub(r"\s+", " ", _run("pdftotext", "-enc", "UTF-8", "-", "-", data=data))
    assert "Political birthday greetings" in text
    assert "Dear Comrade Wang Xiulan" in text and "10 years in the Party" in text
    assert "Warm greetings from the county." in text
    assert "It is my will to join the Communist Party of China" in text
    assert MESSAGE not in text.replace(" ", "") and "政治生日贺卡" not in text and "周年" not in text


def test_one_year_reads_in_the_singular(world, login):
    from dangjian.birthdays import cards, selectors

    person = member(world.a, dt.date(2025, 6, 28), name="新人", preferred_language="en", name_latin="Xin Ren")
    found = selectors.celebrant(person, 2026)
    card = cards.card_of(found, selectors.card_settings([person.party_org])[person.party_org_id], dt.date(2026, 6, 1))
    assert card.years == "1 year in the Party" and card.issued == "Issued on June 1, 2026"
    assert card.issuer == "和静县委"  # the county has no English name: its name as it is


def test_the_renderer_fetches_nothing_from_the_network(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer opened a network connection")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    html = "<link rel='stylesheet' href='https://cdn.example.com/x.css'><img src='http://example.com/x.png'><p>党</p>"
    assert pdf.render_pdf(html).startswith(b"%PDF-")
    fetcher = pdf.local_fetcher()
    with pytest.raises(pdf.NotLocal):
        fetcher.fetch("https://example.com/logo.png")
    with pytest.raises(pdf.NotLocal):
        fetcher.fetch("file:///etc/passwd")


def test_static_files_are_read_by_path():
    fetched = pdf.local_fetcher().fetch(pdf.static_uri("ui/app.css"))
    try:
        assert fetched.read()
    finally:
        fetched.close()
    html = f"<link rel='stylesheet' href='{pdf.static_uri('ui/app.css')}'><p>党</p>"
    assert pdf.render_pdf(html).startswith(b"%PDF-")


@needs_poppler
def test_a_long_batch_is_written_in_pieces_and_joined_in_order(monkeypatch, tmp_path):
    """A county's quarter of cards is laid out forty at a time (memory), joined into one file."""
    monkeypatch.setattr(pdf, "CHUNK", 2)
    htmls = [f"<html><body><p>第{n}张</p></body></html>" for n in range(1, 6)]
    done: list[int] = []
    path = tmp_path / "batch.pdf"
    path.write_bytes(pdf.render_many(htmls, progress=done.append))
    assert done == [1, 2, 3, 4, 5]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p.strip() for p in text.split("\f") if p.strip()]
    assert pages == [f"第{n}张" for n in range(1, 6)]


def test_the_other_sides_secretary_gets_no_card_of_a_member(world, login):
    person = member(world.a, dt.date(2016, 6, 28), name="王秀兰")
    response = login(world.b.secretary).post(reverse("birthdays:card", args=[person.pk]) + "?year=2026")
    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF") and "王秀兰".encode() not in response.content
