// The admin export form's "Select all" toggle, wired here rather than by an
// inline onchange (templates/admin/import_export/export.html): it ticks or
// clears every field checkbox with django-import-export's own handler.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  for (const toggle of document.querySelectorAll("input.select-toggle")) {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
