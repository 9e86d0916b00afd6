//! The scalar half of go-yaml v2's emitter: analysing a string to see which
//! styles can represent it, picking the style, and writing it in plain,
//! 'single', "double" or |literal form, folding long lines at 80 columns.
//!
//! v2 differs from v3 (and from later libyaml) in ways visible here: a tab
//! counts as a special character (so no plain or literal style), and a space
//! before any line break rules out literal style.

use super::emit::{Emitter, BEST_INDENT, BEST_WIDTH};
use super::Style;

/// What `yaml_emitter_analyze_scalar` concludes about a value. Scalars are
/// only ever emitted in block context here, so the flow-plain flag is moot.
pub(super) struct Analysis {
    pub multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// The characters go-yaml's `is_printable` accepts. Note that tab, and
/// everything outside the Basic Multilingual Plane (emoji), are not.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t'))
}

/// `is_blankz`: blank, break, or NUL.
fn is_blankz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\0') || is_break(c)
}

pub(super) fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let ws = Whitespace::scan(&chars);
    let special = chars.iter().any(|&c| !is_printable(c));
    let mut a = Analysis {
        multiline: ws.line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if ws.leading_space
        || ws.leading_break
        || ws.trailing_space
        || ws.trailing_break
        || ws.line_breaks
        || has_block_indicators(value, &chars)
    {
        a.block_plain_allowed = false;
    }
    if ws.trailing_space {
        a.block_allowed = false;
    }
    if ws.break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if ws.space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    a
}

/// Would a plain scalar starting or containing these characters be read
/// as YAML syntax (a comment, a mapping value, a flow collection, ...)?
fn has_block_indicators(value: &str, chars: &[char]) -> bool {
    if value.starts_with("---") || value.starts_with("...") {
        return true;
    }
    let followed_by_whitespace =
        |i: usize| i + 1 == chars.len() || is_blank(chars.get(i + 1).copied());
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let indicator = if i == 0 {
            matches!(
                c,
                '#' | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ) || (matches!(c, '?' | ':' | '-') && followed_by_whitespace(i))
        } else {
            (c == ':' && followed_by_whitespace(i)) || (c == '#' && preceded_by_whitespace)
        };
        if indicator {
            return true;
        }
        preceded_by_whitespace = is_blankz(c);
    }
    false
}

/// Where spaces and line breaks sit in a value.
#[derive(Default)]
struct Whitespace {
    line_breaks: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    /// A space right after a line break (a line starting with a space).
    break_space: bool,
    /// A space right before a line break (go-yaml v2 counts any line
    /// with trailing spaces, not only the last one).
    space_break: bool,
}

impl Whitespace {
    fn scan(chars: &[char]) -> Whitespace {
        let mut w = Whitespace::default();
        let last = chars.len() - 1;
        let (mut previous_space, mut previous_break) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                w.leading_space |= i == 0;
                w.trailing_space |= i == last;
                w.break_space |= previous_break;
                (previous_space, previous_break) = (true, false);
            } else if is_break(c) {
                w.line_breaks = true;
                w.leading_break |= i == 0;
                w.trailing_break |= i == last;
                w.space_break |= previous_space;
                (previous_space, previous_break) = (false, true);
            } else {
                (previous_space, previous_break) = (false, false);
            }
        }
        w
    }
}

/// `yaml_emitter_select_scalar_style` in block context, without tags.
pub(super) fn select_style(requested: Style, a: &Analysis, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && !a.block_plain_allowed {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

impl Emitter {
    pub(super) fn write_scalar(&mut self, value: &str, style: Style, allow_breaks: bool) {
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(value, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        self.write_foldable(value, allow_breaks, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator('\'', true, false, false);
        self.write_foldable(value, allow_breaks, true);
        self.write_indicator('\'', false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The text of a plain or single-quoted scalar. Past column 80 a single
    /// space becomes a line break (a reader folds it back into a space);
    /// runs of spaces are kept, and so are a quoted value's first and last
    /// characters. Line breaks in the value are doubled, since one break
    /// alone would read back as a space.
    fn write_foldable(&mut self, value: &str, allow_breaks: bool, quoted: bool) {
        let chars: Vec<char> = value.chars().collect();
        let last = chars.len().saturating_sub(1);
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inner = !quoted || (i != 0 && i != last);
                let fold = allow_breaks && !spaces && self.column > BEST_WIDTH && inner;
                if fold && chars.get(i + 1) != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if quoted && c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator('"', true, false, false);
        // go-yaml's is_bom looks at the start of the value, not at the
        // current character: a leading U+FEFF escapes every character.
        let escape_all = value.starts_with('\u{feff}');
        let chars: Vec<char> = value.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != last {
                    self.write_indent();
                    // A backslash keeps the next space from being eaten
                    // as indentation when read back.
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator('"', false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let v = c as u32;
        let (marker, digits) = match v {
            0..=0xff => ('x', 2),
            0x100..=0xffff => ('u', 4),
            _ => ('U', 8),
        };
        self.put(marker);
        for k in (0..digits).rev() {
            let digit = (v >> (k * 4)) & 0xf;
            self.put(
                char::from_digit(digit, 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase(),
            );
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator('|', true, false, false);
        self.write_block_hints(value);
        self.put_break();
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }

    /// Indentation hint when the text starts with a space or break, and the
    /// chomping hint: `-` without a final break, `+` with two or more.
    fn write_block_hints(&mut self, value: &str) {
        let mut chars = value.chars();
        if chars
            .clone()
            .next()
            .is_some_and(|c| c == ' ' || is_break(c))
        {
            let hint = char::from_digit(BEST_INDENT as u32, 10).unwrap_or('2');
            self.write_indicator(hint, false, false, false);
        }
        let last = chars.next_back();
        let before_last = chars.next_back();
        let chomp = match (last, before_last) {
            (None, _) => Some('-'),
            (Some(l), _) if !is_break(l) => Some('-'),
            (Some(_), None) => Some('+'),
            (Some(_), Some(b)) if is_break(b) => Some('+'),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
    }
}
