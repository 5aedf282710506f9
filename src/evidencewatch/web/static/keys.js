// Keyboard shortcuts for the review pages. The pages work fully without this file.
// Shortcuts never fire while the focus is in a field, or with Ctrl/Alt/Meta held.
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function toggleHelp(show) {
    var help = document.getElementById("help");
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
  }

  // --- queue: j/k move, o/Enter open, x tick ---------------------------------------------
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
  var current = -1;

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) {
      rows[current].classList.remove("selected");
      rows[current].removeAttribute("aria-selected");
    }
    current = index;
    rows[current].classList.add("selected");
    rows[current].setAttribute("aria-selected", "true");
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function open() {
    if (current >= 0) window.location.href = rows[current].getAttribute("data-href");
  }

  function tick() {
    if (current < 0) return;
    var box = rows[current].querySelector("input[type=checkbox]");
    if (box) box.checked = !box.checked;
  }

  // --- candidate: a/r/d go to the accept/reject/defer form ------------------------------
  function focusForm(key) {
    var form = document.querySelector('form[data-shortcut-form="' + key + '"]');
    if (!form) return false;
    var target = form.querySelector("[data-shortcut-target]") || form.querySelector("input, select, textarea, button");
    form.scrollIntoView({ block: "nearest" });
    if (target) target.focus();
    return true;
  }

  // --- candidate: A/R/D decide at once when that form is complete -----------------------
  // (the statement for accept, the reason for reject; defer needs nothing). When it is
  // not complete, the first missing field takes the focus and says what it needs.
  function decide(key) {
    var form = document.querySelector('form[data-shortcut-form="' + key + '"]');
    if (!form) return false;
    if (!form.checkValidity()) {
      var missing = form.querySelector(":invalid");
      if (missing) { missing.focus(); if (missing.reportValidity) missing.reportValidity(); }
      return true;
    }
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
    return true;
  }

  // j/k/n on a candidate page: next/previous pending candidate, n skips without deciding.
  var candidatePath = /^\/candidates\/(\d+)\/?$/.exec(window.location.pathname);
  function goCandidate(where) {
    if (!candidatePath) return false;
    window.location.href = "/candidates/" + candidatePath[1] + "/" + where;
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    // Enter on a complete decision form's select (the reject reason) decides too.
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && el && el.tagName === "SELECT") {
      var own = el.closest ? el.closest("form[data-shortcut-form]") : null;
      if (own && own.checkValidity()) {
        event.preventDefault();
        if (own.requestSubmit) own.requestSubmit(); else own.submit();
        return;
      }
    }
    // Ctrl/Cmd+Enter submits the decision form the focus is in.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = el && el.closest ? el.closest("form[data-shortcut-form]") : null;
      if (form) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
      return;
    }
    if (event.key === "Escape") {
      toggleHelp(false);
      if (typing(el)) el.blur();
      return;
    }
    if (event.ctrlKey || event.altKey || event.metaKey || typing(el)) return;

    var handled = true;
    switch (event.key) {
      case "?": toggleHelp(); break;
      case "j": if (rows.length) select(current + 1); else handled = goCandidate("next"); break;
      case "k": if (rows.length) select(current < 0 ? 0 : current - 1); else handled = goCandidate("previous"); break;
      case "n": handled = goCandidate("next"); break;
      case "A": case "R": case "D": handled = decide(event.key.toLowerCase()); break;
      case "/":
        var search = document.getElementById("queue-search");
        if (search) search.focus(); else handled = false;
        break;
      case "o": if (current >= 0) open(); else handled = false; break;
      case "Enter":
        // Enter on a link or button keeps its own meaning.
        if (current >= 0 && (el === document.body || el.tagName === "TR")) open(); else handled = false;
        break;
      case "x": if (current >= 0) tick(); else handled = false; break;
      case "a": case "r": case "d": handled = focusForm(event.key); break;
      case "u":
        var back = document.querySelector("[data-shortcut-back]");
        if (back) window.location.href = back.getAttribute("href"); else handled = false;
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  var helpButton = document.querySelector("[data-help-toggle]");
  if (helpButton) helpButton.addEventListener("click", function () { toggleHelp(); });
})();
