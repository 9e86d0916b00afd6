use std::path::PathBuf;

use super::*;

struct Case {
    name: &'static str,
    minwidth: usize,
    tabwidth: usize,
    padding: usize,
    padchar: u8,
    flags: Flags,
    src: &'static str,
    want: &'static str,
}

const fn case(
    name: &'static str,
    (minwidth, tabwidth, padding, padchar): (usize, usize, usize, u8),
    flags: Flags,
    src: &'static str,
    want: &'static str,
) -> Case {
    Case {
        name,
        minwidth,
        tabwidth,
        padding,
        padchar,
        flags,
        src,
        want,
    }
}

/// Expected outputs of Go's text/tabwriter (from its test suite) for the
/// features this port supports.
const GO_CASES: &[Case] = &[
    case("empty", (8, 0, 1, b'.'), Flags::NONE, "", ""),
    case("newlines only", (8, 0, 1, b'.'), Flags::NONE, "\n\n\n", "\n\n\n"),
    case("no tabs", (8, 0, 1, b'.'), Flags::NONE, "a\nb\nc", "a\nb\nc"),
    case("lone tab on last line", (8, 0, 1, b'.'), Flags::NONE, "\t", ""),
    case("lone tab right-aligned", (8, 0, 1, b'.'), Flags::ALIGN_RIGHT, "\t", ""),
    case("one column", (8, 0, 1, b'.'), Flags::NONE, "*\t*", "*.......*"),
    case("one column newline", (8, 0, 1, b'.'), Flags::NONE, "*\t*\n", "*.......*\n"),
    case("trailing tab", (8, 0, 1, b'.'), Flags::NONE, "*\t*\t", "*.......*"),
    case("trailing tab debug", (8, 0, 1, b'.'), Flags::DEBUG, "*\t*\t", "*.......|*"),
    case("trailing tab right", (8, 0, 1, b'.'), Flags::ALIGN_RIGHT, "*\t*\t", ".......**"),
    case("empty cell padded", (8, 0, 1, b'.'), Flags::NONE, "\t\n", "........\n"),
    case("plain text", (8, 0, 1, b'.'), Flags::NONE, "a) foo", "a) foo"),
    case("space pad", (8, 0, 1, b' '), Flags::NONE, "b) foo\tbar", "b) foo  bar"),
    case("terminated last cell", (8, 0, 1, b'.'), Flags::NONE, "c) foo\tbar\t", "c) foo..bar"),
    case("newline ends line", (8, 0, 1, b'.'), Flags::NONE, "d) foo\tbar\n", "d) foo..bar\n"),
    case("padded last column", (8, 0, 1, b'.'), Flags::NONE, "e) foo\tbar\t\n", "e) foo..bar.....\n"),
    case("wide text", (8, 0, 1, b'*'), Flags::NONE, "Hello, world!\n", "Hello, world!\n"),
    case(
        "no padding",
        (1, 0, 0, b'.'),
        Flags::NONE,
        "1\t2\t3\t4\n11\t222\t3333\t44444\n",
        "1.2..3...4\n11222333344444\n",
    ),
    case(
        "formfeed flushes",
        (1, 0, 0, b'.'),
        Flags::NONE,
        "1\t2\t3\t4\x0c11\t222\t3333\t44444\n",
        "1234\n11222333344444\n",
    ),
    case(
        "formfeed debug",
        (1, 0, 0, b'.'),
        Flags::DEBUG,
        "1\t2\t3\t4\x0c11\t222\t3333\t44444\n",
        "1|2|3|4\n---\n11|222|3333|44444\n",
    ),
    case("minwidth", (5, 0, 0, b'.'), Flags::NONE, "1\t2\t3\t4\n", "1....2....3....4\n"),
    case("minwidth trailing", (5, 0, 0, b'.'), Flags::NONE, "1\t2\t3\t4\t\n", "1....2....3....4....\n"),
    case(
        "runes not bytes",
        (8, 0, 1, b'.'),
        Flags::NONE,
        "本\tb\tc\naa\t本本本\tcccc\tddddd\naaa\tbbbb\n",
        "本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n",
    ),
    case(
        "right aligned",
        (8, 0, 1, b' '),
        Flags::ALIGN_RIGHT,
        "a\tè\tc\t\naa\tèèè\tcccc\tddddd\t\naaa\tèèèè\t\n",
        "       a       è       c\n      aa     èèè    cccc   ddddd\n     aaa    èèèè\n",
    ),
    case(
        "ragged",
        (2, 0, 0, b' '),
        Flags::NONE,
        "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n",
        "a  b  c\naa bbbcccc\naaabbbb\n",
    ),
    case(
        "blocks",
        (4, 0, 1, b'-'),
        Flags::NONE,
        "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
        "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n",
    ),
    case(
        "blocks padding 3",
        (4, 0, 3, b'.'),
        Flags::NONE,
        "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
        "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n",
    ),
    case(
        "tab padding",
        (8, 8, 1, b'\t'),
        Flags::NONE,
        "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
        "4444\t\t333\t22\t1\t333\n999999999\t22\n7\t\t22\n\t\t\t\t88888888\n\n666666\t666666\t666666\t\t4444\n1\t1\t999999999\t0000000000\n",
    ),
    case(
        "numbers right aligned",
        (1, 0, 2, b' '),
        Flags::ALIGN_RIGHT,
        ".0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n.0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t",
        "    .0          .3    2.4    -5.1\n  23.0  12345678.9    2.4  -989.4\n   5.1        12.0    2.4    -7.0\n    .0         0.0  332.0  8908.0\n    .0         -.3  456.4    22.1\n    .0         1.2   44.4   -13.3",
    ),
    case("empty htab column kept", (4, 0, 0, b'.'), Flags::DISCARD_EMPTY_COLUMNS, "a\t\tb", "a.......b"),
    case("empty vtab column discarded", (4, 0, 0, b'.'), Flags::DISCARD_EMPTY_COLUMNS, "a\x0b\x0bb", "a...b"),
    case(
        "discard right aligned",
        (4, 0, 0, b'.'),
        Flags(Flags::ALIGN_RIGHT.0 | Flags::DISCARD_EMPTY_COLUMNS.0),
        "a\x0b\x0bb",
        "...ab",
    ),
    case(
        "discard with tabs",
        (100, 100, 0, b'\t'),
        Flags::DISCARD_EMPTY_COLUMNS,
        "a\x0bb\x0b\x0bd\na\x0bb\x0b\x0bd\x0be\na\na\x0bb\x0bc\x0bd\na\x0bb\x0bc\x0bd\x0be\n",
        "a\tb\td\na\tb\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
    ),
    case(
        "discard debug",
        (100, 100, 0, b'\t'),
        Flags(Flags::DISCARD_EMPTY_COLUMNS.0 | Flags::DEBUG.0),
        "a\x0bb\x0b\x0bd\na\x0bb\x0b\x0bd\x0be\na\na\x0bb\x0bc\x0bd\na\x0bb\x0bc\x0bd\x0be\n",
        "a\t|b\t||d\na\t|b\t||d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n",
    ),
];

