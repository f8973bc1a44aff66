/**
 * Form errors on page load: focus the first field with an error, else the error message
 * (a refused login, a bad filter), and scroll it to the middle of the screen so that on a
 * phone it is not left below the fold. Loaded on every page; does nothing without errors.
 */

const FIELD_ERROR = '[aria-invalid="true"]';
const ERROR_SUMMARY = ".error-summary, .flash-error";

/** The element a person should land on, or null when the page shows no error. */
export function firstError(root = document) {
  return root.querySelector(FIELD_ERROR) || root.querySelector(ERROR_SUMMARY);
}

/** Focus the first error and bring it, with its label and message, into view. */
export function focusFirstError(root = document) {
  const target = firstError(root);
  if (!target) return null;
  // A message is not focusable by nature; -1 lets the script focus it without a Tab stop.
  if (!target.matches("input, select, textarea, button, a[href]")) target.tabIndex = -1;
  target.focus({ preventScroll: true });
  (target.closest(".field") || target).scrollIntoView({ block: "center" });
  return target;
}

focusFirstError();
