//! The local terminal for `exec -t` / `attach -t`: raw mode that is always
//! restored (on drop, and from a panic hook), and the window size.

use std::sync::Mutex;

static SAVED: Mutex<Option<(i32, libc::termios)>> = Mutex::new(None);

pub fn is_terminal(fd: i32) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

/// Width and height of the terminal on `fd`, if it is one.
pub fn size(fd: i32) -> Option<(u16, u16)> {
    // SAFETY: TIOCGWINSZ fills a winsize struct we own.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) };
    (rc == 0).then_some((ws.ws_col, ws.ws_row))
}

/// Put the terminal back as it was before raw mode (idempotent).
pub fn restore() {
    let saved = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some((fd, t)) = saved {
        // SAFETY: restores settings previously read from the same descriptor.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &t) };
    }
}

/// Raw mode on `fd` until dropped.
pub struct RawGuard(());

impl RawGuard {
    pub fn enable(fd: i32) -> Option<RawGuard> {
        // SAFETY: tcgetattr/tcsetattr on a descriptor that isatty accepted.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut t) != 0 {
                return None;
            }
            *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some((fd, t));
            let prev = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                prev(info);
            }));
            let mut raw = t;
            libc::cfmakeraw(&mut raw);
            if libc::tcsetattr(fd, libc::TCSANOW, &raw) != 0 {
                restore();
                return None;
            }
        }
        Some(RawGuard(()))
    }
}

impl Drop for RawGuard {
    fn drop(&mut self) {
        restore();
    }
}
