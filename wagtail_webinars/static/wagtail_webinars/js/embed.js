/* wagtail_webinars embed (docs/embed.md): <ww-webinars> and <ww-registration> for sites that do
 * not run Wagtail. No dependencies, no inline styles or scripts, no cookies (credentials: "omit").
 * Light DOM on purpose: the host's fonts and colours apply as they do to its own content.
 * Host overrides of the texts: window.WagtailWebinarsStrings = {sv: {...}, en: {...}}, set by a
 * script of the host loaded before this one. */
(function () {
  "use strict";
  var CONFIG = /*ww-config*/null || {};
  var STRINGS = {
    sv: {
      upcoming: "Kommande webbinarier", none: "Inga kommande webbinarier just nu.",
      loading: "Hämtar…", loadError: "Webbinarierna kunde inte hämtas. Gå till sidan via länken.",
      register: "Anmäl dig", optional: "valfritt", aboutYou: "Om dig", participants: "Fler deltagare",
      questions: "Frågor", personalData: "Personuppgifter", privacy: "Så hanterar vi dina personuppgifter",
      submit: "Skicka anmälan", waitlist: "Ställ dig på väntelistan", sending: "Skickar…",
      summary: "Det finns ett problem med din anmälan", error: "Fel:",
      network: "Anmälan kunde inte skickas. Försök igen om en stund.",
      calendar: "Lägg till i kalendern", cancelled: "Inställt", postponed: "Uppskjutet", live: "Pågår nu",
      allRequired: "Alla fält måste fyllas i om de inte är markerade som valfria.",
      choose: "Välj…", chooseMunicipality: "Välj kommun eller region"
    },
    en: {
      upcoming: "Upcoming webinars", none: "No upcoming webinars at the moment.",
      loading: "Loading…", loadError: "The webinars could not be loaded. Use the link to the page.",
      register: "Register", optional: "optional", aboutYou: "About you", participants: "More participants",
      questions: "Questions", personalData: "Personal data", privacy: "How we handle your personal data",
      submit: "Send registration", waitlist: "Join the waiting list", sending: "Sending…",
      summary: "There is a problem with your registration", error: "Error:",
      network: "The registration could not be sent. Please try again in a while.",
      calendar: "Add to calendar", cancelled: "Cancelled", postponed: "Postponed", live: "Live now",
      allRequired: "All fields are required unless marked optional.",
      choose: "Choose…", chooseMunicipality: "Choose municipality or region"
    }
  };
  var ABOUT_YOU = ["name", "email", "organisation", "municipality_code"];

  function lang(el) {
    var holder = el.closest("[lang]");
    var code = (el.getAttribute("lang") || (holder && holder.getAttribute("lang")) || "sv").toLowerCase();
    return code.indexOf("en") === 0 ? "en" : "sv";
  }
  function t(el, key) {
    var l = lang(el), own = (window.WagtailWebinarsStrings || {})[l] || {};
    return own[key] || STRINGS[l][key];
  }
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === false || attrs[k] === null || attrs[k] === undefined) return;
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function pagesUrl(el) { return el.getAttribute("api") || CONFIG.pages; }
  function getJSON(el, url) {
    return fetch(url, { credentials: "omit", headers: { "Accept": "application/json", "Accept-Language": lang(el) } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }
  function headingLevel(el) {
    var n = parseInt(el.getAttribute("heading-level") || "2", 10);
    return "h" + (n >= 1 && n <= 6 ? n : 2);
  }
  function when(el, start, end) {
    var locale = lang(el) === "en" ? "en-GB" : "sv-SE";
    var day = new Intl.DateTimeFormat(locale, { timeZone: "Europe/Stockholm", weekday: "long", day: "numeric", month: "long", year: "numeric" });
    var time = new Intl.DateTimeFormat(locale, { timeZone: "Europe/Stockholm", hour: "2-digit", minute: "2-digit" });
    var s = new Date(start), e = new Date(end);
    return day.format(s) + ", " + time.format(s) + "–" + time.format(e);
  }
  function ensureStylesheet(el) {
    if (el.hasAttribute("no-styles") || !CONFIG.stylesheet || document.querySelector("link[data-ww-embed]")) return;
    document.head.appendChild(h("link", { rel: "stylesheet", href: CONFIG.stylesheet, "data-ww-embed": true }));
  }
  function replace(el, nodes) {
    while (el.firstChild) el.removeChild(el.firstChild);
    nodes.forEach(function (n) { el.appendChild(n); });
  }
  function showFailure(el, fallback) {
    // The link the host pasted stays, with a sentence saying why nothing else is shown.
    replace(el, [h("p", { class: "ww-embed__state", text: t(el, "loadError") })].concat(fallback));
  }

  /* <ww-webinars series="12" limit="5"> */
  class WebinarList extends HTMLElement {
    connectedCallback() {
      if (this._started) return;
      this._started = true;
      ensureStylesheet(this);
      var el = this, fallback = Array.prototype.slice.call(this.childNodes);
      var url = new URL(pagesUrl(el));
      url.searchParams.set("type", el.getAttribute("type") || CONFIG.sessionType);
      url.searchParams.set("fields", "start,end,computed_status");
      url.searchParams.set("order", "-start");
      if (el.getAttribute("series")) url.searchParams.set("child_of", el.getAttribute("series"));
      getJSON(el, url.toString()).then(function (data) {
        var now = Date.now(), limit = parseInt(el.getAttribute("limit") || "20", 10);
        var items = (data.items || []).filter(function (s) { return new Date(s.end).getTime() >= now; }).reverse().slice(0, limit);
        var heading = h(headingLevel(el), { class: "ww-embed__heading", text: el.getAttribute("heading") || t(el, "upcoming") });
        if (!items.length) { replace(el, [heading, h("p", { text: t(el, "none") })]); return; }
        var list = h("ul", { class: "ww-session-list" }, items.map(function (s) {
          var status = s.computed_status;
          return h("li", { class: "ww-session-list__item" }, [
            h("a", { class: "ww-session-list__title", href: s.meta.html_url, text: s.title }), " ",
            h("time", { datetime: s.start, text: when(el, s.start, s.end) }),
            /^(live|cancelled|postponed)$/.test(status) ? h("span", { class: "ww-status ww-status--" + status, text: " " + t(el, status) }) : null
          ]);
        }));
        replace(el, [heading, list]);
      }).catch(function () { showFailure(el, fallback); });
    }
  }

  /* <ww-registration session="34"> */
  class RegistrationForm extends HTMLElement {
    connectedCallback() {
      if (this._started) return;
      this._started = true;
      ensureStylesheet(this);
      var el = this;
      this._fallback = Array.prototype.slice.call(this.childNodes);
      var url = new URL(pagesUrl(el).replace(/\/?$/, "/") + encodeURIComponent(el.getAttribute("session")) + "/");
      url.searchParams.set("fields", "registration,start,end");
      getJSON(el, url.toString()).then(function (page) { el.render(page); })
        .catch(function () { showFailure(el, el._fallback); });
    }
    id(name) { return "ww-embed-" + this.getAttribute("session") + "-" + name.replace(/[^a-zA-Z0-9_-]/g, "-"); }
    render(page) {
      var el = this, reg = page.registration || {};
      this._page = page;
      var heading = h(headingLevel(el), { class: "ww-embed__heading", id: el.id("heading"), tabindex: "-1", text: el.getAttribute("heading") || t(el, "register") });
      var section = h("section", { class: "ww-registration", "aria-labelledby": el.id("heading") }, [heading]);
      if (reg.enabled === false) { replace(el, this._fallback); return; }
      section.appendChild(h("p", { class: "ww-embed__session" }, [
        h("a", { href: page.meta.html_url, text: page.title }), " ",
        h("time", { datetime: page.start, text: when(el, page.start, page.end) })]));
      if (reg.message) section.appendChild(h("p", { class: "ww-registration__state" + (reg.open ? "" : " ww-registration__state--closed"), text: reg.message }));
      if (reg.open) section.appendChild(this.buildForm(reg));
      replace(el, [section]);
    }
    buildForm(reg) {
      var el = this, groups = { about: [], participants: [], questions: [], consent: [] };
      (reg.fields || []).forEach(function (f) {
        var node = el.buildField(f);
        if (f.name === "consent") groups.consent.push(node);
        else if (ABOUT_YOU.indexOf(f.name) >= 0) groups.about.push(node);
        else if (f.name === "participants") groups.participants.push(node);
        else groups.questions.push(node);
      });
      if (reg.consent && !groups.consent.length) {
        groups.consent.push(el.buildField({ name: "consent", type: "checkbox", label: reg.consent.text, required: true }));
      }
      if (reg.consent || groups.consent.length) {
        if (reg.privacy_policy_url) groups.consent.push(h("p", { class: "ww-hint" }, [h("a", { href: reg.privacy_policy_url, text: t(el, "privacy") })]));
      }
      var form = h("form", { class: "ww-form", novalidate: true }, [h("p", { class: "ww-hint", text: t(el, "allRequired") })]);
      [["about", "aboutYou"], ["participants", "participants"], ["questions", "questions"], ["consent", "personalData"]].forEach(function (g) {
        if (groups[g[0]].length) form.appendChild(h("fieldset", { class: "ww-fieldset" }, [h("legend", { text: t(el, g[1]) })].concat(groups[g[0]])));
      });
      var waiting = reg.waiting_list && reg.places_left === 0;
      form.appendChild(h("button", { type: "submit", class: "ww-button", text: t(el, waiting ? "waitlist" : "submit") }));
      form.addEventListener("submit", function (event) { event.preventDefault(); el.submit(form, reg); });
      this._fields = reg.fields || [];
      return form;
    }
    buildField(f) {
      var el = this, id = el.id(f.name), hintId = f.help_text ? id + "-hint" : null;
      var label = [f.label, f.required ? null : h("span", { class: "ww-optional", text: " (" + t(el, "optional") + ")" })];
      var hint = hintId ? h("p", { class: "ww-hint", id: hintId, text: f.help_text }) : null;
      var wrapper;
      if (f.type === "checkboxes" || f.type === "radio") {
        wrapper = h("fieldset", { class: "ww-field ww-field--group", "data-ww-field": f.name, "aria-describedby": hintId },
          [h("legend", { class: "ww-field__label" }, label), hint]);
        (f.choices || []).forEach(function (c, i) {
          var cid = id + "-" + i;
          wrapper.appendChild(h("div", { class: "ww-field__choice" }, [
            h("input", { type: f.type === "radio" ? "radio" : "checkbox", id: cid, name: f.name, value: c.value }),
            " ", h("label", { for: cid, text: c.label })]));
        });
        wrapper._focusTarget = id + "-0";
        return wrapper;
      }
      var input;
      if (f.type === "checkbox") {
        input = h("input", { type: "checkbox", id: id, name: f.name, "aria-describedby": hintId });
        wrapper = h("div", { class: "ww-field ww-field--checkbox", "data-ww-field": f.name }, [input, h("label", { for: id, text: f.label }), hint]);
        return wrapper;
      }
      if (f.type === "select") {
        input = h("select", { id: id, name: f.name, "aria-describedby": hintId, required: f.required });
        var groups = {};
        // Nothing chosen until the visitor chooses (as our own form's first, empty option).
        if (!(f.choices || []).some(function (c) { return c.value === ""; })) {
          input.appendChild(h("option", { value: "", text: t(el, f.name === "municipality_code" ? "chooseMunicipality" : "choose") }));
        }
        (f.choices || []).forEach(function (c) {
          var option = h("option", { value: c.value, text: c.label });
          if (c.group) {
            if (!groups[c.group]) { groups[c.group] = h("optgroup", { label: c.group }); input.appendChild(groups[c.group]); }
            groups[c.group].appendChild(option);
          } else input.appendChild(option);
        });
      } else if (f.type === "textarea") {
        input = h("textarea", { id: id, name: f.name, rows: "4", "aria-describedby": hintId, required: f.required, maxlength: f.max_length });
      } else {
        var type = f.type === "email" || f.type === "number" ? f.type : "text";
        var auto = { name: "name", email: "email", organisation: "organization" }[f.name];
        input = h("input", { type: type, id: id, name: f.name, "aria-describedby": hintId, required: f.required, maxlength: f.max_length, autocomplete: auto });
      }
      return h("div", { class: "ww-field", "data-ww-field": f.name }, [h("label", { class: "ww-field__label", for: id }, label), hint, input]);
    }
    collect(form, reg) {
      var body = { language: lang(this), answers: {} };
      this._fields.forEach(function (f) {
        var value;
        var inputs = form.querySelectorAll("[name=\"" + CSS.escape(f.name) + "\"]");
        if (f.type === "checkboxes") value = Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
        else if (f.type === "radio") { var on = Array.prototype.find.call(inputs, function (i) { return i.checked; }); value = on ? on.value : ""; }
        else if (f.type === "checkbox") value = inputs[0].checked;
        else value = inputs[0].value;
        if (f.name.indexOf("answers.") === 0) body.answers[f.name.slice(8)] = value;
        else body[f.name] = value;
      });
      var consent = form.querySelector("[name=consent]");
      body.consent = consent ? consent.checked : false;
      if (reg.consent && reg.consent.version !== undefined) body.consent_version = reg.consent.version;
      return body;
    }
    clearErrors(form) {
      Array.prototype.forEach.call(form.querySelectorAll(".ww-error-summary, .ww-error"), function (n) { n.remove(); });
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) {
        n.removeAttribute("aria-invalid");
        var ids = (n.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && !/-error$/.test(x); });
        if (ids.length) n.setAttribute("aria-describedby", ids.join(" ")); else n.removeAttribute("aria-describedby");
      });
      Array.prototype.forEach.call(form.querySelectorAll(".ww-field--error"), function (n) { n.classList.remove("ww-field--error"); });
    }
    showErrors(form, errors) {
      var el = this, items = [];
      Object.keys(errors).forEach(function (key) {
        var messages = errors[key] || [];
        var wrapper = form.querySelector("[data-ww-field=\"" + CSS.escape(key) + "\"]");
        if (!wrapper) { messages.forEach(function (m) { items.push(h("li", { text: m })); }); return; }
        var errorId = el.id(key) + "-error";
        var error = h("p", { class: "ww-error", id: errorId }, [h("span", { class: "ww-visually-hidden", text: t(el, "error") + " " }), messages.join(" ")]);
        wrapper.classList.add("ww-field--error");
        var control = wrapper.matches("fieldset") ? wrapper : wrapper.querySelector("input, select, textarea");
        var legend = wrapper.querySelector("legend, label");
        wrapper.insertBefore(error, wrapper.matches(".ww-field--checkbox") ? wrapper.firstChild : legend.nextSibling);
        control.setAttribute("aria-describedby", ((control.getAttribute("aria-describedby") || "") + " " + errorId).trim());
        if (!wrapper.matches("fieldset")) control.setAttribute("aria-invalid", "true");
        var target = wrapper.matches("fieldset") ? el.id(key) + "-0" : control.id;
        messages.forEach(function (m) { items.push(h("li", {}, [h("a", { href: "#" + target, text: m })])); });
      });
      var summary = h("div", { class: "ww-error-summary", role: "alert", tabindex: "-1", "aria-labelledby": el.id("summary") }, [
        h("h3", { class: "ww-error-summary__title", id: el.id("summary"), text: t(el, "summary") }),
        h("ul", { class: "ww-error-summary__list" }, items)]);
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a");
        if (!link) return;
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (field) { event.preventDefault(); field.focus(); }
      });
      form.insertBefore(summary, form.firstChild);
      summary.focus();
    }
    submit(form, reg) {
      var el = this, button = form.querySelector("button[type=submit]");
      if (button.disabled) return;
      button.disabled = true;
      var label = button.textContent;
      button.textContent = t(el, "sending");
      fetch(reg.endpoint, {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(el.collect(form, reg))
      }).then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      }).then(function (answer) {
        button.disabled = false;
        button.textContent = label;
        el.clearErrors(form);
        if (answer.status === 201) el.showResult(form, answer.data, reg);
        else if (answer.status === 400 && answer.data.errors) el.showErrors(form, answer.data.errors);
        else if (answer.status === 409 && answer.data.message) el.showClosed(form, answer.data.message);
        else el.showErrors(form, { __all__: [answer.data.message || t(el, "network")] });
      }).catch(function () {
        button.disabled = false;
        button.textContent = label;
        el.clearErrors(form);
        el.showErrors(form, { __all__: [t(el, "network")] });
      });
    }
    showClosed(form, message) {
      // Full or closed since the form was shown (409): nothing typed can be sent any more, so the
      // form goes, and so does the stale "places left" line that stood above it.
      var state = h("p", { class: "ww-registration__state ww-registration__state--closed", tabindex: "-1", role: "status", id: this.id("state"), text: message });
      Array.prototype.forEach.call(this.querySelectorAll(".ww-registration__state"), function (n) { n.remove(); });
      form.replaceWith(state);
      state.focus();
    }
    showResult(form, data, reg) {
      var el = this;
      var result = h("div", { class: "ww-result ww-result--" + data.status, tabindex: "-1", role: "status", id: el.id("result") }, [
        h("p", { class: "ww-result__message", text: data.message })]);
      // Only a confirmed place goes in the calendar: someone waiting has none yet (the waiting
      // list's e-mail carries no invitation either).
      if (reg.ics_url && data.status === "confirmed") result.appendChild(h("p", {}, [h("a", { href: reg.ics_url, text: t(el, "calendar") })]));
      form.replaceWith(result);
      Array.prototype.forEach.call(el.querySelectorAll(".ww-registration__state"), function (n) { n.remove(); });
      result.focus();
    }
  }

  if (!customElements.get("ww-webinars")) customElements.define("ww-webinars", WebinarList);
  if (!customElements.get("ww-registration")) customElements.define("ww-registration", RegistrationForm);
})();
