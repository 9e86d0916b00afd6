//! Go's `text/template` executor (exec.go, Go 1.23) over the parse tree:
//! the same evaluation order, the same "current node" bookkeeping (errors
//! quote the node last visited), and the same error texts.

use std::collections::HashMap;

use super::funcs::{self, Func, ParamType};
use super::gofmt;
use super::parse::{Arg, Branch, BranchKind, Command, List, Node, NumberNode, Pipe};
use super::strconv;
use super::value::{Value, RV};

const MAX_EXEC_DEPTH: usize = 100_000;

/// How execution stopped early.
pub enum Flow {
    Err(String),
    Break,
    Continue,
}

type R<T> = Result<T, Flow>;

#[derive(Clone, Copy)]
enum At<'a> {
    None,
    Node(&'a Node),
    List(&'a List),
    Pipe(&'a Pipe),
    Cmd(&'a Command),
    Arg(&'a Arg),
}

impl At<'_> {
    fn pos_and_context(&self) -> Option<(usize, String)> {
        Some(match self {
            At::None => return None,
            At::Node(n) => (n.pos(), n.to_string()),
            At::List(l) => (l.pos, l.to_string()),
            At::Pipe(p) => (p.pos, p.to_string()),
            At::Cmd(c) => (c.pos, c.to_string()),
            At::Arg(a) => (a.pos(), a.to_string()),
        })
    }
}

pub struct State<'a> {
    text: &'a str,
    parse_name: &'a str,
    trees: &'a HashMap<String, List>,
    tmpl_name: String,
    pub out: String,
    node: At<'a>,
    vars: Vec<(String, RV)>,
    depth: usize,
    missing_error: bool,
}

/// Runs template `name` from `trees` against `data`. On error the partial
/// output is returned alongside Go's error text.
pub fn execute(
    text: &str,
    parse_name: &str,
    trees: &HashMap<String, List>,
    name: &str,
    data: Value,
    missing_error: bool,
) -> (String, Option<String>) {
    let dot = RV::concrete(data);
    let mut s = State {
        text,
        parse_name,
        trees,
        tmpl_name: name.to_string(),
        out: String::new(),
        node: At::None,
        vars: vec![("$".into(), dot.clone())],
        depth: 0,
        missing_error,
    };
    let r = match trees.get(name) {
        Some(root) => s.walk_list(&dot, root),
        None => Err(s.errorf(format!("{} is an incomplete or empty template", strconv::quote(name)))),
    };
    let err = match r {
        Ok(()) => None,
        Err(Flow::Err(e)) => Some(e),
        Err(Flow::Break | Flow::Continue) => Some("unexpected break or continue".into()),
    };
    (s.out, err)
}

fn is_hex_int(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') && !s.contains(['p', 'P'])
}

impl<'a> State<'a> {
    fn at(&mut self, at: At<'a>) {
        self.node = at;
    }

    fn errorf(&self, msg: impl std::fmt::Display) -> Flow {
        let name = &self.tmpl_name;
        Flow::Err(match self.node.pos_and_context() {
            None => format!("template: {name}: {msg}"),
            Some((pos, context)) => {
                let before = &self.text[..pos.min(self.text.len())];
                let col = match before.rfind('\n') {
                    Some(i) => pos - (i + 1),
                    None => pos,
                };
                let line = 1 + before.matches('\n').count();
                format!(
                    "template: {}:{line}:{col}: executing {} at <{context}>: {msg}",
                    self.parse_name,
                    strconv::quote(name)
                )
            }
        })
    }

    fn var_value(&self, name: &str) -> R<RV> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&mut self, name: &str, value: RV) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, value: RV) {
        let i = self.vars.len() - n;
        self.vars[i].1 = value;
    }

    fn walk_list(&mut self, dot: &RV, list: &'a List) -> R<()> {
        self.at(At::List(list));
        for n in &list.nodes {
            self.walk(dot, n)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &RV, node: &'a Node) -> R<()> {
        self.at(At::Node(node));
        match node {
            Node::Action { pipe, .. } => {
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at(At::Node(node));
                    if val.is_valid() {
                        let v = if val.val.is_nil() { Value::Nil } else { val.val };
                        self.out.push_str(&gofmt::sprint(std::slice::from_ref(&v)));
                    } else {
                        self.out.push_str("<no value>");
                    }
                }
                Ok(())
            }
            Node::Break { .. } => Err(Flow::Break),
            Node::Continue { .. } => Err(Flow::Continue),
            Node::Branch(b) if b.kind == BranchKind::Range => self.walk_range(dot, node, b),
            Node::Branch(b) => self.walk_if_or_with(dot, b),
            Node::Template { name, pipe, .. } => self.walk_template(dot, node, name, pipe.as_ref()),
            Node::Text { text, .. } => {
                self.out.push_str(text);
                Ok(())
            }
        }
    }

    fn walk_if_or_with(&mut self, dot: &RV, b: &'a Branch) -> R<()> {
        let mark = self.vars.len();
        let r = (|| {
            let val = self.eval_pipeline(dot, &b.pipe)?;
            if funcs::truth(&val) {
                if b.kind == BranchKind::With {
                    self.walk_list(&val, &b.list)
                } else {
                    self.walk_list(dot, &b.list)
                }
            } else if let Some(e) = &b.else_list {
                self.walk_list(dot, e)
            } else {
                Ok(())
            }
        })();
        self.vars.truncate(mark);
        r
    }

    fn one_iteration(&mut self, b: &'a Branch, mark: usize, index: RV, elem: RV) -> R<()> {
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                let v = if decl.len() > 1 { index.clone() } else { elem.clone() };
                self.set_var(&decl[0], v)?;
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1], elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let r = self.walk_list(&elem, &b.list);
        self.vars.truncate(mark);
        match r {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn walk_range(&mut self, dot: &RV, node: &'a Node, b: &'a Branch) -> R<()> {
        self.at(At::Node(node));
        let mark0 = self.vars.len();
        let r = self.walk_range_inner(dot, b);
        self.vars.truncate(mark0);
        match r {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn walk_range_inner(&mut self, dot: &RV, b: &'a Branch) -> R<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?.indirect_interface();
        let mark = self.vars.len();
        match &val.val {
            Value::List(l) if !l.is_empty() => {
                for (i, e) in l.iter().enumerate() {
                    self.one_iteration(b, mark, RV::concrete(Value::Int(i as i64)), RV::elem(e.clone()))?;
                }
                return Ok(());
            }
            Value::Map(m) if !m.is_empty() => {
                for (k, e) in m.iter() {
                    self.one_iteration(b, mark, RV::concrete(Value::str(k)), RV::elem(e.clone()))?;
                }
                return Ok(());
            }
            Value::List(_) | Value::Map(_) | Value::Invalid | Value::Nil => {}
            other => return Err(self.errorf(format!("range can't iterate over {}", vfmt(other)))),
        }
        if let Some(e) = &b.else_list {
            self.walk_list(dot, e)?;
        }
        Ok(())
    }

    fn walk_template(&mut self, dot: &RV, node: &'a Node, name: &str, pipe: Option<&'a Pipe>) -> R<()> {
        self.at(At::Node(node));
        let Some(tree) = self.trees.get(name) else {
            return Err(self.errorf(format!("template {} not defined", strconv::quote(name))));
        };
        if self.depth == MAX_EXEC_DEPTH {
            return Err(self.errorf(format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})")));
        }
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => RV::invalid(),
        };
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".into(), new_dot.clone())]);
        let saved_name = std::mem::replace(&mut self.tmpl_name, name.to_string());
        let saved_node = self.node;
        self.depth += 1;
        let r = self.walk_list(&new_dot, tree);
        self.depth -= 1;
        self.vars = saved_vars;
        self.tmpl_name = saved_name;
        self.node = saved_node;
        r
    }

    fn eval_pipeline(&mut self, dot: &RV, pipe: &'a Pipe) -> R<RV> {
        self.at(At::Pipe(pipe));
        let mut value: Option<RV> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(if v.iface { v.indirect_interface() } else { v });
        }
        let value = value.unwrap_or_else(RV::invalid);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(var, value.clone())?;
            } else {
                self.vars.push((var.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], final_: &Option<RV>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            return Err(self.errorf(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &RV, cmd: &'a Command, final_: Option<RV>) -> R<RV> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { ident, .. } => return self.eval_field_node(dot, first, ident, cmd.args.len(), final_),
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, cmd.args.len(), final_),
            Arg::Identifier { name, .. } => return self.eval_function(dot, first, name, At::Cmd(cmd), Some(&cmd.args), final_),
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable { .. } => return self.eval_variable_node(dot, first, &cmd.args, final_),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, &final_)?;
        match first {
            Arg::Bool { val, .. } => Ok(RV::concrete(Value::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.errorf("nil is not a command")),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String { text, .. } => Ok(RV::concrete(Value::str(text))),
            _ => Err(self.errorf(format!("can't evaluate command {}", strconv::quote(&first.to_string())))),
        }
    }

    fn ideal_constant(&mut self, arg: &'a Arg, n: &NumberNode) -> R<RV> {
        self.at(At::Arg(arg));
        let t = &n.text;
        if let Some((re, im)) = n.complex {
            return Ok(RV::concrete(Value::Complex(re, im)));
        }
        if n.is_float && !is_hex_int(t) && !t.starts_with('\'') && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(RV::concrete(Value::Float(n.float64)));
        }
        if n.is_int {
            return Ok(RV::concrete(Value::Int(n.int64)));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{t} overflows int")));
        }
        Ok(RV::invalid())
    }

    fn eval_field_node(&mut self, dot: &RV, field: &'a Arg, ident: &[String], nargs: usize, final_: Option<RV>) -> R<RV> {
        self.at(At::Arg(field));
        self.eval_field_chain(dot.clone(), ident, nargs, final_)
    }

    fn eval_chain_node(&mut self, dot: &RV, chain: &'a Arg, nargs: usize, final_: Option<RV>) -> R<RV> {
        self.at(At::Arg(chain));
        let Arg::Chain { node, field, .. } = chain else { unreachable!() };
        if matches!(**node, Arg::Nil { .. }) {
            return Err(self.errorf(format!("indirection through explicit nil in {chain}")));
        }
        let pipe = self.eval_arg(dot, None, node)?;
        self.eval_field_chain(pipe, field, nargs, final_)
    }

    fn eval_variable_node(&mut self, _dot: &RV, var: &'a Arg, args: &[Arg], final_: Option<RV>) -> R<RV> {
        self.at(At::Arg(var));
        let Arg::Variable { ident, .. } = var else { unreachable!() };
        let value = self.var_value(&ident[0])?;
        if ident.len() == 1 {
            self.not_a_function(args, &final_)?;
            return Ok(value);
        }
        self.eval_field_chain(value, &ident[1..], args.len(), final_)
    }

    fn eval_field_chain(&mut self, mut receiver: RV, ident: &[String], nargs: usize, final_: Option<RV>) -> R<RV> {
        let n = ident.len();
        for id in &ident[..n - 1] {
            receiver = self.eval_field(id, 0, false, receiver)?;
        }
        self.eval_field(&ident[n - 1], nargs, final_.is_some(), receiver)
    }

    fn eval_field(&mut self, name: &str, nargs: usize, has_final: bool, receiver: RV) -> R<RV> {
        if !receiver.is_valid() {
            if self.missing_error {
                return Err(self.errorf(format!("nil data; no entry for key {}", strconv::quote(name))));
            }
            return Ok(RV::invalid());
        }
        let typ = receiver.type_name();
        if receiver.iface && receiver.val.is_nil() {
            return Err(self.errorf(format!("nil pointer evaluating {typ}.{name}")));
        }
        if let Value::Map(m) = &receiver.val {
            if nargs > 1 || has_final {
                return Err(self.errorf(format!("{name} is not a method but has arguments")));
            }
            return match m.get(name) {
                Some(v) => Ok(RV::elem(v.clone())),
                None if self.missing_error => {
                    Err(self.errorf(format!("map has no entry for key {}", strconv::quote(name))))
                }
                None => Ok(RV::invalid()),
            };
        }
        Err(self.errorf(format!("can't evaluate field {name} in type {typ}")))
    }

    fn eval_function(
        &mut self,
        dot: &RV,
        ident: &'a Arg,
        name: &str,
        cmd: At<'a>,
        args: Option<&'a [Arg]>,
        final_: Option<RV>,
    ) -> R<RV> {
        self.at(At::Arg(ident));
        let Some(f) = funcs::lookup(name) else {
            return Err(self.errorf(format!("{} is not a defined function", strconv::quote(name))));
        };
        self.eval_call(dot, &f, cmd, name, args, final_)
    }

    fn eval_call(&mut self, dot: &RV, f: &Func, node: At<'a>, name: &str, args: Option<&'a [Arg]>, final_: Option<RV>) -> R<RV> {
        let args: &'a [Arg] = args.map_or(&[], |a| &a[1..]);
        let num_in = args.len() + usize::from(final_.is_some());
        let mut num_fixed = args.len();
        if f.variadic.is_some() {
            num_fixed = f.fixed.len();
            if num_in < num_fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    f.fixed.len(),
                    args.len()
                )));
            }
        } else if num_in != f.fixed.len() {
            return Err(self.errorf(format!("wrong number of args for {name}: want {} got {num_in}", f.fixed.len())));
        }
        if f.builtin && (name == "and" || name == "or") {
            let mut v = RV::invalid();
            for arg in args {
                v = self.eval_arg(dot, Some(ParamType::RValue), arg)?;
                if funcs::truth(&v) == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(fin) = final_ {
                v = self.validate_type(fin, Some(ParamType::RValue))?;
            }
            return Ok(v);
        }
        let mut argv = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            argv.push(self.eval_arg(dot, Some(f.fixed[i]), &args[i])?);
            i += 1;
        }
        if let Some(vt) = f.variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, Some(vt), &args[i])?);
                i += 1;
            }
        }
        if let Some(fin) = final_ {
            let t = match f.variadic {
                Some(vt) if num_in > num_fixed => vt,
                Some(_) => f.fixed[num_in - 1],
                None => f.fixed[f.fixed.len() - 1],
            };
            argv.push(self.validate_type(fin, Some(t))?);
        }
        if f.builtin && name == "call" {
            // Go 1.23 passes the callee's node text for its error message,
            // and indexes an empty argument list when only a pipeline feeds it.
            let Some(callee) = args.first().map(|a| a.to_string()) else {
                return Err(Flow::Err("caught panic: runtime error: index out of range [0] with length 0".into()));
            };
            argv.insert(0, RV::concrete(Value::str(&callee)));
        }
        match (f.call)(&argv) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.at(node);
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }

    fn validate_type(&self, value: RV, typ: Option<ParamType>) -> R<RV> {
        if !value.is_valid() {
            return match typ {
                None | Some(ParamType::RValue) => Ok(RV::invalid()),
                Some(ParamType::Any) => Ok(RV::elem(Value::Nil)),
                Some(ParamType::Str) => Err(self.errorf("invalid value; expected string")),
            };
        }
        match typ {
            Some(ParamType::Str) => {
                let concrete = if value.iface && !value.val.is_nil() { RV::concrete(value.val.clone()) } else { value };
                match concrete.val {
                    Value::String(_) => Ok(concrete),
                    _ => Err(self.errorf(format!("wrong type for value; expected string; got {}", concrete.type_name()))),
                }
            }
            _ => Ok(value),
        }
    }

    fn eval_arg(&mut self, dot: &RV, typ: Option<ParamType>, n: &'a Arg) -> R<RV> {
        self.at(At::Arg(n));
        let v = match n {
            Arg::Dot { .. } => dot.clone(),
            Arg::Nil { .. } => {
                return match typ {
                    Some(ParamType::Any) => Ok(RV::elem(Value::Nil)),
                    Some(ParamType::RValue) | None => Ok(RV::invalid()),
                    Some(t) => Err(self.errorf(format!("cannot assign nil to {}", t.name()))),
                };
            }
            Arg::Field { ident, .. } => self.eval_field_node(dot, n, ident, 1, None)?,
            Arg::Variable { .. } => self.eval_variable_node(dot, n, &[], None)?,
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Identifier { name, .. } => self.eval_function(dot, n, name, At::Arg(n), None, None)?,
            Arg::Chain { .. } => self.eval_chain_node(dot, n, 0, None)?,
            Arg::Bool { val, .. } => {
                if typ == Some(ParamType::Str) {
                    return Err(self.errorf(format!("expected string; found {n}")));
                }
                return Ok(RV::concrete(Value::Bool(*val)));
            }
            Arg::Number(num) => {
                if typ == Some(ParamType::Str) {
                    return Err(self.errorf(format!("expected string; found {n}")));
                }
                return self.ideal_constant(n, num);
            }
            Arg::String { text, .. } => return Ok(RV::concrete(Value::str(text))),
        };
        self.validate_type(v, typ)
    }
}

/// `%v` of a value in an error message.
fn vfmt(v: &Value) -> String {
    gofmt::sprintf("%v", std::slice::from_ref(v))
}
