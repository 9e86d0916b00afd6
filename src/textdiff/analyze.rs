//! The edit-script computation of GNU diffutils 3.8, ported statement by
//! statement so that ambiguous edits resolve exactly as `diff` resolves them:
//!
//! - `io.c`: `prepare_text` (a missing final newline is appended and
//!   remembered), `find_identical_ends` (byte-wise identical prefix/suffix,
//!   minus `horizon_lines` lines) and `find_and_hash_each_line` (equivalence
//!   classes for the lines in between, the incomplete last line only ever
//!   matching the other file's incomplete last line);
//! - `analyze.c`: `discard_confusing_lines` (in `discard.rs`),
//!   `shift_boundaries`, `build_script`;
//! - gnulib `diffseq.h`: `diag`/`compareseq` (Myers' O(ND) middle-snake
//!   search with the `too_expensive` cut-off; `-H`/`--minimal` are not
//!   used by `diff -u -N`, so `heuristic` and `find_minimal` are off).
//!
//! Indices are `isize` because the C code relies on signed arithmetic and on
//! sentinel slots at index -1.

use std::collections::HashMap;

use super::discard::discard_confusing_lines;

/// `diff -u` context, and hence `horizon_lines` (diff.c raises
/// `horizon_lines` to `context`).
pub(crate) const CONTEXT: isize = 3;
const HORIZON_LINES: isize = CONTEXT;

/// One hunk of the edit script, in absolute 0-based line numbers. If
/// `deleted` is 0, `line0` is the line before which lines were inserted;
/// likewise for `inserted` and `line1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub line0: isize,
    pub line1: isize,
    pub deleted: isize,
    pub inserted: isize,
}

/// A file's text as diff sees it after `prepare_text`.
pub(crate) struct Prepared<'a> {
    /// The file's bytes, with `'\n'` appended when it was missing.
    pub buf: std::borrow::Cow<'a, [u8]>,
    pub missing_newline: bool,
}

impl<'a> Prepared<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        if !text.is_empty() && text[text.len() - 1] != b'\n' {
            let mut v = Vec::with_capacity(text.len() + 1);
            v.extend_from_slice(text);
            v.push(b'\n');
            Prepared {
                buf: std::borrow::Cow::Owned(v),
                missing_newline: true,
            }
        } else {
            Prepared {
                buf: std::borrow::Cow::Borrowed(text),
                missing_newline: false,
            }
        }
    }

    /// Every line of the file, for printing: complete lines keep their
    /// `'\n'`, an incomplete last line has none.
    pub fn lines(&self) -> Vec<&[u8]> {
        let buf: &[u8] = &self.buf;
        let mut out = Vec::new();
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if b == b'\n' {
                out.push(&buf[start..=i]);
                start = i + 1;
            }
        }
        if self.missing_newline {
            if let Some(last) = out.last_mut() {
                *last = &last[..last.len() - 1];
            }
        }
        out
    }
}

/// io.c `find_identical_ends`: byte offsets `(prefix_end, suffix_begin0,
/// suffix_begin1)`; `prefix_end` is the same in both buffers.
fn find_identical_ends(f0: &Prepared, f1: &Prepared) -> (usize, usize, usize) {
    let b0: &[u8] = &f0.buf;
    let b1: &[u8] = &f1.buf;
    let n0 = b0.len();
    let n1 = b1.len();

    // Identical prefix: the sentinel stops the scan at min(n0, n1).
    let min = n0.min(n1);
    let mut p = b0[..min]
        .iter()
        .zip(&b1[..min])
        .position(|(a, b)| a != b)
        .unwrap_or(min);

    // Don't mistakenly count a missing newline as part of the prefix.
    let past0 = n0 - usize::from(f0.missing_newline) < p;
    let past1 = n1 - usize::from(f1.missing_newline) < p;
    if past0 != past1 {
        p -= 1;
    }

    // Skip back to the last line beginning in the prefix, then discard up to
    // HORIZON_LINES lines from it.
    let mut i = HORIZON_LINES;
    while p != 0
        && (b0[p - 1] != b'\n' || {
            let keep = i != 0;
            i -= 1;
            keep
        })
    {
        p -= 1;
    }
    let prefix_end = p;

    // Identical suffix.
    let mut p0 = n0;
    let mut p1 = n1;
    if f0.missing_newline == f1.missing_newline {
        let end0 = p0;
        let mut beg0 = prefix_end + n0.saturating_sub(n1);
        while p0 != beg0 {
            p0 -= 1;
            p1 -= 1;
            if b0[p0] != b1[p1] {
                p0 += 1;
                p1 += 1;
                beg0 = p0;
                break;
            }
        }
        let at_bol = (p0 == 0 || b0[p0 - 1] == b'\n') && (p1 == 0 || b1[p1 - 1] == b'\n');
        let mut i = HORIZON_LINES + !at_bol as isize;
        loop {
            let go = i != 0;
            i -= 1;
            if !go || p0 == end0 {
                break;
            }
            loop {
                let c = b0[p0];
                p0 += 1;
                if c == b'\n' {
                    break;
                }
            }
        }
        p1 += p0 - beg0;
    }
    (prefix_end, p0, p1)
}

