//! Checksums: the algorithms of BagIt manifests, every file hashed with all the algorithms it
//! needs in one read, the files on all cores (`pool::map`).

use std::io::{self, Read};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::walk::{DiskFile, Unread, open_checked};

/// Size of the read buffer of each hashing worker.
pub(super) const READ_BUF: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Alg {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    pub(super) fn from_name(name: &str) -> Option<Alg> {
        Some(match name {
            "md5" => Alg::Md5,
            "sha1" => Alg::Sha1,
            "sha224" => Alg::Sha224,
            "sha256" => Alg::Sha256,
            "sha384" => Alg::Sha384,
            "sha512" => Alg::Sha512,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Alg::Md5 => "md5",
            Alg::Sha1 => "sha1",
            Alg::Sha224 => "sha224",
            Alg::Sha256 => "sha256",
            Alg::Sha384 => "sha384",
            Alg::Sha512 => "sha512",
        }
    }

    /// Length of the checksum in hexadecimal digits.
    pub(super) fn hex_len(self) -> usize {
        match self {
            Alg::Md5 => 32,
            Alg::Sha1 => 40,
            Alg::Sha224 => 56,
            Alg::Sha256 => 64,
            Alg::Sha384 => 96,
            Alg::Sha512 => 128,
        }
    }
}

enum Hasher {
    Md5(Md5),
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    fn new(alg: Alg) -> Hasher {
        match alg {
            Alg::Md5 => Hasher::Md5(Md5::new()),
            Alg::Sha1 => Hasher::Sha1(Sha1::new()),
            Alg::Sha224 => Hasher::Sha224(Sha224::new()),
            Alg::Sha256 => Hasher::Sha256(Sha256::new()),
            Alg::Sha384 => Hasher::Sha384(Sha384::new()),
            Alg::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Md5(h) => hex::encode(h.finalize()),
            Hasher::Sha1(h) => hex::encode(h.finalize()),
            Hasher::Sha224(h) => hex::encode(h.finalize()),
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha384(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
        }
    }
}

/// The checksums of one stream in several algorithms at once.
pub(super) struct Sums(Vec<(Alg, Hasher)>);

impl Sums {
    pub(super) fn new(algs: &[Alg]) -> Sums {
        Sums(algs.iter().map(|&a| (a, Hasher::new(a))).collect())
    }

    pub(super) fn update(&mut self, bytes: &[u8]) {
        for (_, h) in &mut self.0 {
            h.update(bytes);
        }
    }

    /// Each algorithm with its lowercase hexadecimal checksum, in the order given to `new`.
    pub(super) fn finish(self) -> Vec<(Alg, String)> {
        self.0.into_iter().map(|(a, h)| (a, h.finish())).collect()
    }
}

pub(super) type HashResult = Result<Vec<(Alg, String)>, Unread>;

/// One file, all its algorithms in one read pass, `buf` at a time (a file of any size).
fn hash_file(f: &DiskFile, algs: &[Alg], buf: &mut [u8]) -> HashResult {
    let mut file = open_checked(f)?;
    let mut sums = Sums::new(algs);
    loop {
        match file.read(buf) {
            Ok(0) => break,
            Ok(n) => sums.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Unread(e)),
        }
    }
    Ok(sums.finish())
}

/// Hashes every job (a file and the algorithms wanted for it) on the program's worker pool;
/// the results are in the order of `jobs`. Put the largest files first, so that one big file
/// does not finish alone at the end.
pub(super) fn hash_all(files: &[DiskFile], jobs: &[(usize, Vec<Alg>)]) -> Vec<HashResult> {
    thread_local! {
        // One read buffer per worker, not per file: a bag may hold many small files.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    crate::pool::map(jobs, None, |(fi, algs)| {
        BUF.with_borrow_mut(|buf| {
            buf.resize(READ_BUF, 0);
            hash_file(&files[*fi], algs, buf)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_algorithms_hash_correctly() {
        let expect = [
            (Alg::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (Alg::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                Alg::Sha224,
                "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            ),
            (
                Alg::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (alg, hex) in expect {
            let mut h = Hasher::new(alg);
            h.update(b"a");
            h.update(b"bc");
            let got = h.finish();
            assert_eq!(got, hex, "{}", alg.name());
            assert_eq!(got.len(), alg.hex_len());
        }
        for alg in [Alg::Sha384, Alg::Sha512] {
            assert_eq!(Hasher::new(alg).finish().len(), alg.hex_len());
        }
    }
}
