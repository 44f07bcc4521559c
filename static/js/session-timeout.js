// The session time-out warning (NHS.UK and GOV.UK pattern) for people whose sessions end
// after a spell without use (talentportal/directory/sessions.py). templates/base.html renders
// the dialog only for them, with what the server knows as data attributes:
//   data-expires-in   seconds the session has left when the page was made
//   data-warn-before  seconds before the end to open the warning
//   data-extend-url   POST here for "Stay signed in"; answers {"expires_in": seconds}
//   data-sign-in-url  where to go when the time is up (with ?next= this page)
//   data-csrf-token, data-user
// What was typed in this page's forms is kept in sessionStorage (this tab only) when the time
// runs out, and put back when the same person opens the same page again after signing in,
// within KEEP_FOR. Never kept: forms marked data-session-keep="no" (equality answers and
// confidential words: coaching goals and everything on a relationship's page, nominations and
// decisions on them, talent conversations and calibration notes), and equality questions
// (EQUALITY_FIELDS) on any form, marked or not, so that none of it is left in a browser that
// was walked away from. Every page loads this script, signed in or not, to clear what was
// kept once KEEP_FOR has passed.
(function () {
  "use strict";

  var KEPT_PREFIX = "tp-kept-form:";
  var KEEP_FOR = 10 * 60 * 1000;
  // talentportal/directory/forms.py EqualityForm (also asked when booking).
  var EQUALITY_FIELDS = ["ethnic_category", "disability", "sex"];

  function keptAt(raw) {
    try {
      return Number(JSON.parse(raw).at) || 0;
    } catch (e) {
      return 0;
    }
  }

  // Remove what was kept longer ago than KEEP_FOR (on any page), then again when the next
  // entry's time is up, for a tab left open on the sign-in page.
  function forgetOld() {
    var next = null;
    try {
      for (var i = window.sessionStorage.length - 1; i >= 0; i--) {
        var key = window.sessionStorage.key(i);
        if (!key || key.indexOf(KEPT_PREFIX) !== 0) {
          continue;
        }
        var until = keptAt(window.sessionStorage.getItem(key)) + KEEP_FOR;
        if (until <= Date.now()) {
          window.sessionStorage.removeItem(key);
        } else if (next === null || until < next) {
          next = until;
        }
      }
    } catch (e) {
      return;
    }
    if (next !== null) {
      window.setTimeout(forgetOld, next - Date.now() + 1000);
    }
  }
  forgetOld();

  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var data = dialog.dataset;
  var warnBefore = Number(data.warnBefore) * 1000;
  var user = data.user;
  var keptKey = KEPT_PREFIX + window.location.pathname;
  var deadlineKey = "tp-session-deadline";
  var countdown = dialog.querySelector("[data-countdown]");
  var stay = dialog.querySelector("[data-stay]");
  var signOut = dialog.querySelector("[data-sign-out]");
  var restored = document.querySelector("[data-session-restored]");
  var deadline = Date.now() + Number(data.expiresIn) * 1000;
  var ended = false;

  function publish() {
    // Other tabs of the same person follow the latest deadline (see "storage" below).
    try {
      window.localStorage.setItem(deadlineKey, JSON.stringify({ user: user, deadline: deadline }));
    } catch (e) {
      /* storage refused: each tab keeps its own clock */
    }
  }

  function fields() {
    var kept = [];
    document.querySelectorAll("main form").forEach(function (form, formIndex) {
      if (form.closest('[data-session-keep="no"]')) {
        return;
      }
      Array.prototype.forEach.call(form.elements, function (el) {
        var type = (el.type || "").toLowerCase();
        if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") {
          return;
        }
        if (EQUALITY_FIELDS.indexOf(el.name) >= 0) {
          return;
        }
        if (["password", "hidden", "file", "submit", "button", "image", "reset"].indexOf(type) >= 0) {
          return;
        }
        var item = { form: formIndex, name: el.name, type: type };
        if (type === "checkbox" || type === "radio") {
          item.value = el.value;
          item.checked = el.checked;
        } else if (type === "select-multiple") {
          item.values = Array.prototype.filter
            .call(el.options, function (o) { return o.selected; })
            .map(function (o) { return o.value; });
        } else {
          item.value = el.value;
        }
        kept.push(item);
      });
    });
    return kept;
  }

  function keep() {
    var kept = fields();
    try {
      if (kept.length) {
        window.sessionStorage.setItem(
          keptKey,
          JSON.stringify({ user: user, at: Date.now(), fields: kept })
        );
      } else {
        window.sessionStorage.removeItem(keptKey);
      }
    } catch (e) {
      /* nothing more we can do */
    }
  }

  function restore() {
    var raw;
    try {
      raw = window.sessionStorage.getItem(keptKey);
      window.sessionStorage.removeItem(keptKey);
    } catch (e) {
      return;
    }
    if (!raw) {
      return;
    }
    var kept = JSON.parse(raw);
    // Only for the person who typed it, and only soon after.
    if (kept.user !== user || !(Date.now() - kept.at <= KEEP_FOR)) {
      return;
    }
    var forms = document.querySelectorAll("main form");
    var changed = false;
    kept.fields.forEach(function (item) {
      var form = forms[item.form];
      if (!form || form.closest('[data-session-keep="no"]') || EQUALITY_FIELDS.indexOf(item.name) >= 0) {
        return;
      }
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== item.name) {
          return;
        }
        if (item.type === "checkbox" || item.type === "radio") {
          if (el.value === item.value && el.checked !== item.checked) {
            el.checked = item.checked;
            changed = true;
          }
        } else if (item.type === "select-multiple") {
          Array.prototype.forEach.call(el.options, function (o) {
            o.selected = item.values.indexOf(o.value) >= 0;
          });
          changed = true;
        } else if (el.value !== item.value) {
          el.value = item.value;
          changed = true;
        }
      });
    });
    if (changed && restored) {
      restored.hidden = false;
    }
  }

  function signInAgain() {
    if (ended) {
      return;
    }
    ended = true;
    keep();
    var next = window.location.pathname + window.location.search;
    window.location.assign(data.signInUrl + "?next=" + encodeURIComponent(next));
  }

  function say(remaining) {
    var seconds = Math.max(0, Math.ceil(remaining / 1000));
    var text;
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      text = minutes + (minutes === 1 ? " minute" : " minutes");
    } else {
      text = seconds + (seconds === 1 ? " second" : " seconds");
    }
    if (countdown.textContent !== text) {
      countdown.textContent = text;
    }
  }

  function tick() {
    var remaining = deadline - Date.now();
    if (remaining <= 0) {
      signInAgain();
    } else if (remaining <= warnBefore) {
      say(remaining);
      if (!dialog.open) {
        dialog.showModal();
        stay.focus();
      }
    } else if (dialog.open) {
      dialog.close();
    }
  }

  function extend() {
    stay.disabled = true;
    window
      .fetch(data.extendUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": data.csrfToken, Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("signed out");
        }
        return response.json();
      })
      .then(function (answer) {
        if (answer.expires_in === null) {
          window.clearInterval(timer);
        } else {
          deadline = Date.now() + answer.expires_in * 1000;
          publish();
        }
        if (dialog.open) {
          dialog.close();
        }
      })
      .catch(signInAgain)
      .finally(function () {
        stay.disabled = false;
      });
  }

  stay.addEventListener("click", extend);
  // Escape closes the warning and, as the pattern says, keeps the person signed in.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    extend();
  });
  signOut.addEventListener("click", function (event) {
    var form = document.querySelector(".nhsuk-header__account-form");
    if (form) {
      event.preventDefault();
      form.submit();
    }
  });
  // A form sent after the time is up (a laptop woken from sleep) would only meet the sign-in
  // page: keep what it holds and go there instead.
  document.addEventListener(
    "submit",
    function (event) {
      if (Date.now() >= deadline) {
        event.preventDefault();
        signInAgain();
      }
    },
    true
  );
  window.addEventListener("storage", function (event) {
    if (event.key !== deadlineKey || !event.newValue) {
      return;
    }
    var other = JSON.parse(event.newValue);
    if (other.user === user && other.deadline > deadline) {
      deadline = other.deadline;
      tick();
    }
  });

  restore();
  publish();
  var timer = window.setInterval(tick, 1000);
  tick();
})();
