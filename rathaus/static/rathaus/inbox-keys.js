/* Keyboard shortcuts of the inbox (listed on each page under "Keyboard shortcuts").
   j/k move through the queue, or open the next/previous conversation; other keys act on
   the element marked data-key="<key>": a field gets the focus, a link or button is
   clicked. Nothing happens while someone types in a field or holds a modifier key, and
   every action is a normal link, button or field reachable with Tab. */
(function () {
  "use strict";
  var KEYS = ["j", "k", "r", "n", "a", "e", "/"];

  function typing(element) {
    if (!element || !element.tagName) return false;
    var tag = element.tagName;
    return element.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function moveInList(step) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
    if (!rows.length) return false;
    var at = rows.indexOf(document.activeElement);
    var next = at === -1 ? rows[step > 0 ? 0 : rows.length - 1]
      : rows[Math.min(Math.max(at + step, 0), rows.length - 1)];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
    return true;
  }

  function showHelp() {
    var help = document.getElementById("shortcuts");
    if (!help) return false;
    help.open = true;
    help.querySelector("summary").focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var key = event.key;
    if (key === "?") {
      if (showHelp()) event.preventDefault();
      return;
    }
    if (KEYS.indexOf(key) === -1) return;
    if ((key === "j" || key === "k") && moveInList(key === "j" ? 1 : -1)) {
      event.preventDefault();
      return;
    }
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target || target.disabled) return;
    event.preventDefault();
    if (typing(target)) {
      target.focus();
      target.scrollIntoView({ block: "center" });
    } else {
      target.click();
    }
  });
})();
