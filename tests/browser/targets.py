"""Touch targets in a phone page, measured by the browser: each control a thumb taps, the area
that takes the tap, and how far it is from the next one."""

# Returns [{what, text, x, y, width, height}] for each visible target. A link that stretches
# over its row (a.stretch) takes taps on the whole row; a radio, a checkbox or a file input
# inside a label takes them on the label. Links inside a sentence are left out: WCAG 2.5.5
# and 2.5.8 exempt them, and they are not the controls of a phone page.
TARGETS = r"""
() => {
  const found = [];
  const seen = new Set();
  const shown = (el) => {
    const s = getComputedStyle(el);
    return el.getClientRects().length && s.visibility !== 'hidden' &&
      !el.closest('[hidden], .visually-hidden');
  };
  const inSentence = (a) => {
    if (getComputedStyle(a).display !== 'inline') return false;
    const block = a.parentElement;
    return [...block.childNodes].some((n) => n !== a && n.nodeType === 3 && n.textContent.trim());
  };
  const selector = 'a[href], button, select, textarea, input:not([type=hidden]), summary';
  // What a closed <details> holds is not on the screen (Chromium still gives it boxes).
  const folded = (el) => {
    const closed = el.closest('details:not([open])');
    return closed && !(el.matches('summary') && el.parentElement === closed);
  };
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el) || folded(el)) continue;
    if (el.tagName === 'A' && inSentence(el)) continue;
    let area = el;
    if (el.matches('a.stretch')) area = el.closest('.row') || el;
    else if (el.matches('input[type=radio], input[type=checkbox], input[type=file]'))
      area = el.closest('label') || el;
    if (seen.has(area)) continue;
    seen.add(area);
    const r = area.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    found.push({what: el.tagName.toLowerCase() +
                  (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\s+/).join('.') : ''),
                text: (el.textContent || el.value || el.name || '').trim().slice(0, 30),
                x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height,
                inside: [...seen].filter((o) => o !== area && o.contains(area)).length > 0,
                row: el.matches('a.stretch'),
                floating: !!el.closest('.submit-bar, .topbar')
                  && getComputedStyle(el.closest('.submit-bar, .topbar')).position === 'sticky'});
  }
  return found;
}
"""


def gap(a: dict, b: dict) -> float:
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]), 0)
    dy = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]), 0)
    return max(dx, dy)


def problems(page, size=44, spacing=8) -> list[str]:
    """Each target smaller than size × size, and each pair of targets closer than spacing.

    Not compared: a target inside another (a link within a stretched row); the rows of a list,
    each a whole row high and divided by a line, as phone lists are; and a target with one in
    a sticky bar, which covers what scrolls under it rather than sits beside it."""
    targets = page.evaluate(TARGETS)
    found = [f"{t['what']} “{t['text']}” is {t['width']:.0f} × {t['height']:.0f}"
             for t in targets if t["width"] < size - 0.5 or t["height"] < size - 0.5]
    for i, a in enumerate(targets):
        for b in targets[i + 1:]:
            if a["inside"] or b["inside"] or (a["row"] and b["row"]):
                continue
            if a["floating"] != b["floating"]:
                continue
            if gap(a, b) < spacing - 0.5:
                found.append(f"{a['what']} “{a['text']}” and {b['what']} “{b['text']}” are "
                             f"{gap(a, b):.0f} px apart")
    return found
