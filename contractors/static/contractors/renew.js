// Contractor permit renewal: look the permit up without reloading the page, and give the ALTCHA
// widget (loaded just before this module) the portal's words and its proof-of-work worker. Without
// JavaScript the look-up posts normally and the server renders the same page; sending the request
// needs the browser's proof-of-work (core/proofofwork.py), which the page says in a <noscript>.
(function () {
  "use strict";

  var lookupForm = document.getElementById("lookup-form");
  var result = document.getElementById("lookup-result");
  var step2 = document.getElementById("step2");
  var renewalForm = document.getElementById("renewal-form");
  var widget = document.getElementById("pow-widget");
  if (!lookupForm || !result || !step2) {
    return;
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fill(node, slot, text) {
    var el = node.querySelector('[data-slot="' + slot + '"]');
    if (el) {
      el.textContent = text || "";
    }
    return el;
  }

  // The widget's labels in the page's language (from the portal's catalogue), and its PBKDF2 worker
  // served by the portal (a same-origin file: the Content Security Policy's 'self' covers it).
  function setUpWidget() {
    var registry = globalThis.$altcha;
    if (!widget || !registry) {
      return;
    }
    var language = widget.getAttribute("language") || document.documentElement.lang || "ar";
    var strings = JSON.parse(widget.dataset.strings || "{}");
    registry.i18n.set(language, Object.assign({}, registry.i18n.get("en"), strings));
    var workerUrl = widget.dataset.worker;
    registry.algorithms.set("PBKDF2/SHA-256", function () {
      return new Worker(workerUrl);
    });
  }

  // Sending before the check is done: do the check, then send (nothing else is asked of the person).
  function submitAfterCheck(event) {
    if (!widget || typeof widget.getState !== "function" || widget.getState() === "verified") {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    widget.addEventListener(
      "verified",
      function () {
        renewalForm.requestSubmit(submitter);
      },
      { once: true },
    );
    if (widget.getState() !== "verifying") {
      widget.verify();
    }
  }

  function showOutcome(data) {
    var template = document.getElementById(data.found ? "lookup-found" : "lookup-miss");
    var node = template.content.cloneNode(true);
    var box = node.querySelector('[data-slot="box"]');
    if (data.found) {
      box.classList.remove("alert-success", "alert-warning");
      box.classList.add(data.renewable ? "alert-success" : "alert-warning");
      fill(node, "contractor_name", data.contractor_name);
      fill(node, "permit_ref", data.permit.number + "/" + data.permit.year);
      fill(node, "permit_kind", data.permit.kind);
      fill(node, "permit_site", data.permit.site);
      fill(node, "permit_valid_until", data.permit.valid_until_text);
      fill(node, "permit_status", data.permit.status);
      var message = fill(node, "message", data.message);
      if (message) {
        message.hidden = !data.message;
      }
    } else {
      fill(node, "message", data.message);
    }
    result.replaceChildren(node);

    if (data.found && data.renewable) {
      var select = document.getElementById("id_period_year");
      select.replaceChildren();
      data.years.forEach(function (year) {
        var option = document.createElement("option");
        option.value = String(year);
        option.textContent = String(year);
        select.appendChild(option);
      });
      step2.hidden = false;
      document.getElementById("step2-title").focus();
    } else {
      step2.hidden = true;
    }
  }

  lookupForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = lookupForm.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(lookupForm.action, {
      method: "POST",
      body: new FormData(lookupForm),
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(lookupForm) },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (response.status === 400) {
          // Field errors: let the server render them next to their fields, with what was typed.
          lookupForm.submit();
          return null;
        }
        return response.json().then(function (data) {
          if (response.status === 429) {
            showOutcome({ found: false, message: data.error });
            return null;
          }
          showOutcome(data);
          return null;
        });
      })
      .catch(function () {
        lookupForm.submit();
      })
      .finally(function () {
        button.disabled = false;
      });
  });

  setUpWidget();
  if (renewalForm) {
    renewalForm.addEventListener("submit", submitAfterCheck);
  }
})();
