// Correction screens: Ctrl+Enter (or Cmd+Enter) saves from any field, a select included;
// Enter in a text field saves too (the form's default). Nothing else is scripted.
document.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    var form = document.getElementById("correct");
    if (form) { e.preventDefault(); form.requestSubmit(); }
  }
});
