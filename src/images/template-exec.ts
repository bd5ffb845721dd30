/**
 * The executor of the commit message template, a port of Go's text/template/exec.go: dot, variables on a
 * stack popped at the end of each if, with and range (and each range iteration), field chains, function calls
 * with Go's argument checks, range over lists, Maps (keys in sorted order, as Go ranges over map keys) and
 * integers, and printing with Go's rules. Pure.
 *
 * The data is JavaScript, handled as ./template-value.ts describes: a Map is a Go map, any other object a Go
 * struct whose missing or unexported fields are errors. This file walks the nodes, keeps the variables, calls
 * the functions and places each error in the template.
 *
 * Bounds, so that one tenant's template cannot exhaust the agent: the output, each string a function builds,
 * and all the strings functions build together are capped in bytes, and so are the range iterations of one
 * render.
 */
import type { Arg, Command, ControlNode, FieldChain, Node, Pipe, VariableDecl } from './template-ast.js';
import { positionOf, TemplateError } from './template-error.js';
import { GoFloat } from './template-fmt.js';
import type { Builtin, ParamType } from './template-funcs.js';
import { BUILTINS, FuncError, isTrue, utf8Length } from './template-funcs.js';
import { type Fail, fieldOf, printable, rangeOver, validateType } from './template-value.js';

/** Bounds of one render. */
export interface ExecLimits {
  /** Bytes of output; also the most one function may build into one string. */
  maxOutputBytes: number;
  /** Range iterations over the whole render, nested ranges included. */
  maxRangeIterations: number;
  /** Bytes of all the strings functions build in one render (print, printf, println). */
  maxBuiltBytes: number;
}

/** Go's missingVal: no value was piped into the command. */
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

/** Renders the parsed template `nodes` with `data`; throws a TemplateError. */
export function execute(
  source: string,
  name: string,
  nodes: readonly Node[],
  data: unknown,
  limits: ExecLimits,
): string {
  const state = new State(source, name, data, limits);
  state.walkList(data, nodes);
  return state.output();
}

/** Where an error happened: the position and the source text Go shows as `at <...>`. */
interface At {
  pos: number;
  end: number;
}

class State {
  private readonly vars: { name: string; value: unknown }[];
  private readonly out: string[] = [];
  private outBytes = 0;
  private builtBytes = 0;
  private iterations = 0;

  constructor(
    private readonly source: string,
    private readonly name: string,
    data: unknown,
    private readonly limits: ExecLimits,
  ) {
    this.vars = [{ name: '$', value: data }];
  }

  output(): string {
    return this.out.join('');
  }

  private fail(at: At, reason: string, pos = at.pos): never {
    const { line, column } = positionOf(this.source, pos);
    let context = this.source.slice(at.pos, at.end);
    if ([...context].length > 20) context = `${[...context].slice(0, 20).join('')}...`;
    throw new TemplateError(
      this.name,
      line,
      column,
      `executing "${this.name}" at <${context}>: ${reason}`,
      'execute',
    );
  }

  /** `fail` for the value helpers, placing their errors at `at` (at `pos` within it). */
  private failAt(at: At, pos = at.pos): Fail {
    return (reason) => this.fail(at, reason, pos);
  }

  private write(s: string, at: At): void {
    this.outBytes += utf8Length(s);
    if (this.outBytes > this.limits.maxOutputBytes) {
      this.fail(at, `output exceeds the limit of ${this.limits.maxOutputBytes} bytes`);
    }
    this.out.push(s);
  }

