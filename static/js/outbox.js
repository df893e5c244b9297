// The phone's outbox: filled checklists waiting to be sent, kept in IndexedDB by their UUID.
// Used by the pages and by the service worker; every change is announced to the other tabs
// and the worker on the "saferound-outbox" BroadcastChannel.
const DB_NAME = "saferound";
const STORE = "outbox";
const SENT = "sent"; // what the server confirmed: told once, listed on the outbox page a while
const SENT_KEPT = 7 * 24 * 3600000;
export const CHANNEL = "saferound-outbox";

let opening = null;
const channel = "BroadcastChannel" in self ? new BroadcastChannel(CHANNEL) : null;

export function announce(message) {
  channel?.postMessage(message);
}

// A listener for what other tabs, the worker and this page announce.
export function listen(callback) {
  if (!("BroadcastChannel" in self)) return null;
  const own = new BroadcastChannel(CHANNEL);
  own.onmessage = (event) => callback(event.data);
  return own;
}

export function openOutbox() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const name of [STORE, SENT]) {
        if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: "uuid" });
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => reject(request.error);
  });
  opening.catch(() => { opening = null; });
  return opening;
}

// Run `work(store…, setResult)` in one transaction over `names`; resolves with its result once
// the transaction is committed, so a caller never sees a write that could still be lost.
async function transaction(mode, work, names = [STORE]) {
  const db = await openOutbox();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode);
    let result;
    const request = work(...names.map((n) => tx.objectStore(n)), (value) => { result = value; });
    if (request) request.onsuccess = () => { result = request.result; };
    tx.oncomplete = () => resolve(result);
    tx.onerror = tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction failed"));
  });
}

export async function listEntries() {
  const entries = await transaction("readonly", (store) => store.getAll());
  return entries.sort((a, b) => a.createdAt - b.createdAt);
}

export function getEntry(uuid) {
  return transaction("readonly", (store) => store.get(uuid));
}

export async function putEntry(entry) {
  // Pages skip loading the outbox while this hint says "0" (pwa.js): say so before writing.
  try { self.localStorage?.setItem(CHANNEL, "new"); } catch { /* private mode */ }
  await transaction("readwrite", (store) => store.put(entry));
  announce({ type: "changed", uuid: entry.uuid });
}

// Read, change and write back one entry atomically; null if it is gone (sent or discarded).
export async function updateEntry(uuid, change) {
  const updated = await transaction("readwrite", (store, setResult) => {
    const request = store.get(uuid);
    request.onsuccess = () => {
      const entry = request.result;
      if (!entry) return setResult(null);
      change(entry);
      store.put(entry);
      setResult(entry);
    };
  });
  if (updated) announce({ type: "changed", uuid });
  return updated;
}

export async function deleteEntry(uuid) {
  await transaction("readwrite", (store) => store.delete(uuid));
  announce({ type: "changed", uuid });
}

// The server confirmed the entry: it leaves the outbox and is recorded as sent in the same
// transaction, so that a phone closed just then still tells of it at the next start.
export async function markSent(entry, body) {
  await transaction("readwrite", (outbox, sent) => {
    outbox.delete(entry.uuid);
    sent.put({ uuid: entry.uuid, userId: entry.userId, url: body.url || null,
      place: entry.location.name, code: entry.location.code, checklistUrl: entry.checklistUrl,
      sentAt: Date.now(), seen: false });
  }, [STORE, SENT]);
  announce({ type: "changed", uuid: entry.uuid });
}

// What was sent from this phone in the last week, newest first (older records are dropped).
export async function listSent() {
  const records = await transaction("readwrite", (sent, setResult) => {
    const request = sent.getAll();
    request.onsuccess = () => {
      const old = Date.now() - SENT_KEPT;
      for (const r of request.result) if (r.sentAt < old) sent.delete(r.uuid);
      setResult(request.result.filter((r) => r.sentAt >= old));
    };
  }, [SENT]);
  return records.sort((a, b) => b.sentAt - a.sentAt);
}

export function getSent(uuid) {
  return transaction("readonly", (sent) => sent.get(uuid), [SENT]);
}

// The person has been told of these: the next start does not tell again.
export function markSeen(uuids) {
  return transaction("readwrite", (sent) => {
    for (const uuid of uuids) {
      const request = sent.get(uuid);
      request.onsuccess = () => { if (request.result) sent.put({ ...request.result, seen: true }); };
    }
  }, [SENT]);
}

// A random (v4) UUID, even where crypto.randomUUID is missing (older phones, plain http).
export function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
