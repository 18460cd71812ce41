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

// Bank-account form: Stripe.js's "save bank details" flow (the sandbox's stand-in has the same API). Connect asks
// the portal for a SetupIntent's client secret, then the processor's own dialog collects the account
// (collectBankAccountForSetup); the debit authorization is shown with its I authorize tick; Save confirms it at the
// processor (confirmUsBankAccountSetup) and sends only the SetupIntent's id. The numbers never enter this page.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-bank-form]");
  if (!form) return;
  var alertBox = document.querySelector("[data-bank-alert]");
  var slot = form.querySelector("[data-bank-error]");
  var button = form.querySelector("[data-bank-submit]");
  var name = form.querySelector("[data-bank-name]");
  var authorization = form.querySelector("[data-bank-authorization]");
  var agree = form.querySelector("[data-bank-agree]");
  var setupField = form.querySelector("[data-bank-setup]");
  var versionField = form.querySelector("[data-bank-ach-version]");
  var TRY_AGAIN = "We could not connect the bank account. Please try again, or call us.";
  var stripe = typeof window.Stripe === "function" ? window.Stripe(form.dataset.publishableKey) : null;
  var started = null;  // {client_secret, setup_intent, debit_authorization} once the portal made the SetupIntent
  var collected = false;

  function showError(message) {
    alertBox.textContent = message || "";
    alertBox.hidden = !message;
    slot.textContent = message || "";
  }

  function start() {
    if (started) return Promise.resolve(started);
    var csrf = form.querySelector("input[name=csrf_token]").value;
    return fetch(form.dataset.setupUrl, {method: "POST", headers: {"X-CSRFToken": csrf, "Accept": "application/json"},
                                         credentials: "same-origin"}).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error((body.error && body.error.message) || TRY_AGAIN);
        started = body;
        return body;
      }, function () { throw new Error(TRY_AGAIN); });
    });
  }

  function connect() {
    if (!name.value.trim()) { showError("Enter the name on the account."); name.focus(); return Promise.resolve(); }
    return start().then(function (setup) {
      var billing = {name: name.value.trim()};
      if (setup.email) billing.email = setup.email;  // Stripe e-mails the mandate to it
      return stripe.collectBankAccountForSetup({
        clientSecret: setup.client_secret,
        params: {payment_method_type: "us_bank_account", payment_method_data: {billing_details: billing}}
      });
    }).then(function (result) {
      if (result.error) { showError(result.error.message); return; }
      if (result.setupIntent.status === "requires_payment_method") {
        showError("The bank account was not connected: its window was closed. Press Connect bank account to try again.");
        return;
      }
      collected = true;
      showError("");
      authorization.querySelector("[data-bank-authorization-text]").textContent = started.debit_authorization.text;
      versionField.value = started.debit_authorization.version;
      authorization.hidden = false;
      button.textContent = "Save bank account";
      agree.focus();
    });
  }

  function confirm() {
    if (!agree.checked) {
      showError("Tick I authorize to let us debit your bank account.");
      agree.focus();
      return Promise.resolve();
    }
    return stripe.confirmUsBankAccountSetup(started.client_secret).then(function (result) {
      if (result.error) { showError(result.error.message); return; }
      setupField.value = result.setupIntent.id;  // whatever its status, payment_service says what it means
      showError("");
      form.requestSubmit();
    });
  }

  form.addEventListener("submit", function (event) {
    if (setupField.value) return;  // confirmed: the form goes to the portal with the SetupIntent's id only
    event.preventDefault();
    event.stopPropagation();
    if (!stripe) { showError("Connecting a bank account needs the payment processor's script, which did not load. Please reload the page."); return; }
    if (form.dataset.connecting) return;
    form.dataset.connecting = "1";
    button.disabled = true;
    (collected ? confirm() : connect()).catch(function (error) {
      showError(error.message || TRY_AGAIN);
    }).then(function () {
      delete form.dataset.connecting;
      button.disabled = false;
      if (document.activeElement === document.body || !document.activeElement) button.focus();
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
