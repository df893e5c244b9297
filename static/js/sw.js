// The service worker, served as /sw.js (app/pwa/views.py fills in CONFIG). Pages network-first
// with a short timeout, falling back to the copy kept here, then to the offline page; static
// files cache-first; the checklists of the person's own places kept for scanning offline; the
// outbox sent on Background Sync.
import { syncOutbox } from "/static/js/sync.js";

const CONFIG = /*CONFIG*/ null;
const SHELL = `saferound-shell-${CONFIG.version}`;
const PAGES = "saferound-pages"; // pages as last seen online, ~60
const MINE = "saferound-mine"; // checklists of the person's own places, by both addresses
const SCANS = "saferound-scans"; // checklists opened lately, by their label's address, ~50
const MINE_STAMP = "/__saferound/mine"; // who MINE belongs to, when it was filled, its places
const NETWORK_TIMEOUT = 4000;
const NEVER_KEPT = ["/login", "/logout", "/sw.js"];
let warming = null;
let claiming = Promise.resolve(null); // the last check of whose pages these are

async function keep(cache, url, required) {
  try {
    const response = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
    // A redirect here is the login page: never store it in place of the page asked for.
    if (!response.ok || response.redirected) throw new Error(`${url}: ${response.status}`);
    await cache.put(url, response);
  } catch (error) {
    if (required) throw error;
  }
}

self.addEventListener("install", (event) => {
  // The API (uploads included) goes straight to the network, without waking this worker.
  if (event.addRoutes && typeof URLPattern !== "undefined") {
    event.addRoutes({ condition: { urlPattern: new URLPattern({ pathname: "/api/*" }) }, source: "network" })
      .catch(() => {});
  }
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await Promise.all(CONFIG.shell.map((url) => keep(cache, url, true)));
    await Promise.all(CONFIG.optional.map((url) => keep(cache, url, false)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("saferound-shell-") && n !== SHELL)
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
  warm(null).catch(() => {});
});

function keepable(request, response) {
  const url = new URL(request.url);
  return response.status === 200 && response.type === "basic" && !response.redirected
    && !NEVER_KEPT.includes(url.pathname) && !url.pathname.startsWith("/api/")
    && (response.headers.get("Content-Type") || "").startsWith("text/html");
}

async function trim(cache, max) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(keys.length - max, 0)).map((k) => cache.delete(k)));
}

// Newest first: delete before put, so that the cache's order is the order of use. A change of
// owner in progress empties the caches first, so it never takes away what is stored after it.
async function store(name, key, response, max) {
  await claiming;
  const cache = await caches.open(name);
  await cache.delete(key, { ignoreVary: true });
  await cache.put(key, response);
  if (max) await trim(cache, max);
}

async function findPage(request) {
  for (const name of [PAGES, SCANS, MINE, SHELL]) {
    const cache = await caches.open(name);
    const found = await cache.match(request, { ignoreVary: true })
      || await cache.match(request, { ignoreVary: true, ignoreSearch: true });
    if (found) return found;
  }
  return undefined;
}

async function page(event) {
  const { request } = event;
  const network = fetch(request).then((response) => {
    if (keepable(request, response)) event.waitUntil(store(PAGES, request.url, response.clone(), 60));
    return response;
  });
  network.catch(() => {}); // answered from the cache instead
  const cached = findPage(request);
  let timer;
  const slow = new Promise((resolve) => { timer = setTimeout(resolve, NETWORK_TIMEOUT); })
    .then(async () => (await cached) || network);
  try {
    return await Promise.race([network, slow]);
  } catch {
    return (await cached) || (await caches.match(CONFIG.offline, { ignoreVary: true })) || Response.error();
  } finally {
    clearTimeout(timer);
  }
}

async function staticFile(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    caches.open(SHELL).then((cache) => cache.put(request, copy)).catch(() => {});
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith(CONFIG.static) || url.pathname === "/manifest.webmanifest") {
    event.respondWith(staticFile(request));
  }
});

// The checklists of the person's own places, under their page and their label's address, so
// that a scan opens them with no signal. The list is asked for at most every 30 minutes; a
// place's page is fetched again after 12 hours (an older version of a checklist is still
// accepted; pages opened online are kept fresh in PAGES, which is looked in first).
const LIST_EVERY = 30 * 60000;
const PAGE_EVERY = 12 * 3600000;

