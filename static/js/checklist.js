// Checklist helpers: items left, "all remaining pass" count, range hints and the device clock.
// Where IndexedDB exists, photos and the submit go through checklist-outbox.js (loaded at first
// use, to keep this page light). Without JavaScript the form posts as it is.
const form = document.getElementById("checklist");
if (form) {
  const left = form.querySelector(".submit-bar .left");
  const quickCount = form.querySelector(".quick-n");
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

  const update = () => {
    const open = questions.filter((q) => !answered(q));
    left.hidden = false;
    left.textContent = open.length ? `${open.length} / ${questions.length}` : "✓";
    if (quickCount) {
      const n = open.filter((q) => q.dataset.kind === "pass_fail").length;
      quickCount.textContent = `(${n})`;
    }
  };

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
