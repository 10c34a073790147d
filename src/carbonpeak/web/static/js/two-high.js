// The review sheet's print button (no inline handlers: the pages' CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print");
  if (button) button.addEventListener("click", () => window.print());
});
