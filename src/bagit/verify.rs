//! Full fixity check of a BagIt bag: RFC 8493 (BagIt 1.0) and the 0.93–0.97 drafts.
//!
//! Whatever the bag, the verifier only opens regular files it found by walking the bag
//! directory without following symbolic links, so a manifest or `fetch.txt` can never make it
//! read anything outside the bag. Nothing is ever downloaded: `fetch.txt` is only listed.
//!
//! Messages are in Russian for the archivists; each names the file concerned by its path
//! inside the bag, as written in the manifest (never an absolute path of this machine).
//!
//! Rules that differ by version (decided against the Library of Congress conformance suite):
//! * 1.0: paths in manifests and `fetch.txt` are percent-decoded (`%0A`, `%0D`, `%25` only);
//!   earlier versions take them literally (v0.97 `bag-with-encoded-names` has a file really
//!   named `%7Etest1.txt`).
//! * 1.0: the same path listed twice in one manifest is an error even with the same checksum;
//!   earlier versions only warn.
//! * 1.0: whitespace between a label and its colon in `bagit.txt` is an error; earlier versions
//!   warn (and accept it silently in `bag-info.txt`, where 1.0 gets a warning).
//! * 1.0: every payload file must be listed in every payload manifest; earlier versions need
//!   at least one and warn about the others.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::hash::{Alg, HashResult, hash_all};
use super::paths::{fold, is_system_file, show, show_bytes};
use super::report::Report;
use super::tagfile::{TagProblem, parse_oxum, parse_tags};
use super::walk::{Other, io_ru, read_checked, walk};

mod declaration;
mod docx;
mod manifests;
mod verifier;

use declaration::read_declaration;
use manifests::{Entry, Fetch, Manifest};
use verifier::Verifier;

/// Checks a bag: see the module documentation. Never panics on any input; every problem
/// becomes a message naming the file (as a path inside the bag).
pub fn verify_bag(bag: &Path) -> Report {
    let mut r = Report::default();
    match std::fs::metadata(bag) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            r.errors
                .push("пакет BagIt должен быть каталогом, а указан файл".into());
            return r;
        }
        Err(e) => {
            r.errors
                .push(format!("каталог пакета не открывается: {}", io_ru(&e)));
            return r;
        }
    }
    let tree = walk(bag, &mut r);
    let Some((version, enc, enc_label)) = read_declaration(&tree, &mut r) else {
        return r;
    };
    Verifier {
        tree: &tree,
        version,
        enc,
        enc_label,
        r,
        oxum: Vec::new(),
        sys_missing: BTreeSet::new(),
        ours: false,
    }
    .run()
}