fn writer(c: &Case) -> TabWriter {
    TabWriter::with_settings(c.minwidth, c.tabwidth, c.padding, c.padchar, c.flags)
}

#[test]
fn go_cases_all_at_once() {
    for c in GO_CASES {
        let mut w = writer(c);
        w.write_str(c.src);
        assert_eq!(w.flush(), c.want, "case {}", c.name);
    }
}

#[test]
fn go_cases_in_pieces() {
    // Output must not depend on how the text is split across writes.
    for c in GO_CASES {
        let chars: Vec<(usize, char)> = c.src.char_indices().collect();
        let mut w = writer(c);
        for (i, ch) in &chars {
            w.write_str(&c.src[*i..*i + ch.len_utf8()]);
        }
        assert_eq!(w.flush(), c.want, "case {} char by char", c.name);

        let mut w = writer(c);
        let (mut at, mut step) = (0, 1);
        while at < chars.len() {
            let end = (at + step).min(chars.len());
            let to = chars.get(end).map_or(c.src.len(), |&(i, _)| i);
            w.write_str(&c.src[chars[at].0..to]);
            at = end;
            step += 1;
        }
        assert_eq!(w.flush(), c.want, "case {} in growing pieces", c.name);
    }
}

#[test]
fn kubectl_defaults() {
    // minwidth 6, padding 3; the last cell is never padded.
    assert_eq!(
        format("A\tBB\tC\nxxxxxxx\ty\tz\n"),
        "A         BB    C\nxxxxxxx   y     z\n"
    );
    // Empty trailing column: the padded cell before it leaves trailing spaces.
    assert_eq!(format("NAME\tNS\na\t\n"), "NAME   NS\na      \n");
}

