//! kubectl's describe output plumbing: a `PrefixWriter` (two spaces per
//! indentation level) over one Go tabwriter for the whole object, set up as
//! `tabbedString` does: minwidth 0, tabwidth 8, padding 2, padchar ' ', no
//! flags (plain text/tabwriter, not kubectl's RememberWidths fork).
//!
//! Everything an object's description prints goes through one writer, so
//! tab-separated cells of consecutive lines align across sections (e.g.
//! `Events:\t<none>` lines up with the fields above it). `flush` ends the
//! current column blocks early, as kubectl's `w.Flush()` calls do.

use crate::printers::tabwriter::{Flags, TabWriter};

pub const LEVEL_0: usize = 0;
pub const LEVEL_1: usize = 1;
pub const LEVEL_2: usize = 2;
pub const LEVEL_3: usize = 3;
pub const LEVEL_4: usize = 4;

pub struct Writer {
    /// None for a bare PrefixWriter over a buffer (`rollout history`'s pod
    /// template), whose tabs stay as they are.
    tw: Option<TabWriter>,
    out: String,
    /// Extra levels added by a nested writer (kubectl's NewNestedPrefixWriter).
    indent: usize,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub fn new() -> Self {
        Writer { tw: Some(TabWriter::with_settings(0, 8, 2, b' ', Flags::NONE)), out: String::new(), indent: 0 }
    }

    /// A PrefixWriter straight into a buffer, with no tabwriter.
    pub fn untabbed() -> Self {
        Writer { tw: None, out: String::new(), indent: 0 }
    }

    fn put(&mut self, text: &str) {
        match &mut self.tw {
            Some(tw) => tw.write_str(&escape_terminal(text)),
            None => self.out.push_str(text),
        }
    }

    /// `Write(level, format, ...)`: the text after `level` indentation steps.
    pub fn write(&mut self, level: usize, text: &str) {
        let prefix = "  ".repeat(level + self.indent);
        self.put(&format!("{prefix}{text}"));
    }

    /// `WriteLine(a...)`: the text and a newline, without indentation (but a
    /// nested writer does indent it, as kubectl's nested writer does).
    pub fn line(&mut self, text: &str) {
        if self.indent > 0 {
            self.write(0, &format!("{text}\n"));
        } else {
            self.put(&format!("{text}\n"));
        }
    }

    /// `Flush()`: end every pending column block here.
    pub fn flush(&mut self) {
        if let Some(tw) = &mut self.tw {
            let text = tw.flush();
            self.out.push_str(&text);
        }
    }

    /// Runs `f` with every write indented `levels` more.
    #[allow(dead_code)] // for describers that nest another's output
    pub fn nested<R>(&mut self, levels: usize, f: impl FnOnce(&mut Writer) -> R) -> R {
        self.indent += levels;
        let r = f(self);
        self.indent -= levels;
        r
    }

    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// cli-runtime's `WriteEscaped`: terminal escape and carriage return become
/// visible, so object text cannot drive the terminal.
fn escape_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\x1b', '\r']) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.replace('\x1b', "^[").replace('\r', "\\r"))
}

/// `w!(w, LEVEL, "fmt", args…)`: kubectl's `w.Write(level, format, args…)`.
#[macro_export]
macro_rules! dw {
    ($w:expr, $level:expr, $($arg:tt)*) => {
        $w.write($level, &format!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_tabbed_string() {
        let mut w = Writer::new();
        w.write(LEVEL_0, "Name:\tx\n");
        w.write(LEVEL_0, "Namespace:\tdefault\n");
        w.write(LEVEL_0, "Containers:\n");
        w.write(LEVEL_1, "c:\n");
        w.write(LEVEL_2, "Image:\tnginx\n");
        w.write(LEVEL_2, "Host Port:\t<none>\n");
        assert_eq!(
            w.finish(),
            "Name:       x\nNamespace:  default\nContainers:\n  c:\n    Image:      nginx\n    Host Port:  <none>\n"
        );
    }

    #[test]
    fn nested_and_escaped() {
        let mut w = Writer::new();
        w.nested(1, |w| {
            w.write(LEVEL_0, "A:\t");
            w.line("b\x1b[1m\r");
        });
        // kubectl's nested WriteLine indents mid-line too.
        assert_eq!(w.finish(), "  A:    b^[[1m\\r\n");
    }
}
