/* The sandbox processor's Stripe.js: the subset of Stripe.js v3 the portal uses, with the same names.
   Stripe(publishableKey).elements().create("cardNumber" | "cardExpiry" | "cardCvc").mount(target);
   element.on("change" | "ready" | "focus" | "blur", handler); element.focus(); element.clear();
   stripe.createPaymentMethod({type: "card", card: cardNumberElement}) -> Promise<{paymentMethod} | {error}>.
   Bank accounts as Stripe.js's ACH Direct Debit "save bank details" flow has them:
   stripe.collectBankAccountForSetup({clientSecret, params: {payment_method_type: "us_bank_account",
     payment_method_data: {billing_details: {name, email}}}}) opens a modal dialog holding one iframe of the
     sandbox's origin (routing number, account number, checking or savings) -> Promise<{setupIntent} (status
     requires_confirmation, payment_method set; requires_payment_method when the subscriber cancels) | {error}>.
   stripe.confirmUsBankAccountSetup(clientSecret) -> Promise<{setupIntent} (succeeded: the mandate recorded) |
     {error}>.
   Each field is an iframe on the sandbox's origin: the card number and code, and the bank account's numbers,
   never enter this page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ORIGIN = new URL(script.src).origin;
  var frames = 0;
  var pending = {};
  var elementsById = {};
  var KINDS = ["cardNumber", "cardExpiry", "cardCvc"];
  var TITLES = {cardNumber: "card number", cardExpiry: "expiration date", cardCvc: "card code"};
  var dialogs = {};  // collectBankAccountForSetup's open dialog, by its frame id

  window.addEventListener("message", function (event) {
    if (event.origin !== ORIGIN || !event.data || event.data.sandbox !== true) return;
    var data = event.data;
    if (data.type === "result" && pending[data.request]) {
      pending[data.request](data.result);
      delete pending[data.request];
      return;
    }
    var element = elementsById[data.frame] || dialogs[data.frame];
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
    iframe.style.height = "2.6em";
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
    var element = legacyElement || (options && options.card);
    if (!options || (options.type || "card") !== "card" || !element || element._kind !== "cardNumber") {
      var message = "The sandbox creates card PaymentMethods only: pass the cardNumber element as card " +
        "(bank accounts: collectBankAccountForSetup).";
      return Promise.resolve({error: {type: "validation_error", message: message}});
    }
    var request = Math.random().toString(36).slice(2);
    return new Promise(function (resolve) {
      pending[request] = resolve;
      element._post({type: "tokenize", request: request});
    });
  };

  // The SetupIntent API of the browser: the publishable key with the SetupIntent's client_secret.
  function setupIdOf(clientSecret) { return String(clientSecret || "").split("_secret_")[0]; }

  function clientApi(stripe, method, clientSecret, suffix, body) {
    var url = ORIGIN + "/v1/setup_intents/" + encodeURIComponent(setupIdOf(clientSecret)) + (suffix || "");
    var init = {method: method, headers: {"Authorization": "Bearer " + stripe._key}};
    if (method === "GET") {
      url += "?client_secret=" + encodeURIComponent(clientSecret);
    } else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(Object.assign({client_secret: clientSecret}, body || {}));
    }
    return fetch(url, init).then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok) return {setupIntent: clientView(answer)};
        var error = answer.error || {};
        return {error: {type: "invalid_request_error", code: error.code,
                        message: error.message || "The payment processor refused this request."}};
      });
    }, function () {
      return {error: {type: "api_connection_error", message: "We could not reach the payment processor. Please try again."}};
    });
  }

  function clientView(setup) {
    var names = ["id", "object", "client_secret", "status", "payment_method", "payment_method_types", "usage",
                 "next_action", "last_setup_error"];
    var view = {};
    names.forEach(function (name) { view[name] = setup[name] === undefined ? null : setup[name]; });
    return view;
  }

  // collectBankAccountForSetup's modal dialog: labelled, aria-modal, the rest of the page inert while it is open,
  // focus moved into its frame and given back on close; Escape (here or in the frame) and Cancel cancel it.
  function BankDialog(stripe, clientSecret, billingDetails, resolve) {
    this._id = "sbxbank" + (++frames) + "-" + Math.random().toString(36).slice(2, 8);
    this._stripe = stripe;
    this._clientSecret = clientSecret;
    this._billing = billingDetails || {};
    this._resolve = resolve;
    this._returnFocus = document.activeElement;
    this._inerted = [];
    dialogs[this._id] = this;
    this._open();
  }

  BankDialog.prototype._open = function () {
    var dialog = this;
    var backdrop = document.createElement("div");
    backdrop.style.position = "fixed";
    backdrop.style.inset = "0";
    backdrop.style.background = "rgba(0, 0, 0, .55)";
    backdrop.style.zIndex = "2147483000";
    backdrop.style.display = "flex";
    backdrop.style.alignItems = "center";
    backdrop.style.justifyContent = "center";
    var box = document.createElement("div");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", this._id + "-title");
    box.setAttribute("aria-describedby", this._id + "-about");
    box.tabIndex = -1;
    box.style.background = "#fff";
    box.style.color = "#1a1a1a";
    box.style.borderRadius = "6px";
    box.style.padding = "1em 1.2em";
    box.style.width = "min(28em, 92vw)";
    box.style.maxHeight = "92vh";
    box.style.overflow = "auto";
    box.style.font = "16px/1.3 system-ui, sans-serif";
    var title = document.createElement("h2");
    title.id = this._id + "-title";
    title.textContent = "Connect your bank account";
    title.style.margin = "0 0 .3em";
    title.style.fontSize = "1.25em";
    var about = document.createElement("p");
    about.id = this._id + "-about";
    about.textContent = "Sandbox payment processor: the account's numbers are entered on the processor's own page.";
    about.style.margin = "0 0 .6em";
    var iframe = document.createElement("iframe");
    iframe.src = ORIGIN + "/collect/us_bank_account?frame=" + encodeURIComponent(this._id) + "&parent=" +
      encodeURIComponent(location.origin) + "&key=" + encodeURIComponent(this._stripe._key);
    iframe.name = "__privateSandboxFrame" + this._id;
    iframe.title = "Secure bank account input frame";
    iframe.setAttribute("frameborder", "0");
    iframe.style.border = "none";
    iframe.style.width = "100%";
    iframe.style.height = "17em";
    iframe.style.display = "block";
    box.appendChild(title);
    box.appendChild(about);
    box.appendChild(iframe);
    backdrop.appendChild(box);
    Array.prototype.forEach.call(document.body.children, function (child) {
      if (!child.hasAttribute("inert")) { child.setAttribute("inert", ""); dialog._inerted.push(child); }
    });
    document.body.appendChild(backdrop);
    this._backdrop = backdrop;
    this._box = box;
    this._iframe = iframe;
    this._onKey = function (event) {
      if (event.key === "Escape") { event.preventDefault(); dialog._cancel(); }
    };
    document.addEventListener("keydown", this._onKey, true);
    box.focus();
  };

  BankDialog.prototype._post = function (message) {
    message.sandbox = true;
    this._iframe.contentWindow.postMessage(message, ORIGIN);
  };

  BankDialog.prototype._receive = function (data) {
    if (data.type === "ready") {
      this._post({type: "collect", clientSecret: this._clientSecret, billing_details: this._billing});
      this._iframe.focus();
      this._post({type: "focus"});
    } else if (data.type === "resize") {
      this._iframe.style.height = Math.min(Math.max(parseInt(data.height, 10) || 0, 40), 1200) + "px";
    } else if (data.type === "collected") {
      this._close(data.result);
    } else if (data.type === "cancel") {
      this._cancel();
    }
  };

  BankDialog.prototype._cancel = function () {
    if (this._closing) return;
    this._closing = true;
    var dialog = this;
    // As Stripe's: closed without an account, the SetupIntent is answered as it stands (requires_payment_method).
    clientApi(this._stripe, "GET", this._clientSecret).then(function (result) { dialog._close(result, true); });
  };

  BankDialog.prototype._close = function (result, closing) {
    if (this._closed || (this._closing && !closing)) return;
    this._closed = true;
    document.removeEventListener("keydown", this._onKey, true);
    this._inerted.forEach(function (child) { child.removeAttribute("inert"); });
    if (this._backdrop.parentNode) this._backdrop.parentNode.removeChild(this._backdrop);
    delete dialogs[this._id];
    if (this._returnFocus && this._returnFocus.focus) this._returnFocus.focus();
    this._resolve(result);
  };

  Stripe.prototype.collectBankAccountForSetup = function (options) {
    var stripe = this;
    var params = (options && options.params) || {};
    var billing = (params.payment_method_data || {}).billing_details || {};
    if (!options || !options.clientSecret || setupIdOf(options.clientSecret) === String(options.clientSecret)) {
      return Promise.resolve({error: {type: "validation_error", message: "Pass the SetupIntent's clientSecret."}});
    }
    if (params.payment_method_type !== "us_bank_account") {
      return Promise.resolve({error: {type: "validation_error",
                                      message: "params.payment_method_type must be us_bank_account."}});
    }
    if (!billing.name || !String(billing.name).trim()) {
      return Promise.resolve({error: {type: "validation_error",
                                      message: "params.payment_method_data.billing_details.name is required."}});
    }
    return new Promise(function (resolve) {
      new BankDialog(stripe, options.clientSecret, {name: String(billing.name).trim(), email: billing.email || null},
                     resolve);
    });
  };

  Stripe.prototype.confirmUsBankAccountSetup = function (clientSecret) {
    var acceptance = {customer_acceptance: {type: "online", online: {infer_from_client: true}}};
    return clientApi(this, "POST", clientSecret, "/confirm", {mandate_data: acceptance});
  };
  window.Stripe = Stripe;
})();
