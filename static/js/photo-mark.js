// Marking a hazard on a photo: arrows, circles and a short text drawn with a finger or a mouse,
// undo, done or cancel. Loaded only when someone taps "Mark"; resolves to the marked copy (a
// JPEG Blob) or null when cancelled or nothing was drawn. The photo given is never changed.
const QUALITY = 0.85;
const RED = "#e00000"; // the mark, with a white edge that shows on dark and light alike
const EDGE = "#ffffff";
const MAX_TEXT = 40;

const texts = () => JSON.parse(document.getElementById("photo-mark-text").textContent);

const button = (label, className, value) => {
  const b = Object.assign(document.createElement("button"), { type: "button", className, textContent: label });
  if (value) b.dataset.tool = value;
  return b;
};

export async function markPhoto(blob) {
  const text = texts();
  const bitmap = await createImageBitmap(blob);
  const canvas = Object.assign(document.createElement("canvas"), { width: bitmap.width, height: bitmap.height });
  canvas.className = "pm-canvas";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", text.canvas);
  const ctx = canvas.getContext("2d");
  const side = Math.min(bitmap.width, bitmap.height);
  const width = Math.max(4, Math.round(side / 70));
  const fontSize = Math.max(18, Math.round(side / 16));
  const shapes = [];
  let tool = "arrow";
  let drawing = null;

  const dialog = document.createElement("div");
  dialog.className = "pm";
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-label", text.title);
  const stage = Object.assign(document.createElement("div"), { className: "pm-stage" });
  stage.append(canvas);
  const tools = Object.assign(document.createElement("div"), { className: "pm-tools" });
  tools.setAttribute("role", "group");
  const toolButtons = [button(text.arrow, "pm-tool", "arrow"), button(text.circle, "pm-tool", "circle"),
    button(text.text, "pm-tool", "text")];
  tools.append(...toolButtons);
  const words = Object.assign(document.createElement("input"), {
    type: "text", className: "pm-words", maxLength: MAX_TEXT, placeholder: text.textHint, hidden: true,
  });
  words.setAttribute("aria-label", text.textHint);
  const actions = Object.assign(document.createElement("div"), { className: "pm-actions" });
  const undo = button(text.undo, "pm-undo");
  const cancel = button(text.cancel, "pm-cancel");
  const done = button(text.done, "primary pm-done");
  actions.append(undo, cancel, done);
  dialog.append(stage, tools, words, actions);

  const line = (a, b, stroke, lineWidth) => {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lineWidth;
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  };

  const paintArrow = (s, stroke, lineWidth) => {
    const angle = Math.atan2(s.to.y - s.from.y, s.to.x - s.from.x);
    const head = width * 5;
    line(s.from, s.to, stroke, lineWidth);
    for (const turn of [-0.5, 0.5]) {
      line(s.to, { x: s.to.x - head * Math.cos(angle + turn), y: s.to.y - head * Math.sin(angle + turn) }, stroke, lineWidth);
    }
  };

  const paintCircle = (s, stroke, lineWidth) => {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lineWidth;
    ctx.beginPath();
    // The drag spans the circle: from one side to the other, around what it marks.
    ctx.ellipse((s.from.x + s.to.x) / 2, (s.from.y + s.to.y) / 2, Math.max(1, Math.abs(s.to.x - s.from.x) / 2),
      Math.max(1, Math.abs(s.to.y - s.from.y) / 2), 0, 0, 2 * Math.PI);
    ctx.stroke();
  };

  const paint = (s) => {
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    if (s.tool === "text") {
      ctx.font = `700 ${fontSize}px system-ui, "Noto Sans CJK SC", sans-serif`;
      ctx.textBaseline = "middle";
      ctx.lineWidth = Math.max(3, fontSize / 6);
      ctx.strokeStyle = EDGE;
      ctx.strokeText(s.words, s.at.x, s.at.y);
      ctx.fillStyle = RED;
      ctx.fillText(s.words, s.at.x, s.at.y);
      return;
    }
    const shape = s.tool === "arrow" ? paintArrow : paintCircle;
    shape(s, EDGE, width * 1.8);
    shape(s, RED, width);
  };

  const redraw = () => {
    ctx.drawImage(bitmap, 0, 0);
    shapes.forEach(paint);
    if (drawing) paint(drawing);
    undo.disabled = shapes.length === 0;
  };

  const choose = (name) => {
    tool = name;
    for (const b of toolButtons) b.setAttribute("aria-pressed", String(b.dataset.tool === name));
    words.hidden = name !== "text";
    if (name === "text") words.focus();
  };

  // Where a pointer is on the photo, in the photo's own pixels (the canvas is shown smaller).
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height };
  };

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    const at = point(event);
    if (tool === "text") {
      const value = words.value.trim().slice(0, MAX_TEXT);
      if (value) {
        shapes.push({ tool, at, words: value });
        redraw();
      } else {
        words.focus();
      }
      return;
    }
    canvas.setPointerCapture?.(event.pointerId);
    drawing = { tool, from: at, to: at };
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    drawing.to = point(event);
    redraw();
  });
  const finish = (event) => {
    if (!drawing) return;
    drawing.to = point(event);
    const { from, to } = drawing;
    // A tap without a drag is no mark.
    if (Math.hypot(to.x - from.x, to.y - from.y) > width * 2) shapes.push(drawing);
    drawing = null;
    redraw();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", () => { drawing = null; redraw(); });

  for (const b of toolButtons) b.addEventListener("click", () => choose(b.dataset.tool));
  undo.addEventListener("click", () => { shapes.pop(); redraw(); });

  const opener = document.activeElement;
  const scrolled = window.scrollY;
  document.body.classList.add("pm-open");
  document.body.append(dialog);
  choose("arrow");
  redraw();
  done.focus();

  const result = await new Promise((resolve) => {
    cancel.addEventListener("click", () => resolve(null));
    dialog.addEventListener("keydown", (event) => { if (event.key === "Escape") resolve(null); });
    done.addEventListener("click", () => {
      if (!shapes.length) return resolve(null);
      canvas.toBlob((marked) => resolve(marked), "image/jpeg", QUALITY);
    });
  });
  dialog.remove();
  document.body.classList.remove("pm-open");
  bitmap.close();
  window.scrollTo(0, scrolled);
  opener?.focus?.();
  return result;
}
