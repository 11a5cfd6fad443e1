//! `okno verify` against the Library of Congress BagIt conformance suite
//! (`tests/data/bagit-conformance/<version>/<category>/<bag>/`, read-only), plus small bags
//! built in temporary directories to check that each kind of damage is found and named.

use std::fs;
use std::path::{Path, PathBuf};

use okno::bagit::{Report, verify_bag};
use sha2::{Digest, Sha256};

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bagit-conformance")
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// `(version/category/bag, path)` of every bag of a category, in every version.
fn bags(category: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for version in sorted_dirs(&suite()) {
        let dir = version.join(category);
        if !dir.is_dir() {
            continue;
        }
        for bag in sorted_dirs(&dir) {
            let v = version.file_name().unwrap().to_string_lossy().into_owned();
            let b = bag.file_name().unwrap().to_string_lossy().into_owned();
            out.push((format!("{v}/{category}/{b}"), bag));
        }
    }
    out
}

fn describe(r: &Report) -> String {
    format!("ошибки: {:?}; предупреждения: {:?}", r.errors, r.warnings)
}

/// Verifies every bag of a category; fails naming each bag whose answer is wrong.
fn check_category(category: &str, expected: &str, ok: impl Fn(&Report) -> bool) {
    let bags = bags(category);
    assert!(
        !bags.is_empty(),
        "no bags in category {category} under {}",
        suite().display()
    );
    let mut wrong = Vec::new();
    for (name, path) in &bags {
        let r = verify_bag(path);
        println!("{name}: {}", if r.is_valid() { "valid" } else { "INVALID" });
        for e in &r.errors {
            println!("    error: {e}");
        }
        for w in &r.warnings {
            println!("    warning: {w}");
        }
        if !ok(&r) {
            wrong.push(format!("  {name} — {}", describe(&r)));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} bags in category «{category}» did not give the expected answer ({expected}):\n{}",
        wrong.len(),
        bags.len(),
        wrong.join("\n")
    );
}

#[test]
fn suite_has_only_known_categories() {
    let known = ["valid", "invalid", "warning", "linux-only", "windows-only"];
    let mut unknown = Vec::new();
    for version in sorted_dirs(&suite()) {
        for cat in sorted_dirs(&version) {
            let name = cat.file_name().unwrap().to_string_lossy().into_owned();
            if !known.contains(&name.as_str()) {
                unknown.push(cat.display().to_string());
            }
        }
    }
    assert!(unknown.is_empty(), "unknown categories: {unknown:?}");
}

#[test]
fn valid_bags_are_valid() {
    check_category("valid", "valid", |r| r.is_valid());
}

#[test]
fn invalid_bags_are_rejected() {
    check_category("invalid", "invalid", |r| !r.is_valid());
}

#[test]
fn linux_only_bags_are_rejected() {
    check_category("linux-only", "invalid on Linux", |r| !r.is_valid());
}

#[test]
fn warning_bags_are_accepted_with_a_warning() {
    check_category("warning", "valid with at least one warning", |r| {
        r.is_valid() && !r.warnings.is_empty()
    });
}

/// Not applicable on Linux, so no answer is expected; verifying them must still not panic
/// or touch anything outside the bag.
#[test]
fn windows_only_bags_do_not_crash_the_verifier() {
    for (name, path) in bags("windows-only") {
        let r = verify_bag(&path);
        println!("{name} (skipped, for information): {}", describe(&r));
    }
}