impl Verifier<'_> {
    fn run(mut self) -> Report {
        self.check_layout();
        self.check_bag_info();
        let (manifests, unsupported) = self.load_manifests();
        let fetch = self.load_fetch();
        self.check_coverage(&manifests, &fetch, &unsupported);
        self.check_checksums(&manifests);
        self.check_oxum();
        self.check_docx();
        self.r
    }

    /// A bag okno wrote (its bag-info names okno's version) holds forms that must open: each
    /// DOCX of the payload has well-formed XML parts.
    fn check_docx(&mut self) {
        if !self.ours {
            return;
        }
        let tree = self.tree;
        for f in tree.files.iter().filter(|f| f.payload) {
            if !f.rel.to_ascii_lowercase().ends_with(b".docx") {
                continue;
            }
            let problems = match read_checked(f, Some(docx::MAX_FILE)) {
                Ok(bytes) if bytes.len() as u64 > docx::MAX_FILE => continue,
                Ok(bytes) => docx::problems(&bytes),
                // A file that cannot be read is already reported by the checksums.
                Err(_) => continue,
            };
            for p in problems {
                self.err(format!("форма {}: {p}", f.shown));
            }
        }
    }

    /// `data/`, symbolic links, special files, system files.
    fn check_layout(&mut self) {
        let tree = self.tree;
        match tree.other.get(&b"data"[..]) {
            Some(Other::Dir) => {}
            Some(Other::Symlink) => self.err(
                "data — символическая ссылка, а не каталог полезной нагрузки; okno не переходит по ссылкам".into(),
            ),
            _ if tree.by_bytes.contains_key(&b"data"[..]) => {
                self.err("data — файл, а должен быть каталог полезной нагрузки".into())
            }
            _ => self.err("нет каталога полезной нагрузки data/".into()),
        }
        for (rel, kind) in &tree.other {
            let shown = show_bytes(rel);
            let payload = rel.starts_with(b"data/");
            match kind {
                Other::Dir => {}
                Other::Symlink if payload => self.err(format!(
                    "символическая ссылка {shown} в полезной нагрузке: ссылки в пакете недопустимы, okno по ним не переходит"
                )),
                Other::Special if payload => self.err(format!(
                    "{shown} в полезной нагрузке не является обычным файлом (устройство, канал или сокет)"
                )),
                Other::Symlink if rel.as_slice() == b"data" => {}
                Other::Symlink => self.warn(format!(
                    "символическая ссылка {shown} вне data/: okno по ней не переходит и её не проверяет"
                )),
                Other::Special => self.warn(format!("{shown} не является обычным файлом и не проверяется")),
            }
        }
        for f in tree.files.iter().filter(|f| f.system) {
            self.warn(format!(
                "служебный файл операционной системы в полезной нагрузке: {}",
                f.shown
            ));
        }
    }

    /// bag-info.txt (optional): its syntax; Payload-Oxum is compared in `check_oxum`.
    fn check_bag_info(&mut self) {
        let name = self.bag_info_name();
        let Some(text) = self.read_tag_file(name) else {
            return;
        };
        let (tags, problems) = parse_tags(&text);
        for p in problems {
            match p {
                TagProblem::NoColon(n, l) => self.err(format!(
                    "{name}, строка {n}: нет двоеточия между меткой и значением: «{}»",
                    show(&l)
                )),
                TagProblem::EmptyLabel(n) => self.err(format!("{name}, строка {n}: пустая метка")),
                TagProblem::OrphanContinuation(n) => self.err(format!(
                    "{name}, строка {n}: строка продолжения (с отступом) без предшествующей метки"
                )),
                TagProblem::BlankLine(n) => self.warn(format!("{name}, строка {n}: пустая строка")),
            }
        }
        if self.v1() {
            for t in tags.iter().filter(|t| t.spaced_label) {
                self.warn(format!(
                    "{name}, строка {}: пробелы вокруг метки «{}» (в BagIt 1.0 метка стоит вплотную к двоеточию)",
                    t.line,
                    show(&t.label)
                ));
            }
        }
        let oxum: Vec<String> = tags
            .iter()
            .filter(|t| t.label.eq_ignore_ascii_case("Payload-Oxum"))
            .map(|t| t.value.clone())
            .collect();
        if oxum.len() > 1 {
            self.warn(format!(
                "{name}: Payload-Oxum указан несколько раз ({})",
                oxum.len()
            ));
        }
        self.oxum = oxum;
        self.ours = tags.iter().any(|t| t.label == "Okno-Version");
    }

    /// Missing files, extra files, files not in every manifest, fetch.txt entries.
    fn check_coverage(&mut self, manifests: &[Manifest], fetch: &[Fetch], unsupported: &[String]) {
        let tree = self.tree;
        let v1 = self.v1();
        let payload: Vec<&Manifest> = manifests.iter().filter(|m| !m.tag).collect();
        if payload.is_empty() {
            if unsupported.is_empty() {
                self.err(
                    "нет ни одного манифеста полезной нагрузки (manifest-АЛГОРИТМ.txt)".into(),
                );
            } else {
                self.err(format!(
                    "нет манифеста полезной нагрузки с поддерживаемым алгоритмом: {} не проверяется",
                    unsupported.join(", ")
                ));
            }
        }
        let fetch_by_path: HashMap<&str, &Fetch> =
            fetch.iter().map(|f| (f.path.as_str(), f)).collect();

        // Listed but absent.
        let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut tag_missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut fetch_missing: BTreeMap<String, String> = BTreeMap::new();
        for m in manifests {
            let mut present_by_fold: HashMap<String, Vec<&Entry>> = HashMap::new();
            for e in m.entries.iter().filter(|e| e.file.is_some()) {
                present_by_fold.entry(fold(&e.path)).or_default().push(e);
            }
            for e in &m.entries {
                if e.rejected || e.not_regular || e.file.is_some() {
                    continue;
                }
                if m.tag {
                    tag_missing
                        .entry(e.shown.clone())
                        .or_default()
                        .push(m.name.clone());
                    continue;
                }
                if let Some(f) = fetch_by_path.get(e.path.as_str()) {
                    fetch_missing.insert(e.shown.clone(), f.url.clone());
                    continue;
                }
                let twin = present_by_fold
                    .get(&fold(&e.path))
                    .and_then(|v| v.iter().find(|o| o.sum.is_some() && o.sum == e.sum));
                if let Some(twin) = twin {
                    self.warn(format!(
                        "{}: файла {} нет, но есть {} с той же контрольной суммой; имена различаются только регистром букв — видимо, пакет копировался через файловую систему, не различающую регистр",
                        m.name, e.shown, twin.shown
                    ));
                    continue;
                }
                if is_system_file(&e.path) {
                    if self.sys_missing.insert(e.path.clone()) {
                        self.warn(format!(
                            "служебный файл {} указан в {}, но отсутствует (такие файлы часто теряются при копировании)",
                            e.shown, m.name
                        ));
                    }
                    continue;
                }
                missing
                    .entry(e.shown.clone())
                    .or_default()
                    .push(m.name.clone());
            }
        }
        for (p, ms) in missing {
            self.err(format!(
                "файл {p} указан в {}, но отсутствует",
                ms.join(", ")
            ));
        }
        for (p, ms) in tag_missing {
            self.err(format!(
                "файл тегов {p} указан в {}, но отсутствует",
                ms.join(", ")
            ));
        }
        for (p, url) in fetch_missing {
            self.err(format!(
                "файл {p} должен быть загружен по fetch.txt с {url}, но в пакете отсутствует: пакет неполон (okno ничего не загружает)"
            ));
        }

        // Present but not listed (in every manifest).
        if !payload.is_empty() {
            let mut listed: Vec<Vec<usize>> = vec![Vec::new(); tree.files.len()];
            for (mi, m) in payload.iter().enumerate() {
                for fi in m.entries.iter().filter_map(|e| e.file) {
                    if !listed[fi].contains(&mi) {
                        listed[fi].push(mi);
                    }
                }
            }
            let names: Vec<&str> = payload.iter().map(|m| m.name.as_str()).collect();
            for (fi, f) in tree.files.iter().enumerate().filter(|(_, f)| f.payload) {
                let l = &listed[fi];
                if l.is_empty() {
                    if f.system {
                        self.warn(format!(
                            "служебный файл {} не указан в манифесте и не проверяется",
                            f.shown
                        ));
                    } else if names.len() == 1 {
                        self.err(format!(
                            "лишний файл {}: его нет в манифесте {}",
                            f.shown, names[0]
                        ));
                    } else {
                        self.err(format!(
                            "лишний файл {}: его нет ни в одном манифесте ({})",
                            f.shown,
                            names.join(", ")
                        ));
                    }
                } else if l.len() < names.len() {
                    let absent: Vec<&str> = names
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !l.contains(i))
                        .map(|(_, n)| *n)
                        .collect();
                    let m = format!(
                        "файл {} не указан в манифесте {}",
                        f.shown,
                        absent.join(", ")
                    );
                    if v1 {
                        self.err(format!("{m}: в BagIt 1.0 каждый файл полезной нагрузки указывается в каждом манифесте"));
                    } else {
                        self.warn(m);
                    }
                }
            }
        }

        // fetch.txt: every entry listed in the manifests; nothing is downloaded.
        let paths: Vec<HashSet<&str>> = payload
            .iter()
            .map(|m| m.entries.iter().map(|e| e.path.as_str()).collect())
            .collect();
        for f in fetch {
            let count = paths.iter().filter(|s| s.contains(f.path.as_str())).count();
            if count == 0 {
                self.err(format!(
                    "fetch.txt, строка {}: файл {} не указан ни в одном манифесте полезной нагрузки",
                    f.line, f.shown
                ));
            } else if count < paths.len() {
                let m = format!(
                    "fetch.txt, строка {}: файл {} указан не во всех манифестах полезной нагрузки",
                    f.line, f.shown
                );
                if v1 {
                    self.err(m);
                } else {
                    self.warn(m);
                }
            }
            if let Ok((fi, _)) = self.resolve(&f.path) {
                let size = tree.files[fi].size;
                self.warn(format!(
                    "fetch.txt: файл {} указан для загрузки с {}; okno ничего не загружает — файл уже в пакете и проверяется по манифесту",
                    f.shown, f.url
                ));
                if let Some(l) = f.length.filter(|&l| l != size) {
                    self.warn(format!(
                        "fetch.txt, строка {}: для {} указан размер {l} байт, фактически {size}",
                        f.line, f.shown
                    ));
                }
            }
        }
    }

    /// Hashes every listed file once (all its algorithms in one pass, all cores) and compares.
    fn check_checksums(&mut self, manifests: &[Manifest]) {
        let tree = self.tree;
        let mut want: BTreeMap<usize, BTreeSet<Alg>> = BTreeMap::new();
        for m in manifests {
            for e in &m.entries {
                if let (Some(fi), Some(_)) = (e.file, &e.sum) {
                    want.entry(fi).or_default().insert(m.alg);
                }
            }
        }
        let mut jobs: Vec<(usize, Vec<Alg>)> = want
            .into_iter()
            .map(|(f, a)| (f, a.into_iter().collect()))
            .collect();
        // Largest first, so that one big file does not finish alone at the end.
        jobs.sort_by(|a, b| {
            tree.files[b.0]
                .size
                .cmp(&tree.files[a.0].size)
                .then(a.0.cmp(&b.0))
        });
        let results = hash_all(&tree.files, &jobs);
        let by_file: BTreeMap<usize, &HashResult> =
            jobs.iter().map(|(f, _)| *f).zip(results.iter()).collect();
        for (&fi, res) in &by_file {
            if let Err(e) = res {
                let what = if tree.files[fi].payload {
                    "файл"
                } else {
                    "файл тегов"
                };
                self.err(format!(
                    "{what} {} не удалось прочитать: {e}",
                    tree.files[fi].shown
                ));
            }
        }
        for m in manifests {
            for e in &m.entries {
                let (Some(fi), Some(expected)) = (e.file, &e.sum) else {
                    continue;
                };
                let Some(Ok(sums)) = by_file.get(&fi) else {
                    continue;
                };
                let Some((_, actual)) = sums.iter().find(|(a, _)| *a == m.alg) else {
                    continue;
                };
                if actual != expected {
                    let alg = m.alg.name();
                    if m.tag {
                        self.err(format!(
                            "файл тегов {} изменён: {alg} в манифесте тегов {} {expected}, фактически {actual}",
                            e.shown, m.name
                        ));
                    } else {
                        self.err(format!(
                            "файл {} изменён: {alg} в манифесте {expected}, фактически {actual}",
                            e.shown
                        ));
                    }
                }
            }
        }
    }

    /// Payload-Oxum of bag-info.txt against the files in data/.
    fn check_oxum(&mut self) {
        let name = self.bag_info_name();
        let tree = self.tree;
        let (mut all_o, mut all_n, mut core_o, mut core_n, mut sys_o, mut sys_n) =
            (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
        for f in tree.files.iter().filter(|f| f.payload) {
            all_o += f.size;
            all_n += 1;
            if f.system {
                sys_o += f.size;
                sys_n += 1;
            } else {
                core_o += f.size;
                core_n += 1;
            }
        }
        let sys_missing = self.sys_missing.len() as u64;
        for v in std::mem::take(&mut self.oxum) {
            match parse_oxum(&v) {
                None => self.err(format!(
                    "{name}: Payload-Oxum «{}» имеет неверный формат (ожидается «октеты.файлы», например 1024.3)",
                    show(&v)
                )),
                Some((o, n)) if (o, n) == (all_o, all_n) => {}
                Some((o, n)) => {
                    // Finder and Explorer add and drop .DS_Store and Thumbs.db on their own.
                    let explained = sys_n + sys_missing > 0
                        && n >= core_n
                        && n <= core_n + sys_n + sys_missing
                        && o >= core_o
                        && (sys_missing > 0 || o <= core_o + sys_o);
                    let m = format!("{name}: Payload-Oxum {o}.{n}, фактически {all_o}.{all_n}");
                    if explained {
                        self.warn(format!("{m}; расхождение объясняется служебными файлами (.DS_Store, Thumbs.db и т. п.)"));
                    } else {
                        self.err(m);
                    }
                }
            }
        }
    }
}
