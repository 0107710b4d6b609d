"""Each way a template could escape its sandbox (issue 16, item 7) is refused, with a French message."""

from __future__ import annotations

import json
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from milpj_desktop.handouts import Handout, Letterhead, render
from milpj_desktop.handouts.environment import RenderBudgetError
from milpj_desktop.handouts.errors import HandoutError, TemplateSecurityError
from milpj_desktop.handouts.manifest import load_templates
from milpj_desktop.handouts.qr import qr_image


def _template(root: Path, source: str, name: str = "t.html.j2") -> str:
    (root / name).write_text(source, encoding="utf-8")
    return name


def test_jinja_range_limit_is_back(tmp_path: Path) -> None:
    name = _template(tmp_path, "{{ range(100001)|list|length }}")
    with pytest.raises(TemplateSecurityError, match="refusé"):
        render(name, {}, root=tmp_path)


def test_a_small_range_still_works(tmp_path: Path) -> None:
    name = _template(tmp_path, "{% for i in range(3) %}{{ i }}{% endfor %}")
    assert render(name, {}, root=tmp_path) == "012"


def test_nested_loops_are_stopped_by_the_time_budget(tmp_path: Path) -> None:
    source = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}fin"
    name = _template(tmp_path, source)
    with pytest.raises(RenderBudgetError, match=r"dépasse 0\.2 secondes"):
        render(name, {}, root=tmp_path, seconds=0.2)


def test_huge_output_is_refused(tmp_path: Path) -> None:
    name = _template(tmp_path, "{% for i in range(100000) %}{{ text }}{% endfor %}")
    with pytest.raises(RenderBudgetError, match="caractères ; rendu refusé"):
        render(name, {"text": "x" * 1000}, root=tmp_path)


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 100000000 }}",
        "{{ [1] * 100000000 }}",
        "{{ 10 ** 100000000 }}",
    ],
)
def test_huge_values_are_refused(tmp_path: Path, source: str) -> None:
    name = _template(tmp_path, source)
    with pytest.raises(TemplateSecurityError, match="trop grande"):
        render(name, {}, root=tmp_path)


@pytest.mark.parametrize("source", ["{{ 'x'|center(100000000) }}", "{{ '%*s'|format(100000000, 'x') }}"])
def test_filters_that_pad_to_any_width_are_gone(tmp_path: Path, source: str) -> None:
    name = _template(tmp_path, source)
    with pytest.raises(HandoutError, match="No filter named"):
        render(name, {}, root=tmp_path)


def test_a_symlinked_template_file_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.html.j2").write_text("SECRET", encoding="utf-8")
    root = tmp_path / "modeles"
    root.mkdir()
    (root / "t.html.j2").symlink_to(outside / "secret.html.j2")
    with pytest.raises(TemplateSecurityError, match="lien symbolique"):
        render("t.html.j2", {}, root=root)


