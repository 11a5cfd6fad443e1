//! A bag whose payload is folders already on disk (the case bags of an export: bag-in-a-bag),
//! written as one tar stream in flat memory. Each file is read once, from disk into the tar,
//! and hashed on the way; the outer manifests wait in scratch files, a piece per folder, and
//! are put in path order at the end.
//!
//! The tar holds what `write_bag` would have written into a folder, in the order of a walk of
//! that folder sorted by name (folders before what they hold, only folders that hold files).
//! Every entry has the given time, owner 0 and mode 0644 (folders 0755), so the same folders
//! give the same bytes.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::hash::{Alg, Sums};
use super::write::{
    BAGIT_TXT, BagInfo, TAGGED, bag_info_text, checked_path, manifest_line, tag_manifest_line,
    twice,
};

/// A folder whose files go into the payload as `data/<name>/…`. No tree lies inside another.
pub struct Tree {
    /// Its path under `data/`, `/`-separated, e.g. `CASE/v2`.
    pub name: String,
    pub dir: PathBuf,
}

/// Octets and files of the payload the trees make: the Payload-Oxum `write_tar` is given.
pub fn payload_size(trees: &[Tree]) -> io::Result<(u64, u64)> {
    let (mut octets, mut count) = (0, 0);
    for t in trees {
        for f in files(&t.dir) {
            octets += f?.0.metadata().map_err(io::Error::from)?.len();
            count += 1;
        }
    }
    Ok((octets, count))
}

/// Writes the bag `name` as a tar stream into `out` and returns `out`. `oxum` is
/// `payload_size(trees)`: bag-info.txt comes before the payload in the tar, and a payload that
/// differs from it by the end (the archive changed meanwhile) is an error. `scratch` is a
/// folder for the manifests' temporary files (deleted when done).
pub fn write_tar<W: Write>(
    out: W,
    name: &str,
    trees: &[Tree],
    info: &BagInfo,
    oxum: (u64, u64),
    mtime: u64,
    scratch: &Path,
) -> io::Result<W> {
    let mut tar = Tar {
        tar: tar::Builder::new(out),
        bag: name.to_string(),
        mtime,
        open: Vec::new(),
    };
    let mut header = tar.header(tar::EntryType::Directory, 0);
    tar.tar.append_data(&mut header, name, io::empty())?;
    let bag_info = bag_info_text(info, oxum.0, oxum.1);
    tar.append("bag-info.txt", bag_info.as_bytes())?;
    tar.append("bagit.txt", BAGIT_TXT.as_bytes())?;

    // A walk of the outer bag's data/ visits the trees by path components, in name order.
    let mut order: Vec<&Tree> = trees.iter().collect();
    order.sort_by(|a, b| a.name.split('/').cmp(b.name.split('/')));
    let mut manifests = Manifests::new(scratch)?;
    let mut streamed = (0, 0);
    for t in order {
        let mut lines = Vec::new();
        let mut seen = HashSet::new();
        for f in files(&t.dir) {
            let (entry, rel) = f?;
            let path = format!("{}/{rel}", t.name);
            let safe = checked_path(&path)?;
            if !seen.insert(safe.clone()) {
                return Err(twice(&safe));
            }
            let named =
                |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", entry.path().display()));
            let file = File::open(entry.path()).map_err(named)?;
            let size = file.metadata().map_err(named)?.len();
            let mut reader = Hashing::new(file.take(size), &[Alg::Sha256, Alg::Sha512]);
            tar.append_sized(&format!("data/{safe}"), size, &mut reader)?;
            // The header said `size`: fewer bytes would leave the tar unreadable, more would
            // be a file other than the one the inner bag's manifest describes.
            let grew = reader.inner.get_mut().read(&mut [0u8; 1]).map_err(named)? > 0;
            if reader.len != size || grew {
                return Err(changed());
            }
            streamed = (streamed.0 + size, streamed.1 + 1);
            let [sha256, sha512] = reader.finish();
            lines.push((path, sha256, sha512));
        }
        // Within a tree, manifest order is the order of the paths below it.
        lines.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        manifests.add(&t.name, &lines)?;
    }
    if streamed != oxum {
        return Err(changed());
    }

    let mut tagged = vec![
        sha256_hex(BAGIT_TXT.as_bytes()),
        sha256_hex(bag_info.as_bytes()),
    ];
    for (k, manifest) in ["manifest-sha256.txt", "manifest-sha512.txt"]
        .into_iter()
        .enumerate()
    {
        let (len, pieces) = manifests.in_path_order(k);
        let mut reader = Hashing::new(pieces, &[Alg::Sha256]);
        tar.append_sized(manifest, len, &mut reader)?;
        let [sha256] = reader.finish();
        tagged.push(sha256);
    }
    let tagmanifest: String = TAGGED
        .iter()
        .zip(&tagged)
        .map(|(name, hex)| tag_manifest_line(hex, name))
        .collect();
    tar.append("tagmanifest-sha256.txt", tagmanifest.as_bytes())?;
    tar.tar.into_inner()
}

