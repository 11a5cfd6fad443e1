//! The case archive: one BagIt bag per case version, `ARCHIVE/<case-id>/v<N>/`.
//!
//! Append-only: a case whose payload (forms, input, normalized JSON) is unchanged is a no-op
//! — reproducible rendering makes the checksums equal — and a changed one becomes the next
//! version; nothing is overwritten or deleted. Crash-safe: a bag is written in
//! `ARCHIVE/.tmp/`, flushed, and renamed into place, so a kill at any moment leaves either no
//! bag or a complete one. One run at a time holds `ARCHIVE/.okno.lock`.

use crate::bagit::write::{BagInfo, PayloadFile, payload_manifest, sync_dir, write_bag};
use crate::model::Case;
use crate::render::Format;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why the archive could not do what was asked; the texts go to reports and the page as
/// they are.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "номер случая «{id}» отличается от случая архива «{existing}» только регистром букв, а в Windows это одна папка {existing}; ребенок в них не один и тот же — дайте случаю другой номер"
    )]
    CaseFolded { id: String, existing: String },
    #[error("номер случая «{0}» нельзя использовать как имя папки")]
    UnsafeId(String),
    #[error("{} уже существует: архив не перезаписывается", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A flush of the archive's filesystem or folders.
    #[error("{0}")]
    Sync(std::io::Error),
    #[error("{}: {source}", .path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{0}")]
    CaseJson(serde_json::Error),
    /// A form of the payload that could not be written (`form.ext: reason`).
    #[error("{file}: {reason}")]
    Form { file: String, reason: String },
    #[error("в архиве нет пакетов за указанный период")]
    NothingToExport,
    #[error("{0}")]
    Sizes(std::io::Error),
    #[error("{0}")]
    Index(crate::index::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

const LOCK: &str = ".okno.lock";
const TMP: &str = ".tmp";

/// An archive folder, locked for this process while the value lives.
pub struct Archive {
    root: PathBuf,
    _lock: File,
    /// Case folder → the newest version this run has claimed, and the SHA-256 of its payload
    /// manifest (a digest, not the text: a batch of 10,000 cases claims 10,000 versions).
    claimed: Mutex<HashMap<String, (u32, [u8; 32])>>,
    /// Case ID with letter case folded (`validate::case_id_fold`) → its folder: Windows
    /// stores `nsk-1` and `NSK-1` in one folder, so the archive keeps them one case too.
    folders: Mutex<HashMap<String, String>>,
    /// The archive's index, written as each bag is put in place; None when it cannot be
    /// opened (the bags are the record: storing goes on, and the next start catches up).
    index: Mutex<Option<crate::index::Index>>,
}

/// A bag written under `.tmp`, waiting for a flush and `Archive::commit`.
#[derive(Debug)]
pub struct PendingBag {
    tmp: PathBuf,
    case_dir: PathBuf,
    target: PathBuf,
    pub version: u32,
    /// The index's row of this version, put in once the bag is in place.
    row: Box<crate::index::Row>,
}

/// What `Archive::prepare` decided.
#[derive(Debug)]
pub enum Prepared {
    Unchanged { version: u32 },
    Bag(PendingBag),
}

/// What happened to one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A new version was written.
    Created { version: u32, path: PathBuf },
    /// The newest version already holds exactly this payload.
    Unchanged { version: u32 },
}

