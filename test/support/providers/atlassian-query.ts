/**
 * The grammar JQL and CQL share, as the local Jira and Confluence servers evaluate it: `and`, `or`,
 * `not` and parentheses over `field operator operand` clauses, then an optional `order by` key.
 * Each language says which fields and operators it knows, how it compares text and reads dates,
 * and words its own errors; the servers answer a thrown error's message in their own 400 body.
 */

export const OPERATORS = ['=', '!=', '>', '>=', '<', '<=', '~', 'in', 'not in', 'is', 'is not'] as const;
export type Operator = (typeof OPERATORS)[number];

/** A field's value on an item: text, or a time as epoch ms. */
export type FieldValue = string | number;

/**
 * One query language over items of type `Item`.
 * @example
 * parseQuery('space = ENG order by created desc', CQL);
 * // { where: (facts) => …, orderBy: { field: 'created', descending: true } }
 */
export interface QueryLanguage<Item> {
  /** The values of a field on an item (a clause holds when any of them matches); throws the language's error for a field it lacks. */
  field(name: string): (item: Item) => FieldValue[];
  /** The operators the language allows on a field. */
  operators(field: string): readonly Operator[];
  /** Fields holding times (as epoch ms), whose operands are dates: `yyyy-MM-dd` or `yyyy/MM/dd`, with an optional ` HH:mm`. */
  dateFields: ReadonlySet<string>;
  /** The offset from UTC at which dates are read, e.g. `-05:00`: the time zone of the searching user. */
  utcOffset: string;
  /** Orders two texts as the language does, in `=`, `in` and the comparisons alike. */
  compareText(a: string, b: string): number;
  /** The language's wording of a malformed query. */
  errors: {
    ended: string;
    expected(word: string, position: number): string;
    unexpected(token: string, position: number): string;
    operator(operator: string, field: string): string;
    date(operand: string, field: string): string;
  };
}

export interface ParsedQuery<Item> {
  /** Undefined for a query that restricts nothing, which each language answers its own way. */
  where: ((item: Item) => boolean) | undefined;
  orderBy: { field: string; descending: boolean } | undefined;
}

type Predicate<Item> = (item: Item) => boolean;

const TOKENS = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|>=|<=|!=|[()=<>~,]|[^\s()=<>~,!"']+/g;

/** Whether each comparison holds, given how a value orders against the operand. */
const ORDERINGS = {
  '=': (order: number) => order === 0,
  '!=': (order: number) => order !== 0,
  '>': (order: number) => order > 0,
  '>=': (order: number) => order >= 0,
  '<': (order: number) => order < 0,
  '<=': (order: number) => order <= 0,
};

/** Parses `query` in `language`; throws an Error whose message is the language's answer to a malformed query. */
export function parseQuery<Item>(query: string, language: QueryLanguage<Item>): ParsedQuery<Item> {
  const tokens = query.match(TOKENS) ?? [];
  let at = 0;
  const peek = () => tokens[at]?.toLowerCase();
  const take = () => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(language.errors.ended);
    return token;
  };
  const expect = (word: string) => {
    if (take().toLowerCase() !== word) throw new Error(language.errors.expected(word, at));
  };
  /** Takes the next token when it is `word`. */
  const takeIf = (word: string) => {
    if (peek() !== word) return false;
    at += 1;
    return true;
  };
  const literal = () => {
    const token = take();
    return /^["']/.test(token) ? token.slice(1, -1).replace(/\\(.)/g, '$1') : token;
  };

  function or(): Predicate<Item> {
    const parts = [and()];
    while (takeIf('or')) parts.push(and());
    return (item) => parts.some((part) => part(item));
  }
  function and(): Predicate<Item> {
    const parts = [unary()];
    while (takeIf('and')) parts.push(unary());
    return (item) => parts.every((part) => part(item));
  }
  function unary(): Predicate<Item> {
    if (takeIf('not')) {
      const inner = unary();
      return (item) => !inner(item);
    }
    if (takeIf('(')) {
      const inner = or();
      expect(')');
      return inner;
    }
    return clause();
  }
  function clause(): Predicate<Item> {
    const field = take().toLowerCase();
    const read = language.field(field);
    // `not in` and `is not` are the two-word operators.
    let word = take().toLowerCase();
    if ((word === 'not' && peek() === 'in') || (word === 'is' && peek() === 'not')) word = `${word} ${take().toLowerCase()}`;
    const operator = language.operators(field).find((known) => known === word);
    if (!operator) throw new Error(language.errors.operator(word, field));
    const equals = (value: FieldValue, operand: string) => language.compareText(String(value), operand) === 0;
    if (operator === 'in' || operator === 'not in') {
      const listed = list();
      const within: Predicate<Item> = (item) => read(item).some((value) => listed.some((operand) => equals(value, operand)));
      return operator === 'in' ? within : (item) => !within(item);
    }
    if (operator === 'is' || operator === 'is not') {
      const empty = take().toLowerCase();
      if (empty !== 'empty' && empty !== 'null') throw new Error(language.errors.expected('empty', at));
      return operator === 'is' ? (item) => read(item).length === 0 : (item) => read(item).length > 0;
    }
    const operand = literal();
    if (operator === '~') return (item) => read(item).some((value) => String(value).toLowerCase().includes(operand.toLowerCase()));
    const time = language.dateFields.has(field) ? dateOf(operand, field) : undefined;
    const order = (value: FieldValue) => (time === undefined ? language.compareText(String(value), operand) : Number(value) - time);
    const holds = (value: FieldValue) => ORDERINGS[operator](order(value));
    // A field with several values differs from an operand only when every value does.
    return operator === '!=' ? (item) => read(item).every(holds) : (item) => read(item).some(holds);
  }
  function dateOf(operand: string, field: string): number {
    const date = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(operand);
    const time = date ? Date.parse(`${date[1]}-${date[2]}-${date[3]}T${date[4] ?? '00'}:${date[5] ?? '00'}:00${language.utcOffset}`) : Number.NaN;
    if (Number.isNaN(time)) throw new Error(language.errors.date(operand, field));
    return time;
  }
  function list(): string[] {
    expect('(');
    const values = [literal()];
    while (takeIf(',')) values.push(literal());
    expect(')');
    return values;
  }

  const where = peek() === undefined || peek() === 'order' ? undefined : or();
  let orderBy: ParsedQuery<Item>['orderBy'];
  if (takeIf('order')) {
    expect('by');
    const field = take().toLowerCase();
    const descending = takeIf('desc');
    if (!descending) takeIf('asc');
    orderBy = { field, descending };
  }
  if (at < tokens.length) throw new Error(language.errors.unexpected(tokens[at] as string, at));
  return { where, orderBy };
}
