"""A copied login stops working at logout; the account page on a 390 × 844 phone."""

from tests.browser.conftest import log_in


def _fits_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_copied_cookies_no_longer_open_a_page_after_logout(
        page, live_server, browser, browser_context_args, shot):
    base = live_server["url"]
    log_in(page, base, "viewer")
    copied = page.context.cookies()
    assert {"session", "remember_token"} <= {cookie["name"] for cookie in copied}

    thief = browser.new_context(**browser_context_args)
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto(f"{base}/hazards/")
    assert stolen.url == f"{base}/hazards/"  # the copy works while the login lasts

    page.goto(f"{base}/account")
    page.click("form[action$='/logout'] button")
    page.wait_for_url("**/login")

    later = browser.new_context(**browser_context_args)
    later.add_cookies(copied)
    replay = later.new_page()
    replay.goto(f"{base}/hazards/")
    assert "/login" in replay.url
    assert replay.locator("input[name=password]").is_visible()
    stolen.goto(f"{base}/hazards/")  # the browser that held the copies all along: out too
    assert "/login" in stolen.url
    thief.close()
    later.close()


def test_account_page_on_a_phone(page, live_server, shot):
    base = live_server["url"]
    log_in(page, base, "guard1")
    page.goto(f"{base}/account")
    assert page.locator("h1").inner_text() == "账号"
    assert page.locator("button", has_text="退出我的其他设备").is_visible()
    assert page.locator("a[href='/account/tokens']").is_visible()
    assert _fits_phone(page)
    shot(page, "account-phone-zh")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Account"
    assert _fits_phone(page)
    shot(page, "account-phone-en")


def test_log_out_other_devices_from_the_phone(page, live_server, browser, browser_context_args):
    base = live_server["url"]
    other = browser.new_context(**browser_context_args)
    desk = other.new_page()
    log_in(desk, base, "guard2")
    log_in(page, base, "guard2")
    page.goto(f"{base}/account")
    page.click("button:has-text('退出我的其他设备')")
    page.wait_for_url("**/account")
    assert page.locator(".flash-success").is_visible()
    desk.goto(f"{base}/hazards/")
    assert "/login" in desk.url
    page.goto(f"{base}/hazards/")
    assert page.url == f"{base}/hazards/"
    other.close()


def test_admin_unlocks_a_locked_account_on_the_users_page(page, live_server, browser,
                                                          browser_context_args, shot):
    base = live_server["url"]
    outside = browser.new_context(**browser_context_args)
    door = outside.new_page()
    for _ in range(5):
        door.goto(f"{base}/login")
        door.fill("input[name=username]", "lead_xxk")
        door.fill("input[name=password]", "not-the-password")
        door.click("button.primary")
        door.wait_for_load_state()
    assert "登录失败次数过多" in door.locator(".form-error").inner_text()

    log_in(page, base, "admin")
    page.goto(f"{base}/admin/users")
    page.click("a[href='/admin/users?locked=1']")
    page.wait_for_url("**/admin/users?locked=1")
    assert "lead_xxk" in page.locator(".rows").inner_text()
    assert _fits_phone(page)
    shot(page, "admin-locked-accounts-phone-zh")
    page.click("button:has-text('解除锁定')")
    page.wait_for_load_state()
    assert page.locator(".flash-success").is_visible()
    assert "lead_xxk" not in page.locator(".rows").inner_text()

    log_in(door, base, "lead_xxk")
    assert door.url == f"{base}/"
    outside.close()