/// The original input of a case, as it goes into `data/source/`.
#[derive(Debug, Clone)]
pub struct Source {
    /// File name inside `data/source/` (never the user's file name, which may carry a name).
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Source {
    /// What the archive keeps as a case's input: a register row alone (the register's other
    /// rows are other families), any other input whole as `input.<ext>`. `file` is the
    /// bytes of the input at `path`.
    pub fn of(case: &crate::ingest::IngestedCase, path: &Path, file: &[u8]) -> Source {
        match &case.origin {
            Some(row) => Source {
                name: "register-row.json".into(),
                bytes: serde_json::to_vec_pretty(row).unwrap_or_default(),
            },
            None => {
                let ext = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("bin")
                    .to_lowercase();
                Source {
                    name: format!("input.{ext}"),
                    bytes: file.to_vec(),
                }
            }
        }
    }
}

impl Archive {
    /// Opens (creating) an archive and takes its lock, waiting while another run holds it.
    /// Leftovers of an interrupted run (incomplete bags in `.tmp`) are removed: holding the
    /// lock, nobody else can be writing them.
    pub fn open(root: &Path) -> std::io::Result<Archive> {
        std::fs::create_dir_all(root)?;
        let lock = lock(root)?;
        let tmp = root.join(TMP);
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        let cases = list_cases(root);
        let index = match crate::index::Index::open(root) {
            Ok(mut index) => match catch_up(root, &cases, &mut index, &said_progress()) {
                Ok(_) => Some(index),
                Err(e) => {
                    eprintln!("okno: {e}");
                    None
                }
            },
            Err(e) => {
                eprintln!("okno: {e}");
                None
            }
        };
        let folders = cases
            .into_iter()
            .map(|(id, _)| (crate::validate::case_id_fold(&id), id))
            .collect();
        Ok(Archive {
            root: root.to_path_buf(),
            _lock: lock,
            claimed: Mutex::new(HashMap::new()),
            folders: Mutex::new(folders),
            index: Mutex::new(index),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The versions of a case, ascending.
    pub fn versions(&self, case_id: &str) -> Vec<u32> {
        let folder = self
            .folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&crate::validate::case_id_fold(case_id))
            .cloned();
        versions(&self.root.join(folder.as_deref().unwrap_or(case_id)))
    }

    /// The folder of a case: its own ID's, or the archive's folder whose name differs only in
    /// letter case when that holds the same child (a new version of it); another child there
    /// is refused, naming the folder, since on Windows both would be one folder.
    fn folder(&self, case: &Case) -> Result<String, Error> {
        let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        let folded = crate::validate::case_id_fold(&case.case_id);
        let Some(existing) = folders.get(&folded) else {
            folders.insert(folded, case.case_id.clone());
            return Ok(case.case_id.clone());
        };
        if *existing == case.case_id {
            return Ok(existing.clone());
        }
        let child = crate::validate::CaseKey::of(case).child.map(|(_, k)| k);
        let theirs = versions(&self.root.join(existing))
            .last()
            .and_then(|v| read_case(&self.root, existing, *v).ok())
            .and_then(|c| crate::validate::CaseKey::of(&c).child.map(|(_, k)| k));
        if child.is_some() && child == theirs {
            Ok(existing.clone())
        } else {
            Err(Error::CaseFolded {
                id: case.case_id.clone(),
                existing: existing.clone(),
            })
        }
    }

    /// Stores a case: renders its forms, compares the payload with the newest version and
    /// writes the next version only if it differs.
    pub fn store(
        &self,
        case: &Case,
        source: &Source,
        bagging_date: chrono::NaiveDate,
    ) -> Result<Stored, Error> {
        safe_id(case)?;
        let payload = payload(case, source)?;
        self.store_payload(case, &payload, bagging_date)
    }

    /// Stores an already rendered payload (see `payload`), flushed and in place on return.
    pub fn store_payload(
        &self,
        case: &Case,
        payload: &[PayloadFile],
        bagging_date: chrono::NaiveDate,
    ) -> Result<Stored, Error> {
        match self.prepare(case, payload, bagging_date)? {
            Prepared::Unchanged { version } => Ok(Stored::Unchanged { version }),
            Prepared::Bag(bag) => {
                crate::files::sync_filesystem(&bag.tmp).map_err(Error::Sync)?;
                let version = bag.version;
                let case_dir = bag.case_dir.clone();
                let path = self.commit(bag)?;
                sync_dir(&case_dir)
                    .and_then(|_| sync_dir(&self.root))
                    .map_err(Error::Sync)?;
                Ok(Stored::Created { version, path })
            }
        }
    }

    /// The first half of storing: decides the version and writes the bag under `.tmp`,
    /// unflushed. The caller flushes the filesystem (one syncfs may cover many bags) and then
    /// calls `commit`. Versions are claimed in memory too, so a case prepared twice in one
    /// process never gets one version twice (a run itself refuses a case ID from two
    /// inputs, I-SAME-ID).
    pub fn prepare(
        &self,
        case: &Case,
        payload: &[PayloadFile],
        bagging_date: chrono::NaiveDate,
    ) -> Result<Prepared, Error> {
        safe_id(case)?;
        let folder = self.folder(case)?;
        let case_dir = self.root.join(&folder);
        let manifest = payload_manifest(payload);
        let digest: [u8; 32] = Sha256::digest(&manifest).into();
        let (version, before) = {
            let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
            let before = claimed.get(&folder).copied();
            let newest = before.or_else(|| {
                versions(&case_dir).last().map(|&last| {
                    let old = std::fs::read_to_string(
                        bag_dir(&self.root, &folder, last).join("manifest-sha256.txt"),
                    )
                    .unwrap_or_default();
                    (last, Sha256::digest(old).into())
                })
            });
            if let Some((last, old)) = newest
                && old == digest
            {
                return Ok(Prepared::Unchanged { version: last });
            }
            let version = newest.map_or(1, |(v, _)| v + 1);
            claimed.insert(folder.clone(), (version, digest));
            (version, before)
        };
        let info = bag_info(case, version, bagging_date);
        let tmp = self
            .root
            .join(TMP)
            .join(format!("{folder}-v{version}-{}", std::process::id()));
        if let Err(e) =
            std::fs::create_dir_all(&tmp).and_then(|_| write_bag(&tmp, payload, &manifest, &info))
        {
            // Give the version back, so that a later input of this case does not leave a gap.
            let _ = std::fs::remove_dir_all(&tmp);
            let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
            if claimed.get(&folder).map(|c| c.0) == Some(version) {
                match before {
                    Some(b) => claimed.insert(folder.clone(), b),
                    None => claimed.remove(&folder),
                };
            }
            return Err(io(&tmp)(e));
        }
        let target = bag_dir(&self.root, &folder, version);
        let mut row = crate::index::Row::of(case, version, bagging_date);
        row.case_id = folder;
        Ok(Prepared::Bag(PendingBag {
            tmp,
            case_dir,
            target,
            version,
            row: Box::new(row),
        }))
    }

    /// Puts a prepared bag in place; its bytes must have been flushed. The rename itself
    /// reaches the disk with the next flush.
    pub fn commit(&self, bag: PendingBag) -> Result<PathBuf, Error> {
        std::fs::create_dir_all(&bag.case_dir).map_err(io(&bag.case_dir))?;
        if bag.target.exists() {
            return Err(Error::Exists(bag.target));
        }
        std::fs::rename(&bag.tmp, &bag.target).map_err(io(&bag.target))?;
        // The index follows the bag at once; if this fails or the process dies first, the
        // next `Archive::open` finds the version missing from the index and puts it in.
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(ix) = index.as_mut()
            && let Err(e) = ix.put(&bag.row)
        {
            eprintln!("okno: {e}");
            *index = None;
        }
        Ok(bag.target)
    }

    /// Every case in the archive with its versions, sorted by case ID.
    pub fn cases(&self) -> Vec<(String, Vec<u32>)> {
        list_cases(&self.root)
    }
}

impl Drop for Archive {
    /// The working folder goes when the run ends (it is empty unless a write failed midway,
    /// and then the next run clears it under the lock).
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(self.root.join(TMP));
    }
}

/// Takes the archive's lock, waiting (and saying so) while another run holds it.
fn lock(root: &Path) -> std::io::Result<File> {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(LOCK))?;
    if lock.try_lock().is_err() {
        eprintln!(
            "okno: архив {} занят другим запуском — ожидание…",
            root.display()
        );
        lock.lock()?;
    }
    Ok(lock)
}

/// Case folders and their versions, without taking the lock (for reading).
pub fn list_cases(root: &Path) -> Vec<(String, Vec<u32>)> {
    let mut out: Vec<(String, Vec<u32>)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| !n.starts_with('.'))
        .map(|n| {
            let v = versions(&root.join(&n));
            (n, v)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    out.sort();
    out
}

/// A case ID that names a folder inside the archive and nothing else.
fn safe_id(case: &Case) -> Result<(), Error> {
    if crate::validate::case_id_is_safe(&case.case_id) {
        Ok(())
    } else {
        Err(Error::UnsafeId(case.case_id.clone()))
    }
}

/// Every bag of an archive, `ROOT/<case-id>/v<N>`, sorted by case ID and version.
pub fn bags(root: &Path) -> Vec<PathBuf> {
    list_cases(root)
        .into_iter()
        .flat_map(|(id, vs)| vs.into_iter().map(move |v| bag_dir(root, &id, v)))
        .collect()
}

/// The folder of one version's bag: `ROOT/<case-id>/v<N>`. The only place that spells the
/// archive's layout, with `payload_dir` and the normalized case's name below.
pub fn bag_dir(root: &Path, case_id: &str, version: u32) -> PathBuf {
    root.join(case_id).join(format!("v{version}"))
}

/// The payload folder of a bag.
pub fn payload_dir(bag: &Path) -> PathBuf {
    bag.join("data")
}

/// The versions of a case, ascending; none for a case ID that is not a folder's name.
pub fn case_versions(root: &Path, case_id: &str) -> Vec<u32> {
    if !crate::validate::case_id_is_safe(case_id) {
        return Vec::new();
    }
    versions(&root.join(case_id))
}

/// The normalized case in a bag's payload.
pub const CASE_JSON: &str = "case.json";

/// The normalized case of one version.
pub fn read_case(root: &Path, case_id: &str, version: u32) -> Result<Case, Error> {
    let path = payload_dir(&bag_dir(root, case_id, version)).join(CASE_JSON);
    let bytes = std::fs::read(&path).map_err(io(&path))?;
    // Checked as UTF-8 once, on wide registers (simdutf8), then parsed as text: serde_json
    // would check every string again by itself, most of the time of a quarter's summary.
    let parsed = match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(&bytes),
    };
    parsed.map_err(|source| Error::Json { path, source })
}

/// The newest version of every case in an archive (its normalized `case.json`).
pub fn newest_cases(root: &Path) -> Result<Vec<Case>, Error> {
    let mut out = Vec::new();
    each_newest_case(root, |case| out.push(case))?;
    Ok(out)
}

/// The newest version of every case in an archive, one at a time in case-ID order, so a job
/// over a large archive holds one case, not all of them.
pub fn each_newest_case(root: &Path, mut each: impl FnMut(Case)) -> Result<(), Error> {
    for (id, versions) in list_cases(root) {
        let Some(v) = versions.last() else { continue };
        each(read_case(root, &id, *v)?);
    }
    Ok(())
}

/// The forms (PDF and DOCX) in one version's payload, as paths relative to it with `/`,
/// sorted.
pub fn payload_forms(root: &Path, case_id: &str, version: u32) -> Vec<String> {
    let data = payload_dir(&bag_dir(root, case_id, version));
    let mut out: Vec<String> = walkdir::WalkDir::new(&data)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            e.path()
                .strip_prefix(&data)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .filter(|p| is_form(p))
        .collect();
    out.sort();
    out
}

/// A form of one version's payload by its relative path (as a URL gives it): `None` for a
/// case ID or path that would leave the bag, or a file that is not a form.
pub fn payload_form(root: &Path, case_id: &str, version: u32, path: &str) -> Option<PathBuf> {
    if !crate::validate::case_id_is_safe(case_id) || !is_form(path) {
        return None;
    }
    let data = payload_dir(&bag_dir(root, case_id, version));
    crate::safe_path::join_url(&data, path).ok()
}

fn is_form(path: &str) -> bool {
    path.ends_with(".pdf") || path.ends_with(".docx")
}

fn versions(case_dir: &Path) -> Vec<u32> {
    let mut v: Vec<u32> = std::fs::read_dir(case_dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_prefix('v'))
                .and_then(|n| n.parse().ok())
        })
        .collect();
    v.sort_unstable();
    v
}

