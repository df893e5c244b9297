"""The manager's navigation on a phone: wider than the screen, it shows that it scrolls and
starts where the current page's link can be seen."""

from tests.browser.conftest import log_in


def test_a_navigation_wider_than_the_phone_scrolls_with_shades_at_its_edges(page, live_server):
    log_in(page, live_server["url"], "manager")
    nav = page.locator(".mainnav")
    assert nav.evaluate("n => n.scrollWidth > n.clientWidth + 20")
    # Two shades fixed at the edges, two covers that scroll with the links and hide a shade
    # at either end.
    image = nav.evaluate("n => getComputedStyle(n).backgroundImage")
    assert image.count("linear-gradient") == 4
    attachment = nav.evaluate("n => getComputedStyle(n).backgroundAttachment")
    assert attachment.replace(" ", "").split(",")[:4] == ["local", "local", "scroll", "scroll"]


def test_the_current_pages_link_is_scrolled_into_view(page, live_server):
    log_in(page, live_server["url"], "manager")
    page.goto(f"{live_server['url']}/ledgers")
    nav = page.locator(".mainnav").bounding_box()
    current = page.locator(".mainnav [aria-current=page]").bounding_box()
    assert nav["x"] <= current["x"] and current["x"] + current["width"] <= nav["x"] + nav["width"]
