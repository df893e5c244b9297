// Checklist helpers: items left, "all remaining pass" and its summary, range hints, the growing
// note and the device clock.
// Where IndexedDB exists, photos and the submit go through checklist-outbox.js (loaded at first
// use, to keep this page light). Without JavaScript the form posts as it is.
const form = document.getElementById("checklist");
if (form) {
  const left = form.querySelector(".submit-bar .left");
  const quickCount = form.querySelector(".quick-n");
  const summary = document.getElementById("allclear-summary");
  const text = JSON.parse(document.getElementById("checklist-text").textContent);
  // English says "1 left", "2 left"; Chinese has one form (the second of the pair).
  const rules = new Intl.PluralRules(document.documentElement.lang);
  const plural = ([one, other], n) => (rules.select(n) === "one" ? one : other).replace("{n}", n);
  const FILLED = ["pass_fail", "photo"]; // the items with pass / fail / n.a. toggles
  const questions = [...form.querySelectorAll(".q")];
  const params = new URLSearchParams(location.search);
  // A form shown again by the server after a refusal carries its photos itself: post it.
  let enhanced = form.hasAttribute("data-fresh") && "indexedDB" in self;
  let outbox = null;

  // The device's clock marks the start, once: a form shown again after a refusal keeps it.
  if (form.hasAttribute("data-fresh")) form.elements.started_at.value = new Date().toISOString();
  const kind = params.get("kind");
  if (kind && [...form.elements.kind.options].some((o) => o.value === kind)) {
    form.elements.kind.value = kind; // a copy from the cache was kept for another kind
  }

  const answered = (q) => {
    const itemKind = q.dataset.kind;
    if (itemKind === "number") return q.querySelector("input[inputmode=decimal]").value.trim() !== "";
    if (itemKind === "text") return q.querySelector("input[type=text]").value.trim() !== "";
    return q.querySelector("input[type=radio]:checked") !== null;
  };

  // The outcome the server will store: a reading outside its range fails.
  const outcomeOf = (q) => {
    const reading = q.querySelector("input[inputmode=decimal]");
    if (!reading) return q.querySelector("input[type=radio]:checked")?.value ?? null;
    const value = parseFloat(reading.value.replace(",", "."));
    if (Number.isNaN(value)) return null;
    const { min, max } = reading.dataset;
    return (min !== undefined && value < parseFloat(min)) || (max !== undefined && value > parseFloat(max)) ? "fail" : "pass";
  };

  // What the server would refuse for this item, as app/inspections/services.py says it.
  const missing = (q) => {
    const given = answered(q);
    if (q.hasAttribute("data-required") && !given) {
      return { number: text.reading, text: text.needed }[q.dataset.kind] || text.choose;
    }
    if (q.querySelector(".thumbs img, .thumbs .kept")) return null;
    const outcome = outcomeOf(q);
    if (q.dataset.kind === "photo" && outcome === "pass" && q.hasAttribute("data-required")) return text.photoItem;
    if (outcome === "fail" && q.hasAttribute("data-photo-on-fail")) return text.photoOnFail;
    if (q.hasAttribute("data-photo-required") && given && outcome !== "na") return text.photoNeeded;
    return null;
  };

  const prompt = (q) => [...q.querySelector("legend").childNodes]
    .filter((node) => node.nodeName !== "SMALL").map((node) => node.textContent).join("").trim();

  const listed = (q, why) => {
    const link = Object.assign(document.createElement("a"), { href: `#${q.id}`, textContent: prompt(q) });
    const li = document.createElement("li");
    li.append(link);
    if (why) li.append(" ", Object.assign(document.createElement("span"), { textContent: why }));
    return li;
  };

  // The summary follows the form while it is shown: what is fixed leaves the list.
  const refreshSummary = () => {
    const needed = [];
    const empty = [];
    for (const q of questions) {
      const why = missing(q);
      q.classList.toggle("is-missing", Boolean(why));
      if (why) needed.push(listed(q, why));
      else if (q.dataset.kind === "number" && !answered(q)) empty.push(listed(q));
    }
    for (const [selector, items] of [[".allclear-needed", needed], [".allclear-empty", empty]]) {
      const box = summary.querySelector(selector);
      box.querySelector("ul").replaceChildren(...items);
      box.hidden = !items.length;
    }
  };

  const allPass = () => {
    let passed = 0;
    for (const q of questions) {
      if (FILLED.includes(q.dataset.kind) && !answered(q)) {
        q.querySelector(".tog-pass input").checked = true;
        passed += 1;
      }
    }
    summary.querySelector("h2").textContent = plural(text.passed, passed);
    summary.hidden = false;
    update();
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  };

  const update = () => {
    const open = questions.filter((q) => !answered(q));
    left.hidden = false;
    left.textContent = open.length ? plural(text.left, open.length) : "✓";
    left.title = open.length ? "" : text.allAnswered;
    if (quickCount) {
      const n = open.filter((q) => FILLED.includes(q.dataset.kind)).length;
      quickCount.textContent = `(${n})`;
    }
    if (summary && !summary.hidden) refreshSummary();
  };

  // A link in the summary brings its item up with the reading ready to type.
  summary?.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const q = link && document.getElementById(link.hash.slice(1));
    if (!q) return;
    event.preventDefault();
    q.scrollIntoView({ block: "center" });
    q.querySelector("input[inputmode=decimal], input[name$='-text']")?.focus({ preventScroll: true });
  });

  // The note grows as it is typed: CSS field-sizing where the browser has it, rows elsewhere.
  if (!CSS.supports?.("field-sizing", "content")) {
    const grow = (area) => {
      area.rows = 1;
      while (area.scrollHeight > area.clientHeight && area.rows < 12) area.rows += 1;
    };
    form.addEventListener("input", (event) => { if (event.target.matches("textarea.note")) grow(event.target); });
    form.querySelectorAll("textarea.note").forEach(grow);
  }

  const load = () => {
    outbox ??= import("./checklist-outbox.js").then((module) => module.start({
      form, questions, answered, update,
      fallBack: () => { enhanced = false; }, // no IndexedDB after all: post the form
    }));
    outbox.catch(() => { outbox = null; }); // offline before it came (and no worker yet)
    return outbox;
  };
  // Loaded at the first touch of the form, not with the page: the page stays light, and the
  // code is there before the person walks out of signal with the form filled in.
  for (const type of ["pointerdown", "keydown", "focusin"]) {
    form.addEventListener(type, () => enhanced && load().catch(() => {}), { once: true });
  }

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input.type === "file") {
      const box = input.closest(".q").querySelector(".thumbs");
      if (enhanced) {
        // Shown at once; shrunk and kept in the page by checklist-outbox.js.
        const shots = [...input.files].map((file) => {
          const figure = Object.assign(document.createElement("figure"), { className: "shot" });
          figure.append(Object.assign(document.createElement("img"), { src: URL.createObjectURL(file), alt: "" }));
          box.append(figure);
          return { file, figure };
        });
        input.value = "";
        load().then((page) => page.takePhotos(input.closest(".q"), shots));
      } else {
        box.querySelectorAll("img").forEach((img) => img.remove());
        for (const file of input.files) {
          box.append(Object.assign(document.createElement("img"), { src: URL.createObjectURL(file), alt: file.name }));
        }
      }
    }
    update();
  });

  form.addEventListener("input", (event) => {
    const input = event.target;
    if (input.inputMode === "decimal") {
      const value = parseFloat(input.value.replace(",", "."));
      const min = input.dataset.min === undefined ? -Infinity : parseFloat(input.dataset.min);
      const max = input.dataset.max === undefined ? Infinity : parseFloat(input.dataset.max);
      input.classList.toggle("out", !Number.isNaN(value) && (value < min || value > max));
    }
    update();
  });

  form.addEventListener("submit", (event) => {
    // "All remaining pass" only fills the form in: the person looks, then taps Submit.
    if (event.submitter?.value === "all_pass" && summary) {
      event.preventDefault();
      allPass();
      return;
    }
    form.elements.submitted_at.value = new Date().toISOString();
    if (!enhanced) return;
    event.preventDefault();
    const submitter = event.submitter;
    load().then((page) => page.submit(submitter), () => {
      const status = document.getElementById("sending");
      status.textContent = status.dataset.unloaded;
      status.hidden = false;
    });
  });

  update();
  if (enhanced && params.has("outbox")) load().then((page) => page.refill(params.get("outbox")));
  // Kept by the worker under the label's address too, so that a scan finds it offline.
  if (navigator.onLine) {
    navigator.serviceWorker?.controller?.postMessage({
      type: "remember", url: location.pathname, scanUrl: form.dataset.scanUrl,
      userId: Number(document.body.dataset.userId) || null,
    });
  }
}
