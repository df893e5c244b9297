"""WCAG AA contrast in a page, measured by the browser: each visible text against the colour
behind it (4.5:1, or 3:1 for large text), and each form control's edge against its
surroundings (3:1, WCAG 1.4.11). Backgrounds are the element's and its ancestors' background
colours laid over each other; pages here put no text on pictures, except the camera's."""

# Returns a list of {what, text, ratio, need, fg, bg} for each failure.
FIND_LOW_CONTRAST = r"""
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3] + under[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map(i => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a)
      .concat([a]);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // The canvas takes the root's background, or the body's; with neither, the browser's white.
  const canvas = [document.documentElement, document.body]
    .map((e) => parse(getComputedStyle(e).backgroundColor))
    .find((c) => c[3] > 0) || [255, 255, 255, 1];
  // The colour behind an element: its own background over its ancestors', over the page.
  const behind = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      // A picture behind: not measured. A gradient (the navigation's edge shade) is left out.
      if (s.backgroundImage.includes('url(') && e.tagName !== 'HTML') return null;
      layers.push(parse(s.backgroundColor));
    }
    let c = [canvas[0], canvas[1], canvas[2], 1];
    for (const layer of layers.reverse()) c = over(layer, c);
    return c;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && Number(s.opacity) > 0 &&
      !el.closest('[hidden], .visually-hidden, .viewfinder');
  };
  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el) || !el || !shown(el)) continue;
    if (['SCRIPT', 'STYLE', 'OPTION', 'TITLE'].includes(el.tagName)) continue;
    seen.add(el);
    const s = getComputedStyle(el);
    const bg = behind(el);
    if (!bg) continue;
    const fg = over(parse(s.color), bg);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const r = ratio(fg, bg);
    // A disabled control is exempt (WCAG 1.4.3).
    if (r < need && !el.closest(':disabled')) {
      failures.push({what: name(el), text: n.textContent.trim().slice(0, 40),
                     ratio: Math.round(r * 100) / 100, need, fg: s.color, bg: bg.join(',')});
    }
  }
  // Controls: their edge, or else their fill, stands out from what is around them (3:1).
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file]), ' +
    'select, textarea, button, .button, .tog span, .photo-btn');
  for (const el of controls) {
    if (!shown(el) || el.closest(':disabled') || el.closest('.topbar .brand')) continue;
    const s = getComputedStyle(el);
    const around = behind(el.parentElement);
    if (!around) continue;
    const own = behind(el);
    const edge = parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== 'none'
      ? over(parse(s.borderTopColor), around) : own;
    const r = Math.max(ratio(edge, around), ratio(own, around));
    if (r < 3) {
      failures.push({what: name(el) + ' (edge)', text: el.textContent.trim().slice(0, 40),
                     ratio: Math.round(r * 100) / 100, need: 3, fg: s.borderTopColor,
                     bg: around.join(',')});
    }
  }
  return failures;
}
"""


def low_contrast(page) -> list[dict]:
    """What in the page misses WCAG AA contrast (empty when all meets it)."""
    return page.evaluate(FIND_LOW_CONTRAST)


def describe(failures: list[dict]) -> str:
    return "\n".join(f"{f['what']} “{f['text']}”: {f['ratio']} < {f['need']} "
                     f"({f['fg']} on rgb({f['bg']}))" for f in failures)
