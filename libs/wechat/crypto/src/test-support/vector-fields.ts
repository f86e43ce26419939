/**
 * Typed, read-tracking view of one JSON object of vectors.json. The vector spec fails when an
 * `expected` or `derived_not_published` field was never read, so no published value goes unchecked.
 */
export class VectorFields {
  private readonly read = new Set<string>();

  private constructor(
    private readonly record: Readonly<Record<string, unknown>>,
    readonly label: string,
  ) {}

  static of(value: unknown, label: string): VectorFields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${label} is not a JSON object`);
    }
    return new VectorFields(value as Record<string, unknown>, label);
  }

  static empty(label: string): VectorFields {
    return new VectorFields({}, label);
  }

  private take(key: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.record, key)) {
      throw new Error(`${this.label}.${key} is missing`);
    }
    this.read.add(key);
    return this.record[key];
  }

  str(key: string): string {
    const value = this.take(key);
    if (typeof value !== 'string') {
      throw new Error(`${this.label}.${key} is not a string`);
    }
    return value;
  }

  num(key: string): number {
    const value = this.take(key);
    if (typeof value !== 'number') {
      throw new Error(`${this.label}.${key} is not a number`);
    }
    return value;
  }

  bool(key: string): boolean {
    const value = this.take(key);
    if (typeof value !== 'boolean') {
      throw new Error(`${this.label}.${key} is not a boolean`);
    }
    return value;
  }

  strings(key: string): string[] {
    const value = this.take(key);
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw new Error(`${this.label}.${key} is not a string array`);
    }
    return value;
  }

  list(key: string): VectorFields[] {
    const value = this.take(key);
    if (!Array.isArray(value)) {
      throw new Error(`${this.label}.${key} is not an array`);
    }
    return value.map((item: unknown, index) =>
      VectorFields.of(item, `${this.label}.${key}[${index}]`),
    );
  }

  obj(key: string): VectorFields {
    return VectorFields.of(this.take(key), `${this.label}.${key}`);
  }

  /** Marks a purely descriptive field (a note, a prose hint) as deliberately not asserted. */
  prose(key: string): void {
    this.str(key);
  }

  keys(): string[] {
    return Object.keys(this.record);
  }

  unread(): string[] {
    return this.keys().filter((key) => !this.read.has(key));
  }
}
