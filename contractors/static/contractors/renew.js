// Contractor permit renewal: look the permit up without reloading the page, and refresh the
// verification code in place. Without JavaScript the same forms post normally and the server
// renders the same page, so everything here is an enhancement.
(function () {
  "use strict";

  var lookupForm = document.getElementById("lookup-form");
  var result = document.getElementById("lookup-result");
  var step2 = document.getElementById("step2");
  var renewalForm = document.getElementById("renewal-form");
  var refresh = document.getElementById("captcha-refresh");
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

  function setCaptcha(captcha) {
    if (!captcha) {
      return;
    }
    document.getElementById("captcha-image").src = captcha.image;
    document.getElementById("captcha-text").textContent = captcha.text;
    var input = document.getElementById("id_captcha");
    if (input) {
      input.value = "";
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
      fill(node, "permit_valid_until", data.permit.valid_until);
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
      setCaptcha(data.captcha);
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

  if (refresh && renewalForm) {
    refresh.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(refresh.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data) {
            setCaptcha(data);
            document.getElementById("id_captcha").focus();
          }
        });
    });
  }
})();
