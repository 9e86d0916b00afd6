//! exec and attach sessions: the command runs as a host subprocess in the
//! pod's sandbox directory, with pipes or (tty=true) a pseudo-terminal.
//!
//! Channel protocol (`v4.channel.k8s.io` / `v5.channel.k8s.io`), one byte of
//! channel id in front of every binary message: 0 stdin, 1 stdout, 2 stderr,
//! 3 error (a metav1.Status JSON written once, when the command ends),
//! 4 resize (`{"Width":w,"Height":h}`), and in v5 255 = close the channel
//! named by the next byte (the client's stdin EOF).
//!
//! attach has no long-running container process to join in the simulator:
//! each attach runs `cat`, which echoes the attached stdin back.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::PathBuf;
use std::process::Stdio;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use hyper::{Response, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::server::{text, Body};
use crate::streaming::{param_bool, Ws};

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const RESIZE: u8 = 4;
const CLOSE: u8 = 255;

pub async fn serve_exec(ws: Ws, protocol: &str, sandbox: PathBuf, params: &[(String, String)]) {
    let argv: Vec<String> = params.iter().filter(|(k, _)| k == "command").map(|(_, v)| v.clone()).collect();
    session(ws, protocol, sandbox, argv, param_bool(params, "input"), param_bool(params, "tty")).await;
}

pub async fn serve_attach(ws: Ws, protocol: &str, sandbox: PathBuf, params: &[(String, String)]) {
    session(ws, protocol, sandbox, vec!["cat".into()], param_bool(params, "input"), param_bool(params, "tty")).await;
}

/// `POST /run/...?cmd=...`: run once, answer with the combined output.
pub async fn run_once(sim: &crate::Sim, pod: &Value, params: &[(String, String)]) -> Response<Body> {
    let cmd = params.iter().find(|(k, _)| k == "cmd").map(|(_, v)| v.clone()).unwrap_or_default();
    let dir = crate::streaming::sandbox_dir(sim, pod);
    let _ = std::fs::create_dir_all(&dir);
    match tokio::process::Command::new("sh").arg("-c").arg(&cmd).current_dir(&dir).output().await {
        Ok(out) => {
            let mut body = out.stdout;
            body.extend_from_slice(&out.stderr);
            text(StatusCode::OK, String::from_utf8_lossy(&body).into_owned())
        }
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("error running {cmd:?}: {e}")),
    }
}

/// Clients treat anything but a 1000 close as a failed stream.
pub fn normal_close() -> Message {
    use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame};
    Message::Close(Some(CloseFrame { code: CloseCode::Normal, reason: "".into() }))
}

/// After our close frame, wait (briefly) for the client's: dropping the
/// socket while it still sends makes the kernel reset the connection, and a
/// reset can destroy what the client has not read yet (the final status).
pub async fn await_close<S>(stream: &mut S)
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(Ok(m)) = stream.next().await {
            if m.is_close() {
                break;
            }
        }
    })
    .await;
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut v = Vec::with_capacity(data.len() + 1);
    v.push(channel);
    v.extend_from_slice(data);
    Message::Binary(Bytes::from(v))
}

/// The Status the kubelet writes on the error channel when the command ends.
pub fn exit_status(argv: &[String], code: i32) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {code}", argv.join(" ")),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
    })
}

fn failure(message: String) -> Value {
    json!({"metadata": {}, "status": "Failure", "message": message, "reason": "InternalError", "code": 500})
}

struct Pty {
    master: OwnedFd,
    slave: OwnedFd,
}

fn open_pty() -> std::io::Result<Pty> {
    let (mut m, mut s) = (0, 0);
    // SAFETY: openpty writes two fds into the provided ints; null name/termios/winsize are allowed.
    let rc = unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both fds were just returned by openpty and are owned by nobody else.
    Ok(unsafe { Pty { master: OwnedFd::from_raw_fd(m), slave: OwnedFd::from_raw_fd(s) } })
}

fn set_winsize(fd: i32, width: u16, height: u16) {
    let ws = libc::winsize { ws_row: height, ws_col: width, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCSWINSZ reads a winsize struct from a valid pointer.
    unsafe { libc::ioctl(fd, libc::TIOCSWINSZ, &ws) };
}

type Reader = Box<dyn AsyncRead + Unpin + Send>;
type Writer = Box<dyn AsyncWrite + Unpin + Send>;

struct Spawned {
    child: tokio::process::Child,
    stdin: Option<Writer>,
    outputs: Vec<(u8, Reader)>,
    /// The pty master, for resizes.
    master_fd: Option<i32>,
    _master: Option<OwnedFd>,
}

fn spawn(argv: &[String], dir: &PathBuf, stdin: bool, tty: bool, size: (u16, u16)) -> std::io::Result<Spawned> {
    let Some(program) = argv.first() else {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "no command given"));
    };
    std::fs::create_dir_all(dir)?;
    let mut cmd = tokio::process::Command::new(program);
    // The sandbox's bin/ comes first on PATH: tests can give "the image" its
    // own binaries (e.g. a hostile `tar` for cp's traversal test).
    let path = format!("{}:{}", dir.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    cmd.args(&argv[1..]).current_dir(dir).env("HOME", dir).env("PATH", path).kill_on_drop(true);
    if !tty {
        cmd.stdin(if stdin { Stdio::piped() } else { Stdio::null() }).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let stdin_w = child.stdin.take().map(|s| Box::new(s) as Writer);
        let outputs = vec![
            (STDOUT, Box::new(child.stdout.take().expect("piped")) as Reader),
            (STDERR, Box::new(child.stderr.take().expect("piped")) as Reader),
        ];
        return Ok(Spawned { child, stdin: stdin_w, outputs, master_fd: None, _master: None });
    }
    let pty = open_pty()?;
    set_winsize(pty.master.as_raw_fd(), size.0, size.1);
    cmd.env("TERM", "xterm")
        .stdin(Stdio::from(pty.slave.try_clone()?))
        .stdout(Stdio::from(pty.slave.try_clone()?))
        .stderr(Stdio::from(pty.slave.try_clone()?));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn()?;
    // The parent's copies of the slave must go, or reading the master never sees EOF.
    drop(cmd);
    drop(pty.slave);
    let master_fd = pty.master.as_raw_fd();
    let reader = tokio::fs::File::from_std(std::fs::File::from(pty.master.try_clone()?));
    let writer = tokio::fs::File::from_std(std::fs::File::from(pty.master.try_clone()?));
    Ok(Spawned {
        child,
        stdin: stdin.then(|| Box::new(writer) as Writer),
        outputs: vec![(STDOUT, Box::new(reader) as Reader)],
        master_fd: Some(master_fd),
        _master: Some(pty.master),
    })
}

