// The checklist through the phone's outbox: photos shrunk and kept in the page; on Submit the
// whole inspection is written to IndexedDB first, then sent; "Fix" from the outbox page fills
// the form again from a refused entry, under its own UUID.
import { getEntry, getSent, listen, markSeen, newUuid, openOutbox, putEntry } from "./outbox.js";

export async function start({ form, questions, answered, update, fallBack }) {
  const text = { ...JSON.parse(document.getElementById("checklist-text").textContent),
    ...JSON.parse(document.getElementById("saved-text").textContent) };
  const data = form.dataset;
  const photos = new Map(); // photo UUID → {blob, itemId, takenAt, uploaded}
  const pending = new Set(); // photos still being shrunk
  let uuid = newUuid(); // per fill: a page from the cache must never repeat one
  let createdAt = Date.now();
  let busy = false;
  form.elements.uuid.value = uuid;
  const usable = await openOutbox().then(() => true, () => false);

  const itemError = (q, message) => {
    q.classList.add("has-error");
    let p = q.querySelector(".error");
    if (!p) {
      p = Object.assign(document.createElement("p"), { className: "error" });
      p.setAttribute("role", "alert");
      q.querySelector(".extras").before(p);
    }
    p.textContent = message;
  };

  const formError = (message) => {
    let p = form.querySelector(".form-error");
    if (!p) {
      p = Object.assign(document.createElement("p"), { className: "error form-error" });
      p.setAttribute("role", "alert");
      form.querySelector(".cl-head").after(p);
    }
    p.textContent = message;
    p.hidden = !message;
  };

  const showRefusal = (message, errors) => {
    formError("");
    for (const q of questions) {
      q.classList.remove("has-error");
      q.querySelector(".error")?.remove();
    }
    const { answers = {}, ...fields } = errors || {};
    const more = Object.values(fields).flat().filter((m) => typeof m === "string");
    formError([message || text.check, ...more].join(" "));
    for (const [itemId, messages] of Object.entries(answers)) {
      const q = form.querySelector(`.q[data-item-id="${CSS.escape(itemId)}"]`);
      if (q) itemError(q, [].concat(messages).join(" "));
    }
    (form.querySelector(".has-error") || form.querySelector(".form-error")).scrollIntoView({ block: "center" });
  };

  const removable = (figure, id) => {
    figure.dataset.photo = id;
    const button = Object.assign(document.createElement("button"), {
      type: "button", className: "unshot", textContent: "×", title: text.remove,
    });
    button.setAttribute("aria-label", text.remove);
    button.addEventListener("click", () => {
      photos.delete(id);
      URL.revokeObjectURL(figure.querySelector("img").src);
      figure.remove();
    });
    figure.append(button);
  };

  // "Mark": draw on the photo (photo-mark.js, loaded at the first tap). The marked copy is what
  // is sent as the photo; the untouched original goes with it (`original`), kept the first time.
  const markable = (figure, id) => {
    const words = JSON.parse(document.getElementById("photo-mark-text").textContent);
    const button = Object.assign(document.createElement("button"), {
      type: "button", className: "mark-photo", textContent: words.mark, title: words.markHint,
    });
    button.setAttribute("aria-label", words.markHint);
    button.addEventListener("click", async () => {
      const photo = photos.get(id);
      if (!photo || photo.uploaded) return;
      const { markPhoto } = await import("./photo-mark.js");
      const marked = await markPhoto(photo.blob);
      if (!marked || !photos.has(id)) return;
      photo.original ||= photo.blob;
      photo.blob = marked;
      const img = figure.querySelector("img");
      URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(marked);
      figure.classList.add("is-marked");
      button.textContent = words.marked;
    });
    figure.querySelector(".unshot").before(button);
  };

  function takePhotos(q, shots) {
    const itemId = Number(q.dataset.itemId);
    for (const { file, figure } of shots) {
      const id = newUuid();
      removable(figure, id);
      const job = import("./photos.js").then(({ shrinkPhoto }) => shrinkPhoto(file)).then((shrunk) => {
        if (!figure.isConnected) return; // removed while it was being shrunk
        photos.set(id, { blob: shrunk.blob, itemId, takenAt: shrunk.takenAt, uploaded: false });
        const img = figure.querySelector("img");
        URL.revokeObjectURL(img.src);
        img.src = URL.createObjectURL(shrunk.blob);
        markable(figure, id);
      }, () => {
        figure.remove();
        itemError(q, text.notPhoto);
      }).finally(() => pending.delete(job));
      pending.add(job);
    }
  }

  const collect = () => questions.map((q) => {
    const itemId = Number(q.dataset.itemId);
    const raw = q.querySelector("input[inputmode=decimal]")?.value.trim().replace(",", ".") ?? "";
    return {
      itemId,
      outcome: q.querySelector("input[type=radio]:checked")?.value ?? null,
      number: raw === "" ? null : Number(raw),
      text: q.querySelector("input[name$='-text']")?.value ?? "",
      note: q.querySelector(".note").value,
      photoIds: [...photos].filter(([, p]) => p.itemId === itemId).map(([id]) => id),
    };
  });

  // A light check before queueing; the server checks everything again.
  const problems = (answers) => {
    const found = new Map();
    answers.forEach((a, i) => {
      const q = questions[i];
      const kind = q.dataset.kind;
      if (Number.isNaN(a.number)) found.set(a.itemId, text.number);
      else if (!q.hasAttribute("data-required")) return;
      else if (kind === "number" && a.number === null) found.set(a.itemId, text.reading);
      else if (kind === "text" && !a.text.trim()) found.set(a.itemId, text.needed);
      else if ((kind === "pass_fail" || kind === "photo") && !a.outcome) found.set(a.itemId, text.choose);
    });
    // A photo the template always wants (a reading's gauge): refused before it is queued.
    answers.forEach((a, i) => {
      const q = questions[i];
      const given = a.outcome !== null || (a.number !== null && !Number.isNaN(a.number)) || a.text.trim() !== "";
      if (q.hasAttribute("data-photo-required") && given && a.outcome !== "na" && !a.photoIds.length && !found.has(a.itemId)) {
        found.set(a.itemId, text.photoNeeded);
      }
    });
    return found;
  };

  const setBusy = (on, message = "") => {
    busy = on;
    for (const button of form.querySelectorAll(".submit-bar button")) button.disabled = on;
    const status = document.getElementById("sending");
    status.textContent = message;
    status.hidden = !message;
  };

  const paragraph = (line) => Object.assign(document.createElement("p"), { textContent: line });
  const nextTryAt = (time) => {
    const next = new Date(time);
    const today = next.toDateString() === new Date().toDateString();
    return new Intl.DateTimeFormat(document.documentElement.lang,
      today ? { timeStyle: "short" } : { dateStyle: "short", timeStyle: "short" }).format(next);
  };

  // The saved card follows the entry as the outbox works on it, whoever sends it (this page,
  // another tab or the worker, all heard on the outbox's channel): waiting for signal, sending
  // photo n of m, the server's trouble and the next try, refused (with the way back to the
  // form), sent (with the stored inspection).
  const follow = (entryUuid, serverTrouble) => {
    const saved = document.getElementById("saved");
    const title = saved.querySelector("h2");
    const line = document.getElementById("saved-reason");
    const waitingTitle = title.textContent;
    const why = JSON.parse(document.getElementById("outbox-reasons").textContent);
    let link = null;
    let sending = null; // the entry's attempts when a run began on it; null between runs
    let known = 0;
    let timer;
    const draw = (state, heading, lines = [], href = null, label = "") => {
      saved.dataset.state = state;
      title.textContent = heading;
      line.replaceChildren(...lines.map(paragraph));
      line.hidden = !lines.length;
      link?.remove();
      link = null;
      if (!href) return;
      link = Object.assign(document.createElement("p"), { className: "saved-next" });
      // Sent: the next point stays the main action. Refused: fixing it is.
      const className = state === "refused" ? "button primary" : "button";
      link.append(Object.assign(document.createElement("a"), { className, href, textContent: label }));
      line.after(link);
    };
    const show = (entry) => {
      known = entry.attempts || 0;
      if (entry.state === "refused") {
        const { answers = {}, ...fields } = entry.fieldErrors || {};
        const more = Object.values(fields).flat().filter((m) => typeof m === "string");
        for (const [itemId, messages] of Object.entries(answers)) {
          const number = form.querySelector(`.q[data-item-id="${CSS.escape(itemId)}"] .qn`)?.textContent || "";
          more.push(`${number} ${[].concat(messages).join(" ")}`.trim());
        }
        const again = `${entry.checklistUrl}?${new URLSearchParams({ outbox: entry.uuid, kind: entry.kind })}`;
        return draw("refused", text.refused, [entry.message || text.check, ...more], again, text.fix);
      }
      const reason = entry.reason !== "network" ? entry.reason : null;
      if (!reason) return draw("waiting", waitingTitle);
      const lines = [why[reason] || why.server];
      if (!serverTrouble.has(reason)) return draw("waiting", waitingTitle, lines);
      lines.push(why.retryAt.replace("{time}", nextTryAt(entry.nextTryAt)));
      return draw("later", text.savedLater, lines);
    };
    const sent = (url) => {
      markSeen([entryUuid]).catch(() => {});
      draw("sent", text.sent, [], url || data.sentUrl, text.open);
    };
    const look = async () => {
      if (saved.dataset.state === "sent") return;
      const entry = await getEntry(entryUuid);
      // Photos marked as uploaded are no news: the card keeps saying "sending" until the run
      // on this entry ends or it is put off.
      if (entry && sending !== null && entry.state === "waiting" && (entry.attempts || 0) === sending) return;
      sending = null;
      if (entry) return show(entry);
      const record = await getSent(entryUuid);
      return record ? sent(record.url) : draw("gone", text.gone);
    };
    listen((m) => {
      if ((m.uuid && m.uuid !== entryUuid) || saved.dataset.state === "sent") return;
      if (m.type === "progress") {
        sending ??= known;
        const photo = m.step === "photo"
          ? text.sendingPhoto.replace("{n}", m.photo).replace("{total}", m.photos) : text.sending;
        draw("sending", photo);
      } else if (m.type === "sent") {
        sent(m.url);
      } else {
        if (m.type === "idle") sending = null;
        clearTimeout(timer);
        timer = setTimeout(() => look().catch(() => {}), 100);
      }
    });
    return look();
  };

  // Kept on the phone. Sent neither now nor for want of signal: the card says why, and when the
  // next try is (the server's trouble), or that a login is needed; then it follows the entry.
  const showSaved = async (entryUuid, serverTrouble) => {
    await import("./pwa.js").then((app) => app.refresh()).catch(() => {});
    form.hidden = true;
    const saved = document.getElementById("saved");
    await follow(entryUuid, serverTrouble).catch(() => {});
    saved.hidden = false;
    saved.focus();
    scrollTo(0, 0);
  };

  const progress = (report) => {
    let message = text.sending;
    if (report.step === "photo") {
      message = text.sendingPhoto.replace("{n}", report.photo).replace("{total}", report.photos);
      if (report.total) message += ` ${Math.round((100 * report.loaded) / report.total)} %`;
    }
    if (report.entries > 1) message += ` (${report.entry}/${report.entries})`;
    setBusy(true, message);
  };

  const send = async (entry) => {
    const { SERVER_TROUBLE, sendLater, syncOutbox } = await import("./sync.js");
    // This page tells of this entry itself: no "sent" notice from pwa.js besides.
    import("./pwa.js").then((app) => app.tellsItself(entry.uuid)).catch(() => {});
    if (!navigator.onLine) {
      sendLater();
      return showSaved(entry.uuid, SERVER_TROUBLE);
    }
    setBusy(true, text.sending);
    let url = null;
    const channel = listen((m) => { if (m.type === "sent" && m.uuid === entry.uuid) url = m.url; });
    // Progress is shown as long as it moves; after 30 s without any, the page says it is saved
    // (and goes on sending in the background).
    let timer;
    let giveUp;
    const patience = new Promise((resolve) => { giveUp = resolve; });
    const moving = () => { clearTimeout(timer); timer = setTimeout(giveUp, 30000); };
    moving();
    const result = await Promise.race([patience, syncOutbox({ force: true, wait: true,
      onProgress: (report) => { moving(); progress(report); } })]);
    clearTimeout(timer);
    channel?.close();
    url ||= result?.sent?.[entry.uuid]?.url;
    const after = await getEntry(entry.uuid);
    if (url || !after) {
      await markSeen([entry.uuid]).catch(() => {}); // the stored inspection opens now
      return location.assign(url || data.sentUrl);
    }
    setBusy(false);
    if (after.state === "refused") return showRefusal(after.message, after.fieldErrors);
    sendLater();
    return showSaved(entry.uuid, SERVER_TROUBLE);
  };

  // No IndexedDB after all: the photos go back into the file inputs and the form is posted.
  const post = (submitter) => {
    for (const q of questions) {
      const files = new DataTransfer();
      const originals = new DataTransfer(); // each under its marked copy's name
      for (const [id, p] of photos) {
        if (p.itemId !== Number(q.dataset.itemId)) continue;
        files.items.add(new File([p.blob], `${id}.jpg`, { type: "image/jpeg" }));
        if (p.original) originals.items.add(new File([p.original], `${id}.jpg`, { type: "image/jpeg" }));
      }
      const input = q.querySelector("input[type=file]");
      input.files = files.files;
      if (originals.files.length) {
        const more = Object.assign(document.createElement("input"), { type: "file", name: `${input.name}-originals`, multiple: true, hidden: true });
        more.files = originals.files;
        input.after(more);
      }
    }
    fallBack();
    form.requestSubmit(submitter || undefined);
  };

  async function submit(submitter) {
    if (busy) return;
    setBusy(true);
    try {
      await Promise.all(pending);
      if (!usable) return post(submitter);
      const answers = collect();
      const found = problems(answers);
      if (found.size) {
        setBusy(false);
        return showRefusal(text.check, { answers: Object.fromEntries(found) });
      }
      const before = await getEntry(uuid);
      const entry = {
        uuid, userId: Number(data.userId), username: data.username,
        location: { code: data.locationCode, token: data.locationToken, name: data.locationName },
        checklistUrl: data.checklistUrl, versionId: Number(data.versionId),
        kind: form.elements.kind.value, note: form.elements.note.value,
        startedAt: form.elements.started_at.value || null,
        submittedAt: form.elements.submitted_at.value, answers,
        // Photos the server confirmed before (a refused entry fixed) are not sent again.
        photos: Object.fromEntries([...photos].map(([id, p]) => [id, { ...p, uploaded: Boolean(p.uploaded || before?.photos?.[id]?.uploaded) }])),
        state: "waiting", message: null, fieldErrors: null, reason: null, attempts: 0,
        nextTryAt: Date.now(), createdAt,
      };
      await putEntry(entry);
      await send(entry);
    } catch (error) {
      setBusy(false);
      formError(text.notSaved.replace("{error}", error.message || error.name));
    }
  }

  // "Fix" from the outbox page: the entry back in the form, its photos and the server's reasons.
  async function refill(entryUuid) {
    const entry = usable && await getEntry(entryUuid);
    // Only one's own: sent again, it goes under the name of whoever is logged in.
    if (!entry || entry.location.code !== data.locationCode || entry.userId !== Number(data.userId)) return;
    uuid = entry.uuid;
    form.elements.uuid.value = uuid;
    createdAt = entry.createdAt;
    form.elements.started_at.value = entry.startedAt || "";
    form.elements.kind.value = entry.kind;
    form.elements.note.value = entry.note || "";
    for (const a of entry.answers) {
      const q = form.querySelector(`.q[data-item-id="${a.itemId}"]`);
      if (!q) continue;
      const radio = q.querySelector(`input[type=radio][value="${a.outcome}"]`);
      if (radio) radio.checked = true;
      const number = q.querySelector("input[inputmode=decimal]");
      if (number) number.value = a.number ?? "";
      const field = q.querySelector("input[name$='-text']");
      if (field) field.value = a.text || "";
      q.querySelector(".note").value = a.note || "";
    }
    for (const [id, photo] of Object.entries(entry.photos)) {
      const q = form.querySelector(`.q[data-item-id="${photo.itemId}"]`);
      if (!q) continue;
      photos.set(id, photo);
      const figure = Object.assign(document.createElement("figure"), { className: "shot" });
      figure.append(Object.assign(document.createElement("img"), { src: URL.createObjectURL(photo.blob), alt: "" }));
      removable(figure, id);
      if (!photo.uploaded) markable(figure, id);
      q.querySelector(".thumbs").append(figure);
    }
    update();
    if (entry.state === "refused") showRefusal(entry.message, entry.fieldErrors);
  }

  return { takePhotos, submit, refill };
}
