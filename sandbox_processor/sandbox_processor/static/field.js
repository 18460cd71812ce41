/* One card field of the sandbox, inside an iframe on the sandbox's origin. The card number frame tokenizes:
   it reads its sibling fields (same origin) and posts the card to the sandbox only, never to the page. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var FRAME = params.get("frame");
  var PARENT = params.get("parent");
  var KEY = params.get("key");
  var input = document.getElementById("field");
  var KIND = input.dataset.kind;

  function digits(text) { return text.replace(/\D/g, ""); }

  function format(value) {
    if (KIND === "cardNumber") {
      var d = digits(value).slice(0, 19);
      return d.replace(/(\d{4})(?=\d)/g, "$1 ");
    }
    if (KIND === "cardExpiry") {
      var e = digits(value).slice(0, 4);
      return e.length > 2 ? e.slice(0, 2) + " / " + e.slice(2) : e;
    }
    return digits(value).slice(0, 4);
  }

  function complete(value) {
    var d = digits(value);
    if (KIND === "cardNumber") return d.length >= 13;
    if (KIND === "cardExpiry") return d.length === 4;
    return d.length >= 3;
  }

  function tell(message) {
    message.sandbox = true;
    message.frame = FRAME;
    window.parent.postMessage(message, PARENT);
  }

  window.sandboxField = {kind: KIND, value: function () { return input.value; }};

  input.addEventListener("input", function () {
    var formatted = format(input.value);
    if (formatted !== input.value) input.value = formatted;
    tell({type: "change", change: {elementType: KIND, empty: input.value === "", complete: complete(input.value)}});
  });
  input.addEventListener("focus", function () { tell({type: "focus"}); });
  input.addEventListener("blur", function () { tell({type: "blur"}); });

  function siblingValues() {
    var values = {};
    var siblings = window.parent.frames;
    for (var i = 0; i < siblings.length; i++) {
      try {
        var field = siblings[i].sandboxField;
        if (field) values[field.kind] = field.value();
      } catch (crossOrigin) { /* a frame of another origin: not one of ours */ }
    }
    return values;
  }

  function expiry(text) {
    var d = digits(text || "");
    return {month: parseInt(d.slice(0, 2), 10) || 0, year: parseInt(d.slice(2), 10) || 0};
  }

  function tokenize(request) {
    var values = siblingValues();
    var exp = expiry(values.cardExpiry);
    var card = {number: digits(values.cardNumber || ""), exp_month: exp.month, exp_year: exp.year,
                cvc: digits(values.cardCvc || "")};
    fetch("/v1/payment_methods", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + KEY},
      body: JSON.stringify({type: "card", card: card})
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) {
          return {paymentMethod: {id: body.id, object: "payment_method", type: "card", card: body.card}};
        }
        var error = body.error || {};
        var fields = error.fields || {};
        var param = (Object.keys(fields)[0] || "card.number").replace(/^card\./, "");
        return {error: {type: "card_error", code: error.code, param: param, message: error.message}};
      });
    }, function () {
      return {error: {type: "api_connection_error", message: "We could not reach the card processor. Please try again."}};
    }).then(function (result) {
      window.parent.postMessage({sandbox: true, type: "result", request: request, result: result}, PARENT);
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== PARENT || !event.data || event.data.sandbox !== true) return;
    if (event.data.type === "focus") input.focus();
    if (event.data.type === "clear") input.value = "";
    if (event.data.type === "tokenize" && KIND === "cardNumber") tokenize(event.data.request);
  });

  tell({type: "ready"});
})();
