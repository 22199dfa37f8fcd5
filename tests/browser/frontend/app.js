/* A municipality's own frontend on another origin, written from docs/api.md, docs/registration.md
 * and docs/feedback.md alone, with nothing but fetch(): it never loads a script of the webinar
 * site. The test serves it from a second (listed) and a third (unlisted) loopback origin.
 *
 *   index.html?api=<API v2 root>&webinars=<the package's URL prefix>            the list
 *   index.html?...&session=<page id>                                            form + feedback
 *   index.html?...&cancel=<token from the e-mail's cancel link>                 cancel
 */
"use strict";

const params = new URLSearchParams(location.search);
const API = params.get("api");            // e.g. https://webinarier.skr.example/api/v2/
const WEBINARS = params.get("webinars");  // e.g. https://webinarier.skr.example/webinars/
const LANG = document.documentElement.lang || "sv";
const app = document.getElementById("app");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child) node.append(child);
  }
  return node;
}

function show(...nodes) {
  app.replaceChildren(...nodes);
}

function link(query) {
  const next = new URLSearchParams({ api: API, webinars: WEBINARS, ...query });
  return "index.html?" + next.toString();
}

const dateFormat = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Europe/Stockholm", dateStyle: "long", timeStyle: "short",
});

async function read(url) {
  const response = await fetch(url, { headers: { "Accept": "application/json", "Accept-Language": LANG } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// Our JSON endpoints: a JSON body; the answer's status and JSON body are what the docs list.
async function write(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/json", "Accept-Language": LANG },
    body: JSON.stringify(body),
  });
  return { status: response.status, data: await response.json() };
}

// --- the list: series with their sessions, and every upcoming session -----------------------------

async function showList() {
  const [series, sessions] = await Promise.all([
    read(`${API}pages/?type=wagtail_webinars.WebinarSeriesPage&fields=lead,sessions`),
    read(`${API}pages/?type=wagtail_webinars.WebinarSessionPage&fields=start,end,computed_status&order=start`),
  ]);
  const sessionItem = (s) => el("li", { "data-session": s.id },
    el("a", { href: link({ session: s.id }), text: s.title }), " ",
    el("time", { datetime: s.start, text: dateFormat.format(new Date(s.start)) }));
  show(
    el("h1", { text: "Webbinarier" }),
    el("section", { id: "series", "aria-labelledby": "series-heading" },
      el("h2", { id: "series-heading", text: "Serier" }),
      series.items.map((item) => el("article", { "data-series": item.id },
        el("h3", { text: item.title }),
        el("p", { text: item.lead }),
        el("ul", {}, item.sessions.filter((s) => s.computed_status === "upcoming").map(sessionItem))))),
    el("section", { id: "upcoming", "aria-labelledby": "upcoming-heading" },
      el("h2", { id: "upcoming-heading", text: "Alla kommande webbinarier" }),
      el("ul", {}, sessions.items.filter((s) => s.computed_status === "upcoming").map(sessionItem))),
  );
}

// --- one session: the registration form from its `registration` object, and feedback ------------

function control(field) {
  const id = "field-" + field.name.replace(/[^a-zA-Z0-9_-]/g, "-");
  const hintId = field.help_text ? id + "-hint" : null;
  const label = field.label + (field.required ? "" : " (valfritt)");
  const hint = hintId ? el("p", { class: "hint", id: hintId, text: field.help_text }) : null;
  if (field.type === "checkboxes" || field.type === "radio") {
    return el("fieldset", { class: "field", "data-field": field.name, "aria-describedby": hintId },
      el("legend", { text: label }), hint,
      field.choices.map((choice, i) => el("div", {},
        el("input", { type: field.type === "radio" ? "radio" : "checkbox", id: `${id}-${i}`, name: field.name, value: choice.value }),
        el("label", { for: `${id}-${i}`, text: choice.label }))));
  }
  let input;
  if (field.type === "select") {
    input = el("select", { id, name: field.name, "aria-describedby": hintId },
      el("option", { value: "", text: "Välj…" }),
      field.choices.map((choice) => el("option", { value: choice.value, text: choice.label })));
  } else if (field.type === "textarea") {
    input = el("textarea", { id, name: field.name, "aria-describedby": hintId, maxlength: field.max_length });
  } else if (field.type === "checkbox") {
    return el("div", { class: "field", "data-field": field.name },
      el("input", { type: "checkbox", id, name: field.name, "aria-describedby": hintId }),
      el("label", { for: id, text: field.label }), hint);
  } else {
    // text, email, number; docs/api.md: "render an unknown type as text".
    const type = ["email", "number"].includes(field.type) ? field.type : "text";
    input = el("input", { type, id, name: field.name, "aria-describedby": hintId, maxlength: field.max_length });
  }
  return el("div", { class: "field", "data-field": field.name }, el("label", { for: id, text: label }), hint, input);
}

function valueOf(form, field) {
  const inputs = [...form.querySelectorAll(`[name="${CSS.escape(field.name)}"]`)];
  switch (field.type) {
    case "checkboxes": return inputs.filter((i) => i.checked).map((i) => i.value);
    case "radio": return (inputs.find((i) => i.checked) || { value: "" }).value;
    case "checkbox": return inputs[0].checked;  // consent must be JSON true
    case "number": return inputs[0].value === "" ? null : Number(inputs[0].value);
    default: return inputs[0].value;
  }
}

function bodyOf(form, registration) {
  const body = { language: LANG, consent_version: registration.consent && registration.consent.version };
  for (const field of registration.fields) {
    const value = valueOf(form, field);
    if (field.name.startsWith("answers.")) {
      body.answers = body.answers || {};
      body.answers[field.name.slice("answers.".length)] = value;
    } else {
      body[field.name] = value;
    }
  }
  return body;
}

function showErrors(form, errors) {
  form.querySelectorAll(".error, .error-summary").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  const summary = el("div", { class: "error-summary", role: "alert", tabindex: "-1" },
    el("h3", { text: "Det finns ett problem med din anmälan" }));
  const list = el("ul");
  for (const [name, messages] of Object.entries(errors)) {
    const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (wrapper) {
      const errorId = `error-${name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
      wrapper.append(el("p", { class: "error", id: errorId, "data-error-for": name, text: messages.join(" ") }));
      const input = wrapper.querySelector("input, select, textarea");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), errorId].filter(Boolean).join(" "));
    }
    for (const message of messages) list.append(el("li", { text: message }));
  }
  summary.append(list);
  form.prepend(summary);
  summary.focus();
}

function showOutcome(target, kind, message) {
  const outcome = el("div", { class: "outcome", "data-outcome": kind, role: "status", tabindex: "-1" },
    el("p", { text: message }));
  target.replaceWith(outcome);
  outcome.focus();
  return outcome;
}

function registrationSection(page) {
  const registration = page.registration;
  const section = el("section", { id: "registration", "aria-labelledby": "registration-heading" },
    el("h2", { id: "registration-heading", text: "Anmälan" }));
  section.dataset.state = registration.state;
  if (registration.message) section.append(el("p", { class: "state", text: registration.message }));
  if (registration.capacity !== null) {
    section.append(el("p", { class: "places", text: `Platser kvar: ${registration.places_left} av ${registration.capacity}` }));
  }
  if (!registration.open) return section;

  const waiting = registration.state === "waiting_list";
  const form = el("form", { novalidate: true },
    registration.fields.map(control),
    registration.privacy_policy_url
      ? el("p", {}, el("a", { href: registration.privacy_policy_url, text: "Så hanterar vi dina personuppgifter" }))
      : null,
    el("button", { type: "submit", text: waiting ? "Ställ dig på väntelistan" : "Anmäl dig" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let answer;
    try {
      answer = await write(registration.endpoint, bodyOf(form, registration));
    } catch (error) {
      showErrors(form, { __all__: ["Anmälan kunde inte skickas."] });
      form.dataset.failed = String(error);
      return;
    }
    if (answer.status === 201) {
      const outcome = showOutcome(form, answer.data.status, answer.data.message);
      outcome.append(el("p", { text: `Platser: ${answer.data.places}` }),
        el("p", {}, el("a", { href: registration.ics_url, text: "Lägg till i kalendern" })));
    } else if (answer.status === 400) {
      showErrors(form, answer.data.errors);
    } else {
      showErrors(form, { __all__: [answer.data.message] });
    }
  });
  section.append(form);
  return section;
}

function feedbackSection(page) {
  const section = el("section", { id: "feedback", "aria-labelledby": "feedback-heading" },
    el("h2", { id: "feedback-heading", text: "Hjälpte informationen på sidan dig?" }));
  const send = async (body, target) => {
    const answer = await write(`${WEBINARS}api/feedback/`, { page: page.id, language: LANG, ...body });
    showOutcome(target, answer.status === 201 ? "feedback" : "feedback-error",
      answer.status === 201 ? "Tack för ditt svar!" : JSON.stringify(answer.data));
  };
  const buttons = el("div", {},
    el("button", { type: "button", "data-helpful": "true", text: "Ja" }),
    el("button", { type: "button", "data-helpful": "false", text: "Nej" }));
  buttons.addEventListener("click", (event) => {
    const helpful = event.target.dataset.helpful;
    if (helpful === "true") send({ helpful: true }, buttons);
    if (helpful === "false") {
      const form = el("form", {},
        el("label", { for: "feedback-comment", text: "Vad saknade du? (valfritt)" }),
        el("textarea", { id: "feedback-comment", name: "comment" }),
        el("button", { type: "submit", text: "Skicka" }));
      form.addEventListener("submit", (submitted) => {
        submitted.preventDefault();
        send({ helpful: false, comment: form.elements.comment.value }, form);
      });
      buttons.replaceWith(form);
      form.elements.comment.focus();
    }
  });
  section.append(buttons);
  return section;
}

async function showSession(id) {
  // The detail view has every field; read it again right before showing the form (docs/api.md,
  // "Places left without a publish").
  const page = await read(`${API}pages/${encodeURIComponent(id)}/`);
  show(
    el("h1", { text: page.title }),
    el("p", {}, el("time", { datetime: page.start, text: dateFormat.format(new Date(page.start)) })),
    el("p", { text: page.lead }),
    registrationSection(page),
    feedbackSection(page),
  );
}

// --- cancel, with the token from the e-mail's personal link --------------------------------------

function showCancel(token) {
  const form = el("form", {},
    el("p", { text: "Vill du avanmäla dig från webbinariet?" }),
    el("button", { type: "submit", text: "Avanmäl mig" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await write(`${WEBINARS}api/registrations/cancel/`, { token });
    if (answer.status === 200 && answer.data.status === "cancelled") showOutcome(form, "cancelled", "Du är avanmäld.");
    else showOutcome(form, "cancel-failed", "Länken gäller inte längre.");
  });
  show(el("h1", { text: "Avanmälan" }), form);
}

async function main() {
  try {
    if (params.has("cancel")) showCancel(params.get("cancel"));
    else if (params.has("session")) await showSession(params.get("session"));
    else await showList();
  } catch (error) {
    show(el("h1", { text: "Webbinarier" }), el("p", { class: "load-error", text: "Webbinarierna kunde inte hämtas." }));
    console.error(error);
  }
  document.body.dataset.ready = "true";
}

main();
