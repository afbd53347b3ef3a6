// The book's own small script (loaded on every page, after the theme's).
//  1. Tap or click a figure: it opens at its real size over the page (a phone
//     shows a 1,000-pixel figure 358 pixels wide); tap again or press Esc to close.
//  2. Chinese labels for the buttons that sphinx-togglebutton creates in
//     JavaScript (its "Toggle hidden content" is in no message catalogue).
(function () {
  "use strict";
  var ZOOMABLE = ".bd-article img";

  function zoomable(img) {
    return img.matches(ZOOMABLE) && !img.closest("a") &&
      !img.closest(".cnnbook-lightbox");
  }

  function openImage(img) {
    var box = document.createElement("div");
    box.className = "cnnbook-lightbox";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", "原尺寸图片（点击或按 Esc 关闭）");
    box.tabIndex = -1;
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt || "";
    box.appendChild(big);
    function close() {
      box.remove();
      document.documentElement.classList.remove("cnnbook-lightbox-open");
      document.removeEventListener("keydown", onKey);
      img.focus({ preventScroll: true });
    }
    function onKey(event) {
      if (event.key === "Escape") { close(); }
    }
    box.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    document.documentElement.classList.add("cnnbook-lightbox-open");
    document.body.appendChild(box);
    box.focus();
  }

  function translateToggles() {
    document.querySelectorAll(
      'button.toggle-button[aria-label="Toggle hidden content"]'
    ).forEach(function (button) {
      button.setAttribute("aria-label", "显示或隐藏内容");
    });
  }

  function setUp() {
    document.querySelectorAll(ZOOMABLE).forEach(function (img) {
      if (!zoomable(img)) { return; }
      img.classList.add("cnnbook-zoomable");
      img.tabIndex = 0;
      img.title = "点击查看原尺寸图片";
      img.addEventListener("click", function () { openImage(img); });
      img.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          openImage(img);
        }
      });
    });
    translateToggles();
    // sphinx-togglebutton adds its buttons on DOMContentLoaded as well.
    window.setTimeout(translateToggles, 0);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
