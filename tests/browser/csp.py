"""Content-Security-Policy violations seen by the browser, in every context a test opens.

Two witnesses, each enough to fail a test: the page's `securitypolicyviolation` events,
reported to Python by an init script through an exposed binding (so a violation survives the
page navigating away), and Chromium's console error for each blocked load or inline code (its
console also warns of a policy header it cannot read, which fails a test as well)."""

from dataclasses import dataclass, field

from playwright.sync_api import Browser, BrowserContext, BrowserType

BINDING = "__saferoundCspViolation"
# The policy refuses eval, and so Playwright's own polling of a bare expression.
EVAL_HINT = ("(eval refused: if this comes from a test's page.wait_for_function, pass it a "
             "function, '() => …', which is evaluated once, not a bare expression, which is "
             "evaluated again with eval on each poll)")

# Runs before the page's own scripts, in every frame of every page of the context.
INIT_SCRIPT = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    const seen = {
      page: location.href, directive: e.effectiveDirective, blocked: e.blockedURI,
      source: e.sourceFile, line: e.lineNumber, disposition: e.disposition,
    };
    window.__cspViolations.push(seen);
    if (window.BINDING) window.BINDING(seen);
  }, true);
})();
""".replace("BINDING", BINDING)


@dataclass
class Violations:
    """What the browser refused, in the order it was reported."""

    seen: list[dict] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> BrowserContext:
        if any(c is context for c in self.contexts):
            return context
        self.contexts.append(context)
        context.expose_binding(BINDING, lambda _source, seen: self.seen.append(
            {"witness": "event", **seen}))
        context.add_init_script(INIT_SCRIPT)
        context.on("console", self._console)
        return context

    def _console(self, message) -> None:
        policies = ("Content Security Policy", "Permissions-Policy")
        if message.type in ("error", "warning") and any(p in message.text for p in policies):
            self.seen.append({"witness": "console", "page": message.page.url if message.page
                              else "", "text": message.text})

    def settle(self) -> None:
        """Let reports still on their way arrive from pages a test left open (events reach
        Python only while Playwright is waiting on something)."""
        for page in (p for c in self.contexts for p in c.pages):
            page.wait_for_timeout(200)
            return

    def clear(self) -> None:
        self.seen.clear()

    def __bool__(self) -> bool:
        return bool(self.seen)

    def describe(self) -> str:
        lines = [str(v) for v in self.seen]
        if any(v.get("blocked") == "eval" for v in self.seen):
            lines.append(EVAL_HINT)
        return "\n".join(lines)


def watch_every_context(monkeypatch, violations: Violations) -> None:
    """Make every context the test opens (new_context, new_page, a persistent context of its
    own browser) report its violations to `violations`."""
    new_context, new_page = Browser.new_context, Browser.new_page
    persistent = BrowserType.launch_persistent_context

    def _new_context(self, *args, **kwargs):
        return violations.watch(new_context(self, *args, **kwargs))

    def _new_page(self, *args, **kwargs):
        page = new_page(self, *args, **kwargs)
        violations.watch(page.context)  # the page is blank yet: it runs the script on goto
        return page

    def _persistent(self, *args, **kwargs):
        return violations.watch(persistent(self, *args, **kwargs))

    monkeypatch.setattr(Browser, "new_context", _new_context)
    monkeypatch.setattr(Browser, "new_page", _new_page)
    monkeypatch.setattr(BrowserType, "launch_persistent_context", _persistent)
