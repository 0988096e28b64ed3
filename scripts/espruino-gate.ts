// The Espruino gate: rejects JavaScript that Espruino 2v29 cannot parse or that silently behaves differently there
// (its parser is src/jsparse.c and src/jslex.c, its builtins the wrapper declarations in src/jswrap_*.c, listed in
// host-sim/espruino/subset.ts). It reads the built bundle, because that is what runs on the device: whatever
// TypeScript and esbuild produced is checked, including helpers the compiler inserted.
import { parse, type Comment, type Node } from 'acorn';
import {
  ERROR_CLASSES,
  MISSING_GLOBALS,
  MISSING_METHOD_NAMES,
  MISSING_STATICS,
} from '../host-sim/espruino/subset';
import { ESPRUINO_EXTRA_RESERVED_WORDS, ESPRUINO_KEYWORDS } from './espruino-reserved';

export interface Violation {
  rule: string;
  message: string;
  /** Character offset in the checked code. */
  offset: number;
  line: number;
  column: number;
  /** The offending source text, shortened. */
  construct: string;
}

type AnyNode = Node & { [key: string]: any };

/** Marks a deliberate Math.pow call: `/*! espruino-allow Math.pow: <reason> *\/` right before the statement. */
const POW_ALLOW = /^!\s*espruino-allow Math\.pow:\s*\S/;
const POW_ALLOW_REACH = 300;

const FUNCTION_TYPES = ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'];

function isNode(v: unknown): v is AnyNode {
  return !!v && typeof v === 'object' && typeof (v as AnyNode).type === 'string';
}

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) out.push(item);
    } else if (isNode(v)) out.push(v);
  }
  return out;
}

/** Depth-first walk with the ancestor chain, iterative (bundles are deep). */
export function walk(root: AnyNode, visit: (node: AnyNode, ancestors: AnyNode[]) => void): void {
  const stack: { node: AnyNode; ancestors: AnyNode[] }[] = [{ node: root, ancestors: [] }];
  while (stack.length) {
    const { node, ancestors } = stack.pop()!;
    visit(node, ancestors);
    const kids = children(node);
    const next = ancestors.concat([node]);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], ancestors: next });
  }
}

/** True when `node` (child of `parent`) is an identifier being referenced, not a property name or a declaration. */
function isReference(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === node || parent.computed;
    case 'Property':
      return parent.computed || parent.value === node;
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return parent.computed && parent.key === node;
    case 'VariableDeclarator':
      return parent.init === node;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return parent.body === node;
    case 'ClassDeclaration':
    case 'ClassExpression':
      return parent.superClass === node;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false;
    case 'CatchClause':
      return parent.body === node;
    default:
      return true;
  }
}

/**
 * True when `node` (child of `parent`) is the name a declaration introduces: variable, function, parameter, class,
 * catch parameter.
 */
function isBindingName(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return false;
  switch (parent.type) {
    case 'VariableDeclarator':
      return parent.id === node;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return parent.id === node || parent.params.includes(node);
    case 'ClassDeclaration':
    case 'ClassExpression':
      return parent.id === node;
    case 'CatchClause':
      return parent.param === node;
    default:
      return false;
  }
}

/** Like walk, but leaves out every node for which `skip` is true, with everything inside it. */
function walkSkipping(
  root: AnyNode,
  skip: (node: AnyNode) => boolean,
  visit: (node: AnyNode, parent: AnyNode | undefined) => void,
): void {
  const stack: { node: AnyNode; parent: AnyNode | undefined }[] = [{ node: root, parent: undefined }];
  while (stack.length) {
    const { node, parent } = stack.pop()!;
    if (skip(node)) continue;
    visit(node, parent);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], parent: node });
  }
}

/**
 * Where a class refers to itself in a way Espruino does not support (src/jsparse.c, jspeClassDefinition): a class
 * expression's own name is never bound inside its body (the name resolves to whatever the enclosing scope has), and
 * static field initializers run while the class is being defined, before a class declaration's name is bound and with
 * the enclosing `this` instead of the class.
 */