/// The result of the comparison: the edit script plus what printing needs.
pub(crate) struct Analysis {
    pub script: Vec<Change>,
}

/// diff_2_files for two text buffers: the edit script (empty when the files
/// are identical).
pub(crate) fn analyze(f0: &Prepared, f1: &Prepared) -> Analysis {
    let (prefix_end, sb0, sb1) = find_identical_ends(f0, f1);
    let prefix_lines = f0.buf[..prefix_end].iter().filter(|&&b| b == b'\n').count() as isize;

    // find_and_hash_each_line: equivalence classes for the middle lines.
    // Class 0 is reserved; the incomplete last line is hashed into its own
    // bucket so it can only equal the other file's incomplete line.
    let mut classes: HashMap<(bool, &[u8]), isize> = HashMap::new();
    let mut next_class: isize = 1;
    let mut equivs: [Vec<isize>; 2] = [Vec::new(), Vec::new()];
    for (f, (prep, sb)) in [(f0, sb0), (f1, sb1)].into_iter().enumerate() {
        let buf: &[u8] = &prep.buf;
        let mut p = prefix_end;
        while p < sb {
            let nl = p + buf[p..]
                .iter()
                .position(|&b| b == b'\n')
                .expect("buffer ends in newline");
            let incomplete = nl + 1 == buf.len() && prep.missing_newline;
            let key = (incomplete, &buf[p..nl]);
            let class = *classes.entry(key).or_insert_with(|| {
                next_class += 1;
                next_class - 1
            });
            equivs[f].push(class);
            p = nl + 1;
        }
    }
    let equiv_max = next_class;

    let n0 = equivs[0].len();
    let n1 = equivs[1].len();
    // changed[f][k + 1] is line k's flag; slots for k = -1 and k = n (and one
    // more, which in C is the other file's -1 slot) are always false.
    let mut changed = [vec![false; n0 + 3], vec![false; n1 + 3]];

    let (undiscarded, realindexes) = discard_confusing_lines(&equivs, equiv_max, &mut changed);

    {
        let nd0 = undiscarded[0].len() as isize;
        let nd1 = undiscarded[1].len() as isize;
        let mut diags = nd0 + nd1 + 3;
        let mut too_expensive: isize = 1;
        while diags != 0 {
            too_expensive <<= 1;
            diags >>= 2;
        }
        let mut ctxt = Ctxt {
            xv: &undiscarded[0],
            yv: &undiscarded[1],
            fd: vec![0; (nd0 + nd1 + 3) as usize],
            bd: vec![0; (nd0 + nd1 + 3) as usize],
            doff: nd1 + 1,
            too_expensive: too_expensive.max(4096),
            real: [&realindexes[0], &realindexes[1]],
            changed: &mut changed,
        };
        ctxt.compareseq(0, nd0, 0, nd1, false);
    }

    {
        let [c0, c1] = &mut changed;
        shift_boundaries(c0, c1, &equivs[0]);
        shift_boundaries(c1, c0, &equivs[1]);
    }

    let mut script = build_script(&changed, n0 as isize, n1 as isize);
    for c in &mut script {
        c.line0 += prefix_lines;
        c.line1 += prefix_lines;
    }
    Analysis { script }
}

/// diffseq.h `struct context`.
struct Ctxt<'a> {
    xv: &'a [isize],
    yv: &'a [isize],
    /// Forward and backward diagonal vectors, indexed by `d + doff`.
    fd: Vec<isize>,
    bd: Vec<isize>,
    doff: isize,
    too_expensive: isize,
    real: [&'a [isize]; 2],
    changed: &'a mut [Vec<bool>; 2],
}

struct Partition {
    xmid: isize,
    ymid: isize,
    lo_minimal: bool,
    hi_minimal: bool,
}

