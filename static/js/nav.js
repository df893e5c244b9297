// The navigation scrolls sideways on a phone: start it where the current page's link shows.
const nav = document.querySelector(".mainnav");
const here = nav && nav.querySelector("[aria-current=page]");
if (here) {
  const box = here.getBoundingClientRect();
  const frame = nav.getBoundingClientRect();
  if (box.right > frame.right) nav.scrollLeft += box.right - frame.right + frame.width / 4;
}