#[test]
fn messages_never_show_absolute_paths_of_this_machine() {
    let root = suite().canonicalize().unwrap();
    let root = root.to_string_lossy();
    for cat in ["valid", "invalid", "warning", "linux-only"] {
        for (name, path) in bags(cat) {
            let r = verify_bag(&path);
            for m in r.errors.iter().chain(&r.warnings) {
                assert!(
                    !m.contains(root.as_ref()) && !m.contains("bagit-conformance"),
                    "{name}: {m}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Small bags built here

fn sha256(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// Writes a BagIt 1.0 bag: payload files, manifest-sha256.txt, bag-info.txt with
/// Payload-Oxum and tagmanifest-sha256.txt.
fn make_bag(dir: &Path, files: &[(&str, &[u8])]) {
    fs::create_dir_all(dir.join("data")).unwrap();
    fs::write(
        dir.join("bagit.txt"),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    )
    .unwrap();
    let mut manifest = String::new();
    let mut octets = 0;
    for (path, bytes) in files {
        let p = dir.join("data").join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        manifest.push_str(&format!("{}  data/{path}\n", sha256(bytes)));
        octets += bytes.len();
    }
    fs::write(dir.join("manifest-sha256.txt"), &manifest).unwrap();
    let info = format!(
        "Source-Organization: Архив Новосибирской области\nBagging-Date: 2024-05-01\nPayload-Oxum: {octets}.{}\n",
        files.len()
    );
    fs::write(dir.join("bag-info.txt"), &info).unwrap();
    write_tagmanifest(dir);
}

fn write_tagmanifest(dir: &Path) {
    let mut tags = String::new();
    for name in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"] {
        tags.push_str(&format!(
            "{}  {name}\n",
            sha256(&fs::read(dir.join(name)).unwrap())
        ));
    }
    fs::write(dir.join("tagmanifest-sha256.txt"), tags).unwrap();
}

fn sample(dir: &Path) {
    make_bag(
        dir,
        &[
            ("a.txt", b"first file\n"),
            ("b.txt", b"second file\n"),
            ("sub/c.bin", &[0u8, 1, 2, 3, 255]),
            ("Дело 1/опись.txt", "опись дела\n".as_bytes()),
        ],
    );
}

/// The bag is invalid, and some error names `path` and contains every one of `words`.
fn assert_error_naming(r: &Report, path: &str, words: &[&str]) {
    assert!(!r.is_valid(), "bag should be invalid; {}", describe(r));
    assert!(
        r.errors
            .iter()
            .any(|e| e.contains(path) && words.iter().all(|w| e.contains(w))),
        "no error names {path} with {words:?}; {}",
        describe(r)
    );
}

fn assert_no_machine_paths(r: &Report, dir: &Path) {
    let d = dir.to_string_lossy();
    for m in r.errors.iter().chain(&r.warnings) {
        assert!(
            !m.contains(d.as_ref()),
            "message shows an absolute path: {m}"
        );
    }
}

#[test]
fn a_fresh_bag_is_valid_without_warnings() {
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    let r = verify_bag(t.path());
    assert!(r.is_valid() && r.warnings.is_empty(), "{}", describe(&r));
}

#[test]
fn one_changed_byte_is_found_and_named() {
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    let p = t.path().join("data/sub/c.bin");
    let mut bytes = fs::read(&p).unwrap();
    bytes[2] ^= 0x01;
    fs::write(&p, &bytes).unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(
        &r,
        "data/sub/c.bin",
        &[
            "изменён",
            "sha256",
            &sha256(&bytes),
            &sha256(&[0, 1, 2, 3, 255]),
        ],
    );
    assert_eq!(r.errors.len(), 1, "only the changed file: {}", describe(&r));
    assert_no_machine_paths(&r, t.path());
}

#[test]
fn an_added_file_is_found_and_named() {
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    fs::write(t.path().join("data/sub/added.txt"), b"not in the manifest").unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(
        &r,
        "data/sub/added.txt",
        &["лишний файл", "manifest-sha256.txt"],
    );
    // Payload-Oxum no longer matches either.
    assert_error_naming(&r, "bag-info.txt", &["Payload-Oxum"]);
    assert_no_machine_paths(&r, t.path());
}

#[test]
fn a_removed_file_is_found_and_named() {
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    fs::remove_file(t.path().join("data/Дело 1/опись.txt")).unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(
        &r,
        "data/Дело 1/опись.txt",
        &["manifest-sha256.txt", "отсутствует"],
    );
    assert_no_machine_paths(&r, t.path());
}

#[test]
fn an_edited_bag_info_is_found_through_the_tag_manifest() {
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    let p = t.path().join("bag-info.txt");
    let text = fs::read_to_string(&p)
        .unwrap()
        .replace("2024-05-01", "2024-05-02");
    fs::write(&p, text).unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(&r, "bag-info.txt", &["изменён", "tagmanifest-sha256.txt"]);
    assert_eq!(r.errors.len(), 1, "{}", describe(&r));
}

#[test]
fn a_wrong_payload_oxum_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    let p = t.path().join("bag-info.txt");
    let text = fs::read_to_string(&p).unwrap();
    let oxum = text
        .lines()
        .find_map(|l| l.strip_prefix("Payload-Oxum: "))
        .unwrap()
        .to_string();
    fs::write(&p, text.replace(&oxum, "1024.3")).unwrap();
    write_tagmanifest(t.path());
    let r = verify_bag(t.path());
    assert_error_naming(
        &r,
        "bag-info.txt",
        &["Payload-Oxum 1024.3", &format!("фактически {oxum}")],
    );
}

#[test]
fn a_missing_tag_file_listed_in_the_tag_manifest_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    fs::remove_file(t.path().join("bag-info.txt")).unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(
        &r,
        "bag-info.txt",
        &["tagmanifest-sha256.txt", "отсутствует"],
    );
}

#[test]
fn many_files_one_damaged_only_that_one_is_named() {
    let t = tempfile::tempdir().unwrap();
    let contents: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| {
            (
                format!("f{i:03}.txt"),
                format!("content {i}\n").repeat(i + 1).into_bytes(),
            )
        })
        .collect();
    let files: Vec<(&str, &[u8])> = contents
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    make_bag(t.path(), &files);
    fs::write(t.path().join("data/f150.txt"), b"damaged").unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(&r, "data/f150.txt", &["изменён"]);
    assert!(
        r.errors
            .iter()
            .all(|e| e.contains("data/f150.txt") || e.contains("Payload-Oxum")),
        "{}",
        describe(&r)
    );
}

#[test]
fn percent_encoded_names_are_decoded_in_1_0() {
    let t = tempfile::tempdir().unwrap();
    make_bag(t.path(), &[("plain.txt", b"x")]);
    let name = "line\nbreak 100%.txt";
    fs::write(t.path().join("data").join(name), b"y").unwrap();
    let mut m = fs::read_to_string(t.path().join("manifest-sha256.txt")).unwrap();
    m.push_str(&format!("{}  data/line%0Abreak 100%25.txt\n", sha256(b"y")));
    fs::write(t.path().join("manifest-sha256.txt"), m).unwrap();
    let info = fs::read_to_string(t.path().join("bag-info.txt"))
        .unwrap()
        .replace("Payload-Oxum: 1.1", "Payload-Oxum: 2.2");
    fs::write(t.path().join("bag-info.txt"), info).unwrap();
    write_tagmanifest(t.path());
    let r = verify_bag(t.path());
    assert!(r.is_valid(), "{}", describe(&r));
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_bag_is_an_error_and_is_not_followed() {
    let t = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), b"outside").unwrap();
    make_bag(t.path(), &[("a.txt", b"a")]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        t.path().join("data/link.txt"),
    )
    .unwrap();
    let mut m = fs::read_to_string(t.path().join("manifest-sha256.txt")).unwrap();
    m.push_str(&format!("{}  data/link.txt\n", sha256(b"outside")));
    fs::write(t.path().join("manifest-sha256.txt"), m).unwrap();
    write_tagmanifest(t.path());
    let r = verify_bag(t.path());
    assert_error_naming(&r, "data/link.txt", &["символическая ссылка"]);
    assert_no_machine_paths(&r, outside.path());
}

#[cfg(unix)]
#[test]
fn a_non_utf8_file_name_is_reported_without_panicking() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    make_bag(t.path(), &[("a.txt", b"a")]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    fs::write(t.path().join("data").join(name), b"latin-1 name").unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(&r, "data/caf\\xE9.txt", &["лишний файл"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_payload_is_an_error_and_does_not_block() {
    let t = tempfile::tempdir().unwrap();
    make_bag(t.path(), &[("a.txt", b"a")]);
    let fifo = t.path().join("data/pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !made {
        eprintln!("mkfifo unavailable; skipped");
        return;
    }
    let r = verify_bag(t.path());
    assert_error_naming(&r, "data/pipe", &["не является обычным файлом"]);
}

#[test]
fn garbage_tag_files_make_an_invalid_bag_not_a_panic() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for victim in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
    ] {
        let t = tempfile::tempdir().unwrap();
        sample(t.path());
        fs::write(t.path().join(victim), &garbage).unwrap();
        let r = verify_bag(t.path());
        assert!(!r.is_valid(), "{victim}: {}", describe(&r));
    }
    let t = tempfile::tempdir().unwrap();
    sample(t.path());
    fs::write(t.path().join("fetch.txt"), &garbage).unwrap();
    assert!(!verify_bag(t.path()).is_valid());
}

#[test]
fn paths_out_of_the_bag_are_rejected_in_a_1_0_bag() {
    for bad in [
        "../outside.txt",
        "/etc/passwd",
        "~/x",
        "~root/x",
        "data/../../x",
    ] {
        let t = tempfile::tempdir().unwrap();
        make_bag(t.path(), &[("a.txt", b"a")]);
        let mut m = fs::read_to_string(t.path().join("manifest-sha256.txt")).unwrap();
        m.push_str(&format!("{}  {bad}\n", sha256(b"a")));
        fs::write(t.path().join("manifest-sha256.txt"), m).unwrap();
        write_tagmanifest(t.path());
        let r = verify_bag(t.path());
        assert_error_naming(&r, bad, &["за пределы пакета"]);

        let t = tempfile::tempdir().unwrap();
        make_bag(t.path(), &[("a.txt", b"a")]);
        fs::write(
            t.path().join("fetch.txt"),
            format!("https://example.org/a - {bad}\n"),
        )
        .unwrap();
        let r = verify_bag(t.path());
        assert_error_naming(&r, bad, &["fetch.txt", "за пределы пакета"]);
    }
}

#[test]
fn a_directory_that_is_not_a_bag_is_invalid() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("readme.txt"), b"hello").unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(&r, "bagit.txt", &["нет"]);
    assert!(!verify_bag(&t.path().join("nonexistent")).is_valid());
    assert!(!verify_bag(&t.path().join("readme.txt")).is_valid());
}

