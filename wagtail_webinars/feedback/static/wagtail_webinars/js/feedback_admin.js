/*
 * wagtail_webinars: the feedback panel in Wagtail's page editor (loaded by insert_editor_js).
 * Wagtail has no hook that adds a side panel to every page type's editor, so this script asks
 * the admin view for the page's panel and shows it above the editor's form.
 */
(function () {
  "use strict";
  var script = document.currentScript;

  function load(pageId, urlTemplate) {
    var url = urlTemplate.replace(/\/0\/panel\/$/, "/" + pageId + "/panel/");
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; });
  }

  function show(container, html) {
    container.innerHTML = html;
    var form = container.querySelector("[data-ww-feedback-panel-form]");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
        .then(function (html) {
          show(container, html);
          var status = container.querySelector("[data-ww-feedback-panel-status]");
          var checkbox = container.querySelector("#ww-feedback-enabled");
          if (checkbox) checkbox.focus();
          if (status) status.textContent = status.dataset.saved || "✓";
        })
        .catch(function () { form.submit(); });
    });
  }

  function init() {
    var editForm = document.getElementById("page-edit-form");
    if (!editForm || !script) return;
    var match = /\/pages\/(\d+)\/edit\//.exec(editForm.getAttribute("action") || "");
    if (!match) return;
    var container = document.createElement("div");
    container.className = "ww-feedback-panel-container";
    editForm.parentNode.insertBefore(container, editForm);
    load(match[1], script.dataset.wwFeedbackPanelUrl).then(function (html) {
      if (html) show(container, html);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
