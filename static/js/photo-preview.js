// Thumbnails of the photos chosen in a form's camera buttons, before they are sent, each with a
// "Mark" button: the marked copy takes the photo's place in the input, and the untouched
// original goes in the input beside it (`<name>-originals`) under the same file name.
const words = () => JSON.parse(document.getElementById("photo-mark-text")?.textContent || "null");

const replaceFile = (input, name, file) => {
  const files = new DataTransfer();
  for (const f of input.files) files.items.add(f.name === name ? file : f);
  input.files = files.files;
};

const addFile = (input, file) => {
  const files = new DataTransfer();
  for (const f of input.files) if (f.name !== file.name) files.items.add(f);
  files.items.add(file);
  input.files = files.files;
};

for (const input of document.querySelectorAll(".photo-btn input[type=file]")) {
  const field = input.closest(".photo-field");
  const originals = field.querySelector("input.originals");
  input.addEventListener("change", () => {
    const box = field.querySelector(".thumbs");
    box.querySelectorAll("figure.shot").forEach((figure) => figure.remove());
    if (originals) originals.value = ""; // new photos: nothing marked yet
    const text = words();
    for (const file of input.files) {
      const figure = Object.assign(document.createElement("figure"), { className: "shot" });
      const img = Object.assign(document.createElement("img"), { src: URL.createObjectURL(file), alt: file.name });
      figure.append(img);
      if (text && originals) {
        const button = Object.assign(document.createElement("button"), {
          type: "button", className: "mark-photo", textContent: text.mark, title: text.markHint,
        });
        button.setAttribute("aria-label", text.markHint);
        button.addEventListener("click", async () => {
          const current = [...input.files].find((f) => f.name === file.name);
          if (!current) return;
          const { markPhoto } = await import("./photo-mark.js");
          const marked = await markPhoto(current);
          if (!marked) return;
          // The first untouched file is the original, however often it is marked again.
          if (![...originals.files].some((f) => f.name === file.name)) addFile(originals, current);
          replaceFile(input, file.name, new File([marked], file.name, { type: "image/jpeg" }));
          URL.revokeObjectURL(img.src);
          img.src = URL.createObjectURL(marked);
          figure.classList.add("is-marked");
          button.textContent = text.marked;
        });
        figure.append(button);
      }
      box.append(figure);
    }
  });
}
