// Progressive enhancement, except for card entry: the card fields are the processor's own (Stripe.js, or the
// sandbox processor's stand-in with the same API), so a card form needs its script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.once === undefined) return;
  // A form marked data-once cannot be sent twice (Submit Payment).
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
});

// Card forms: the processor's fields are mounted in the data-card-field boxes; Submit asks the processor for a
// one-time token and sends only that token (payment_method). The number and code never enter this page.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-card-form]");
  if (!form || typeof window.Stripe !== "function") return;
  var stripe = window.Stripe(form.dataset.publishableKey);
  var elements = stripe.elements();
  var fields = {};
  form.querySelectorAll("[data-card-field]").forEach(function (box) {
    var element = elements.create(box.dataset.cardField);
    element.mount(box);
    fields[box.dataset.cardField] = element;
  });
  var token = form.querySelector("[data-card-token]");
  var ERROR_FIELD = {number: "number", exp_month: "exp", exp_year: "exp", cvc: "cvc"};

  function showError(error) {
    form.querySelectorAll("[data-card-error]").forEach(function (slot) { slot.textContent = ""; });
    if (!error) return;
    var slot = form.querySelector('[data-card-error="' + (ERROR_FIELD[error.param] || "number") + '"]');
    slot.textContent = error.message;
  }

  form.addEventListener("submit", function (event) {
    if (token.value) return;  // tokenized: the form goes to the portal with the token only
    event.preventDefault();
    event.stopPropagation();
    if (form.dataset.tokenizing) return;
    form.dataset.tokenizing = "1";
    stripe.createPaymentMethod({type: "card", card: fields.cardNumber}).then(function (result) {
      delete form.dataset.tokenizing;
      if (result.error) { showError(result.error); fields.cardNumber.focus(); return; }
      showError(null);
      token.value = result.paymentMethod.id;
      form.requestSubmit();
    });
  });
});

// Bank-account forms: the processor's bank-account element (one iframe of its origin) is mounted in the
// data-bank-field box; Submit asks the processor for a one-time token and sends only that token. The routing and
// account numbers never enter this page; a field's error is shown inside the frame and repeated here for the alert.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-bank-form]");
  if (!form || typeof window.Stripe !== "function") return;
  var stripe = window.Stripe(form.dataset.publishableKey);
  var token = form.querySelector("[data-bank-token]");
  var slot = form.querySelector("[data-bank-error]");
  var element;
  try {
    element = stripe.elements().create("usBankAccount");
  } catch (unsupported) {  // a processor script without this element: say so instead of a form that cannot work
    slot.textContent = "Bank accounts cannot be added here yet. Please call us, or pay by card.";
    form.querySelector("button[type=submit]").disabled = true;
    return;
  }
  element.mount(form.querySelector("[data-bank-field]"));

  form.addEventListener("submit", function (event) {
    if (token.value) return;
    event.preventDefault();
    event.stopPropagation();
    if (form.dataset.tokenizing) return;
    form.dataset.tokenizing = "1";
    stripe.createPaymentMethod({type: "us_bank_account", us_bank_account: element}).then(function (result) {
      delete form.dataset.tokenizing;
      if (result.error) { slot.textContent = result.error.message; element.focus(); return; }
      slot.textContent = "";
      token.value = result.paymentMethod.id;
      form.requestSubmit();
    });
  });
});

// AutoPay: the debit authorization of a bank account is shown only while that bank account is chosen.
document.addEventListener("DOMContentLoaded", function () {
  var sections = document.querySelectorAll("[data-ach-for]");
  if (!sections.length) return;
  function show() {
    var chosen = document.querySelector("input[name=profile_id]:checked");
    sections.forEach(function (section) {
      section.hidden = !chosen || section.dataset.achFor !== chosen.value;
    });
  }
  document.querySelectorAll("input[name=profile_id]").forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
});
