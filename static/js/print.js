// The print views' Print button: shown, and working, only with JavaScript (the policy refuses
// inline onclick handlers, so the handler lives here).
for (const action of document.querySelectorAll("[data-print]")) {
  action.querySelector("button").addEventListener("click", () => window.print());
  action.hidden = false;
}
