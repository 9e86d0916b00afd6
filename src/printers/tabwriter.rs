//! Go's text/tabwriter, as forked by kubectl (github.com/liggitt/tabwriter,
//! which adds `RememberWidths`), so tables line up byte for byte.
//!
//! The model (elastic tabstops): text is split into cells, each terminated
//! by a tab; the text after a line's last tab is not a column cell and is
//! never padded. A column is a run of consecutive lines that all have a cell
//! at that index ("column block"); its width is the widest cell plus
//! padding, at least `minwidth`. Widths count characters (runes), not bytes.
//! A line without any tab flushes everything buffered before it.
//!
//! kubectl's tables use `minwidth=6, tabwidth=4, padding=3, padchar=' '`
//! with `RememberWidths`: a column never gets narrower than it was in an
//! earlier block or an earlier flush of the same writer, which keeps
//! `kubectl get -w` output aligned as rows stream in.

use std::ops::BitOr;

/// Formatting flags, as in Go (`FilterHTML` and `StripEscape` are not
/// supported: the escape byte 0xff cannot occur in a `&str`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(u32);

impl Flags {
    pub const NONE: Flags = Flags(0);
    /// Right-align cell text instead of left.
    pub const ALIGN_RIGHT: Flags = Flags(1 << 2);
    /// Columns whose cells are all empty and vertical-tab terminated take no space.
    pub const DISCARD_EMPTY_COLUMNS: Flags = Flags(1 << 3);
    /// Pad leading empty cells with tabs whatever the padchar.
    pub const TAB_INDENT: Flags = Flags(1 << 4);
    /// Print '|' between columns.
    pub const DEBUG: Flags = Flags(1 << 5);
    /// Keep column widths across blocks and flushes (liggitt/tabwriter).
    pub const REMEMBER_WIDTHS: Flags = Flags(1 << 6);

