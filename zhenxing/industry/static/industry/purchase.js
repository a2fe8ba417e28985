// Fast keyboard purchase entry: member search, a fresh client id per weighing, reset on success.
(function () {
  "use strict";
  const form = document.getElementById("weigh-form");
  if (!form) { return; }
  const clientId = document.getElementById("client-id");
  const household = document.getElementById("household-id");
  const query = document.getElementById("member-q");
  const hits = document.getElementById("member-hits");
  const chosen = document.getElementById("member-chosen");
  const gross = document.getElementById("gross");

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function buttons() { return Array.from(hits.querySelectorAll("button[data-id]")); }
  function choose(button) {
    household.value = button.dataset.id;
    chosen.textContent = button.dataset.label;
    query.value = button.dataset.no;
    hits.innerHTML = "";
    gross.focus();
  }
  hits.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-id]");
    if (button) { event.preventDefault(); choose(button); }
  });
  query.addEventListener("keydown", function (event) {
    const list = buttons();
    if (!list.length) { return; }
    let index = list.findIndex((b) => b.classList.contains("active"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (index >= 0) { list[index].classList.remove("active"); }
      index = (index + (event.key === "ArrowDown" ? 1 : list.length - 1)) % list.length;
      list[index].classList.add("active");
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(list[Math.max(index, 0)]);
    }
  });
  query.addEventListener("input", function () { household.value = ""; chosen.textContent = ""; });
  document.body.addEventListener("weighingRecorded", function () {
    form.reset();
    household.value = "";
    chosen.textContent = "";
    hits.innerHTML = "";
    clientId.value = uuid4();
    query.focus();
  });
  clientId.value = uuid4();
})();
