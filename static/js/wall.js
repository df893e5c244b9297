// The wall screen: draws the data, pages long lists, keeps the clock, and polls for news
// with an ETag (an unchanged screen costs a 304). When the server cannot be reached it says
// so, with the time of the last good update, greys the figures, and recovers by itself.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("wall-config").textContent);
  let data = JSON.parse(document.getElementById("wall-data").textContent);
  let etag = null;
  let lastOk = new Date();
  // A page of a list stays this long: over a second for each of the 12 or 13 overdue rows a
  // page holds (the demo's 26 overdue cards: 2 pages in Chinese, 3 in English).
  const PAGE_SECONDS = 15;
  const TIMEOUT_MS = 8000;
  const pages = { overdue: 0, missed: 0 };

  const zone = { timeZone: config.timezone, hour12: false };
  const clockFormat = new Intl.DateTimeFormat(config.locale, { ...zone, hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const shortFormat = new Intl.DateTimeFormat(config.locale, { ...zone, hour: "2-digit", minute: "2-digit" });
  const dateFormat = new Intl.DateTimeFormat(config.locale, { timeZone: config.timezone, year: "numeric", month: "long", day: "numeric", weekday: "long" });

  const plural = new Intl.PluralRules(config.locale);

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // The page is laid out for 1920×1080; this scales it to the screen, centred (4K: exactly ×2).
  function fit() {
    const scale = Math.min(innerWidth / 1920, innerHeight / 1080);
    const left = (innerWidth - 1920 * scale) / 2;
    const top = (innerHeight - 1080 * scale) / 2;
    document.body.style.transform = `translate(${left}px, ${top}px) scale(${scale})`;
  }

  function tick() {
    const now = new Date();
    document.getElementById("clock-time").textContent = clockFormat.format(now);
    document.getElementById("clock-date").textContent = dateFormat.format(now);
  }

  function renderCounts() {
    for (const node of document.querySelectorAll("[data-count]")) {
      const value = data.counts[node.dataset.count];
      if (node.dataset.count === "on_time_rate") {
        node.textContent = value === null ? "—" : Math.round(value * 100) + "%";
      } else {
        node.textContent = value;
      }
    }
  }

  // One line: place, title, level (its word, not only its colour), department, days.
  function overdueRow(h) {
    const row = el("li", "hz hz-" + h.level);
    row.dataset.number = h.number;
    const days = el("span", "hz-days");
    const [before, after] = config.text.days[plural.select(h.days) === "one" ? "one" : "other"].split("{n}");
    days.append(before, el("b", null, String(h.days)), after);
    const title = el("span", "hz-title");
    // 督办: a word, not only a colour, so it reads from across the room and in grey.
    if (h.supervised) title.append(el("b", "hz-supervised", config.text.supervised), " ");
    title.append(h.title);
    row.append(
      el("span", "hz-place", h.location),
      title,
      el("span", "hz-level", config.text.levels[h.level] || h.level_label),
      el("span", "hz-dept", h.department),
      days,
    );
    return row;
  }

  function missedRow(m) {
    const row = el("li", "ms");
    const first = el("div", "ms-line1");
    first.append(el("span", "code", m.code), m.location);
    row.append(first, el("div", "ms-line2", [m.kind, m.period, m.department].join(" · ")));
    return row;
  }

  function departmentRow(d) {
    const row = el("li", "dp");
    row.append(el("span", null, d.name), el("span", "dp-n", String(d.overdue)),
      el("span", "dp-open", fill(config.text.overdueOf, { open: d.open })));
    return row;
  }

  // Shows the page `pages[key]` of `rows`, as many rows as fit; returns nothing.
  function paginate(key, rows, total, makeRow) {
    const list = document.getElementById(key + "-list");
    const pager = document.getElementById(key + "-pager");
    document.getElementById(key + "-empty").hidden = rows.length > 0;
    list.replaceChildren();
    pager.textContent = "";
    if (!rows.length) return;
    const probe = makeRow(rows[0]);
    list.append(probe);
    // Layout sizes, not the screen's: the body is scaled to the screen.
    const perPage = Math.max(1, Math.floor(list.clientHeight / probe.offsetHeight));
    const count = Math.ceil(rows.length / perPage);
    if (pages[key] >= count) pages[key] = 0;
    const start = pages[key] * perPage;
    list.replaceChildren(...rows.slice(start, start + perPage).map(makeRow));
    const parts = [];
    if (count > 1) parts.push((pages[key] + 1) + " / " + count);
    if (total > rows.length) parts.push(fill(config.text.more, { n: total - rows.length }));
    pager.textContent = parts.join(" · ");
  }

  function render() {
    renderCounts();
    paginate("overdue", data.overdue, data.counts.overdue, overdueRow);
    paginate("missed", data.missed_today, data.counts.missed_today, missedRow);
    // The departments most overdue first, as many as fit: a ranking, not a list to page.
    const ranking = document.getElementById("department-list");
    ranking.replaceChildren(...data.departments.map(departmentRow));
    const bottom = ranking.getBoundingClientRect().bottom + 1;
    for (const row of [...ranking.children]) {
      if (row.getBoundingClientRect().bottom > bottom) row.remove();
    }
  }

  function connected() {
    lastOk = new Date();
    document.getElementById("lost").hidden = true;
    document.body.classList.remove("is-stale");
  }

  function lost() {
    const banner = document.getElementById("lost");
    banner.textContent = fill(config.text.lost, { time: shortFormat.format(lastOk) });
    banner.hidden = false;
    document.body.classList.add("is-stale");
  }

  function switchedOff() {
    // The token was revoked: show nothing of the hospital any more.
    document.body.replaceChildren(el("p", "gone", config.text.gone));
    document.body.className = "wall gone";
  }

  async function poll() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(config.dataUrl, {
        cache: "no-store", signal: controller.signal,
        headers: etag ? { "If-None-Match": etag } : {},
      });
      if (response.status === 404) return switchedOff();
      if (response.status === 304) {
        connected();
      } else if (response.ok) {
        const fresh = await response.json();
        etag = response.headers.get("ETag");
        data = fresh;
        connected();
        render();
      } else {
        lost();
      }
    } catch (error) {
      lost();
    } finally {
      clearTimeout(timer);
    }
    setTimeout(poll, config.pollSeconds * 1000);
  }

  fit();
  tick();
  render();
  setInterval(tick, 1000);
  setInterval(() => { pages.overdue += 1; pages.missed += 1; render(); }, PAGE_SECONDS * 1000);
  window.addEventListener("resize", () => { fit(); render(); });
  setTimeout(poll, config.pollSeconds * 1000);
})();