// ---------------------------------------------------------------------------------------------
// Version-specific rules, each isolated. Several suite bags cannot show them on their own:
// e.g. v1.0/invalid/same-filename-listed-twice-with-the-same-hash had its bagit.txt edited
// after its tag manifests were written, so it is invalid whatever the duplicate rule says.

/// Copies a suite bag (read-only) into a fresh directory, without its tag manifests and
/// with `bagit.txt` rewritten to `bagit`.
fn copy_suite_bag(rel: &str, bagit: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &target);
            } else {
                fs::write(&target, fs::read(e.path()).unwrap()).unwrap();
            }
        }
    }
    let t = tempfile::tempdir().unwrap();
    copy(&suite().join(rel), t.path());
    for e in fs::read_dir(t.path()).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("tagmanifest-")
        {
            fs::remove_file(p).unwrap();
        }
    }
    fs::write(t.path().join("bagit.txt"), bagit).unwrap();
    t
}

const V097: &str = "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n";
const V1: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

#[test]
fn the_same_path_twice_with_the_same_hash_is_an_error_in_1_0_only() {
    let old = copy_suite_bag(
        "v0.97/warning/same-filename-listed-twice-with-the-same-hash",
        V097,
    );
    let r = verify_bag(old.path());
    assert!(
        r.is_valid()
            && r.warnings
                .iter()
                .any(|w| w.contains("data/README") && w.contains("дважды")),
        "{}",
        describe(&r)
    );

    let new = copy_suite_bag(
        "v0.97/warning/same-filename-listed-twice-with-the-same-hash",
        V1,
    );
    let r = verify_bag(new.path());
    assert_error_naming(&r, "data/README", &["дважды", "manifest-sha256.txt"]);
    assert_eq!(r.errors.len(), 1, "{}", describe(&r));
}

