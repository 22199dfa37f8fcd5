/*
 * wagtail_webinars: the feedback panel in Wagtail's page editor (loaded by insert_editor_js).
 * Wagtail has no hook that adds a side panel to every page type's editor, so this script asks
 * the admin view for the page's panel and adds it, as one of Wagtail's own panels, at the end of
 * the editor's first tab. Its switch belongs to no form: it is saved on its own when it changes,
 * never with the page.
 */
(function () {
  "use strict";
  var script = document.currentScript;

  function load(pageId, urlTemplate) {
    var url = urlTemplate.replace(/\/0\/panel\/$/, "/" + pageId + "/panel/");
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; });
  }

  // Wagtail wires its panels' collapse buttons when the editor loads; this panel comes later.
  function wireToggle(container) {
    var toggle = container.querySelector("[data-panel-toggle]");
    if (!toggle) return;
    toggle.addEventListener("click", function () {
      var content = document.getElementById(toggle.getAttribute("aria-controls"));
      var expanding = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", expanding ? "true" : "false");
      if (content) content.hidden = !expanding;
    });
  }

  function wireSwitch(container) {
    var wrapper = container.querySelector("[data-ww-feedback-switch]");
    if (!wrapper) return;
    var checkbox = wrapper.querySelector("input[type=checkbox]");
    var status = wrapper.querySelector("[data-ww-feedback-panel-status]");
    checkbox.addEventListener("change", function (event) {
      // Not a change of the page: Wagtail's "unsaved changes" warning must not count it.
      event.stopPropagation();
      var body = new FormData();
      body.append("csrfmiddlewaretoken", wrapper.dataset.csrfToken);
      if (checkbox.checked) body.append("enabled", "on");
      checkbox.disabled = true;
      fetch(wrapper.dataset.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          status.textContent = checkbox.checked ? status.dataset.savedOn : status.dataset.savedOff;
        })
        .catch(function () {
          checkbox.checked = !checkbox.checked;
          status.textContent = status.dataset.failed;
        })
        .then(function () {
          checkbox.disabled = false;
          checkbox.focus();
        });
    });
    checkbox.addEventListener("input", function (event) { event.stopPropagation(); });
  }

  function init() {
    var editForm = document.getElementById("page-edit-form");
    if (!editForm || !script) return;
    var match = /\/pages\/(\d+)\/edit\//.exec(editForm.getAttribute("action") || "");
    if (!match) return;
    var firstTab = editForm.querySelector("[role=tabpanel]");
    var target = (firstTab && firstTab.querySelector(".w-form-width")) || firstTab;
    var container = document.createElement("div");
    container.className = "ww-feedback-panel-container";
    if (target) {
      target.appendChild(container);
    } else {
      editForm.parentNode.insertBefore(container, editForm);
    }
    load(match[1], script.dataset.wwFeedbackPanelUrl).then(function (html) {
      if (!html) return;
      container.innerHTML = html;
      wireToggle(container);
      wireSwitch(container);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
