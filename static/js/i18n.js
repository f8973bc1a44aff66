/**
 * The browser code's strings in the page's language. The page embeds them as JSON data in
 * <script type="application/json" id="i18n-catalogue"> (never executed, so the CSP's
 * script-src 'self' holds), rendered from the same gettext catalogue as the server's pages.
 */

function read() {
  try {
    const data = JSON.parse(document.getElementById("i18n-catalogue")?.textContent || "{}");
    return data && typeof data === "object" ? data : {};
  } catch {
    return {};
  }
}

const catalogue = read();
const messages = catalogue.messages || {};

/** The page's locale (`ko`, `en`) and the person's IANA time zone. */
export const locale = catalogue.locale || document.documentElement.lang || "en";
export const timeZone = catalogue.timeZone || "UTC";

/** The message in the page's language, with {name} placeholders filled from params. */
export function t(key, params = {}) {
  const text = messages[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

const CLOCK = (() => {
  try {
    return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", timeZone });
  } catch {
    // An unknown zone (a tz database older than the server's): the browser's own zone.
    return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" });
  }
})();

/** A time of day in the person's zone and language: "3:04 PM", "오후 3:04". */
export function clock(date) {
  return CLOCK.format(date);
}
