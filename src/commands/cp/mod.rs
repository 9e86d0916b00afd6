//! `kctl cp`: copy files and directories to and from containers through tar
//! over exec, like kubectl (so the container needs a `tar` binary).
//!
//! Upload: a tar built here is piped into `tar -xmf - -C DIR` in the pod.
//! Download: `tar cf - PATH` in the pod, extracted here by `untar`, which
//! never writes outside the destination.

mod untar;

use std::path::{Path, PathBuf};

use crate::client::{Client, Request};
use crate::commands::remote::{self, Input, Session};
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// <file-spec-src> <file-spec-dest>
    pub args: Vec<String>,
    /// Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// The copied file/directory's ownership and permissions will not be preserved in the container
    #[arg(long = "no-preserve")]
    pub no_preserve: bool,
    /// Set number of retries to complete a copy operation from a container. Specify 0 to disable or any negative value for infinite retrying. The default is 0 (no retry).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub retries: i32,
}

/// `[[namespace/]pod:]path`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpec {
    pub namespace: Option<String>,
    pub pod: Option<String>,
    pub file: String,
}

pub fn parse_spec(arg: &str) -> Result<FileSpec, CliError> {
    let Some(i) = arg.find(':') else {
        return Ok(FileSpec { namespace: None, pod: None, file: arg.to_string() });
    };
    let (pod_part, file) = (&arg[..i], &arg[i + 1..]);
    if pod_part.is_empty() {
        return Err(CliError::msg("filespec must match the canonical format: [[namespace/]pod:]file/path"));
    }
    match pod_part.split('/').collect::<Vec<_>>().as_slice() {
        [pod] => Ok(FileSpec { namespace: None, pod: Some(pod.to_string()), file: file.to_string() }),
        [ns, pod] => Ok(FileSpec { namespace: Some(ns.to_string()), pod: Some(pod.to_string()), file: file.to_string() }),
        _ => Err(CliError::msg("filespec must match the canonical format: [[namespace/]pod:]file/path")),
    }
}

/// Go's path.Clean for slash paths.
pub fn clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn dir_and_base(p: &str) -> (String, String) {
    let c = clean(p);
    match c.rfind('/') {
        Some(0) => ("/".into(), c[1..].to_string()),
        Some(i) => (c[..i].to_string(), c[i + 1..].to_string()),
        None => (".".into(), c),
    }
}

/// The name tar gives a remote path: cleaned, without leading `/` or `../`.
pub fn tar_prefix(file: &str) -> String {
    let mut p = clean(file);
    loop {
        if let Some(r) = p.strip_prefix("../") {
            p = r.to_string();
        } else if let Some(r) = p.strip_prefix('/') {
            p = r.to_string();
        } else if p == ".." {
            p = String::new();
        } else {
            break;
        }
    }
    p
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    if args.args.len() != 2 {
        return Err(CliError::msg("source and destination are required"));
    }
    let (src, dest) = (parse_spec(&args.args[0])?, parse_spec(&args.args[1])?);
    if src.pod.is_some() && dest.pod.is_some() {
        return Err(CliError::msg("one of src or dest must be a local file specification"));
    }
    if src.file.is_empty() || dest.file.is_empty() {
        return Err(CliError::msg("filepath can not be empty"));
    }
    if src.pod.is_none() && dest.pod.is_none() {
        return Err(CliError::msg("one of src or dest must be a remote file specification"));
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    let result = rt.block_on(async {
        if src.pod.is_some() {
            copy_from_pod(&client, &args, &src, &dest.file).await
        } else {
            copy_to_pod(&client, &args, &src.file, &dest).await
        }
    });
    rt.shutdown_background();
    result
}

struct Target<'a> {
    client: &'a Client,
    ns: String,
    pod: String,
    container: String,
}

impl Target<'_> {
    async fn new<'a>(client: &'a Client, args: &Args, spec: &FileSpec) -> Result<Target<'a>, CliError> {
        let ns = spec.namespace.clone().unwrap_or_else(|| client.config().namespace.clone());
        let name = spec.pod.clone().unwrap_or_default();
        let pod: serde_json::Value = client.send(&Request::get(format!("/api/v1/namespaces/{ns}/pods/{name}"))).await?.json()?;
        let phase = pod["status"]["phase"].as_str().unwrap_or("");
        if phase == "Succeeded" || phase == "Failed" {
            return Err(CliError::msg(format!("cannot exec into a container in a completed pod; current phase is {phase}")));
        }
        let container = remote::pick_container(&pod, args.container.as_deref(), false);
        Ok(Target { client, ns, pod: name, container })
    }

    async fn exec(&self, command: &[&str], input: Input, stdout: &mut dyn std::io::Write, stderr: &mut dyn std::io::Write) -> Result<i32, CliError> {
        let mut req = Request::get(format!("/api/v1/namespaces/{}/pods/{}/exec", self.ns, self.pod));
        for c in command {
            req = req.query("command", *c);
        }
        req = req.query("container", self.container.clone()).query("stdout", "true").query("stderr", "true");
        if !matches!(input, Input::None) {
            req = req.query("stdin", "true");
        }
        remote::run_session(self.client, &req, Session { input, tty: false, stdout, stderr }).await
    }
}

