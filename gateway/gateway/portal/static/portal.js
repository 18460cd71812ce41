// Progressive enhancement only: every page works without it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.once === undefined) return;
  // A form marked data-once cannot be sent twice (Submit Payment).
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
});
