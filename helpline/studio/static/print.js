// The printable script: a Print button (no inline script: the page's policy forbids it).
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