impl Ctxt<'_> {
    #[inline]
    fn eq(&self, x: isize, y: isize) -> bool {
        self.xv[x as usize] == self.yv[y as usize]
    }
    #[inline]
    fn fd(&self, d: isize) -> isize {
        self.fd[(d + self.doff) as usize]
    }
    #[inline]
    fn set_fd(&mut self, d: isize, v: isize) {
        let k = (d + self.doff) as usize;
        self.fd[k] = v;
    }
    #[inline]
    fn bd(&self, d: isize) -> isize {
        self.bd[(d + self.doff) as usize]
    }
    #[inline]
    fn set_bd(&mut self, d: isize, v: isize) {
        let k = (d + self.doff) as usize;
        self.bd[k] = v;
    }

    fn note_delete(&mut self, x: isize) {
        let r = self.real[0][x as usize];
        self.changed[0][(r + 1) as usize] = true;
    }
    fn note_insert(&mut self, y: isize) {
        let r = self.real[1][y as usize];
        self.changed[1][(r + 1) as usize] = true;
    }

    /// Find the midpoint of the shortest edit script for a portion of the
    /// vectors (diffseq.h `diag`, heuristic off).
    fn diag(
        &mut self,
        xoff: isize,
        xlim: isize,
        yoff: isize,
        ylim: isize,
        find_minimal: bool,
    ) -> Partition {
        let dmin = xoff - ylim;
        let dmax = xlim - yoff;
        let fmid = xoff - yoff;
        let bmid = xlim - ylim;
        let mut fmin = fmid;
        let mut fmax = fmid;
        let mut bmin = bmid;
        let mut bmax = bmid;
        let odd = (fmid - bmid) & 1 != 0;

        self.set_fd(fmid, xoff);
        self.set_bd(bmid, xlim);

        let mut c: isize = 1;
        loop {
            // Extend the top-down search by an edit step in each diagonal.
            if fmin > dmin {
                fmin -= 1;
                self.set_fd(fmin - 1, -1);
            } else {
                fmin += 1;
            }
            if fmax < dmax {
                fmax += 1;
                self.set_fd(fmax + 1, -1);
            } else {
                fmax -= 1;
            }
            let mut d = fmax;
            while d >= fmin {
                let tlo = self.fd(d - 1);
                let thi = self.fd(d + 1);
                let x0 = if tlo < thi { thi } else { tlo + 1 };
                let mut x = x0;
                let mut y = x0 - d;
                while x < xlim && y < ylim && self.eq(x, y) {
                    x += 1;
                    y += 1;
                }
                self.set_fd(d, x);
                if odd && bmin <= d && d <= bmax && self.bd(d) <= x {
                    return Partition {
                        xmid: x,
                        ymid: y,
                        lo_minimal: true,
                        hi_minimal: true,
                    };
                }
                d -= 2;
            }

            // Similarly extend the bottom-up search.
            if bmin > dmin {
                bmin -= 1;
                self.set_bd(bmin - 1, isize::MAX);
            } else {
                bmin += 1;
            }
            if bmax < dmax {
                bmax += 1;
                self.set_bd(bmax + 1, isize::MAX);
            } else {
                bmax -= 1;
            }
            let mut d = bmax;
            while d >= bmin {
                let tlo = self.bd(d - 1);
                let thi = self.bd(d + 1);
                let x0 = if tlo < thi { tlo } else { thi - 1 };
                let mut x = x0;
                let mut y = x0 - d;
                while xoff < x && yoff < y && self.eq(x - 1, y - 1) {
                    x -= 1;
                    y -= 1;
                }
                self.set_bd(d, x);
                if !odd && fmin <= d && d <= fmax && x <= self.fd(d) {
                    return Partition {
                        xmid: x,
                        ymid: y,
                        lo_minimal: true,
                        hi_minimal: true,
                    };
                }
                d -= 2;
            }

            if !find_minimal && c >= self.too_expensive {
                // Give up and report halfway between our best results so far.
                let mut fxybest: isize = -1;
                let mut fxbest: isize = 0;
                let mut d = fmax;
                while d >= fmin {
                    let mut x = self.fd(d).min(xlim);
                    let mut y = x - d;
                    if ylim < y {
                        x = ylim + d;
                        y = ylim;
                    }
                    if fxybest < x + y {
                        fxybest = x + y;
                        fxbest = x;
                    }
                    d -= 2;
                }
                let mut bxybest = isize::MAX;
                let mut bxbest: isize = 0;
                let mut d = bmax;
                while d >= bmin {
                    let mut x = xoff.max(self.bd(d));
                    let mut y = x - d;
                    if y < yoff {
                        x = yoff + d;
                        y = yoff;
                    }
                    if x + y < bxybest {
                        bxybest = x + y;
                        bxbest = x;
                    }
                    d -= 2;
                }
                return if (xlim + ylim) - bxybest < fxybest - (xoff + yoff) {
                    Partition {
                        xmid: fxbest,
                        ymid: fxybest - fxbest,
                        lo_minimal: true,
                        hi_minimal: false,
                    }
                } else {
                    Partition {
                        xmid: bxbest,
                        ymid: bxybest - bxbest,
                        lo_minimal: false,
                        hi_minimal: true,
                    }
                };
            }
            c += 1;
        }
    }

    /// diffseq.h `compareseq`: recurse into the smaller half, iterate on the
    /// other (the order does not affect the result).
    fn compareseq(
        &mut self,
        mut xoff: isize,
        mut xlim: isize,
        mut yoff: isize,
        mut ylim: isize,
        mut find_minimal: bool,
    ) {
        loop {
            while xoff < xlim && yoff < ylim && self.eq(xoff, yoff) {
                xoff += 1;
                yoff += 1;
            }
            while xoff < xlim && yoff < ylim && self.eq(xlim - 1, ylim - 1) {
                xlim -= 1;
                ylim -= 1;
            }
            if xoff == xlim {
                while yoff < ylim {
                    self.note_insert(yoff);
                    yoff += 1;
                }
                return;
            }
            if yoff == ylim {
                while xoff < xlim {
                    self.note_delete(xoff);
                    xoff += 1;
                }
                return;
            }
            let part = self.diag(xoff, xlim, yoff, ylim, find_minimal);
            if (xlim + ylim) - (part.xmid + part.ymid) < (part.xmid + part.ymid) - (xoff + yoff) {
                self.compareseq(part.xmid, xlim, part.ymid, ylim, part.hi_minimal);
                xlim = part.xmid;
                ylim = part.ymid;
                find_minimal = part.lo_minimal;
            } else {
                self.compareseq(xoff, part.xmid, yoff, part.ymid, part.lo_minimal);
                xoff = part.xmid;
                yoff = part.ymid;
                find_minimal = part.hi_minimal;
            }
        }
    }
}