function classSelfReferences(cls: AnyNode): { node: AnyNode; message: string }[] {
  const found: { node: AnyNode; message: string }[] = [];
  const name: string | null = cls.id ? cls.id.name : null;
  if (cls.type === 'ClassExpression' && name) {
    walk(cls.body, (n, ancestors) => {
      if (n.type === 'Identifier' && n.name === name && isReference(n, ancestors[ancestors.length - 1])) {
        found.push({ node: n, message: 'Espruino does not bind a class expression\'s name (' + name + ') inside its body: refer to the class from outside it, e.g. through a module-level function' });
      }
    });
  }
  for (const member of cls.body.body as AnyNode[]) {
    if (member.type !== 'PropertyDefinition' || !member.static || !member.value) continue;
    walkSkipping(member.value, (n) => n.type === 'FunctionExpression', (n) => {
      if (n.type === 'ThisExpression') found.push({ node: n, message: '`this` in a static field initializer is not the class on Espruino' });
    });
    if (cls.type !== 'ClassDeclaration' || !name) continue;
    walkSkipping(member.value, (n) => FUNCTION_TYPES.includes(n.type), (n, parent) => {
      if (n.type === 'Identifier' && n.name === name && isReference(n, parent)) {
        found.push({ node: n, message: 'a static field initializer runs before ' + name + ' is defined on Espruino (ReferenceError)' });
      }
    });
  }
  return found;
}

/** Why Espruino's parser cannot take a class member's or accessor's key as its name, or null when it can. */
function unparseableMemberName(member: AnyNode): string | null {
  if (member.computed) return null;
  const key = member.key;
  if (key.type === 'Literal') return 'a ' + typeof key.value + ' key';
  if (key.type === 'Identifier' && ESPRUINO_KEYWORDS.includes(key.name)) return 'the keyword ' + key.name;
  return null;
}

/** `x.length`, `x['length']` or `x[`length`]`: a member the code names `length` literally. */
function isLengthMember(node: AnyNode): boolean {
  if (node.type !== 'MemberExpression') return false;
  const p = node.property;
  if (!node.computed) return p.type === 'Identifier' && p.name === 'length';
  if (p.type === 'Literal') return p.value === 'length';
  return p.type === 'TemplateLiteral' && p.expressions.length === 0 && p.quasis[0].value.cooked === 'length';
}

/**
 * The `.length` member that `node` assigns to (`x.length = v`, `x.length += v`, `x.length++`, `--x.length`,
 * `for (x.length in o)`), or null. Espruino 2v29 refuses the assignment on an Array, `arguments` included, with
 * "TypeError: Assignment to a constant": looking up `length` on an array returns a name flagged JSV_CONSTANT
 * (src/jsparse.c, jspGetNamedFieldInParents) and jsvReplaceWith (src/jsvar.c) throws on a constant name. On a typed
 * array or ArrayBuffer it throws "Field or method "length" does not already exist, and can't create it" (no
 * property can be added to them, jsvReplaceWith), on a string it is ignored, on a function it sets a property. Only
 * on a plain object or class instance does it do what it does in Node. A key computed at run time (`x[k] = v` with
 * k === 'length') cannot be seen here.
 */
export function assignedLengthMember(n: Node): Node | null {
  const node = n as AnyNode;
  let target: AnyNode | null = null;
  if (node.type === 'AssignmentExpression' || node.type === 'UpdateExpression') target = node.type === 'UpdateExpression' ? node.argument : node.left;
  else if (node.type === 'ForInStatement' || node.type === 'ForOfStatement') target = node.left;
  return target && isLengthMember(target) ? target : null;
}

