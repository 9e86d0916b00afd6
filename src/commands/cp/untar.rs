//! Extracting a tar stream that came from a container: nothing it names may
//! land outside the destination. Entries that would (`..`, absolute names
//! after the prefix) are skipped with kubectl's warning, links are never
//! created, and nothing is written through a symlink already on disk.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Lexically join `rel` under `dest`; `None` if it would climb out.
pub fn safe_join(dest: &Path, rel: &str) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(p) => parts.push(p),
            Component::CurDir | Component::RootDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Prefix(_) => return None,
        }
    }
    let mut out = dest.to_path_buf();
    out.extend(parts);
    Some(out)
}

/// Does any existing ancestor of `path` below `dest` (or `path` itself) turn
/// out to be a symlink? Writing there could leave `dest`.
fn through_symlink(dest: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(dest) else { return true };
    let mut cur = dest.to_path_buf();
    for c in rel.components() {
        cur.push(c);
        if cur.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}

/// Extract `archive` into `dest`, keeping only what is below `prefix` (the
/// remote path, as tar names it). Warnings go to `warn`.
/// `symlink_hint` ends kubectl's symlink warning (how to copy them anyway).
/// Hard links become plain files with the entry's (empty) data, as in kubectl.
pub fn untar_all(archive: impl Read, prefix: &str, dest: &Path, warn: &mut dyn std::io::Write, symlink_hint: &str) -> Result<(), String> {
    let mut ar = tar::Archive::new(archive);
    let entries = ar.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            return Err("tar contents corrupted".into());
        };
        // Named as Go's filepath.Join names it (cleaned), like kubectl's warnings.
        let shown = super::clean(&format!("{}/{rest}", dest.display()));
        let Some(target) = safe_join(dest, rest) else {
            let _ = writeln!(warn, "warning: file {shown:?} is outside target destination, skipping");
            continue;
        };
        let kind = entry.header().entry_type();
        if kind.is_symlink() {
            let link = entry.link_name_bytes().map(|l| String::from_utf8_lossy(&l).into_owned()).unwrap_or_default();
            let _ = writeln!(warn, "warning: skipping symlink: {shown:?} -> {link:?}{symlink_hint}");
            continue;
        }
        if through_symlink(dest, &target) {
            let _ = writeln!(warn, "warning: file {shown:?} is outside target destination, skipping");
            continue;
        }
        if kind.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
            continue;
        }
        if !kind.is_file() && !kind.is_hard_link() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let mut file = std::fs::File::create(&target).map_err(|e| format!("open {}: {e}", target.display()))?;
        std::io::copy(&mut entry, &mut file).map_err(|e| format!("{}: {e}", target.display()))?;
        if let Ok(mode) = entry.header().mode() {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode & 0o777));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar with raw names (the tar crate's builder refuses `..`, a hostile container does not).
    fn raw_tar(entries: &[(&str, u8, &[u8], &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, kind, data, link) in entries {
            let mut h = tar::Header::new_old();
            h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::new(*kind));
            h.set_cksum();
            out.extend_from_slice(h.as_bytes());
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
        out.extend_from_slice(&[0u8; 1024]);
        out
    }

    #[test]
    fn joins_stay_inside() {
        let d = Path::new("/dest");
        assert_eq!(safe_join(d, "/a/b").unwrap(), PathBuf::from("/dest/a/b"));
        assert_eq!(safe_join(d, "a/../b").unwrap(), PathBuf::from("/dest/b"));
        assert!(safe_join(d, "/../x").is_none());
        assert!(safe_join(d, "a/../../x").is_none());
    }

    #[test]
    fn traversal_and_links_are_refused() {
        let top = tempfile::tempdir().unwrap();
        let dest = top.path().join("out");
        let tar = raw_tar(&[
            ("data/", b'5', b"", ""),
            ("data/ok.txt", b'0', b"fine", ""),
            ("data/../../evil.txt", b'0', b"evil", ""),
            ("data/link", b'2', b"", "/etc"),
            ("data/link/passwd", b'0', b"x", ""),
        ]);
        let mut warn = Vec::new();
        untar_all(&tar[..], "data", &dest, &mut warn, "").unwrap();
        assert_eq!(std::fs::read_to_string(dest.join("ok.txt")).unwrap(), "fine");
        assert!(!top.path().join("evil.txt").exists());
        // The link is not created; the file "under" it is an ordinary file in dest.
        assert!(!dest.join("link").symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(dest.join("link/passwd")).unwrap(), "x");
        assert!(std::fs::read_dir(top.path()).unwrap().count() == 1);
        let warn = String::from_utf8(warn).unwrap();
        assert!(warn.contains("evil.txt\" is outside target destination, skipping"), "{warn}");
        assert!(warn.contains("warning: skipping symlink:"), "{warn}");
    }

    #[test]
    fn existing_symlinks_are_not_followed() {
        let top = tempfile::tempdir().unwrap();
        let dest = top.path().join("out");
        let outside = top.path().join("outside");
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, dest.join("sub")).unwrap();
        let tar = raw_tar(&[("data/sub/x.txt", b'0', b"x", "")]);
        let mut warn = Vec::new();
        untar_all(&tar[..], "data", &dest, &mut warn, "").unwrap();
        assert!(!outside.join("x.txt").exists());
    }

    #[test]
    fn foreign_prefix_is_corruption() {
        let top = tempfile::tempdir().unwrap();
        let tar = raw_tar(&[("other/x", b'0', b"x", "")]);
        assert_eq!(untar_all(&tar[..], "data", top.path(), &mut Vec::new(), "").unwrap_err(), "tar contents corrupted");
    }
}
