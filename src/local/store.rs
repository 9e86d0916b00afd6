//! The embedded persistent store.
//!
//! Design (why not redb/sled): the whole data set of a micro-cluster fits in
//! memory (5,000 objects are a few MB), so the store is a `BTreeMap` of JSON
//! objects, each behind an `Arc` shared with the watch history and with every
//! reader (a controller's list costs pointers, not copies), kept durable by a
//! write-ahead log:
//!
//! - every commit appends one framed record (`len`, FNV-1a-64 checksum, JSON)
//!   to `data/wal` and `fdatasync`s it *before* the change is applied in
//!   memory and acknowledged, so an acknowledged write survives `kill -9`
//!   (and power loss, as far as the disk honours fsync);
//! - a commit holding several operations (a namespace and its contents) is one
//!   record, hence atomic;
//! - when the log grows, a snapshot of all objects is written to
//!   `data/snapshot.json.tmp`, fsync'd, renamed over `data/snapshot.json`
//!   (atomic), the directory fsync'd, and only then the log truncated. A crash
//!   between the rename and the truncation is harmless: replay skips records
//!   whose revision the snapshot already has;
//! - recovery loads the snapshot, replays the log and stops at the first torn
//!   or corrupt record (a write that was never acknowledged), truncating it.
//!
//! No extra dependency, a format one can read with `less`, and recovery that is
//! a single sequential read. Revisions are the log's sequence numbers, which
//! makes `resourceVersion` monotonic across restarts.

use std::collections::{BTreeMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::broadcast;

/// Log records between snapshots.
const SNAPSHOT_EVERY: u64 = 20_000;
/// Watch events kept for watches resuming from a resourceVersion (the
/// broadcast channel keeps as many, sharing them; memory scales with it).
const HISTORY: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub kind: EventType,
    pub key: String,
    /// Shared with the store's map (and every watcher): an event costs no copy.
    pub object: Arc<Value>,
}

/// The stored objects by key. Objects are shared (`Arc`) between the map, the
/// watch history and readers, so a controller's list or a watch event never
/// deep-copies an object, and a write replaces one pointer.
pub type Objects = BTreeMap<String, Arc<Value>>;

/// One change of a commit: `object: None` deletes `key`.
pub struct Op {
    pub key: String,
    pub object: Option<Value>,
}

struct Inner {
    objects: Objects,
    rv: u64,
    wal: File,
    wal_records: u64,
    dir: PathBuf,
    history: VecDeque<Arc<Event>>,
    /// Every event after this revision is in `history`.
    floor: u64,
}

/// A log record, serialised from the operations without copying them:
/// `{"ops":[{"key":…,"object":…|null}…],"rv":…}`.
#[derive(serde::Serialize)]
struct Record<'a> {
    ops: Vec<RecordOp<'a>>,
    rv: u64,
}

#[derive(serde::Serialize)]
struct RecordOp<'a> {
    key: &'a str,
    object: Option<&'a Value>,
}

/// Past events to replay and the receiver of the following ones.
pub type WatchStart = (Vec<Arc<Event>>, broadcast::Receiver<Arc<Event>>);

pub struct Store {
    inner: Mutex<Inner>,
    events: broadcast::Sender<Arc<Event>>,
}

fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in data {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

impl Store {
    pub fn open(dir: &Path) -> std::io::Result<Store> {
        std::fs::create_dir_all(dir)?;
        let mut objects = BTreeMap::new();
        let mut rv = 0u64;
        let snap_path = dir.join("snapshot.json");
        if snap_path.exists() {
            let mut snap: Value = serde_json::from_slice(&std::fs::read(&snap_path)?)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", snap_path.display())))?;
            rv = snap["rv"].as_u64().unwrap_or(0);
            if let Value::Object(m) = snap["objects"].take() {
                objects.extend(m.into_iter().map(|(k, v)| (k, Arc::new(v))));
            }
        }
        let wal_path = dir.join("wal");
        let mut data = Vec::new();
        if wal_path.exists() {
            File::open(&wal_path)?.read_to_end(&mut data)?;
        }
        let (good, records) = replay(&data, &mut objects, &mut rv);
        let wal = OpenOptions::new().create(true).read(true).write(true).truncate(false).open(&wal_path)?;
        if good < data.len() {
            // A torn tail: the write was never acknowledged.
            wal.set_len(good as u64)?;
            wal.sync_all()?;
        }
        let mut wal = wal;
        use std::io::Seek;
        wal.seek(std::io::SeekFrom::End(0))?;
        sync_dir(dir)?;
        let (events, _) = broadcast::channel(4096);
        Ok(Store {
            inner: Mutex::new(Inner { objects, rv, wal, wal_records: records, dir: dir.to_path_buf(), history: VecDeque::new(), floor: rv }),
            events,
        })
    }

    pub fn revision(&self) -> u64 {
        self.inner.lock().unwrap().rv
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        self.inner.lock().unwrap().objects.get(key).map(|v| Value::clone(v))
    }

    /// Run `f` on the objects and the revision under the lock, without copying
    /// them: a list serialises straight from the store (copying 3,000 pods to
    /// answer a 500-item page cost more than the page itself).
    pub fn read<R>(&self, f: impl FnOnce(&Objects, u64) -> R) -> R {
        let inner = self.inner.lock().unwrap();
        f(&inner.objects, inner.rv)
    }

    /// Objects whose key starts with `prefix`, in key order, and the revision.
    pub fn list(&self, prefix: &str) -> (Vec<(String, Arc<Value>)>, u64) {
        let inner = self.inner.lock().unwrap();
        let items = inner
            .objects
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        (items, inner.rv)
    }

    /// Apply `ops` atomically and durably. `prepare` runs under the lock with the
    /// current objects and the revision the commit will get; it returns the
    /// operations (already stamped with that revision) or an error, so checks
    /// (existence, resourceVersion preconditions) and the write cannot interleave
    /// with another writer.
    pub fn commit<E>(
        &self,
        prepare: impl FnOnce(&Objects, u64) -> Result<Vec<Op>, E>,
    ) -> Result<Result<u64, E>, std::io::Error> {
        let mut inner = self.inner.lock().unwrap();
        let rv = inner.rv + 1;
        let ops = match prepare(&inner.objects, rv) {
            Ok(ops) => ops,
            Err(e) => return Ok(Err(e)),
        };
        if ops.is_empty() {
            return Ok(Ok(inner.rv));
        }
        let record = Record { ops: ops.iter().map(|o| RecordOp { key: &o.key, object: o.object.as_ref() }).collect(), rv };
        let payload = serde_json::to_vec(&record).expect("json");
        let mut frame = Vec::with_capacity(payload.len() + 16);
        frame.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        frame.extend_from_slice(&fnv1a(&payload).to_le_bytes());
        frame.extend_from_slice(&payload);
        inner.wal.write_all(&frame)?;
        inner.wal.sync_data()?;
        inner.rv = rv;
        inner.wal_records += 1;
        for op in ops {
            let (kind, object) = match op.object {
                Some(obj) => {
                    let obj = Arc::new(obj);
                    let kind = match inner.objects.insert(op.key.clone(), obj.clone()) {
                        Some(_) => EventType::Modified,
                        None => EventType::Added,
                    };
                    (kind, obj)
                }
                None => match inner.objects.remove(&op.key) {
                    Some(old) => {
                        let mut old = Arc::unwrap_or_clone(old);
                        old["metadata"]["resourceVersion"] = Value::String(rv.to_string());
                        (EventType::Deleted, Arc::new(old))
                    }
                    None => continue,
                },
            };
            let ev = Arc::new(Event { rv, kind, key: op.key, object });
            if inner.history.len() == HISTORY {
                let old = inner.history.pop_front().unwrap();
                inner.floor = old.rv;
            }
            inner.history.push_back(ev.clone());
            let _ = self.events.send(ev);
        }
        if inner.wal_records >= SNAPSHOT_EVERY {
            inner.snapshot()?;
        }
        Ok(Ok(rv))
    }

    /// Events after `rv` matching `prefix` and a receiver for what follows, taken
    /// under one lock so nothing falls in between; `Err(floor)` when `rv` is older
    /// than the history kept (the caller answers 410 Gone).
    pub fn watch_from(&self, rv: u64, prefix: &str) -> Result<WatchStart, u64> {
        let inner = self.inner.lock().unwrap();
        if rv < inner.floor {
            return Err(inner.floor);
        }
        let past = inner.history.iter().filter(|e| e.rv > rv && e.key.starts_with(prefix)).cloned().collect();
        Ok((past, self.events.subscribe()))
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.events.subscribe()
    }

    /// The current objects under `prefix` and a receiver for later changes.
    pub fn watch_current(&self, prefix: &str) -> (Vec<(String, Arc<Value>)>, broadcast::Receiver<Arc<Event>>) {
        let inner = self.inner.lock().unwrap();
        let items = inner
            .objects
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        (items, self.events.subscribe())
    }
}

impl Inner {
    fn snapshot(&mut self) -> std::io::Result<()> {
        // Written object by object: converting the whole map to one `Value`
        // first would double the server's memory for a moment.
        let tmp = self.dir.join("snapshot.json.tmp");
        {
            let mut f = std::io::BufWriter::new(File::create(&tmp)?);
            write!(f, "{{\"rv\":{},\"objects\":{{", self.rv)?;
            for (i, (k, v)) in self.objects.iter().enumerate() {
                if i > 0 {
                    f.write_all(b",")?;
                }
                serde_json::to_writer(&mut f, k).map_err(std::io::Error::other)?;
                f.write_all(b":")?;
                serde_json::to_writer(&mut f, &**v).map_err(std::io::Error::other)?;
            }
            f.write_all(b"}}")?;
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, self.dir.join("snapshot.json"))?;
        sync_dir(&self.dir)?;
        self.wal.set_len(0)?;
        use std::io::Seek;
        self.wal.seek(std::io::SeekFrom::Start(0))?;
        self.wal.sync_all()?;
        self.wal_records = 0;
        Ok(())
    }
}

/// Replay log records onto `objects`; returns the length of the valid prefix
/// and the number of records in it.
fn replay(data: &[u8], objects: &mut Objects, rv: &mut u64) -> (usize, u64) {
    let mut pos = 0usize;
    let mut records = 0u64;
    while pos + 16 <= data.len() {
        let len = u64::from_le_bytes(data[pos..pos + 8].try_into().unwrap()) as usize;
        let sum = u64::from_le_bytes(data[pos + 8..pos + 16].try_into().unwrap());
        let Some(end) = (pos + 16).checked_add(len) else { break };
        if end > data.len() || fnv1a(&data[pos + 16..end]) != sum {
            break;
        }
        let Ok(mut rec) = serde_json::from_slice::<Value>(&data[pos + 16..end]) else { break };
        let rec_rv = rec["rv"].as_u64().unwrap_or(0);
        if rec_rv > *rv {
            for op in rec["ops"].as_array_mut().into_iter().flatten() {
                let key = op["key"].as_str().unwrap_or_default().to_string();
                match op["object"].take() {
                    Value::Null => {
                        objects.remove(&key);
                    }
                    obj => {
                        objects.insert(key, Arc::new(obj));
                    }
                }
            }
            *rv = rec_rv;
        }
        records += 1;
        pos = end;
    }
    (pos, records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn put(store: &Store, key: &str, v: Value) -> u64 {
        store.commit::<()>(|_, _| Ok(vec![Op { key: key.into(), object: Some(v) }])).unwrap().unwrap()
    }

    #[test]
    fn survives_reopen_and_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            assert_eq!(put(&s, "core/configmaps/a/x", json!({"n": 1})), 1);
            assert_eq!(put(&s, "core/configmaps/a/y", json!({"n": 2})), 2);
            s.commit::<()>(|_, _| Ok(vec![Op { key: "core/configmaps/a/x".into(), object: None }])).unwrap().unwrap();
        }
        // A torn record at the end (crash in the middle of a write).
        let mut f = OpenOptions::new().append(true).open(dir.path().join("wal")).unwrap();
        f.write_all(&[200, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]).unwrap();
        drop(f);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.revision(), 3);
        assert!(s.get("core/configmaps/a/x").is_none());
        assert_eq!(s.get("core/configmaps/a/y"), Some(json!({"n": 2})));
        assert_eq!(put(&s, "core/configmaps/a/z", json!({})), 4);
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.revision(), 4);
        assert!(s.get("core/configmaps/a/z").is_some());
    }

    #[test]
    fn snapshot_then_log() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            put(&s, "k/1", json!(1));
            s.inner.lock().unwrap().snapshot().unwrap();
            put(&s, "k/2", json!(2));
        }
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.revision(), 2);
        assert_eq!(s.list("k/").0.len(), 2);
    }

    #[test]
    fn watch_history_floor() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        put(&s, "k/1", json!(1));
        put(&s, "j/1", json!(1));
        let (past, _) = s.watch_from(0, "k/").unwrap();
        assert_eq!(past.len(), 1);
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        // History does not survive a restart: older revisions are gone.
        assert_eq!(s.watch_from(1, "k/").unwrap_err(), 2);
    }
}