function collectBindings(root: AnyNode): { [name: string]: true } {
  const names: { [name: string]: true } = {};
  const addPattern = (p: AnyNode | null | undefined): void => {
    if (p && p.type === 'Identifier') names[p.name] = true;
  };
  walk(root, (node) => {
    if (node.type === 'VariableDeclarator') addPattern(node.id);
    else if (FUNCTION_TYPES.includes(node.type)) {
      addPattern(node.id);
      for (const p of node.params) addPattern(p);
    } else if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') addPattern(node.id);
    else if (node.type === 'CatchClause') addPattern(node.param);
  });
  return names;
}

function staticMemberName(node: AnyNode): { owner: string; name: string } | null {
  if (node.type !== 'MemberExpression' || node.computed) return null;
  if (node.object.type !== 'Identifier' || node.property.type !== 'Identifier') return null;
  return { owner: node.object.name, name: node.property.name };
}

/** Names referenced while `node` itself executes (not inside functions it merely defines). */
function immediateReferences(node: AnyNode): string[] {
  const out: string[] = [];
  const stack: { node: AnyNode; parent: AnyNode | undefined }[] = [{ node, parent: undefined }];
  while (stack.length) {
    const { node: n, parent } = stack.pop()!;
    if (n !== node && (FUNCTION_TYPES.includes(n.type) || n.type === 'MethodDefinition')) continue;
    if (n.type === 'Identifier' && isReference(n, parent)) out.push(n.name);
    for (const c of children(n)) stack.push({ node: c, parent: n });
  }
  return out;
}

/** Every name referenced anywhere inside a function (what calling it may need). */
function deepReferences(fn: AnyNode): string[] {
  const out: string[] = [];
  walk(fn.body, (n, ancestors) => {
    if (n.type === 'Identifier' && isReference(n, ancestors[ancestors.length - 1])) out.push(n.name);
  });
  return out;
}

function statementLists(root: AnyNode): AnyNode[][] {
  const lists: AnyNode[][] = [];
  walk(root, (node) => {
    if (node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock') lists.push(node.body);
    else if (node.type === 'SwitchCase') lists.push(node.consequent);
  });
  return lists;
}

/**
 * Regex features Espruino's matcher (jswrap_regexp.c) lacks or reads differently: it knows `. [] [^] ^ $ * + ( ) |`,
 * the escapes `\d \D \s \S \w \W \f \n \r \t \v \0 \xHH` and the flags g and i. Anything else is silently taken
 * literally or means something else there (`?` is a literal question mark, `\b` a backspace, `(?:` a group followed
 * by `?:`), so a pattern using it matches differently on the device. Returns what the pattern uses ([] when fine).
 * Lookbehind and named groups have their own rules.
 */
export function unsupportedRegexFeatures(pattern: string, flags: string): string[] {
  const found: string[] = [];
  const add = (what: string): void => {
    if (!found.includes(what)) found.push(what);
  };
  for (const f of flags) if (f !== 'g' && f !== 'i') add('flag ' + f);
  let inClass = false;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern.charAt(i + 1);
      if (!inClass && (n === 'b' || n === 'B')) add('\\' + n + ' word boundary');
      else if (n >= '1' && n <= '9' && !inClass) add('backreference \\' + n);
      else if ('ucpPk'.includes(n)) add('\\' + n + ' escape');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern.charAt(i + 1) === '^') i++;
      if (pattern.charAt(i + 1) === ']') i++;
    } else if (c === '(') {
      depth++;
      if (pattern.charAt(i + 1) === '?') {
        const k = pattern.charAt(i + 2);
        if (k === '=' || k === '!') add('lookahead (?' + k);
        else if (k === ':') add('non-capturing group (?:');
        i++;
      }
    } else if (c === ')') {
      depth--;
      if ('*+?{'.includes(pattern.charAt(i + 1))) add('quantifier after a group');
    } else if (c === '|' && depth > 0) add('| inside a group');
    else if (c === '?') add('? quantifier');
    else if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) add('{n,m} quantifier');
    else if (c === '.') add('. (matches line breaks too on Espruino)');
  }
  return found;
}

