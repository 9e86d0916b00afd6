//! Where a value sits in a raw JSON body, and the apiserver's decoder
//! (json-iterator) error context around it: `error found in #10 byte of
//! ...|<20 bytes>|..., bigger context ...|<100 bytes>|...`.

#[derive(Debug, Clone)]
pub enum Seg {
    Key(String),
    Index(usize),
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (an opening quote), past the closing one.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            Some(j)
        }
    }
}

/// The offset of the value at `path` in `b`.
pub fn locate(b: &[u8], path: &[Seg]) -> Option<usize> {
    let mut i = ws(b, 0);
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if *b.get(i)? != b'{' {
                    return None;
                }
                i += 1;
                loop {
                    i = ws(b, i);
                    if *b.get(i)? != b'"' {
                        return None;
                    }
                    let end = skip_string(b, i)?;
                    let key = &b[i + 1..end - 1];
                    i = ws(b, end);
                    if *b.get(i)? != b':' {
                        return None;
                    }
                    i = ws(b, i + 1);
                    if key == k.as_bytes() {
                        break;
                    }
                    i = ws(b, skip_value(b, i)?);
                    if *b.get(i)? != b',' {
                        return None;
                    }
                    i += 1;
                }
            }
            Seg::Index(n) => {
                if *b.get(i)? != b'[' {
                    return None;
                }
                i = ws(b, i + 1);
                for _ in 0..*n {
                    i = ws(b, skip_value(b, i)?);
                    if *b.get(i)? != b',' {
                        return None;
                    }
                    i = ws(b, i + 1);
                }
            }
        }
    }
    Some(i)
}

/// json-iterator's report for an error noticed with its read head at `head`.
pub fn context(b: &[u8], head: usize) -> String {
    let head = head.min(b.len());
    let (ps, pe) = (head.saturating_sub(10), (head + 10).min(b.len()));
    let (cs, ce) = (head.saturating_sub(50), (head + 50).min(b.len()));
    format!(
        ", error found in #{} byte of ...|{}|..., bigger context ...|{}|...",
        head - ps,
        String::from_utf8_lossy(&b[ps..pe]),
        String::from_utf8_lossy(&b[cs..ce])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let b = br#"{"a": {"x": [1, {"y": "z"}], "b": 2}, "c": [true]}"#;
        let at = |p: &[Seg]| locate(b, p).map(|i| b[i] as char);
        assert_eq!(at(&[Seg::Key("a".into()), Seg::Key("b".into())]), Some('2'));
        assert_eq!(at(&[Seg::Key("a".into()), Seg::Key("x".into()), Seg::Index(1), Seg::Key("y".into())]), Some('"'));
        assert_eq!(at(&[Seg::Key("c".into()), Seg::Index(0)]), Some('t'));
        assert_eq!(at(&[Seg::Key("d".into())]), None);
    }
}
