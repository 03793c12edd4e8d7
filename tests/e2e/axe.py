"""Accessibility checks for the browser tests: axe-core and a touch-target size check.

Works in any context: where the app's CSP refuses the injected script tag, axe-core is
evaluated through DevTools instead.

:func:`assert_no_serious_violations` injects axe-core from ``pwa/node_modules`` (a dev
dependency, never shipped), runs it with the WCAG 2.0 A/AA, 2.1 AA and 2.2 AA rules and fails
listing every serious or critical violation. It then measures every visible control (buttons,
links, inputs, selects, summaries, audio controls): each must be at least 48x48 CSS px. The only
exception is a link inline in running text, where WCAG 2.5.8 allows a smaller target.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

AXE_JS = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
MIN_TARGET_PX = 48

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
}"""

# Controls smaller than min in either dimension. Hidden controls (display:none, the file input
# behind its button) have no box and are skipped; an inline link inside a paragraph's running
# text is allowed, as WCAG 2.5.8 excepts it.
SMALL_TARGETS = """(min) => {
  const selector = 'button, a[href], input:not([type=hidden]), select, textarea, summary, ' +
    'audio[controls], video[controls], [role=button], [role=link], [tabindex]:not([tabindex="-1"])';
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.closest('p, li, dd, td, blockquote, figcaption');
    if (!block) return false;
    const own = (el.textContent || '').trim().length;
    return (block.textContent || '').trim().length > own;
  };
  const describe = (el) => {
    const id = el.getAttribute('data-testid');
    const text = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''} "${text}"`;
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 && box.height === 0) continue;
    if (style.visibility === 'hidden') continue;
    if (inRunningText(el)) continue;
    // Sub-pixel rounding: 47.99 is 48.
    if (box.width + 0.5 < min || box.height + 0.5 < min) {
      small.push(`${describe(el)} ${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
    }
  }
  return small;
}"""


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # The app's CSP may refuse the inline script; it is evaluated below instead.
        with contextlib.suppress(PlaywrightError):
            page.add_script_tag(path=str(AXE_JS))
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # DevTools evaluation is not subject to the page's Content-Security-Policy.
        page.evaluate(AXE_JS.read_text("utf-8") + "\n;undefined")
    return page.evaluate(RUN_AXE, AXE_TAGS)


def small_targets(page, minimum: int = MIN_TARGET_PX) -> list[str]:
    """Visible controls smaller than ``minimum`` CSS px in width or height."""
    return page.evaluate(SMALL_TARGETS, minimum)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_no_serious_violations(page, label: str) -> None:
    """Fail, naming every problem, on a serious/critical axe violation or a small target."""
    assert AXE_JS.is_file(), "install the PWA's dev dependencies first: make pwa"
    violations = axe_violations(page)
    assert not violations, f"{label}: axe-core found\n{format_violations(violations)}"
    small = small_targets(page)
    assert not small, f"{label}: touch targets under {MIN_TARGET_PX} px:\n    " + "\n    ".join(
        small
    )
