// Small live behaviour of the campaign and touchpoint forms. Loaded as a file, never inline,
// so the Content-Security-Policy can forbid inline script everywhere.
(function () {
  "use strict";

  // Campaign form: show the phases of the chosen framework under the select.
  const framework = document.getElementById("framework");
  if (framework) {
    framework.addEventListener("change", () => {
      document.querySelectorAll(".phase-strip").forEach((el) => {
        el.hidden = el.dataset.framework !== framework.value;
      });
    });
  }

  // Touchpoint form: show the hint for the chosen kind, hide the email fields for forms and
  // landing pages, and suggest the kind's usual trigger while the trigger field is empty.
  const kind = document.getElementById("kind");
  const trigger = document.getElementById("trigger");
  const emailFields = document.querySelector(".email-fields");
  if (kind && trigger && emailFields) {
    const sync = () => {
      let email = true;
      document.querySelectorAll(".kind-hints li").forEach((li) => {
        const on = li.dataset.kind === kind.value;
        li.hidden = !on;
        if (on) {
          email = li.dataset.email === "1";
          trigger.placeholder = li.dataset.trigger;
        }
      });
      emailFields.hidden = !email;
    };
    kind.addEventListener("change", sync);
    sync();
  }
})();