fn changed() -> io::Error {
    io::Error::other("архив изменился во время выгрузки: запустите выгрузку ещё раз")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The regular files below a folder in walk order (sorted by name, links not followed), each
/// with its path relative to the folder, `/`-separated.
fn files(dir: &Path) -> impl Iterator<Item = io::Result<(walkdir::DirEntry, String)>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter(|e| !matches!(e, Ok(e) if !e.file_type().is_file()))
        .map(move |e| {
            let e = e.map_err(io::Error::from)?;
            let rel = e.path().strip_prefix(dir).map_err(io::Error::other)?;
            let parts: Option<Vec<&str>> =
                rel.components().map(|c| c.as_os_str().to_str()).collect();
            let rel = parts.map(|p| p.join("/")).ok_or_else(|| {
                io::Error::other(format!("{}: имя не в UTF-8", e.path().display()))
            })?;
            Ok((e, rel))
        })
}

/// The tar being written: entries below the bag's folder, each after the folders leading to it.
struct Tar<W: Write> {
    tar: tar::Builder<W>,
    bag: String,
    mtime: u64,
    /// The folders (below the bag) of the last entry, already in the tar.
    open: Vec<String>,
}

impl<W: Write> Tar<W> {
    fn header(&self, kind: tar::EntryType, size: u64) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(if kind.is_dir() { 0o755 } else { 0o644 });
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(self.mtime);
        h
    }

    fn append(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.append_sized(path, bytes.len() as u64, bytes)
    }

    /// Appends `size` bytes of `data` as the file at `path` (below the bag).
    fn append_sized(&mut self, path: &str, size: u64, data: impl Read) -> io::Result<()> {
        let mut dirs: Vec<&str> = path.split('/').collect();
        dirs.pop();
        let same = self
            .open
            .iter()
            .zip(&dirs)
            .take_while(|(a, b)| a == b)
            .count();
        self.open.truncate(same);
        for d in &dirs[same..] {
            self.open.push(d.to_string());
            let mut h = self.header(tar::EntryType::Directory, 0);
            let name = format!("{}/{}", self.bag, self.open.join("/"));
            self.tar.append_data(&mut h, name, io::empty())?;
        }
        let mut h = self.header(tar::EntryType::Regular, size);
        self.tar
            .append_data(&mut h, format!("{}/{path}", self.bag), data)
    }
}

