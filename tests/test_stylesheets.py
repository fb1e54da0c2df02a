"""The stylesheets parse as written: a rule left open makes Chromium read every later rule as
nested inside it, so they silently stop applying (two merges once did this to admin.css)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

SHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))
AT_RULES = re.compile(r"@(media|supports|layer|container)\b[^{]*$")


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda path: path.name)
def test_every_rule_is_closed_and_only_at_rules_hold_rules(sheet):
    css = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)
    open_blocks: list[bool] = []  # for each open block: is it an at-rule's?
    start = 0
    for match in re.finditer(r"[{}]", css):
        if match.group() == "{":
            prelude = css[start : match.start()].strip()
            assert not open_blocks or open_blocks[-1], (
                f"{sheet.name}: “{prelude[:60]}” is nested inside a style rule"
            )
            open_blocks.append(bool(AT_RULES.search(prelude)))
        else:
            assert open_blocks, f"{sheet.name}: a }} closes nothing (offset {match.start()})"
            open_blocks.pop()
        start = match.end()
    assert not open_blocks, f"{sheet.name}: {len(open_blocks)} block(s) left open"
