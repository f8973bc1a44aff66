/**
 * Registration proposes the browser's time zone: it fills the form's hidden `timezone`
 * field; the server checks the name and falls back to UTC, saying so.
 */

const field = document.querySelector('input[name="timezone"]');
if (field && !field.value) {
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    // No Intl time zone support: the server uses UTC and says so.
  }
}
