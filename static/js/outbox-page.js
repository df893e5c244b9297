// The outbox page: what waits on this phone, drawn from IndexedDB, with one status each
// (waiting, sending photo n of m, will retry at, refused, sent), the server's reasons for a
// refusal, and what was sent lately with its link. Send now, fix, save a copy, discard.
import { deleteEntry, getEntry, listEntries, listSent, listen, markSeen } from "./outbox.js";

const text = JSON.parse(document.getElementById("outbox-text").textContent);
const why = JSON.parse(document.getElementById("outbox-reasons").textContent); // by entry.reason
const list = document.getElementById("outbox-list");
const userId = Number(document.body.dataset.userId) || null;
const when = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "short", timeStyle: "short" });
const hour = new Intl.DateTimeFormat(document.documentElement.lang, { timeStyle: "short" });
const rules = new Intl.PluralRules(document.documentElement.lang);
const SENT_SHOWN = 12 * 3600000; // sent entries stay listed for about a shift
const progress = new Map(); // uuid → the last progress report (one entry is sent at a time)
let redraw = null;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const fill = (template, values) => Object.entries(values)
  .reduce((s, [key, value]) => s.replaceAll(`{${key}}`, value), template);
const counted = (forms, n) => forms[rules.select(n)] ?? forms.other;
const at = (time) => (new Date(time).toDateString() === new Date().toDateString() ? hour : when).format(time);

// The one thing to say of an entry now: [state, words].
function status(entry) {
  const report = progress.get(entry.uuid);
  if (report) {
    return ["sending", report.step === "photo" ? fill(text.photo, { n: report.photo, total: report.photos }) : text.answers];
  }
  if (entry.state === "refused") return ["refused", text.refused];
  // While the outbox is being sent, the signal is back: the others wait their turn.
  if (entry.userId === userId && entry.reason === "network") return ["waiting", progress.size ? text.waiting : text.noSignal];
  if (entry.userId === userId && entry.reason && entry.reason !== "login" && entry.nextTryAt > Date.now()) {
    return ["later", fill(text.retryAt, { time: at(entry.nextTryAt) })];
  }
  return ["waiting", text.waiting];
}

function reasons(entry) {
  if (entry.state === "refused") {
    const { answers = {}, ...fields } = entry.fieldErrors || {};
    const number = new Map(entry.answers.map((a, i) => [String(a.itemId), i + 1]));
    const lines = [entry.message || (entry.reason === "too_large" ? text.tooLarge : text.refused)];
    if (entry.userId !== userId) lines.push(fill(text.otherUser, { username: entry.username }));
    for (const messages of Object.values(fields)) lines.push(...[].concat(messages).filter((m) => typeof m === "string"));
    for (const [itemId, messages] of Object.entries(answers)) {
      lines.push(`${fill(text.item, { n: number.get(itemId) ?? itemId })}: ${[].concat(messages).join(" ")}`);
    }
    return lines;
  }
  const lines = [];
  if (entry.userId !== userId) lines.push(fill(text.otherUser, { username: entry.username }));
  else if (entry.reason && entry.reason !== "network") lines.push(why[entry.reason] || why.server);
  if (entry.attempts) lines.push(fill(counted(text.tries, entry.attempts), { n: entry.attempts }));
  return lines;
}

// The bar only: the words are the entry's status.
function progressLine(report) {
  if (!report) return null;
  const bar = el("progress", { max: report.total || 1, value: report.step === "photo" ? report.loaded || 0 : 1 });
  bar.setAttribute("aria-hidden", "true");
  return el("p", { className: "progress" }, bar);
}

