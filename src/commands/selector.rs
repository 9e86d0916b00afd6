//! Label selectors matched on the client, for objects read from files
//! (`apply -l`, `set image --local -l`), where no server filters them.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Equals(String),
    NotEquals(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
    Greater(i64),
    Less(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<(String, Op)>,
}

/// Split on commas that are not inside `( )`.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

const INT_REQUIRED: &str = "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer";

fn set_values(rest: &str, whole: &str) -> Result<Vec<String>, String> {
    let inner = rest.trim().strip_prefix('(').and_then(|r| r.strip_suffix(')')).ok_or_else(|| format!("unable to parse requirement: found '{whole}', expected: '('"))?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        if text.trim().is_empty() {
            return Ok(Selector { requirements });
        }
        for part in split_top(text) {
            let p = part.trim();
            if p.is_empty() {
                return Err(format!("unable to parse requirement: found '{text}', expected: identifier"));
            }
            if let Some(k) = p.strip_prefix('!') {
                requirements.push((k.trim().to_string(), Op::DoesNotExist));
                continue;
            }
            let req = if let Some((k, v)) = p.split_once("!=") {
                (k, Op::NotEquals(v.trim().to_string()))
            } else if let Some((k, v)) = p.split_once("==") {
                (k, Op::Equals(v.trim().to_string()))
            } else if let Some((k, v)) = p.split_once('=') {
                (k, Op::Equals(v.trim().to_string()))
            } else if let Some((k, v)) = p.split_once(" notin ") {
                (k, Op::NotIn(set_values(v, p)?))
            } else if let Some((k, v)) = p.split_once(" in ") {
                (k, Op::In(set_values(v, p)?))
            } else if let Some((k, v)) = p.split_once('>') {
                (k, Op::Greater(v.trim().parse().map_err(|_| INT_REQUIRED.to_string())?))
            } else if let Some((k, v)) = p.split_once('<') {
                (k, Op::Less(v.trim().parse().map_err(|_| INT_REQUIRED.to_string())?))
            } else {
                (p, Op::Exists)
            };
            // Values are identifiers to kubectl's lexer: its special characters fail.
            if let Op::Equals(v) | Op::NotEquals(v) = &req.1 {
                if let Some(c) = v.chars().find(|c| "()!=,".contains(*c)) {
                    return Err(format!("unable to parse requirement: found '{c}', expected: identifier"));
                }
            }
            requirements.push((req.0.trim().to_string(), req.1));
        }
        Ok(Selector { requirements })
    }

    /// Whether an object's `metadata.labels` satisfy every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        self.requirements.iter().all(|(k, op)| {
            let v = labels.get(k).and_then(Value::as_str);
            match op {
                Op::Equals(want) => v == Some(want.as_str()),
                Op::NotEquals(want) => v != Some(want.as_str()),
                Op::In(set) => v.is_some_and(|v| set.iter().any(|s| s == v)),
                Op::NotIn(set) => !v.is_some_and(|v| set.iter().any(|s| s == v)),
                Op::Exists => v.is_some(),
                Op::DoesNotExist => v.is_none(),
                Op::Greater(n) => v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|x| x > *n),
                Op::Less(n) => v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|x| x < *n),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_kubectl_operators() {
        let obj = json!({"metadata": {"labels": {"app": "web", "tier": "front", "n": "3"}}});
        for (sel, want) in [
            ("app=web", true),
            ("app==web,tier=front", true),
            ("app!=web", false),
            ("app in (web, db)", true),
            ("app notin (web)", false),
            ("tier", true),
            ("!tier", false),
            ("missing!=x", true),
            ("n>2,n<4", true),
            ("app=web,env in (prod)", false),
            ("", true),
        ] {
            assert_eq!(Selector::parse(sel).unwrap().matches(&obj), want, "{sel}");
        }
    }
}
