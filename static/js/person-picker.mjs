// Person pickers (talentportal/core/forms.py PersonPicker): the plain text field becomes
// alphagov's accessible-autocomplete, asking the portal's search as the person types (3
// letters or more). Choosing someone fills the hidden id; typing again clears it, so what
// is sent is always the person shown. Without this script the server looks the name up.
const escape = (text) =>
  String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const label = (person) =>
  person ? [person.name, [person.job_title, person.organisation].filter(Boolean).join(", ")]
    .filter(Boolean).join(" – ") : "";

function enhance(picker) {
  const input = picker.querySelector("[data-person-name]");
  const hidden = picker.querySelector("[data-person-id]");
  const url = picker.dataset.searchUrl;
  if (!input || !hidden || !url || !window.accessibleAutocomplete) return;
  const holder = document.createElement("div");
  input.after(holder);
  const typed = input.value;
  const described = input.getAttribute("aria-describedby");
  input.remove();
  let pending;
  window.accessibleAutocomplete({
    element: holder,
    id: input.id,
    name: input.name,
    defaultValue: typed,
    minLength: 3,
    showNoOptionsFound: true,
    tNoResults: () => "Nobody found: check the spelling, or type less of the name",
    tStatusQueryTooShort: (n) => `Type ${n} or more letters to search`,
    templates: {
      inputValue: (person) => (person ? person.name : ""),
      suggestion: (person) => (typeof person === "string" ? escape(person) : escape(label(person))),
    },
    source: (query, populate) => {
      clearTimeout(pending);
      pending = setTimeout(() => {
        fetch(`${url}${url.includes("?") ? "&" : "?"}q=${encodeURIComponent(query)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => populate(data.results || []))
          .catch(() => populate([]));
      }, 200);
    },
    onConfirm: (person) => {
      if (person && person.id) hidden.value = person.id;
    },
  });
  const field = holder.querySelector("input");
  if (described) field.setAttribute("aria-describedby", described);
  field.addEventListener("input", () => {
    hidden.value = "";
  });
}

document.querySelectorAll("[data-person-picker]").forEach(enhance);
