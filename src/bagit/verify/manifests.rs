//! The manifests and `fetch.txt`: parsed, their paths checked and resolved to files.

use std::collections::HashMap;

use super::verifier::Verifier;
use crate::bagit::hash::Alg;
use crate::bagit::paths::{
    fold, form, nfc, out_of_bag, percent_decode_v1, show, squeeze_components,
};
use crate::bagit::tagfile::{
    manifest_name, split_fetch_line, split_lines, split_manifest_line, unescape_gnu,
};
use crate::bagit::walk::{Other, other_ru, read_checked};

pub(super) struct Entry {
    pub(super) line: usize,
    /// The path as written in the manifest (without `*` and `./`), for messages.
    pub(super) shown: String,
    /// The decoded path relative to the bag.
    pub(super) path: String,
    /// Lowercase hexadecimal checksum; `None` when it was malformed (already reported).
    pub(super) sum: Option<String>,
    /// The file on disk it resolved to.
    pub(super) file: Option<usize>,
    /// Path points outside the bag or outside its area: never resolved, already reported.
    pub(super) rejected: bool,
    /// Points at something that is not a regular file (already reported).
    pub(super) not_regular: bool,
}

pub(super) struct Manifest {
    pub(super) name: String,
    pub(super) alg: Alg,
    pub(super) tag: bool,
    pub(super) entries: Vec<Entry>,
}

pub(super) struct Fetch {
    pub(super) line: usize,
    pub(super) url: String,
    pub(super) length: Option<u64>,
    pub(super) shown: String,
    pub(super) path: String,
}

