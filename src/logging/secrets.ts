/** @module logging/secrets — the secret values this process knows, so no log line or tail can carry them. */

/** Secrets shorter than this are not scrubbed by value (they would mangle ordinary words); key-based redaction still applies. */
const MIN_SCRUB_LENGTH = 6;

/** Holds live secret values (gateway token, password, remote token) and removes them from text. */
export class SecretRegistry {
  #values = new Set<string>();
  #pattern: RegExp | undefined;

  /** Registers a secret; empty or very short values are ignored. */
  add(value: string | undefined): void {
    if (value === undefined || value.length < MIN_SCRUB_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    const escaped = [...this.#values].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#pattern = new RegExp(escaped.join('|'), 'g');
  }

  /** Returns `text` with every registered secret replaced by `[redacted]`. */
  scrub(text: string): string {
    if (this.#pattern === undefined) return text;
    return text.replace(this.#pattern, '[redacted]');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
