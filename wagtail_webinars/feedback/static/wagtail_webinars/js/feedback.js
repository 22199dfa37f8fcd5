/*
 * wagtail_webinars: the feedback widget, enhanced.
 *
 * Without this file the widget is a plain form that posts and comes back to #ww-feedback. With
 * it, the same form posts in the background (fragment=1) and the server's next state replaces the
 * widget's body: no reload, the message announced through the role="status" region, focus kept
 * in the widget. No inline script, no third-party code, no cookies (credentials: "omit").
 */
(function () {
  "use strict";

  function announce(widget) {
    var live = widget.querySelector("[data-ww-feedback-live]");
    if (!live) return;
    var texts = [];
    widget.querySelectorAll("[data-ww-feedback-body] [data-ww-feedback-message]").forEach(function (el) {
      texts.push(el.textContent.trim());
    });
    // Emptied first so that the same words are announced again when they come twice.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = texts.join(" "); }, 50);
  }

  function placeFocus(widget) {
    var body = widget.querySelector("[data-ww-feedback-body]");
    var target = body.querySelector("[aria-invalid='true']") ||
      body.querySelector("textarea") ||
      (body.querySelector("[data-ww-feedback-error]") && body.querySelector("button")) ||
      widget;
    target.focus();
  }

  function fallBackToPlainPost(form, submitter) {
    if (submitter && submitter.name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = submitter.name;
      input.value = submitter.value;
      form.appendChild(input);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function enhance(widget) {
    var body = widget.querySelector("[data-ww-feedback-body]");
    if (!body || !window.fetch || !window.FormData) return;
    widget.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches("[data-ww-feedback-form]")) return;
      event.preventDefault();
      var submitter = event.submitter;
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      data.append("fragment", "1");
      body.setAttribute("aria-busy", "true");
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      fetch(form.action, { method: "POST", body: data, credentials: "omit" })
        .then(function (response) {
          if (response.status >= 500 || response.status === 403) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          body.innerHTML = html;
          body.removeAttribute("aria-busy");
          announce(widget);
          placeFocus(widget);
        })
        .catch(function () {
          // The plain form still works: let the server answer with a whole page.
          fallBackToPlainPost(form, submitter);
        });
    });
  }

  function init() {
    document.querySelectorAll("[data-ww-feedback]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
