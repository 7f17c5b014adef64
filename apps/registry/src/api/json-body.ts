import { durationFromJson } from '../model/go-duration.js';
import { badRequest, ConsulHttpError } from '../registry.errors.js';

/** A decoded JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Parses a request body as JSON the way Consul reports failures: 400 `Request decode failed: …`. */
export function decodeJson(body: unknown): Json | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  if (text.trim() === '') return undefined;
  try {
    return parseJsonLikeGo(text);
  } catch (error) {
    throw badRequest(`Request decode failed: ${(error as Error).message}`);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `JSON.parse`, with Go's decoder's one difference that matters here: an escaped lone surrogate
 * (`"\ud800"`) becomes U+FFFD. Kept as is, two different strings would be stored as the same UTF-8
 * key and one of them lost on restart.
 */
export function parseJsonLikeGo(text: string): Json {
  return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? value.replace(LONE_SURROGATE, '\ufffd') : value)) as Json;
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;

/**
 * Reads fields of a decoded JSON object with Consul's leniency (field names match case-insensitively
 * and without underscores, as Go's decoder and Consul's key translation do) and Consul-style errors
 * naming the field and the expected type.
 */
export class FieldReader {
  private readonly fields: ReadonlyMap<string, Json>;

  constructor(
    value: Json | undefined,
    private readonly path: string,
  ) {
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw typeError(path, value, 'object');
    }
    this.fields = new Map(Object.entries(value ?? {}).map(([k, v]) => [normalise(k), v]));
  }

  /** True when the object has no non-null field at all. */
  isEmpty(): boolean {
    return [...this.fields.values()].every((value) => value === null);
  }

  has(name: string): boolean {
    const value = this.fields.get(normalise(name));
    return value !== undefined && value !== null;
  }

  raw(name: string): Json | undefined {
    const value = this.fields.get(normalise(name));
    return value === null ? undefined : value;
  }

  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || typeof value === 'string') return value;
    throw typeError(this.at(name), value, 'string');
  }

  int(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw typeError(this.at(name), value, 'int');
  }

  bool(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined || typeof value === 'boolean') return value;
    throw typeError(this.at(name), value, 'bool');
  }

  strings(name: string): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    throw typeError(this.at(name), value, '[]string');
  }

  stringMap(name: string): Record<string, string> | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const entries = Object.entries(value);
      if (entries.every(([, v]) => typeof v === 'string')) return Object.fromEntries(entries) as Record<string, string>;
    }
    throw typeError(this.at(name), value, 'map[string]string');
  }

  /** A duration field ("10s" or nanoseconds), in ms. */
  duration(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined || value === '') return undefined;
    const ms = durationFromJson(value);
    if (ms === undefined || ms < 0) throw badRequest(`Request decode failed: ${this.at(name)}: invalid duration ${JSON.stringify(value)}`);
    return ms;
  }

  object(name: string): FieldReader | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : new FieldReader(value, this.at(name));
  }

  objects(name: string): FieldReader[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw typeError(this.at(name), value, 'array');
    return value.map((item, i) => new FieldReader(item, `${this.at(name)}[${i}]`));
  }

  private at(name: string): string {
    return `${this.path}.${name}`;
  }
}

function normalise(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

function typeError(path: string, value: unknown, goType: string): ConsulHttpError {
  return badRequest(`Request decode failed: json: cannot unmarshal ${jsonType(value)} into Go struct field ${path} of type ${goType}`);
}
