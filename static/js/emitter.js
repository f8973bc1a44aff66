/** An EventTarget that sends CustomEvents with a detail object, and listens to their details. */
export class Emitter extends EventTarget {
  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  on(name, handler) {
    this.addEventListener(name, (event) => handler(event.detail));
  }
}