    fn has(self, flag: Flags) -> bool {
        self.0 & flag.0 != 0
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// A cell: `size` bytes of `buf`, `width` characters wide, and whether a
/// horizontal tab (rather than '\v' or a line end) terminated it.
#[derive(Clone, Copy, Default)]
struct Cell {
    size: usize,
    width: usize,
    htab: bool,
}

pub struct TabWriter {
    minwidth: usize,
    tabwidth: usize,
    padding: usize,
    padchar: u8,
    flags: Flags,

    /// Text of all buffered cells, tabs and line breaks removed.
    buf: String,
    /// How much of `buf` the current cell's width accounts for.
    pos: usize,
    cell: Cell,
    lines: Vec<Vec<Cell>>,
    /// Widths of the enclosing columns while formatting.
    widths: Vec<usize>,
    /// Widest width seen per column (REMEMBER_WIDTHS).
    maxwidths: Vec<usize>,
    /// Formatted text not yet handed out.
    out: String,
}

impl Default for TabWriter {
    fn default() -> Self {
        TabWriter::new()
    }
}

impl TabWriter {
    /// kubectl's table writer (`printers.GetNewTabWriter`): minwidth 6,
    /// tabwidth 4, padding 3, space padding, `RememberWidths`.
    pub fn new() -> Self {
        TabWriter::with_settings(6, 4, 3, b' ', Flags::REMEMBER_WIDTHS)
    }

    /// Go's `tabwriter.NewWriter(out, minwidth, tabwidth, padding, padchar, flags)`.
    pub fn with_settings(
        minwidth: usize,
        tabwidth: usize,
        padding: usize,
        padchar: u8,
        flags: Flags,
    ) -> Self {
        // Tab padding forces left alignment, as in Go.
        let flags = if padchar == b'\t' {
            Flags(flags.0 & !Flags::ALIGN_RIGHT.0)
        } else {
            flags
        };
        let mut w = TabWriter {
            minwidth,
            tabwidth,
            padding,
            padchar,
            flags,
            buf: String::new(),
            pos: 0,
            cell: Cell::default(),
            lines: Vec::new(),
            widths: Vec::new(),
            maxwidths: Vec::new(),
            out: String::new(),
        };
        w.reset();
        w
    }

    /// Turns on `RememberWidths`.
    #[cfg(test)]
    pub fn remember_widths(mut self) -> Self {
        self.flags = self.flags | Flags::REMEMBER_WIDTHS;
        self
    }

    /// Buffers text, like Go's `Write`. Lines are formatted once a
    /// tab-less line (or '\f') shows that no later line can change them.
    pub fn write_str(&mut self, text: &str) {
        let mut start = 0;
        for (i, ch) in text.bytes().enumerate() {
            if !matches!(ch, b'\t' | b'\x0b' | b'\n' | b'\x0c') {
                continue;
            }
            self.buf.push_str(&text[start..i]);
            self.cell.size += i - start;
            self.update_width();
            start = i + 1;
            let ncells = self.terminate_cell(ch == b'\t');
            if ch == b'\n' || ch == b'\x0c' {
                self.lines.push(Vec::new());
                // A line with a single cell cannot affect the formatting
                // of later lines, so everything so far can go out.
                if ch == b'\x0c' || ncells == 1 {
                    self.flush_buffered();
                    if ch == b'\x0c' && self.flags.has(Flags::DEBUG) {
                        self.out.push_str("---\n");
                    }
                }
            }
        }
        self.buf.push_str(&text[start..]);
        self.cell.size += text.len() - start;
    }

    /// Formats everything buffered and returns all output produced since
    /// the last call, like Go's `Flush`.
    pub fn flush(&mut self) -> String {
        self.flush_buffered();
        std::mem::take(&mut self.out)
    }

    /// The remembered per-column widths (Go's `RememberedWidths`).
    #[cfg(test)]
    pub fn remembered_widths(&self) -> &[usize] {
        &self.maxwidths
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.pos = 0;
        self.cell = Cell::default();
        self.lines.clear();
        self.lines.push(Vec::new());
        self.widths.clear();
    }

    fn update_width(&mut self) {
        self.cell.width += self.buf[self.pos..].chars().count();
        self.pos = self.buf.len();
    }

    fn terminate_cell(&mut self, htab: bool) -> usize {
        self.cell.htab = htab;
        let line = self
            .lines
            .last_mut()
            .expect("there is always a current line");
        line.push(std::mem::take(&mut self.cell));
        line.len()
    }

    fn flush_buffered(&mut self) {
        if self.cell.size > 0 {
            self.terminate_cell(false);
        }
        let nlines = self.lines.len();
        self.format(0, 0, nlines);
        self.reset();
    }

    /// Does `line` have a cell in `column` that belongs to a column (i.e.
    /// is not the line's last, unterminated-by-tab cell)?
    fn has_column(&self, line: usize, column: usize) -> bool {
        column + 1 < self.lines[line].len()
    }

    /// Formats lines `line0..line1`, whose text starts at `buf[pos..]`,
    /// given the widths of the columns left of `self.widths.len()`.
    fn format(&mut self, mut pos: usize, mut line0: usize, line1: usize) -> usize {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if !self.has_column(this, column) {
                this += 1;
                continue;
            }
            // A block of this column starts here: print what precedes it.
            pos = self.write_lines(pos, line0, this);
            line0 = this;

            let mut width = self.minwidth;
            let mut discardable = true;
            while this < line1 && self.has_column(this, column) {
                let c = self.lines[this][column];
                width = width.max(c.width + self.padding);
                if c.width > 0 || c.htab {
                    discardable = false;
                }
                this += 1;
            }
            if discardable && self.flags.has(Flags::DISCARD_EMPTY_COLUMNS) {
                width = 0;
            }
            if self.flags.has(Flags::REMEMBER_WIDTHS) {
                width = self.remember(width);
            }

            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }

    /// liggitt/tabwriter's RememberWidths bookkeeping for the current column.
    fn remember(&mut self, width: usize) -> usize {
        let column = self.widths.len();
        if self.maxwidths.len() < column {
            let missing = self.widths[self.maxwidths.len()..].to_vec();
            self.maxwidths.extend(missing);
        }
        if self.maxwidths.len() == column {
            self.maxwidths.push(width);
            return width;
        }
        let remembered = &mut self.maxwidths[column];
        if *remembered > width {
            return *remembered;
        }
        *remembered = width;
        width
    }

    fn write_lines(&mut self, mut pos: usize, line0: usize, line1: usize) -> usize {
        for i in line0..line1 {
            let mut use_tabs = self.flags.has(Flags::TAB_INDENT);
            for j in 0..self.lines[i].len() {
                let c = self.lines[i][j];
                if j > 0 && self.flags.has(Flags::DEBUG) {
                    self.out.push('|');
                }
                let column_width = self.widths.get(j).copied();
                if c.size == 0 {
                    if let Some(w) = column_width {
                        self.write_padding(c.width, w, use_tabs);
                    }
                    continue;
                }
                use_tabs = false;
                let text = &self.buf[pos..pos + c.size];
                pos += c.size;
                if self.flags.has(Flags::ALIGN_RIGHT) {
                    let text = text.to_string();
                    if let Some(w) = column_width {
                        self.write_padding(c.width, w, false);
                    }
                    self.out.push_str(&text);
                } else {
                    self.out.push_str(text);
                    if let Some(w) = column_width {
                        self.write_padding(c.width, w, false);
                    }
                }
            }
            if i + 1 == self.lines.len() {
                // The last buffered line has no newline yet.
                self.out.push_str(&self.buf[pos..pos + self.cell.size]);
                pos += self.cell.size;
            } else {
                self.out.push('\n');
            }
        }
        pos
    }

    fn write_padding(&mut self, text_width: usize, cell_width: usize, use_tabs: bool) {
        if self.padchar == b'\t' || use_tabs {
            if self.tabwidth == 0 {
                return;
            }
            // Round the cell up to a tab stop; every tab then counts.
            let cell_width = cell_width.div_ceil(self.tabwidth) * self.tabwidth;
            let n = cell_width.saturating_sub(text_width);
            self.out
                .extend(std::iter::repeat_n('\t', n.div_ceil(self.tabwidth)));
            return;
        }
        let n = cell_width.saturating_sub(text_width);
        self.out
            .extend(std::iter::repeat_n(self.padchar as char, n));
    }
}

/// Formats a whole table at once with kubectl's settings.
pub fn format(text: &str) -> String {
    let mut w = TabWriter::new();
    w.write_str(text);
    w.flush()
}

#[cfg(test)]
mod tests;
