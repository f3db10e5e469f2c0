// The reading modes chosen on this device (大字模式, 高对比度), put on the page before it is
// drawn; site.js adds the buttons that change them. Loaded without defer, it is kept this small.
(function () {
  try {
    var c = document.documentElement.classList;
    if (localStorage.getItem("gongkai-large-text") === "1") c.add("large-text");
    if (localStorage.getItem("gongkai-contrast") === "1") c.add("high-contrast");
  } catch (e) { /* storage off: the default mode */ }
})();
