"""Basic accessibility checks on the page a browser shows: language, title, labels, visible focus.

``check(page)`` returns a list of problems, each naming the page and the element; an empty list
means the page passed. The tests assert on it, so a regression names the element to fix.
"""

_LABELS = """() => {
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.name) s += '[name=' + el.name + ']';
    if (el.type && el.tagName === 'INPUT') s += '[type=' + el.type + ']';
    return s;
  };
  const visible = el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden' && (box.width > 0 || box.height > 0);
  };
  const named = el => {
    if ([...(el.labels || [])].some(l => l.textContent.trim())) return true;
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return ids.some(id => { const t = document.getElementById(id); return t && t.textContent.trim(); });
  };
  const problems = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.tagName === 'INPUT' && ['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    if (!visible(el)) continue;
    if (!named(el)) problems.push('no label: ' + describe(el));
  }
  return {lang: document.documentElement.getAttribute('lang'), title: document.title.trim(), problems};
}"""

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  const text = (el.textContent || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20);
  if (text) s += ' "' + text + '"';
  return {what: s, tag: el.tagName, outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
          boxShadow: style.boxShadow};
}"""


def check(page, tab_stops: int = 4) -> list[str]:
    """Problems on the page now shown: lang="zh-CN", a non-empty <title>, a label on every visible
    input/select/textarea, and a visible focus ring on the first ``tab_stops`` keyboard stops."""
    where = page.url.split("//", 1)[-1].split("/", 1)[-1]
    where = "/" + where
    result = page.evaluate(_LABELS)
    problems = []
    if result["lang"] != "zh-CN":
        problems.append(f'html lang is {result["lang"]!r}, not "zh-CN"')
    if not result["title"]:
        problems.append("empty <title>")
    problems += result["problems"]
    page.evaluate("() => document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    seen = set()
    for _ in range(tab_stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:  # focus left the document (past its end, into the browser): Tab on
            continue
        if focused["what"] in seen:
            break
        seen.add(focused["what"])
        ring = (focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0) or focused["boxShadow"] not in ("none", "")
        if not ring:
            problems.append(f'focus not visible on {focused["what"]} (outline {focused["outlineStyle"]} '
                            f'{focused["outlineWidth"]}px, box-shadow {focused["boxShadow"]})')
    if not seen:
        problems.append("Tab reaches no link or button")
    page.evaluate("() => document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    return [f"{where}: {p}" for p in problems]