#[test]
fn blank_line_and_short_rows_end_blocks() {
    let text = "a\tb\tc\nlong-name\tb\n\nx\ty\tz\n";
    // Without RememberWidths the second block is sized on its own.
    let mut plain = TabWriter::with_settings(6, 4, 3, b' ', Flags::NONE);
    plain.write_str(text);
    assert_eq!(
        plain.flush(),
        "a           b     c\nlong-name   b\n\nx     y     z\n"
    );
    // With it (kubectl's default) column 0 keeps its earlier width.
    assert_eq!(
        format(text),
        "a           b     c\nlong-name   b\n\nx           y     z\n"
    );
}

#[test]
fn remember_widths_across_flushes() {
    let mut w = TabWriter::with_settings(6, 4, 3, b' ', Flags::NONE).remember_widths();
    w.write_str("First\tMiddle\tLast\na\tbb\tccc\nddd\teeeeeeeeeeeeee\tf\n");
    assert_eq!(
        w.flush(),
        "First   Middle           Last\na       bb               ccc\nddd     eeeeeeeeeeeeee   f\n"
    );
    // A narrower batch keeps the earlier widths.
    w.write_str("g\th\ti\n");
    assert_eq!(w.flush(), "g       h                i\n");
    w.write_str("j\t\t\n");
    assert_eq!(w.flush(), "j                        \n");
    w.write_str("\tk\t\n");
    assert_eq!(w.flush(), "        k                \n");
    w.write_str("\t\tl\n");
    assert_eq!(w.flush(), "                         l\n");
    // A wider batch widens the columns for good.
    w.write_str("mmmmmmmmmmmmmmm\tnnn\tooo\n");
    assert_eq!(w.flush(), "mmmmmmmmmmmmmmm   nnn              ooo\n");
    w.write_str("p\tq\tr\n");
    assert_eq!(w.flush(), "p                 q                r\n");
    assert_eq!(w.remembered_widths(), [18, 17]);
}

#[test]
fn without_remember_widths_each_flush_stands_alone() {
    let mut w = TabWriter::with_settings(6, 4, 3, b' ', Flags::NONE);
    w.write_str("long-long\tx\n");
    assert_eq!(w.flush(), "long-long   x\n");
    w.write_str("a\tb\n");
    assert_eq!(w.flush(), "a     b\n");
}

/// `testdata/printers/tabwriter/NAME.tsv` holds the rows kubectl writes for
/// `kubectl config get-contexts` on `NAME.kubeconfig`; `NAME.txt` is what
/// kubectl printed.
#[test]
fn matches_kubectl_get_contexts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/printers/tabwriter");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixture dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_none_or(|e| e != "tsv") {
            continue;
        }
        let input = std::fs::read_to_string(&path).unwrap();
        let want = std::fs::read_to_string(path.with_extension("txt")).unwrap();
        assert_eq!(format(&input), want, "{}", path.display());
        checked += 1;
    }
    assert!(checked > 0, "no tabwriter fixtures");
}