async function saveCopy(uuid) {
  const entry = await getEntry(uuid);
  if (!entry) return;
  const photos = {};
  for (const [id, { blob, ...rest }] of Object.entries(entry.photos)) {
    const dataUrl = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
    photos[id] = { ...rest, dataUrl };
  }
  const copy = JSON.stringify({ ...entry, photos }, null, 1);
  const link = el("a", {
    href: URL.createObjectURL(new Blob([copy], { type: "application/json" })),
    download: `saferound-${entry.location.code}-${entry.uuid}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

async function sendNow(button) {
  button.disabled = true;
  const { syncOutbox } = await import("./sync.js");
  // The person asks: tried now even if the server asked to wait (one try, not a loop).
  await syncOutbox({ force: true, insist: true, wait: true });
  button.disabled = false;
}

function card(entry) {
  const place = `${entry.location.name} · ${entry.location.code}`;
  const sent = Object.values(entry.photos).filter((p) => p.uploaded).length;
  const total = Object.keys(entry.photos).length;
  const refused = entry.state === "refused";
  const actions = el("p", { className: "actions" });
  if (!refused && entry.userId === userId) {
    const button = el("button", { type: "button", className: "primary small send", textContent: text.sendNow,
      disabled: progress.has(entry.uuid) });
    button.addEventListener("click", () => sendNow(button));
    actions.append(button);
  }
  if (refused && entry.userId === userId) {
    const url = `${entry.checklistUrl}?${new URLSearchParams({ outbox: entry.uuid, kind: entry.kind })}`;
    actions.append(el("a", { className: "button primary small fix", href: url, textContent: text.fix }));
  }
  const copy = el("button", { type: "button", className: "small copy", textContent: text.copy });
  copy.addEventListener("click", () => saveCopy(entry.uuid));
  const discard = el("button", { type: "button", className: "small danger discard", textContent: text.discard });
  discard.addEventListener("click", async () => {
    if (confirm(fill(text.discardConfirm, { place }))) await deleteEntry(entry.uuid);
  });
  actions.append(copy, discard);
  const [state, words] = status(entry);
  return el("li", { className: `card entry ${entry.state}`, id: `entry-${entry.uuid}` },
    el("div", { className: "heading-row" }, el("strong", { textContent: place }),
      el("span", { className: `state state-${state}`, textContent: words })),
    el("p", { className: "muted" }, fill(text.filled, { time: when.format(new Date(entry.submittedAt || entry.createdAt)) }),
      total ? ` · ${fill(counted(text.photos, total), { n: total, sent })}` : ""),
    ...reasons(entry).map((line) => el("p", { className: refused ? "error reason" : "reason", textContent: line })),
    refused && entry.userId === userId && el("p", { className: "fix-hint", textContent: text.fixIt }),
    el("div", { className: "progress-box" }, progressLine(progress.get(entry.uuid))),
    actions);
}

function sentCard(record) {
  return el("li", { className: "card record sent", id: `sent-${record.uuid}` },
    el("div", { className: "heading-row" }, el("strong", { textContent: `${record.place} · ${record.code}` }),
      el("span", { className: "state state-sent", textContent: text.sent })),
    el("p", { className: "muted" }, fill(text.sentAt, { time: at(record.sentAt) })),
    record.url && el("p", { className: "actions" },
      el("a", { className: "button small open", href: record.url, textContent: text.open })));
}

async function draw() {
  let entries;
  let sent;
  try {
    entries = await listEntries();
    sent = (await listSent()).filter((r) => r.userId === userId && r.sentAt > Date.now() - SENT_SHOWN);
  } catch {
    document.getElementById("outbox-unavailable").hidden = false;
    return;
  }
  list.replaceChildren(...entries.map(card));
  document.getElementById("outbox-empty").hidden = entries.length > 0;
  document.getElementById("sent-list").replaceChildren(...sent.map(sentCard));
  document.getElementById("sent-box").hidden = !sent.length;
  const unseen = sent.filter((r) => !r.seen).map((r) => r.uuid);
  if (unseen.length) markSeen(unseen).catch(() => {});
}

listen((message) => {
  if (message.type === "progress") {
    // A run begins, or moves on to the next entry: the others' statuses change too.
    const other = !progress.size || [...progress.keys()].some((uuid) => uuid !== message.uuid);
    progress.clear();
    progress.set(message.uuid, message);
    const item = document.getElementById(`entry-${message.uuid}`);
    if (item) {
      const [state, words] = status({ uuid: message.uuid });
      Object.assign(item.querySelector(".state"), { className: `state state-${state}`, textContent: words });
      item.querySelector(".progress-box").replaceChildren(progressLine(message));
      const button = item.querySelector(".send");
      if (button) button.disabled = true;
    }
    if (other) {
      clearTimeout(redraw);
      redraw = setTimeout(draw, 100);
    }
  } else {
    if (message.type === "idle" || message.type === "sent") progress.clear();
    clearTimeout(redraw);
    redraw = setTimeout(draw, 100);
  }
});
draw();
