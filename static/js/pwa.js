// App start, on every page: the navigation scrolled to the current page's link; the outbox
// badge; sending what waits (now, when back online, after each change and on a timer with
// backoff); the service worker; and a warning before logging out, or in as someone else, while
// inspections wait on this phone. outbox.js is loaded only when something may be waiting
// (localStorage keeps a count as a hint), to keep pages light.
const HINT = "saferound-outbox";
const text = JSON.parse(document.getElementById("pwa-text").textContent);
const userId = Number(document.body.dataset.userId) || null;
const badge = document.getElementById("outbox-badge");
const login = document.getElementById("login-form");
const warning = document.getElementById("outbox-warning");
const rules = new Intl.PluralRules(document.documentElement.lang);
let entries = [];
let timer = null;
let changed = null;
const telling = new Set(); // entries this page tells of itself (the checklist's saved card)
const told = new Map(); // uuid → what was sent, in this page's notice

// A counted label in the page's language: {one, other} from the template's ngettext.
export const counted = (forms, n) => (forms[rules.select(n)] ?? forms.other).replaceAll("{n}", n);

const mine = () => entries.filter((e) => e.state === "waiting" && e.userId === userId);

async function sync(force) {
  if (!userId || !navigator.onLine || !mine().length) return;
  const { sendLater, syncOutbox } = await import("./sync.js");
  if ((await syncOutbox({ force })).retry) sendLater();
  await refresh();
}

function schedule() {
  clearTimeout(timer);
  const waiting = mine();
  if (!waiting.length) return;
  const next = Math.min(...waiting.map((e) => e.nextTryAt || 0));
  timer = setTimeout(() => sync(false), Math.max(1000, next - Date.now()));
}

// Also called by the checklist, so that the badge counts an entry before it says it is saved.
export async function refresh() {
  try {
    const { listEntries } = await import("./outbox.js");
    entries = await listEntries();
  } catch {
    return; // no IndexedDB here: nothing can be waiting
  }
  try { localStorage.setItem(HINT, entries.length); } catch { /* private mode */ }
  if (badge) {
    const refused = entries.filter((e) => e.state === "refused").length;
    const label = counted(refused ? text.badgeRefused : text.badge, entries.length)
      .replace("{refused}", refused);
    badge.hidden = !entries.length;
    badge.classList.toggle("warn", refused > 0);
    badge.querySelector(".n").textContent = entries.length;
    badge.setAttribute("aria-label", label);
    badge.title = label;
  }
  if (warning) {
    const users = others("");
    warning.textContent = warning.dataset.text.replace("{users}", users.join(", "));
    warning.hidden = !users.length;
  }
  if (userId) schedule();
  await tellSent().catch(() => {});
}

export function tellsItself(uuid) {
  telling.add(uuid);
}

// What the server confirmed that nobody has been told of yet (sent by the worker while the app
// was closed, or by this page): a notice with links to the stored inspections, told once.
// The outbox page lists them itself.
async function tellSent() {
  if (!userId || document.getElementById("outbox-list")) return;
  const { listSent, markSeen } = await import("./outbox.js");
  const fresh = (await listSent()).filter((r) => r.userId === userId && !r.seen
    && !telling.has(r.uuid) && !told.has(r.uuid));
  if (!fresh.length) return;
  await markSeen(fresh.map((r) => r.uuid));
  for (const record of fresh.reverse()) told.set(record.uuid, record);
  const all = [...told.values()];
  const closed = all.every((r) => r.sentAt < performance.timeOrigin);
  const notice = document.getElementById("sent-notice") || Object.assign(document.createElement("section"),
    { id: "sent-notice", className: "card sent-notice" });
  notice.setAttribute("role", "status");
  const dismiss = Object.assign(document.createElement("button"),
    { type: "button", className: "small dismiss", textContent: text.dismiss });
  dismiss.addEventListener("click", () => {
    told.clear();
    notice.remove();
  });
  const list = document.createElement("ul");
  list.append(...all.map((r) => {
    const item = document.createElement("li");
    item.append(Object.assign(document.createElement("a"), { href: r.url || "/inspections", textContent: r.place }));
    return item;
  }));
  notice.replaceChildren(Object.assign(document.createElement("p"),
    { className: "sent-title", textContent: counted(closed ? text.sentClosed : text.sentNow, all.length) }),
  list, dismiss);
  if (!notice.isConnected) document.getElementById("main")?.prepend(notice);
}

async function startWorker() {
  try {
    await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/", updateViaCache: "none" });
  } catch {
    return; // an older browser without module workers: the pages still send the outbox
  }
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ type: "warm", userId });
  try {
    // Ask once that the browser keep the outbox when space runs short.
    if (navigator.storage?.persist && !localStorage.getItem("saferound-persist")) {
      localStorage.setItem("saferound-persist", "asked");
      await navigator.storage.persist();
    }
  } catch { /* the browser decides by itself */ }
}

function afterLoad(work) {
  if (document.readyState === "complete") work();
  else addEventListener("load", work, { once: true });
}

function whenIdle(work) {
  if (self.requestIdleCallback) requestIdleCallback(work, { timeout: 3000 });
  else setTimeout(work, 500);
}

const others = (typed) => [...new Set(entries.map((e) => e.username))]
  .filter((u) => u.toLowerCase() !== typed.trim().toLowerCase());

if ("indexedDB" in self) {
  let hint = null;
  try { hint = localStorage.getItem(HINT); } catch { /* blocked: look in the outbox */ }
  const start = () => refresh().then(() => sync(true));
  if (login || (hint !== null && hint !== "0")) start();
  // Never queued here: look all the same, once the page is drawn and idle.
  else if (hint === null) afterLoad(() => whenIdle(start));
  if ("BroadcastChannel" in self) {
    new BroadcastChannel(HINT).onmessage = (event) => {
      if (event.data?.type !== "changed") return;
      clearTimeout(changed);
      changed = setTimeout(refresh, 150);
    };
  }
  if (userId) addEventListener("online", () => sync(true));
}
if (userId && "serviceWorker" in navigator) {
  // After the page has loaded: the worker's downloads must not slow the page down.
  afterLoad(startWorker);
}

for (const logout of document.querySelectorAll("form[action$='/logout']")) {
  logout.addEventListener("submit", async (event) => {
    event.preventDefault();
    await refresh();
    if (entries.length && !confirm(counted(text.logout, entries.length))) return;
    // The pages kept for offline use are this person's: the next one must not get them.
    if ("caches" in self) {
      const names = (await caches.keys()).filter((n) => n.startsWith("saferound-") && !n.startsWith("saferound-shell"));
      await Promise.all(names.map((n) => caches.delete(n))).catch(() => {});
    }
    logout.submit();
  });
}

if (login && warning) {
  login.addEventListener("submit", (event) => {
    const typed = login.elements.username.value;
    const users = others(typed);
    const question = warning.dataset.confirm.replace("{users}", users.join(", ")).replace("{username}", typed);
    if (users.length && !confirm(question)) event.preventDefault();
  });
}

// The navigation scrolls sideways on a phone: start it where the current page's link shows.
const nav = document.querySelector(".mainnav");
const here = nav && nav.querySelector("[aria-current=page]");
if (here) {
  const box = here.getBoundingClientRect();
  const frame = nav.getBoundingClientRect();
  if (box.right > frame.right) nav.scrollLeft += box.right - frame.right + frame.width / 4;
}
