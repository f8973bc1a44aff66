"""Measurements axe does not make: focus-ring contrast, focus under overlays, target sizes."""

import re

# The colour behind an element: the first ancestor with an opaque-enough background.
_BEHIND = """
  const behind = (node) => {
    for (let el = node.parentElement; el; el = el.parentElement) {
      const colour = getComputedStyle(el).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(colour) && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
"""

# The focused element's outline (colour, width) and the colour it is drawn on; null on body.
# A visually hidden input (the file picker) shows its focus on its label.
FOCUS_RING = (
    """() => {
  const active = document.activeElement;
  if (!active || active === document.body) return null;
  const hidden = active.getBoundingClientRect().width <= 1 && active.labels?.length;
  const el = hidden ? active.labels[0] : active;
  const style = getComputedStyle(el);"""
    + _BEHIND
    + """
  const text = (el.textContent || el.name || "").trim().slice(0, 30);
  return {id: `${el.tagName.toLowerCase()}#${active.id}.${text}`, ring: style.outlineColor,
          width: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
          behind: behind(el)};
}"""
)

# Visible controls inside `scope` (a selector), a label standing in for a visually hidden
# input; links inside a sentence are left out, as SC 2.5.8 exempts them.
_CONTROLS = """
  const visible = (el) =>
    el.getClientRects().length && getComputedStyle(el).visibility !== "hidden";
  const inSentence = (el) => el.tagName === "A" && el.parentElement.matches("p, dd, td, small")
    && el.parentElement.textContent.trim().length > el.textContent.trim().length;
  const tiny = (el) => el.getBoundingClientRect().width <= 1;
  const controls = [...document.querySelector(scope).querySelectorAll(
      "button, a[href], input, select, textarea, label[for]")]
    .filter((el) => visible(el) && !el.closest("dialog") && !inSentence(el))
    .map((el) => (tiny(el) && el.labels && el.labels[0]) || el)
    .filter((el, i, all) => !tiny(el) && all.indexOf(el) === i);
  const name = (el) => `${el.tagName.toLowerCase()}#${el.id || ""}.${el.className}`;
"""

# Each control, focused: scrolled into the viewport and on top at its centre (not covered).
OBSCURED = (
    "(scope) => {"
    + _CONTROLS
    + """
  const covered = [];
  for (const el of controls) {
    const target = el.tagName === "LABEL" ? document.getElementById(el.htmlFor) : el;
    target.focus();
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const top = document.elementFromPoint(x, y);
    const inView = box.top >= 0 && box.bottom <= innerHeight;
    if (!inView || !top || !(el === top || el.contains(top))) covered.push(name(el));
  }
  document.activeElement.blur();
  return covered;
}"""
)

# Controls smaller than 24 by 24 CSS pixels (WCAG 2.2 SC 2.5.8).
SMALL_TARGETS = (
    "(scope) => {"
    + _CONTROLS
    + """
  const size = (el) => el.getBoundingClientRect();
  return controls.filter((el) => size(el).width < 24 || size(el).height < 24)
    .map((el) => `${name(el)} ${Math.round(size(el).width)}x${Math.round(size(el).height)}`);
}"""
)


def parse_rgb(colour: str) -> tuple[float, float, float, float]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)' -> (r, g, b, alpha)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    if len(numbers) not in (3, 4):
        raise ValueError(f"not an rgb() colour: {colour!r}")
    return (*numbers[:3], numbers[3] if len(numbers) == 4 else 1.0)


def _luminance(rgb: tuple[float, ...]) -> float:
    """Relative luminance as WCAG 2 defines it."""

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two opaque colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hex_rgb(colour: str) -> tuple[float, float, float]:
    """'#8fc3bd' -> (143, 195, 189)."""
    value = colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))
