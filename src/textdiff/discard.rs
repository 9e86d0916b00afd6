//! analyze.c `discard_confusing_lines` of GNU diffutils 3.8: lines that
//! match nothing in the other file are marked changed up front and hidden
//! from the O(ND) search, and so are lines matching many lines when they sit
//! inside a run of such unmatched lines.

/// analyze.c `discard_confusing_lines` (diffutils 3.8 thresholds). Returns
/// the undiscarded equivalence classes and their real line indexes.
pub(super) fn discard_confusing_lines(
    equivs: &[Vec<isize>; 2],
    equiv_max: isize,
    changed: &mut [Vec<bool>; 2],
) -> ([Vec<isize>; 2], [Vec<isize>; 2]) {
    let mut equiv_count = [
        vec![0isize; equiv_max as usize],
        vec![0isize; equiv_max as usize],
    ];
    for f in 0..2 {
        for &e in &equivs[f] {
            equiv_count[f][e as usize] += 1;
        }
    }

    let mut discarded = [vec![0u8; equivs[0].len()], vec![0u8; equivs[1].len()]];

    // Mark to be discarded each line that matches no line of the other file;
    // a line matching many lines is provisionally discardable.
    for f in 0..2 {
        let end = equivs[f].len();
        let counts = &equiv_count[1 - f];
        let mut many: usize = 5;
        let mut tem = end / 64;
        loop {
            tem >>= 2;
            if tem == 0 {
                break;
            }
            many *= 2;
        }
        for i in 0..end {
            let e = equivs[f][i];
            if e == 0 {
                continue;
            }
            let nmatch = counts[e as usize];
            if nmatch == 0 {
                discarded[f][i] = 1;
            } else if nmatch as usize > many {
                discarded[f][i] = 2;
            }
        }
    }

    // Don't really discard the provisional lines except when they occur in
    // a run of discardables, with nonprovisionals at the beginning and end.
    for discards in discarded.iter_mut() {
        let end = discards.len() as isize;
        let d = |k: isize| k as usize;
        let mut i: isize = 0;
        while i < end {
            if discards[d(i)] == 2 {
                discards[d(i)] = 0;
            } else if discards[d(i)] != 0 {
                let mut provisional: isize = 0;
                let mut j = i;
                while j < end {
                    if discards[d(j)] == 0 {
                        break;
                    }
                    if discards[d(j)] == 2 {
                        provisional += 1;
                    }
                    j += 1;
                }
                while j > i && discards[d(j - 1)] == 2 {
                    j -= 1;
                    discards[d(j)] = 0;
                    provisional -= 1;
                }
                let length = j - i;

                if provisional * 4 > length {
                    while j > i {
                        j -= 1;
                        if discards[d(j)] == 2 {
                            discards[d(j)] = 0;
                        }
                    }
                } else {
                    let mut minimum: isize = 1;
                    let mut tem = length >> 2;
                    loop {
                        tem >>= 2;
                        if tem <= 0 {
                            break;
                        }
                        minimum <<= 1;
                    }
                    minimum += 1;

                    // Cancel any subrun of MINIMUM or more provisionals.
                    let mut consec: isize = 0;
                    j = 0;
                    while j < length {
                        if discards[d(i + j)] != 2 {
                            consec = 0;
                        } else {
                            consec += 1;
                            if minimum == consec {
                                j -= consec;
                            } else if minimum < consec {
                                discards[d(i + j)] = 0;
                            }
                        }
                        j += 1;
                    }

                    // Scan from the beginning of the run until 3 or more
                    // nonprovisionals in a row, or the first nonprovisional
                    // at least 8 lines in; cancel provisionals until then.
                    consec = 0;
                    j = 0;
                    while j < length {
                        if j >= 8 && discards[d(i + j)] == 1 {
                            break;
                        }
                        if discards[d(i + j)] == 2 {
                            consec = 0;
                            discards[d(i + j)] = 0;
                        } else if discards[d(i + j)] == 0 {
                            consec = 0;
                        } else {
                            consec += 1;
                        }
                        if consec == 3 {
                            break;
                        }
                        j += 1;
                    }

                    i += length - 1;

                    // Same thing, from the end.
                    consec = 0;
                    j = 0;
                    while j < length {
                        if j >= 8 && discards[d(i - j)] == 1 {
                            break;
                        }
                        if discards[d(i - j)] == 2 {
                            consec = 0;
                            discards[d(i - j)] = 0;
                        } else if discards[d(i - j)] == 0 {
                            consec = 0;
                        } else {
                            consec += 1;
                        }
                        if consec == 3 {
                            break;
                        }
                        j += 1;
                    }
                }
            }
            i += 1;
        }
    }

    // Actually discard the lines.
    let mut undiscarded = [Vec::new(), Vec::new()];
    let mut realindexes = [Vec::new(), Vec::new()];
    for f in 0..2 {
        for (i, &e) in equivs[f].iter().enumerate() {
            if discarded[f][i] == 0 {
                undiscarded[f].push(e);
                realindexes[f].push(i as isize);
            } else {
                changed[f][i + 1] = true;
            }
        }
    }
    (undiscarded, realindexes)
}
