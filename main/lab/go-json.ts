/**
 * Go's encoding/json, as far as its error messages go. kube-apiserver reads
 * a request body with it first (to find apiVersion and kind), so a body that
 * is not JSON is refused with Go's wording, which kubectl and every other
 * client show to the person: `invalid character '}' looking for beginning
 * of object key string`, `unexpected end of JSON input`, … JavaScript's
 * JSON.parse words the same mistakes differently, hence this scanner: it
 * walks the bytes as Go's scanner does and names the first error as Go does.
 */

/** Go's message for the first syntax error in `data`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  const scanner = new Scanner(data);
  try {
    scanner.value();
    scanner.skipSpace();
    if (scanner.pos < data.length) throw scanner.invalid('after top-level value');
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxProblem) return err.message;
    throw err;
  }
}

class SyntaxProblem extends Error {}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

class Scanner {
  pos = 0;

  constructor(private readonly data: Uint8Array) {}

  skipSpace(): void {
    while (this.pos < this.data.length && isSpace(this.data[this.pos])) this.pos++;
  }

  /** The next byte; running out of input is Go's "unexpected end of JSON input". */
  private peek(): number {
    if (this.pos >= this.data.length) throw new SyntaxProblem('unexpected end of JSON input');
    return this.data[this.pos];
  }

  invalid(context: string): SyntaxProblem {
    return new SyntaxProblem(`invalid character ${quoteChar(this.data[this.pos])} ${context}`);
  }

  value(): void {
    this.skipSpace();
    const c = this.peek();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x74) return this.literal('true');
    if (c === 0x66) return this.literal('false');
    if (c === 0x6e) return this.literal('null');
    throw this.invalid('looking for beginning of value');
  }

  private object(): void {
    this.pos++; // {
    this.skipSpace();
    if (this.peek() === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== 0x22) throw this.invalid('looking for beginning of object key string');
      this.string();
      this.skipSpace();
      if (this.peek() !== 0x3a) throw this.invalid('after object key');
      this.pos++;
      this.value();
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return;
      }
      throw this.invalid('after object key:value pair');
    }
  }

  private array(): void {
    this.pos++; // [
    this.skipSpace();
    if (this.peek() === 0x5d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return;
      }
      throw this.invalid('after array element');
    }
  }

  private string(): void {
    this.pos++; // opening quote
    for (;;) {
      const c = this.peek();
      if (c === 0x22) {
        this.pos++;
        return;
      }
      if (c < 0x20) throw this.invalid('in string literal');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      this.pos++;
      const e = this.peek();
      if ('"\\/bfnrt'.includes(String.fromCharCode(e))) {
        this.pos++;
      } else if (e === 0x75) {
        this.pos++;
        for (let i = 0; i < 4; i++) {
          if (!isHex(this.peek())) throw this.invalid('in \\u hexadecimal character escape');
          this.pos++;
        }
      } else {
        throw this.invalid('in string escape code');
      }
    }
  }

  /** A number ends at the first byte that cannot continue it; what follows is the caller's to judge. */
  private number(): void {
    if (this.data[this.pos] === 0x2d) {
      this.pos++;
      if (!isDigit(this.peek())) throw this.invalid('in numeric literal');
    }
    if (this.data[this.pos] === 0x30) this.pos++;
    else while (this.pos < this.data.length && isDigit(this.data[this.pos])) this.pos++;
    if (this.pos < this.data.length && this.data[this.pos] === 0x2e) {
      this.pos++;
      if (!isDigit(this.peek())) throw this.invalid('after decimal point in numeric literal');
      while (this.pos < this.data.length && isDigit(this.data[this.pos])) this.pos++;
    }
    if (this.pos < this.data.length && (this.data[this.pos] === 0x65 || this.data[this.pos] === 0x45)) {
      this.pos++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.pos++;
      if (!isDigit(this.peek())) throw this.invalid('in exponent of numeric literal');
      while (this.pos < this.data.length && isDigit(this.data[this.pos])) this.pos++;
    }
  }

  private literal(word: 'true' | 'false' | 'null'): void {
    this.pos++;
    for (let i = 1; i < word.length; i++) {
      if (this.peek() !== word.charCodeAt(i)) throw this.invalid(`in literal ${word} (expecting '${word[i]}')`);
      this.pos++;
    }
  }
}

/** How Go's scanner quotes the offending byte: `'x'`, `'"'`, `'\''`, `'\n'`, `'\x01'`. */
export function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // A byte above 0x7f is quoted as the Latin-1 character of that number, as Go's string(byte) does.
  if (c >= 0x80 && (c <= 0xa0 || c === 0xad)) return `'\\u00${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

/** What Go's json says when a value of the wrong JSON type meets a Go type: `json: cannot unmarshal array into Go value of type …`. */
export function jsonKindOf(value: unknown): 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return 'object';
}