/// Passes a stream through, hashing it and counting its bytes.
struct Hashing<R> {
    inner: R,
    sums: Sums,
    len: u64,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R, algs: &[Alg]) -> Self {
        Hashing {
            inner,
            sums: Sums::new(algs),
            len: 0,
        }
    }

    /// The hexadecimal checksums of what was read, in the order of the algorithms.
    fn finish<const N: usize>(self) -> [String; N] {
        let sums: Vec<String> = self.sums.finish().into_iter().map(|(_, s)| s).collect();
        sums.try_into().expect("one checksum per algorithm")
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sums.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// The outer bag's two payload manifests (SHA-256, SHA-512): each tree's lines appended to a
/// scratch file as it is streamed, with where they are.
struct Manifests {
    files: [File; 2],
    ends: [u64; 2],
    /// A tree's path with a final `/` (so that `A/` sorts after `A-1/`, as its files' paths
    /// do), and its lines' place in each file.
    pieces: Vec<(String, [(u64, u64); 2])>,
}

impl Manifests {
    fn new(scratch: &Path) -> io::Result<Manifests> {
        Ok(Manifests {
            files: [
                tempfile::tempfile_in(scratch)?,
                tempfile::tempfile_in(scratch)?,
            ],
            ends: [0, 0],
            pieces: Vec::new(),
        })
    }

    /// One tree's lines: (path under data/, SHA-256, SHA-512), sorted by path.
    fn add(&mut self, tree: &str, lines: &[(String, String, String)]) -> io::Result<()> {
        let mut at = [(0, 0); 2];
        for (k, file) in self.files.iter_mut().enumerate() {
            let text: String = lines
                .iter()
                .map(|(path, sha256, sha512)| {
                    manifest_line(if k == 0 { sha256 } else { sha512 }, path)
                })
                .collect();
            file.write_all(text.as_bytes())?;
            at[k] = (self.ends[k], text.len() as u64);
            self.ends[k] += text.len() as u64;
        }
        self.pieces.push((format!("{tree}/"), at));
        Ok(())
    }

    /// Manifest `k` in path order: its length and a reader over its pieces. Trees do not nest,
    /// so every path of one tree sorts before or after every path of another, as its key does.
    fn in_path_order(&mut self, k: usize) -> (u64, Pieces<'_>) {
        self.pieces.sort_by(|a, b| a.0.cmp(&b.0));
        let ranges: Vec<(u64, u64)> = self.pieces.iter().map(|p| p.1[k]).collect();
        let pieces = Pieces {
            file: &self.files[k],
            ranges: ranges.into_iter(),
            left: 0,
        };
        (self.ends[k], pieces)
    }
}

/// Reads byte ranges of a file one after another.
struct Pieces<'a> {
    file: &'a File,
    ranges: std::vec::IntoIter<(u64, u64)>,
    left: u64,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.left == 0 {
            let Some((start, len)) = self.ranges.next() else {
                return Ok(0);
            };
            self.file.seek(SeekFrom::Start(start))?;
            self.left = len;
        }
        let want = self.left.min(buf.len() as u64) as usize;
        let n = self.file.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bagit::write::{PayloadFile, payload_manifest, write_bag};

    /// Trees whose names sort differently by path and by components (`A-1/` before `A/` in a
    /// manifest, after it in a walk; `v10` between `v1` and `v2`), files named likewise.
    #[test]
    fn the_tar_holds_what_write_bag_writes_in_walk_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut trees = Vec::new();
        let mut payload = Vec::new();
        for name in ["A/v1", "A/v10", "A/v2", "A-1/v1", "A b/v1"] {
            let root = dir.path().join("archive").join(name);
            for (i, rel) in ["f/x.txt", "f-y.txt", "f.txt", "g/h/z.bin"]
                .iter()
                .enumerate()
            {
                let bytes = format!("{name} {i}").into_bytes();
                let path = root.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &bytes).unwrap();
                payload.push(PayloadFile {
                    path: format!("{name}/{rel}"),
                    bytes,
                });
            }
            trees.push(Tree {
                name: name.into(),
                dir: root,
            });
        }
        let info: BagInfo = vec![("Bagging-Date".into(), "2026-11-24".into())];
        let oxum = payload_size(&trees).unwrap();
        let tar = write_tar(Vec::new(), "outer", &trees, &info, oxum, 86400, dir.path()).unwrap();

        let unpacked = dir.path().join("unpacked");
        std::fs::create_dir(&unpacked).unwrap();
        let mut order = Vec::new();
        let mut archive = tar::Archive::new(tar.as_slice());
        for e in archive.entries().unwrap() {
            let mut e = e.unwrap();
            assert_eq!(e.header().mtime().unwrap(), 86400);
            order.push(
                e.path()
                    .unwrap()
                    .to_string_lossy()
                    .trim_end_matches('/')
                    .to_string(),
            );
            e.unpack_in(&unpacked).unwrap();
        }
        let walked: Vec<String> = walkdir::WalkDir::new(&unpacked)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = e.path().strip_prefix(&unpacked).unwrap();
                rel.to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(order, walked);

        let expected = dir.path().join("expected");
        write_bag(&expected, &payload, &payload_manifest(&payload), &info).unwrap();
        for name in TAGGED.into_iter().chain(["tagmanifest-sha256.txt"]) {
            assert_eq!(
                std::fs::read_to_string(unpacked.join("outer").join(name)).unwrap(),
                std::fs::read_to_string(expected.join(name)).unwrap(),
                "{name}"
            );
        }
        let r = crate::bagit::verify_bag(&unpacked.join("outer"));
        assert!(r.is_valid() && r.warnings.is_empty(), "{r:?}");
    }
}
