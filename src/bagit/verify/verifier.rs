//! The state of one bag's verification and what every check shares: the bag's tree, its
//! declared version and encoding, reading and resolving its files, and the report.

use std::collections::BTreeSet;

use encoding_rs::{Encoding, UTF_8};

use crate::bagit::paths::{nfc, show};
use crate::bagit::report::Report;
use crate::bagit::tagfile::decode_tag_file;
use crate::bagit::walk::{Other, Tree, other_ru, read_checked};

/// One bag under verification: what the checks read, and the report they write.
pub(super) struct Verifier<'a> {
    pub(super) tree: &'a Tree,
    pub(super) version: (u32, u32),
    pub(super) enc: &'static Encoding,
    pub(super) enc_label: String,
    pub(super) r: Report,
    /// Payload-Oxum values of bag-info.txt.
    pub(super) oxum: Vec<String>,
    /// System files (.DS_Store…) listed in a payload manifest but absent.
    pub(super) sys_missing: BTreeSet<String>,
    /// Whether okno wrote the bag (`Okno-Version` in bag-info.txt): its forms are checked.
    pub(super) ours: bool,
}

impl Verifier<'_> {
    pub(super) fn v1(&self) -> bool {
        self.version.0 >= 1
    }

    pub(super) fn err(&mut self, m: String) {
        self.r.errors.push(m);
    }

    pub(super) fn warn(&mut self, m: String) {
        self.r.warnings.push(m);
    }

    /// Decodes a tag file with the declared encoding; undecodable bytes are an error.
    pub(super) fn decode(&mut self, bytes: &[u8], name: &str) -> String {
        let (text, bad) = decode_tag_file(bytes, self.enc);
        if bad {
            self.err(format!(
                "{name}: содержимое не соответствует объявленной в bagit.txt кодировке {} (недопустимые байты)",
                show(&self.enc_label)
            ));
        }
        text
    }

    /// A tag file at the top of the bag, read and decoded; `None` if there is none.
    pub(super) fn read_tag_file(&mut self, name: &str) -> Option<String> {
        let tree = self.tree;
        let idx = match tree.by_bytes.get(name.as_bytes()) {
            Some(&i) => i,
            None => {
                if let Some(k) = tree.other.get(name.as_bytes()) {
                    self.err(format!(
                        "{name}: {}, а не обычный файл; не проверяется",
                        other_ru(*k)
                    ));
                }
                return None;
            }
        };
        match read_checked(&tree.files[idx], None) {
            Ok(b) => Some(self.decode(&b, name)),
            Err(e) => {
                self.err(format!("{name}: не удалось прочитать: {e}"));
                None
            }
        }
    }

    /// Finds the file a path from a manifest names: by its bytes, then by its Unicode
    /// normalization (macOS writes NFD), then by its bytes in the declared tag encoding
    /// (old bags with ISO-8859-1 file names). `Ok((file, found by normalization))`.
    pub(super) fn resolve(&self, path: &str) -> Result<(usize, bool), Option<Other>> {
        let tree = self.tree;
        if let Some(&i) = tree.by_bytes.get(path.as_bytes()) {
            return Ok((i, false));
        }
        if let Some(&k) = tree.other.get(path.as_bytes()) {
            return Err(Some(k));
        }
        if !path.is_ascii()
            && let Some(&i) = tree.by_nfc.get(&nfc(path)).and_then(|c| c.first())
        {
            return Ok((i, true));
        }
        if self.enc != UTF_8 && self.enc.output_encoding() == self.enc {
            let (bytes, _, unmappable) = self.enc.encode(path);
            if !unmappable
                && bytes.as_ref() != path.as_bytes()
                && let Some(&i) = tree.by_bytes.get(bytes.as_ref())
            {
                return Ok((i, false));
            }
        }
        Err(None)
    }

    pub(super) fn bag_info_name(&self) -> &'static str {
        let tree = self.tree;
        if self.version < (0, 96)
            && !tree.by_bytes.contains_key(&b"bag-info.txt"[..])
            && tree.by_bytes.contains_key(&b"package-info.txt"[..])
        {
            "package-info.txt"
        } else {
            "bag-info.txt"
        }
    }
}