/// The payload of a case's bag: every form as PDF and DOCX, the input, the normalized JSON.
pub fn payload(case: &Case, source: &Source) -> Result<Vec<PayloadFile>, Error> {
    let mut files = Vec::new();
    for d in crate::forms::documents(case, None, false) {
        for f in &[Format::Pdf, Format::Docx] {
            let bytes = f.write(&d).map_err(|e| Error::Form {
                file: format!("{}.{}", d.form, f.ext()),
                reason: e.to_string(),
            })?;
            files.push(PayloadFile {
                path: format!("forms/{}.{}", d.form, f.ext()),
                bytes,
            });
        }
    }
    let mut json = serde_json::to_vec_pretty(case).map_err(Error::CaseJson)?;
    json.push(b'\n');
    files.push(PayloadFile {
        path: CASE_JSON.into(),
        bytes: json,
    });
    files.push(PayloadFile {
        path: format!("source/{}", source.name),
        bytes: source.bytes.clone(),
    });
    Ok(files)
}

fn bag_info(case: &Case, version: u32, date: chrono::NaiveDate) -> BagInfo {
    let curator_org = case
        .case_opening
        .as_ref()
        .and_then(|o| o.curator.as_ref())
        .and_then(|c| c.organization.clone());
    let org = curator_org
        .clone()
        .or(case
            .conclusion
            .as_ref()
            .and_then(|c| c.responsible_body.clone()))
        .or(case.notification.as_ref().and_then(|n| n.agency.clone()))
        .unwrap_or_else(|| "не указана".into());
    let mut info: BagInfo = vec![
        ("Source-Organization".into(), org),
        ("External-Identifier".into(), case.case_id.clone()),
        (
            "External-Description".into(),
            format!(
                "Случай {}: документы порядка межведомственного взаимодействия, версия {version}",
                case.case_id
            ),
        ),
        ("Bagging-Date".into(), date.format("%Y-%m-%d").to_string()),
        ("Bag-Group-Identifier".into(), case.case_id.clone()),
        ("Okno-Case-Version".into(), version.to_string()),
        (
            "Okno-Risk-Level".into(),
            case.risk_level()
                .map(|l| l.label().to_string())
                .unwrap_or_else(|| "не определен".into()),
        ),
        (
            "Okno-Case-Opened".into(),
            case.case_opening
                .as_ref()
                .and_then(|o| o.date)
                .map(|d| d.iso())
                .unwrap_or_else(|| "нет".into()),
        ),
        (
            "Okno-Curator-Organization".into(),
            curator_org.unwrap_or_else(|| "нет".into()),
        ),
        (
            "Okno-Territory".into(),
            case.territory
                .as_ref()
                .map(|t| t.label().to_string())
                .unwrap_or_else(|| "не указана".into()),
        ),
        (
            "Okno-Territory-Code".into(),
            case.territory
                .as_ref()
                .map(|t| t.code().to_string())
                .unwrap_or_else(|| "нет".into()),
        ),
        ("Okno-Version".into(), env!("CARGO_PKG_VERSION").into()),
    ];
    if let Some(c) = case.closure.as_ref().and_then(|c| c.date) {
        info.push(("Okno-Case-Closed".into(), c.iso()));
    }
    info
}