async fn copy_to_pod(client: &Client, args: &Args, src: &str, dest: &FileSpec) -> Result<(), CliError> {
    if std::fs::symlink_metadata(src).is_err() {
        return Err(CliError::msg(format!("{src} doesn't exist in local filesystem")));
    }
    let t = Target::new(client, args, dest).await?;
    let mut dest_file = dest.file.clone();
    // Like kubectl: into an existing directory, under the source's own name.
    if !dest_file.ends_with('/') || dest_file == "/" {
        let code = t.exec(&["test", "-d", &dest_file], Input::None, &mut std::io::sink(), &mut std::io::sink()).await?;
        if code == 0 {
            dest_file = format!("{}/{}", dest_file.trim_end_matches('/'), base_name(src));
        }
    } else {
        dest_file = format!("{dest_file}{}", base_name(src));
    }
    let (dest_dir, dest_base) = dir_and_base(&dest_file);
    let mut cmd = vec!["tar"];
    if args.no_preserve {
        cmd.extend(["--no-same-permissions", "--no-same-owner"]);
    }
    cmd.extend(["-xmf", "-", "-C", &dest_dir]);
    // The archive is written on a thread into a socket the session reads:
    // nothing is held in memory whole.
    let (rd, wr) = std::os::unix::net::UnixStream::pair()?;
    let src_path = PathBuf::from(src);
    let tar_thread = std::thread::spawn(move || write_tar(&src_path, &dest_base, wr));
    let code = t.exec(&cmd, Input::Reader(Box::new(rd)), &mut std::io::stdout(), &mut std::io::stderr()).await?;
    if let Ok(Err(e)) = tar_thread.join() {
        if code == 0 {
            return Err(CliError::msg(e.to_string()));
        }
    }
    remote::finish(code)
}

fn base_name(p: &str) -> String {
    Path::new(p).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| clean(p))
}

/// The local file or directory as a tar whose entries start with `name`
/// (symlinks stored as links, not followed).
fn write_tar<W: std::io::Write>(src: &Path, name: &str, out: W) -> std::io::Result<()> {
    let mut b = tar::Builder::new(out);
    b.follow_symlinks(false);
    let meta = std::fs::symlink_metadata(src)?;
    if meta.is_dir() {
        b.append_dir_all(name, src)?;
    } else {
        b.append_path_with_name(src, name)?;
    }
    b.into_inner()?.flush()
}

async fn copy_from_pod(client: &Client, args: &Args, src: &FileSpec, dest: &str) -> Result<(), CliError> {
    let t = Target::new(client, args, src).await?;
    let prefix = tar_prefix(&src.file);
    let hint = format!(
        " (consider using \"kubectl exec -n {:?} {:?} -- tar cf - {:?} | tar xf -\")",
        src.namespace.clone().unwrap_or_default(),
        t.pod,
        src.file
    );
    // Extract while the archive arrives, on a thread reading a socket pair.
    let (mut wr, rd) = std::os::unix::net::UnixStream::pair()?;
    let dest = PathBuf::from(dest);
    let untar_thread = std::thread::spawn(move || untar::untar_all(rd, &prefix, &dest, &mut std::io::stderr(), &hint));
    let mut errors = Vec::new();
    // kubectl 1.32 shows the remote tar's complaints but not its exit code,
    // and exits 0 (a missing file copies nothing).
    let session = t.exec(&["tar", "cf", "-", &src.file], Input::None, &mut wr, &mut errors).await;
    drop(wr);
    let untarred = untar_thread.join().unwrap_or_else(|_| Err("extracting the archive failed".into()));
    // tar warns about the leading '/' on stderr; kubectl does not show it, and
    // shows the rest on stdout.
    let errors: String = String::from_utf8_lossy(&errors)
        .lines()
        .filter(|l| !l.contains("Removing leading"))
        .map(|l| format!("{l}\n"))
        .collect();
    print!("{errors}");
    // An extraction error explains a broken pipe in the session, not the other way round.
    untarred.map_err(CliError::msg)?;
    session.map(|_code| ())
}
