"""The page templates work under the strict CSP and every field has a label (read from the template files)."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "gateway" / "portal" / "templates").glob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_inline_style_or_script(template):
    source = template.read_text()
    assert not re.search(r"\sstyle\s*=", source)
    assert not re.search(r"\son[a-z]+\s*=", source)
    assert not re.search(r"<script(?![^>]*\ssrc=)", source)
    assert "<style" not in source


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_every_visible_field_has_a_label(template):
    source = template.read_text()
    labelled = set(re.findall(r'<label for="([^"]+)"', source))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", source):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        field_id = re.search(r'id="([^"]+)"', tag)
        assert field_id and field_id.group(1) in labelled, tag