#[test]
fn whitespace_before_the_colon_in_bagit_txt_is_an_error_in_1_0_only() {
    let spaced_1 = "BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n";
    let t = copy_suite_bag("v1.0/invalid/bagit-with-invalid-whitespace", spaced_1);
    let r = verify_bag(t.path());
    assert_error_naming(&r, "bagit.txt", &["BagIt-Version", "двоеточием"]);
    assert!(
        r.errors.iter().all(|e| e.starts_with("bagit.txt")),
        "{}",
        describe(&r)
    );

    let fixed = copy_suite_bag("v1.0/invalid/bagit-with-invalid-whitespace", V1);
    let r = verify_bag(fixed.path());
    assert!(
        r.is_valid(),
        "the rest of the bag is fine: {}",
        describe(&r)
    );

    let spaced_097 = "BagIt-Version : 0.97\nTag-File-Character-Encoding : UTF-8\n";
    let t = copy_suite_bag("v1.0/invalid/bagit-with-invalid-whitespace", spaced_097);
    let r = verify_bag(t.path());
    assert!(
        r.is_valid() && r.warnings.iter().any(|w| w.contains("двоеточием")),
        "{}",
        describe(&r)
    );
}

#[test]
fn uncommon_bag_info_separators_are_accepted_in_both_versions() {
    let t = copy_suite_bag("v0.97/valid/uncommon-metadata-separators", V097);
    let r = verify_bag(t.path());
    assert!(r.is_valid() && r.warnings.is_empty(), "{}", describe(&r));
    let t = copy_suite_bag("v0.97/valid/uncommon-metadata-separators", V1);
    let r = verify_bag(t.path());
    assert!(r.is_valid(), "{}", describe(&r));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("bag-info.txt") && w.contains("Test-Tag")),
        "{}",
        describe(&r)
    );
}

