/* collectBankAccountForSetup's frame, on the sandbox's origin inside the sandbox's dialog: routing number, account
   number, checking or savings. It tokenizes the account itself (the numbers are posted to the sandbox only) and
   attaches it to the SetupIntent whose client_secret the page handed over; the page gets back the SetupIntent
   (requires_confirmation, payment_method set), or a cancel, never the numbers. A field's error (a routing number
   failing the ABA checksum) is shown beside that field here and the dialog stays open. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var FRAME = params.get("frame");
  var PARENT = params.get("parent");
  var KEY = params.get("key");
  var form = document.getElementById("bank");
  var FIELDS = ["routing_number", "account_number", "account_type", "form"];
  var CLIENT_FIELDS = ["id", "object", "client_secret", "status", "payment_method", "payment_method_types", "usage",
                       "next_action", "last_setup_error"];
  var collecting = null;  // {clientSecret, billing_details} from the page
  var busy = false;

  function tell(message) {
    message.sandbox = true;
    message.frame = FRAME;
    window.parent.postMessage(message, PARENT);
  }

  function resize() { tell({type: "resize", height: document.documentElement.scrollHeight}); }

  function value(name) {
    if (name === "account_type") {
      var chosen = form.querySelector("input[name=account_type]:checked");
      return chosen ? chosen.value : "";
    }
    return form.elements[name].value;
  }

  function showErrors(fields) {
    FIELDS.forEach(function (name) {
      var slot = document.getElementById(name + "-error");
      var input = document.getElementById(name);
      slot.textContent = fields[name] || "";
      if (input) {
        if (fields[name]) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      }
    });
    resize();
  }

  function fieldErrors(error) {
    var fields = {};
    Object.keys(error.fields || {}).forEach(function (name) {
      var field = name.replace(/^us_bank_account\./, "");
      if (FIELDS.indexOf(field) >= 0 && field !== "form") fields[field] = error.fields[name];
    });
    return fields;
  }

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + KEY},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) { return {ok: response.ok, body: answer}; });
    });
  }

  function clientView(setup) {
    var view = {};
    CLIENT_FIELDS.forEach(function (name) { view[name] = setup[name] === undefined ? null : setup[name]; });
    return view;
  }

  function apiError(body) {
    var error = body.error || {};
    return {type: "invalid_request_error", code: error.code, message: error.message || "The payment processor refused this bank account."};
  }

  function collect() {
    if (!collecting || busy) return;
    busy = true;
    var setupId = collecting.clientSecret.split("_secret_")[0];
    var billing = collecting.billing_details || {};
    var details = {routing_number: value("routing_number"), account_number: value("account_number"),
                   account_type: value("account_type"), account_holder_name: billing.name || ""};
    api("POST", "/v1/payment_methods", {type: "us_bank_account", us_bank_account: details}).then(function (made) {
      if (!made.ok) {
        var fields = fieldErrors(made.body.error || {});
        if (Object.keys(fields).length) {  // the subscriber corrects it here: the dialog stays open
          showErrors(fields);
          var first = document.getElementById(Object.keys(fields)[0]);
          if (first && first.focus) first.focus();
          return null;
        }
        return {error: apiError(made.body)};
      }
      return api("POST", "/v1/setup_intents/" + encodeURIComponent(setupId),
                 {client_secret: collecting.clientSecret, payment_method: made.body.id}).then(function (attached) {
        return attached.ok ? {setupIntent: clientView(attached.body)} : {error: apiError(attached.body)};
      });
    }, function () {
      return {error: {type: "api_connection_error", message: "We could not reach the payment processor. Please try again."}};
    }).then(function (result) {
      busy = false;
      if (!result) return;
      showErrors({});
      form.reset();
      tell({type: "collected", result: result});
    }, function () {
      busy = false;
      showErrors({form: "We could not reach the payment processor. Please try again."});
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); collect(); });
  document.getElementById("cancel").addEventListener("click", function () { tell({type: "cancel"}); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); tell({type: "cancel"}); }
  });

  window.addEventListener("message", function (event) {
    if (event.origin !== PARENT || !event.data || event.data.sandbox !== true) return;
    if (event.data.type === "collect") {
      collecting = {clientSecret: String(event.data.clientSecret || ""), billing_details: event.data.billing_details};
      form.reset();
      showErrors({});
    }
    if (event.data.type === "focus") form.elements.routing_number.focus();
  });

  tell({type: "ready"});
  resize();
})();