/// analyze.c `shift_boundaries` for one file. `changed`/`other` are the
/// sentinel-padded flag vectors (`[k + 1]` is line k).
fn shift_boundaries(changed: &mut [bool], other: &[bool], equivs: &[isize]) {
    #[inline]
    fn at(v: &[bool], k: isize) -> bool {
        v[(k + 1) as usize]
    }
    #[inline]
    fn set(v: &mut [bool], k: isize, b: bool) {
        v[(k + 1) as usize] = b;
    }
    let eq = |k: isize| equivs[k as usize];

    let i_end = equivs.len() as isize;
    let mut i: isize = 0;
    let mut j: isize = 0;
    loop {
        // Scan forwards to find the beginning of another run of changes,
        // tracking the corresponding point in the other file.
        while i < i_end && !at(changed, i) {
            loop {
                let v = at(other, j);
                j += 1;
                if !v {
                    break;
                }
            }
            i += 1;
        }
        if i == i_end {
            break;
        }
        let mut start = i;

        // Find the end of this run of changes.
        loop {
            i += 1;
            if !at(changed, i) {
                break;
            }
        }
        while at(other, j) {
            j += 1;
        }

        let mut corresponding;
        loop {
            let runlength = i - start;

            // Move the changed region back, so long as the previous
            // unchanged line matches the last changed one.
            while start != 0 && eq(start - 1) == eq(i - 1) {
                start -= 1;
                set(changed, start, true);
                i -= 1;
                set(changed, i, false);
                while at(changed, start - 1) {
                    start -= 1;
                }
                loop {
                    j -= 1;
                    if !at(other, j) {
                        break;
                    }
                }
            }

            corresponding = if at(other, j - 1) { i } else { i_end };

            // Move the changed region forward, so long as the first changed
            // line matches the following unchanged one.
            while i != i_end && eq(start) == eq(i) {
                set(changed, start, false);
                start += 1;
                set(changed, i, true);
                i += 1;
                while at(changed, i) {
                    i += 1;
                }
                loop {
                    j += 1;
                    if !at(other, j) {
                        break;
                    }
                    corresponding = i;
                }
            }

            if runlength == i - start {
                break;
            }
        }

        // If possible, move the fully-merged run of changes back to a
        // corresponding run in the other file.
        while corresponding < i {
            start -= 1;
            set(changed, start, true);
            i -= 1;
            set(changed, i, false);
            loop {
                j -= 1;
                if !at(other, j) {
                    break;
                }
            }
        }
    }
}

/// analyze.c `build_script`: the forward edit script (0-based, relative to
/// the first hashed line).
fn build_script(changed: &[Vec<bool>; 2], n0: isize, n1: isize) -> Vec<Change> {
    let c0 = |k: isize| changed[0][(k + 1) as usize];
    let c1 = |k: isize| changed[1][(k + 1) as usize];
    let mut script = Vec::new();
    let mut i0 = n0;
    let mut i1 = n1;
    while i0 >= 0 || i1 >= 0 {
        if c0(i0 - 1) || c1(i1 - 1) {
            let line0 = i0;
            let line1 = i1;
            while c0(i0 - 1) {
                i0 -= 1;
            }
            while c1(i1 - 1) {
                i1 -= 1;
            }
            script.push(Change {
                line0: i0,
                line1: i1,
                deleted: line0 - i0,
                inserted: line1 - i1,
            });
        }
        i0 -= 1;
        i1 -= 1;
    }
    script.reverse();
    script
}
