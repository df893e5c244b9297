// The offline page: links to the checklists the service worker kept on this phone.
const box = document.getElementById("kept-checklists");
if (box && "caches" in self) {
  caches.open("saferound-mine")
    .then((cache) => cache.match("/__saferound/mine"))
    .then((stamp) => stamp?.json())
    .then((mine) => {
      for (const item of mine?.items || []) {
        const link = Object.assign(document.createElement("a"), { href: item.checklist_url, textContent: `${item.name} · ${item.code}` });
        const li = document.createElement("li");
        li.append(link);
        box.querySelector("ul").append(li);
      }
      box.hidden = !mine?.items?.length;
    })
    .catch(() => {});
}
