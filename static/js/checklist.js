// Checklist helpers: items left, "all remaining pass" count, photo thumbnails, range hints,
// and the device clock. The form works without any of this.
const form = document.getElementById("checklist");
if (form) {
  // The device's clock marks the start, once: a form shown again after a refusal keeps it.
  if (form.hasAttribute("data-fresh")) form.elements.started_at.value = new Date().toISOString();
  const left = form.querySelector(".submit-bar .left");
  const quickCount = form.querySelector(".quick-n");
  const questions = [...form.querySelectorAll(".q")];

  const answered = (q) => {
    const kind = q.dataset.kind;
    if (kind === "number") return q.querySelector("input[inputmode=decimal]").value.trim() !== "";
    if (kind === "text") return q.querySelector("input[type=text]").value.trim() !== "";
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

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input.type === "file") {
      const box = input.closest(".q").querySelector(".thumbs");
      box.querySelectorAll("img").forEach((img) => img.remove());
      for (const file of input.files) {
        const img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        box.append(img);
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

  form.addEventListener("submit", () => {
    form.elements.submitted_at.value = new Date().toISOString();
  });
  update();
}