function warm(userId) {
  warming ??= fillMine(userId).finally(() => { warming = null; });
  return warming;
}

async function readStamp() {
  const cache = await caches.open(MINE);
  return cache.match(MINE_STAMP).then((r) => r?.json()).catch(() => null);
}

// Whose pages these are. When another person uses this phone now (or nobody was recorded), the
// pages kept so far go and the new owner is recorded at once, before anything else can fail.
// Checks run one after another, so a page kept for the new owner is never emptied by an older
// check finishing late. Answers { id, stamp } (stamp null for a new owner), or null offline.
async function claim(userId) {
  const stamp = await readStamp();
  if (stamp && userId && stamp.userId === userId) return { id: userId, stamp };
  const me = await fetch("/api/v1/me", { cache: "no-store" });
  if (me.status !== 200) return null;
  const { id } = await me.json();
  if (stamp && stamp.userId === id) return { id, stamp };
  await Promise.all([PAGES, SCANS, MINE].map((n) => caches.delete(n)));
  const cache = await caches.open(MINE);
  await cache.put(MINE_STAMP, new Response(JSON.stringify({ userId: id, at: 0, fetched: {}, items: [] }),
    { headers: { "Content-Type": "application/json" } }));
  return { id, stamp: null };
}

function own(userId) {
  const next = claiming.catch(() => null).then(() => claim(userId));
  claiming = next.catch(() => null);
  return next;
}

async function fillMine(userId) {
  const seen = await readStamp();
  if (seen && seen.userId === userId && Date.now() - seen.at < LIST_EVERY) return;
  const owner = await own(userId);
  if (!owner) return;
  const { id, stamp } = owner;
  const cache = await caches.open(MINE);
  const answer = await fetch("/api/v1/me/locations", { cache: "no-store" });
  if (answer.status !== 200) return;
  const { items } = await answer.json();
  const fetched = stamp?.fetched || {};
  const now = Date.now();
  const queue = [];
  for (const item of items) {
    const fresh = now - (fetched[item.code] || 0) < PAGE_EVERY;
    if (!fresh || !(await cache.match(item.scan_url))) queue.push(item); // new, old or relabelled
  }
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      try {
        const response = await fetch(item.checklist_url, { cache: "no-store" });
        if (!keepable(new Request(item.checklist_url), response)) continue;
        await cache.put(item.checklist_url, response.clone());
        await cache.put(item.scan_url, response);
        fetched[item.code] = now;
      } catch {
        // offline again: what was kept stays
      }
    }
  };
  await Promise.all([worker(), worker()]);
  const wanted = new Set([MINE_STAMP, ...items.flatMap((i) => [i.checklist_url, i.scan_url])]
    .map((path) => new URL(path, self.location.origin).href));
  for (const key of await cache.keys()) {
    if (!wanted.has(key.url)) await cache.delete(key);
  }
  const codes = new Set(items.map((i) => i.code));
  const kept = Object.fromEntries(Object.entries(fetched).filter(([code]) => codes.has(code)));
  await cache.put(MINE_STAMP, new Response(JSON.stringify({ userId: id, at: now, fetched: kept, items }),
    { headers: { "Content-Type": "application/json" } }));
}

// A checklist opened online is kept under its label's address too (the last ~50).
async function remember(url, scanUrl, userId) {
  if (!(await own(userId))) return;
  const response = await findPage(new Request(new URL(url, self.location.origin)))
    || await fetch(url).then((r) => (keepable(new Request(url), r) ? r : undefined));
  if (response) await store(SCANS, scanUrl, response, 50);
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "warm") event.waitUntil(warm(message.userId ?? null).catch(() => {}));
  if (message.type === "remember" && message.url && message.scanUrl) {
    event.waitUntil(remember(message.url, message.scanUrl, message.userId ?? null).catch(() => {}));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(syncOutbox({ force: true, wait: true }).then((outcome) => {
    // Rejecting asks the browser to fire the event again later.
    if (outcome.retry) throw new Error("The outbox waits for the network.");
  }));
});
