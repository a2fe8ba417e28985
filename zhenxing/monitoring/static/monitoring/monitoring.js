// Monitoring pages: "select all" boxes and confirmation of irreversible steps (no inline JS: CSP).
document.addEventListener("change", (event) => {
  const box = event.target.closest(".js-select-all");
  if (!box) return;
  document.querySelectorAll(box.dataset.target).forEach((el) => { el.checked = box.checked; });
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
