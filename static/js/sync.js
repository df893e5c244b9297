// Sending the outbox, oldest first: photos one by one, then the inspection. An entry leaves the
// outbox only when the server confirms its UUID; a refusal is kept with the server's reasons.
// One sender at a time across tabs and the worker (Web Locks).
import { announce, listEntries, markSent, updateEntry } from "./outbox.js";

const LOCK = "saferound-outbox";
const API = "/api/v1";
// What an answer means, by its code (app/api/problems.py), never its sentence: wait for a
// login ("login"); try again later, the server being in trouble ("busy", "storage_full",
// "storage_unavailable", "too_many", "server"); or keep the entry with the server's reasons for
// the person to fix ("refused", "too_large"). The entry keeps the reason, for the pages to say.
const OUTCOMES = { "auth.required": "login", "auth.token_invalid": "login", "server.error": "server",
  "server.busy": "busy", "storage.full": "storage_full", "storage.unavailable": "storage_unavailable",
  "request.too_many": "too_many", "request.too_large": "too_large",
  "request.json_too_large": "too_large" };
// No code of ours (a proxy's page, or a code this phone does not know yet): by the status. Any
// other answer without a code is a proxy's or the server's trouble, tried again later.
const STATUSES = { 401: "login", 413: "too_large", 429: "too_many", 503: "busy", 507: "storage_full" };
// The server's trouble: tried again only when due, even on "back online" or a new start.
export const SERVER_TROUBLE = new Set(["busy", "storage_full", "storage_unavailable", "too_many", "server"]);
const STORAGE_TROUBLE = new Set(["storage_full", "storage_unavailable"]);
const RETRY_AFTER_MAX = 3600000; // a longer Retry-After is taken as 1 h: the disk may be freed sooner
const TIMEOUT = 120000; // a whole request from the worker, which sees no upload progress
const STALL = 60000; // an upload from a page: given up only after this long without progress
let running = null; // where Web Locks are missing: one run per page at least