export function checkEspruinoCode(code: string): Violation[] {
  const violations: Violation[] = [];
  const comments: Comment[] = [];
  let ast: AnyNode;
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] };
  };
  const report = (rule: string, node: { start: number; end: number }, message: string): void => {
    const text = code.slice(node.start, Math.min(node.end, node.start + 60)).replace(/\s+/g, ' ');
    violations.push({ rule, message, offset: node.start, ...position(node.start), construct: text });
  };

  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', onComment: comments }) as AnyNode;
  } catch (e) {
    const err = e as { pos?: number; message: string };
    const pos = err.pos ?? 0;
    report('syntax', { start: pos, end: pos + 20 }, 'not parseable as a script: ' + err.message);
    return violations;
  }

  const bindings = collectBindings(ast);
  const powAllowEnds = comments.filter((c) => c.type === 'Block' && POW_ALLOW.test(c.value)).map((c) => c.end);

  walk(ast, (node, ancestors) => {
    const parent = ancestors[ancestors.length - 1];
    if (assignedLengthMember(node)) {
      report('length-assignment', node, 'assigning .length throws on Espruino when the object is an Array (TypeError: Assignment to a constant) or a ' +
        'typed array: shorten an array with a.splice(n), empty it with a.splice(0). A plain object\'s own length field can be ' +
        'assigned there, but the gate cannot tell it from an array: give the field another name');
    }
    switch (node.type) {
      case 'AssignmentPattern':
        if (parent && FUNCTION_TYPES.includes(parent.type)) report('default-param', node, 'default parameter values are a SyntaxError on Espruino');
        else report('destructuring', node, 'destructuring defaults are not supported on Espruino');
        break;
      case 'RestElement':
        report('rest-param', node, 'rest parameters/elements are a SyntaxError on Espruino');
        break;
      case 'SpreadElement':
        report('spread', node, 'spread (...) is a SyntaxError on Espruino');
        break;
      case 'ObjectPattern':
      case 'ArrayPattern':
        report('destructuring', node, 'destructuring fails on Espruino (ReferenceError at run time or SyntaxError)');
        break;
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.computed) report('computed-key', node, 'computed keys {[k]: v} are a SyntaxError on Espruino');
        if (node.type === 'PropertyDefinition' && node.value === null) report('class-field-no-init', node, 'class fields without an initializer are a SyntaxError on Espruino');
        // Instance field initializers run once, when Espruino defines the class, and the value goes on the prototype.
        if (node.type === 'PropertyDefinition' && !node.static && node.value !== null && node.key.type !== 'PrivateIdentifier') {
          report('class-instance-field', node, 'Espruino evaluates instance field initializers once and puts the value on the prototype (shared by all instances, not an own property): assign it in the constructor');
        }
        // Class members and accessors need a name token (src/jsparse.c, jspeClassDefinition and the object literal
        // getter/setter path); plain object properties and methods may be named with any keyword or literal.
        if (node.type !== 'Property' || node.kind !== 'init') {
          const why = unparseableMemberName(node);
          if (why) report('member-name', node, (node.type === 'Property' ? 'an object getter/setter' : 'a class member') + ' named with ' + why + ' is a SyntaxError on Espruino');
        }
        break;
      case 'BinaryExpression':
        if (node.operator === '**') report('exponent', node, '** is a SyntaxError on Espruino (and Math.pow is inexact)');
        break;
      case 'AssignmentExpression':
        if (node.operator === '**=') report('exponent', node, '**= is a SyntaxError on Espruino');
        if (node.operator === '??=' || node.operator === '||=' || node.operator === '&&=') report('logical-assignment', node, node.operator + ' is a SyntaxError on Espruino');
        break;
      case 'ChainExpression':
        report('optional-chain', node, '?. is a SyntaxError on Espruino');
        break;
      case 'LabeledStatement':
        report('label', node, 'labels fail on Espruino (ReferenceError)');
        break;
      case 'YieldExpression':
        report('generator', node, 'generators are not supported on Espruino');
        break;
      case 'AwaitExpression':
        report('async', node, 'await is not supported on Espruino');
        break;
      case 'ForOfStatement':
        if (node.await) report('async', node, 'for await is not supported on Espruino');
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (node.generator) report('generator', node, 'generators are not supported on Espruino');
        if (node.async) report('async', node, 'async functions are not supported on Espruino');
        break;
      case 'PrivateIdentifier':
        report('private', node, '#private members are a SyntaxError on Espruino');
        break;
      case 'StaticBlock':
        report('static-block', node, 'class static blocks are not supported on Espruino');
        break;
      case 'MetaProperty':
        report('meta-property', node, node.meta.name + '.' + node.property.name + ' is not supported on Espruino');
        break;
      case 'ImportExpression':
        report('dynamic-import', node, 'import() is not supported on Espruino');
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (node.superClass && node.superClass.type === 'Identifier' && ERROR_CLASSES.includes(node.superClass.name)) {
          report('extends-error', node, 'extends ' + node.superClass.name + ' is broken on Espruino (instances are not errors)');
        }
        for (const ref of classSelfReferences(node)) report('class-self-reference', ref.node, ref.message);
        break;
      case 'Literal':
        if (typeof node.bigint === 'string') report('bigint', node, 'BigInt literals are not supported on Espruino');
        else if (node.regex) {
          if (/\(\?<[=!]/.test(node.regex.pattern)) report('regex-lookbehind', node, 'regex lookbehind silently fails on Espruino');
          else if (/\(\?</.test(node.regex.pattern)) report('regex-named-group', node, 'regex named groups never match on Espruino');
          if (/\\u\{/.test(node.regex.pattern)) report('unicode-escape', node, '\\u{...} is an invalid escape on Espruino');
          const unsupported = unsupportedRegexFeatures(node.regex.pattern, node.regex.flags);
          if (unsupported.length) report('regex-unsupported', node, 'Espruino\'s regex matcher lacks ' + unsupported.join(', ') + ': the pattern matches differently there');
        } else if (typeof node.value === 'string' && /\\u\{/.test(node.raw)) {
          report('unicode-escape', node, '\\u{...} is an invalid escape on Espruino');
        } else if (typeof node.value === 'number') {
          const raw: string = node.raw;
          const isRadixInteger = /^0[xXoObB]/.test(raw);
          if (!isRadixInteger && (node.value % 1 !== 0 || node.value > 9007199254740992)) {
            report('non-integer-literal', node, 'Espruino parses decimal literals inexactly: write the constant as a ratio of integers (e.g. 22414/1000)');
          }
        }
        break;
      case 'TemplateElement':
        if (/\\u\{/.test(node.value.raw)) report('unicode-escape', node, '\\u{...} is an invalid escape on Espruino');
        break;
      case 'Identifier':
        if (MISSING_GLOBALS.includes(node.name) && !bindings[node.name] && isReference(node, parent)) {
          report('missing-global', node, node.name + ' does not exist on Espruino');
        }
        // Espruino's extra keywords cannot name anything; the value `undefined` may be read, but not as `{ undefined }`.
        if (ESPRUINO_EXTRA_RESERVED_WORDS.includes(node.name) && (isBindingName(node, parent) ||
            (isReference(node, parent) && (node.name !== 'undefined' || (!!parent && parent.type === 'Property' && parent.shorthand))))) {
          report('espruino-reserved-word', node, node.name === 'undefined'
            ? 'undefined is a keyword on Espruino: as a parameter or shorthand property it is a SyntaxError, a variable of that name is silently not declared'
            : node.name + ' is a keyword on Espruino: as the name of a variable, parameter, function or class it is a SyntaxError');
        }
        break;
      case 'NewExpression':
      case 'CallExpression': {
        const args = node.arguments;
        if (node.callee.type === 'Identifier' && node.callee.name === 'RegExp' && !bindings.RegExp && args.length > 0 &&
            args[0].type === 'Literal' && typeof args[0].value === 'string' &&
            (args.length < 2 || (args[1].type === 'Literal' && typeof args[1].value === 'string'))) {
          const unsupported = unsupportedRegexFeatures(args[0].value, args.length > 1 ? args[1].value : '');
          if (unsupported.length) report('regex-unsupported', node, 'Espruino\'s regex matcher lacks ' + unsupported.join(', ') + ': the pattern matches differently there');
        }
        break;
      }
      case 'MemberExpression': {
        const m = staticMemberName(node);
        if (m && !bindings[m.owner]) {
          if (m.owner === 'Math' && m.name === 'pow') {
            const allowed = powAllowEnds.some((end) => end <= node.start && node.start - end <= POW_ALLOW_REACH);
            if (!allowed) report('math-pow', node, 'Math.pow is inexact on Espruino (Math.pow(2,32) != 4294967296); multiply, or mark the call /*! espruino-allow Math.pow: <reason> */');
          } else if (MISSING_STATICS[m.owner] && MISSING_STATICS[m.owner].includes(m.name)) {
            report('missing-builtin', node, m.owner + '.' + m.name + ' does not exist on Espruino');
          }
        }
        // Only calls: a data field that happens to be named `at` is fine, `x.at(0)` is not.
        const called = parent && parent.type === 'CallExpression' && parent.callee === node;
        if (called && !node.computed && node.property.type === 'Identifier' && MISSING_METHOD_NAMES.includes(node.property.name)) {
          report('missing-method', node, '.' + node.property.name + ' does not exist on Espruino');
        }
        break;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const decl = node.type === 'ForStatement' ? node.init : node.left;
        if (decl && decl.type === 'VariableDeclaration' && decl.kind !== 'var') {
          const loopNames = decl.declarations.filter((d: AnyNode) => d.id.type === 'Identifier').map((d: AnyNode) => d.id.name);
          walk(node.body, (inner) => {
            if (!FUNCTION_TYPES.includes(inner.type)) return;
            const refs = deepReferences(inner);
            const captured = loopNames.filter((n: string) => refs.includes(n));
            if (captured.length) report('loop-closure', inner, 'closure captures loop variable ' + captured.join(', ') + ': let is not per-iteration on Espruino');
          });
        }
        break;
      }
      default:
        break;
    }
  });

  checkUseBeforeDefine(ast, report);
  violations.sort((a, b) => a.offset - b.offset || (a.rule < b.rule ? -1 : 1));
  return violations;
}

/**
 * Espruino does not hoist function declarations: a statement that runs before `function f(){}` and needs f
 * (directly, or through functions it calls) fails there.
 */
function checkUseBeforeDefine(ast: AnyNode, report: (rule: string, node: AnyNode, message: string) => void): void {
  for (const list of statementLists(ast)) {
    const declaredAt: { [name: string]: number } = {};
    const bodies: { [name: string]: AnyNode } = {};
    list.forEach((stmt, i) => {
      if (stmt.type === 'FunctionDeclaration' && stmt.id) {
        declaredAt[stmt.id.name] = i;
        bodies[stmt.id.name] = stmt;
      }
    });
    if (!Object.keys(declaredAt).length) continue;
    const deepCache: { [name: string]: string[] } = {};
    const needs = (name: string): string[] => {
      if (!deepCache[name]) deepCache[name] = deepReferences(bodies[name]);
      return deepCache[name];
    };
    list.forEach((stmt, i) => {
      if (stmt.type === 'FunctionDeclaration') return;
      const seen: { [name: string]: true } = {};
      const queue = immediateReferences(stmt);
      while (queue.length) {
        const name = queue.pop()!;
        if (seen[name] || declaredAt[name] === undefined) continue;
        seen[name] = true;
        if (declaredAt[name] > i) {
          report('use-before-define', stmt, 'function ' + name + ' is used before its declaration (Espruino does not hoist functions)');
          return;
        }
        for (const n of needs(name)) queue.push(n);
      }
    });
  }
}
