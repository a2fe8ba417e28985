// Roster import page behaviour (no inline scripts: the CSP allows only files from 'self').
(function () {
  "use strict";
  // Forms marked js-once submit once: a double click must not start two jobs.
  document.querySelectorAll("form.js-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        return;
      }
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
  // Warn before uploading a file the server will refuse for its size.
  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
    var input = form.querySelector("input[type=file]");
    var warning = form.querySelector(".js-size-warning");
    if (!input || !warning) { return; }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      warning.classList.toggle("d-none", !(file && file.size > limit));
    });
  });
  // The reason field is needed only for a full (unmasked) export.
  document.querySelectorAll(".js-unmask").forEach(function (box) {
    var reason = document.querySelector(".js-reason");
    var field = reason && reason.querySelector("input");
    box.addEventListener("change", function () {
      if (!reason) { return; }
      reason.classList.toggle("d-none", !box.checked);
      if (field) { field.required = box.checked; }
    });
  });
})();
