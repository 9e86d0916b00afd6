//! go-yaml v2's map key order (`keyList.Less` in sorter.go) for string keys.
//!
//! It is not byte order: letters sort after non-letters, runs of digits
//! compare by numeric value ("a2" < "a10"), and among letters plain code
//! point order applies ("B" < "a").

use super::letters::is_non_ascii_letter;

/// go-yaml's `Less` for two string keys.
pub fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        return digits_less(&ar, &br, i);
    }
    ar.len() < br.len()
}

/// The non-letter branch of `Less`: compare the digit runs starting at `i`
/// numerically. Go's quirk is kept: when one side starts with '0' and the
/// run began earlier with a non-zero digit, both numbers start from 1.
fn digits_less(ar: &[char], br: &[char], i: usize) -> bool {
    let mut an: i64 = 0;
    let mut bn: i64 = 0;
    if ar[i] == '0' || br[i] == '0' {
        for j in (0..i).rev() {
            if !is_digit(ar[j]) {
                break;
            }
            if ar[j] != '0' {
                an = 1;
                bn = 1;
                break;
            }
        }
    }
    let (an, ai) = accumulate(ar, i, an);
    let (bn, bi) = accumulate(br, i, bn);
    if an != bn {
        return an < bn;
    }
    if ai != bi {
        return ai < bi;
    }
    ar[i] < br[i]
}

/// Go accumulates `n*10 + (r - '0')` in int64, wrapping on overflow.
fn accumulate(r: &[char], start: usize, mut n: i64) -> (i64, usize) {
    let mut k = start;
    while k < r.len() && is_digit(r[k]) {
        n = n.wrapping_mul(10).wrapping_add(r[k] as i64 - '0' as i64);
        k += 1;
    }
    (n, k)
}

/// `unicode.IsLetter` (category L).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    is_non_ascii_letter(c)
}

/// `unicode.IsDigit` (category Nd).
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    is_nd(c)
}

/// Start code points of the Unicode 15 Nd blocks; each block is ten digits.
const ND_STARTS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

fn is_nd(c: char) -> bool {
    let c = c as u32;
    ND_STARTS.iter().any(|&s| (s..s + 10).contains(&c))
}

/// Sorts keys with `key_less`. A hand-rolled merge sort: the Go order is not
/// guaranteed to be a total order on odd inputs, and std's sort may panic on
/// such comparators. Go itself sorts randomly-ordered map keys, so any
/// consistent result is as faithful as Go is to itself there.
pub fn sort_keys<T>(items: &mut Vec<(String, T)>) {
    let taken = std::mem::take(items);
    *items = merge_sort(taken);
}

fn merge_sort<T>(mut v: Vec<(String, T)>) -> Vec<(String, T)> {
    if v.len() <= 1 {
        return v;
    }
    let right = v.split_off(v.len() / 2);
    let left = merge_sort(v);
    let right = merge_sort(right);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        // Stable: take from the right only when it is strictly smaller.
        if key_less(&b.0, &a.0) {
            out.extend(r.next());
        } else {
            out.extend(l.next());
        }
    }
    out.extend(l);
    out.extend(r);
    out
}

/// Whether `key_less` is a strict weak order on `keys`. When it is not, Go's
/// result depends on the (random) map iteration order, so kubectl's output
/// is not reproducible.
#[cfg(test)]
pub fn is_consistent_order(keys: &[&str]) -> bool {
    let less = |a: &str, b: &str| key_less(a, b);
    keys.iter().all(|a| {
        keys.iter().all(|b| {
            keys.iter()
                .all(|c| !(less(a, b) && less(b, c)) || less(a, c))
                && (a == b || !(less(a, b) && less(b, a)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut v: Vec<(String, ())> = keys.iter().map(|k| (k.to_string(), ())).collect();
        sort_keys(&mut v);
        v.into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn numeric_runs_and_letters() {
        assert_eq!(sorted(&["a10", "a2", "a1"]), ["a1", "a2", "a10"]);
        assert_eq!(
            sorted(&["a", "B", "_x", "-x", "1"]),
            ["-x", "_x", "1", "B", "a"]
        );
        assert_eq!(sorted(&["ab", "a", "abc"]), ["a", "ab", "abc"]);
        assert_eq!(
            sorted(&["x.y", "x-y", "x_y", "xy"]),
            ["x-y", "x.y", "x_y", "xy"]
        );
    }

    #[test]
    fn leading_zeros() {
        // Equal values: the shorter digit run sorts first.
        assert_eq!(sorted(&["a01", "a1"]), ["a1", "a01"]);
        assert_eq!(
            sorted(&["v1beta1", "v1", "v1alpha1", "v2", "v10"]),
            ["v1", "v1alpha1", "v1beta1", "v2", "v10"]
        );
    }
}
