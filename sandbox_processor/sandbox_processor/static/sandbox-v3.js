/* The sandbox processor's Stripe.js: the subset of Stripe.js v3 the portal uses, with the same names.
   Stripe(publishableKey).elements().create("cardNumber" | "cardExpiry" | "cardCvc").mount(target);
   element.on("change" | "ready" | "focus" | "blur", handler); element.focus(); element.clear();
   stripe.createPaymentMethod({type: "card", card: cardNumberElement}) -> Promise<{paymentMethod} | {error}>.
   elements.create("usBankAccount"): one iframe with routing number, account number, account type and name;
   stripe.createPaymentMethod({type: "us_bank_account", us_bank_account: element}) -> Promise<{paymentMethod:
   {id, us_bank_account: {bank_name, last4, account_type}}} | {error: {param, message}}>.
   Each field is an iframe on the sandbox's origin: the card number and code, and the bank account's numbers,
   never enter this page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ORIGIN = new URL(script.src).origin;
  var frames = 0;
  var pending = {};
  var elementsById = {};
  var KINDS = ["cardNumber", "cardExpiry", "cardCvc", "usBankAccount"];
  var TITLES = {cardNumber: "card number", cardExpiry: "expiration date", cardCvc: "card code",
                usBankAccount: "bank account"};

  window.addEventListener("message", function (event) {
    if (event.origin !== ORIGIN || !event.data || event.data.sandbox !== true) return;
    var data = event.data;
    if (data.type === "result" && pending[data.request]) {
      pending[data.request](data.result);
      delete pending[data.request];
      return;
    }
    var element = elementsById[data.frame];
    if (element) element._receive(data);
  });

  function Element(stripe, kind) {
    this._stripe = stripe;
    this._kind = kind;
    this._id = "sbx" + (++frames) + "-" + Math.random().toString(36).slice(2, 8);
    this._handlers = {};
    this._ready = false;
    this._queue = [];
    this._iframe = null;
    elementsById[this._id] = this;
  }

  Element.prototype.mount = function (target) {
    var container = typeof target === "string" ? document.querySelector(target) : target;
    var iframe = document.createElement("iframe");
    var query = "?frame=" + encodeURIComponent(this._id) + "&parent=" + encodeURIComponent(location.origin) +
      "&key=" + encodeURIComponent(this._stripe._key);
    iframe.src = ORIGIN + "/elements/" + this._kind + query;
    iframe.name = "__privateSandboxFrame" + this._id;
    iframe.title = "Secure " + TITLES[this._kind] + " input frame";
    iframe.setAttribute("frameborder", "0");
    iframe.setAttribute("allowtransparency", "true");
    iframe.setAttribute("scrolling", "no");
    iframe.style.border = "none";
    iframe.style.width = "100%";
    iframe.style.height = this._kind === "usBankAccount" ? "17em" : "2.6em";
    iframe.style.display = "block";
    container.appendChild(iframe);
    this._iframe = iframe;
    var element = this;
    container.addEventListener("click", function (event) {
      if (event.target !== iframe) element.focus();
    });
    return this;
  };

  Element.prototype._post = function (message) {
    message.sandbox = true;
    if (!this._ready) { this._queue.push(message); return; }
    this._iframe.contentWindow.postMessage(message, ORIGIN);
  };

  Element.prototype._receive = function (data) {
    if (data.type === "ready") {
      this._ready = true;
      var queued = this._queue;
      this._queue = [];
      for (var i = 0; i < queued.length; i++) this._post(queued[i]);
    }
    if (data.type === "resize") {
      var height = Math.min(Math.max(parseInt(data.height, 10) || 0, 40), 1200);
      this._iframe.style.height = height + "px";
      return;
    }
    var handlers = this._handlers[data.type] || [];
    var payload = data.type === "change" ? data.change : {elementType: this._kind};
    for (var j = 0; j < handlers.length; j++) handlers[j](payload);
  };

  Element.prototype.on = function (name, handler) {
    (this._handlers[name] = this._handlers[name] || []).push(handler);
    return this;
  };
  Element.prototype.focus = function () { this._post({type: "focus"}); };
  Element.prototype.clear = function () { this._post({type: "clear"}); };
  Element.prototype.unmount = Element.prototype.destroy = function () {
    if (this._iframe && this._iframe.parentNode) this._iframe.parentNode.removeChild(this._iframe);
    this._ready = false;
  };

  function Elements(stripe) { this._stripe = stripe; this._created = {}; }
  Elements.prototype.create = function (kind) {
    if (KINDS.indexOf(kind) < 0) {
      throw new Error("The sandbox's elements are " + KINDS.join(", ") + ", not " + kind);
    }
    var element = new Element(this._stripe, kind);
    this._created[kind] = element;
    return element;
  };
  Elements.prototype.getElement = function (kind) { return this._created[kind] || null; };

  function Stripe(key) {
    if (!(this instanceof Stripe)) return new Stripe(key);
    this._key = key;
  }
  Stripe.prototype.elements = function () { return new Elements(this); };
  Stripe.prototype.createPaymentMethod = function (options, legacyElement) {
    var bank = options && options.type === "us_bank_account";
    var element = legacyElement || (options && (bank ? options.us_bank_account : options.card));
    var wanted = bank ? "usBankAccount" : "cardNumber";
    if (!element || element._kind !== wanted) {
      var message = bank ? "Pass the usBankAccount element as us_bank_account." : "Pass the cardNumber element as card.";
      return Promise.resolve({error: {type: "validation_error", message: message}});
    }
    var request = Math.random().toString(36).slice(2);
    return new Promise(function (resolve) {
      pending[request] = resolve;
      element._post({type: "tokenize", request: request});
    });
  };
  window.Stripe = Stripe;
})();