def test_a_symlinked_folder_cannot_be_included(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.html.j2").write_text("SECRET", encoding="utf-8")
    root = tmp_path / "modeles"
    root.mkdir()
    (root / "commun").symlink_to(outside, target_is_directory=True)
    _template(root, '{% include "commun/secret.html.j2" %}')
    with pytest.raises(TemplateSecurityError, match="« commun » est un lien symbolique"):
        render("t.html.j2", {}, root=root)


def test_a_symlinked_template_folder_is_refused_in_the_list(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    manifest = {"id": "piege", "title": "Piège", "description": "", "data": "numbers"}
    (outside / "manifeste.json").write_text(json.dumps(manifest), encoding="utf-8")
    (outside / "modele.html.j2").write_text("SECRET", encoding="utf-8")
    root = tmp_path / "modeles"
    root.mkdir()
    (root / "piege").symlink_to(outside, target_is_directory=True)
    with pytest.raises(TemplateSecurityError, match="lien symbolique"):
        load_templates(root)


@pytest.mark.parametrize("name", ["Piege.html.j2", "a b.html.j2", "../t.html.j2", "x/y/t.html.j2", "/etc/passwd"])
def test_template_names_are_slugs(tmp_path: Path, name: str) -> None:
    (tmp_path / "Piege.html.j2").write_text("ok", encoding="utf-8")
    (tmp_path / "a b.html.j2").write_text("ok", encoding="utf-8")
    with pytest.raises(TemplateSecurityError, match="Nom de modèle refusé"):
        render(name, {}, root=tmp_path)


def test_an_include_by_a_bad_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Piege.html.j2").write_text("ok", encoding="utf-8")
    name = _template(tmp_path, '{% include "Piege.html.j2" %}')
    with pytest.raises(TemplateSecurityError, match=r"Nom de modèle refusé « Piege\.html\.j2 »"):
        render(name, {}, root=tmp_path)


def test_links_and_resources_are_stripped_from_the_html(tmp_path: Path) -> None:
    qr = qr_image("tel:0102030405").uri
    source = (
        "{{ bad|safe }}"
        '<a href="https://www.1000-premiers-jours.fr/">site</a> <a href="tel:0102030405">tél</a> '
        '<a href="mailto:pmi@exemple.fr">mail</a> <img src="{{ qr }}">'
    )
    bad = (
        '<a href="file:///etc/passwd">a</a><a href=" jav&#x61;script:alert(1)">b</a>'
        '<a href="mailto:x@y.fr?attach=/home/x/.ssh/id_rsa">c</a><img src="/etc/photo.png">'
        "<img src=http://exemple.fr/pixel.png><p style=\"background-image: url('/etc/photo.png')\" onclick=x>d</p>"
        "<style>p { background: url(file:///etc/photo.png) }</style>"
    )
    html = render(_template(tmp_path, source), {"bad": bad, "qr": qr}, root=tmp_path)
    for refused in ("file:", "javascript", "/etc/", "http://", "attach", "url(", "onclick"):
        assert refused not in html
    for kept in ('href="https://www.1000-premiers-jours.fr/"', 'href="tel:0102030405"', 'href="mailto:pmi@exemple.fr"'):
        assert kept in html
    assert f'<img src="{qr}">' in html
    assert ">a</a>" in html and ">d</p>" in html


def _image_count(pdf: Path) -> int:
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return len(listed.splitlines()) - 2  # two header lines


def _local_png(path: Path) -> Path:
    from ui.qt import QColor, QImage

    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


def _pdf_of(html: str, path: Path) -> Path:
    from ui.printing import write_pdf

    handout = Handout("t", "Essai", html, {}, False, Letterhead())
    write_pdf([handout], path)
    return path


def test_printing_embeds_no_local_file_even_if_the_html_asks(qapp: Any, tmp_path: Path) -> None:
    photo = _local_png(tmp_path / "photo.png")
    html = (
        f'<html><body><p>texte</p><img src="{photo}" width="60"><img src="file://{photo}" width="60">'
        f"<p style=\"background-image: url('{photo}')\">fond</p></body></html>"
    )
    assert _image_count(_pdf_of(html, tmp_path / "local.pdf")) == 0


def test_printing_still_embeds_our_qr_images(qapp: Any, tmp_path: Path) -> None:
    qr = qr_image("tel:0102030405")
    html = f'<html><body><p>texte</p><img src="{qr.uri}" width="{qr.px}" height="{qr.px}"></body></html>'
    assert _image_count(_pdf_of(html, tmp_path / "qr.pdf")) == 1


def test_no_file_link_reaches_the_pdf(qapp: Any, tmp_path: Path) -> None:
    tmp_templates = tmp_path / "modeles"
    tmp_templates.mkdir()
    name = _template(tmp_templates, "<html><body><p>{{ bad|safe }}</p></body></html>")
    html = render(name, {"bad": '<a href="file:///etc/passwd">mot de passe</a>'}, root=tmp_templates)
    data = _pdf_of(html, tmp_path / "lien.pdf").read_bytes()
    streams = [zlib.decompress(s) for s in _flate_streams(data)]
    assert b"/etc/passwd" not in data and all(b"/etc/passwd" not in s for s in streams)


def _flate_streams(data: bytes) -> list[bytes]:
    found = []
    for part in data.split(b"stream\n")[1:]:
        body = part.split(b"endstream")[0]
        try:
            zlib.decompress(body)
        except zlib.error:
            continue
        found.append(body)
    return found
