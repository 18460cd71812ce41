/* The sandbox's bank-account element, inside one iframe on the sandbox's origin: routing number, account number,
   account type and name on the account. It tokenizes itself: the numbers are posted to the sandbox only, and the
   page gets back the token, the bank's name, the account type and the last 4, or the error of one field, which
   is also shown beside that field here. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var FRAME = params.get("frame");
  var PARENT = params.get("parent");
  var KEY = params.get("key");
  var form = document.getElementById("bank");
  var FIELDS = ["routing_number", "account_number", "account_type", "account_holder_name"];

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

  function digits(text) { return text.replace(/[^0-9]/g, ""); }

  function complete() {
    return digits(value("routing_number")).length === 9 && digits(value("account_number")).length >= 4 &&
      value("account_holder_name").trim() !== "";
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

  form.addEventListener("input", function () {
    tell({type: "change", change: {elementType: "usBankAccount", empty: value("account_number") === "",
                                    complete: complete()}});
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("focusin", function () { tell({type: "focus"}); });
  form.addEventListener("focusout", function () { tell({type: "blur"}); });

  function fieldErrors(error) {
    var fields = {};
    Object.keys(error.fields || {}).forEach(function (name) {
      fields[name.replace(/^us_bank_account\./, "")] = error.fields[name];
    });
    return fields;
  }

  function answer(response, body) {
    if (response.ok) {
      showErrors({});
      var bank = body.us_bank_account || {};
      return {paymentMethod: {id: body.id, object: "payment_method", type: "us_bank_account",
                              us_bank_account: {bank_name: bank.bank_name, last4: bank.last4,
                                                account_type: bank.account_type}}};
    }
    var error = body.error || {};
    var fields = fieldErrors(error);
    var param = Object.keys(fields)[0] || "routing_number";
    showErrors(fields);
    return {error: {type: "invalid_request_error", code: error.code, param: param,
                    message: fields[param] || error.message}};
  }

  function tokenize(request) {
    var details = {};
    FIELDS.forEach(function (name) { details[name] = value(name); });
    fetch("/v1/payment_methods", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + KEY},
      body: JSON.stringify({type: "us_bank_account", us_bank_account: details})
    }).then(function (response) {
      return response.json().then(function (body) { return answer(response, body); });
    }, function () {
      return {error: {type: "api_connection_error", message: "We could not reach the payment processor. Please try again."}};
    }).then(function (result) {
      window.parent.postMessage({sandbox: true, type: "result", request: request, result: result}, PARENT);
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== PARENT || !event.data || event.data.sandbox !== true) return;
    if (event.data.type === "focus") {
      var first = FIELDS.map(function (name) { return document.getElementById(name + "-error"); })
        .filter(function (slot) { return slot.textContent; })[0];
      var target = first ? document.getElementById(first.id.replace(/-error$/, "")) : null;
      (target || form.elements.routing_number).focus();
    }
    if (event.data.type === "clear") { form.reset(); showErrors({}); }
    if (event.data.type === "tokenize") tokenize(event.data.request);
  });

  tell({type: "ready"});
  resize();
})();
