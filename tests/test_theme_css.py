"""The pages' palette (static/css/app.css): every colour is a variable with a light and a dark
value, so that night mode cannot miss a rule."""

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "app.css").read_text()
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(")


def _block(selector: str) -> str:
    start = CSS.index(selector + " {") + len(selector) + 2
    return CSS[start:CSS.index("}", start)]


def _values(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", block))


LIGHT = _values(_block(":root"))
DARK_AUTO = _values(_block(":root:not([data-theme=light])"))
DARK_CHOSEN = _values(_block(":root[data-theme=dark]"))


def test_the_automatic_and_the_chosen_dark_theme_are_the_same():
    assert DARK_AUTO == DARK_CHOSEN


def test_every_dark_colour_overrides_a_light_one():
    assert set(DARK_CHOSEN) <= set(LIGHT)


def test_no_colour_is_written_outside_the_palette():
    """A literal colour in a rule would stay the same at night: rules use var(--...)."""
    palette_ends = CSS.index("}", CSS.index(":root[data-theme=dark] {"))
    rules = CSS[palette_ends:]
    assert COLOUR.findall(rules) == []


def test_the_palette_is_first_in_the_file():
    assert CSS.index(":root[data-theme=dark] {") < CSS.index("* { box-sizing")