/// A bag with one payload file literally named `a%25b.txt`, in the given version.
fn bag_with_percent_name(bagit: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir_all(t.path().join("data")).unwrap();
    fs::write(t.path().join("bagit.txt"), bagit).unwrap();
    fs::write(t.path().join("data/a%25b.txt"), b"x").unwrap();
    fs::write(
        t.path().join("manifest-sha256.txt"),
        format!("{}  data/a%25b.txt\n", sha256(b"x")),
    )
    .unwrap();
    t
}

#[test]
fn percent_encoding_is_decoded_in_1_0_and_literal_before() {
    let r = verify_bag(bag_with_percent_name(V097).path());
    assert!(
        r.is_valid(),
        "0.97 takes the name literally: {}",
        describe(&r)
    );
    let r = verify_bag(bag_with_percent_name(V1).path());
    // In 1.0 the manifest names data/a%b.txt, which is absent; data/a%25b.txt is extra.
    assert_error_naming(&r, "data/a%25b.txt", &["отсутствует"]);
    assert_error_naming(&r, "data/a%25b.txt", &["лишний файл"]);
}

/// Two payload files; `a.txt` in manifest-md5.txt and manifest-sha256.txt, `b.txt` only in
/// manifest-md5.txt.
fn bag_with_partial_manifest(bagit: &str) -> tempfile::TempDir {
    use md5::Md5;
    let t = tempfile::tempdir().unwrap();
    fs::create_dir_all(t.path().join("data")).unwrap();
    fs::write(t.path().join("bagit.txt"), bagit).unwrap();
    fs::write(t.path().join("data/a.txt"), b"a").unwrap();
    fs::write(t.path().join("data/b.txt"), b"b").unwrap();
    let md5 = |b: &[u8]| hex::encode(Md5::digest(b));
    fs::write(
        t.path().join("manifest-md5.txt"),
        format!("{}  data/a.txt\n{}  data/b.txt\n", md5(b"a"), md5(b"b")),
    )
    .unwrap();
    fs::write(
        t.path().join("manifest-sha256.txt"),
        format!("{}  data/a.txt\n", sha256(b"a")),
    )
    .unwrap();
    t
}

#[test]
fn every_file_in_every_manifest_is_required_in_1_0_only() {
    let r = verify_bag(bag_with_partial_manifest(V1).path());
    assert_error_naming(&r, "data/b.txt", &["manifest-sha256.txt"]);
    assert_eq!(r.errors.len(), 1, "{}", describe(&r));
    let r = verify_bag(bag_with_partial_manifest(V097).path());
    assert!(r.is_valid(), "{}", describe(&r));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("data/b.txt") && w.contains("manifest-sha256.txt")),
        "{}",
        describe(&r)
    );
}

#[test]
fn a_changed_file_is_found_by_every_algorithm_in_one_pass() {
    let t = bag_with_partial_manifest(V097);
    fs::write(t.path().join("data/a.txt"), b"A").unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(&r, "data/a.txt", &["изменён", "md5"]);
    assert_error_naming(&r, "data/a.txt", &["изменён", "sha256"]);
}