  // --- variables

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private findVar(name: string, at: At): { name: string; value: unknown } {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) return v;
    }
    this.fail(at, `undefined variable: ${name}`);
  }

  private setVar(decl: VariableDecl, value: unknown): void {
    this.findVar(decl.name, { pos: decl.pos, end: decl.pos + decl.name.length }).value = value;
  }

  private setTopVar(n: number, value: unknown): void {
    const v = this.vars[this.vars.length - n];
    if (v) v.value = value;
  }

  // --- lists and control structures

  walkList(dot: unknown, nodes: readonly Node[]): void {
    for (const node of nodes) this.walk(dot, node);
  }

  private walk(dot: unknown, node: Node): void {
    switch (node.type) {
      case 'text':
        this.write(node.text, { pos: node.pos, end: node.pos });
        return;
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.write(printable(value, this.failAt(node.pipe)), node.pipe);
        return;
      }
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
    }
  }

  private walkIfOrWith(dot: unknown, node: ControlNode): void {
    const mark = this.mark();
    const value = this.evalPipeline(dot, node.pipe);
    if (isTrue(value)) this.walkList(node.type === 'with' ? value : dot, node.list);
    else if (node.elseList) this.walkList(dot, node.elseList);
    this.pop(mark);
  }

  private walkRange(dot: unknown, node: ControlNode): void {
    const outer = this.mark();
    const value = this.evalPipeline(dot, node.pipe);
    const mark = this.mark();
    const { decl, isAssign } = node.pipe;
    const [first, second] = decl;
    const iteration = (index: unknown, elem: unknown) => {
      if (++this.iterations > this.limits.maxRangeIterations) {
        this.fail(node.pipe, `range iterations exceed the limit of ${this.limits.maxRangeIterations}`);
      }
      if (first) {
        // With two variables the index comes first; with one, it gets the element.
        if (isAssign) this.setVar(first, second ? index : elem);
        else this.setTopVar(1, elem);
      }
      if (second) {
        if (isAssign) this.setVar(second, elem);
        else this.setTopVar(2, index);
      }
      this.walkList(elem, node.list);
      this.pop(mark);
    };
    const ranged = rangeOver(value, second !== undefined, iteration, this.failAt(node.pipe));
    if (!ranged && node.elseList) this.walkList(dot, node.elseList);
    this.pop(outer);
  }

  // --- pipelines and commands

  private evalPipeline(dot: unknown, pipe: Pipe): unknown {
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const decl of pipe.decl) {
      if (pipe.isAssign) this.setVar(decl, value);
      else this.vars.push({ name: decl.name, value });
    }
    return value;
  }

  private notAFunction(args: readonly Arg[], final: Final, at: At): void {
    if (args.length > 1 || final !== MISSING) {
      this.fail(at, `can't give argument to non-function ${this.source.slice(at.pos, at.end)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: Command, final: Final): unknown {
    const first = cmd.args[0];
    if (!first) this.fail(cmd, 'empty command');
    switch (first.type) {
      case 'field':
        return this.evalFieldChain(dot, first, first.chain, cmd.args, final);
      case 'chain':
        return this.evalChain(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalCall(dot, first.name, cmd, cmd.args.slice(1), final);
      case 'variable':
        return this.evalVariable(first, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final, first);
        return this.evalPipeline(dot, first.pipe);
    }
    this.notAFunction(cmd.args, final, first);
    switch (first.type) {
      case 'bool':
      case 'string':
        return first.value;
      case 'number':
        return first.isFloat ? new GoFloat(first.value) : first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.fail(first, 'nil is not a command');
    }
  }

  private evalVariable(
    node: Extract<Arg, { type: 'variable' }>,
    args: readonly Arg[],
    final: Final,
  ): unknown {
    const value = this.findVar(node.name, node).value;
    if (node.chain.names.length === 0) {
      this.notAFunction(args, final, node);
      return value;
    }
    return this.evalFieldChain(value, node, node.chain, args, final);
  }

  private evalChain(dot: unknown, node: Extract<Arg, { type: 'chain' }>, args: readonly Arg[], final: Final) {
    if (node.node.type === 'nil') this.fail(node, `indirection through explicit nil in ${this.text(node)}`);
    const receiver = this.evalArg(dot, 'any', node.node, true);
    return this.evalFieldChain(receiver, node, node.chain, args, final);
  }

  private text(at: At): string {
    return this.source.slice(at.pos, at.end);
  }

  private evalFieldChain(
    receiver: unknown,
    at: At,
    chain: FieldChain,
    args: readonly Arg[],
    final: Final,
  ): unknown {
    const n = chain.names.length;
    let value = receiver;
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      value = this.evalField(
        chain.names[i] ?? '',
        chain.positions[i] ?? at.pos,
        at,
        last ? args : [],
        last ? final : MISSING,
        value,
      );
    }
    return value;
  }

  private evalField(
    field: string,
    pos: number,
    at: At,
    args: readonly Arg[],
    final: Final,
    receiver: unknown,
  ): unknown {
    return fieldOf(receiver, field, args.length > 1 || final !== MISSING, this.failAt(at, pos));
  }

  // --- functions

  private evalCall(dot: unknown, name: string, at: At, args: readonly Arg[], final: Final): unknown {
    const fn: Builtin | undefined = BUILTINS[name];
    if (!fn) this.fail(at, `function "${name}" not defined`);
    const numIn = args.length + (final === MISSING ? 0 : 1);
    const numFixed = fn.fixed.length;
    if (fn.variadic) {
      if (numIn < numFixed) {
        this.fail(at, `wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
      }
    } else if (numIn !== numFixed) {
      this.fail(at, `wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }
    const paramType = (i: number): ParamType => fn.fixed[i] ?? fn.variadic ?? 'any';
    if (name === 'and' || name === 'or') {
      // Go evaluates the arguments of and/or one at a time and stops at the first that decides.
      let v: unknown;
      for (const arg of args) {
        v = this.evalArg(dot, 'value', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final === MISSING ? v : validateType(final, 'value', this.failAt(at));
    }
    const argv = args.map((arg, i) => this.evalArg(dot, paramType(i), arg));
    if (final !== MISSING) argv.push(validateType(final, paramType(numIn - 1), this.failAt(at)));
    let result: unknown;
    try {
      result = fn.call(argv);
    } catch (e) {
      if (e instanceof FuncError) this.fail(at, `error calling ${name}: ${e.message}`);
      throw e;
    }
    if (typeof result === 'string') this.built(result, at);
    return result;
  }

  private built(s: string, at: At): void {
    const bytes = utf8Length(s);
    this.builtBytes += bytes;
    if (bytes > this.limits.maxOutputBytes) {
      this.fail(at, `a string of more than ${this.limits.maxOutputBytes} bytes`);
    }
    if (this.builtBytes > this.limits.maxBuiltBytes) {
      this.fail(at, `functions built more than ${this.limits.maxBuiltBytes} bytes of strings`);
    }
  }

  /** An argument of a function (or the receiver of a chain, `untyped`), evaluated as Go's evalArg does. */
  private evalArg(dot: unknown, type: ParamType, arg: Arg, untyped = false): unknown {
    const check = (v: unknown) => (untyped ? v : validateType(v, type, this.failAt(arg)));
    switch (arg.type) {
      case 'dot':
        return check(dot);
      case 'nil':
        if (type === 'any') return null;
        this.fail(arg, `cannot assign nil to ${type === 'string' ? 'string' : 'reflect.Value'}`);
        break;
      case 'field':
        return check(this.evalFieldChain(dot, arg, arg.chain, [arg], MISSING));
      case 'variable':
        return check(this.evalVariable(arg, [], MISSING));
      case 'pipe':
        return check(this.evalPipeline(dot, arg.pipe));
      case 'identifier':
        return check(this.evalCall(dot, arg.name, arg, [], MISSING));
      case 'chain':
        return check(this.evalChain(dot, arg, [], MISSING));
    }
    if (type === 'string' && arg.type !== 'string')
      this.fail(arg, `expected string; found ${this.text(arg)}`);
    switch (arg.type) {
      case 'bool':
      case 'string':
        return arg.value;
      case 'number':
        return arg.isFloat ? new GoFloat(arg.value) : arg.value;
    }
  }
}