async fn session(ws: Ws, protocol: &str, dir: PathBuf, argv: Vec<String>, stdin: bool, tty: bool) {
    let v5 = protocol == crate::streaming::V5;
    // client-go starts reading before it registers its streams and drops
    // output that arrives in between ("Unknown stream id 1"); a real kubelet
    // behind an apiserver is never this quick, so start the process a moment later.
    // Meanwhile keep what the client sends: its first resize sizes the
    // terminal before the command can look at it.
    let (mut sink, mut stream) = ws.split();
    let mut early: Vec<Message> = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_millis(150), async {
        while let Some(Ok(m)) = stream.next().await {
            let closing = m.is_close();
            early.push(m);
            if closing {
                break;
            }
        }
    })
    .await;
    let mut size = (80u16, 24u16);
    for m in &early {
        if let Message::Binary(b) = m {
            if b.first() == Some(&RESIZE) {
                let v: Value = serde_json::from_slice(&b[1..]).unwrap_or_default();
                if let (Some(w), Some(h)) = (v["Width"].as_u64(), v["Height"].as_u64()) {
                    size = (w as u16, h as u16);
                }
            }
        }
    }
    let mut stream = futures_util::stream::iter(early.into_iter().map(Ok)).chain(stream);
    let spawned = match spawn(&argv, &dir, stdin, tty, size) {
        Ok(s) => s,
        Err(e) => {
            let msg = format!(
                "error executing command in container: failed to exec in container: exec: {:?}: {e}",
                argv.first().cloned().unwrap_or_default()
            );
            let _ = sink.send(frame(ERROR, failure(msg).to_string().as_bytes())).await;
            let _ = sink.send(normal_close()).await;
            await_close(&mut stream).await;
            return;
        }
    };
    let Spawned { mut child, stdin: mut stdin_w, outputs, master_fd, _master } = spawned;

    let (tx, mut rx) = mpsc::channel::<Message>(64);
    let mut readers = Vec::new();
    for (channel, mut r) in outputs {
        let tx = tx.clone();
        readers.push(tokio::spawn(async move {
            let mut buf = vec![0u8; 32 * 1024];
            loop {
                match r.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(frame(channel, &buf[..n])).await.is_err() {
                            break;
                        }
                    }
                }
            }
        }));
    }
    drop(tx);
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if sink.send(m).await.is_err() {
                break;
            }
        }
        sink
    });

    // Client -> process. Returns when the client goes away.
    let input = async {
        while let Some(msg) = stream.next().await {
            let data = match msg {
                Ok(Message::Binary(b)) => b,
                Ok(Message::Close(_)) | Err(_) => return,
                Ok(_) => continue,
            };
            let Some((&channel, payload)) = data.split_first() else { continue };
            match channel {
                STDIN => {
                    if let Some(w) = stdin_w.as_mut() {
                        if w.write_all(payload).await.is_err() || w.flush().await.is_err() {
                            stdin_w = None;
                        }
                    }
                }
                RESIZE => {
                    let size: Value = serde_json::from_slice(payload).unwrap_or_default();
                    if let (Some(fd), Some(w), Some(h)) = (master_fd, size["Width"].as_u64(), size["Height"].as_u64()) {
                        set_winsize(fd, w as u16, h as u16);
                    }
                }
                CLOSE if v5 && payload.first() == Some(&STDIN) => {
                    if tty {
                        // A terminal's EOF is ^D on the line discipline, not a closed fd.
                        if let Some(w) = stdin_w.as_mut() {
                            let _ = w.write_all(&[4]).await;
                        }
                    }
                    stdin_w = None;
                }
                _ => {}
            }
        }
    };
    let code = tokio::select! {
        status = child.wait() => status.ok().map(exit_code).unwrap_or(1),
        _ = input => {
            // The client hung up: nobody to report to.
            let _ = child.start_kill();
            let _ = child.wait().await;
            for r in readers { r.abort(); }
            return;
        }
    };
    for mut r in readers {
        // A pty master can stay readable while a background grandchild holds
        // the slave; do not wait for it forever.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), &mut r).await;
        r.abort();
    }
    let Ok(mut sink) = writer.await else { return };
    let _ = sink.send(frame(ERROR, exit_status(&argv, code).to_string().as_bytes())).await;
    let _ = sink.send(normal_close()).await;
    await_close(&mut stream).await;
}

fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses() {
        assert_eq!(exit_status(&[], 0), json!({"metadata": {}, "status": "Success"}));
        let s = exit_status(&["sh".into(), "-c".into(), "exit 3".into()], 3);
        assert_eq!(s["reason"], "NonZeroExitCode");
        assert_eq!(s["details"]["causes"][0], json!({"reason": "ExitCode", "message": "3"}));
        assert_eq!(s["message"], "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3");
    }
}