// 5 s × 2^(attempts − 1), at most 10 min, ±25 % so that many phones do not retry in step.
export function retryDelay(attempts) {
  const base = Math.min(5000 * 2 ** Math.max(attempts - 1, 0), 600000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

// A Retry-After header in milliseconds from `now`: delay-seconds or an HTTP date, at most 1 h;
// null when absent or unreadable.
export function parseRetryAfter(value, now = Date.now()) {
  const text = (value || "").trim();
  let wait = null;
  if (/^\d+$/.test(text)) wait = Number(text) * 1000;
  else if (/[a-z]/i.test(text) && !Number.isNaN(Date.parse(text))) wait = Date.parse(text) - now;
  return wait === null ? null : Math.min(Math.max(wait, 0), RETRY_AFTER_MAX);
}

// When to try again: the backoff, and never before the server asked (plus up to 25 %, so that
// the phones it turned away do not all come back in the same second).
export function nextTry(attempts, retryAfter, now = Date.now()) {
  const asked = retryAfter ? Math.round(retryAfter * (1 + Math.random() * 0.25)) : 0;
  return now + Math.max(retryDelay(attempts), asked);
}

// Background Sync: the worker sends what is left once the connection is back, even with the
// page closed. Asked for only after the page could not send: online, the worker would get the
// event at once and take the sending (and its progress) away from the page.
export function sendLater() {
  self.navigator.serviceWorker?.getRegistration()
    .then((registration) => registration?.sync?.register("outbox")).catch(() => {});
}

// force: try every waiting entry now (app start, back online), not only those due, except those
// the server turned away: they wait for their time. insist: those too (the person's "Send now").
// wait: queue behind a run in progress (after a submit) rather than leave it to that run.
// Resolves with {busy} or {sent: {uuid: body}, retry: bool}.
export function syncOutbox({ force = false, insist = false, wait = false, onProgress = () => {} } = {}) {
  const work = (lock) => (lock === null ? { busy: true } : run(force, insist, onProgress));
  if (navigator.locks) return navigator.locks.request(LOCK, { ifAvailable: !wait }, work);
  running ??= run(force, insist, onProgress).finally(() => { running = null; });
  return running;
}

async function run(force, insist, onProgress) {
  const outcome = { sent: {}, retry: false };
  const tried = new Set();
  let me = null;
  let storage = null; // the photo store's trouble met in this run: {reason, retryAfter}
  for (;;) {
    const now = Date.now();
    const waiting = (await listEntries()).filter((e) => e.state === "waiting" && !tried.has(e.uuid)
      && (!me || e.userId === me.id));
    const due = waiting.filter((e) => (e.nextTryAt || 0) <= now || insist
      || (force && !SERVER_TROUBLE.has(e.reason)));
    // Entries left to wait for the server still need a later run (the worker's sync event).
    if (waiting.some((e) => !due.includes(e) && SERVER_TROUBLE.has(e.reason))) outcome.retry = true;
    if (!due.length) break;
    if (!me) {
      const answer = await request("GET", `${API}/me`);
      if (answer.status !== 200) {
        // Nobody can send now: offline, logged out or the server in trouble.
        let reason = meaning(answer);
        if (reason === "refused" || reason === "too_large") reason = "server";
        await Promise.all(due.map((e) => postpone(e.uuid, reason, answer.retryAfter)));
        outcome.retry = reason !== "login";
        break;
      }
      me = { id: answer.body.id, csrf: answer.body.csrf_token };
      continue; // list again for this user only
    }
    const entry = due[0];
    tried.add(entry.uuid);
    if (storage && hasPhotosToSend(entry)) {
      // The server cannot store photos just now: no use sending more of them in this run.
      await postpone(entry.uuid, storage.reason, storage.retryAfter);
      outcome.retry = true;
      continue;
    }
    const progress = (step) => {
      const report = { type: "progress", uuid: entry.uuid, entry: tried.size,
        entries: tried.size + due.length - 1, ...step };
      announce(report);
      onProgress(report);
    };
    const result = await send(entry, me, progress);
    if (result.sent) outcome.sent[entry.uuid] = result.sent;
    if (result.reason && result.reason !== "login") outcome.retry = true;
    if (STORAGE_TROUBLE.has(result.reason)) storage = result;
    if (result.stop) {
      // The connection or the session is gone, or the server asked for a pause: the others
      // wait for the next try too.
      const rest = due.slice(1).map((e) => postpone(e.uuid, result.reason, result.retryAfter));
      await Promise.all(rest);
      break;
    }
  }
  announce({ type: "idle" });
  return outcome;
}

const photosToSend = (entry) => entry.answers.flatMap((a) => a.photoIds)
  .filter((id) => entry.photos[id] && !entry.photos[id].uploaded);
const hasPhotosToSend = (entry) => photosToSend(entry).length > 0;

async function send(entry, me, progress) {
  const waiting = photosToSend(entry);
  // Counted over all the entry's photos: after a broken upload, the third is still "3 of 3".
  const all = entry.answers.flatMap((a) => a.photoIds).filter((id) => entry.photos[id]).length;
  for (const [index, id] of waiting.entries()) {
    const photo = entry.photos[id];
    const form = new FormData();
    form.append("uuid", id);
    form.append("location_token", entry.location.token);
    if (photo.takenAt) form.append("taken_at", photo.takenAt);
    form.append("file", photo.blob, `${id}.jpg`);
    if (photo.original) form.append("original", photo.original, `${id}.jpg`); // marked: both
    const step = { step: "photo", photo: all - waiting.length + index + 1, photos: all };
    progress({ ...step, loaded: 0, total: photo.blob.size });
    const answer = await request("POST", `${API}/photos`, form, me.csrf,
      (loaded, total) => progress({ ...step, loaded, total }));
    if (answer.status === 200 || answer.status === 201) {
      const kept = await updateEntry(entry.uuid, (e) => { if (e.photos[id]) e.photos[id].uploaded = true; });
      if (!kept) return {}; // discarded meanwhile
      continue;
    }
    return failed(entry, answer, photo.itemId);
  }
  progress({ step: "inspection" });
  const answer = await request("POST", `${API}/inspections`, JSON.stringify({
    uuid: entry.uuid, location_token: entry.location.token, version_id: entry.versionId,
    kind: entry.kind, note: entry.note, started_at: entry.startedAt,
    submitted_at: entry.submittedAt,
    answers: entry.answers.map((a) => ({ item_id: a.itemId, outcome: a.outcome, number: a.number,
      text: a.text, note: a.note, photos: a.photoIds })),
  }), me.csrf);
  if (answer.status === 200 || answer.status === 201) {
    await markSent(entry, answer.body);
    announce({ type: "sent", uuid: entry.uuid, url: answer.body.url, place: entry.location.name });
    return { sent: answer.body };
  }
  return failed(entry, answer);
}

// What to do with an answer that is not a success: see OUTCOMES.
export function meaning({ status, body = {} }) {
  if (!status) return "network";
  return OUTCOMES[body.code] || STATUSES[status]
    || (body.code && status < 500 ? "refused" : "server");
}

async function failed(entry, answer, itemId) {
  const reason = meaning(answer);
  if (reason === "refused" || reason === "too_large") {
    // The server said no: keep it, with the reasons, for the person to fix or discard.
    let errors = answer.body.errors || null;
    if (itemId && answer.body.message) errors = { ...errors, answers: { [itemId]: [answer.body.message] } };
    await updateEntry(entry.uuid, (e) => {
      Object.assign(e, { state: "refused", status: answer.status, code: answer.body.code || null,
        message: answer.body.message || null, fieldErrors: errors, reason });
    });
    return {};
  }
  await postpone(entry.uuid, reason, answer.retryAfter);
  // A server error or a storage problem may be this entry's alone (one without photos still
  // goes through): the others are tried. Busy, too many, offline or logged out: they wait.
  return { stop: !(reason === "server" || STORAGE_TROUBLE.has(reason)), reason,
    retryAfter: answer.retryAfter };
}

function postpone(uuid, reason, retryAfter = null) {
  return updateEntry(uuid, (e) => {
    e.attempts = (e.attempts || 0) + 1;
    e.nextTryAt = nextTry(e.attempts, retryAfter);
    e.reason = reason;
  });
}

// One call to the API: {status, body, retryAfter (ms or null)}; status 0 when the network failed.
function request(method, url, body, csrf, onUpload) {
  const headers = { Accept: "application/json" };
  if (csrf) headers["X-CSRFToken"] = csrf;
  if (typeof body === "string") headers["Content-Type"] = "application/json";
  if (onUpload && typeof XMLHttpRequest !== "undefined") return xhr(method, url, body, headers, onUpload);
  const signal = AbortSignal.timeout ? AbortSignal.timeout(TIMEOUT) : undefined;
  return fetch(url, { method, body, headers, credentials: "same-origin", signal, cache: "no-store" })
    .then(async (response) => ({ status: response.status, body: (await response.json().catch(() => null)) || {},
      retryAfter: parseRetryAfter(response.headers.get("Retry-After")) }),
    () => ({ status: 0, body: {}, retryAfter: null }));
}

// XMLHttpRequest only for its upload progress (pages; a worker has none). No time limit while
// bytes move, however slowly: a photo on a weak link must arrive in the end.
function xhr(method, url, body, headers, onUpload) {
  return new Promise((resolve) => {
    const req = new XMLHttpRequest();
    let stalled;
    const watch = () => {
      clearTimeout(stalled);
      stalled = setTimeout(() => req.abort(), STALL);
    };
    req.open(method, url);
    for (const [name, value] of Object.entries(headers)) req.setRequestHeader(name, value);
    req.upload.onprogress = (event) => {
      watch();
      onUpload(event.loaded, event.total);
    };
    req.onloadend = () => clearTimeout(stalled);
    req.onload = () => {
      let parsed = {};
      try { parsed = JSON.parse(req.responseText); } catch { /* not JSON: a proxy's page */ }
      resolve({ status: req.status, body: parsed || {},
        retryAfter: parseRetryAfter(req.getResponseHeader("Retry-After")) });
    };
    req.onerror = req.onabort = () => resolve({ status: 0, body: {}, retryAfter: null });
    watch();
    req.send(body);
  });
}