impl Verifier<'_> {
    /// Every `manifest-ALG.txt` and `tagmanifest-ALG.txt` at the top of the bag, parsed and
    /// resolved to files. Also returns the payload manifests of unsupported algorithms.
    pub(super) fn load_manifests(&mut self) -> (Vec<Manifest>, Vec<String>) {
        let tree = self.tree;
        let mut found: Vec<(String, usize, bool, String)> = Vec::new();
        for (i, f) in tree.files.iter().enumerate() {
            let Ok(name) = std::str::from_utf8(&f.rel) else {
                continue;
            };
            if let Some((tag, alg)) = manifest_name(name) {
                found.push((name.to_string(), i, tag, alg.to_string()));
            }
        }
        for (rel, k) in &tree.other {
            if let Some(name) = std::str::from_utf8(rel)
                .ok()
                .filter(|n| manifest_name(n).is_some())
            {
                self.err(format!(
                    "{name}: {}, а не обычный файл; манифест не проверяется",
                    other_ru(*k)
                ));
            }
        }
        found.sort();
        let mut out = Vec::new();
        let mut unsupported = Vec::new();
        for (name, idx, tag, label) in found {
            let alg = Alg::from_name(&label).or_else(|| {
                let a = Alg::from_name(&label.to_ascii_lowercase())?;
                self.warn(format!(
                    "{name}: название алгоритма должно быть строчными буквами"
                ));
                Some(a)
            });
            match alg {
                Some(alg) => out.push(self.load_manifest(idx, &name, alg, tag)),
                None => {
                    self.warn(format!(
                        "{name}: алгоритм «{}» не поддерживается (поддерживаются md5, sha1, sha224, sha256, sha384, sha512); этот манифест не проверяется",
                        show(&label)
                    ));
                    if !tag {
                        unsupported.push(name);
                    }
                }
            }
        }
        (out, unsupported)
    }

    fn load_manifest(&mut self, idx: usize, name: &str, alg: Alg, tag: bool) -> Manifest {
        let tree = self.tree;
        let v1 = self.v1();
        let mut m = Manifest {
            name: name.to_string(),
            alg,
            tag,
            entries: Vec::new(),
        };
        let bytes = match read_checked(&tree.files[idx], None) {
            Ok(b) => b,
            Err(e) => {
                self.err(format!("{name}: не удалось прочитать: {e}"));
                return m;
            }
        };
        let text = self.decode(&bytes, name);
        let decode = |s: &str| {
            if v1 {
                percent_decode_v1(s)
            } else {
                s.to_string()
            }
        };
        let mut by_path: HashMap<String, usize> = HashMap::new();
        let mut by_nfc: HashMap<String, usize> = HashMap::new();
        let mut by_fold: HashMap<String, usize> = HashMap::new();
        let (mut star, mut dot, mut squeezed, mut gnu) = (0usize, 0usize, 0usize, 0usize);
        for (i, line) in split_lines(&text).into_iter().enumerate() {
            let n = i + 1;
            let (cs, raw) = match split_manifest_line(line) {
                None => continue,
                Some(Err(())) => {
                    self.err(format!(
                        "{name}, строка {n}: нет пути к файлу после контрольной суммы: «{}»",
                        show(line.trim())
                    ));
                    continue;
                }
                Some(Ok(x)) => x,
            };
            // GNU md5sum/sha256sum write `\HASH  PATH` when PATH has a backslash or a newline,
            // escaping those as `\\` and `\n`. A checksum never starts with a backslash.
            let (cs, unescaped) = match cs.strip_prefix('\\') {
                Some(rest) => {
                    gnu += 1;
                    (rest, Some(unescape_gnu(raw)))
                }
                None => (cs, None),
            };
            let mut raw: &str = unescaped.as_deref().unwrap_or(raw);
            // `HASH *PATH`: md5sum/sha256sum binary mode, unless a file really is named `*…`.
            if let Some(rest) = raw.strip_prefix('*')
                && !tree.by_bytes.contains_key(decode(raw).as_bytes())
            {
                raw = rest;
                star += 1;
            }
            if raw.starts_with("./") {
                while let Some(rest) = raw.strip_prefix("./") {
                    raw = rest;
                }
                dot += 1;
            }
            let shown = show(raw);
            let cs = cs.to_ascii_lowercase();
            let sum = if cs.len() == alg.hex_len() && cs.bytes().all(|b| b.is_ascii_hexdigit()) {
                Some(cs)
            } else {
                self.err(format!(
                    "{name}, строка {n}: «{}» — не контрольная сумма {} (нужно {} шестнадцатеричных знаков) для файла {shown}",
                    show(&cs),
                    alg.name(),
                    alg.hex_len()
                ));
                None
            };
            let mut e = Entry {
                line: n,
                shown,
                path: decode(raw),
                sum,
                file: None,
                rejected: false,
                not_regular: false,
            };
            if let Some(why) = out_of_bag(&e.path) {
                self.err(format!(
                    "{name}, строка {n}: путь {} указывает за пределы пакета ({why}); такой файл не открывается",
                    e.shown
                ));
                e.rejected = true;
                m.entries.push(e);
                continue;
            }
            if let Some(p) = squeeze_components(&e.path) {
                squeezed += 1;
                e.path = p;
            }
            if !tag && !e.path.starts_with("data/") {
                self.err(format!(
                    "{name}, строка {n}: путь {} вне каталога data/ — манифест полезной нагрузки перечисляет только файлы из data/",
                    e.shown
                ));
                e.rejected = true;
                m.entries.push(e);
                continue;
            }
            if tag && e.path == name {
                self.warn(format!("{name}, строка {n}: манифест тегов указывает сам себя; эта строка не проверяется"));
                e.rejected = true;
                m.entries.push(e);
                continue;
            }
            if tag && e.path.starts_with("data/") {
                self.warn(format!(
                    "{name}, строка {n}: манифест тегов перечисляет файл полезной нагрузки {}",
                    e.shown
                ));
            }
            if let Some(&j) = by_path.get(&e.path) {
                let first = &m.entries[j];
                let base = format!(
                    "{name}: файл {} указан дважды (строки {} и {n})",
                    e.shown, first.line
                );
                if first.sum.is_none() || first.sum != e.sum {
                    self.err(format!("{base} с разными контрольными суммами"));
                } else if v1 {
                    self.err(format!(
                        "{base}; в BagIt 1.0 каждый файл указывается в манифесте один раз"
                    ));
                } else {
                    self.warn(format!("{base} с одинаковой контрольной суммой"));
                }
                continue;
            }
            let key_nfc = nfc(&e.path);
            let key_fold = fold(&e.path);
            if let Some(&j) = by_nfc.get(&key_nfc) {
                let first = &m.entries[j];
                self.warn(format!(
                    "{name}: пути {} ({}, строка {}) и {} ({}, строка {n}) различаются только нормализацией Unicode; в macOS это один и тот же файл",
                    first.shown,
                    form(&first.path),
                    first.line,
                    e.shown,
                    form(&e.path)
                ));
            } else if let Some(&j) = by_fold.get(&key_fold) {
                let first = &m.entries[j];
                self.warn(format!(
                    "{name}: пути {} (строка {}) и {} (строка {n}) различаются только регистром букв; в Windows и macOS это один и тот же файл",
                    first.shown, first.line, e.shown
                ));
            }
            let here = m.entries.len();
            by_path.insert(e.path.clone(), here);
            by_nfc.entry(key_nfc).or_insert(here);
            by_fold.entry(key_fold).or_insert(here);
            match self.resolve(&e.path) {
                Ok((fi, normalized)) => {
                    if normalized {
                        let disk = &tree.files[fi];
                        let disk_form = std::str::from_utf8(&disk.rel).map(form).unwrap_or("?");
                        self.warn(format!(
                            "{name}, строка {n}: путь {} записан в нормализации Unicode {}, а имя файла на диске {} — в {disk_form}; файл сопоставлен по имени в NFC",
                            e.shown,
                            form(&e.path),
                            disk.shown
                        ));
                    }
                    e.file = Some(fi);
                }
                Err(Some(k)) => {
                    // Symbolic links and special files in data/ are already reported.
                    if k == Other::Dir || !e.path.starts_with("data/") {
                        self.err(format!(
                            "{name}, строка {n}: {} — {}, а не обычный файл",
                            e.shown,
                            other_ru(k)
                        ));
                    }
                    e.not_regular = true;
                }
                Err(None) => {}
            }
            m.entries.push(e);
        }
        if star > 0 {
            self.warn(format!(
                "{name}: перед путями стоит «*» (двоичный режим md5sum/sha256sum; строк: {star}) — манифест сделан не инструментом BagIt; «*» отброшена"
            ));
        }
        if gnu > 0 {
            self.warn(format!(
                "{name}: строки в формате GNU md5sum/sha256sum с экранированием «\\» (строк: {gnu}) — манифест сделан не инструментом BagIt"
            ));
        }
        if dot > 0 {
            self.warn(format!("{name}: пути начинаются с «./» (строк: {dot}); по спецификации BagIt пути пишутся без него"));
        }
        if squeezed > 0 {
            self.warn(format!(
                "{name}: в путях есть пустые компоненты или «.» (строк: {squeezed})"
            ));
        }
        m
    }

    /// fetch.txt: listed, never fetched.
    pub(super) fn load_fetch(&mut self) -> Vec<Fetch> {
        let mut out = Vec::new();
        let Some(text) = self.read_tag_file("fetch.txt") else {
            return out;
        };
        let v1 = self.v1();
        for (i, line) in split_lines(&text).into_iter().enumerate() {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let Some((url, len, raw)) = split_fetch_line(line) else {
                self.err(format!(
                    "fetch.txt, строка {n}: неверный формат (ожидается «URL ДЛИНА ПУТЬ»): «{}»",
                    show(line.trim())
                ));
                continue;
            };
            let length = match len {
                "-" => None,
                l => {
                    match l.parse::<u64>() {
                        Ok(v) => Some(v),
                        Err(_) => {
                            self.err(format!("fetch.txt, строка {n}: неверная длина «{}» (ожидается число или «-»)", show(l)));
                            None
                        }
                    }
                }
            };
            let mut raw = raw;
            while let Some(rest) = raw.strip_prefix("./") {
                raw = rest;
            }
            let shown = show(raw);
            let path = if v1 {
                percent_decode_v1(raw)
            } else {
                raw.to_string()
            };
            if let Some(why) = out_of_bag(&path) {
                self.err(format!(
                    "fetch.txt, строка {n}: путь {shown} указывает за пределы пакета ({why}); okno ничего не загружает, но такой пакет недопустим"
                ));
                continue;
            }
            let path = squeeze_components(&path).unwrap_or(path);
            if !path.starts_with("data/") {
                self.err(format!(
                    "fetch.txt, строка {n}: путь {shown} вне каталога data/ — fetch.txt перечисляет только файлы полезной нагрузки"
                ));
                continue;
            }
            out.push(Fetch {
                line: n,
                url: show(url),
                length,
                shown,
                path,
            });
        }
        out
    }
}
