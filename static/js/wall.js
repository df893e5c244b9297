// The wall screen: draws the data, pages long lists, keeps the clock, and polls for news
// with an ETag (an unchanged screen costs a 304). When the server cannot be reached it says
// so, with the time of the last good update, and recovers by itself.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("wall-config").textContent);
  let data = JSON.parse(document.getElementById("wall-data").textContent);
  let etag = null;
  let lastOk = new Date();
  const PAGE_SECONDS = 12;
  const TIMEOUT_MS = 8000;
  const pages = { overdue: 0, missed: 0 };

  const zone = { timeZone: config.timezone, hour12: false };
  const clockFormat = new Intl.DateTimeFormat(config.locale, { ...zone, hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const shortFormat = new Intl.DateTimeFormat(config.locale, { ...zone, hour: "2-digit", minute: "2-digit" });
  const dateFormat = new Intl.DateTimeFormat(config.locale, { timeZone: config.timezone, year: "numeric", month: "long", day: "numeric", weekday: "long" });

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
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

  function overdueRow(h) {
    const row = el("li", "hz hz-" + h.level);
    if (h.thumb) {
      const img = el("img", "hz-thumb");
      img.alt = "";
      img.src = config.thumbUrl.replace("SHA", h.thumb);
      img.onerror = () => img.replaceWith(el("div", "hz-thumb"));
      row.append(img);
    } else {
      row.append(el("div", "hz-thumb"));
    }
    const main = el("div", "hz-main");
    const first = el("div", "hz-line1");
    first.append(el("span", "hz-level", h.level_label), h.number + "  " + h.location);
    const second = el("div", "hz-line2");
    second.append(el("span", "code", h.code), [h.department, h.responsible].filter(Boolean).join(" · "));
    main.append(first, second);
    row.append(main, el("div", "hz-days", fill(config.text.days, { n: h.days })));
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
    const n = el("span", "dp-n", String(d.overdue));
    n.append(el("small", null, fill(config.text.overdueOf, { open: d.open })));
    row.append(el("span", null, d.name), n);
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
    const perPage = Math.max(1, Math.floor(list.clientHeight / probe.getBoundingClientRect().height));
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
  }

  function lost() {
    const banner = document.getElementById("lost");
    banner.textContent = fill(config.text.lost, { time: shortFormat.format(lastOk) });
    banner.hidden = false;
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

  tick();
  render();
  setInterval(tick, 1000);
  setInterval(() => { pages.overdue += 1; pages.missed += 1; render(); }, PAGE_SECONDS * 1000);
  window.addEventListener("resize", render);
  setTimeout(poll, config.pollSeconds * 1000);
})();
