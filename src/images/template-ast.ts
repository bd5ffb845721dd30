/**
 * The parse tree of the commit message template, shaped like Go's text/template/parse nodes. Every node keeps
 * its offsets in the source so that an execution error can say where it happened. Pure data.
 */

/** A node of a list: text, an action, or a control structure. */
export type Node = TextNode | ActionNode | ControlNode;

export interface TextNode {
  type: 'text';
  pos: number;
  text: string;
}

/** `{{ pipeline }}`: printed unless it declares or assigns variables. */
export interface ActionNode {
  type: 'action';
  pos: number;
  pipe: Pipe;
}

/** `{{if}}`, `{{with}}` and `{{range}}` with their lists; `else if` and `else with` nest in `elseList`. */
export interface ControlNode {
  type: 'if' | 'with' | 'range';
  pos: number;
  pipe: Pipe;
  list: Node[];
  elseList: Node[] | undefined;
}

/** A declared or assigned variable of a pipeline. */
export interface VariableDecl {
  name: string;
  pos: number;
}

/** `$x := cmd | cmd | cmd`. */
export interface Pipe {
  pos: number;
  end: number;
  decl: VariableDecl[];
  /** `=` rather than `:=`. */
  isAssign: boolean;
  cmds: Command[];
}

/** One command of a pipeline: a function with its arguments, or a single operand. */
export interface Command {
  pos: number;
  end: number;
  args: Arg[];
}

/** Where each field of a chain starts, parallel to its names, so an error can point at the failing field. */
export interface FieldChain {
  names: string[];
  positions: number[];
}

export type Arg =
  | { type: 'field'; pos: number; end: number; chain: FieldChain }
  /** `$x.A.B`: `name` is `$x`, `chain` the fields after it. */
  | { type: 'variable'; pos: number; end: number; name: string; chain: FieldChain }
  /** `(pipeline).A.B`. */
  | { type: 'chain'; pos: number; end: number; node: Arg; chain: FieldChain }
  | { type: 'identifier'; pos: number; end: number; name: string }
  | { type: 'dot'; pos: number; end: number }
  | { type: 'nil'; pos: number; end: number }
  | { type: 'bool'; pos: number; end: number; value: boolean }
  /** `isFloat` when Go gives the constant the type float64 (a `.`, an exponent). */
  | { type: 'number'; pos: number; end: number; value: number; isFloat: boolean }
  | { type: 'string'; pos: number; end: number; value: string }
  | { type: 'pipe'; pos: number; end: number; pipe: Pipe };
