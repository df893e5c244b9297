// Thumbnails of the photos chosen in a form's camera buttons, before they are sent.
for (const input of document.querySelectorAll(".photo-btn input[type=file]")) {
  input.addEventListener("change", () => {
    const box = input.closest(".photo-field").querySelector(".thumbs");
    box.querySelectorAll("img").forEach((img) => img.remove());
    for (const file of input.files) {
      const img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      box.append(img);
    }
  });
}
