//! kubectl 1.32 reads `TYPE.field.path` with client-go's JSONPath parser (as
//! the template `{.TYPE.field.path}`): what matters to explain is which
//! nodes are plain fields. `..` (recursive descent), `[...]`, wildcards,
//! quotes, numbers and bare identifiers are other nodes, which explain
//! rejects; a field name may be empty (`pods.` after the trailing dot is cut).

#[derive(Debug, PartialEq, Eq)]
pub enum Node {
    Field(String),
    Other,
}

/// The nodes of `{.<input>}` (one trailing `.` of `input` dropped).
pub fn nodes(input: &str) -> Result<Vec<Node>, String> {
    let input = input.strip_suffix('.').unwrap_or(input);
    let text: Vec<char> = format!(".{input}}}").chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let Some(&c) = text.get(i) else { return Err("unclosed action".into()) };
        if c == '}' {
            return if i + 1 == text.len() { Ok(out) } else { Err("must pass in 1 jsonpath string".into()) };
        }
        if c == '.' && text.get(i + 1) == Some(&'.') {
            out.push(Node::Other);
            i += 2;
            if text.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                i = field(&text, i, &mut out);
            }
            continue;
        }
        i += 1;
        match c {
            ' ' | '@' | '$' => {}
            '.' => i = field(&text, i, &mut out),
            '[' => {
                out.push(Node::Other);
                while text.get(i).is_some_and(|c| *c != ']') {
                    i += 1;
                }
                i += 1;
            }
            '"' | '\'' => {
                out.push(Node::Other);
                while text.get(i).is_some_and(|q| *q != c) {
                    i += 1;
                }
                i += 1;
            }
            c if c == '+' || c == '-' || c.is_ascii_digit() || c.is_alphanumeric() || c == '_' => {
                out.push(Node::Other);
                while text.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                    i += 1;
                }
            }
            other => return Err(format!("unrecognized character in action: U+{:04X} '{other}'", other as u32)),
        }
    }
}

/// A field name up to the next unescaped terminator; `*` is a wildcard.
fn field(text: &[char], mut i: usize, out: &mut Vec<Node>) -> usize {
    let mut value = String::new();
    while let Some(&c) = text.get(i) {
        if c == '\\' {
            if let Some(&n) = text.get(i + 1) {
                value.push(n);
            }
            i += 2;
            continue;
        }
        if c.is_whitespace() || matches!(c, ',' | '.' | '[' | ']' | '$' | '@' | '{' | '}') {
            break;
        }
        value.push(c);
        i += 1;
    }
    out.push(if value == "*" { Node::Other } else { Node::Field(value) });
    i
}

/// The field names after the first node; any other node is an error.
pub fn fields_after_first(nodes: &[Node], error: &str) -> Result<Vec<String>, String> {
    nodes
        .iter()
        .skip(1)
        .map(|n| match n {
            Node::Field(f) => Ok(f.clone()),
            Node::Other => Err(error.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Node {
        Node::Field(s.into())
    }

    #[test]
    fn fields_and_other_nodes() {
        assert_eq!(nodes("pods.spec").unwrap(), vec![f("pods"), f("spec")]);
        assert_eq!(nodes("pods.").unwrap(), vec![f("pods")]);
        assert_eq!(nodes("").unwrap(), vec![f("")]);
        assert_eq!(nodes(".spec").unwrap(), vec![Node::Other, f("spec")]);
        assert_eq!(nodes(".").unwrap(), vec![f("")]);
        assert_eq!(nodes("..").unwrap(), vec![Node::Other]);
        assert_eq!(nodes("pods.spec.containers[0]").unwrap(), vec![f("pods"), f("spec"), f("containers"), Node::Other]);
        assert_eq!(nodes("a\\.b.c").unwrap(), vec![f("a.b"), f("c")]);
        assert_eq!(nodes("pods/x").unwrap(), vec![f("pods/x")]);
        assert!(nodes("a.b]").is_err());
    }
}