/// What `catch_up` or `reindex` did to the index.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Caught {
    /// Versions put in.
    pub versions: usize,
    /// Cases forgotten (their folders are gone).
    pub removed: usize,
}

/// The index's row of one archived version, from its bag.
pub fn index_row(root: &Path, case_id: &str, version: u32) -> Result<crate::index::Row, Error> {
    let case = read_case(root, case_id, version)?;
    let bagged = read_bag_info(&bag_dir(root, case_id, version))
        .into_iter()
        .find(|(k, _)| k == "Bagging-Date")
        .and_then(|(_, d)| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .unwrap_or_default();
    let mut row = crate::index::Row::of(&case, version, bagged);
    row.case_id = case_id.to_string();
    Ok(row)
}

/// Brings the index up to the bags: every version folder the index lacks is read and put in
/// (a crash between a bag and its index row, an archive copied in by hand), and cases whose
/// folders are gone are forgotten. `progress(done, total)` as versions are read.
pub fn catch_up(
    root: &Path,
    cases: &[(String, Vec<u32>)],
    index: &mut crate::index::Index,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Caught, Error> {
    let have = index.indexed_versions().map_err(Error::Index)?;
    let mut todo: Vec<(&str, u32)> = Vec::new();
    for (id, versions) in cases {
        let known = have.get(id).map(Vec::as_slice).unwrap_or(&[]);
        for v in versions {
            if !known.contains(v) {
                todo.push((id, *v));
            }
        }
    }
    let on_disk: std::collections::HashSet<&str> =
        cases.iter().map(|(id, _)| id.as_str()).collect();
    let gone: Vec<String> = have
        .keys()
        .filter(|id| !on_disk.contains(id.as_str()))
        .cloned()
        .collect();
    let total = todo.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    // Read on all cores, a chunk at a time; written in one transaction a chunk.
    for chunk in todo.chunks(2000) {
        let rows = crate::pool::map(chunk, None, |(id, v)| {
            let row = index_row(root, id, *v);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total);
            row
        });
        let rows: Vec<crate::index::Row> = rows.into_iter().collect::<Result<_, _>>()?;
        index.put_all(&rows).map_err(Error::Index)?;
    }
    if !gone.is_empty() {
        index.remove(&gone).map_err(Error::Index)?;
    }
    Ok(Caught {
        versions: total,
        removed: gone.len(),
    })
}

/// `okno index`: the index made anew from the bags, under the archive's lock.
pub fn reindex(root: &Path, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Caught, Error> {
    let _lock = lock(root).map_err(io(root))?;
    let mut index = crate::index::Index::open(root).map_err(Error::Index)?;
    index.clear().map_err(Error::Index)?;
    let caught = catch_up(root, &list_cases(root), &mut index, progress)?;
    index.vacuum().map_err(Error::Index)?;
    Ok(caught)
}

/// Brings the index up to the bags, under the lock (the page's start); waits for a run that
/// holds the lock.
pub fn refresh_index(root: &Path) -> Result<Caught, Error> {
    if !root.is_dir() {
        return Ok(Caught::default());
    }
    let _lock = lock(root).map_err(io(root))?;
    let mut index = crate::index::Index::open(root).map_err(Error::Index)?;
    catch_up(root, &list_cases(root), &mut index, &said_progress())
}

/// Versions to catch up from which the wait is said (a second or more on 2 cores).
const SAID_FROM: usize = 2000;

/// The progress of a long catch-up (the first start after an upgrade re-reads every version:
/// about 19 s at 100,000), said on stderr at its start and each tenth, so a secretary waiting
/// for the page knows it is working. Short ones say nothing.
fn said_progress() -> impl Fn(usize, usize) + Sync {
    let said = std::sync::atomic::AtomicUsize::new(0);
    move |done, total| {
        if total < SAID_FROM {
            return;
        }
        let step = done * 10 / total + 1;
        if said.fetch_max(step, std::sync::atomic::Ordering::Relaxed) < step {
            eprintln!("okno: указатель архива дополняется из пакетов: {done} из {total} версий");
        }
    }
}

/// Whether the index says what the bags say: each difference in words (none: it agrees).
/// Checks the versions of every case and the newest version's row field by field.
pub fn index_disagreements(root: &Path) -> Result<Vec<String>, Error> {
    let index = match crate::index::Index::open_read(root) {
        Ok(i) => i,
        Err(crate::index::Error::Missing(_)) => {
            return Ok(vec![format!(
                "указатель архива {} не создан или не обновлен для этой версии okno: okno index --archive {}",
                crate::index::FILE,
                root.display()
            )]);
        }
        Err(e) => return Err(Error::Index(e)),
    };
    let have = index.indexed_versions().map_err(Error::Index)?;
    let cases = list_cases(root);
    let mut out = Vec::new();
    for (id, versions) in &cases {
        match have.get(id) {
            None => out.push(format!("случай {id}: нет в указателе")),
            Some(known) if known != versions => out.push(format!(
                "случай {id}: в указателе версии {}, в архиве {}",
                join_versions(known),
                join_versions(versions)
            )),
            Some(_) => {
                let Some(&newest) = versions.last() else {
                    continue;
                };
                let row = index_row(root, id, newest)?;
                if !index.agrees(&row).map_err(Error::Index)? {
                    out.push(format!(
                        "случай {id}: сведения версии {newest} в указателе не совпадают с пакетом"
                    ));
                }
            }
        }
    }
    let on_disk: std::collections::HashSet<&str> =
        cases.iter().map(|(id, _)| id.as_str()).collect();
    let mut extra: Vec<&String> = have
        .keys()
        .filter(|id| !on_disk.contains(id.as_str()))
        .collect();
    extra.sort();
    for id in extra {
        out.push(format!("случай {id}: есть в указателе, но нет в архиве"));
    }
    Ok(out)
}

fn join_versions(v: &[u32]) -> String {
    v.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads `Label: value` pairs of a bag's bag-info.txt.
pub fn read_bag_info(bag: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(bag.join("bag-info.txt"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// What an export put in its outer bag.
#[derive(Debug, Default)]
pub struct Exported {
    pub bags: Vec<String>,
    pub bytes: u64,
}

/// Packs the case bags of an archive whose Bagging-Date falls in `[from, to]` into one outer
/// bag (bag-in-a-bag) and writes it as a tar file: what the regional archive receives. The tar
/// is reproducible: sorted entries, fixed owners, the export date as every entry's time.
pub fn export(
    root: &Path,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    out: &Path,
    today: chrono::NaiveDate,
) -> Result<Exported, Error> {
    export_cases(root, from, to, out, today, &|_| true)
}

/// `export` of the cases `keep` lets through (the page's user limited to territories).
pub fn export_cases(
    root: &Path,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    out: &Path,
    today: chrono::NaiveDate,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Exported, Error> {
    use crate::bagit::pack::{Tree, payload_size, write_tar};
    let mut trees = Vec::new();
    for (case_id, versions) in list_cases(root) {
        if !keep(&case_id) {
            continue;
        }
        for v in versions {
            let bag = bag_dir(root, &case_id, v);
            let date = read_bag_info(&bag)
                .into_iter()
                .find(|(k, _)| k == "Bagging-Date")
                .and_then(|(_, d)| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            let inside = match date {
                Some(d) => from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t),
                None => from.is_none() && to.is_none(),
            };
            if !inside {
                continue;
            }
            trees.push(Tree {
                name: format!("{case_id}/v{v}"),
                dir: bag,
            });
        }
    }
    if trees.is_empty() {
        return Err(Error::NothingToExport);
    }
    // Sizes first: bag-info.txt, with Payload-Oxum, comes before the payload in the tar.
    let (octets, files) = payload_size(&trees).map_err(Error::Sizes)?;
    let summary = Exported {
        bags: trees.iter().map(|t| t.name.clone()).collect(),
        bytes: octets,
    };
    let period = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_else(|| "…".into())
    };
    let info: BagInfo = vec![
        ("Source-Organization".into(), "okno".into()),
        (
            "External-Description".into(),
            format!(
                "Выгрузка архива случаев: {} пакетов, период {} — {}",
                summary.bags.len(),
                period(from),
                period(to)
            ),
        ),
        ("Bagging-Date".into(), today.format("%Y-%m-%d").to_string()),
        (
            "Bag-Size".into(),
            format!("{:.1} MB", summary.bytes as f64 / 1e6),
        ),
        ("Okno-Version".into(), env!("CARGO_PKG_VERSION").into()),
    ];
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = format!("okno-export-{}", today.format("%Y-%m-%d"));
    let mtime = today
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp().max(0) as u64);
    // Streamed into a temporary file beside `out`, flushed, renamed into place: a tar is
    // whole or absent, and no bag is ever held in memory.
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".okno-export-")
            .tempfile_in(parent)?;
        let buf = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file());
        let tar = write_tar(buf, &name, &trees, &info, (octets, files), mtime, parent)?;
        tar.into_inner().map_err(|e| e.into_error())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        tmp.as_file().sync_all()?;
        tmp.persist(out).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(io(out))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(root: &Path, bytes: &[u8]) {
        let data = payload_dir(&bag_dir(root, "T-1", 1));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join(CASE_JSON), bytes).unwrap();
    }

    /// A bag's `case.json` reads as the case it holds; a damaged one (not UTF-8, cut short)
    /// is an error naming its file and where it broke, never a case.
    #[test]
    fn a_case_json_reads_and_a_damaged_one_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let fixture = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases/NSK-2026-0001.json"),
        )
        .unwrap();
        let want: Case = serde_json::from_slice(&fixture).unwrap();
        put(dir.path(), &fixture);
        let got = read_case(dir.path(), "T-1", 1).unwrap();
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            serde_json::to_value(&want).unwrap()
        );
        let at = fixture.windows(3).position(|w| w == b"\"\xd0\x9c").unwrap() + 1;
        let line = format!(
            "line {}",
            1 + fixture[..at].iter().filter(|&&b| b == b'\n').count()
        );
        for (damage, says) in [
            (
                [&fixture[..at], b"\xff\xfe", &fixture[at..]].concat(),
                line.as_str(),
            ),
            (fixture[..fixture.len() / 2].to_vec(), "EOF"),
        ] {
            put(dir.path(), &damage);
            let e = read_case(dir.path(), "T-1", 1).unwrap_err().to_string();
            assert!(e.contains("case.json") && e.contains(says), "{e}");
        }
    }
}
