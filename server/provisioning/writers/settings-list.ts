/**
 * An ordered list of settings a dialect builds before a writer serialises it. Setting a key again
 * replaces its value in place; `override` moves it to the end, which is how raw profile keys win
 * over generated ones while still being written last (VENDORS.md: later duplicates win, so last
 * is also right for phones that read top to bottom).
 */
export class SettingsList {
  readonly #entries = new Map<string, string>();

  set(key: string, value: string | number): this {
    this.#entries.set(key, String(value));
    return this;
  }

  /** Sets only when `value` is defined (optional settings such as a firmware URL). */
  setIf(key: string, value: string | number | undefined): this {
    if (value !== undefined) this.set(key, value);
    return this;
  }

  /** Sets every entry in order (a dialect's profile section into a template's list). */
  setAll(entries: Iterable<readonly [string, string]>): this {
    for (const [key, value] of entries) this.set(key, value);
    return this;
  }

  /** Appends `key` at the end, replacing any generated value (raw profile keys). */
  override(key: string, value: string): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return this;
  }

  /** Applies every raw key last, in the profile's order. */
  overrideAll(raw: Record<string, string>): this {
    for (const [key, value] of Object.entries(raw)) this.override(key, value);
    return this;
  }

  entries(): [string, string][] {
    return [...this.#entries];
  }
}