#[test]
fn an_unsupported_algorithm_alone_is_an_error_and_beside_another_a_warning() {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir_all(t.path().join("data")).unwrap();
    fs::write(t.path().join("bagit.txt"), V1).unwrap();
    fs::write(t.path().join("data/a.txt"), b"a").unwrap();
    fs::write(t.path().join("manifest-blake3.txt"), "00  data/a.txt\n").unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(&r, "manifest-blake3.txt", &["поддерживаемым"]);
    fs::write(
        t.path().join("manifest-sha256.txt"),
        format!("{}  data/a.txt\n", sha256(b"a")),
    )
    .unwrap();
    let r = verify_bag(t.path());
    assert!(
        r.is_valid() && r.warnings.iter().any(|w| w.contains("manifest-blake3.txt")),
        "{}",
        describe(&r)
    );
}

#[test]
fn a_missing_fetched_file_makes_the_bag_incomplete() {
    let t = copy_suite_bag("v0.97/valid/holey-bag", V097);
    fs::remove_file(t.path().join("data/test2.txt")).unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(
        &r,
        "data/test2.txt",
        &[
            "fetch.txt",
            "http://localhost:8989/bags/v0_96/holey-bag/data/test2.txt",
        ],
    );
}

#[test]
fn iso_8859_1_and_utf16_tag_files_are_decoded() {
    // A 0.97 bag whose manifest is in ISO-8859-1 and names a non-ASCII file.
    let t = tempfile::tempdir().unwrap();
    fs::create_dir_all(t.path().join("data")).unwrap();
    fs::write(
        t.path().join("bagit.txt"),
        "BagIt-Version: 0.97\nTag-File-Character-Encoding: ISO-8859-1\n",
    )
    .unwrap();
    fs::write(t.path().join("data/café.txt"), b"x").unwrap();
    let mut m = format!("{}  data/caf", sha256(b"x")).into_bytes();
    m.extend_from_slice(b"\xe9.txt\n");
    fs::write(t.path().join("manifest-sha256.txt"), &m).unwrap();
    fs::write(
        t.path().join("bag-info.txt"),
        b"Contact-Name: Jos\xe9\nPayload-Oxum: 1.1\n",
    )
    .unwrap();
    let r = verify_bag(t.path());
    assert!(r.is_valid(), "{}", describe(&r));

    // The same manifest declared as UTF-8 is not valid UTF-8.
    fs::write(t.path().join("bagit.txt"), V097).unwrap();
    let r = verify_bag(t.path());
    assert_error_naming(&r, "manifest-sha256.txt", &["кодировке"]);
}

// ---------------------------------------------------------------------------------------------
// Robustness: whatever the tag files say, the verifier answers (and never panics).

mod robustness {
    use super::*;
    use proptest::prelude::*;

    const TOKENS: &[&str] = &[
        "data/",
        "../",
        "/",
        "~",
        "%0A",
        "%0d",
        "%25",
        "%",
        "*",
        "./",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "a.txt",
        "é",
        "e\u{301}",
        ":",
        " : ",
        "Payload-Oxum: ",
        "BagIt-Version: ",
        "1.0",
        "0.97",
        ".",
        "-",
        "Tag-File-Character-Encoding: ",
        "UTF-8",
        "UTF-16",
        "http://x/y ",
        "\\",
        "\u{feff}",
        "\0",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "12",
        "data/a.txt",
    ];

    fn text() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            prop::collection::vec(prop::sample::select(TOKENS), 0..40)
                .prop_map(|t| t.concat().into_bytes()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
        #[test]
        fn random_tag_files_never_panic(
            bagit in text(), info in text(), manifest in text(), tagmanifest in text(), fetch in text(),
            which in 0u8..32,
        ) {
            let t = tempfile::tempdir().unwrap();
            sample(t.path());
            let files = [
                ("bagit.txt", &bagit),
                ("bag-info.txt", &info),
                ("manifest-sha256.txt", &manifest),
                ("tagmanifest-sha256.txt", &tagmanifest),
                ("fetch.txt", &fetch),
            ];
            for (i, (name, bytes)) in files.iter().enumerate() {
                if which & (1 << i) != 0 {
                    fs::write(t.path().join(name), bytes).unwrap();
                }
            }
            let r = verify_bag(t.path());
            let d = t.path().to_string_lossy().into_owned();
            for m in r.errors.iter().chain(&r.warnings) {
                prop_assert!(!m.contains(&d), "absolute path in {m}");
                prop_assert!(!m.contains('\n') && !m.contains('\r'), "line break in {m:?}");
            }
        }
    }
}
