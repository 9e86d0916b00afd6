//! Process-level output concerns: a broken pipe exits quietly, like ripgrep.

use std::io::Write;

/// Restore the default SIGPIPE action so `kctl get pods | head -1` ends quietly
/// instead of panicking on a write error.
pub fn reset_sigpipe() {
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

pub fn flush_stdout() {
    let _ = std::io::stdout().flush();
}

/// Write all of `text` to stdout. A closed pipe ends the process with 0, as kubectl does.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()) {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}
